//! `cosmos.bank.v1beta1.Query` over ABCI query paths, with the standard request and response types.

use agora_store::StateRead;
use agora_types::pagination::Page;
use agora_types::{Address, Coin, Denom, TxError};
use cosmos_sdk_proto::cosmos::bank::v1beta1 as pb;
use prost::Message;

use crate::state::keys;
use crate::{BankError, BankRead};

pub const BALANCE: &str = "/cosmos.bank.v1beta1.Query/Balance";
pub const ALL_BALANCES: &str = "/cosmos.bank.v1beta1.Query/AllBalances";
pub const SPENDABLE_BALANCES: &str = "/cosmos.bank.v1beta1.Query/SpendableBalances";
pub const SPENDABLE_BALANCE_BY_DENOM: &str = "/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom";
pub const SEND_ENABLED: &str = "/cosmos.bank.v1beta1.Query/SendEnabled";
pub const TOTAL_SUPPLY: &str = "/cosmos.bank.v1beta1.Query/TotalSupply";
pub const SUPPLY_OF: &str = "/cosmos.bank.v1beta1.Query/SupplyOf";
pub const PARAMS: &str = "/cosmos.bank.v1beta1.Query/Params";
pub const DENOM_METADATA: &str = "/cosmos.bank.v1beta1.Query/DenomMetadata";
pub const DENOM_METADATA_BY_QUERY_STRING: &str = "/cosmos.bank.v1beta1.Query/DenomMetadataByQueryString";
pub const DENOMS_METADATA: &str = "/cosmos.bank.v1beta1.Query/DenomsMetadata";
pub const DENOM_OWNERS: &str = "/cosmos.bank.v1beta1.Query/DenomOwners";
pub const DENOM_OWNERS_BY_QUERY: &str = "/cosmos.bank.v1beta1.Query/DenomOwnersByQuery";

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))
}

fn address(s: &str) -> Result<Address, TxError> {
    s.parse().map_err(|e: agora_types::AddressError| TxError::new("sdk", 7, e.to_string()))
}

fn denom(s: &str) -> Result<Denom, TxError> {
    Denom::new(s).map_err(|e| TxError::new("sdk", 10, e.to_string()))
}

fn amount(bytes: &[u8]) -> Result<u128, TxError> {
    Ok(u128::from_be_bytes(bytes.try_into().map_err(|_| TxError::internal("corrupt amount record"))?))
}

/// Answers `path`; `None` if the path is not one of this module's.
pub fn query<S: StateRead>(state: &S, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let result = match path {
        BALANCE => balance(state, data),
        ALL_BALANCES => all_balances(state, data),
        SPENDABLE_BALANCES => spendable_balances(state, data),
        SPENDABLE_BALANCE_BY_DENOM => spendable_balance_by_denom(state, data),
        SEND_ENABLED => send_enabled(state, data),
        TOTAL_SUPPLY => total_supply(state, data),
        SUPPLY_OF => supply_of(state, data),
        PARAMS => state
            .bank_params()
            .map(|p| pb::QueryParamsResponse { params: Some(p.to_proto()) }.encode_to_vec())
            .map_err(TxError::internal),
        DENOM_METADATA => decode::<pb::QueryDenomMetadataRequest>(data)
            .and_then(|req| denom_metadata(state, &req.denom))
            .map(|metadata| pb::QueryDenomMetadataResponse { metadata: Some(metadata) }.encode_to_vec()),
        // The same answer for clients that cannot put a denom with slashes in a URL path.
        DENOM_METADATA_BY_QUERY_STRING => decode::<pb::QueryDenomMetadataByQueryStringRequest>(data)
            .and_then(|req| denom_metadata(state, &req.denom))
            .map(|metadata| pb::QueryDenomMetadataByQueryStringResponse { metadata: Some(metadata) }.encode_to_vec()),
        DENOMS_METADATA => denoms_metadata(state, data),
        DENOM_OWNERS => decode::<pb::QueryDenomOwnersRequest>(data)
            .and_then(|req| denom_owners(state, &req.denom, req.pagination.as_ref()))
            .map(|(denom_owners, pagination)| pb::QueryDenomOwnersResponse { denom_owners, pagination: Some(pagination) }.encode_to_vec()),
        DENOM_OWNERS_BY_QUERY => decode::<pb::QueryDenomOwnersByQueryRequest>(data)
            .and_then(|req| denom_owners(state, &req.denom, req.pagination.as_ref()))
            .map(|(denom_owners, pagination)| pb::QueryDenomOwnersByQueryResponse { denom_owners, pagination: Some(pagination) }.encode_to_vec()),
        _ => return None,
    };
    Some(result)
}

