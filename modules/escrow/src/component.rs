//! `escrow` as a component: genesis, the `agora.escrow.v1.Query` service, the escrow
//! invariant, and the block hook. There is no per-block scan of leases: the depletion index
//! holds each open account under the last height its funds pay for, so `end_block` reads only
//! the entries due now (a single point read when none is). A block's cost depends on what
//! happens in it, not on how many leases exist.

use agora_component::{Authority, Component, ComponentMsg, EndBlockOutcome, ModuleAccount, MsgRouter, Wiring};
use agora_store::{StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::account::AccountId;
use crate::msg::{EscrowMsg, MSG_UPDATE_PARAMS_URL};
use crate::state::{keys, EscrowWrite};
use crate::{EscrowError, GenesisState, COMMUNITY_POOL, ESCROW_MODULE};

/// What escrow tells the module that spends an account (the market) when the account's
/// funds run out; wired by the application.
pub trait EscrowHooks: Send + Sync + 'static {
    /// `account` ran dry at `ctx.height`: its payments are settled and closed as overdrawn;
    /// the spender stops what the account paid for.
    fn account_overdrawn(&self, state: &mut dyn StateWrite, account: &AccountId, ctx: &BlockContext) -> Result<Vec<Event>, TxError>;
}

/// Escrow accounts and payments, with the hook it calls when an account runs dry.
pub struct EscrowComponent {
    hooks: Box<dyn EscrowHooks>,
    authority: Authority,
}

impl EscrowComponent {
    pub fn new(hooks: impl EscrowHooks) -> Self {
        Self { hooks: Box::new(hooks), authority: Authority::default() }
    }
}

impl ComponentMsg for EscrowMsg {
    fn type_url(&self) -> &str {
        MSG_UPDATE_PARAMS_URL
    }

    fn module(&self) -> &'static str {
        "escrow"
    }

    fn signers(&self) -> Vec<Address> {
        match self {
            Self::UpdateParams { authority, .. } => vec![*authority],
        }
    }
}

impl Component for EscrowComponent {
    type Msg = EscrowMsg;
    type Genesis = GenesisState;

    fn name(&self) -> &'static str {
        "escrow"
    }

    fn module_accounts(&self) -> Vec<ModuleAccount> {
        vec![ModuleAccount::new(ESCROW_MODULE), ModuleAccount::new(COMMUNITY_POOL)]
    }

    fn wire(&mut self, wiring: &Wiring) {
        self.authority = wiring.authority;
    }

    fn message_types(&self) -> &'static [&'static str] {
        &[MSG_UPDATE_PARAMS_URL]
    }

    fn decode_msg(&self, any: &Any) -> Result<EscrowMsg, TxError> {
        agora_proto::escrow::v1::MsgUpdateParams::decode(any.value.as_slice())
            .map_err(|e| TxError::new("sdk", 2, format!("cannot decode {}: {e}", any.type_url)))?
            .try_into()
    }

    fn execute(&self, state: &mut dyn StateWrite, _ctx: &BlockContext, msg: &EscrowMsg) -> Result<Vec<Event>, TxError> {
        match msg {
            EscrowMsg::UpdateParams { authority, params } => {
                self.authority.check(authority)?;
                params.validate().map_err(|e| e.to_tx_error())?;
                state.put_escrow_params(params);
                Ok(Vec::new())
            }
        }
    }

    fn validate_genesis(&self, genesis: &GenesisState) -> Result<(), String> {
        genesis.validate().map_err(|e| e.to_string())
    }

    fn init_genesis(&self, mut state: &mut dyn StateWrite, genesis: &GenesisState) -> Result<(), String> {
        genesis.apply(&mut state).map_err(|e| e.to_string())
    }

    fn end_block(&self, mut state: &mut dyn StateWrite, ctx: &BlockContext, _router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
        let settled = settle_depleted(&mut state, ctx.height).map_err(|e| e.to_tx_error())?;
        let mut events = settled.events;
        for account in &settled.overdrawn {
            events.extend(self.hooks.account_overdrawn(state, account, ctx)?);
        }
        Ok(EndBlockOutcome::events(events))
    }

    fn query_services(&self) -> &'static [&'static str] {
        &["agora.escrow.v1.Query"]
    }

    fn query(&self, state: &dyn StateRead, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(&state, height, path, data)
    }

    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        crate::invariant::check_escrow(&state)
    }
}

/// What [`settle_depleted`] did: accounts that ran dry and events.
#[derive(Debug, Default)]
pub struct Settled {
    pub overdrawn: Vec<AccountId>,
    pub events: Vec<Event>,
}

/// Settles every account whose funds run out by `height`: one that ran dry is marked
/// overdrawn, one that got a deposit meanwhile is indexed again.
pub fn settle_depleted<S: StateWrite>(state: &mut S, height: u64) -> Result<Settled, EscrowError> {
    let mut outcome = Settled::default();
    for (at, suffix) in keys::DEPLETION_QUEUE.take_due(state, height)? {
        let id = keys::parse_account_suffix(&suffix).ok_or_else(|| EscrowError::Internal("corrupt depletion key".into()))?;
        let mut loaded = state.settle_to(&id, height)?;
        // Its index entry was just taken: storing the account indexes it again if it lasts.
        if loaded.indexed_at == Some(at) {
            loaded.indexed_at = None;
        }
        if loaded.account.is_exhausted() {
            outcome.events.push(state.mark_overdrawn(&mut loaded)?);
            outcome.overdrawn.push(id);
        } else {
            state.store_account(&loaded)?;
        }
    }
    Ok(outcome)
}
