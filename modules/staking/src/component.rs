//! `staking` as a component: its messages, the `cosmos.staking.v1beta1.Query` service,
//! genesis (the validators of gentxs bonded before block 1), header tracking at the start of
//! each block, and the active set and matured queues at its end.

use agora_component::{Authority, Component, ComponentMsg, EndBlockOutcome, ModuleAccount, MsgRouter, ValidatorKey, ValidatorUpdate, Wiring};
use agora_store::{StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::Any;

use crate::handler::Env;
use crate::hooks::StakingHooks;
use crate::keepers::BankKeeper;
use crate::msg::{StakingMsg, MESSAGE_TYPES};
use crate::{block, historical, GenesisState, StakingRead, BONDED_POOL, NOT_BONDED_POOL};

pub struct StakingComponent {
    bank: Box<dyn BankKeeper>,
    hooks: Box<dyn StakingHooks>,
    authority: Authority,
}

impl StakingComponent {
    pub fn new(bank: impl BankKeeper + 'static) -> Self {
        Self { bank: Box::new(bank), hooks: Box::new(()), authority: Authority::default() }
    }

    /// The modules that follow stake (distribution, slashing), told of every change.
    pub fn with_hooks(mut self, hooks: impl StakingHooks) -> Self {
        self.hooks = Box::new(hooks);
        self
    }

    fn env<'a>(&'a self, state: &dyn StateRead, ctx: &'a BlockContext) -> Result<Env<'a>, TxError> {
        Ok(Env { bank: self.bank.as_ref(), hooks: self.hooks.as_ref(), ctx, params: state.staking_params()? })
    }
}

impl ComponentMsg for StakingMsg {
    fn type_url(&self) -> &str {
        StakingMsg::type_url(self)
    }

    fn module(&self) -> &'static str {
        "staking"
    }

    fn signers(&self) -> Vec<Address> {
        StakingMsg::signers(self)
    }
}

impl Component for StakingComponent {
    type Msg = StakingMsg;
    type Genesis = GenesisState;

    fn name(&self) -> &'static str {
        "staking"
    }

    fn module_accounts(&self) -> Vec<ModuleAccount> {
        vec![ModuleAccount::new(BONDED_POOL).burner(), ModuleAccount::new(NOT_BONDED_POOL).burner()]
    }

    fn wire(&mut self, wiring: &Wiring) {
        self.authority = wiring.authority;
    }

    fn validate_genesis(&self, genesis: &GenesisState) -> Result<(), String> {
        genesis.validate().map_err(|e| e.to_string())
    }

    fn init_genesis(&self, state: &mut dyn StateWrite, genesis: &GenesisState) -> Result<(), String> {
        genesis.apply(state).map_err(|e| e.to_string())
    }

    fn export_genesis(&self, state: &dyn StateRead, height: u64) -> Result<GenesisState, String> {
        GenesisState::export(state, height).map_err(|e| e.to_string())
    }

    /// Bonds the top validators (those of the gentxs, or of an exported state) and answers
    /// `InitChain` with the whole set.
    fn genesis_validators(&self, state: &mut dyn StateWrite, ctx: &BlockContext) -> Result<Vec<ValidatorUpdate>, String> {
        let env = self.env(state, ctx).map_err(|e| e.log)?;
        block::apply_validator_set_updates(state, &env).map_err(|e| e.log)?;
        historical::snapshot_valset(state, 1, env.params.historical_entries).map_err(|e| e.to_string())?;
        let mut set = Vec::new();
        for (operator, power) in state.last_powers().map_err(|e| e.to_string())? {
            let validator = state.validator(&operator).map_err(|e| e.to_string())?.ok_or("active-set member without a record")?;
            set.push(ValidatorUpdate { key: ValidatorKey::Ed25519(validator.consensus_key), power });
        }
        Ok(set)
    }

    fn begin_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext) -> Result<Vec<Event>, TxError> {
        let entries = state.staking_params()?.historical_entries;
        historical::track(state, ctx, entries);
        Ok(Vec::new())
    }

    fn end_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext, _router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
        let env = self.env(state, ctx)?;
        // The set update runs on its own fork: if it fails, the matured queues still move.
        let (validator_updates, mut events) = match agora_component::isolated(state, |fork| {
            let (updates, events) = block::apply_validator_set_updates(fork, &env)?;
            if !updates.is_empty() {
                historical::snapshot_valset(fork, ctx.height.saturating_add(1), env.params.historical_entries)?;
            }
            Ok::<_, TxError>((updates, events))
        }) {
            Ok(done) => done,
            Err(error) => (
                Vec::new(),
                vec![Event::new("end_block_entry_error").attr("module", "staking").attr("work", "validator_set").attr("error", &error.log)],
            ),
        };
        events.extend(block::unbond_mature_validators(state, &env)?);
        events.extend(block::complete_unbondings(state, &env)?);
        events.extend(block::complete_redelegations(state, &env)?);
        Ok(EndBlockOutcome { events, validator_updates, consensus_param_updates: None })
    }

    fn message_types(&self) -> &'static [&'static str] {
        MESSAGE_TYPES
    }

    fn decode_msg(&self, any: &Any) -> Result<StakingMsg, TxError> {
        StakingMsg::decode(any).map_err(|e| e.to_tx_error())
    }

    fn execute(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msg: &StakingMsg) -> Result<Vec<Event>, TxError> {
        if let StakingMsg::UpdateParams { authority, .. } = msg {
            self.authority.check(authority)?;
        }
        let env = self.env(state, ctx)?;
        crate::handler::execute(state, &env, msg)
    }

    fn query_services(&self) -> &'static [&'static str] {
        &[crate::query::SERVICE]
    }

    fn query(&self, state: &dyn StateRead, _height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(state, self.bank.as_ref(), path, data)
    }

    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        crate::invariant::check(state, self.bank.as_ref())
    }
}