fn balance<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryBalanceRequest = decode(data)?;
    let addr = address(&req.address)?;
    let denom = denom(&req.denom)?;
    let amount = state.balance(&addr, &denom).map_err(TxError::internal)?;
    Ok(pb::QueryBalanceResponse { balance: Some(Coin::new(denom, amount).to_proto()) }.encode_to_vec())
}

/// Balances of one account, one page, keyed by denom.
fn balances_page<S: StateRead>(
    state: &S,
    addr: &Address,
    pagination: Option<&cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest>,
) -> Result<(Vec<cosmos_sdk_proto::cosmos::base::v1beta1::Coin>, cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse), TxError> {
    let page = Page::from_request(pagination).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let prefix = keys::balances_of(addr);
    let start = [prefix.as_slice(), page.key.as_slice()].concat();
    let items = state
        .prefix_raw(&prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k[prefix.len()..].to_vec(), v)).map_err(TxError::internal));
    page.collect(items, |key, value| {
        let denom = std::str::from_utf8(key).map_err(|_| TxError::internal("corrupt balance key"))?;
        Ok(cosmos_sdk_proto::cosmos::base::v1beta1::Coin { denom: denom.to_string(), amount: amount(value)?.to_string() })
    })
}

fn all_balances<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryAllBalancesRequest = decode(data)?;
    let addr = address(&req.address)?;
    let (balances, pagination) = balances_page(state, &addr, req.pagination.as_ref())?;
    Ok(pb::QueryAllBalancesResponse { balances, pagination: Some(pagination) }.encode_to_vec())
}

/// Nothing is locked or vesting yet, so every balance is spendable.
fn spendable_balances<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QuerySpendableBalancesRequest = decode(data)?;
    let addr = address(&req.address)?;
    let (balances, pagination) = balances_page(state, &addr, req.pagination.as_ref())?;
    Ok(pb::QuerySpendableBalancesResponse { balances, pagination: Some(pagination) }.encode_to_vec())
}

/// One denom's spendable balance: the whole balance (nothing is locked or vesting yet).
fn spendable_balance_by_denom<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QuerySpendableBalanceByDenomRequest = decode(data)?;
    let addr = address(&req.address)?;
    let denom = denom(&req.denom)?;
    let amount = state.balance(&addr, &denom).map_err(TxError::internal)?;
    Ok(pb::QuerySpendableBalanceByDenomResponse { balance: Some(Coin::new(denom, amount).to_proto()) }.encode_to_vec())
}

/// The denoms with their own send setting, as the SDK answers: those of `denoms` that have
/// one, or all of them (paginated by offset) when none is named; any other denom follows
/// `default_send_enabled` and is not listed.
fn send_enabled<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QuerySendEnabledRequest = decode(data)?;
    let params = state.bank_params().map_err(TxError::internal)?;
    let entry = |s: &crate::params::SendEnabled| pb::SendEnabled { denom: s.denom.to_string(), enabled: s.enabled };
    if !req.denoms.is_empty() {
        let listed = req.denoms.iter().filter_map(|d| params.send_enabled.iter().find(|s| s.denom.as_str() == d)).map(entry).collect();
        return Ok(pb::QuerySendEnabledResponse { send_enabled: listed, pagination: None }.encode_to_vec());
    }
    let page = Page::from_request(req.pagination.as_ref()).map_err(|e| TxError::invalid_request(e.to_string()))?;
    // In denom order, so a page key (the next denom) resumes where the page ended.
    let mut sorted: Vec<&crate::params::SendEnabled> = params.send_enabled.iter().collect();
    sorted.sort_by(|a, b| a.denom.cmp(&b.denom));
    let items = sorted
        .iter()
        .filter(|s| page.key.is_empty() || s.denom.as_str().as_bytes() >= page.key.as_slice())
        .map(|s| Ok::<_, TxError>((s.denom.as_str().as_bytes().to_vec(), Vec::new())));
    let (send_enabled, pagination) = page.collect(items, |key, _| {
        sorted.iter().find(|s| s.denom.as_str().as_bytes() == key).map(|s| entry(s)).ok_or_else(|| TxError::internal("send_enabled entry"))
    })?;
    Ok(pb::QuerySendEnabledResponse { send_enabled, pagination: Some(pagination) }.encode_to_vec())
}

