//! `upgrade`: software upgrades of a running chain (`cosmos.upgrade.v1beta1`), with the Cosmos
//! SDK's semantics so that cosmovisor works unchanged.
//!
//! Governance schedules a [`Plan`] (`MsgSoftwareUpgrade`: a name and a height) or cancels it
//! (`MsgCancelUpgrade`). At the plan's height, before anything else of the block
//! ([`apply::pre_block`]), a binary without a handler of that name halts with
//! `UPGRADE "<name>" NEEDED at height: <h>: <info>` and leaves `data/upgrade-info.json`; the
//! binary that has the handler runs it (module migrations included, all or nothing), records
//! the upgrade as applied and bumps the app version. Handlers are compiled in
//! ([`UpgradeHandlers`]). State lives in the `upgrade` substore, where IBC will also keep an
//! upgraded client under the SDK's key.
#![deny(clippy::unwrap_used)]

pub mod apply;
pub mod component;
pub mod error;
pub mod msg;
pub mod plan;
pub mod query;
pub mod state;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

pub use apply::{pre_block, run_module_migrations, AppliedUpgrade, UpgradeHalt, UpgradeHandler, UpgradeHandlers};
pub use component::{GenesisState, UpgradeComponent};
pub use error::UpgradeError;
pub use msg::UpgradeMsg;
pub use plan::Plan;
pub use state::UpgradeRead;

/// The app version of a chain that has applied no upgrade (CometBFT's header `version.app`).
pub const GENESIS_APP_VERSION: u64 = 1;

/// Schedules `plan` at `height` (the SDK's `ScheduleUpgrade`): replaces any earlier plan and
/// what IBC stored for it. A plan at this very height is allowed, as in the SDK: it applies at
/// the next block's start (an emergency fork). `MsgSoftwareUpgrade` and IBC's
/// `MsgIBCSoftwareUpgrade` both schedule through here.
pub fn schedule(state: &mut dyn agora_store::StateWrite, height: u64, plan: &Plan) -> Result<(), UpgradeError> {
    use state::UpgradeRecords;
    if plan.height < height {
        return Err(UpgradeError::InvalidRequest(format!(
            "upgrade cannot be scheduled in the past: height {} is below the current {height}",
            plan.height
        )));
    }
    if let Some(done) = state.applied_upgrade(&plan.name)? {
        return Err(UpgradeError::InvalidRequest(format!("upgrade with name {} has already been completed (at height {done})", plan.name)));
    }
    state.clear_upgrade_plan()?;
    state.put_upgrade_plan(plan);
    Ok(())
}

/// Stores what IBC keeps for the plan at `height` under the SDK's keys in the `upgrade` store,
/// where counterparties' light clients prove it: the upgraded client state (`client`) or its
/// consensus state (`consensus`), both `Any`-encoded.
pub fn put_upgraded_ibc_state(state: &mut dyn agora_store::StateWrite, height: u64, client: Option<Vec<u8>>, consensus: Option<Vec<u8>>) {
    if let Some(bytes) = client {
        state.put_raw(state::keys::upgraded_client(height), bytes);
    }
    if let Some(bytes) = consensus {
        state.put_raw(state::keys::upgraded_consensus_state(height), bytes);
    }
}

