//! `provider` (with `audit`) as a component: genesis, the provider and audit messages and
//! query services, and the block hook that completes unbondings.

use agora_component::{entry_failed, invalid_params, isolated, Authority, Component, ComponentMsg, EndBlockOutcome, ModuleAccount, MsgRouter, Wiring};
use agora_proto::provider::v1::ProviderState;
use agora_store::{StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Event, TxError, TypedEvent};
use cosmos_sdk_proto::Any;

use crate::event::ProviderBondReturned;
use crate::keepers::{BankKeeper, NoHooks, ProviderHooks};
use crate::state::{keys, provider_state, ProviderStore};
use crate::msg::TYPE_URLS;
use crate::{bond, GenesisState, ProviderError, ProviderMsg, ProviderRead, MODULE_ACCOUNT};

/// The provider registry and audits, with the bank keeper that moves bonds.
pub struct ProviderComponent {
    bank: Box<dyn BankKeeper>,
    hooks: Box<dyn ProviderHooks>,
    authority: Authority,
}

impl ProviderComponent {
    pub fn new(bank: impl BankKeeper + 'static) -> Self {
        Self { bank: Box::new(bank), hooks: Box::new(NoHooks), authority: Authority::default() }
    }

    /// Modules to tell when a provider's capacity changes.
    pub fn with_hooks(mut self, hooks: impl ProviderHooks + 'static) -> Self {
        self.hooks = Box::new(hooks);
        self
    }
}

impl ComponentMsg for ProviderMsg {
    fn type_url(&self) -> &str {
        ProviderMsg::type_url(self)
    }

    fn module(&self) -> &'static str {
        match self {
            Self::SignProviderAttributes(_) | Self::DeleteProviderAttributes(_) => "audit",
            _ => "provider",
        }
    }

    fn signers(&self) -> Vec<Address> {
        ProviderMsg::signers(self)
    }
}

impl Component for ProviderComponent {
    type Msg = ProviderMsg;
    type Genesis = GenesisState;

    fn name(&self) -> &'static str {
        "provider"
    }

    fn module_accounts(&self) -> Vec<ModuleAccount> {
        vec![ModuleAccount::new(MODULE_ACCOUNT)]
    }

    fn wire(&mut self, wiring: &Wiring) {
        self.authority = wiring.authority;
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

    fn end_block(&self, mut state: &mut dyn StateWrite, ctx: &BlockContext, _router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
        end_block(&mut state, self.bank.as_ref(), self.hooks.as_ref(), ctx).map(EndBlockOutcome::events).map_err(|e| e.to_tx_error())
    }

    fn message_types(&self) -> &'static [&'static str] {
        TYPE_URLS
    }

    fn decode_msg(&self, any: &Any) -> Result<ProviderMsg, TxError> {
        ProviderMsg::from_any(any)
            .unwrap_or_else(|| Err(ProviderError::Decode { type_url: any.type_url.clone(), reason: "not a provider or audit message".into() }))
            .map_err(|e| e.to_tx_error())
    }

    fn execute(&self, mut state: &mut dyn StateWrite, ctx: &BlockContext, msg: &ProviderMsg) -> Result<Vec<Event>, TxError> {
        if let ProviderMsg::UpdateParams { authority, params } = msg {
            self.authority.check(authority)?;
            params.validate().map_err(|e| invalid_params("provider", e))?;
            state.put_provider_params(params);
            return Ok(Vec::new());
        }
        if let ProviderMsg::DeleteProvider(m) = msg {
            self.hooks.may_unbond(state, &m.owner).map_err(|e| e.to_tx_error())?;
        }
        let mut events = crate::handler::execute(&mut state, self.bank.as_ref(), ctx, msg).map_err(|e| e.to_tx_error())?;
        let changed = match msg {
            ProviderMsg::CreateProvider(m) => Some(m.owner),
            ProviderMsg::UpdateProvider(m) => Some(m.owner),
            ProviderMsg::DeleteProvider(m) => Some(m.owner),
            ProviderMsg::DepositBond(m) => Some(m.owner),
            _ => None,
        };
        if let Some(owner) = changed {
            events.extend(self.hooks.provider_changed(state, &owner, ctx.height).map_err(|e| e.to_tx_error())?);
        }
        Ok(events)
    }

    /// The module account holds exactly the bonds recorded on the providers, per denom.
    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        let mut bonds = agora_types::Coins::new();
        for provider in state.all_providers().map_err(|e| e.to_string())? {
            let bond = crate::bond::recorded(&provider).map_err(|e| e.to_string())?;
            bonds.add(&bond).map_err(|e| e.to_string())?;
        }
        let mut denoms: Vec<agora_types::Denom> = bonds.iter().map(|c| c.denom).collect();
        let min = state.provider_params().map_err(|e| e.to_string())?.min_bond.denom;
        if !denoms.contains(&min) {
            denoms.push(min);
        }
        for denom in denoms {
            let held = self.bank.balance(state, &crate::module_address(), &denom).map_err(|e| e.to_string())?;
            if held != bonds.amount_of(&denom) {
                return Err(format!("the provider module account holds {held}{denom}, but the providers' bonds add up to {}{denom}", bonds.amount_of(&denom)));
            }
        }
        Ok(())
    }

    fn query_services(&self) -> &'static [&'static str] {
        &["agora.provider.v1.Query", "agora.audit.v1.Query"]
    }

    fn query(&self, state: &dyn StateRead, _height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(&state, path, data)
    }
}

