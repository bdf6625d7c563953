//! `mint` parameters, stored and queried as `cosmos.mint.v1beta1.Params` (decimals in the
//! protobuf `LegacyDec` form: the integer count of 10^-18).

use agora_types::{Dec, Denom, DEC_ONE};
use cosmos_sdk_proto::cosmos::mint::v1beta1 as pb;
use serde::{Deserialize, Serialize};

use crate::MintError;

/// `percent`% as a decimal.
const fn percent(percent: u128) -> Dec {
    Dec::from_atto(percent * (DEC_ONE / 100))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// The denom minted (and whose supply and bonded ratio set the inflation).
    pub mint_denom: Denom,
    /// How much the inflation rate may change in a year at most.
    pub inflation_rate_change: Dec,
    pub inflation_max: Dec,
    pub inflation_min: Dec,
    /// The bonded ratio inflation steers toward.
    pub goal_bonded: Dec,
    /// Expected blocks a year (the SDK's default assumes 5-second blocks). In JSON a string,
    /// as the SDK writes a `uint64`; a number is accepted too.
    #[serde(with = "u64_text")]
    pub blocks_per_year: u64,
}

impl Default for Params {
    /// The Cosmos SDK's defaults, minting Agora's native denom.
    fn default() -> Self {
        Self {
            mint_denom: Denom::native(),
            inflation_rate_change: percent(13),
            inflation_max: percent(20),
            inflation_min: percent(7),
            goal_bonded: percent(67),
            blocks_per_year: 60 * 60 * 8766 / 5,
        }
    }
}

impl Params {
    /// The SDK's rules; the error names the field.
    pub fn validate(&self) -> Result<(), MintError> {
        let invalid = |m: String| Err(MintError::InvalidParams(m));
        for (field, value) in [
            ("inflation_rate_change", self.inflation_rate_change),
            ("inflation_max", self.inflation_max),
            ("inflation_min", self.inflation_min),
        ] {
            if value > Dec::ONE {
                return invalid(format!("mint.params.{field} too large: {value} exceeds 1"));
            }
        }
        if self.goal_bonded.is_zero() {
            return invalid("mint.params.goal_bonded must be positive".into());
        }
        if self.goal_bonded > Dec::ONE {
            return invalid(format!("mint.params.goal_bonded too large: {} exceeds 1", self.goal_bonded));
        }
        if self.blocks_per_year == 0 {
            return invalid("mint.params.blocks_per_year must be positive".into());
        }
        if self.inflation_max < self.inflation_min {
            return invalid(format!(
                "mint.params.inflation_max ({}) must be greater than or equal to mint.params.inflation_min ({})",
                self.inflation_max, self.inflation_min
            ));
        }
        Ok(())
    }

    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            mint_denom: self.mint_denom.to_string(),
            inflation_rate_change: self.inflation_rate_change.to_atto_string(),
            inflation_max: self.inflation_max.to_atto_string(),
            inflation_min: self.inflation_min.to_atto_string(),
            goal_bonded: self.goal_bonded.to_atto_string(),
            blocks_per_year: self.blocks_per_year,
        }
    }

    /// Parses and validates the protobuf form.
    pub fn from_proto(proto: &pb::Params) -> Result<Self, MintError> {
        let invalid = |m: String| MintError::InvalidParams(m);
        if proto.mint_denom.trim().is_empty() {
            return Err(invalid("mint.params.mint_denom cannot be blank".into()));
        }
        let dec = |field: &str, value: &str| {
            Dec::from_atto_str(value).map_err(|e| invalid(format!("mint.params.{field}: {e}")))
        };
        let params = Self {
            mint_denom: Denom::new(&proto.mint_denom).map_err(|e| invalid(format!("mint.params.mint_denom: {e}")))?,
            inflation_rate_change: dec("inflation_rate_change", &proto.inflation_rate_change)?,
            inflation_max: dec("inflation_max", &proto.inflation_max)?,
            inflation_min: dec("inflation_min", &proto.inflation_min)?,
            goal_bonded: dec("goal_bonded", &proto.goal_bonded)?,
            blocks_per_year: proto.blocks_per_year,
        };
        params.validate()?;
        Ok(params)
    }
}

/// A `u64` written as the SDK's JSON writes one (`"6311520"`), read from a string or a number.
pub mod u64_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        Number(u64),
        String(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        match Text::deserialize(d)? {
            Text::Number(n) => Ok(n),
            Text::String(s) => s.parse().map_err(|_| serde::de::Error::custom(format!("invalid integer {s:?}"))),
        }
    }
}
