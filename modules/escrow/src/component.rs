//! `escrow` as a component: genesis, the `agora.escrow.v1.Query` service, the escrow
//! invariant, and the block hook. There is no per-block scan of leases: the depletion index
//! holds each open account under the last height its funds pay for, so `end_block` reads only
//! the entries due now (a single point read when none is). A block's cost depends on what
//! happens in it, not on how many leases exist.

use agora_component::{entry_failed, isolated, Authority, Component, ComponentMsg, EndBlockOutcome, ModuleAccount, MsgRouter, Wiring};
use agora_store::{StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::account::AccountId;
use crate::keepers::BankKeeper;
use crate::msg::{EscrowMsg, MSG_UPDATE_PARAMS_URL};
use crate::state::{keys, EscrowRead, EscrowRecords};
use crate::{EscrowError, GenesisState, ESCROW_MODULE};

/// What escrow tells the module that spends an account (the market) when the account's
/// funds run out; wired by the application.
pub trait EscrowHooks: Send + Sync + 'static {
    /// `account` ran dry at `ctx.height`: its payments are settled and closed as overdrawn;
    /// the spender stops what the account paid for.
    fn account_overdrawn(&self, state: &mut dyn StateWrite, account: &AccountId, ctx: &BlockContext) -> Result<Vec<Event>, TxError>;
}

/// Escrow accounts and payments, with the hook it calls when an account runs dry and the
/// bank keeper its invariant reads the module balance through.
pub struct EscrowComponent {
    hooks: Box<dyn EscrowHooks>,
    bank: Box<dyn BankKeeper>,
    authority: Authority,
}

impl EscrowComponent {
    pub fn new(hooks: impl EscrowHooks, bank: impl BankKeeper + 'static) -> Self {
        Self { hooks: Box::new(hooks), bank: Box::new(bank), authority: Authority::default() }
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
        // The community pool it pays the take into is distribution's.
        vec![ModuleAccount::new(ESCROW_MODULE)]
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

    fn execute(&self, mut state: &mut dyn StateWrite, _ctx: &BlockContext, msg: &EscrowMsg) -> Result<Vec<Event>, TxError> {
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

    fn export_genesis(&self, state: &dyn StateRead, height: u64) -> Result<GenesisState, String> {
        GenesisState::export(state, height).map_err(|e| e.to_string())
    }

    /// Settles the accounts whose funds run out by this height, at most
    /// `params.max_depletions_per_block` of them (the rest wait for the next blocks, earliest
    /// first). Each account, with what its spender does when it ran dry, runs on its own fork:
    /// one that fails is reported and dropped, the others go on.
    fn end_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext, _router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
        let budget = state.escrow_params().map_err(|e| e.to_tx_error())?.max_depletions_per_block;
        let due = keys::DEPLETION_QUEUE
            .take_due(state, ctx.height, usize::try_from(budget).unwrap_or(usize::MAX))
            .map_err(TxError::internal)?;
        let mut events = Vec::new();
        for (at, suffix) in due {
            let settled = isolated(state, |fork| -> Result<Vec<Event>, TxError> {
                let id = keys::parse_account_suffix(&suffix)
                    .ok_or_else(|| EscrowError::Internal("corrupt depletion key".into()).to_tx_error())?;
                let mut events = Vec::new();
                if let Some(event) = settle_due(fork, &id, at, ctx.height).map_err(|e| e.to_tx_error())? {
                    events.push(event);
                    events.extend(self.hooks.account_overdrawn(fork, &id, ctx)?);
                }
                Ok(events)
            });
            match settled {
                Ok(done) => events.extend(done),
                Err(error) => events.push(entry_failed(state, "escrow", "depletion", at, &suffix, ctx.height, &error)),
            }
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
        crate::invariant::check_escrow(state, self.bank.as_ref())
    }
}

/// Settles one account whose depletion entry (at height `at`) fell due: if it ran dry it is
/// marked overdrawn and the event of that is returned; one that got a deposit meanwhile is
/// indexed again.
pub fn settle_due<S: StateWrite>(state: &mut S, id: &AccountId, at: u64, height: u64) -> Result<Option<Event>, EscrowError> {
    let mut loaded = state.settle_to(id, height)?;
    // Its index entry was just taken: storing the account indexes it again if it lasts.
    if loaded.indexed_at == Some(at) {
        loaded.indexed_at = None;
    }
    if loaded.account.is_exhausted() {
        return Ok(Some(state.mark_overdrawn(&mut loaded)?));
    }
    state.store_account(&loaded)?;
    Ok(None)
}
