//! `ibc.applications.transfer.v1.Query`: denom traces, hashes, escrow addresses and totals,
//! parameters, as ibc-go answers them.

use agora_store::StateRead;
use agora_types::pagination::Page;
use agora_types::{AbciError, TxError};
use ibc_proto::ibc::applications::transfer::v1 as pb;
use prost::Message;

use crate::state::{keys, IbcRead};
use crate::transfer::{denom_hash, escrow_address};
use crate::IbcError;

pub const TRANSFER_SERVICE: &str = "ibc.applications.transfer.v1.Query";

pub(crate) fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))
}

fn tx_error(error: IbcError) -> TxError {
    error.to_tx_error()
}

/// Re-encodes a request's page (ibc-proto's and cosmos-sdk-proto's `PageRequest` are the same
/// message).
pub(crate) fn page(request: Option<&ibc_proto::cosmos::base::query::v1beta1::PageRequest>) -> Result<Page, TxError> {
    let request = request
        .map(|r| cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest::decode(r.encode_to_vec().as_slice()))
        .transpose()
        .map_err(|e| TxError::invalid_request(e.to_string()))?;
    Page::from_request(request.as_ref()).map_err(|e| TxError::invalid_request(e.to_string()))
}

pub(crate) fn page_response(response: cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse) -> ibc_proto::cosmos::base::query::v1beta1::PageResponse {
    ibc_proto::cosmos::base::query::v1beta1::PageResponse { next_key: response.next_key, total: response.total }
}

pub fn transfer_query(state: &dyn StateRead, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let method = path.strip_prefix("/ibc.applications.transfer.v1.Query/")?;
    Some(match method {
        "DenomTrace" => denom_trace(state, data),
        "DenomTraces" => denom_traces(state, data),
        "DenomHash" => denom_hash_query(state, data),
        "EscrowAddress" => escrow_address_query(data),
        "TotalEscrowForDenom" => total_escrow(state, data),
        "Params" => state
            .transfer_params()
            .map(|params| pb::QueryParamsResponse { params: Some(params) }.encode_to_vec())
            .map_err(tx_error),
        _ => return None,
    })
}

fn denom_trace(state: &dyn StateRead, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryDenomTraceRequest = decode(data)?;
    let hash = req.hash.strip_prefix("ibc/").unwrap_or(&req.hash);
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(TxError::new("transfer", 3, format!("invalid denom trace hash {:?}: expected 64 hex digits", req.hash)));
    }
    let trace = state.denom_trace(&hash.to_ascii_uppercase()).map_err(tx_error)?;
    let trace = trace.ok_or_else(|| tx_error(IbcError::TraceNotFound(req.hash.clone())))?;
    Ok(pb::QueryDenomTraceResponse { denom_trace: Some(trace) }.encode_to_vec())
}

fn denom_traces(state: &dyn StateRead, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryDenomTracesRequest = decode(data)?;
    let page = page(req.pagination.as_ref())?;
    let start = [keys::DENOM_TRACES, page.key.as_slice()].concat();
    let items = state
        .prefix_raw(keys::DENOM_TRACES, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k[keys::DENOM_TRACES.len()..].to_vec(), v)).map_err(TxError::internal));
    let (denom_traces, pagination) =
        page.collect(items, |_, value| pb::DenomTrace::decode(value).map_err(|e| TxError::internal(format!("corrupt denom trace: {e}"))))?;
    Ok(pb::QueryDenomTracesResponse { denom_traces, pagination: Some(page_response(pagination)) }.encode_to_vec())
}

/// The hash of a trace this chain has seen (ibc-go answers NotFound for any other).
fn denom_hash_query(state: &dyn StateRead, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryDenomHashRequest = decode(data)?;
    let trace: ibc::apps::transfer::types::PrefixedDenom =
        req.trace.parse().map_err(|e| TxError::new("transfer", 3, format!("invalid denom trace {:?}: {e}", req.trace)))?;
    if trace.trace_path.is_empty() {
        return Err(TxError::new("transfer", 3, format!("{:?} has no trace: a native denom has no hash", req.trace)));
    }
    let hash = denom_hash(&trace.to_string());
    if state.denom_trace(&hash).map_err(TxError::internal)?.is_none() {
        return Err(TxError::not_found(format!("denomination trace {:?} not found", req.trace)));
    }
    Ok(pb::QueryDenomHashResponse { hash }.encode_to_vec())
}

fn escrow_address_query(data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryEscrowAddressRequest = decode(data)?;
    let port: ibc::core::host::types::identifiers::PortId =
        req.port_id.parse().map_err(|e| TxError::new("host", 2, format!("invalid port id {:?}: {e}", req.port_id)))?;
    let channel: ibc::core::host::types::identifiers::ChannelId =
        req.channel_id.parse().map_err(|e| TxError::new("host", 2, format!("invalid channel id {:?}: {e}", req.channel_id)))?;
    Ok(pb::QueryEscrowAddressResponse { escrow_address: escrow_address(port.as_str(), channel.as_str()).to_bech32() }.encode_to_vec())
}

fn total_escrow(state: &dyn StateRead, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryTotalEscrowForDenomRequest = decode(data)?;
    agora_types::Denom::new(req.denom.clone()).map_err(|e| TxError::new("sdk", 10, format!("invalid denom {:?}: {e}", req.denom)))?;
    let amount = state.total_escrow(&req.denom).map_err(tx_error)?;
    let amount = ibc_proto::cosmos::base::v1beta1::Coin { denom: req.denom, amount: amount.to_string() };
    Ok(pb::QueryTotalEscrowForDenomResponse { amount: Some(amount) }.encode_to_vec())
}
