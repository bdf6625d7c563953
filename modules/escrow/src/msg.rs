//! Messages of `escrow`: only `MsgUpdateParams` (deposits and withdrawals arrive through the
//! market's messages).

use agora_proto::escrow::v1 as pb;
use agora_types::{Address, TxError};

use crate::{EscrowError, Params};

pub const MSG_UPDATE_PARAMS_URL: &str = "/agora.escrow.v1.MsgUpdateParams";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EscrowMsg {
    /// New parameters, checked against the authority and validated when executed.
    UpdateParams { authority: Address, params: Params },
}

impl TryFrom<pb::MsgUpdateParams> for EscrowMsg {
    type Error = TxError;

    fn try_from(msg: pb::MsgUpdateParams) -> Result<Self, TxError> {
        use agora_types::AbciError;
        let authority = agora_component::parse_authority(&msg.authority)?;
        let params = msg.params.ok_or_else(|| EscrowError::InvalidParams("params are missing".into()).to_tx_error())?;
        Ok(Self::UpdateParams { authority, params: Params::from_proto(params).map_err(|e| e.to_tx_error())? })
    }
}
