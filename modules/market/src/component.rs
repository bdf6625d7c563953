//! Market block hook. In order: deployments whose escrow ran dry stop (leases close with
//! `insufficient_funds`, groups wait for a deposit); auction orders due now are awarded;
//! orders due to expire close. Each step reads only the index entries due at this height.

use agora_escrow::AccountId;
use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_store::{HeightQueue, StateDelta, StateWrite};
use agora_types::{Event, TypedEvent};

use crate::event::MarketEvent;
use crate::ids::{DeploymentId, GroupId, OrderId};
use crate::lifecycle;
use crate::state::{keys, MarketRead, MarketWrite};
use crate::MarketError;

pub fn end_block<S: StateWrite>(state: &mut S, height: u64) -> Result<Vec<Event>, MarketError> {
    let escrow = agora_escrow::end_block(state, height)?;
    let mut events = escrow.events;
    for account in escrow.overdrawn {
        events.extend(stop_unfunded(state, &account, height)?);
    }
    for order in due_orders(state, keys::AUCTION_QUEUE, height)? {
        events.extend(run_auction(state, &order, height)?);
    }
    for order in due_orders(state, keys::EXPIRY_QUEUE, height)? {
        events.extend(expire(state, &order)?);
    }
    Ok(events)
}

/// Takes the orders `queue` holds for `height` or earlier, oldest first.
fn due_orders<S: StateWrite>(state: &mut S, queue: HeightQueue, height: u64) -> Result<Vec<OrderId>, MarketError> {
    queue
        .take_due(state, height)?
        .into_iter()
        .map(|(_, id)| OrderId::from_bytes(&id).ok_or_else(|| MarketError::Internal("corrupt order queue entry".into())))
        .collect()
}

/// A deployment ran out of funds: every open group stops until a deposit restarts it.
fn stop_unfunded<S: StateWrite>(state: &mut S, account: &AccountId, height: u64) -> Result<Vec<Event>, MarketError> {
    let id = DeploymentId { owner: account.owner, dseq: account.dseq };
    let mut events = Vec::new();
    for group in state.groups(&id)? {
        if group.state != dpb::GroupState::Open as i32 {
            continue;
        }
        let gid = GroupId::from_proto("group.id", group.id.as_ref())?;
        events.extend(lifecycle::stop_group(
            state,
            &gid,
            dpb::GroupState::InsufficientFunds,
            mpb::LeaseCloseReason::InsufficientFunds,
            "insufficient_funds",
            height,
        )?);
    }
    Ok(events)
}

/// Awards an auction order to its cheapest open bid (earliest on a tie) whose provider still
/// has room; a bid that cannot be awarded is skipped. With no award, the auction runs again
/// one window later, while the order lives.
fn run_auction<S: StateWrite>(state: &mut S, id: &OrderId, height: u64) -> Result<Vec<Event>, MarketError> {
    let Some(mut order) = state.order(id)? else {
        return Ok(Vec::new());
    };
    if order.state != mpb::OrderState::Open as i32 {
        return Ok(Vec::new());
    }
    let mut ranked = Vec::new();
    for bid in state.bids_in_state(id, mpb::BidState::Open)? {
        ranked.push((lifecycle::auction_rank(&bid)?, crate::ids::BidId::from_proto("bid.id", bid.id.as_ref())?));
    }
    ranked.sort();
    for (_, bid_id) in ranked {
        // Each attempt runs on a fork, kept only if the award succeeds.
        let mut fork = StateDelta::new(&*state);
        match lifecycle::award(&mut fork, &bid_id, height, true) {
            Ok(events) => {
                let changes = fork.into_changes();
                for (key, value) in changes {
                    match value {
                        Some(value) => state.put_raw(key, value),
                        None => state.delete(key),
                    }
                }
                return Ok(events);
            }
            Err(MarketError::Internal(e)) => return Err(MarketError::Internal(e)),
            Err(_) => continue,
        }
    }
    let params = state.market_params()?;
    let next = height.saturating_add(params.auction_window_blocks);
    if next < order.expires_height {
        order.auction_height = next;
        keys::AUCTION_QUEUE.insert(state, next, &id.to_bytes())?;
        state.put_order(id, &order);
    } else {
        order.auction_height = 0;
        state.put_order(id, &order);
    }
    Ok(Vec::new())
}

/// An order that found no lease in time closes; its group pauses until the tenant restarts it.
fn expire<S: StateWrite>(state: &mut S, id: &OrderId) -> Result<Vec<Event>, MarketError> {
    let Some(order) = state.order(id)? else {
        return Ok(Vec::new());
    };
    if order.state != mpb::OrderState::Open as i32 {
        return Ok(Vec::new());
    }
    let mut events = lifecycle::close_open_order(state, id, "expired")?;
    let gid = id.group();
    if let Some(mut group) = state.group(&gid)? {
        if group.state == dpb::GroupState::Open as i32 && group.last_oseq == id.oseq {
            group.state = dpb::GroupState::Paused as i32;
            state.put_group(&gid, &group);
            events.push(MarketEvent::GroupStateChanged { id: gid, state: "paused" }.to_event());
        }
    }
    Ok(events)
}
