//! Type erasure: components of different message and genesis types behind one object type,
//! so the application holds them in one ordered list.

use std::any::Any as StdAny;

use agora_store::{Key, StateRead, StateWrite};
use agora_types::{Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::Any;

use crate::authority::MsgRouter;
use crate::component::{CheckTxScope, Component, ComponentMsg, ModuleAccount, Wiring};
use crate::outcome::{EndBlockOutcome, ValidatorUpdate};

/// A decoded message of some component.
pub(crate) trait AnyMsg: std::fmt::Debug + Send + Sync {
    fn type_url(&self) -> &str;
    fn module(&self) -> &'static str;
    fn signers(&self) -> Vec<Address>;
    fn read_hints(&self) -> Box<dyn Iterator<Item = Key> + '_>;
    fn as_any(&self) -> &dyn StdAny;
}

impl<M: ComponentMsg> AnyMsg for M {
    fn type_url(&self) -> &str {
        ComponentMsg::type_url(self)
    }

    fn module(&self) -> &'static str {
        ComponentMsg::module(self)
    }

    fn signers(&self) -> Vec<Address> {
        ComponentMsg::signers(self)
    }

    fn read_hints(&self) -> Box<dyn Iterator<Item = Key> + '_> {
        ComponentMsg::read_hints(self)
    }

    fn as_any(&self) -> &dyn StdAny {
        self
    }
}

/// [`Component`] with its types erased (genesis sections as JSON, messages boxed).
pub(crate) trait AnyComponent: Send + Sync {
    fn name(&self) -> &'static str;
    fn module_accounts(&self) -> Vec<ModuleAccount>;
    fn consensus_version(&self) -> u64;
    fn migrate(&self, state: &mut dyn StateWrite, ctx: &BlockContext, from_version: u64) -> Result<(), String>;
    fn after_upgrade(&self, state: &mut dyn StateWrite) -> Result<(), String>;
    fn wire(&mut self, wiring: &Wiring);
    fn default_genesis(&self) -> Result<serde_json::Value, String>;
    fn validate_genesis(&self, section: &serde_json::Value) -> Result<(), String>;
    fn init_genesis(&self, state: &mut dyn StateWrite, section: &serde_json::Value) -> Result<(), String>;
    fn finish_genesis(&self, state: &mut dyn StateWrite) -> Result<(), String>;
    fn export_genesis(&self, state: &dyn StateRead, height: u64) -> Result<serde_json::Value, String>;
    fn genesis_validators(&self, state: &mut dyn StateWrite, ctx: &BlockContext) -> Result<Vec<ValidatorUpdate>, String>;
    fn begin_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext) -> Result<Vec<Event>, TxError>;
    fn end_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext, router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError>;
    fn message_types(&self) -> &'static [&'static str];
    fn decode_msg(&self, any: &Any) -> Result<Box<dyn AnyMsg>, TxError>;
    fn execute(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msg: &dyn AnyMsg, router: &dyn MsgRouter) -> Result<Vec<Event>, TxError>;
    fn check_tx(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msgs: &[&dyn AnyMsg], scope: CheckTxScope) -> Result<(), TxError>;
    fn query_services(&self) -> &'static [&'static str];
    fn query(&self, state: &dyn StateRead, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>>;
    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String>;
}

/// `msg` as the message type of `component`. The registry hands a message back to the component
/// that decoded it, so this holds unless the registry itself is wrong; even then the
/// transaction fails, not the node.
fn own_msg<'m, C: Component>(component: &C, msg: &'m dyn AnyMsg) -> Result<&'m C::Msg, TxError> {
    msg.as_any()
        .downcast_ref::<C::Msg>()
        .ok_or_else(|| TxError::internal(format!("{} was handed a message it did not decode", Component::name(component))))
}

fn parse<G: serde::de::DeserializeOwned>(section: &serde_json::Value) -> Result<G, String> {
    G::deserialize(section).map_err(|e| e.to_string())
}

impl<C: Component> AnyComponent for C {
    fn name(&self) -> &'static str {
        Component::name(self)
    }

    fn module_accounts(&self) -> Vec<ModuleAccount> {
        Component::module_accounts(self)
    }

    fn consensus_version(&self) -> u64 {
        Component::consensus_version(self)
    }

    fn migrate(&self, state: &mut dyn StateWrite, ctx: &BlockContext, from_version: u64) -> Result<(), String> {
        Component::migrate(self, state, ctx, from_version)
    }

    fn after_upgrade(&self, state: &mut dyn StateWrite) -> Result<(), String> {
        Component::after_upgrade(self, state)
    }

    fn wire(&mut self, wiring: &Wiring) {
        Component::wire(self, wiring)
    }

    fn default_genesis(&self) -> Result<serde_json::Value, String> {
        serde_json::to_value(C::Genesis::default()).map_err(|e| e.to_string())
    }

    fn validate_genesis(&self, section: &serde_json::Value) -> Result<(), String> {
        Component::validate_genesis(self, &parse(section)?)
    }

    /// The registry validated every section before writing any (`Components::init_genesis`).
    fn init_genesis(&self, state: &mut dyn StateWrite, section: &serde_json::Value) -> Result<(), String> {
        Component::init_genesis(self, state, &parse(section)?)
    }

    fn finish_genesis(&self, state: &mut dyn StateWrite) -> Result<(), String> {
        Component::finish_genesis(self, state)
    }

    fn export_genesis(&self, state: &dyn StateRead, height: u64) -> Result<serde_json::Value, String> {
        serde_json::to_value(Component::export_genesis(self, state, height)?).map_err(|e| e.to_string())
    }

    fn genesis_validators(&self, state: &mut dyn StateWrite, ctx: &BlockContext) -> Result<Vec<ValidatorUpdate>, String> {
        Component::genesis_validators(self, state, ctx)
    }

    fn begin_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext) -> Result<Vec<Event>, TxError> {
        Component::begin_block(self, state, ctx)
    }

    fn end_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext, router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
        Component::end_block(self, state, ctx, router)
    }

    fn message_types(&self) -> &'static [&'static str] {
        Component::message_types(self)
    }

    fn decode_msg(&self, any: &Any) -> Result<Box<dyn AnyMsg>, TxError> {
        Ok(Box::new(Component::decode_msg(self, any)?))
    }

    fn execute(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msg: &dyn AnyMsg, router: &dyn MsgRouter) -> Result<Vec<Event>, TxError> {
        Component::execute_routed(self, state, ctx, own_msg(self, msg)?, router)
    }

    fn check_tx(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msgs: &[&dyn AnyMsg], scope: CheckTxScope) -> Result<(), TxError> {
        let msgs = msgs.iter().map(|msg| own_msg(self, *msg)).collect::<Result<Vec<_>, _>>()?;
        Component::check_tx(self, state, ctx, &msgs, scope)
    }

    fn query_services(&self) -> &'static [&'static str] {
        Component::query_services(self)
    }

    fn query(&self, state: &dyn StateRead, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        Component::query(self, state, height, path, data)
    }

    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        Component::check_invariants(self, state)
    }
}
