//! `agora.deployment.v1.Query` and `agora.market.v1.Query`. Escrow figures in answers are
//! settled up to the queried height in memory; a query never writes.

use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_store::StateRead;
use agora_types::pagination::Page;
use agora_types::{AbciError, Address, TxError};
use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use prost::Message;

use crate::ids::{BidId, DeploymentId, GroupId, OrderId};
use crate::keepers::Keepers;
use crate::state::{keys, MarketRead};
use crate::MarketError;



fn tx(e: MarketError) -> TxError {
    e.to_tx_error()
}

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::invalid_request(e.to_string()))
}

fn address(field: &str, s: &str) -> Result<Address, TxError> {
    s.parse().map_err(|e| TxError::invalid_request(format!("{field}: {e}")))
}

/// Walks `prefix` in key order with Cosmos paging; `load` turns an entry into an item, or
/// `None` to leave it out (filters apply before paging, so pages are full).
fn paged<S: StateRead, T>(
    state: &S,
    prefix: &[u8],
    request: Option<&PageRequest>,
    mut load: impl FnMut(&[u8], &[u8]) -> Result<Option<T>, TxError>,
) -> Result<(Vec<T>, PageResponse), TxError> {
    let page = Page::from_request(request).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let start = [prefix, page.key.as_slice()].concat();
    let mut out = Vec::new();
    let mut next_key = Vec::new();
    let mut seen: u64 = 0;
    for item in state.prefix_raw(prefix, (!page.key.is_empty()).then_some(start.as_slice())) {
        let (key, value) = item.map_err(TxError::internal)?;
        let tail = &key[prefix.len()..];
        let Some(entry) = load(tail, &value)? else {
            continue;
        };
        seen += 1;
        if seen <= page.offset {
            continue;
        }
        if out.len() as u64 == page.limit {
            if next_key.is_empty() {
                next_key = tail.to_vec();
            }
            if !page.count_total {
                break;
            }
            continue;
        }
        out.push(entry);
    }
    Ok((out, PageResponse { next_key, total: if page.count_total { seen } else { 0 } }))
}

pub fn query<S: StateRead>(state: &S, k: &Keepers, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let result = match path {
        "/agora.deployment.v1.Query/Deployments" => deployments(state, k, height, data),
        "/agora.deployment.v1.Query/Deployment" => decode::<dpb::QueryDeploymentRequest>(data).and_then(|req| {
            let id = DeploymentId::from_proto("id", req.id.as_ref()).map_err(tx)?;
            let deployment = state.deployment(&id).map_err(tx)?.ok_or_else(|| TxError::not_found(MarketError::DeploymentNotFound(id.to_string()).to_string()))?;
            Ok(deployment_response(state, k, height, deployment)?.encode_to_vec())
        }),
        "/agora.deployment.v1.Query/Group" => decode::<dpb::QueryGroupRequest>(data).and_then(|req| {
            let id = GroupId::from_proto("id", req.id.as_ref()).map_err(tx)?;
            let group = state.group(&id).map_err(tx)?.ok_or_else(|| TxError::not_found(MarketError::GroupNotFound(id.to_string()).to_string()))?;
            Ok(dpb::QueryGroupResponse { group: Some(group) }.encode_to_vec())
        }),
        "/agora.deployment.v1.Query/Params" => decode::<dpb::QueryParamsRequest>(data).and_then(|_| {
            Ok(dpb::QueryParamsResponse { params: Some(state.deployment_params().map_err(tx)?.to_proto()) }.encode_to_vec())
        }),
        "/agora.market.v1.Query/Orders" => orders(state, data),
        "/agora.market.v1.Query/Order" => decode::<mpb::QueryOrderRequest>(data).and_then(|req| {
            let id = OrderId::from_proto("id", req.id.as_ref()).map_err(tx)?;
            let order = state.order(&id).map_err(tx)?.ok_or_else(|| TxError::not_found(MarketError::OrderNotFound(id.to_string()).to_string()))?;
            Ok(mpb::QueryOrderResponse { order: Some(order) }.encode_to_vec())
        }),
        "/agora.market.v1.Query/Bids" => bids(state, data),
        "/agora.market.v1.Query/Bid" => decode::<mpb::QueryBidRequest>(data).and_then(|req| {
            let id = BidId::from_proto("id", req.id.as_ref()).map_err(tx)?;
            let bid = state.bid(&id).map_err(tx)?.ok_or_else(|| TxError::not_found(MarketError::BidNotFound(id.to_string()).to_string()))?;
            Ok(mpb::QueryBidResponse { bid: Some(bid) }.encode_to_vec())
        }),
        "/agora.market.v1.Query/Leases" => leases(state, k, height, data),
        "/agora.market.v1.Query/Lease" => decode::<mpb::QueryLeaseRequest>(data).and_then(|req| {
            let id = BidId::from_proto("id", req.id.as_ref()).map_err(tx)?;
            let lease = state.lease(&id).map_err(tx)?.ok_or_else(|| TxError::not_found(MarketError::LeaseNotFound(id.to_string()).to_string()))?;
            Ok(lease_response(state, k, height, &id, lease)?.encode_to_vec())
        }),
        "/agora.market.v1.Query/Params" => decode::<mpb::QueryParamsRequest>(data).and_then(|_| {
            Ok(mpb::QueryParamsResponse { params: Some(state.market_params().map_err(tx)?.to_proto()) }.encode_to_vec())
        }),
        _ => return None,
    };
    Some(result)
}

