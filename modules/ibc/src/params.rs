//! IBC's parameters, as ibc-go defines them and with its defaults; each is changed only by
//! governance (`MsgUpdateParams` of its package), validated first.

use ibc_proto::ibc::applications::transfer::v1 as transfer_pb;
use ibc_proto::ibc::core::client::v1 as client_pb;
use ibc_proto::ibc::core::connection::v1 as connection_pb;

use crate::IbcError;

/// The client types this chain can host: 07-tendermint only (ibc-go's default also lists
/// 06-solomachine and 09-localhost, which Agora does not implement).
pub const TENDERMINT_CLIENT_TYPE: &str = "07-tendermint";

pub fn default_client_params() -> client_pb::Params {
    client_pb::Params { allowed_clients: vec![TENDERMINT_CLIENT_TYPE.to_string()] }
}

/// ibc-go's default: 30 seconds.
pub fn default_connection_params() -> connection_pb::Params {
    connection_pb::Params { max_expected_time_per_block: 30_000_000_000 }
}

pub fn default_transfer_params() -> transfer_pb::Params {
    transfer_pb::Params { send_enabled: true, receive_enabled: true }
}

pub fn validate_client_params(params: &client_pb::Params) -> Result<(), IbcError> {
    for (i, client_type) in params.allowed_clients.iter().enumerate() {
        if client_type.trim().is_empty() {
            return Err(IbcError::InvalidRequest(format!("client type {i} cannot be blank")));
        }
        if params.allowed_clients[..i].contains(client_type) {
            return Err(IbcError::InvalidRequest(format!("client type {client_type} is listed twice")));
        }
        if client_type != TENDERMINT_CLIENT_TYPE && client_type != "*" {
            return Err(IbcError::InvalidRequest(format!("client type {client_type} is not supported by this chain (only {TENDERMINT_CLIENT_TYPE})")));
        }
    }
    Ok(())
}

pub fn validate_connection_params(params: &connection_pb::Params) -> Result<(), IbcError> {
    if params.max_expected_time_per_block == 0 {
        return Err(IbcError::InvalidRequest("MaxExpectedTimePerBlock cannot be zero".to_string()));
    }
    Ok(())
}
