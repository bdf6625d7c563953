use agora_proto::market::v1 as mpb;
use agora_proto::provider::v1::ProviderState;
use agora_store::StateWrite;
use agora_types::{Address, Coin, Coins, Event, TypedEvent};

use crate::event::MarketEvent;
use crate::ids::BidId;
use crate::keepers::Keepers;
use crate::lifecycle::{self, bid_state_name};
use crate::msg::CreateBid;
use crate::spec;
use crate::state::{keys, MarketRead, MarketWrite};
use crate::{MarketError, MARKET_MODULE};

pub fn create<S: StateWrite>(state: &mut S, k: &Keepers, msg: &CreateBid, height: u64) -> Result<Vec<Event>, MarketError> {
    let order_id = msg.order;
    let bid_id = order_id.bid(msg.provider);
    if msg.provider == order_id.owner {
        return Err(MarketError::SelfBid);
    }
    let provider = k.providers.provider(state, &msg.provider)?.ok_or_else(|| MarketError::ProviderNotActive(msg.provider.to_string()))?;
    if provider.state != ProviderState::Active as i32 {
        return Err(MarketError::ProviderNotActive(msg.provider.to_string()));
    }
    let mut order = state.order(&order_id)?.ok_or_else(|| MarketError::OrderNotFound(order_id.to_string()))?;
    if order.state != mpb::OrderState::Open as i32 {
        return Err(MarketError::OrderNotOpen(order_id.to_string()));
    }
    if state.get_raw(&keys::bid(&bid_id))?.is_some() {
        return Err(MarketError::BidExists(bid_id.to_string()));
    }
    let params = state.market_params()?;
    if order.bid_count >= params.order_max_bids {
        return Err(MarketError::TooManyBids { order: order_id.to_string(), max: params.order_max_bids });
    }
    let group_spec = order.spec.clone().ok_or_else(|| MarketError::Internal(format!("order {order_id} has no spec")))?;
    let max = spec::max_price(&group_spec)?;
    if msg.price.denom != max.denom {
        return Err(MarketError::InvalidPrice(format!("price is in {} but the order pays in {}", msg.price.denom, max.denom)));
    }
    if msg.price.amount > max.amount {
        return Err(MarketError::PriceAboveMax { price: msg.price.to_string(), max: max.to_string() });
    }
    let min = &params.bid_min_deposit;
    if msg.deposit.denom != min.denom || msg.deposit.amount < min.amount {
        return Err(MarketError::BidDepositTooSmall { got: msg.deposit.to_string(), min: min.to_string() });
    }
    let audited = |auditor: &Address| k.providers.audited_attributes(state, &msg.provider, auditor);
    let charge = |gas| Ok(state.charge_gas(gas, "placement matching")?);
    let mut meter = spec::StepMeter::new(&charge);
    if let Err(reason) = spec::check_requirements(&group_spec, &provider.attributes, audited, &mut meter)? {
        return Err(MarketError::RequirementsNotMet { provider: msg.provider.to_string(), reason });
    }
    let offered = lifecycle::plan_for(state, k, &msg.provider, &group_spec)?
        .map_err(|reason| MarketError::InsufficientCapacity { provider: msg.provider.to_string(), reason })?;

    let deposit = Coins::from_list(vec![msg.deposit.clone()]).map_err(|e| MarketError::Internal(e.to_string()))?;
    let mut events = k.bank.send_coins(state, &msg.provider, &Address::module(MARKET_MODULE), &deposit)?;
    k.providers.bid_opened(state, &msg.provider)?;
    let seq = state.next_bid_seq()?;
    let bid = mpb::Bid {
        id: Some(bid_id.to_proto()),
        state: mpb::BidState::Open as i32,
        price: Some(msg.price.to_proto()),
        deposit: Some(msg.deposit.to_proto()),
        created_height: height,
        resources: Some(offered),
        seq,
    };
    state.put_bid(&bid_id, &bid);
    order.bid_count += 1;
    // An auction whose window closed without an award runs again at the end of this block,
    // now that there is a new bid (it never re-runs on its own).
    if group_spec.auction && order.auction_height == 0 {
        order.auction_height = height;
        keys::AUCTION_QUEUE.insert(state, height, &order_id.to_bytes())?;
    }
    state.put_order(&order_id, &order);
    events.push(MarketEvent::BidCreated { id: bid_id, price: msg.price.to_string() }.to_event());
    Ok(events)
}

/// An open bid is withdrawn; an active bid's lease is closed by the provider with `reason`.
pub fn close<S: StateWrite>(state: &mut S, k: &Keepers, id: &BidId, reason: mpb::LeaseCloseReason, height: u64) -> Result<Vec<Event>, MarketError> {
    let mut bid = state.bid(id)?.ok_or_else(|| MarketError::BidNotFound(id.to_string()))?;
    match mpb::BidState::try_from(bid.state) {
        Ok(mpb::BidState::Open) => {
            let order_id = id.order();
            let events = lifecycle::end_bid(state, k, id, &mut bid, mpb::BidState::Closed)?;
            if let Some(mut order) = state.order(&order_id)? {
                order.bid_count = order.bid_count.saturating_sub(1);
                state.put_order(&order_id, &order);
            }
            Ok(events)
        }
        Ok(mpb::BidState::Active) => {
            if !lifecycle::provider_closed(reason) {
                return Err(MarketError::InvalidCloseReason(reason as i32));
            }
            let mut events = lifecycle::close_lease(state, k, id, reason, height)?;
            events.extend(lifecycle::reorder_if_wanted(state, &id.group(), height)?);
            Ok(events)
        }
        _ => Err(MarketError::BidState { id: id.to_string(), state: bid_state_name(bid.state).into(), action: "closing it".into() }),
    }
}

/// Bid deposits in the market module account, for the invariant.
pub fn deposit_coin(bid: &mpb::Bid) -> Option<Coin> {
    bid.deposit.as_ref().and_then(|d| Coin::from_proto(d).ok())
}