/// Finishes the unbondings due at or before `ctx.height`, at most
/// `params.max_unbondings_per_block` of them (the rest wait for the next blocks, oldest
/// first): returns each bond to its owner and removes the provider record and its index entry.
/// The index is a height queue, so a block costs what is due in it, not what is pending. Each
/// unbonding runs on its own fork: one that fails is reported and dropped, the others go on.
/// Audited records of a removed provider stay: they belong to their auditors. The `hooks` hear
/// of each provider that left.
pub fn end_block<S: StateWrite>(state: &mut S, bank: &dyn BankKeeper, hooks: &dyn ProviderHooks, ctx: &BlockContext) -> Result<Vec<Event>, ProviderError> {
    let budget = usize::try_from(state.provider_params()?.max_unbondings_per_block).unwrap_or(usize::MAX);
    let mut events = Vec::new();
    for (height, owner) in keys::UNBONDING_QUEUE.take_due(state, ctx.height, budget)? {
        match isolated(state, |fork| complete_unbonding(fork, bank, hooks, &owner, height, ctx.height)) {
            Ok(done) => events.extend(done),
            Err(error) => events.push(entry_failed(state, "provider", "unbonding", height, &owner, ctx.height, &error.to_tx_error())),
        }
    }
    Ok(events)
}

/// Returns one provider's bond, if the unbonding that wrote this index entry is still on.
fn complete_unbonding<S: StateWrite>(state: &mut S, bank: &dyn BankKeeper, hooks: &dyn ProviderHooks, owner: &[u8], height: u64, now: u64) -> Result<Vec<Event>, ProviderError> {
    let owner = Address::from_slice(owner).map_err(|_| ProviderError::Internal(format!("corrupt unbonding index entry {owner:?}")))?;
    let Some(provider) = state.provider(&owner)? else {
        return Ok(Vec::new());
    };
    if provider_state(&provider) != ProviderState::Unbonding || provider.unbonding_height != height {
        return Ok(Vec::new());
    }
    let amount = bond::recorded(&provider)?;
    let mut events = bond::release(state, bank, &owner, &amount)?;
    if provider.tombstoned {
        // Proven fraud stays on record: the owner never registers again.
        let mut provider = provider;
        provider.bond = Some(agora_types::Coin::new(amount.denom.clone(), 0).to_proto());
        state.put_provider(&owner, &provider);
    } else {
        state.delete_provider(&owner);
    }
    events.push(ProviderBondReturned { owner: &owner, amount: &amount }.to_event());
    // The followers hear of it on their own fork: their failure (a bug) is reported and
    // parked, and never undoes the bond's return.
    match isolated(state, |fork| hooks.provider_changed(fork, &owner, now)) {
        Ok(done) => events.extend(done),
        Err(error) => events.push(entry_failed(state, "provider", "unbonded_hooks", height, owner.as_bytes().as_slice(), now, &error.to_tx_error())),
    }
    Ok(events)
}
