//! The trait a module implements to become part of the application.

use agora_store::{Key, StateRead, StateWrite};
use agora_types::{Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::Any;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::authority::{Authority, MsgRouter};
use crate::outcome::{EndBlockOutcome, ValidatorUpdate};

/// A module's decoded, statelessly valid message.
pub trait ComponentMsg: std::fmt::Debug + Send + Sync + 'static {
    /// The message's type URL, e.g. `/cosmos.bank.v1beta1.MsgSend`.
    fn type_url(&self) -> &str;

    /// The module named in the transaction's `message` event (a component may serve several,
    /// as `provider` serves `provider` and `audit`).
    fn module(&self) -> &'static str;

    /// Addresses that must sign the transaction carrying this message, in order.
    fn signers(&self) -> Vec<Address>;

    /// State keys executing the message will read, as far as the module can tell without
    /// state, lazily: read ahead of execution, in parallel, so execution finds them in memory.
    /// A wrong hint costs one read and changes nothing.
    fn read_hints(&self) -> Box<dyn Iterator<Item = Key> + '_> {
        Box::new(std::iter::empty())
    }
}

/// The message type of a component that accepts none.
#[derive(Debug)]
pub enum NoMessages {}

impl ComponentMsg for NoMessages {
    fn type_url(&self) -> &str {
        match *self {}
    }

    fn module(&self) -> &'static str {
        match *self {}
    }

    fn signers(&self) -> Vec<Address> {
        match *self {}
    }
}

/// What a module account may do with coins beyond holding them. Bank writes the table of
/// every module account's permissions at genesis and checks it on every mint, burn and bank
/// message, so a module can mint or burn only if it declared so (the Cosmos SDK's `maccPerms`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Permissions {
    /// May create coins into itself.
    pub mint: bool,
    /// May destroy coins it holds.
    pub burn: bool,
    /// May receive coins through bank messages (`MsgSend`, `MsgMultiSend`). Most module
    /// accounts may not: their modules account for their balances exactly.
    pub receive: bool,
}

/// A module account a component owns: an address derived from its name, holding funds only
/// the component's own logic moves, with the permissions it declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ModuleAccount {
    pub name: &'static str,
    pub permissions: Permissions,
}

impl ModuleAccount {
    /// An account that may neither mint, nor burn, nor receive through bank messages.
    pub const fn new(name: &'static str) -> Self {
        Self { name, permissions: Permissions { mint: false, burn: false, receive: false } }
    }

    pub const fn minter(mut self) -> Self {
        self.permissions.mint = true;
        self
    }

    pub const fn burner(mut self) -> Self {
        self.permissions.burn = true;
        self
    }

    pub const fn receiver(mut self) -> Self {
        self.permissions.receive = true;
        self
    }

    pub fn address(&self) -> Address {
        Address::module(self.name)
    }
}

/// What the registry tells every component once all are known.
#[derive(Clone, Debug, Default)]
pub struct Wiring {
    /// Every component's module accounts, in component order.
    pub module_accounts: Vec<ModuleAccount>,
    /// The account that may change every module's parameters.
    pub authority: Authority,
    /// Every component's name and consensus version ([`Component::consensus_version`]), in
    /// component order: the version map a new chain starts with.
    pub module_versions: Vec<(&'static str, u64)>,
}

/// What a component's `CheckTx` hook knows of the transaction beyond its own messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckTxScope {
    /// CometBFT checks again, after a block, a transaction it admitted before: work done at
    /// admission need not be repeated.
    pub recheck: bool,
    /// The transaction also carries messages of other components.
    pub other_messages: bool,
}

