//! An upgrade plan (`cosmos.upgrade.v1beta1.Plan`) and the file a halted node leaves for
//! cosmovisor (`data/upgrade-info.json`).

use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as pb;
use serde::{Deserialize, Serialize};
use tendermint_proto::google::protobuf::Timestamp;

use crate::UpgradeError;

/// Go's zero `time.Time` (0001-01-01T00:00:00Z) as a protobuf timestamp: what an SDK client
/// puts in a plan's non-nullable `time`, which must stay zero (time-based upgrades are gone).
const ZERO_TIME: Timestamp = Timestamp { seconds: -62_135_596_800, nanos: 0 };

/// A software upgrade due at `height`: a binary that has a handler named `name` runs it in
/// `FinalizeBlock` of that height; one that has none halts there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub name: String,
    pub height: u64,
    /// Free text for operators and cosmovisor (often JSON naming the binaries to download).
    #[serde(default)]
    pub info: String,
}

impl Plan {
    /// The SDK's `Plan.ValidateBasic`: a name, a positive height, no time, no IBC client.
    #[allow(deprecated)]
    pub fn from_proto(proto: &pb::Plan) -> Result<Self, UpgradeError> {
        let invalid = |why: &str| Err(UpgradeError::InvalidRequest(format!("plan: {why}")));
        if proto.time.as_ref().is_some_and(|t| *t != ZERO_TIME) {
            return invalid("time-based upgrades have been deprecated in the SDK");
        }
        if proto.upgraded_client_state.is_some() {
            return invalid("upgrade logic for IBC has been moved to the IBC module");
        }
        if proto.name.is_empty() {
            return invalid("name cannot be empty");
        }
        let Ok(height @ 1..) = u64::try_from(proto.height) else {
            return invalid("height must be greater than 0");
        };
        Ok(Self { name: proto.name.clone(), height, info: proto.info.clone() })
    }

    /// As the SDK answers it (the zero time included, as Go encodes it).
    #[allow(deprecated)]
    pub fn to_proto(&self) -> pb::Plan {
        pb::Plan {
            name: self.name.clone(),
            time: Some(ZERO_TIME),
            height: i64::try_from(self.height).unwrap_or(i64::MAX),
            info: self.info.clone(),
            upgraded_client_state: None,
        }
    }

    /// The log line of a node that halts for this plan, word for word the SDK's
    /// (`BuildUpgradeNeededMsg`), which operators and tools look for.
    pub fn needed_message(&self) -> String {
        format!("UPGRADE \"{}\" NEEDED at height: {}: {}", self.name, self.height, self.info)
    }

    /// `data/upgrade-info.json` as the SDK writes it and cosmovisor reads it, for a node that
    /// halted at `halted_at` (the plan's height, or later for a plan scheduled at the height
    /// that scheduled it).
    pub fn upgrade_info_json(&self, halted_at: u64) -> String {
        // Go's encoding/json of `types.Plan`: the zero time, `info` left out when empty.
        let mut info = serde_json::json!({ "name": self.name, "time": "0001-01-01T00:00:00Z", "height": halted_at });
        if !self.info.is_empty() {
            info["info"] = serde_json::Value::String(self.info.clone());
        }
        info.to_string()
    }
}
