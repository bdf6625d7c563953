//! Provider-penalty parameters (`agora.slashing.v1.Params`), in state and changed only by
//! governance.

use agora_proto::slashing::v1 as pb;
use serde::{Deserialize, Serialize};

use crate::SlashingError;

/// Basis points in one whole.
pub const BPS_ONE: u32 = 10_000;
/// At most this many draws a block: each is a bounded read of the challenge draw.
pub const MAX_CHALLENGES_PER_BLOCK: u32 = 64;
/// The longest answer window: every open challenge is one queue entry until then.
pub const MAX_RESPONSE_WINDOW: u64 = 100_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProviderParams {
    pub challenges_per_block: u32,
    pub response_window: u64,
    pub missed_challenge_slash_bps: u32,
    pub max_missed: u32,
    pub jail_blocks: u64,
    pub fraud_slash_bps: u32,
    pub reporter_share_bps: u32,
}

impl Default for ProviderParams {
    /// One draw a block; 100 blocks (about 8 minutes of 5-second blocks) to answer; 0.5 % of
    /// the bond per miss; jailed for a day of blocks after 3 misses in a row; proven fraud
    /// takes half the bond, a tenth of which rewards the reporter.
    fn default() -> Self {
        Self {
            challenges_per_block: 1,
            response_window: 100,
            missed_challenge_slash_bps: 50,
            max_missed: 3,
            jail_blocks: 17_280,
            fraud_slash_bps: 5_000,
            reporter_share_bps: 1_000,
        }
    }
}

impl ProviderParams {
    pub fn validate(&self) -> Result<(), SlashingError> {
        let invalid = |m: &str| Err(SlashingError::InvalidParams(format!("slashing.provider_params.{m}")));
        if self.challenges_per_block > MAX_CHALLENGES_PER_BLOCK {
            return invalid(&format!("challenges_per_block must be at most {MAX_CHALLENGES_PER_BLOCK}"));
        }
        if self.response_window < 2 || self.response_window > MAX_RESPONSE_WINDOW {
            return invalid(&format!("response_window must be between 2 and {MAX_RESPONSE_WINDOW} blocks"));
        }
        if self.missed_challenge_slash_bps > BPS_ONE {
            return invalid("missed_challenge_slash_bps must be at most 10000");
        }
        if self.max_missed == 0 {
            return invalid("max_missed must be positive");
        }
        if self.jail_blocks == 0 {
            return invalid("jail_blocks must be positive");
        }
        if self.fraud_slash_bps > BPS_ONE {
            return invalid("fraud_slash_bps must be at most 10000");
        }
        if self.reporter_share_bps > BPS_ONE {
            return invalid("reporter_share_bps must be at most 10000");
        }
        Ok(())
    }

    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            challenges_per_block: self.challenges_per_block,
            response_window: self.response_window,
            missed_challenge_slash_bps: self.missed_challenge_slash_bps,
            max_missed: self.max_missed,
            jail_blocks: self.jail_blocks,
            fraud_slash_bps: self.fraud_slash_bps,
            reporter_share_bps: self.reporter_share_bps,
        }
    }

    pub fn from_proto(proto: &pb::Params) -> Result<Self, SlashingError> {
        let params = Self {
            challenges_per_block: proto.challenges_per_block,
            response_window: proto.response_window,
            missed_challenge_slash_bps: proto.missed_challenge_slash_bps,
            max_missed: proto.max_missed,
            jail_blocks: proto.jail_blocks,
            fraud_slash_bps: proto.fraud_slash_bps,
            reporter_share_bps: proto.reporter_share_bps,
        };
        params.validate()?;
        Ok(params)
    }

    /// The part of `bond` a missed challenge takes.
    pub fn miss_slash(&self, bond: u128) -> u128 {
        share(bond, self.missed_challenge_slash_bps)
    }
}

/// `bps` basis points of `amount`, rounded down. Split so that any u128 stays in range.
pub fn share(amount: u128, bps: u32) -> u128 {
    let (bps, one) = (u128::from(bps.min(BPS_ONE)), u128::from(BPS_ONE));
    (amount / one) * bps + (amount % one) * bps / one
}
