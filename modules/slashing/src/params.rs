//! `slashing` parameters, stored and queried as `cosmos.slashing.v1beta1.Params`.

use agora_types::Dec;
use cosmos_sdk_proto::cosmos::slashing::v1beta1 as pb;
use serde::{Deserialize, Serialize};

use crate::SlashingError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    pub signed_blocks_window: u64,
    pub min_signed_per_window: Dec,
    /// Seconds a validator jailed for downtime waits before `MsgUnjail`.
    pub downtime_jail_duration: u64,
    pub slash_fraction_double_sign: Dec,
    pub slash_fraction_downtime: Dec,
}

impl Default for Params {
    /// The Cosmos SDK's defaults.
    fn default() -> Self {
        Self {
            signed_blocks_window: 100,
            min_signed_per_window: Dec::from_atto(500_000_000_000_000_000),
            downtime_jail_duration: 600,
            slash_fraction_double_sign: Dec::from_atto(50_000_000_000_000_000),
            slash_fraction_downtime: Dec::from_atto(10_000_000_000_000_000),
        }
    }
}

impl Params {
    pub fn validate(&self) -> Result<(), SlashingError> {
        let invalid = |m: &str| Err(SlashingError::InvalidParams(m.to_string()));
        if self.signed_blocks_window == 0 || self.signed_blocks_window > 1_000_000 {
            return invalid("slashing.params.signed_blocks_window must be between 1 and 1000000");
        }
        if self.min_signed_per_window > Dec::ONE {
            return invalid("slashing.params.min_signed_per_window must be at most 1");
        }
        if self.downtime_jail_duration == 0 {
            return invalid("slashing.params.downtime_jail_duration must be positive");
        }
        if self.slash_fraction_double_sign > Dec::ONE {
            return invalid("slashing.params.slash_fraction_double_sign must be at most 1");
        }
        if self.slash_fraction_downtime > Dec::ONE {
            return invalid("slashing.params.slash_fraction_downtime must be at most 1");
        }
        Ok(())
    }

    /// Misses in a window beyond which a validator is jailed: `window − ⌊min_signed × window⌋`.
    pub fn max_missed(&self) -> u64 {
        let min_signed = Dec::from_units(u128::from(self.signed_blocks_window))
            .checked_mul(self.min_signed_per_window)
            .and_then(Dec::floor)
            .unwrap_or(0);
        self.signed_blocks_window.saturating_sub(u64::try_from(min_signed).unwrap_or(u64::MAX))
    }

    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            signed_blocks_window: i64::try_from(self.signed_blocks_window).unwrap_or(i64::MAX),
            min_signed_per_window: self.min_signed_per_window.to_atto_string().into_bytes(),
            downtime_jail_duration: Some(tendermint_proto::google::protobuf::Duration {
                seconds: i64::try_from(self.downtime_jail_duration).unwrap_or(i64::MAX),
                nanos: 0,
            }),
            slash_fraction_double_sign: self.slash_fraction_double_sign.to_atto_string().into_bytes(),
            slash_fraction_downtime: self.slash_fraction_downtime.to_atto_string().into_bytes(),
        }
    }

    pub fn from_proto(proto: &pb::Params) -> Result<Self, SlashingError> {
        let invalid = |m: String| SlashingError::InvalidParams(m);
        let dec = |field: &str, bytes: &[u8]| -> Result<Dec, SlashingError> {
            let text = std::str::from_utf8(bytes).map_err(|_| invalid(format!("{field} is not UTF-8")))?;
            Dec::from_atto_str(text).map_err(|e| invalid(format!("{field}: {e}")))
        };
        let duration = proto.downtime_jail_duration.as_ref().ok_or_else(|| invalid("downtime_jail_duration is missing".into()))?;
        if duration.seconds < 0 || duration.nanos != 0 {
            return Err(invalid("downtime_jail_duration must be whole, non-negative seconds".into()));
        }
        let params = Self {
            signed_blocks_window: u64::try_from(proto.signed_blocks_window).map_err(|_| invalid("signed_blocks_window must be positive".into()))?,
            min_signed_per_window: dec("min_signed_per_window", &proto.min_signed_per_window)?,
            downtime_jail_duration: duration.seconds.unsigned_abs(),
            slash_fraction_double_sign: dec("slash_fraction_double_sign", &proto.slash_fraction_double_sign)?,
            slash_fraction_downtime: dec("slash_fraction_downtime", &proto.slash_fraction_downtime)?,
        };
        params.validate()?;
        Ok(params)
    }
}
