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
pub const MODULE_ACCOUNTS: &str = "/cosmos.auth.v1beta1.Query/ModuleAccounts";
pub const ACCOUNT_ADDRESS_BY_ID: &str = "/cosmos.auth.v1beta1.Query/AccountAddressByID";
pub const ACCOUNT_INFO: &str = "/cosmos.auth.v1beta1.Query/AccountInfo";
pub const ADDRESS_BYTES_TO_STRING: &str = "/cosmos.auth.v1beta1.Query/AddressBytesToString";
pub const ADDRESS_STRING_TO_BYTES: &str = "/cosmos.auth.v1beta1.Query/AddressStringToBytes";

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
        ACCOUNT_ADDRESS_BY_ID => account_address_by_id(state, data),
        ACCOUNT_INFO => account_info(state, data),
        ADDRESS_BYTES_TO_STRING => decode::<pb::AddressBytesToStringRequest>(data).and_then(|req| {
            if req.address_bytes.is_empty() {
                return Err(TxError::invalid_request("empty address bytes is not allowed"));
            }
            let address = Address::from_slice(&req.address_bytes).map_err(|e| TxError::invalid_request(e.to_string()))?;
            Ok(pb::AddressBytesToStringResponse { address_string: address.to_bech32() }.encode_to_vec())
        }),
        ADDRESS_STRING_TO_BYTES => decode::<pb::AddressStringToBytesRequest>(data).and_then(|req| {
            if req.address_string.trim().is_empty() {
                return Err(TxError::invalid_request("empty address string is not allowed"));
            }
            let address = parse_address(&req.address_string)?;
            Ok(pb::AddressStringToBytesResponse { address_bytes: address.as_bytes().to_vec() }.encode_to_vec())
        }),
        _ => return None,
    };
    Some(result)
}

fn parse_address(text: &str) -> Result<Address, TxError> {
    text.parse().map_err(|e: agora_types::AddressError| TxError::invalid_request(e.to_string()))
}

/// `AccountAddressByID`: the address of an account number (`account_id`; the deprecated `id`
/// is refused, as in the SDK).
fn account_address_by_id<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryAccountAddressByIdRequest = decode(data)?;
    #[allow(deprecated)]
    if req.id != 0 {
        return Err(TxError::invalid_request("requesting with id isn't supported, try to request using account-id"));
    }
    let address = state
        .account_address_by_number(req.account_id)
        .map_err(TxError::internal)?
        .ok_or_else(|| TxError::new("sdk", 38, format!("account address not found with account number {}", req.account_id)))?;
    Ok(pb::QueryAccountAddressByIdResponse { account_address: address.to_bech32() }.encode_to_vec())
}

/// `AccountInfo`: an account's address, key, number and sequence, whatever its type.
fn account_info<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryAccountInfoRequest = decode(data)?;
    if req.address.trim().is_empty() {
        return Err(TxError::invalid_request("empty address string is not allowed"));
    }
    let address = parse_address(&req.address)?;
    let account = state
        .account(&address)
        .map_err(TxError::internal)?
        .ok_or_else(|| TxError::new("sdk", 38, format!("account {address} not found")))?;
    let info = pb::BaseAccount {
        address: address.to_bech32(),
        pub_key: account.pub_key,
        account_number: account.account_number,
        sequence: account.sequence,
    };
    Ok(pb::QueryAccountInfoResponse { info: Some(info) }.encode_to_vec())
}

/// `ModuleAccounts`: the accounts of the modules `names` (the application's), by name.
pub fn module_accounts<S: StateRead>(state: &S, names: &[&str], data: &[u8]) -> Result<Vec<u8>, TxError> {
    decode::<pb::QueryModuleAccountsRequest>(data)?;
    let mut names = names.to_vec();
    names.sort_unstable();
    let mut accounts = Vec::with_capacity(names.len());
    for name in names {
        if let Some(account) = state.account(&Address::module(name)).map_err(TxError::internal)?.filter(|a| a.module.is_some()) {
            accounts.push(account.to_any());
        }
    }
    Ok(pb::QueryModuleAccountsResponse { accounts }.encode_to_vec())
}

fn account<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryAccountRequest = decode(data)?;
    let address = parse_address(&req.address)?;
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
