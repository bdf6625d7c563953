//! `auth` as a component: genesis and the `cosmos.auth.v1beta1.Query` service. Its ante
//! handler runs before every transaction's messages, outside the component list.

use agora_component::{Component, ModuleAccount, NoMessages};
use agora_store::{StateRead, StateWrite};
use agora_types::TxError;

use crate::{GenesisState, FEE_COLLECTOR};

#[derive(Debug, Default)]
pub struct AuthComponent;

impl Component for AuthComponent {
    type Msg = NoMessages;
    type Genesis = GenesisState;

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

    fn query_services(&self) -> &'static [&'static str] {
        &["cosmos.auth.v1beta1.Query"]
    }

    fn query(&self, state: &dyn StateRead, _height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(&state, path, data)
    }
}
