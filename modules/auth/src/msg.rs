//! Messages of `auth`: only `MsgUpdateParams` (accounts are created by the transactions that
//! use them).

use agora_types::Address;
use cosmos_sdk_proto::cosmos::auth::v1beta1 as pb;

use crate::Params;

pub const MSG_UPDATE_PARAMS_URL: &str = "/cosmos.auth.v1beta1.MsgUpdateParams";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthMsg {
    /// New parameters, checked against the authority and validated when executed.
    UpdateParams { authority: Address, params: Params },
}

impl TryFrom<pb::MsgUpdateParams> for AuthMsg {
    type Error = agora_types::TxError;

    fn try_from(msg: pb::MsgUpdateParams) -> Result<Self, Self::Error> {
        let authority = agora_component::parse_authority(&msg.authority)?;
        let params = msg.params.as_ref().map(Params::from_proto).ok_or_else(|| agora_types::TxError::invalid_request("params are missing"))?;
        Ok(Self::UpdateParams { authority, params })
    }
}
