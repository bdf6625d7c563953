//! The market's state transitions, shared by the message handlers and `EndBlock`: opening and
//! closing orders, awarding a bid, closing a lease, stopping and restarting groups. Each keeps
//! the records, their indexes, the provider's allocation and the escrow in step.

use agora_proto::base::v1::Resources;
use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_proto::provider::v1::ProviderState;
use agora_provider::resources;
use agora_store::StateWrite;
use agora_types::{Address, Coin, Coins, Dec, DecCoin, Event, TypedEvent};

use crate::event::MarketEvent;
use crate::ids::{BidId, GroupId, OrderId};
use crate::keepers::Keepers;
use crate::spec;
use crate::state::{keys, MarketRead, MarketWrite};
use crate::{MarketError, MARKET_MODULE};

fn internal(msg: String) -> MarketError {
    MarketError::Internal(msg)
}

pub fn group_state_name(state: dpb::GroupState) -> &'static str {
    match state {
        dpb::GroupState::Open => "open",
        dpb::GroupState::Paused => "paused",
        dpb::GroupState::InsufficientFunds => "insufficient_funds",
        dpb::GroupState::Closed => "closed",
        dpb::GroupState::Unspecified => "unspecified",
    }
}

pub fn close_reason_name(reason: mpb::LeaseCloseReason) -> &'static str {
    match reason {
        mpb::LeaseCloseReason::Owner => "owner",
        mpb::LeaseCloseReason::ProviderUnstable => "provider_unstable",
        mpb::LeaseCloseReason::ProviderDecommission => "provider_decommission",
        mpb::LeaseCloseReason::ProviderUnspecified => "provider_unspecified",
        mpb::LeaseCloseReason::ProviderManifestTimeout => "provider_manifest_timeout",
        mpb::LeaseCloseReason::InsufficientFunds => "insufficient_funds",
        mpb::LeaseCloseReason::Unspecified => "unspecified",
    }
}

pub fn bid_state_name(state: i32) -> &'static str {
    match mpb::BidState::try_from(state) {
        Ok(mpb::BidState::Open) => "open",
        Ok(mpb::BidState::Active) => "active",
        Ok(mpb::BidState::Lost) => "lost",
        Ok(mpb::BidState::Closed) => "closed",
        _ => "unspecified",
    }
}

/// Opens the next order of a group (the caller stores the group, whose `last_oseq` moves).
pub fn open_order<S: StateWrite>(state: &mut S, gid: &GroupId, group: &mut dpb::Group, height: u64) -> Result<Vec<Event>, MarketError> {
    let params = state.market_params()?;
    let oseq = group.last_oseq.checked_add(1).ok_or_else(|| internal(format!("group {gid} ran out of order numbers")))?;
    group.last_oseq = oseq;
    let id = gid.order(oseq);
    let spec = group.spec.clone().ok_or_else(|| internal(format!("group {gid} has no spec")))?;
    let auction_height = if spec.auction { height.saturating_add(params.auction_window_blocks) } else { 0 };
    let expires_height = height.saturating_add(params.order_ttl_blocks);
    let order = mpb::Order {
        id: Some(id.to_proto()),
        state: mpb::OrderState::Open as i32,
        spec: Some(spec),
        created_height: height,
        auction_height,
        expires_height,
        bid_count: 0,
    };
    state.put_order(&id, &order);
    if auction_height > 0 {
        keys::AUCTION_QUEUE.insert(state, auction_height, &id.to_bytes())?;
    }
    keys::EXPIRY_QUEUE.insert(state, expires_height, &id.to_bytes())?;
    Ok(vec![MarketEvent::OrderCreated { id, auction_height, expires_height }.to_event()])
}

fn drop_order_indexes<S: StateWrite>(state: &mut S, id: &OrderId, order: &mpb::Order) {
    if order.auction_height > 0 {
        keys::AUCTION_QUEUE.remove(state, order.auction_height, &id.to_bytes());
    }
    keys::EXPIRY_QUEUE.remove(state, order.expires_height, &id.to_bytes());
}

/// Ends an open or active bid as `to` and returns its deposit to the provider; a bid already
/// ended is refused (its deposit went back when it ended). An open bid stops counting against
/// the provider's open bids (an active one already did when it won).
pub fn end_bid<S: StateWrite>(state: &mut S, k: &Keepers, id: &BidId, bid: &mut mpb::Bid, to: mpb::BidState) -> Result<Vec<Event>, MarketError> {
    end_bid_paying(state, k, id, bid, to, &id.provider)
}

