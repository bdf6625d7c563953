//! The ordered list of components the application is made of, and everything derived from
//! it: the message router, the query router, genesis sections and block hooks.

use std::collections::BTreeMap;

use agora_genesis::AppState;
use agora_store::{Key, StateDelta, StateRead, StateWrite};
use agora_types::{Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::Any;

use crate::authority::{Authority, MsgRouter};
use crate::component::{CheckTxScope, Component, ModuleAccount, Wiring};
use crate::erased::{AnyComponent, AnyMsg};
use crate::outcome::{BlockHooksOutcome, ValidatorUpdate};

/// A mistake in how the application was put together (found when the node starts), or a
/// genesis the components refuse.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RegistryError {
    #[error("two components are named {0:?}")]
    DuplicateComponent(&'static str),
    #[error("message {type_url} is registered by both {first} and {second}")]
    DuplicateMessage { type_url: &'static str, first: &'static str, second: &'static str },
    #[error("query service {service} is registered by both {first} and {second}")]
    DuplicateService { service: &'static str, first: &'static str, second: &'static str },
    #[error("module account {0:?} is declared twice")]
    DuplicateModuleAccount(&'static str),
    #[error("genesis section {0:?} belongs to no module of this chain")]
    UnknownGenesisSection(String),
    #[error("invalid genesis section {section}: {message}")]
    InvalidGenesis { section: &'static str, message: String },
}

/// Each module's consensus version, by name (the Cosmos SDK's `VersionMap`).
pub type VersionMap = BTreeMap<String, u64>;

/// A message decoded by the component that will execute it.
#[derive(Debug)]
pub struct RoutedMsg {
    component: usize,
    msg: Box<dyn AnyMsg>,
}

impl RoutedMsg {
    pub fn type_url(&self) -> &str {
        self.msg.type_url()
    }

    pub fn module(&self) -> &'static str {
        self.msg.module()
    }

    pub fn signers(&self) -> Vec<Address> {
        self.msg.signers()
    }

    pub fn read_hints(&self) -> Box<dyn Iterator<Item = Key> + '_> {
        self.msg.read_hints()
    }
}

/// The application's components, in the order their genesis and block hooks run.
pub struct Components {
    list: Vec<Box<dyn AnyComponent>>,
    messages: BTreeMap<&'static str, usize>,
    services: BTreeMap<&'static str, usize>,
    module_accounts: Vec<ModuleAccount>,
    /// Each component's own accounts within `module_accounts` (those its router may act as),
    /// found once at build rather than on every message.
    accounts_of: Vec<std::ops::Range<usize>>,
}

/// Adds components to a list ([`Components::builder`]).
#[derive(Default)]
pub struct ComponentsBuilder {
    list: Vec<Box<dyn AnyComponent>>,
    authority: Authority,
}

impl ComponentsBuilder {
    /// The account that may change parameters (default: the governance module account).
    pub fn authority(mut self, authority: Authority) -> Self {
        self.authority = authority;
        self
    }

    pub fn with(mut self, component: impl Component) -> Self {
        self.list.push(Box::new(component));
        self
    }

    /// Checks that names, message types, services and module accounts are each registered
    /// once, then wires every component.
    pub fn build(self) -> Result<Components, RegistryError> {
        let mut list = self.list;
        let mut names = Vec::new();
        let mut messages = BTreeMap::new();
        let mut services = BTreeMap::new();
        let mut module_accounts: Vec<ModuleAccount> = Vec::new();
        let mut accounts_of = Vec::new();
        for (index, component) in list.iter().enumerate() {
            let name = component.name();
            if names.contains(&name) {
                return Err(RegistryError::DuplicateComponent(name));
            }
            names.push(name);
            for &type_url in component.message_types() {
                if let Some(first) = messages.insert(type_url, index) {
                    return Err(RegistryError::DuplicateMessage { type_url, first: names[first], second: name });
                }
            }
            for &service in component.query_services() {
                if let Some(first) = services.insert(service, index) {
                    return Err(RegistryError::DuplicateService { service, first: names[first], second: name });
                }
            }
            let start = module_accounts.len();
            for account in component.module_accounts() {
                if module_accounts.iter().any(|a| a.name == account.name) {
                    return Err(RegistryError::DuplicateModuleAccount(account.name));
                }
                module_accounts.push(account);
            }
            accounts_of.push(start..module_accounts.len());
        }
        let module_versions = list.iter().map(|c| (c.name(), c.consensus_version())).collect();
        let wiring = Wiring { module_accounts: module_accounts.clone(), authority: self.authority, module_versions };
        for component in &mut list {
            component.wire(&wiring);
        }
        Ok(Components { list, messages, services, module_accounts, accounts_of })
    }
}

impl Components {
    pub fn builder() -> ComponentsBuilder {
        ComponentsBuilder::default()
    }

    /// Component names, in order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.list.iter().map(|c| c.name())
    }

    /// Every component's consensus version, by name: what a chain started by this binary
    /// records (the Cosmos SDK's version map).
    pub fn version_map(&self) -> VersionMap {
        self.list.iter().map(|c| (c.name().to_string(), c.consensus_version())).collect()
    }

    /// Brings every component from the versions in `from` (the chain's record) to this
    /// binary's, in component order: each step of [`Component::migrate`] in turn, each
    /// component on its own fork kept only if all of its steps succeed. A component `from`
    /// does not name is new to the chain and starts from its default genesis section. Returns
    /// the new version map; an error names the component and stops the upgrade. Then every
    /// component's [`Component::after_upgrade`] (a new module's accounts and permissions).
    pub fn run_migrations(&self, state: &mut dyn StateWrite, ctx: &BlockContext, from: &VersionMap) -> Result<VersionMap, String> {
        for component in &self.list {
            let name = component.name();
            let current = component.consensus_version();
            let migrated = crate::isolated(state, |fork| match from.get(name) {
                Some(&recorded) if recorded > current => Err(format!(
                    "{name} is at version {recorded} on chain, newer than this binary's {current}: wrong binary"
                )),
                Some(&recorded) => (recorded..current).try_for_each(|step| component.migrate(fork, ctx, step)),
                None => {
                    let section = component.default_genesis()?;
                    component.init_genesis(fork, &section)
                }
            });
            migrated.map_err(|e| format!("migrating {name}: {e}"))?;
        }
        for component in &self.list {
            component.after_upgrade(state).map_err(|e| format!("{} after the upgrade: {e}", component.name()))?;
        }
        Ok(self.version_map())
    }

    /// Every query service (`package.Service`), for the gRPC server.
    pub fn query_services(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.services.keys().copied()
    }

    pub fn module_accounts(&self) -> &[ModuleAccount] {
        &self.module_accounts
    }

    /// Decodes a message with the component registered for its type URL.
    pub fn decode_msg(&self, any: &Any) -> Result<RoutedMsg, TxError> {
        let index = *self
            .messages
            .get(any.type_url.as_str())
            .ok_or_else(|| TxError::new("sdk", 6, format!("unrecognized message type: {:?}", any.type_url)))?;
        let msg = self.list[index].decode_msg(any)?;
        Ok(RoutedMsg { component: index, msg })
    }

    /// Executes a message with the component that decoded it.
    pub fn execute(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msg: &RoutedMsg) -> Result<Vec<Event>, TxError> {
        let component = self
            .list
            .get(msg.component)
            .ok_or_else(|| TxError::internal("message routed to a component that does not exist"))?;
        let router = self.router_of(msg.component);
        component.execute(state, ctx, msg.msg.as_ref(), &router)
    }

    /// `CheckTx`'s look at a transaction's messages: each component that decoded some of them
    /// sees its own, in order, components in the order their first message comes.
    pub fn check_tx(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msgs: &[RoutedMsg], recheck: bool) -> Result<(), TxError> {
        let mut seen: Vec<usize> = Vec::new();
        for msg in msgs {
            if seen.contains(&msg.component) {
                continue;
            }
            seen.push(msg.component);
            let component = self
                .list
                .get(msg.component)
                .ok_or_else(|| TxError::internal("message routed to a component that does not exist"))?;
            let own: Vec<&dyn AnyMsg> = msgs.iter().filter(|m| m.component == msg.component).map(|m| m.msg.as_ref()).collect();
            let scope = CheckTxScope { recheck, other_messages: own.len() < msgs.len() };
            component.check_tx(state, ctx, &own, scope)?;
        }
        Ok(())
    }

    /// Answers a query path `/<package.Service>/<Method>` with the component serving it.
    pub fn query(&self, state: &dyn StateRead, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        let (service, _method) = path.strip_prefix('/')?.rsplit_once('/')?;
        let index = *self.services.get(service)?;
        self.list[index].query(state, height, path, data)
    }

    /// The genesis of a new chain: every component's default section.
    pub fn default_genesis(&self) -> Result<AppState, RegistryError> {
        let mut app_state = AppState::default();
        for component in &self.list {
            let section = component
                .default_genesis()
                .map_err(|message| RegistryError::InvalidGenesis { section: component.name(), message })?;
            app_state.set_raw(component.name(), section);
        }
        Ok(app_state)
    }

    /// Validates every section (a missing one is the component's default) and refuses
    /// sections no component owns, so a typo does not pass silently.
    pub fn validate_genesis(&self, app_state: &AppState) -> Result<(), RegistryError> {
        self.refuse_unknown_sections(app_state)?;
        for component in &self.list {
            let section = self.section(component.as_ref(), app_state)?;
            component
                .validate_genesis(&section)
                .map_err(|message| RegistryError::InvalidGenesis { section: component.name(), message })?;
        }
        Ok(())
    }

    /// Validates the whole genesis, then writes each section in component order and runs
    /// every component's `finish_genesis`. The application delivers the genesis transactions
    /// (gentxs) after this, then calls [`Components::complete_genesis`].
    pub fn init_genesis_sections(&self, state: &mut dyn StateWrite, app_state: &AppState) -> Result<(), RegistryError> {
        self.validate_genesis(app_state)?;
        for component in &self.list {
            let section = self.section(component.as_ref(), app_state)?;
            component
                .init_genesis(state, &section)
                .map_err(|message| RegistryError::InvalidGenesis { section: component.name(), message })?;
        }
        for component in &self.list {
            component
                .finish_genesis(state)
                .map_err(|message| RegistryError::InvalidGenesis { section: component.name(), message })?;
        }
        Ok(())
    }

    /// Asks every component for the validators it starts the chain with (staking bonds its
    /// validators here), then checks every invariant; returns the set for `InitChain`'s
    /// answer (empty: `genesis.json`'s own).
    pub fn complete_genesis(&self, state: &mut dyn StateWrite, ctx: &BlockContext) -> Result<Vec<ValidatorUpdate>, RegistryError> {
        let mut validators = BlockHooksOutcome::default();
        for component in &self.list {
            let updates = component
                .genesis_validators(state, ctx)
                .map_err(|message| RegistryError::InvalidGenesis { section: component.name(), message })?;
            validators.absorb(crate::EndBlockOutcome { validator_updates: updates, ..Default::default() });
        }
        // An imported state (an export) must be one the chain could have reached: funds where
        // the records say, capacity not oversubscribed.
        for component in &self.list {
            component
                .check_invariants(&*state)
                .map_err(|message| RegistryError::InvalidGenesis { section: component.name(), message: format!("invariant broken: {message}") })?;
        }
        Ok(validators.validator_updates)
    }

    /// [`Components::init_genesis_sections`] then [`Components::complete_genesis`], for a
    /// genesis without transactions.
    pub fn init_genesis(&self, state: &mut dyn StateWrite, app_state: &AppState, ctx: &BlockContext) -> Result<Vec<ValidatorUpdate>, RegistryError> {
        self.init_genesis_sections(state, app_state)?;
        self.complete_genesis(state, ctx)
    }

    /// Every component's state as of the committed `height` (which `state` reads) as its
    /// genesis section, heights rebased for a new chain whose block 1 follows it:
    /// `init_genesis` of the result on an empty store continues that state.
    pub fn export_genesis(&self, state: &dyn StateRead, height: u64) -> Result<AppState, RegistryError> {
        let mut app_state = AppState::default();
        for component in &self.list {
            let section = component
                .export_genesis(state, height)
                .map_err(|message| RegistryError::InvalidGenesis { section: component.name(), message })?;
            app_state.set_raw(component.name(), section);
        }
        Ok(app_state)
    }

    fn refuse_unknown_sections(&self, app_state: &AppState) -> Result<(), RegistryError> {
        match app_state.section_names().find(|name| !self.list.iter().any(|c| c.name() == *name)) {
            Some(unknown) => Err(RegistryError::UnknownGenesisSection(unknown.to_string())),
            None => Ok(()),
        }
    }

    fn section(&self, component: &dyn AnyComponent, app_state: &AppState) -> Result<serde_json::Value, RegistryError> {
        match app_state.raw(component.name()) {
            Some(section) => Ok(section.clone()),
            None => component
                .default_genesis()
                .map_err(|message| RegistryError::InvalidGenesis { section: component.name(), message }),
        }
    }

    /// Every component's `begin_block`, each on its own fork (see [`Self::end_block`]).
    pub fn begin_block<S: StateRead>(&self, block: &mut StateDelta<S>, ctx: &BlockContext) -> Vec<Event> {
        let mut events = Vec::new();
        for component in &self.list {
            let mut fork = StateDelta::new(&*block);
            match component.begin_block(&mut fork, ctx) {
                Ok(hook_events) => {
                    let changes = fork.into_changes();
                    block.apply(changes);
                    events.extend(hook_events);
                }
                Err(error) => events.push(hook_failed("begin_block", component.name(), ctx, &error)),
            }
        }
        events
    }

    /// Every component's `end_block`, in order, each on its own fork: a hook that fails (a
    /// bug, never bad input) leaves state as it was and reports an `end_block_error` event
    /// instead of halting the chain. Every node fails the same way, so consensus holds.
    pub fn end_block<S: StateRead>(&self, block: &mut StateDelta<S>, ctx: &BlockContext) -> BlockHooksOutcome {
        let mut outcome = BlockHooksOutcome::default();
        for (index, component) in self.list.iter().enumerate() {
            let mut fork = StateDelta::new(&*block);
            let router = self.router_of(index);
            match component.end_block(&mut fork, ctx, &router) {
                Ok(hook_outcome) => {
                    let changes = fork.into_changes();
                    block.apply(changes);
                    outcome.absorb(hook_outcome);
                }
                Err(error) => outcome.events.push(hook_failed("end_block", component.name(), ctx, &error)),
            }
        }
        outcome
    }

    /// The router component `index` executes through: as its own module accounts only.
    fn router_of(&self, index: usize) -> ScopedRouter<'_> {
        let accounts = self.accounts_of.get(index).and_then(|range| self.module_accounts.get(range.clone())).unwrap_or(&[]);
        ScopedRouter { components: self, module_accounts: accounts }
    }

    /// Every component's invariants; the error names the component.
    pub fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        for component in &self.list {
            component.check_invariants(state).map_err(|e| format!("{}: {e}", component.name()))?;
        }
        Ok(())
    }
}

