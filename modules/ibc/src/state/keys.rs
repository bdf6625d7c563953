//! Where IBC keeps its state.
//!
//! * The `ibc` substore holds the ICS-24 paths (`ibc/<path>`, e.g.
//!   `ibc/clients/07-tendermint-0/clientState`), encoded as ibc-go encodes them, and ibc-go's
//!   identifier counters: what a counterparty verifies with proofs against Agora's app hash.
//! * The main substore holds what only Agora reads: the ordered index of each client's
//!   consensus-state heights, parameters, and ICS-20's denom traces and escrow totals.

use std::fmt::Display;

use ibc::core::client::types::Height;
use ibc::core::host::types::identifiers::ClientId;

/// The substore (and ICS-23 commitment prefix) of the ICS-24 paths.
pub const IBC_STORE: &str = "ibc";

/// An ICS-24 path's key in the `ibc` substore.
pub fn path(path: impl Display) -> Vec<u8> {
    format!("{IBC_STORE}/{path}").into_bytes()
}

pub fn next_client_sequence() -> Vec<u8> {
    path("nextClientSequence")
}

pub fn next_connection_sequence() -> Vec<u8> {
    path("nextConnectionSequence")
}

pub fn next_channel_sequence() -> Vec<u8> {
    path("nextChannelSequence")
}

fn height_bytes(height: &Height) -> [u8; 16] {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&height.revision_number().to_be_bytes());
    bytes[8..].copy_from_slice(&height.revision_height().to_be_bytes());
    bytes
}

/// Prefix of a client's consensus-state heights, ascending.
pub fn consensus_heights(client_id: &ClientId) -> Vec<u8> {
    format!("ibc_index/consensus_heights/{client_id}/").into_bytes()
}

pub fn consensus_height(client_id: &ClientId, height: &Height) -> Vec<u8> {
    [consensus_heights(client_id).as_slice(), &height_bytes(height)].concat()
}

/// Prefix of a client's consensus-state heights, descending (each byte inverted), so the
/// height just below another is one ascending step away.
pub fn consensus_heights_descending(client_id: &ClientId) -> Vec<u8> {
    format!("ibc_index/consensus_heights_desc/{client_id}/").into_bytes()
}

pub fn consensus_height_descending(client_id: &ClientId, height: &Height) -> Vec<u8> {
    let inverted = height_bytes(height).map(|b| !b);
    [consensus_heights_descending(client_id).as_slice(), &inverted].concat()
}

/// The height a key of either index names.
pub fn height_of_index_key(key: &[u8], descending: bool) -> Option<Height> {
    let tail: [u8; 16] = key.get(key.len().checked_sub(16)?..)?.try_into().ok()?;
    let tail = if descending { tail.map(|b| !b) } else { tail };
    let revision_number = u64::from_be_bytes(tail[..8].try_into().ok()?);
    let revision_height = u64::from_be_bytes(tail[8..].try_into().ok()?);
    Height::new(revision_number, revision_height).ok()
}

/// `ibc.core.client.v1.Params`.
pub const CLIENT_PARAMS: &[u8] = b"ibc_params/client";
/// `ibc.core.connection.v1.Params`.
pub const CONNECTION_PARAMS: &[u8] = b"ibc_params/connection";
/// `ibc.applications.transfer.v1.Params`.
pub const TRANSFER_PARAMS: &[u8] = b"transfer/params";

/// Prefix of the denom traces of vouchers minted here, by hash (upper-case hex).
pub const DENOM_TRACES: &[u8] = b"transfer/denom_traces/";

pub fn denom_trace(hash_hex: &str) -> Vec<u8> {
    [DENOM_TRACES, hash_hex.as_bytes()].concat()
}

/// Prefix of the amount of each denom held in escrow over all channels.
pub const TOTAL_ESCROW: &[u8] = b"transfer/total_escrow/";

pub fn total_escrow(denom: &str) -> Vec<u8> {
    [TOTAL_ESCROW, denom.as_bytes()].concat()
}
