//! The upgrades this release applies, by plan name: none yet. A release that changes
//! consensus rules adds its plan here (usually [`agora_upgrade::run_module_migrations`] plus
//! what the release needs besides), and keeps the handlers of earlier upgrades so that it can
//! start on a chain that applied them.

use agora_upgrade::UpgradeHandlers;

pub fn handlers() -> UpgradeHandlers {
    UpgradeHandlers::new()
}
