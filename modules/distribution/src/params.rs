//! `distribution` parameters, stored and queried as `cosmos.distribution.v1beta1.Params`.

use agora_types::Dec;
use cosmos_sdk_proto::cosmos::distribution::v1beta1 as pb;
use serde::{Deserialize, Serialize};

use crate::DistributionError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// Share of every block's rewards that goes to the community pool.
    pub community_tax: Dec,
    /// Whether delegators may send their rewards to another address.
    pub withdraw_addr_enabled: bool,
}

impl Default for Params {
    /// The Cosmos SDK's defaults.
    fn default() -> Self {
        Self { community_tax: Dec::from_atto(20_000_000_000_000_000), withdraw_addr_enabled: true }
    }
}

impl Params {
    pub fn validate(&self) -> Result<(), DistributionError> {
        if self.community_tax > Dec::ONE {
            return Err(DistributionError::InvalidParams("distribution.params.community_tax must be at most 1".into()));
        }
        Ok(())
    }

    #[allow(deprecated)]
    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            community_tax: self.community_tax.to_atto_string(),
            // Deprecated in the SDK since v0.47 and always zero: the proposer gets no bonus.
            base_proposer_reward: "0".into(),
            bonus_proposer_reward: "0".into(),
            withdraw_addr_enabled: self.withdraw_addr_enabled,
        }
    }

    pub fn from_proto(proto: &pb::Params) -> Result<Self, DistributionError> {
        let tax = Dec::from_atto_str(&proto.community_tax)
            .map_err(|e| DistributionError::InvalidParams(format!("community_tax: {e}")))?;
        let params = Self { community_tax: tax, withdraw_addr_enabled: proto.withdraw_addr_enabled };
        params.validate()?;
        Ok(params)
    }
}
