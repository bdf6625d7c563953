//! `cosmos.slashing.v1beta1.Query`: Params, SigningInfo, SigningInfos.

use agora_store::StateRead;
use agora_types::pagination::Page;
use agora_types::{Address, TxError, VALCONS_PREFIX};
use cosmos_sdk_proto::cosmos::slashing::v1beta1 as pb;
use prost::Message;

use crate::state::{keys, SigningInfo, SlashingRead};

pub const SERVICE: &str = "cosmos.slashing.v1beta1.Query";

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))
}

pub fn query<S: StateRead + ?Sized>(state: &S, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let result = match path.strip_prefix("/cosmos.slashing.v1beta1.Query/")? {
        "Params" => state
            .slashing_params()
            .map(|p| pb::QueryParamsResponse { params: Some(p.to_proto()) }.encode_to_vec())
            .map_err(TxError::internal),
        "SigningInfo" => signing_info(state, data),
        "SigningInfos" => signing_infos(state, data),
        _ => return None,
    };
    Some(result)
}

fn signing_info<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QuerySigningInfoRequest = decode(data)?;
    if req.cons_address.is_empty() {
        return Err(TxError::invalid_request("empty address"));
    }
    let address = Address::from_bech32_with(&req.cons_address, VALCONS_PREFIX).map_err(|e| TxError::new("sdk", 7, e.to_string()))?;
    let info = state
        .signing_info(address.as_bytes())
        .map_err(TxError::internal)?
        .ok_or_else(|| TxError::not_found(format!("SigningInfo not found for validator {}", req.cons_address)))?;
    Ok(pb::QuerySigningInfoResponse { val_signing_info: Some(info.to_proto()) }.encode_to_vec())
}

fn signing_infos<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QuerySigningInfosRequest = decode(data)?;
    let page = Page::from_request(req.pagination.as_ref()).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let prefix = keys::SIGNING_INFO_PREFIX;
    let start = [prefix, page.key.as_slice()].concat();
    let items = state
        .prefix_raw(prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k[prefix.len()..].to_vec(), v)).map_err(TxError::internal));
    let (info, pagination) = page.collect(items, |_, value| {
        let info: SigningInfo = borsh::from_slice(value).map_err(|e| TxError::internal(format!("corrupt signing info: {e}")))?;
        Ok(info.to_proto())
    })?;
    Ok(pb::QuerySigningInfosResponse { info, pagination: Some(pagination) }.encode_to_vec())
}
