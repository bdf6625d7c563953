//! Module parameters, with the Cosmos SDK's defaults.

use serde::{Deserialize, Serialize};

use crate::AuthError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub max_memo_characters: u64,
    pub tx_sig_limit: u64,
    pub tx_size_cost_per_byte: u64,
    pub sig_verify_cost_ed25519: u64,
    pub sig_verify_cost_secp256k1: u64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            max_memo_characters: 256,
            tx_sig_limit: 7,
            tx_size_cost_per_byte: 10,
            sig_verify_cost_ed25519: 590,
            sig_verify_cost_secp256k1: 1_000,
        }
    }
}

impl Params {
    pub fn validate(&self) -> Result<(), AuthError> {
        let fields = [
            ("auth.params.max_memo_characters", self.max_memo_characters),
            ("auth.params.tx_sig_limit", self.tx_sig_limit),
            ("auth.params.tx_size_cost_per_byte", self.tx_size_cost_per_byte),
            ("auth.params.sig_verify_cost_ed25519", self.sig_verify_cost_ed25519),
            ("auth.params.sig_verify_cost_secp256k1", self.sig_verify_cost_secp256k1),
        ];
        for (name, value) in fields {
            if value == 0 {
                return Err(AuthError::InvalidGenesis(format!("{name} must be positive")));
            }
        }
        Ok(())
    }

    pub fn to_proto(&self) -> cosmos_sdk_proto::cosmos::auth::v1beta1::Params {
        cosmos_sdk_proto::cosmos::auth::v1beta1::Params {
            max_memo_characters: self.max_memo_characters,
            tx_sig_limit: self.tx_sig_limit,
            tx_size_cost_per_byte: self.tx_size_cost_per_byte,
            sig_verify_cost_ed25519: self.sig_verify_cost_ed25519,
            sig_verify_cost_secp256k1: self.sig_verify_cost_secp256k1,
        }
    }

    pub fn from_proto(p: &cosmos_sdk_proto::cosmos::auth::v1beta1::Params) -> Self {
        Self {
            max_memo_characters: p.max_memo_characters,
            tx_sig_limit: p.tx_sig_limit,
            tx_size_cost_per_byte: p.tx_size_cost_per_byte,
            sig_verify_cost_ed25519: p.sig_verify_cost_ed25519,
            sig_verify_cost_secp256k1: p.sig_verify_cost_secp256k1,
        }
    }
}
