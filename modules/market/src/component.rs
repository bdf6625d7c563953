//! `deployment` and `market` as components (one crate, two modules: their lifecycles are one
//! state machine), and the market's block work. In order: deployments whose escrow ran dry
//! stop, when escrow calls [`MarketEscrowHooks`] (leases close with `insufficient_funds`,
//! groups wait for a deposit); then, in the market's `end_block`, auction orders due now are
//! awarded and orders due to expire close. Each step reads only the index entries due at
//! this height.

use agora_component::{entry_failed, invalid_params, isolated, Authority, Component, ComponentMsg, EndBlockOutcome, ModuleAccount, MsgRouter, Wiring};
use agora_escrow::{AccountId, EscrowHooks};
use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_store::{StateDelta, StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Event, TxError, TypedEvent};
use cosmos_sdk_proto::Any;

use crate::event::MarketEvent;
use crate::ids::{BidId, DeploymentId, GroupId, OrderId};
use crate::keepers::Keepers;
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

fn execute(mut state: &mut dyn StateWrite, keepers: &Keepers, ctx: &BlockContext, msg: &MarketMsg, authority: &Authority) -> Result<Vec<Event>, TxError> {
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
        _ => crate::handler::execute(&mut state, keepers, ctx, msg).map_err(|e| e.to_tx_error()),
    }
}

/// Deployments and their groups (`agora.deployment.v1`).
#[derive(Debug)]
pub struct DeploymentComponent {
    keepers: Keepers,
    authority: Authority,
}

impl DeploymentComponent {
    pub fn new(keepers: Keepers) -> Self {
        Self { keepers, authority: Authority::default() }
    }
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

    fn export_genesis(&self, state: &dyn StateRead, height: u64) -> Result<DeploymentGenesis, String> {
        crate::genesis::export_deployment(state, height).map_err(|e| e.to_string())
    }

    fn message_types(&self) -> &'static [&'static str] {
        DEPLOYMENT_TYPE_URLS
    }

    fn decode_msg(&self, any: &Any) -> Result<MarketMsg, TxError> {
        decode(any)
    }

    fn execute(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msg: &MarketMsg) -> Result<Vec<Event>, TxError> {
        execute(state, &self.keepers, ctx, msg, &self.authority)
    }

    fn query_services(&self) -> &'static [&'static str] {
        &["agora.deployment.v1.Query"]
    }

    fn query(&self, state: &dyn StateRead, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(&state, &self.keepers, height, path, data)
    }
}

/// Orders, bids, leases and auctions (`agora.market.v1`).
#[derive(Debug)]
pub struct MarketComponent {
    keepers: Keepers,
    authority: Authority,
}

impl MarketComponent {
    pub fn new(keepers: Keepers) -> Self {
        Self { keepers, authority: Authority::default() }
    }
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

    fn export_genesis(&self, state: &dyn StateRead, height: u64) -> Result<MarketGenesis, String> {
        crate::genesis::export_market(state, height).map_err(|e| e.to_string())
    }

    fn end_block(&self, mut state: &mut dyn StateWrite, ctx: &BlockContext, _router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
        end_block(&mut state, &self.keepers, ctx.height).map(EndBlockOutcome::events).map_err(|e| e.to_tx_error())
    }

    fn message_types(&self) -> &'static [&'static str] {
        MARKET_TYPE_URLS
    }

    fn decode_msg(&self, any: &Any) -> Result<MarketMsg, TxError> {
        decode(any)
    }

    fn execute(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msg: &MarketMsg) -> Result<Vec<Event>, TxError> {
        execute(state, &self.keepers, ctx, msg, &self.authority)
    }

    fn query_services(&self) -> &'static [&'static str] {
        &["agora.market.v1.Query"]
    }

    fn query(&self, state: &dyn StateRead, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(&state, &self.keepers, height, path, data)
    }

    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        crate::invariant::check_market(&state, &self.keepers)
    }
}

/// Escrow's hook into the market: a deployment whose account ran dry stops.
#[derive(Debug)]
pub struct MarketEscrowHooks {
    keepers: Keepers,
}

impl MarketEscrowHooks {
    pub fn new(keepers: Keepers) -> Self {
        Self { keepers }
    }
}

