//! Upgrade's messages, decoded from the standard `cosmos.upgrade.v1beta1` types; the plan is
//! validated here, the authority and the chain's state when it runs.

use agora_types::Address;
use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as pb;
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::{Plan, UpgradeError};

pub const MSG_SOFTWARE_UPGRADE_URL: &str = "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade";
pub const MSG_CANCEL_UPGRADE_URL: &str = "/cosmos.upgrade.v1beta1.MsgCancelUpgrade";

pub const MESSAGE_TYPES: &[&str] = &[MSG_SOFTWARE_UPGRADE_URL, MSG_CANCEL_UPGRADE_URL];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UpgradeMsg {
    /// Schedules `plan`, replacing any plan scheduled before; only the authority may.
    SoftwareUpgrade { authority: Address, plan: Plan },
    /// Cancels the scheduled plan, if any; only the authority may.
    CancelUpgrade { authority: Address },
}

fn parse_authority(authority: &str) -> Result<Address, UpgradeError> {
    authority.parse().map_err(|e: agora_types::AddressError| UpgradeError::InvalidAddress(format!("authority: {e}")))
}

impl UpgradeMsg {
    pub fn type_url(&self) -> &'static str {
        match self {
            Self::SoftwareUpgrade { .. } => MSG_SOFTWARE_UPGRADE_URL,
            Self::CancelUpgrade { .. } => MSG_CANCEL_UPGRADE_URL,
        }
    }

    pub fn signers(&self) -> Vec<Address> {
        match self {
            Self::SoftwareUpgrade { authority, .. } | Self::CancelUpgrade { authority } => vec![*authority],
        }
    }

    pub fn decode(any: &Any) -> Result<Self, UpgradeError> {
        let undecodable = |e: prost::DecodeError| UpgradeError::InvalidRequest(format!("cannot decode {}: {e}", any.type_url));
        match any.type_url.as_str() {
            MSG_SOFTWARE_UPGRADE_URL => {
                let m = pb::MsgSoftwareUpgrade::decode(any.value.as_slice()).map_err(undecodable)?;
                let authority = parse_authority(&m.authority)?;
                let plan = m.plan.as_ref().ok_or_else(|| UpgradeError::InvalidRequest("plan is missing".into()))?;
                Ok(Self::SoftwareUpgrade { authority, plan: Plan::from_proto(plan)? })
            }
            MSG_CANCEL_UPGRADE_URL => {
                let m = pb::MsgCancelUpgrade::decode(any.value.as_slice()).map_err(undecodable)?;
                Ok(Self::CancelUpgrade { authority: parse_authority(&m.authority)? })
            }
            other => Err(UpgradeError::InvalidRequest(format!("upgrade has no message {other:?}"))),
        }
    }

    /// The standard message, e.g. for a governance proposal.
    pub fn to_any(&self) -> Any {
        match self {
            Self::SoftwareUpgrade { authority, plan } => Any {
                type_url: MSG_SOFTWARE_UPGRADE_URL.into(),
                value: pb::MsgSoftwareUpgrade { authority: authority.to_string(), plan: Some(plan.to_proto()) }.encode_to_vec(),
            },
            Self::CancelUpgrade { authority } => Any {
                type_url: MSG_CANCEL_UPGRADE_URL.into(),
                value: pb::MsgCancelUpgrade { authority: authority.to_string() }.encode_to_vec(),
            },
        }
    }
}
