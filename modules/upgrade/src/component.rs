//! `upgrade` as a component: `MsgSoftwareUpgrade` and `MsgCancelUpgrade` (run by governance),
//! the `cosmos.upgrade.v1beta1.Query` service, and the version map a new chain starts with.
//! What happens at a plan's height is [`crate::apply::pre_block`], which the application runs
//! before every block's hooks.

use agora_component::{Authority, Component, ComponentMsg, Wiring};
use agora_store::{StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::Any;
use serde::{Deserialize, Serialize};

use crate::msg::{UpgradeMsg, MESSAGE_TYPES};
use crate::state::{UpgradeRead, UpgradeRecords};

/// Upgrade's genesis section: empty, as the SDK's. A chain started from an export has applied
/// no upgrade and schedules its own; the version map is this binary's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {}

#[derive(Default)]
pub struct UpgradeComponent {
    authority: Authority,
    module_versions: Vec<(&'static str, u64)>,
}

impl ComponentMsg for UpgradeMsg {
    fn type_url(&self) -> &str {
        UpgradeMsg::type_url(self)
    }

    fn module(&self) -> &'static str {
        "upgrade"
    }

    fn signers(&self) -> Vec<Address> {
        UpgradeMsg::signers(self)
    }
}

impl Component for UpgradeComponent {
    type Msg = UpgradeMsg;
    type Genesis = GenesisState;

    fn name(&self) -> &'static str {
        "upgrade"
    }

    fn wire(&mut self, wiring: &Wiring) {
        self.authority = wiring.authority;
        self.module_versions = wiring.module_versions.clone();
    }

    fn init_genesis(&self, state: &mut dyn StateWrite, _genesis: &GenesisState) -> Result<(), String> {
        let versions = self.module_versions.iter().map(|(name, version)| (name.to_string(), *version)).collect();
        state.put_module_versions(&versions).map_err(|e| e.to_string())
    }

    fn export_genesis(&self, _state: &dyn StateRead, _height: u64) -> Result<GenesisState, String> {
        Ok(GenesisState {})
    }

    fn message_types(&self) -> &'static [&'static str] {
        MESSAGE_TYPES
    }

    fn decode_msg(&self, any: &Any) -> Result<UpgradeMsg, TxError> {
        UpgradeMsg::decode(any).map_err(|e| e.to_tx_error())
    }

    fn execute(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msg: &UpgradeMsg) -> Result<Vec<Event>, TxError> {
        match msg {
            UpgradeMsg::SoftwareUpgrade { authority, plan } => {
                self.authority.check(authority)?;
                crate::schedule(state, ctx.height, plan).map_err(|e| e.to_tx_error())?;
                Ok(Vec::new())
            }
            UpgradeMsg::CancelUpgrade { authority } => {
                self.authority.check(authority)?;
                state.clear_upgrade_plan().map_err(|e| e.to_tx_error())?;
                Ok(Vec::new())
            }
        }
    }

    fn query_services(&self) -> &'static [&'static str] {
        &[crate::query::SERVICE]
    }

    fn query(&self, state: &dyn StateRead, _height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(state, &self.authority.address(), path, data)
    }

    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        // A scheduled plan is never one already applied.
        if let Some(plan) = state.upgrade_plan().map_err(|e| e.to_string())? {
            if let Some(height) = state.applied_upgrade(&plan.name).map_err(|e| e.to_string())? {
                return Err(format!("the scheduled plan {:?} was already applied at height {height}", plan.name));
            }
        }
        Ok(())
    }
}