/// The router one component's `end_block` gets: it executes messages only as that
/// component's own module accounts (governance, as the `gov` account it declares).
struct ScopedRouter<'a> {
    components: &'a Components,
    module_accounts: &'a [ModuleAccount],
}

impl ScopedRouter<'_> {
    fn decode_as(&self, signer: &Address, msg: &Any) -> Result<RoutedMsg, TxError> {
        if !self.module_accounts.iter().any(|account| account.address() == *signer) {
            return Err(TxError::new(
                "sdk",
                4,
                format!("{signer} is not a module account of the component executing {}: unauthorized", msg.type_url),
            ));
        }
        let components = self.components;
        let routed = components.decode_msg(msg)?;
        let signers = routed.signers();
        if signers != [*signer] {
            let named: Vec<String> = signers.iter().map(Address::to_string).collect();
            return Err(TxError::new(
                "sdk",
                4,
                format!("{} must be signed by {signer} alone, not by [{}]: unauthorized", msg.type_url, named.join(", ")),
            ));
        }
        Ok(routed)
    }
}

impl MsgRouter for ScopedRouter<'_> {
    fn check_as(&self, signer: &Address, msg: &Any) -> Result<(), TxError> {
        self.decode_as(signer, msg).map(|_| ())
    }

    /// Checks that `signer` is one of the component's module accounts and the message's only
    /// signer, and executes it on a fork of `state` kept only if it succeeds.
    fn execute_as(&self, state: &mut dyn StateWrite, ctx: &BlockContext, signer: &Address, msg: &Any) -> Result<Vec<Event>, TxError> {
        let routed = self.decode_as(signer, msg)?;
        crate::isolated(state, |fork| self.components.execute(fork, ctx, &routed))
    }
}

