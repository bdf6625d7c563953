//! `deployment` and `market` as components (one crate, two modules: their lifecycles are one
//! state machine), and the market's block work. In order: deployments whose escrow ran dry
//! stop, when escrow calls [`MarketEscrowHooks`] (leases close with `insufficient_funds`,
//! groups wait for a deposit); then, in the market's `end_block`, auction orders due now are
//! awarded and orders due to expire close. Each step reads only the index entries due at
//! this height.

use agora_component::{invalid_params, Authority, Component, ComponentMsg, EndBlockOutcome, ModuleAccount, MsgRouter, Wiring};
use agora_escrow::{AccountId, EscrowHooks};
use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_store::{HeightQueue, StateDelta, StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Event, TxError, TypedEvent};
use cosmos_sdk_proto::Any;

use crate::event::MarketEvent;
use crate::ids::{DeploymentId, GroupId, OrderId};
use crate::lifecycle;
use crate::state::{keys, MarketRead, MarketWrite};
use crate::genesis::{DeploymentGenesis, MarketGenesis};
use crate::msg::{DEPLOYMENT_TYPE_URLS, MARKET_TYPE_URLS};
use crate::{MarketError, MarketMsg, MARKET_MODULE};

impl ComponentMsg for MarketMsg {
    fn type_url(&self) -> &str {
        MarketMsg::type_url(self)
    }

    fn module(&self) -> &'static str {
        MarketMsg::module(self)
    }

    fn signers(&self) -> Vec<Address> {
        MarketMsg::signers(self)
    }
}

fn decode(any: &Any) -> Result<MarketMsg, TxError> {
    MarketMsg::decode(&any.type_url, &any.value)
        .unwrap_or_else(|| Err(MarketError::InvalidRequest(format!("not a market message: {:?}", any.type_url))))
        .map_err(|e| e.to_tx_error())
}

fn execute(mut state: &mut dyn StateWrite, ctx: &BlockContext, msg: &MarketMsg, authority: &Authority) -> Result<Vec<Event>, TxError> {
    match msg {
        MarketMsg::UpdateDeploymentParams { authority: claimed, params } => {
            authority.check(claimed)?;
            params.validate().map_err(|e| invalid_params("deployment", e))?;
            state.put_deployment_params(params);
            Ok(Vec::new())
        }
        MarketMsg::UpdateMarketParams { authority: claimed, params } => {
            authority.check(claimed)?;
            params.validate().map_err(|e| invalid_params("market", e))?;
            state.put_market_params(params);
            Ok(Vec::new())
        }
        _ => crate::handler::execute(&mut state, ctx, msg).map_err(|e| e.to_tx_error()),
    }
}

/// Deployments and their groups (`agora.deployment.v1`).
#[derive(Debug, Default)]
pub struct DeploymentComponent {
    authority: Authority,
}

impl Component for DeploymentComponent {
    type Msg = MarketMsg;
    type Genesis = DeploymentGenesis;

    fn name(&self) -> &'static str {
        "deployment"
    }

    fn wire(&mut self, wiring: &Wiring) {
        self.authority = wiring.authority;
    }

    fn validate_genesis(&self, genesis: &DeploymentGenesis) -> Result<(), String> {
        genesis.params.validate().map_err(|e| e.to_string())
    }

    fn init_genesis(&self, mut state: &mut dyn StateWrite, genesis: &DeploymentGenesis) -> Result<(), String> {
        crate::genesis::init_deployment(&mut state, genesis).map_err(|e| e.to_string())
    }

    fn message_types(&self) -> &'static [&'static str] {
        DEPLOYMENT_TYPE_URLS
    }

    fn decode_msg(&self, any: &Any) -> Result<MarketMsg, TxError> {
        decode(any)
    }

    fn execute(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msg: &MarketMsg) -> Result<Vec<Event>, TxError> {
        execute(state, ctx, msg, &self.authority)
    }

    fn query_services(&self) -> &'static [&'static str] {
        &["agora.deployment.v1.Query"]
    }

    fn query(&self, state: &dyn StateRead, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(&state, height, path, data)
    }
}

/// Orders, bids, leases and auctions (`agora.market.v1`).
#[derive(Debug, Default)]
pub struct MarketComponent {
    authority: Authority,
}

impl Component for MarketComponent {
    type Msg = MarketMsg;
    type Genesis = MarketGenesis;

    fn name(&self) -> &'static str {
        "market"
    }

    fn module_accounts(&self) -> Vec<ModuleAccount> {
        vec![ModuleAccount::new(MARKET_MODULE)]
    }

    fn wire(&mut self, wiring: &Wiring) {
        self.authority = wiring.authority;
    }

    fn validate_genesis(&self, genesis: &MarketGenesis) -> Result<(), String> {
        genesis.params.validate().map_err(|e| e.to_string())
    }

    fn init_genesis(&self, mut state: &mut dyn StateWrite, genesis: &MarketGenesis) -> Result<(), String> {
        crate::genesis::init_market(&mut state, genesis).map_err(|e| e.to_string())
    }

    fn end_block(&self, mut state: &mut dyn StateWrite, ctx: &BlockContext, _router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
        end_block(&mut state, ctx.height).map(EndBlockOutcome::events).map_err(|e| e.to_tx_error())
    }

    fn message_types(&self) -> &'static [&'static str] {
        MARKET_TYPE_URLS
    }

    fn decode_msg(&self, any: &Any) -> Result<MarketMsg, TxError> {
        decode(any)
    }

    fn execute(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msg: &MarketMsg) -> Result<Vec<Event>, TxError> {
        execute(state, ctx, msg, &self.authority)
    }

    fn query_services(&self) -> &'static [&'static str] {
        &["agora.market.v1.Query"]
    }

    fn query(&self, state: &dyn StateRead, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(&state, height, path, data)
    }

    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        crate::invariant::check_market(&state)
    }
}

/// Escrow's hook into the market: a deployment whose account ran dry stops.
#[derive(Debug, Default)]
pub struct MarketEscrowHooks;

impl EscrowHooks for MarketEscrowHooks {
    fn account_overdrawn(&self, mut state: &mut dyn StateWrite, account: &AccountId, ctx: &BlockContext) -> Result<Vec<Event>, TxError> {
        stop_unfunded(&mut state, account, ctx.height).map_err(|e| e.to_tx_error())
    }
}

/// The market's own block work: auctions due now, then order expiries.
pub fn end_block<S: StateWrite>(state: &mut S, height: u64) -> Result<Vec<Event>, MarketError> {
    let mut events = Vec::new();
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
