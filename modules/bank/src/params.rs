//! Bank parameters.

use serde::{Deserialize, Serialize};

use crate::BankError;

/// Whether coins may be sent, by default and per denom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub default_send_enabled: bool,
    /// Per-denom overrides of `default_send_enabled`.
    #[serde(default)]
    pub send_enabled: Vec<SendEnabled>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendEnabled {
    pub denom: agora_types::Denom,
    pub enabled: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self { default_send_enabled: true, send_enabled: Vec::new() }
    }
}

impl Params {
    pub fn is_send_enabled(&self, denom: &agora_types::Denom) -> bool {
        self.send_enabled
            .iter()
            .find(|s| &s.denom == denom)
            .map_or(self.default_send_enabled, |s| s.enabled)
    }

    /// Each denom named at most once.
    pub fn validate(&self) -> Result<(), BankError> {
        let mut seen = std::collections::BTreeSet::new();
        for entry in &self.send_enabled {
            if !seen.insert(&entry.denom) {
                return Err(BankError::InvalidParams(format!("send_enabled names {} twice", entry.denom)));
            }
        }
        Ok(())
    }

    /// The parameters a `cosmos.bank.v1beta1.Params` describes; its denoms must be valid.
    pub fn from_proto(proto: &cosmos_sdk_proto::cosmos::bank::v1beta1::Params) -> Result<Self, BankError> {
        #[allow(deprecated)]
        let send_enabled = proto
            .send_enabled
            .iter()
            .map(|entry| {
                let denom = agora_types::Denom::new(&entry.denom)
                    .map_err(|e| BankError::InvalidParams(format!("send_enabled denom {:?}: {e}", entry.denom)))?;
                Ok(SendEnabled { denom, enabled: entry.enabled })
            })
            .collect::<Result<_, BankError>>()?;
        Ok(Self { default_send_enabled: proto.default_send_enabled, send_enabled })
    }

    pub fn to_proto(&self) -> cosmos_sdk_proto::cosmos::bank::v1beta1::Params {
        cosmos_sdk_proto::cosmos::bank::v1beta1::Params {
            #[allow(deprecated)]
            send_enabled: self
                .send_enabled
                .iter()
                .map(|s| cosmos_sdk_proto::cosmos::bank::v1beta1::SendEnabled {
                    denom: s.denom.to_string(),
                    enabled: s.enabled,
                })
                .collect(),
            default_send_enabled: self.default_send_enabled,
        }
    }
}