fn hook_failed(hook: &str, module: &str, ctx: &BlockContext, error: &TxError) -> Event {
    tracing::error!(module, hook, %error, height = ctx.height, "block hook failed; its changes are dropped");
    Event::new(format!("{hook}_error")).attr("module", module).attr("error", &error.log)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{EndBlockOutcome, NoMessages, ValidatorKey};

    struct Named {
        name: &'static str,
        messages: &'static [&'static str],
        services: &'static [&'static str],
        accounts: &'static [&'static str],
    }

    impl Named {
        fn new(name: &'static str) -> Self {
            Self { name, messages: &[], services: &[], accounts: &[] }
        }
    }

    impl Component for Named {
        /// Holds nothing a genesis section would carry.
        fn export_genesis(&self, _state: &dyn agora_store::StateRead, _height: u64) -> Result<Self::Genesis, String> {
            Ok(())
        }

        type Msg = NoMessages;
        type Genesis = ();

        fn name(&self) -> &'static str {
            self.name
        }

        fn module_accounts(&self) -> Vec<ModuleAccount> {
            self.accounts.iter().map(|name| ModuleAccount::new(name)).collect()
        }

        fn init_genesis(&self, _state: &mut dyn StateWrite, _genesis: &()) -> Result<(), String> {
            Ok(())
        }

        fn message_types(&self) -> &'static [&'static str] {
            self.messages
        }

        fn query_services(&self) -> &'static [&'static str] {
            self.services
        }
    }

    #[test]
    fn each_name_message_service_and_module_account_is_registered_once() {
        let built = |a: Named, b: Named| Components::builder().with(a).with(b).build().err();
        assert_eq!(built(Named::new("a"), Named::new("a")), Some(RegistryError::DuplicateComponent("a")));
        let msg = |name| Named { messages: &["/x.MsgY"], ..Named::new(name) };
        assert_eq!(
            built(msg("a"), msg("b")),
            Some(RegistryError::DuplicateMessage { type_url: "/x.MsgY", first: "a", second: "b" })
        );
        let service = |name| Named { services: &["x.v1.Query"], ..Named::new(name) };
        assert_eq!(
            built(service("a"), service("b")),
            Some(RegistryError::DuplicateService { service: "x.v1.Query", first: "a", second: "b" })
        );
        let account = |name| Named { accounts: &["pool"], ..Named::new(name) };
        assert_eq!(built(account("a"), account("b")), Some(RegistryError::DuplicateModuleAccount("pool")));

        let components = Components::builder().with(account("a")).with(service("b")).build().expect("distinct");
        assert_eq!(components.names().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(components.module_accounts(), &[ModuleAccount::new("pool")]);
        assert_eq!(components.query_services().collect::<Vec<_>>(), ["x.v1.Query"]);
    }

    #[test]
    fn unknown_messages_and_query_services_are_refused_by_name() {
        let components = Components::builder().with(Named::new("a")).build().expect("components");
        let any = Any { type_url: "/x.MsgZ".into(), value: Vec::new() };
        let error = components.decode_msg(&any).expect_err("unknown");
        assert_eq!((error.codespace.as_str(), error.code), ("sdk", 6));
        assert!(error.log.contains("/x.MsgZ"), "{}", error.log);
        assert!(components.query(&agora_store::EmptyState, 1, "/x.v1.Query/Thing", &[]).is_none());
        assert!(components.query(&agora_store::EmptyState, 1, "no-slash", &[]).is_none());
    }

    #[test]
    fn a_later_update_of_the_same_validator_replaces_the_earlier_one() {
        let update = |byte, power| ValidatorUpdate { key: ValidatorKey::Ed25519([byte; 32]), power };
        let mut outcome = BlockHooksOutcome::default();
        outcome.absorb(EndBlockOutcome { validator_updates: vec![update(1, 5), update(2, 7)], ..Default::default() });
        outcome.absorb(EndBlockOutcome { validator_updates: vec![update(1, 0)], ..Default::default() });
        assert_eq!(outcome.validator_updates, vec![update(1, 0), update(2, 7)]);
    }
}
