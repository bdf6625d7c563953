//! Slashing's messages: `MsgUnjail` (signed by the validator's operator) and
//! `MsgUpdateParams` (the authority).

use agora_types::{Address, VALOPER_PREFIX};
use cosmos_sdk_proto::cosmos::slashing::v1beta1 as pb;
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::{Params, SlashingError};

pub const MSG_UNJAIL_URL: &str = "/cosmos.slashing.v1beta1.MsgUnjail";
pub const MSG_UPDATE_PARAMS_URL: &str = "/cosmos.slashing.v1beta1.MsgUpdateParams";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlashingMsg {
    Unjail { operator: Address },
    UpdateParams { authority: Address, params: Params },
}

impl SlashingMsg {
    pub fn type_url(&self) -> &'static str {
        match self {
            Self::Unjail { .. } => MSG_UNJAIL_URL,
            Self::UpdateParams { .. } => MSG_UPDATE_PARAMS_URL,
        }
    }

    pub fn signers(&self) -> Vec<Address> {
        match self {
            Self::Unjail { operator } => vec![*operator],
            Self::UpdateParams { authority, .. } => vec![*authority],
        }
    }

    pub fn decode(any: &Any) -> Result<Self, SlashingError> {
        let invalid = |e: prost::DecodeError| SlashingError::InvalidRequest(format!("cannot decode {}: {e}", any.type_url));
        match any.type_url.as_str() {
            MSG_UNJAIL_URL => {
                let m = pb::MsgUnjail::decode(any.value.as_slice()).map_err(invalid)?;
                let operator = Address::from_bech32_with(&m.validator_addr, VALOPER_PREFIX)
                    .map_err(|e| SlashingError::InvalidAddress(format!("validator_addr: {e}")))?;
                Ok(Self::Unjail { operator })
            }
            MSG_UPDATE_PARAMS_URL => {
                let m = pb::MsgUpdateParams::decode(any.value.as_slice()).map_err(invalid)?;
                let authority = m.authority.parse().map_err(|e| SlashingError::InvalidAddress(format!("authority: {e}")))?;
                let params = m.params.as_ref().ok_or_else(|| SlashingError::InvalidParams("params are missing".into()))?;
                Ok(Self::UpdateParams { authority, params: Params::from_proto(params)? })
            }
            other => Err(SlashingError::InvalidRequest(format!("slashing has no message {other:?}"))),
        }
    }
}
