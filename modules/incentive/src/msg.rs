//! Incentive's messages: `MsgClaimRewards` (the provider) and `MsgUpdateParams` (governance).

use agora_proto::incentive::v1 as pb;
use agora_types::{Address, AddressError};
use cosmos_sdk_proto::Any;
use prost::{Message, Name};

use crate::{IncentiveError, Params};

pub const MSG_CLAIM_REWARDS_URL: &str = "/agora.incentive.v1.MsgClaimRewards";
pub const MSG_UPDATE_PARAMS_URL: &str = "/agora.incentive.v1.MsgUpdateParams";

pub const MESSAGE_TYPES: &[&str] = &[MSG_CLAIM_REWARDS_URL, MSG_UPDATE_PARAMS_URL];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IncentiveMsg {
    /// Pays the provider's vested rewards (whole units).
    ClaimRewards { provider: Address },
    /// Replaces every parameter; only the authority (governance) may.
    UpdateParams { authority: Address, params: Params },
}

fn address(field: &str, text: &str) -> Result<Address, IncentiveError> {
    text.parse().map_err(|e: AddressError| IncentiveError::InvalidAddress(format!("{field}: {e}")))
}

impl IncentiveMsg {
    pub fn type_url(&self) -> &'static str {
        match self {
            Self::ClaimRewards { .. } => MSG_CLAIM_REWARDS_URL,
            Self::UpdateParams { .. } => MSG_UPDATE_PARAMS_URL,
        }
    }

    pub fn signers(&self) -> Vec<Address> {
        match self {
            Self::ClaimRewards { provider } => vec![*provider],
            Self::UpdateParams { authority, .. } => vec![*authority],
        }
    }

    pub fn decode(any: &Any) -> Result<Self, IncentiveError> {
        let bad = |e: prost::DecodeError| IncentiveError::InvalidRequest(format!("cannot decode {}: {e}", any.type_url));
        match any.type_url.as_str() {
            MSG_CLAIM_REWARDS_URL => {
                let m = pb::MsgClaimRewards::decode(any.value.as_slice()).map_err(bad)?;
                Ok(Self::ClaimRewards { provider: address("provider", &m.provider)? })
            }
            MSG_UPDATE_PARAMS_URL => {
                let m = pb::MsgUpdateParams::decode(any.value.as_slice()).map_err(bad)?;
                let params = m.params.as_ref().ok_or_else(|| IncentiveError::InvalidParams("incentive.params are missing".into()))?;
                Ok(Self::UpdateParams { authority: address("authority", &m.authority)?, params: Params::from_proto(params)? })
            }
            other => Err(IncentiveError::InvalidRequest(format!("incentive has no message {other:?}"))),
        }
    }

    pub fn to_any(&self) -> Any {
        match self {
            Self::ClaimRewards { provider } => Any {
                type_url: pb::MsgClaimRewards::type_url(),
                value: pb::MsgClaimRewards { provider: provider.to_string() }.encode_to_vec(),
            },
            Self::UpdateParams { authority, params } => Any {
                type_url: pb::MsgUpdateParams::type_url(),
                value: pb::MsgUpdateParams { authority: authority.to_string(), params: Some(params.to_proto()) }.encode_to_vec(),
            },
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn type_urls_match_the_proto_names() {
        assert_eq!(pb::MsgClaimRewards::type_url(), MSG_CLAIM_REWARDS_URL);
        assert_eq!(pb::MsgUpdateParams::type_url(), MSG_UPDATE_PARAMS_URL);
    }

    #[test]
    fn a_claim_round_trips_and_a_bad_address_is_refused() {
        let msg = IncentiveMsg::ClaimRewards { provider: Address::new([7; 20]) };
        assert_eq!(IncentiveMsg::decode(&msg.to_any()).unwrap(), msg);
        let any = Any { type_url: MSG_CLAIM_REWARDS_URL.into(), value: pb::MsgClaimRewards { provider: "cosmos1xyz".into() }.encode_to_vec() };
        let err = IncentiveMsg::decode(&any).unwrap_err();
        assert!(matches!(err, IncentiveError::InvalidAddress(_)), "{err}");
    }
}