impl EscrowHooks for MarketEscrowHooks {
    fn account_overdrawn(&self, mut state: &mut dyn StateWrite, account: &AccountId, ctx: &BlockContext) -> Result<Vec<Event>, TxError> {
        stop_unfunded(&mut state, &self.keepers, account, ctx.height).map_err(|e| e.to_tx_error())
    }
}

/// The market's own block work: auctions due now, then order expiries, each at most
/// `params.max_due_orders_per_block` per block, then the closed orders and deployments whose
/// retention ended, at most `params.max_prunes_per_block` (the rest wait for the next blocks,
/// earliest first). Each entry runs on its own fork: one that fails is reported and dropped,
/// the others go on.
pub fn end_block<S: StateWrite>(state: &mut S, keepers: &Keepers, height: u64) -> Result<Vec<Event>, MarketError> {
    let params = state.market_params()?;
    let budget = usize::try_from(params.max_due_orders_per_block).unwrap_or(usize::MAX);
    let mut events = Vec::new();
    for (queue, work) in [(keys::AUCTION_QUEUE, "auction"), (keys::EXPIRY_QUEUE, "expiry")] {
        for (due, entry) in queue.take_due(state, height, budget)? {
            let done = isolated(state, |fork| {
                let order = OrderId::from_bytes(&entry).ok_or_else(|| MarketError::Internal("corrupt order queue entry".into()))?;
                match work {
                    "auction" => run_auction(fork, keepers, &order, height),
                    _ => expire(fork, keepers, &order, height),
                }
            });
            match done {
                Ok(done) => events.extend(done),
                Err(error) => events.push(entry_failed(state, "market", work, due, &entry, height, &error.to_tx_error())),
            }
        }
    }
    let prune_budget = usize::try_from(params.max_prunes_per_block).unwrap_or(usize::MAX);
    for (due, entry) in keys::PRUNE_QUEUE.take_due(state, height, prune_budget)? {
        if let Err(error) = isolated(state, |fork| prune(fork, keepers, &entry, height)) {
            events.push(entry_failed(state, "market", "prune", due, &entry, height, &error.to_tx_error()));
        }
    }
    Ok(events)
}

/// Deletes a closed order or deployment whose retention ended, with everything under it.
/// Queries at earlier heights still find it.
fn prune<S: StateWrite>(state: &mut S, keepers: &Keepers, entry: &[u8], height: u64) -> Result<(), MarketError> {
    let corrupt = || MarketError::Internal("corrupt pruning entry".into());
    let (&kind, id) = entry.split_first().ok_or_else(corrupt)?;
    match kind {
        keys::PRUNE_ORDER => prune_order(state, keepers, &OrderId::from_bytes(id).ok_or_else(corrupt)?),
        keys::PRUNE_DEPLOYMENT => prune_deployment(state, keepers, &DeploymentId::from_bytes(id).ok_or_else(corrupt)?, height),
        _ => Err(corrupt()),
    }
}

/// A closed order goes with its bids, its lease and the lease's escrow payment, and their
/// index entries: at most `order_max_bids` bids.
fn prune_order<S: StateWrite>(state: &mut S, keepers: &Keepers, id: &OrderId) -> Result<(), MarketError> {
    let Some(order) = state.order(id)? else {
        return Ok(());
    };
    if order.state != mpb::OrderState::Closed as i32 {
        return Err(MarketError::Internal(format!("order {id} is due for pruning but not closed")));
    }
    let mut bids = Vec::new();
    for item in state.prefix_raw(&keys::bids_of_order(id), None) {
        let (_, value) = item?;
        let bid: mpb::Bid = prost::Message::decode(value.as_slice()).map_err(|_| MarketError::Internal(format!("corrupt bid of order {id}")))?;
        bids.push(bid);
    }
    for bid in bids {
        let bid_id = BidId::from_proto("bid.id", bid.id.as_ref())?;
        if [mpb::BidState::Open as i32, mpb::BidState::Active as i32].contains(&bid.state) {
            return Err(MarketError::Internal(format!("bid {bid_id} of closed order {id} is still held")));
        }
        if let Some(lease) = state.lease(&bid_id)? {
            if lease.state == mpb::LeaseState::Active as i32 {
                return Err(MarketError::Internal(format!("lease {bid_id} of closed order {id} is active")));
            }
            state.delete(keys::lease(&bid_id));
            state.delete(keys::provider_lease(&bid_id));
            keepers.escrow.prune_payment(state, &bid_id.deployment().escrow_account(), &bid_id.payment())?;
        }
        state.delete(keys::bid(&bid_id));
        state.delete(keys::provider_bid(&bid_id));
    }
    state.delete(keys::open_order(id));
    state.delete(keys::order(id));
    Ok(())
}

