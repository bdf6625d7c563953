//! Parameters of `provider`. State stores the protobuf form (`agora.provider.v1.Params`).

use agora_proto::provider::v1 as pb;
use agora_types::{Coin, Denom};
use serde::{Deserialize, Serialize};

use crate::validate::{MAX_ATTRIBUTES, MAX_ATTRIBUTE_VALUE_LEN, MAX_GPU_CLASSES, MAX_STORAGE_CLASSES};
use crate::ProviderError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// Minimum bond; its denom is the only one a bond may use.
    #[serde(default = "default_min_bond")]
    pub min_bond: Coin,
    /// Blocks between `MsgDeleteProvider` and the bond's return.
    #[serde(default = "default_unbonding_blocks")]
    pub unbonding_blocks: u64,
    #[serde(default = "default_max_attributes")]
    pub max_attributes: u32,
    #[serde(default = "default_max_attribute_value_len")]
    pub max_attribute_value_len: u32,
    #[serde(default = "default_max_gpu_classes")]
    pub max_gpu_classes: u32,
    #[serde(default = "default_max_storage_classes")]
    pub max_storage_classes: u32,
    /// Unbondings completed per block at most (the rest wait, oldest first).
    #[serde(default = "default_max_unbondings_per_block")]
    pub max_unbondings_per_block: u32,
}

/// Denom of the default minimum bond.
pub const DEFAULT_BOND_DENOM: &str = "uagora";

#[allow(clippy::expect_used)]
fn default_min_bond() -> Coin {
    // A constant that matches the denom rules (see the test below), so this cannot fail.
    Coin::new(Denom::new(DEFAULT_BOND_DENOM).expect("uagora is a valid denom"), 100_000_000)
}

fn default_unbonding_blocks() -> u64 {
    100_800
}
fn default_max_attributes() -> u32 {
    64
}
fn default_max_attribute_value_len() -> u32 {
    256
}
fn default_max_gpu_classes() -> u32 {
    16
}
fn default_max_storage_classes() -> u32 {
    8
}
fn default_max_unbondings_per_block() -> u32 {
    1_000
}

/// The largest per-block budget of block work a parameter may set.
pub const MAX_PER_BLOCK: u32 = 100_000;

impl Default for Params {
    fn default() -> Self {
        Self {
            min_bond: default_min_bond(),
            unbonding_blocks: default_unbonding_blocks(),
            max_attributes: default_max_attributes(),
            max_attribute_value_len: default_max_attribute_value_len(),
            max_gpu_classes: default_max_gpu_classes(),
            max_storage_classes: default_max_storage_classes(),
            max_unbondings_per_block: default_max_unbondings_per_block(),
        }
    }
}

impl Params {
    pub fn validate(&self) -> Result<(), ProviderError> {
        let invalid = |msg: String| Err(ProviderError::InvalidParams(msg));
        if self.min_bond.amount == 0 {
            return invalid("provider.params.min_bond must be positive".into());
        }
        if self.unbonding_blocks == 0 {
            return invalid("provider.params.unbonding_blocks must be positive".into());
        }
        let bounded = [
            ("max_attributes", self.max_attributes, MAX_ATTRIBUTES),
            ("max_attribute_value_len", self.max_attribute_value_len, MAX_ATTRIBUTE_VALUE_LEN),
            ("max_gpu_classes", self.max_gpu_classes, MAX_GPU_CLASSES),
            ("max_storage_classes", self.max_storage_classes, MAX_STORAGE_CLASSES),
            ("max_unbondings_per_block", self.max_unbondings_per_block, MAX_PER_BLOCK as usize),
        ];
        for (field, value, max) in bounded {
            if value == 0 || value as usize > max {
                return invalid(format!("provider.params.{field} must be between 1 and {max}, got {value}"));
            }
        }
        Ok(())
    }

    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            min_bond: Some(self.min_bond.to_proto()),
            unbonding_blocks: self.unbonding_blocks,
            max_attributes: self.max_attributes,
            max_attribute_value_len: self.max_attribute_value_len,
            max_gpu_classes: self.max_gpu_classes,
            max_storage_classes: self.max_storage_classes,
            max_unbondings_per_block: self.max_unbondings_per_block,
        }
    }

    pub fn from_proto(proto: &pb::Params) -> Result<Self, ProviderError> {
        let min_bond = proto
            .min_bond
            .as_ref()
            .ok_or_else(|| ProviderError::InvalidParams("provider.params.min_bond is missing".into()))?;
        let min_bond = Coin::from_proto(min_bond)
            .map_err(|e| ProviderError::InvalidParams(format!("provider.params.min_bond: {e}")))?;
        Ok(Self {
            min_bond,
            unbonding_blocks: proto.unbonding_blocks,
            max_attributes: proto.max_attributes,
            max_attribute_value_len: proto.max_attribute_value_len,
            max_gpu_classes: proto.max_gpu_classes,
            max_storage_classes: proto.max_storage_classes,
            max_unbondings_per_block: proto.max_unbondings_per_block,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_round_trip() {
        let p = Params::default();
        assert_eq!(p.min_bond.to_string(), "100000000uagora");
        assert_eq!(p.unbonding_blocks, 100_800);
        p.validate().unwrap();
        assert_eq!(Params::from_proto(&p.to_proto()).unwrap(), p);
        let from_json: Params = serde_json::from_str("{}").unwrap();
        assert_eq!(from_json, p);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Params>(&json).unwrap(), p);
        assert!(serde_json::from_str::<Params>(r#"{"unknown": 1}"#).is_err());
    }

    #[test]
    fn validation_names_the_field() {
        let err = |p: Params| p.validate().unwrap_err().to_string();
        assert_eq!(
            err(Params { unbonding_blocks: 0, ..Params::default() }),
            "invalid params: provider.params.unbonding_blocks must be positive"
        );
        assert!(err(Params { min_bond: "0uagora".parse().unwrap(), ..Params::default() }).contains("provider.params.min_bond"));
        assert!(err(Params { max_attributes: 65, ..Params::default() }).contains("provider.params.max_attributes"));
        assert!(err(Params { max_attribute_value_len: 0, ..Params::default() }).contains("provider.params.max_attribute_value_len"));
        assert!(err(Params { max_gpu_classes: 17, ..Params::default() }).contains("provider.params.max_gpu_classes"));
        assert!(err(Params { max_storage_classes: 9, ..Params::default() }).contains("provider.params.max_storage_classes"));
        assert!(Params::from_proto(&pb::Params::default()).is_err());
    }
}