fn total_supply<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryTotalSupplyRequest = decode(data)?;
    let page = Page::from_request(req.pagination.as_ref()).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let start = [keys::SUPPLY_PREFIX, page.key.as_slice()].concat();
    let items = state
        .prefix_raw(keys::SUPPLY_PREFIX, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k[keys::SUPPLY_PREFIX.len()..].to_vec(), v)).map_err(TxError::internal));
    let (supply, pagination) = page.collect(items, |key, value| {
        let denom = std::str::from_utf8(key).map_err(|_| TxError::internal("corrupt supply key"))?;
        Ok(cosmos_sdk_proto::cosmos::base::v1beta1::Coin { denom: denom.to_string(), amount: amount(value)?.to_string() })
    })?;
    Ok(pb::QueryTotalSupplyResponse { supply, pagination: Some(pagination) }.encode_to_vec())
}

fn supply_of<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QuerySupplyOfRequest = decode(data)?;
    let denom = denom(&req.denom)?;
    let amount = state.supply_of(&denom).map_err(TxError::internal)?;
    Ok(pb::QuerySupplyOfResponse { amount: Some(Coin::new(denom, amount).to_proto()) }.encode_to_vec())
}

fn denom_metadata<S: StateRead>(state: &S, denom: &str) -> Result<pb::Metadata, TxError> {
    state
        .denom_metadata(denom)
        .map_err(TxError::internal)?
        .ok_or_else(|| TxError::not_found(BankError::DenomMetadataNotFound(denom.to_string()).to_string()))
}

fn denoms_metadata<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryDenomsMetadataRequest = decode(data)?;
    let page = Page::from_request(req.pagination.as_ref()).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let prefix = keys::DENOM_METADATA_PREFIX;
    let start = [prefix, page.key.as_slice()].concat();
    let items = state
        .prefix_raw(prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k[prefix.len()..].to_vec(), v)).map_err(TxError::internal));
    let (metadatas, pagination) =
        page.collect(items, |_, value| pb::Metadata::decode(value).map_err(|e| TxError::internal(format!("corrupt metadata: {e}"))))?;
    Ok(pb::QueryDenomsMetadataResponse { metadatas, pagination: Some(pagination) }.encode_to_vec())
}

/// Every holder of `denom` with its balance, by address (the SDK's order: its reverse index is
/// keyed by denom, then address), paginated by key or offset.
fn denom_owners<S: StateRead>(
    state: &S,
    denom_text: &str,
    pagination: Option<&cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest>,
) -> Result<(Vec<pb::DenomOwner>, cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse), TxError> {
    let denom = denom(denom_text)?;
    let page = Page::from_request(pagination).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let prefix = keys::denom_owners(&denom);
    let start = [prefix.as_slice(), page.key.as_slice()].concat();
    let items = state
        .prefix_raw(&prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k[prefix.len()..].to_vec(), v)).map_err(TxError::internal));
    page.collect(items, |key, _| {
        let owner = Address::from_slice(key).map_err(|_| TxError::internal("corrupt denom owner entry"))?;
        let amount = state.balance(&owner, &denom).map_err(TxError::internal)?;
        Ok(pb::DenomOwner { address: owner.to_bech32(), balance: Some(Coin::new(denom.clone(), amount).to_proto()) })
    })
}
