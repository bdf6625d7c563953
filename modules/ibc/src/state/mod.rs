//! Typed access to IBC's state beyond the ICS-24 paths (which [`crate::context`] reads and
//! writes through ibc-rs): parameters, denom traces, escrow totals.

pub mod keys;

use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt};
use ibc_proto::ibc::applications::transfer::v1 as transfer_pb;
use ibc_proto::ibc::core::client::v1 as client_pb;
use ibc_proto::ibc::core::connection::v1 as connection_pb;

use crate::params;
use crate::IbcError;

pub trait IbcRead: StateRead {
    fn client_params(&self) -> Result<client_pb::Params, IbcError> {
        Ok(self.get_proto(keys::CLIENT_PARAMS)?.unwrap_or_else(params::default_client_params))
    }

    fn connection_params(&self) -> Result<connection_pb::Params, IbcError> {
        Ok(self.get_proto(keys::CONNECTION_PARAMS)?.unwrap_or_else(params::default_connection_params))
    }

    fn transfer_params(&self) -> Result<transfer_pb::Params, IbcError> {
        Ok(self.get_proto(keys::TRANSFER_PARAMS)?.unwrap_or_else(params::default_transfer_params))
    }

    /// The trace of the voucher `ibc/<hash_hex>` (upper-case hex), if one was ever minted here.
    fn denom_trace(&self, hash_hex: &str) -> Result<Option<transfer_pb::DenomTrace>, IbcError> {
        Ok(self.get_proto(&keys::denom_trace(hash_hex))?)
    }

    /// How much of `denom` all transfer channels hold in escrow.
    fn total_escrow(&self, denom: &str) -> Result<u128, IbcError> {
        match self.get_raw(&keys::total_escrow(denom))? {
            None => Ok(0),
            Some(bytes) => {
                let array: [u8; 16] =
                    bytes.as_slice().try_into().map_err(|_| IbcError::Internal(format!("escrow total of {denom} is not 16 bytes")))?;
                Ok(u128::from_be_bytes(array))
            }
        }
    }
}

impl<S: StateRead + ?Sized> IbcRead for S {}

pub trait IbcWrite: StateWrite + IbcRead {
    fn put_client_params(&mut self, params: &client_pb::Params) {
        self.put_proto(keys::CLIENT_PARAMS.to_vec(), params);
    }

    fn put_connection_params(&mut self, params: &connection_pb::Params) {
        self.put_proto(keys::CONNECTION_PARAMS.to_vec(), params);
    }

    fn put_transfer_params(&mut self, params: &transfer_pb::Params) {
        self.put_proto(keys::TRANSFER_PARAMS.to_vec(), params);
    }

    fn put_denom_trace(&mut self, hash_hex: &str, trace: &transfer_pb::DenomTrace) {
        self.put_proto(keys::denom_trace(hash_hex), trace);
    }

    fn put_total_escrow(&mut self, denom: &str, amount: u128) {
        if amount == 0 {
            self.delete(keys::total_escrow(denom));
        } else {
            self.put_raw(keys::total_escrow(denom), amount.to_be_bytes().to_vec());
        }
    }
}

impl<S: StateWrite + ?Sized> IbcWrite for S {}
