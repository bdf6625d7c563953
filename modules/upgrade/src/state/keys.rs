//! Upgrade's keys, all under `upgrade/`: the `upgrade` substore, with its own Merkle root, so
//! that IBC clients of other chains can verify what it holds (an upgraded client state) with
//! one proof, under the key the Cosmos SDK uses.

/// The scheduled plan (`cosmos.upgrade.v1beta1.Plan`), if any.
pub const PLAN: &[u8] = b"upgrade/plan";
/// `done/<name>` → the height the upgrade named `name` was applied at (BE u64).
pub const DONE: &[u8] = b"upgrade/done/";
/// The last applied upgrade: height (BE u64) ‖ name.
pub const LAST_APPLIED: &[u8] = b"upgrade/last_applied";
/// `version/<module>` → the module's consensus version (BE u64).
pub const MODULE_VERSION: &[u8] = b"upgrade/version/";
/// The protocol (app) version: 1 at genesis, one more for every applied upgrade (BE u64).
pub const PROTOCOL_VERSION: &[u8] = b"upgrade/protocol_version";
/// What IBC stores for an upgrade at a height: `upgradedIBCState/{height}/…`, as the SDK
/// (and so every IBC light client) expects it in the `upgrade` store.
pub const IBC_STATE: &str = "upgrade/upgradedIBCState/";

pub fn done(name: &str) -> Vec<u8> {
    [DONE, name.as_bytes()].concat()
}

pub fn module_version(module: &str) -> Vec<u8> {
    [MODULE_VERSION, module.as_bytes()].concat()
}

/// `upgradedIBCState/{height}/upgradedClient`.
pub fn upgraded_client(height: u64) -> Vec<u8> {
    format!("{IBC_STATE}{height}/upgradedClient").into_bytes()
}

/// `upgradedIBCState/{height}/upgradedConsState`.
pub fn upgraded_consensus_state(height: u64) -> Vec<u8> {
    format!("{IBC_STATE}{height}/upgradedConsState").into_bytes()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_should_not_change() {
        assert_eq!(super::PLAN, b"upgrade/plan");
        assert_eq!(super::done("v2"), b"upgrade/done/v2");
        assert_eq!(super::LAST_APPLIED, b"upgrade/last_applied");
        assert_eq!(super::module_version("bank"), b"upgrade/version/bank");
        assert_eq!(super::PROTOCOL_VERSION, b"upgrade/protocol_version");
        assert_eq!(super::upgraded_client(42), b"upgrade/upgradedIBCState/42/upgradedClient");
        assert_eq!(super::upgraded_consensus_state(42), b"upgrade/upgradedIBCState/42/upgradedConsState");
    }

    /// The IBC key sits in the `upgrade` substore exactly where the SDK's keeper puts it.
    #[test]
    fn the_upgraded_client_key_is_the_sdks_inside_the_upgrade_substore() {
        let key = super::upgraded_client(7);
        let (substore, inner) = agora_store::substore_of(&key);
        assert_eq!((substore, inner), ("upgrade", b"upgradedIBCState/7/upgradedClient".as_slice()));
    }
}