fn deployment_response<S: StateRead>(state: &S, k: &Keepers, height: u64, deployment: dpb::Deployment) -> Result<dpb::QueryDeploymentResponse, TxError> {
    let id = DeploymentId::from_proto("id", deployment.id.as_ref()).map_err(tx)?;
    let groups = state.groups(&id).map_err(tx)?;
    let escrow_account = k.escrow.settled_account(state, &id.escrow_account(), height).map_err(tx)?;
    Ok(dpb::QueryDeploymentResponse { deployment: Some(deployment), groups, escrow_account })
}

fn lease_response<S: StateRead>(state: &S, k: &Keepers, height: u64, id: &BidId, lease: mpb::Lease) -> Result<mpb::QueryLeaseResponse, TxError> {
    let escrow_payment =
        k.escrow.settled_payment(state, &id.deployment().escrow_account(), &id.payment(), height).map_err(tx)?;
    Ok(mpb::QueryLeaseResponse { lease: Some(lease), escrow_payment })
}

fn deployments<S: StateRead>(state: &S, k: &Keepers, height: u64, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: dpb::QueryDeploymentsRequest = decode(data)?;
    let prefix = if req.owner.is_empty() { keys::DEPLOYMENTS.to_vec() } else { keys::deployments_of(&address("owner", &req.owner)?) };
    let wanted = req.state;
    let (deployments, pagination) = paged(state, &prefix, req.pagination.as_ref(), |_, value| {
        let deployment = dpb::Deployment::decode(value).map_err(TxError::internal)?;
        if wanted != 0 && deployment.state != wanted {
            return Ok(None);
        }
        deployment_response(state, k, height, deployment).map(Some)
    })?;
    Ok(dpb::QueryDeploymentsResponse { deployments, pagination: Some(pagination) }.encode_to_vec())
}

fn orders<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: mpb::QueryOrdersRequest = decode(data)?;
    let wanted = req.state;
    let open_only = wanted == mpb::OrderState::Open as i32 && req.owner.is_empty();
    let (orders, pagination) = if open_only {
        // The open-orders index: what providers poll, without walking closed history.
        paged(state, keys::OPEN_ORDERS, req.pagination.as_ref(), |tail, _| {
            let id = OrderId::from_bytes(tail).ok_or_else(|| TxError::internal("corrupt open-order key"))?;
            state.order(&id).map_err(tx)
        })?
    } else {
        let prefix = if req.owner.is_empty() { keys::ORDERS.to_vec() } else { keys::orders_of(&address("owner", &req.owner)?) };
        paged(state, &prefix, req.pagination.as_ref(), |_, value| {
            let order = mpb::Order::decode(value).map_err(TxError::internal)?;
            Ok((wanted == 0 || order.state == wanted).then_some(order))
        })?
    };
    Ok(mpb::QueryOrdersResponse { orders, pagination: Some(pagination) }.encode_to_vec())
}

fn bids<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: mpb::QueryBidsRequest = decode(data)?;
    let wanted = req.state;
    let keep = |bid: mpb::Bid| (wanted == 0 || bid.state == wanted).then_some(bid);
    let (bids, pagination) = match (&req.order_id, req.provider.as_str()) {
        (Some(order), _) => {
            let id = OrderId::from_proto("order_id", Some(order)).map_err(tx)?;
            paged(state, &keys::bids_of_order(&id), req.pagination.as_ref(), |_, value| {
                Ok(keep(mpb::Bid::decode(value).map_err(TxError::internal)?))
            })?
        }
        (None, "") => return Err(TxError::invalid_request("set order_id or provider")),
        (None, provider) => {
            let provider = address("provider", provider)?;
            paged(state, &keys::provider_bids_of(&provider), req.pagination.as_ref(), |tail, _| {
                let id = OrderId::from_bytes(tail).ok_or_else(|| TxError::internal("corrupt provider-bid key"))?.bid(provider);
                Ok(state.bid(&id).map_err(tx)?.and_then(keep))
            })?
        }
    };
    Ok(mpb::QueryBidsResponse { bids, pagination: Some(pagination) }.encode_to_vec())
}

fn leases<S: StateRead>(state: &S, k: &Keepers, height: u64, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: mpb::QueryLeasesRequest = decode(data)?;
    let wanted = req.state;
    let (leases, pagination) = match (req.owner.as_str(), req.provider.as_str()) {
        ("", "") => return Err(TxError::invalid_request("set owner or provider")),
        ("", provider) => {
            let provider = address("provider", provider)?;
            paged(state, &keys::provider_leases_of(&provider), req.pagination.as_ref(), |tail, _| {
                let id = OrderId::from_bytes(tail).ok_or_else(|| TxError::internal("corrupt provider-lease key"))?.bid(provider);
                let Some(lease) = state.lease(&id).map_err(tx)? else {
                    return Ok(None);
                };
                if wanted != 0 && lease.state != wanted {
                    return Ok(None);
                }
                lease_response(state, k, height, &id, lease).map(Some)
            })?
        }
        (owner, _) => {
            let owner = address("owner", owner)?;
            paged(state, &keys::leases_of(&owner), req.pagination.as_ref(), |tail, value| {
                let lease = mpb::Lease::decode(value).map_err(TxError::internal)?;
                if wanted != 0 && lease.state != wanted {
                    return Ok(None);
                }
                let full = [owner.as_bytes().as_slice(), tail].concat();
                let id = BidId::from_bytes(&full).ok_or_else(|| TxError::internal("corrupt lease key"))?;
                lease_response(state, k, height, &id, lease).map(Some)
            })?
        }
    };
    Ok(mpb::QueryLeasesResponse { leases, pagination: Some(pagination) }.encode_to_vec())
}
