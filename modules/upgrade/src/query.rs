//! `cosmos.upgrade.v1beta1.Query` with the standard request and response types.

use agora_store::StateRead;
use agora_types::{AbciError, Address, TxError};
use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as pb;
use prost::Message;

use crate::state::keys;
use crate::{UpgradeError, UpgradeRead};

pub const SERVICE: &str = "cosmos.upgrade.v1beta1.Query";

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))
}

fn internal(e: UpgradeError) -> TxError {
    e.to_tx_error()
}

/// Answers `path`; `None` if it is not one of this service's methods.
pub fn query<S: StateRead + ?Sized>(state: &S, authority: &Address, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let method = path.strip_prefix("/cosmos.upgrade.v1beta1.Query/")?;
    let result = match method {
        "CurrentPlan" => decode::<pb::QueryCurrentPlanRequest>(data).and_then(|_| {
            let plan = state.upgrade_plan().map_err(internal)?;
            Ok(pb::QueryCurrentPlanResponse { plan: plan.map(|p| p.to_proto()) }.encode_to_vec())
        }),
        // As the SDK: an upgrade never applied is height 0, not an error.
        "AppliedPlan" => decode::<pb::QueryAppliedPlanRequest>(data).and_then(|req| {
            let height = state.applied_upgrade(&req.name).map_err(internal)?.unwrap_or(0);
            Ok(pb::QueryAppliedPlanResponse { height: i64::try_from(height).unwrap_or(i64::MAX) }.encode_to_vec())
        }),
        "ModuleVersions" => decode::<pb::QueryModuleVersionsRequest>(data).and_then(|req| {
            let versions = state.module_versions().map_err(internal)?;
            let module_versions: Vec<pb::ModuleVersion> = versions
                .into_iter()
                .filter(|(name, _)| req.module_name.is_empty() || *name == req.module_name)
                .map(|(name, version)| pb::ModuleVersion { name, version })
                .collect();
            if module_versions.is_empty() && !req.module_name.is_empty() {
                return Err(UpgradeError::NotFound(format!("x/upgrade: QueryModuleVersions module {} not found", req.module_name)).to_tx_error());
            }
            Ok(pb::QueryModuleVersionsResponse { module_versions }.encode_to_vec())
        }),
        "Authority" => decode::<pb::QueryAuthorityRequest>(data)
            .map(|_| pb::QueryAuthorityResponse { address: authority.to_string() }.encode_to_vec()),
        // What IBC stored for the upgrade planned at `last_height`: empty when nothing is, as
        // the SDK answers.
        #[allow(deprecated)]
        "UpgradedConsensusState" => decode::<pb::QueryUpgradedConsensusStateRequest>(data).and_then(|req| {
            let height = u64::try_from(req.last_height)
                .map_err(|_| UpgradeError::InvalidRequest(format!("last_height {} is negative", req.last_height)).to_tx_error())?;
            let stored = state.get_raw(&keys::upgraded_consensus_state(height)).map_err(TxError::internal)?;
            let upgraded_consensus_state = stored.unwrap_or_default();
            Ok(pb::QueryUpgradedConsensusStateResponse { upgraded_consensus_state }.encode_to_vec())
        }),
        _ => return None,
    };
    Some(result)
}
