//! `bank` as a component: genesis, `MsgSend` and `MsgMultiSend`, the
//! `cosmos.bank.v1beta1.Query` service and the supply invariant.

use std::collections::BTreeSet;

use agora_component::{Authority, Component, ComponentMsg, Permissions, Wiring};
use agora_store::{Key, StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::cosmos::bank::v1beta1 as pb;
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::msg::{MSG_MULTI_SEND_URL, MSG_SEND_URL, MSG_UPDATE_PARAMS_URL};
use crate::state::BankRecords;
use crate::{BankMsg, GenesisState};

/// The bank component. At genesis it writes the permission table of every module account the
/// application's components declare ([`Component::wire`]), which mints and burns check; bank
/// messages check the same declarations in memory.
#[derive(Debug, Default)]
pub struct BankComponent {
    /// Every declared module account with its permissions, and the authority with none unless
    /// a component declares it: the table genesis writes.
    permissions: Vec<(Address, Permissions)>,
    /// The addresses of `permissions` that may not receive through bank messages (an account
    /// declared after genesis, by an upgrade, is blocked from its first block).
    blocked: BTreeSet<Address>,
    authority: Authority,
}

impl ComponentMsg for BankMsg {
    fn type_url(&self) -> &str {
        BankMsg::type_url(self)
    }

    fn module(&self) -> &'static str {
        "bank"
    }

    fn signers(&self) -> Vec<Address> {
        BankMsg::signers(self)
    }

    fn read_hints(&self) -> Box<dyn Iterator<Item = Key> + '_> {
        BankMsg::read_hints(self)
    }
}

fn decode<M: Message + Default>(any: &Any) -> Result<M, TxError> {
    M::decode(any.value.as_slice()).map_err(|e| TxError::new("sdk", 2, format!("cannot decode {}: {e}", any.type_url)))
}

impl Component for BankComponent {
    type Msg = BankMsg;
    type Genesis = GenesisState;

    fn name(&self) -> &'static str {
        "bank"
    }

    fn wire(&mut self, wiring: &Wiring) {
        self.permissions = wiring.module_accounts.iter().map(|account| (account.address(), account.permissions)).collect();
        // The authority too, with no permissions, unless a component declares it: it is the
        // governance module account even before a governance component exists.
        if !self.permissions.iter().any(|(address, _)| *address == wiring.authority.address()) {
            self.permissions.push((wiring.authority.address(), Permissions::default()));
        }
        self.blocked = self.permissions.iter().filter(|(_, p)| !p.receive).map(|(address, _)| *address).collect();
        self.authority = wiring.authority;
    }

    fn validate_genesis(&self, genesis: &GenesisState) -> Result<(), String> {
        genesis.validate().map(|_supply| ()).map_err(|e| e.to_string())
    }

    fn init_genesis(&self, mut state: &mut dyn StateWrite, genesis: &GenesisState) -> Result<(), String> {
        for (address, permissions) in &self.permissions {
            state.put_module_permissions(address, permissions);
        }
        genesis.apply(&mut state).map_err(|e| e.to_string())
    }

    /// The permission table as the upgraded binary declares it (a module an upgrade adds may
    /// mint, burn or receive as it declares).
    fn after_upgrade(&self, state: &mut dyn StateWrite) -> Result<(), String> {
        for (address, permissions) in &self.permissions {
            state.put_module_permissions(address, permissions);
        }
        Ok(())
    }

    fn export_genesis(&self, state: &dyn StateRead, _height: u64) -> Result<GenesisState, String> {
        GenesisState::export(state).map_err(|e| e.to_string())
    }

    fn message_types(&self) -> &'static [&'static str] {
        &[MSG_SEND_URL, MSG_MULTI_SEND_URL, MSG_UPDATE_PARAMS_URL]
    }

    fn decode_msg(&self, any: &Any) -> Result<BankMsg, TxError> {
        let msg = match any.type_url.as_str() {
            MSG_SEND_URL => decode::<pb::MsgSend>(any)?.try_into().map(BankMsg::Send),
            MSG_MULTI_SEND_URL => decode::<pb::MsgMultiSend>(any)?.try_into().map(BankMsg::MultiSend),
            MSG_UPDATE_PARAMS_URL => decode::<pb::MsgUpdateParams>(any)?.try_into(),
            other => return Err(TxError::new("sdk", 6, format!("bank accepts no message {other:?}"))),
        };
        msg.map_err(|e| e.to_tx_error())
    }

    fn execute(&self, mut state: &mut dyn StateWrite, _ctx: &BlockContext, msg: &BankMsg) -> Result<Vec<Event>, TxError> {
        if let BankMsg::UpdateParams { authority, params } = msg {
            self.authority.check(authority)?;
            params.validate().map_err(|e| e.to_tx_error())?;
            state.put_bank_params(params);
            return Ok(Vec::new());
        }
        crate::handler::execute(&mut state, msg, &self.blocked).map_err(|e| e.to_tx_error())
    }

    fn query_services(&self) -> &'static [&'static str] {
        &["cosmos.bank.v1beta1.Query"]
    }

    fn query(&self, state: &dyn StateRead, _height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(&state, path, data)
    }

    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        crate::invariant::check_supply(&state)
    }
}
