//! Provider-penalty parameters (`agora.slashing.v1.Params`), in state and changed only by
//! governance.

use agora_proto::slashing::v1 as pb;
use agora_types::{Coin, Denom};
use serde::{Deserialize, Serialize};

use crate::SlashingError;

/// Basis points in one whole.
pub const BPS_ONE: u32 = 10_000;
/// At most this many draws a block: each is a bounded read of the challenge draw.
pub const MAX_CHALLENGES_PER_BLOCK: u32 = 64;
/// The longest answer window: every open challenge is one queue entry until then.
pub const MAX_RESPONSE_WINDOW: u64 = 100_000;
/// The largest panel: each member is a draw when the panel forms and a share of the fee.
pub const MAX_PANEL_SIZE: u32 = 21;
/// The longest vote and appeal windows, and seat warm-up and cool-down (about 58 days of
/// 5-second blocks).
pub const MAX_DISPUTE_BLOCKS: u64 = 1_000_000;
/// The most dispute steps a block may take (each bounded by the largest panel).
pub const MAX_DISPUTE_STEPS_PER_BLOCK: u32 = 256;

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
    pub dispute_deposit: Coin,
    pub panel_size: u32,
    pub panel_threshold: u32,
    pub dispute_window: u64,
    pub dispute_slash_bps: u32,
    pub victim_share_bps: u32,
    pub panel_fee_bps: u32,
    pub appeal_blocks: u64,
    pub panelist_bond: Coin,
    pub panelist_warmup_blocks: u64,
    pub panelist_cooldown_blocks: u64,
    pub absent_slash_bps: u32,
    pub max_dispute_steps_per_block: u32,
}

fn uagora(amount: u128) -> Coin {
    Coin::new(Denom::native(), amount)
}

