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
