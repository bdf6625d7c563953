//! `staking` parameters, stored and queried as `cosmos.staking.v1beta1.Params` (Hermes reads
//! `unbonding_time` and `historical_entries` from them).

use agora_types::{Dec, Denom};
use cosmos_sdk_proto::cosmos::staking::v1beta1 as pb;
use serde::{Deserialize, Serialize};

use crate::StakingError;

pub use agora_types::time::NANOS_PER_SEC;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// How long unbonding takes, as the SDK writes a duration in JSON (`"1814400s"`).
    #[serde(with = "duration_secs")]
    pub unbonding_time: u64,
    pub max_validators: u32,
    /// Unbonding or redelegation entries per (delegator, validator(s)) at most.
    pub max_entries: u32,
    /// Blocks of `HistoricalInfo` kept (0 keeps none).
    pub historical_entries: u32,
    pub bond_denom: Denom,
    pub min_commission_rate: Dec,
}

impl Default for Params {
    /// The Cosmos SDK's defaults, with Agora's bond denom.
    fn default() -> Self {
        Self {
            unbonding_time: 21 * 24 * 3600,
            max_validators: 100,
            max_entries: 7,
            historical_entries: 10_000,
            bond_denom: Denom::native(),
            min_commission_rate: Dec::ZERO,
        }
    }
}

impl Params {
    /// The unbonding time in nanoseconds.
    pub fn unbonding_nanos(&self) -> u64 {
        self.unbonding_time.saturating_mul(NANOS_PER_SEC)
    }

    pub fn validate(&self) -> Result<(), StakingError> {
        let invalid = |m: &str| Err(StakingError::InvalidParams(m.to_string()));
        if self.unbonding_time == 0 {
            return invalid("staking.params.unbonding_time must be positive");
        }
        // Completion times are nanoseconds in a u64: keep them far from overflowing.
        if self.unbonding_time > 100 * 365 * 24 * 3600 {
            return invalid("staking.params.unbonding_time must be at most 100 years");
        }
        if self.max_validators == 0 {
            return invalid("staking.params.max_validators must be positive");
        }
        if self.max_validators > 10_000 {
            return invalid("staking.params.max_validators must be at most 10000");
        }
        if self.max_entries == 0 {
            return invalid("staking.params.max_entries must be positive");
        }
        if self.max_entries > 100 {
            return invalid("staking.params.max_entries must be at most 100");
        }
        if self.min_commission_rate > Dec::ONE {
            return invalid("staking.params.min_commission_rate must be at most 1");
        }
        Ok(())
    }

    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            unbonding_time: Some(tendermint_proto::google::protobuf::Duration { seconds: i64::try_from(self.unbonding_time).unwrap_or(i64::MAX), nanos: 0 }),
            max_validators: self.max_validators,
            max_entries: self.max_entries,
            historical_entries: self.historical_entries,
            bond_denom: self.bond_denom.to_string(),
            min_commission_rate: self.min_commission_rate.to_atto_string(),
        }
    }

    pub fn from_proto(proto: &pb::Params) -> Result<Self, StakingError> {
        let invalid = |m: String| StakingError::InvalidParams(m);
        let duration = proto.unbonding_time.as_ref().ok_or_else(|| invalid("unbonding_time is missing".into()))?;
        if duration.nanos != 0 || duration.seconds < 0 {
            return Err(invalid(format!("unbonding_time must be a whole, non-negative number of seconds, got {duration:?}")));
        }
        let params = Self {
            unbonding_time: duration.seconds.unsigned_abs(),
            max_validators: proto.max_validators,
            max_entries: proto.max_entries,
            historical_entries: proto.historical_entries,
            bond_denom: Denom::new(&proto.bond_denom).map_err(|e| invalid(format!("bond_denom: {e}")))?,
            min_commission_rate: Dec::from_atto_str(&proto.min_commission_rate)
                .map_err(|e| invalid(format!("min_commission_rate: {e}")))?,
        };
        params.validate()?;
        Ok(params)
    }
}

pub use agora_types::duration_secs;