/// One module of the application.
///
/// Every state access goes through `dyn StateRead` / `dyn StateWrite`, so the registry can
/// hold components of different types in one list; a hook or message runs on a fork of the
/// block state that the registry keeps only if it succeeds.
pub trait Component: Send + Sync + 'static {
    /// The module's own message type.
    type Msg: ComponentMsg;
    /// The module's genesis section (`app_state.<name>` in `genesis.json`).
    type Genesis: Serialize + DeserializeOwned + Default;

    /// The module's name: its genesis section and its name in logs and errors.
    fn name(&self) -> &'static str;

    /// Version of the component's state layout and rules. A change that needs existing
    /// state rewritten bumps it and adds the step to [`Self::migrate`]; an upgrade runs the
    /// steps from the version recorded on chain (the Cosmos SDK's `ConsensusVersion`).
    fn consensus_version(&self) -> u64 {
        1
    }

    /// Migrates the component's state from `from_version` to `from_version + 1`, during an
    /// upgrade (in `FinalizeBlock` of the upgrade height, before any other work of the block).
    fn migrate(&self, _state: &mut dyn StateWrite, _ctx: &BlockContext, from_version: u64) -> Result<(), String> {
        Err(format!("{} has no migration from version {from_version}", self.name()))
    }

    /// Called on every component after an upgrade's migrations, in component order: brings up
    /// to date what the component keeps about the whole application, which a module new to
    /// the chain changes (auth creates its module accounts, bank records their permissions).
    /// Must leave unchanged what is already right.
    fn after_upgrade(&self, _state: &mut dyn StateWrite) -> Result<(), String> {
        Ok(())
    }

    /// Module accounts this component owns.
    fn module_accounts(&self) -> Vec<ModuleAccount> {
        Vec::new()
    }

    /// Called once, after every component of the application is registered.
    fn wire(&mut self, _wiring: &Wiring) {}

    /// Checks a genesis section without writing; the error names the field.
    fn validate_genesis(&self, _genesis: &Self::Genesis) -> Result<(), String> {
        Ok(())
    }

    /// Writes the (validated) genesis section.
    fn init_genesis(&self, state: &mut dyn StateWrite, genesis: &Self::Genesis) -> Result<(), String>;

    /// The component's whole state as of the committed `height` as its genesis section, for a
    /// new chain whose block 1 follows that height (a zero-height export, as the Cosmos SDK's
    /// `export --for-zero-height`): heights in records are rebased (`h − height`, what is due
    /// at or before it becomes due at block 1), so `init_genesis` of the section on an empty
    /// store continues the same state machine.
    fn export_genesis(&self, state: &dyn StateRead, height: u64) -> Result<Self::Genesis, String>;

    /// Called once every component's genesis section is written, in component order: work
    /// that needs the whole genesis state (auth creates the module accounts here, after the
    /// genesis accounts, as the Cosmos SDK's modules do).
    fn finish_genesis(&self, _state: &mut dyn StateWrite) -> Result<(), String> {
        Ok(())
    }

    /// The validator set this component starts the chain with (`InitChain`'s answer; empty
    /// keeps `genesis.json`'s validators), called once every genesis section is written and
    /// finished. It may write: staking bonds the validators it picks here. `ctx` is the
    /// genesis: height 0 at the genesis time.
    fn genesis_validators(&self, _state: &mut dyn StateWrite, _ctx: &BlockContext) -> Result<Vec<ValidatorUpdate>, String> {
        Ok(Vec::new())
    }

    /// Work at the start of every block, before its transactions.
    fn begin_block(&self, _state: &mut dyn StateWrite, _ctx: &BlockContext) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    /// Work at the end of every block, after its transactions. `router` executes messages
    /// on behalf of the component's module account (governance running a passed proposal).
    fn end_block(&self, _state: &mut dyn StateWrite, _ctx: &BlockContext, _router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
        Ok(EndBlockOutcome::default())
    }

    /// Type URLs of the messages this component executes.
    fn message_types(&self) -> &'static [&'static str] {
        &[]
    }

    /// Decodes and statelessly validates a message of one of [`Self::message_types`].
    fn decode_msg(&self, any: &Any) -> Result<Self::Msg, TxError> {
        Err(TxError::new("sdk", 6, format!("{} accepts no message {:?}", self.name(), any.type_url)))
    }

    /// Executes a message this component decoded.
    fn execute(&self, _state: &mut dyn StateWrite, _ctx: &BlockContext, msg: &Self::Msg) -> Result<Vec<Event>, TxError> {
        Err(TxError::new("sdk", 6, format!("{} executes no message {:?}", self.name(), msg.type_url())))
    }

    /// Executes a message this component decoded, with the router its own module accounts
    /// may act through (governance checks a proposal's messages with it). Components that
    /// need no router keep the default, [`Self::execute`].
    fn execute_routed(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msg: &Self::Msg, _router: &dyn MsgRouter) -> Result<Vec<Event>, TxError> {
        self.execute(state, ctx, msg)
    }

    /// Runs in `CheckTx` after the ante handler, on the mempool view, with this component's
    /// messages of the transaction in order; its writes stay in the mempool view for the
    /// transactions admitted after this one (and for `Simulate`), never in a block. An error
    /// keeps the transaction out of the mempool. IBC applies client updates here and refuses
    /// redundant relays, as ibc-go's `RedundantRelayDecorator` does.
    fn check_tx(&self, _state: &mut dyn StateWrite, _ctx: &BlockContext, _msgs: &[&Self::Msg], _scope: CheckTxScope) -> Result<(), TxError> {
        Ok(())
    }

    /// Query services this component answers (`package.Service`, e.g.
    /// `cosmos.bank.v1beta1.Query`), served over ABCI `Query` and gRPC.
    fn query_services(&self) -> &'static [&'static str] {
        &[]
    }

    /// Answers a query of one of its services at `height` (the height `state` was read at);
    /// `None` for a method it does not know.
    fn query(&self, _state: &dyn StateRead, _height: u64, _path: &str, _data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        None
    }

    /// Checks the component's invariants on `state`; the error says which one broke.
    fn check_invariants(&self, _state: &dyn StateRead) -> Result<(), String> {
        Ok(())
    }
}
