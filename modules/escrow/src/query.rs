//! `agora.escrow.v1.Query`: accounts and payments settled up to the queried height, computed
//! in memory (a query never writes).

use std::collections::BTreeMap;

use agora_proto::escrow::v1 as pb;
use agora_store::StateRead;
use agora_types::pagination::Page;
use agora_types::{Address, TxError};
use prost::Message;

use crate::account::{Account, AccountId, Payment, PaymentId};
use crate::state::{keys, EscrowRead};
use crate::EscrowError;

pub const ACCOUNT: &str = "/agora.escrow.v1.Query/Account";
pub const PAYMENTS: &str = "/agora.escrow.v1.Query/Payments";
pub const PARAMS: &str = "/agora.escrow.v1.Query/Params";

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::invalid_request(e.to_string()))
}

pub fn account_id(proto: Option<&pb::AccountId>) -> Result<AccountId, TxError> {
    let proto = proto.ok_or_else(|| TxError::invalid_request("missing account id"))?;
    let owner: Address = proto.owner.parse().map_err(|e| TxError::invalid_request(format!("owner: {e}")))?;
    Ok(AccountId { owner, dseq: proto.dseq })
}

/// Serves the escrow query paths at `height` (the height `state` was read at).
pub fn query<S: StateRead>(state: &S, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let result = match path {
        ACCOUNT => account(state, height, data),
        PAYMENTS => payments(state, height, data),
        PARAMS => decode::<pb::QueryParamsRequest>(data).and_then(|_| {
            let params = state.escrow_params().map_err(TxError::internal)?;
            Ok(pb::QueryParamsResponse { params: Some(params.to_proto()) }.encode_to_vec())
        }),
        _ => return None,
    };
    Some(result)
}

/// The account of `id` settled to `height`, as its protobuf form.
pub fn settled_account<S: StateRead>(state: &S, id: &AccountId, height: u64) -> Result<Option<pb::Account>, EscrowError> {
    Ok(state.settled_view(id, height)?.map(|(account, _)| account.to_proto()))
}

/// One payment settled to `height`.
pub fn settled_payment<S: StateRead>(state: &S, id: &AccountId, pid: &PaymentId, height: u64) -> Result<Option<pb::Payment>, EscrowError> {
    let Some((account, paid_blocks)) = state.settled_view(id, height)? else {
        return Ok(None);
    };
    let Some(mut payment) = state.escrow_payment(id, pid)? else {
        return Ok(None);
    };
    payment.accrue(paid_blocks)?;
    Ok(Some(payment.to_proto(&account.denom)))
}

fn account<S: StateRead>(state: &S, height: u64, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryAccountRequest = decode(data)?;
    let id = account_id(req.id.as_ref())?;
    let account = settled_account(state, &id, height)
        .map_err(TxError::internal)?
        .ok_or_else(|| TxError::not_found(EscrowError::AccountNotFound(id.to_string()).to_string()))?;
    Ok(pb::QueryAccountResponse { account: Some(account) }.encode_to_vec())
}

/// Settled views of accounts, cached so a page touching one account many times settles once.
struct Settled<'s, S> {
    state: &'s S,
    height: u64,
    cache: BTreeMap<AccountId, Option<(Account, u64)>>,
}

impl<S: StateRead> Settled<'_, S> {
    fn payment(&mut self, id: &AccountId, pid: &PaymentId) -> Result<pb::Payment, TxError> {
        if !self.cache.contains_key(id) {
            let view = self.state.settled_view(id, self.height).map_err(TxError::internal)?;
            self.cache.insert(*id, view);
        }
        let (account, paid_blocks) = self
            .cache
            .get(id)
            .and_then(Option::as_ref)
            .ok_or_else(|| TxError::internal(format!("payment of missing account {id}")))?;
        let mut stored = self
            .state
            .escrow_payment(id, pid)
            .map_err(TxError::internal)?
            .ok_or_else(|| TxError::internal(format!("missing payment {id}/{pid}")))?;
        stored.accrue(*paid_blocks).map_err(TxError::internal)?;
        Ok(stored.to_proto(&account.denom))
    }
}

fn payments<S: StateRead>(state: &S, height: u64, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryPaymentsRequest = decode(data)?;
    let page = Page::from_request(req.pagination.as_ref()).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let mut settled = Settled { state, height, cache: BTreeMap::new() };
    let (prefix, by_account) = match (&req.account_id, req.owner.as_str()) {
        (Some(id), _) => (keys::payments_of(&account_id(Some(id))?), true),
        (None, "") => return Err(TxError::invalid_request("set account_id or owner")),
        (None, owner) => {
            let provider: Address = owner.parse().map_err(|e| TxError::invalid_request(format!("owner: {e}")))?;
            (keys::by_provider_of(&provider), false)
        }
    };
    let start = [prefix.as_slice(), page.key.as_slice()].concat();
    let items = state
        .prefix_raw(&prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k[prefix.len()..].to_vec(), v)).map_err(TxError::internal));
    let (payments, pagination) = page.collect(items, |tail, value| {
        let (id, pid) = if by_account {
            let p = Payment::from_proto(&pb::Payment::decode(value).map_err(TxError::internal)?).map_err(TxError::internal)?;
            (p.account, p.id)
        } else {
            let full = [prefix.as_slice(), tail].concat();
            keys::parse_by_provider(&full).ok_or_else(|| TxError::internal("corrupt payment index key"))?
        };
        settled.payment(&id, &pid)
    })?;
    Ok(pb::QueryPaymentsResponse { payments, pagination: Some(pagination) }.encode_to_vec())
}
