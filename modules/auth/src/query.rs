//! `cosmos.auth.v1beta1.Query` over ABCI query paths, with the standard request and response types.

use agora_store::StateRead;
use agora_types::pagination::Page;
use agora_types::{Address, TxError};
use cosmos_sdk_proto::cosmos::auth::v1beta1 as pb;
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::state::keys;
use crate::AuthRead;

pub const ACCOUNT: &str = "/cosmos.auth.v1beta1.Query/Account";
pub const ACCOUNTS: &str = "/cosmos.auth.v1beta1.Query/Accounts";
pub const PARAMS: &str = "/cosmos.auth.v1beta1.Query/Params";
pub const MODULE_ACCOUNT_BY_NAME: &str = "/cosmos.auth.v1beta1.Query/ModuleAccountByName";
pub const BECH32_PREFIX: &str = "/cosmos.auth.v1beta1.Query/Bech32Prefix";

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))
}

/// Answers `path`; `None` if the path is not one of this module's.
pub fn query<S: StateRead>(state: &S, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let result = match path {
        ACCOUNT => account(state, data),
        ACCOUNTS => accounts(state, data),
        PARAMS => state
            .auth_params()
            .map(|p| pb::QueryParamsResponse { params: Some(p.to_proto()) }.encode_to_vec())
            .map_err(TxError::internal),
        MODULE_ACCOUNT_BY_NAME => module_account(state, data),
        BECH32_PREFIX => decode::<pb::Bech32PrefixRequest>(data)
            .map(|_| pb::Bech32PrefixResponse { bech32_prefix: agora_types::ADDRESS_PREFIX.into() }.encode_to_vec()),
        _ => return None,
    };
    Some(result)
}

fn account<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryAccountRequest = decode(data)?;
    let address: Address = req.address.parse().map_err(|e: agora_types::AddressError| TxError::invalid_request(e.to_string()))?;
    let account = state
        .account(&address)
        .map_err(TxError::internal)?
        .ok_or_else(|| TxError::new("sdk", 38, format!("account {address} not found")))?;
    Ok(pb::QueryAccountResponse { account: Some(account.to_any()) }.encode_to_vec())
}

fn accounts<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryAccountsRequest = decode(data)?;
    let page = Page::from_request(req.pagination.as_ref()).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let start = [keys::ACCOUNTS_PREFIX, page.key.as_slice()].concat();
    let items = state
        .prefix_raw(keys::ACCOUNTS_PREFIX, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k[keys::ACCOUNTS_PREFIX.len()..].to_vec(), v)).map_err(TxError::internal));
    let (accounts, pagination) =
        page.collect(items, |_, value| Any::decode(value).map_err(|e| TxError::internal(format!("corrupt account: {e}"))))?;
    Ok(pb::QueryAccountsResponse { accounts, pagination: Some(pagination) }.encode_to_vec())
}

fn module_account<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryModuleAccountByNameRequest = decode(data)?;
    let account = state
        .account(&Address::module(&req.name))
        .map_err(TxError::internal)?
        .filter(|a| a.module.is_some())
        .ok_or_else(|| TxError::new("sdk", 38, format!("module account {} not found", req.name)))?;
    Ok(pb::QueryModuleAccountByNameResponse { account: Some(account.to_any()) }.encode_to_vec())
}