/// A closed deployment goes with its groups and its escrow account, once its orders are gone
/// (they closed with it or before, and are pruned first; after a change of `retention_blocks`
/// some may wait longer, and the deployment waits for them).
fn prune_deployment<S: StateWrite>(state: &mut S, keepers: &Keepers, id: &DeploymentId, height: u64) -> Result<(), MarketError> {
    let Some(deployment) = state.deployment(id)? else {
        return Ok(());
    };
    if deployment.state != dpb::DeploymentState::Closed as i32 {
        return Err(MarketError::Internal(format!("deployment {id} is due for pruning but not closed")));
    }
    if state.prefix_raw(&keys::orders_of_deployment(id), None).next().is_some() {
        return lifecycle::schedule_prune(state, keys::PRUNE_DEPLOYMENT, &id.to_bytes(), height);
    }
    let mut groups = Vec::new();
    for item in state.prefix_raw(&keys::groups_of(id), None) {
        let (key, _) = item?;
        groups.push(key);
    }
    for key in groups {
        state.delete(key);
    }
    keepers.escrow.prune_account(state, &id.escrow_account())?;
    state.delete(keys::deployment(id));
    if id.dseq > state.pruned_dseq(&id.owner)? {
        state.put_raw(keys::pruned_dseq(&id.owner), id.dseq.to_be_bytes().to_vec());
    }
    Ok(())
}

/// A deployment ran out of funds: every open group stops until a deposit restarts it.
fn stop_unfunded<S: StateWrite>(state: &mut S, keepers: &Keepers, account: &AccountId, height: u64) -> Result<Vec<Event>, MarketError> {
    let id = DeploymentId { owner: account.owner, dseq: account.dseq };
    let mut events = Vec::new();
    for group in state.groups(&id)? {
        if group.state != dpb::GroupState::Open as i32 {
            continue;
        }
        let gid = GroupId::from_proto("group.id", group.id.as_ref())?;
        events.extend(lifecycle::stop_group(
            state,
            keepers,
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
/// has room; a bid that cannot be awarded is skipped, and one of a jailed provider closed. With no award, the auction does not run
/// again on its own: the next bid on the order schedules it (see `handler::bid`), so every
/// re-run is paid for by a bid's gas and deposit.
fn run_auction<S: StateWrite>(state: &mut S, keepers: &Keepers, id: &OrderId, height: u64) -> Result<Vec<Event>, MarketError> {
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
    let mut events = Vec::new();
    for (_, bid_id) in ranked {
        // A jailed provider's bid is closed (its deposit returned): it can win nothing.
        if keepers.providers.provider(state, &bid_id.provider)?.is_some_and(|p| agora_provider::penalty::is_jailed(&p)) {
            if let Some(mut bid) = state.bid(&bid_id)? {
                events.extend(lifecycle::end_bid(state, keepers, &bid_id, &mut bid, mpb::BidState::Closed)?);
                order.bid_count = order.bid_count.saturating_sub(1);
            }
            continue;
        }
        // Each attempt runs on a fork, kept only if the award succeeds.
        let mut fork = StateDelta::new(&*state);
        match lifecycle::award(&mut fork, keepers, &bid_id, height, true) {
            Ok(awarded) => {
                let changes = fork.into_changes();
                for (key, value) in changes {
                    match value {
                        Some(value) => state.put_raw(key, value),
                        None => state.delete(key),
                    }
                }
                events.extend(awarded);
                return Ok(events);
            }
            Err(MarketError::Internal(e)) => return Err(MarketError::Internal(e)),
            Err(_) => continue,
        }
    }
    order.auction_height = 0;
    state.put_order(id, &order);
    Ok(events)
}

/// An order that found no lease in time closes; its group pauses until the tenant restarts it.
fn expire<S: StateWrite>(state: &mut S, keepers: &Keepers, id: &OrderId, height: u64) -> Result<Vec<Event>, MarketError> {
    let Some(order) = state.order(id)? else {
        return Ok(Vec::new());
    };
    if order.state != mpb::OrderState::Open as i32 {
        return Ok(Vec::new());
    }
    let mut events = lifecycle::close_open_order(state, keepers, id, "expired", height)?;
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