/// [`end_bid`], the deposit going to `deposit_to` (the tenant, as the exit fee of a provider
/// that walked away from the lease).
fn end_bid_paying<S: StateWrite>(state: &mut S, k: &Keepers, id: &BidId, bid: &mut mpb::Bid, to: mpb::BidState, deposit_to: &Address) -> Result<Vec<Event>, MarketError> {
    let was_open = bid.state == mpb::BidState::Open as i32;
    if !was_open && bid.state != mpb::BidState::Active as i32 {
        return Err(MarketError::BidState { id: id.to_string(), state: bid_state_name(bid.state).into(), action: "ending it".into() });
    }
    bid.state = to as i32;
    state.put_bid(id, bid);
    if was_open {
        k.providers.bid_closed(state, &id.provider)?;
    }
    let mut events = Vec::new();
    if let Some(deposit) = &bid.deposit {
        let coin = Coin::from_proto(deposit).map_err(|e| internal(format!("bid {id} deposit: {e}")))?;
        if coin.amount > 0 {
            let coins = Coins::from_list(vec![coin]).map_err(|e| internal(e.to_string()))?;
            events.extend(k.bank.send_coins(state, &Address::module(MARKET_MODULE), deposit_to, &coins)?);
            if deposit_to != &id.provider {
                events.push(MarketEvent::ExitFeePaid { id: *id, amount: coins.to_string() }.to_event());
            }
        }
    }
    events.push(match to {
        mpb::BidState::Lost => MarketEvent::BidLost { id: *id },
        _ => MarketEvent::BidClosed { id: *id },
    }
    .to_event());
    Ok(events)
}

/// Schedules a closed order (kind [`keys::PRUNE_ORDER`]) or deployment
/// ([`keys::PRUNE_DEPLOYMENT`]) for deletion `retention_blocks` after `height`.
pub fn schedule_prune<S: StateWrite>(state: &mut S, kind: u8, id: &[u8], height: u64) -> Result<(), MarketError> {
    let retention = state.market_params()?.retention_blocks;
    keys::PRUNE_QUEUE.insert(state, height.saturating_add(retention), &[&[kind], id].concat())?;
    Ok(())
}

/// Closes an open order without a lease: every open bid loses and gets its deposit back. An
/// order already closed, or closed and since pruned, needs nothing.
pub fn close_open_order<S: StateWrite>(state: &mut S, k: &Keepers, id: &OrderId, reason: &'static str, height: u64) -> Result<Vec<Event>, MarketError> {
    let Some(mut order) = state.order(id)? else {
        return Ok(Vec::new());
    };
    if order.state != mpb::OrderState::Open as i32 {
        return Ok(Vec::new());
    }
    let mut events = Vec::new();
    for mut bid in state.bids_in_state(id, mpb::BidState::Open)? {
        let bid_id = BidId::from_proto("bid.id", bid.id.as_ref())?;
        events.extend(end_bid(state, k, &bid_id, &mut bid, mpb::BidState::Lost)?);
    }
    drop_order_indexes(state, id, &order);
    order.state = mpb::OrderState::Closed as i32;
    order.bid_count = 0;
    state.put_order(id, &order);
    schedule_prune(state, keys::PRUNE_ORDER, &id.to_bytes(), height)?;
    events.push(MarketEvent::OrderClosed { id: *id, reason }.to_event());
    Ok(events)
}

/// What `provider` would allocate to `spec` now: `Ok(Err(reason))` if it has no room.
pub fn plan_for<S: StateWrite>(
    state: &S,
    k: &Keepers,
    provider: &Address,
    spec: &dpb::GroupSpec,
) -> Result<Result<Resources, String>, MarketError> {
    let record = k.providers.provider(state, provider)?.ok_or_else(|| MarketError::ProviderNotActive(provider.to_string()))?;
    if record.state != ProviderState::Active as i32 {
        return Err(MarketError::ProviderNotActive(provider.to_string()));
    }
    let capacity = record.capacity.clone().unwrap_or_default();
    let allocated = record.allocated.clone().unwrap_or_default();
    let free = resources::checked_sub(&capacity, &allocated)?;
    let demand = spec::demand(spec);
    Ok(match resources::plan(&free, &demand) {
        Some(plan) => Ok(plan),
        None => {
            let total = resources::plan(&capacity, &demand);
            Err(match total {
                None => "the group needs more than the provider's whole capacity".to_string(),
                Some(needed) => resources::shortfall(&free, &needed)
                    .unwrap_or_else(|| "its free resources cannot be arranged for the group's replicas".into()),
            })
        }
    })
}

