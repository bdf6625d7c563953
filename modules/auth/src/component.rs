//! `auth` as a component: genesis and the `cosmos.auth.v1beta1.Query` service. Its ante
//! handler runs before every transaction's messages, outside the component list.

use agora_component::{invalid_params, Authority, Component, ComponentMsg, ModuleAccount, Wiring};
use agora_store::{StateRead, StateWrite};
use agora_types::{Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::cosmos::auth::v1beta1 as pb;
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::msg::{AuthMsg, MSG_UPDATE_PARAMS_URL};
use crate::{AuthWrite, GenesisState, FEE_COLLECTOR};

#[derive(Debug, Default)]
pub struct AuthComponent {
    module_accounts: Vec<ModuleAccount>,
    authority: Authority,
}

impl ComponentMsg for AuthMsg {
    fn type_url(&self) -> &str {
        MSG_UPDATE_PARAMS_URL
    }

    fn module(&self) -> &'static str {
        "auth"
    }

    fn signers(&self) -> Vec<Address> {
        match self {
            Self::UpdateParams { authority, .. } => vec![*authority],
        }
    }
}

impl AuthComponent {
    /// Creates each declared module account that does not exist yet.
    fn ensure_module_accounts(&self, state: &mut dyn StateWrite) -> Result<(), String> {
        for account in &self.module_accounts {
            let permissions = account.permissions;
            let names: Vec<&str> = [(permissions.mint, "minter"), (permissions.burn, "burner")]
                .into_iter()
                .filter_map(|(granted, name)| granted.then_some(name))
                .collect();
            state.ensure_module_account(account.name, &names).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

impl Component for AuthComponent {
    type Msg = AuthMsg;
    type Genesis = GenesisState;

    fn wire(&mut self, wiring: &Wiring) {
        self.module_accounts = wiring.module_accounts.clone();
        self.authority = wiring.authority;
    }

    fn message_types(&self) -> &'static [&'static str] {
        &[MSG_UPDATE_PARAMS_URL]
    }

    fn decode_msg(&self, any: &Any) -> Result<AuthMsg, TxError> {
        pb::MsgUpdateParams::decode(any.value.as_slice())
            .map_err(|e| TxError::new("sdk", 2, format!("cannot decode {}: {e}", any.type_url)))?
            .try_into()
    }

    fn execute(&self, state: &mut dyn StateWrite, _ctx: &BlockContext, msg: &AuthMsg) -> Result<Vec<Event>, TxError> {
        match msg {
            AuthMsg::UpdateParams { authority, params } => {
                self.authority.check(authority)?;
                params.validate().map_err(|e| invalid_params("auth", e))?;
                state.put_auth_params(params);
                Ok(Vec::new())
            }
        }
    }

    fn name(&self) -> &'static str {
        "auth"
    }

    fn module_accounts(&self) -> Vec<ModuleAccount> {
        vec![ModuleAccount::new(FEE_COLLECTOR)]
    }

    fn validate_genesis(&self, genesis: &GenesisState) -> Result<(), String> {
        genesis.validate().map_err(|e| e.to_string())
    }

    fn init_genesis(&self, mut state: &mut dyn StateWrite, genesis: &GenesisState) -> Result<(), String> {
        genesis.apply(&mut state).map_err(|e| e.to_string())
    }

    fn export_genesis(&self, state: &dyn StateRead, _height: u64) -> Result<GenesisState, String> {
        GenesisState::export(state).map_err(|e| e.to_string())
    }

    /// An account for every module account the application's components declare, with the
    /// Cosmos permission names of what it may do, after the genesis accounts (whose numbers
    /// so come first).
    fn finish_genesis(&self, state: &mut dyn StateWrite) -> Result<(), String> {
        self.ensure_module_accounts(state)
    }

    /// A module an upgrade adds gets its accounts as genesis would have created them.
    fn after_upgrade(&self, state: &mut dyn StateWrite) -> Result<(), String> {
        self.ensure_module_accounts(state)
    }

    fn query_services(&self) -> &'static [&'static str] {
        &["cosmos.auth.v1beta1.Query"]
    }

    fn query(&self, state: &dyn StateRead, _height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        if path == crate::query::MODULE_ACCOUNTS {
            let names: Vec<&str> = self.module_accounts.iter().map(|account| account.name).collect();
            return Some(crate::query::module_accounts(&state, &names, data));
        }
        crate::query::query(&state, path, data)
    }
}
