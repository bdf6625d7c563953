//! Mint's one message, `MsgUpdateParams`, decoded from the standard
//! `cosmos.mint.v1beta1` type; the parameters are validated here, the authority when it runs.

use agora_types::Address;
use cosmos_sdk_proto::cosmos::mint::v1beta1 as pb;
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::{MintError, Params};

pub const MSG_UPDATE_PARAMS_URL: &str = "/cosmos.mint.v1beta1.MsgUpdateParams";

pub const MESSAGE_TYPES: &[&str] = &[MSG_UPDATE_PARAMS_URL];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MintMsg {
    /// Replaces every parameter; only the authority (governance) may.
    UpdateParams { authority: Address, params: Params },
}

impl MintMsg {
    pub fn type_url(&self) -> &'static str {
        match self {
            Self::UpdateParams { .. } => MSG_UPDATE_PARAMS_URL,
        }
    }

    pub fn signers(&self) -> Vec<Address> {
        match self {
            Self::UpdateParams { authority, .. } => vec![*authority],
        }
    }

    pub fn decode(any: &Any) -> Result<Self, MintError> {
        match any.type_url.as_str() {
            MSG_UPDATE_PARAMS_URL => {
                let m = pb::MsgUpdateParams::decode(any.value.as_slice())
                    .map_err(|e| MintError::InvalidRequest(format!("cannot decode {}: {e}", any.type_url)))?;
                let authority =
                    m.authority.parse().map_err(|e: agora_types::AddressError| MintError::InvalidAddress(format!("authority: {e}")))?;
                let params = m.params.as_ref().ok_or_else(|| MintError::InvalidParams("mint.params are missing".into()))?;
                Ok(Self::UpdateParams { authority, params: Params::from_proto(params)? })
            }
            other => Err(MintError::InvalidRequest(format!("mint has no message {other:?}"))),
        }
    }

    /// The standard message, e.g. for a governance proposal.
    pub fn to_any(&self) -> Any {
        match self {
            Self::UpdateParams { authority, params } => Any {
                type_url: MSG_UPDATE_PARAMS_URL.into(),
                value: pb::MsgUpdateParams { authority: authority.to_string(), params: Some(params.to_proto()) }.encode_to_vec(),
            },
        }
    }
}
