//! `escrow` parameters: the take rate per denom, paid to the community pool on withdrawal.

use agora_proto::escrow::v1 as pb;
use agora_types::Denom;
use serde::{Deserialize, Serialize};

use crate::EscrowError;

/// Basis points in one whole.
pub const BPS_ONE: u32 = 10_000;

/// The largest per-block budget of block work a parameter may set.
pub const MAX_PER_BLOCK: u32 = 100_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TakeRate {
    pub denom: Denom,
    pub bps: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    pub take_rates: Vec<TakeRate>,
    pub default_take_rate_bps: u32,
    pub max_depositors: u32,
    /// Accounts settled for running dry per block at most (the rest wait, earliest first).
    pub max_depletions_per_block: u32,
}

impl Default for Params {
    /// 2% on the native denom, 20% on any other (e.g. bridged stablecoins).
    fn default() -> Self {
        Self {
            take_rates: vec![TakeRate { denom: Denom::native(), bps: 200 }],
            default_take_rate_bps: 2_000,
            max_depositors: 32,
            max_depletions_per_block: 500,
        }
    }
}

impl Params {
    pub fn take_rate_bps(&self, denom: &Denom) -> u32 {
        self.take_rates.iter().find(|t| &t.denom == denom).map_or(self.default_take_rate_bps, |t| t.bps)
    }

    pub fn validate(&self) -> Result<(), EscrowError> {
        let invalid = |m: String| EscrowError::InvalidParams(m);
        if self.default_take_rate_bps > BPS_ONE {
            return Err(invalid(format!("escrow.params.default_take_rate_bps {} exceeds {BPS_ONE}", self.default_take_rate_bps)));
        }
        for (i, rate) in self.take_rates.iter().enumerate() {
            if rate.bps > BPS_ONE {
                return Err(invalid(format!("escrow.params.take_rates[{i}].bps {} exceeds {BPS_ONE}", rate.bps)));
            }
            if self.take_rates[..i].iter().any(|r| r.denom == rate.denom) {
                return Err(invalid(format!("escrow.params.take_rates[{i}]: duplicate denom {}", rate.denom)));
            }
        }
        if self.max_depositors == 0 {
            return Err(invalid("escrow.params.max_depositors must be positive".into()));
        }
        if self.max_depletions_per_block == 0 || self.max_depletions_per_block > MAX_PER_BLOCK {
            return Err(invalid(format!(
                "escrow.params.max_depletions_per_block must be between 1 and {MAX_PER_BLOCK}, got {}",
                self.max_depletions_per_block
            )));
        }
        Ok(())
    }

    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            take_rates: self.take_rates.iter().map(|t| pb::TakeRate { denom: t.denom.to_string(), bps: t.bps }).collect(),
            default_take_rate_bps: self.default_take_rate_bps,
            max_depositors: self.max_depositors,
            max_depletions_per_block: self.max_depletions_per_block,
        }
    }

    pub fn from_proto(proto: pb::Params) -> Result<Self, EscrowError> {
        let take_rates = proto
            .take_rates
            .into_iter()
            .map(|t| {
                let denom = Denom::new(&t.denom).map_err(|e| EscrowError::InvalidParams(format!("take rate denom {:?}: {e}", t.denom)))?;
                Ok(TakeRate { denom, bps: t.bps })
            })
            .collect::<Result<_, EscrowError>>()?;
        Ok(Self { take_rates, default_take_rate_bps: proto.default_take_rate_bps, max_depositors: proto.max_depositors, max_depletions_per_block: proto.max_depletions_per_block })
    }
}
