//! What happens at a plan's height, before anything else of the block (the SDK's
//! `PreBlocker`): a binary that carries the plan's handler runs it, with the module
//! migrations it asks for, and carries on; one that does not halts, so that its operator (or
//! cosmovisor) switches to the binary that does. The handlers are compiled in: the chain
//! cannot go past the height without them.

use std::collections::BTreeMap;

use agora_component::{isolated, Components, VersionMap};
use agora_store::StateWrite;
use agora_types::{BlockContext, Event};

use crate::state::{UpgradeRead, UpgradeRecords};
use crate::{Plan, UpgradeError};

/// An upgrade's work: given the version map on chain, migrates state and returns the new
/// map. Most handlers are [`run_module_migrations`] plus whatever the release needs besides.
pub type UpgradeHandler = fn(&mut dyn StateWrite, &BlockContext, &Plan, &VersionMap, &Components) -> Result<VersionMap, String>;

/// The handler of an upgrade that only migrates modules whose consensus version changed.
pub fn run_module_migrations(
    state: &mut dyn StateWrite,
    ctx: &BlockContext,
    _plan: &Plan,
    from: &VersionMap,
    components: &Components,
) -> Result<VersionMap, String> {
    components.run_migrations(state, ctx, from)
}

/// The upgrades this binary can apply, by plan name.
#[derive(Clone, Default)]
pub struct UpgradeHandlers {
    handlers: BTreeMap<String, UpgradeHandler>,
}

impl UpgradeHandlers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, name: &str, handler: UpgradeHandler) -> Self {
        self.handlers.insert(name.to_string(), handler);
        self
    }

    pub fn has(&self, name: &str) -> bool {
        self.handlers.contains_key(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.handlers.keys().map(String::as_str)
    }
}

/// Why this binary cannot execute the block: the node must stop, and the block runs again
/// when it restarts (CometBFT replays it), with the right binary.
#[derive(Debug, thiserror::Error)]
pub enum UpgradeHalt {
    /// The plan is due and this binary has no handler for it: the one that has must run.
    #[error("{}", .0.needed_message())]
    Needed(Plan),
    /// This binary has the handler of a plan that is not due yet: run the old binary until
    /// the plan's height.
    #[error("BINARY UPDATED BEFORE TRIGGER! UPGRADE \"{}\" - in binary but not executed on chain. Downgrade your binary", .0.name)]
    TooEarly(Plan),
    /// The chain applied an upgrade this binary knows nothing of: it is older than the chain.
    #[error("wrong app version {app_version}, upgrade handler is missing for {name} upgrade plan (applied at height {height})")]
    MissingHandler { name: String, height: u64, app_version: u64 },
    /// The chain's modules are at other versions than this binary's, with no upgrade due: a
    /// binary of another release (running it would compute another state).
    #[error("this binary's module versions differ from the chain's ({differences}) and no upgrade is due: run the binary of the chain's release")]
    WrongVersions { differences: String },
    /// The handler or a migration failed: every node fails it alike, and the chain waits
    /// for a binary whose handler works.
    #[error("upgrade {name:?} failed at height {height}: {reason}")]
    Failed { name: String, height: u64, reason: String },
    #[error("upgrade: {0}")]
    State(#[from] UpgradeError),
}

/// An upgrade applied in this block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedUpgrade {
    pub plan: Plan,
    /// The app version from the next block on (one more than before).
    pub app_version: u64,
    pub versions: VersionMap,
}

impl AppliedUpgrade {
    pub fn event(&self) -> Event {
        Event::new("upgrade_applied")
            .attr("name", &self.plan.name)
            .attr("height", self.plan.height)
            .attr("app_version", self.app_version)
    }
}

/// Refuses a binary whose module versions are not the ones the chain records (an application
/// without the upgrade component records none).
fn check_versions(state: &dyn StateWrite, components: &Components) -> Result<(), UpgradeHalt> {
    let recorded = state.module_versions()?;
    let ours = components.version_map();
    if recorded.is_empty() || recorded == ours {
        return Ok(());
    }
    let names: std::collections::BTreeSet<&String> = recorded.keys().chain(ours.keys()).collect();
    let differences: Vec<String> = names
        .into_iter()
        .filter(|name| recorded.get(*name) != ours.get(*name))
        .map(|name| format!("{name}: chain {:?}, binary {:?}", recorded.get(name), ours.get(name)))
        .collect();
    Err(UpgradeHalt::WrongVersions { differences: differences.join(", ") })
}

/// Runs before every block's hooks. `first_block` is true for the first block this process
/// executes: unless a plan is due in this very block, it then checks that the binary is the
/// chain's release: not older (the last applied upgrade has a handler here), and with the
/// module versions the chain records.
pub fn pre_block(
    state: &mut dyn StateWrite,
    ctx: &BlockContext,
    handlers: &UpgradeHandlers,
    components: &Components,
    first_block: bool,
) -> Result<Option<AppliedUpgrade>, UpgradeHalt> {
    let plan = state.upgrade_plan()?;
    let due = plan.as_ref().is_some_and(|p| p.height <= ctx.height);
    if first_block && !due {
        if let Some((name, height)) = state.last_applied_upgrade()? {
            if !handlers.has(&name) {
                return Err(UpgradeHalt::MissingHandler { name, height, app_version: state.app_version()? });
            }
        }
        if let Some(plan) = plan.as_ref().filter(|p| handlers.has(&p.name)) {
            return Err(UpgradeHalt::TooEarly(plan.clone()));
        }
        check_versions(state, components)?;
    }
    let Some(plan) = plan else {
        return Ok(None);
    };
    let Some(&handler) = handlers.handlers.get(&plan.name) else {
        return if due { Err(UpgradeHalt::Needed(plan)) } else { Ok(None) };
    };
    if !due {
        return Err(UpgradeHalt::TooEarly(plan));
    }
    tracing::info!(name = %plan.name, height = plan.height, "applying upgrade");
    let failed = |reason: String| UpgradeHalt::Failed { name: plan.name.clone(), height: ctx.height, reason };
    let from = state.module_versions()?;
    let versions = isolated(state, |fork| handler(fork, ctx, &plan, &from, components)).map_err(failed)?;
    state.put_module_versions(&versions)?;
    let app_version = state.app_version()?.checked_add(1).ok_or_else(|| failed("the app version is at its largest".into()))?;
    state.put_app_version(app_version);
    state.clear_upgrade_plan()?;
    state.mark_applied(&plan.name, ctx.height);
    Ok(Some(AppliedUpgrade { plan, app_version, versions }))
}
