//! Typed access to `upgrade` state. Reads are public ([`UpgradeRead`]); only this crate
//! writes ([`UpgradeRecords`]).

pub mod keys;

use agora_component::VersionMap;
use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt};
use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as pb;

use crate::{Plan, UpgradeError, GENESIS_APP_VERSION};

fn be_u64(bytes: &[u8], what: &str) -> Result<u64, UpgradeError> {
    let bytes: [u8; 8] = bytes
        .get(..8)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| UpgradeError::Internal(format!("corrupt {what}")))?;
    Ok(u64::from_be_bytes(bytes))
}

pub trait UpgradeRead: StateRead {
    /// The scheduled plan, if any.
    fn upgrade_plan(&self) -> Result<Option<Plan>, UpgradeError> {
        let Some(proto) = self.get_proto::<pb::Plan>(keys::PLAN)? else {
            return Ok(None);
        };
        Plan::from_proto(&proto).map(Some).map_err(|e| UpgradeError::Internal(format!("corrupt plan: {e}")))
    }

    /// The height the upgrade `name` was applied at, if it was.
    fn applied_upgrade(&self, name: &str) -> Result<Option<u64>, UpgradeError> {
        self.get_raw(&keys::done(name))?.map(|b| be_u64(&b, "applied upgrade height")).transpose()
    }

    /// The last applied upgrade's name and height.
    fn last_applied_upgrade(&self) -> Result<Option<(String, u64)>, UpgradeError> {
        let Some(raw) = self.get_raw(keys::LAST_APPLIED)? else {
            return Ok(None);
        };
        let height = be_u64(&raw, "last applied upgrade")?;
        let name = String::from_utf8(raw[8..].to_vec()).map_err(|_| UpgradeError::Internal("corrupt last applied upgrade".into()))?;
        Ok(Some((name, height)))
    }

    /// Every module's recorded consensus version.
    fn module_versions(&self) -> Result<VersionMap, UpgradeError> {
        let mut versions = VersionMap::new();
        for entry in self.prefix_raw(keys::MODULE_VERSION, None) {
            let (key, value) = entry?;
            let name = String::from_utf8(key[keys::MODULE_VERSION.len()..].to_vec())
                .map_err(|_| UpgradeError::Internal("corrupt module version key".into()))?;
            versions.insert(name, be_u64(&value, "module version")?);
        }
        Ok(versions)
    }

    /// The protocol version: the app version CometBFT puts in block headers.
    fn app_version(&self) -> Result<u64, UpgradeError> {
        self.get_raw(keys::PROTOCOL_VERSION)?.map_or(Ok(GENESIS_APP_VERSION), |b| be_u64(&b, "protocol version"))
    }
}

impl<S: StateRead + ?Sized> UpgradeRead for S {}

/// Record-level writes, private to upgrade.
pub(crate) trait UpgradeRecords: StateWrite + UpgradeRead {
    fn put_upgrade_plan(&mut self, plan: &Plan) {
        self.put_proto(keys::PLAN.to_vec(), &plan.to_proto());
    }

    /// Deletes the plan and whatever IBC stored for its height (the SDK's `ClearUpgradePlan`).
    fn clear_upgrade_plan(&mut self) -> Result<(), UpgradeError> {
        if let Some(plan) = self.upgrade_plan()? {
            self.delete(keys::upgraded_client(plan.height));
            self.delete(keys::upgraded_consensus_state(plan.height));
        }
        self.delete(keys::PLAN.to_vec());
        Ok(())
    }

    fn mark_applied(&mut self, name: &str, height: u64) {
        self.put_raw(keys::done(name), height.to_be_bytes().to_vec());
        self.put_raw(keys::LAST_APPLIED.to_vec(), [height.to_be_bytes().as_slice(), name.as_bytes()].concat());
    }

    /// Replaces the recorded version map with `versions`.
    fn put_module_versions(&mut self, versions: &VersionMap) -> Result<(), UpgradeError> {
        for (name, _) in self.module_versions()? {
            if !versions.contains_key(&name) {
                self.delete(keys::module_version(&name));
            }
        }
        for (name, version) in versions {
            self.put_raw(keys::module_version(name), version.to_be_bytes().to_vec());
        }
        Ok(())
    }

    fn put_app_version(&mut self, version: u64) {
        self.put_raw(keys::PROTOCOL_VERSION.to_vec(), version.to_be_bytes().to_vec());
    }
}

impl<S: StateWrite + ?Sized> UpgradeRecords for S {}