/// Awards an open order to one of its open bids: the lease starts, the provider's capacity
/// is allocated, the other bids lose, and the escrow starts paying the bid's price.
pub fn award<S: StateWrite>(state: &mut S, k: &Keepers, bid_id: &BidId, height: u64, by_auction: bool) -> Result<Vec<Event>, MarketError> {
    let order_id = bid_id.order();
    let mut order = state.order(&order_id)?.ok_or_else(|| MarketError::OrderNotFound(order_id.to_string()))?;
    if order.state != mpb::OrderState::Open as i32 {
        return Err(MarketError::OrderNotOpen(order_id.to_string()));
    }
    let mut bid = state.bid(bid_id)?.ok_or_else(|| MarketError::BidNotFound(bid_id.to_string()))?;
    if bid.state != mpb::BidState::Open as i32 {
        return Err(MarketError::BidState {
            id: bid_id.to_string(),
            state: bid_state_name(bid.state).into(),
            action: "awarding it".into(),
        });
    }
    let spec = order.spec.clone().ok_or_else(|| internal(format!("order {order_id} has no spec")))?;
    // Bids do not lock capacity, so room is checked again now.
    let allocation = plan_for(state, k, &bid_id.provider, &spec)?
        .map_err(|reason| MarketError::InsufficientCapacity { provider: bid_id.provider.to_string(), reason })?;
    let mut events = k.providers.allocate(state, &bid_id.provider, &allocation, height)?;
    bid.state = mpb::BidState::Active as i32;
    state.put_bid(bid_id, &bid);
    k.providers.bid_closed(state, &bid_id.provider)?;
    for mut other in state.bids_in_state(&order_id, mpb::BidState::Open)? {
        let other_id = BidId::from_proto("bid.id", other.id.as_ref())?;
        events.extend(end_bid(state, k, &other_id, &mut other, mpb::BidState::Lost)?);
    }
    drop_order_indexes(state, &order_id, &order);
    order.state = mpb::OrderState::Active as i32;
    order.bid_count = 0;
    state.put_order(&order_id, &order);

    let price = bid.price.clone().ok_or_else(|| internal(format!("bid {bid_id} has no price")))?;
    let rate = DecCoin::from_proto("bid.price", &price).map_err(internal)?;
    let lease = mpb::Lease {
        id: Some(bid_id.to_proto()),
        state: mpb::LeaseState::Active as i32,
        price: Some(price),
        created_height: height,
        closed_height: 0,
        close_reason: mpb::LeaseCloseReason::Unspecified as i32,
        resources: Some(allocation),
    };
    state.put_lease(bid_id, &lease);
    events.extend(k.escrow.open_payment(state, &bid_id.deployment().escrow_account(), &bid_id.payment(), rate.amount, height)?);
    events.push(MarketEvent::LeaseCreated { id: *bid_id, price: rate.to_string(), by_auction }.to_event());
    Ok(events)
}

/// Whether the provider walked away from capacity it committed (not a manifest timeout, which
/// is the tenant's doing): it pays the exit fee.
fn walked_away(reason: mpb::LeaseCloseReason) -> bool {
    matches!(
        reason,
        mpb::LeaseCloseReason::ProviderUnstable | mpb::LeaseCloseReason::ProviderDecommission | mpb::LeaseCloseReason::ProviderUnspecified
    )
}

/// Whether a close reason is the provider's to give.
pub fn provider_closed(reason: mpb::LeaseCloseReason) -> bool {
    matches!(
        reason,
        mpb::LeaseCloseReason::ProviderUnstable
            | mpb::LeaseCloseReason::ProviderDecommission
            | mpb::LeaseCloseReason::ProviderUnspecified
            | mpb::LeaseCloseReason::ProviderManifestTimeout
    )
}