impl Default for ProviderParams {
    /// One draw a block; 100 blocks (about 8 minutes of 5-second blocks) to answer; 0.5 % of
    /// the bond per miss; jailed for a day of blocks after 3 misses in a row; proven fraud
    /// takes half the bond, a tenth of which rewards the reporter. A dispute deposits 10 AGORA
    /// and is voted on by 5 auditors for a day, 3 upholding it; an upheld dispute takes a tenth
    /// of the bond (half of it to the tenant, a tenth to the panel) and may be reversed by
    /// governance for a week; a panel seat locks 100 AGORA, is drawn from a day after it
    /// enrolls, returns its bond a day after it leaves, and loses a tenth of it for each vote it
    /// does not cast; 32 dispute steps a block.
    fn default() -> Self {
        Self {
            challenges_per_block: 1,
            response_window: 100,
            missed_challenge_slash_bps: 50,
            max_missed: 3,
            jail_blocks: 17_280,
            fraud_slash_bps: 5_000,
            reporter_share_bps: 1_000,
            dispute_deposit: uagora(10_000_000),
            panel_size: 5,
            panel_threshold: 3,
            dispute_window: 17_280,
            dispute_slash_bps: 1_000,
            victim_share_bps: 5_000,
            panel_fee_bps: 1_000,
            appeal_blocks: 120_960,
            panelist_bond: uagora(100_000_000),
            panelist_warmup_blocks: 17_280,
            panelist_cooldown_blocks: 17_280,
            absent_slash_bps: 1_000,
            max_dispute_steps_per_block: 32,
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
        if self.dispute_deposit.amount == 0 {
            return invalid("dispute_deposit must be positive");
        }
        if self.panelist_bond.amount == 0 {
            return invalid("panelist_bond must be positive");
        }
        if self.panel_size == 0 || self.panel_size > MAX_PANEL_SIZE {
            return invalid(&format!("panel_size must be between 1 and {MAX_PANEL_SIZE}"));
        }
        // A majority at least: two disjoint groups of the panel can never both decide.
        if self.panel_threshold <= self.panel_size / 2 || self.panel_threshold > self.panel_size {
            return invalid("panel_threshold must be a majority of panel_size and at most panel_size");
        }
        if self.dispute_window == 0 || self.dispute_window > MAX_DISPUTE_BLOCKS {
            return invalid(&format!("dispute_window must be between 1 and {MAX_DISPUTE_BLOCKS} blocks"));
        }
        if self.appeal_blocks == 0 || self.appeal_blocks > MAX_DISPUTE_BLOCKS {
            return invalid(&format!("appeal_blocks must be between 1 and {MAX_DISPUTE_BLOCKS} blocks"));
        }
        if self.dispute_slash_bps > BPS_ONE {
            return invalid("dispute_slash_bps must be at most 10000");
        }
        if u64::from(self.victim_share_bps) + u64::from(self.panel_fee_bps) > u64::from(BPS_ONE) {
            return invalid("victim_share_bps and panel_fee_bps together must be at most 10000");
        }
        if self.panelist_warmup_blocks > MAX_DISPUTE_BLOCKS || self.panelist_cooldown_blocks > MAX_DISPUTE_BLOCKS {
            return invalid(&format!("panelist_warmup_blocks and panelist_cooldown_blocks must be at most {MAX_DISPUTE_BLOCKS}"));
        }
        if self.absent_slash_bps > BPS_ONE {
            return invalid("absent_slash_bps must be at most 10000");
        }
        if self.max_dispute_steps_per_block == 0 || self.max_dispute_steps_per_block > MAX_DISPUTE_STEPS_PER_BLOCK {
            return invalid(&format!("max_dispute_steps_per_block must be between 1 and {MAX_DISPUTE_STEPS_PER_BLOCK}"));
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
            dispute_deposit: Some(self.dispute_deposit.to_proto()),
            panel_size: self.panel_size,
            panel_threshold: self.panel_threshold,
            dispute_window: self.dispute_window,
            dispute_slash_bps: self.dispute_slash_bps,
            victim_share_bps: self.victim_share_bps,
            panel_fee_bps: self.panel_fee_bps,
            appeal_blocks: self.appeal_blocks,
            panelist_bond: Some(self.panelist_bond.to_proto()),
            panelist_warmup_blocks: self.panelist_warmup_blocks,
            panelist_cooldown_blocks: self.panelist_cooldown_blocks,
            absent_slash_bps: self.absent_slash_bps,
            max_dispute_steps_per_block: self.max_dispute_steps_per_block,
        }
    }

    pub fn from_proto(proto: &pb::Params) -> Result<Self, SlashingError> {
        let coin = |field: &str, coin: &Option<cosmos_sdk_proto::cosmos::base::v1beta1::Coin>| {
            let coin = coin.as_ref().ok_or_else(|| SlashingError::InvalidParams(format!("slashing.provider_params.{field} is missing")))?;
            Coin::from_proto(coin).map_err(|e| SlashingError::InvalidParams(format!("slashing.provider_params.{field}: {e}")))
        };
        let params = Self {
            challenges_per_block: proto.challenges_per_block,
            response_window: proto.response_window,
            missed_challenge_slash_bps: proto.missed_challenge_slash_bps,
            max_missed: proto.max_missed,
            jail_blocks: proto.jail_blocks,
            fraud_slash_bps: proto.fraud_slash_bps,
            reporter_share_bps: proto.reporter_share_bps,
            dispute_deposit: coin("dispute_deposit", &proto.dispute_deposit)?,
            panel_size: proto.panel_size,
            panel_threshold: proto.panel_threshold,
            dispute_window: proto.dispute_window,
            dispute_slash_bps: proto.dispute_slash_bps,
            victim_share_bps: proto.victim_share_bps,
            panel_fee_bps: proto.panel_fee_bps,
            appeal_blocks: proto.appeal_blocks,
            panelist_bond: coin("panelist_bond", &proto.panelist_bond)?,
            panelist_warmup_blocks: proto.panelist_warmup_blocks,
            panelist_cooldown_blocks: proto.panelist_cooldown_blocks,
            absent_slash_bps: proto.absent_slash_bps,
            max_dispute_steps_per_block: proto.max_dispute_steps_per_block,
        };
        params.validate()?;
        Ok(params)
    }

    /// Whether stored terms are ones parameters could have had (genesis import).
    pub fn validate_terms(terms: &pb::DisputeTerms) -> Result<(), SlashingError> {
        let params = Self {
            panel_size: terms.panel_size,
            panel_threshold: terms.panel_threshold,
            dispute_window: terms.dispute_window,
            dispute_slash_bps: terms.dispute_slash_bps,
            victim_share_bps: terms.victim_share_bps,
            panel_fee_bps: terms.panel_fee_bps,
            appeal_blocks: terms.appeal_blocks,
            ..Self::default()
        };
        params.validate()
    }

    /// What decides a dispute opened now.
    pub fn dispute_terms(&self) -> pb::DisputeTerms {
        pb::DisputeTerms {
            panel_size: self.panel_size,
            panel_threshold: self.panel_threshold,
            dispute_window: self.dispute_window,
            dispute_slash_bps: self.dispute_slash_bps,
            victim_share_bps: self.victim_share_bps,
            panel_fee_bps: self.panel_fee_bps,
            appeal_blocks: self.appeal_blocks,
        }
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
