//! Typed access to IBC's state: parameters, denom traces, escrow totals, and the packet state
//! that queries and `CheckTx` read without ibc-rs (which [`crate::context`] reads and writes the
//! ICS-24 paths through).

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

    /// A channel's next send or receive sequence (`kind`: `nextSequenceSend`, `nextSequenceRecv`).
    fn next_sequence(&self, kind: &str, port_id: &str, channel_id: &str) -> Result<Option<u64>, IbcError> {
        self.get_raw(&keys::path(format!("{kind}/ports/{port_id}/channels/{channel_id}")))?
            .map(|bytes| {
                <[u8; 8]>::try_from(bytes.as_slice())
                    .map(u64::from_be_bytes)
                    .map_err(|_| IbcError::Internal(format!("{kind} of {port_id}/{channel_id} is not 8 bytes")))
            })
            .transpose()
    }

    /// Whether packet `sequence` arriving on `port_id/channel_id` was received here: its receipt
    /// written (unordered channels) or the next receive sequence past it (ordered channels; an
    /// unordered channel's stays at 1).
    fn packet_received(&self, port_id: &str, channel_id: &str, sequence: u64) -> Result<bool, IbcError> {
        if self.get_raw(&keys::path(format!("receipts/ports/{port_id}/channels/{channel_id}/sequences/{sequence}")))?.is_some() {
            return Ok(true);
        }
        Ok(self.next_sequence("nextSequenceRecv", port_id, channel_id)?.is_some_and(|next| sequence < next))
    }

    /// Whether this chain still holds the commitment of packet `sequence` it sent from
    /// `port_id/channel_id` (not yet acknowledged or timed out).
    fn packet_commitment_held(&self, port_id: &str, channel_id: &str, sequence: u64) -> Result<bool, IbcError> {
        Ok(self.get_raw(&keys::path(format!("commitments/ports/{port_id}/channels/{channel_id}/sequences/{sequence}")))?.is_some())
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