/// Closes an active lease: pays the provider what has accrued, frees its capacity, returns the
/// bid deposit and closes the order. The caller decides whether the group gets a new order.
/// A provider that walks away from the lease pays its bid deposit to the tenant as an exit fee
/// (not when the tenant stopped paying, or sent no manifest).
pub fn close_lease<S: StateWrite>(state: &mut S, k: &Keepers, id: &BidId, reason: mpb::LeaseCloseReason, height: u64) -> Result<Vec<Event>, MarketError> {
    let mut lease = state.lease(id)?.ok_or_else(|| MarketError::LeaseNotFound(id.to_string()))?;
    if lease.state != mpb::LeaseState::Active as i32 {
        return Err(MarketError::LeaseNotActive(id.to_string()));
    }
    let overdrawn = reason == mpb::LeaseCloseReason::InsufficientFunds;
    let mut events = k.escrow.close_payment(state, &id.deployment().escrow_account(), &id.payment(), height, overdrawn)?;
    events.extend(k.providers.release(state, &id.provider, &lease.resources.clone().unwrap_or_default(), height)?);
    lease.state = if overdrawn { mpb::LeaseState::InsufficientFunds } else { mpb::LeaseState::Closed } as i32;
    lease.closed_height = height;
    lease.close_reason = reason as i32;
    state.put_lease(id, &lease);
    if let Some(mut bid) = state.bid(id)? {
        let funded = k.escrow.is_funded(state, &id.deployment().escrow_account())?;
        let deposit_to = if walked_away(reason) && funded { id.owner } else { id.provider };
        events.extend(end_bid_paying(state, k, id, &mut bid, mpb::BidState::Closed, &deposit_to)?);
    }
    let order_id = id.order();
    if let Some(mut order) = state.order(&order_id)? {
        order.state = mpb::OrderState::Closed as i32;
        state.put_order(&order_id, &order);
        schedule_prune(state, keys::PRUNE_ORDER, &order_id.to_bytes(), height)?;
    }
    events.push(MarketEvent::LeaseClosed { id: *id, reason: close_reason_name(reason) }.to_event());
    Ok(events)
}

/// Opens a new order for a group that is still wanted after its lease closed.
pub fn reorder_if_wanted<S: StateWrite>(state: &mut S, gid: &GroupId, height: u64) -> Result<Vec<Event>, MarketError> {
    let mut group = state.group(gid)?.ok_or_else(|| MarketError::GroupNotFound(gid.to_string()))?;
    if group.state != dpb::GroupState::Open as i32 {
        return Ok(Vec::new());
    }
    let events = open_order(state, gid, &mut group, height)?;
    state.put_group(gid, &group);
    Ok(events)
}

/// Takes a group out of the market: its active lease closes (`lease_reason`), its open order
/// closes (`order_reason`), and it moves to `to`.
pub fn stop_group<S: StateWrite>(
    state: &mut S,
    k: &Keepers,
    gid: &GroupId,
    to: dpb::GroupState,
    lease_reason: mpb::LeaseCloseReason,
    order_reason: &'static str,
    height: u64,
) -> Result<Vec<Event>, MarketError> {
    let mut events = Vec::new();
    if let Some(lease_id) = state.group_lease(gid)? {
        events.extend(close_lease(state, k, &lease_id, lease_reason, height)?);
    }
    let mut group = state.group(gid)?.ok_or_else(|| MarketError::GroupNotFound(gid.to_string()))?;
    if group.last_oseq > 0 {
        events.extend(close_open_order(state, k, &gid.order(group.last_oseq), order_reason, height)?);
    }
    group.state = to as i32;
    state.put_group(gid, &group);
    events.push(MarketEvent::GroupStateChanged { id: *gid, state: group_state_name(to) }.to_event());
    Ok(events)
}

/// Puts a paused or unfunded group back on the market with a new order.
pub fn start_group<S: StateWrite>(state: &mut S, gid: &GroupId, group: &mut dpb::Group, height: u64) -> Result<Vec<Event>, MarketError> {
    group.state = dpb::GroupState::Open as i32;
    let mut events = open_order(state, gid, group, height)?;
    state.put_group(gid, group);
    events.push(MarketEvent::GroupStateChanged { id: *gid, state: "open" }.to_event());
    Ok(events)
}

/// The rate of a stored bid or lease price.
pub fn price_of(price: Option<&agora_proto::base::v1::DecCoin>) -> Result<DecCoin, MarketError> {
    let price = price.ok_or_else(|| internal("record without price".into()))?;
    DecCoin::from_proto("price", price).map_err(internal)
}

/// Sort key of an auction candidate: lowest price, then earliest bid.
pub fn auction_rank(bid: &mpb::Bid) -> Result<(Dec, u64), MarketError> {
    Ok((price_of(bid.price.as_ref())?.amount, bid.seq))
}
