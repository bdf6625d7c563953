//! Staking messages as validated domain types, decoded from the standard
//! `cosmos.staking.v1beta1` messages (so cosmjs's `delegateTokens` and Keplr's staking page
//! work unchanged). What can be checked without state is checked here, as the SDK's
//! `ValidateBasic` does; the rest (bond denom, minimum commission) in the handlers.

use agora_types::{Address, Coin, Dec, VALOPER_PREFIX};
use cosmos_sdk_proto::cosmos::staking::v1beta1 as pb;
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::types::{pubkey_from_any, CommissionRates, Description};
use crate::{Params, StakingError};

pub const MSG_CREATE_VALIDATOR_URL: &str = "/cosmos.staking.v1beta1.MsgCreateValidator";
pub const MSG_EDIT_VALIDATOR_URL: &str = "/cosmos.staking.v1beta1.MsgEditValidator";
pub const MSG_DELEGATE_URL: &str = "/cosmos.staking.v1beta1.MsgDelegate";
pub const MSG_UNDELEGATE_URL: &str = "/cosmos.staking.v1beta1.MsgUndelegate";
pub const MSG_BEGIN_REDELEGATE_URL: &str = "/cosmos.staking.v1beta1.MsgBeginRedelegate";
pub const MSG_CANCEL_UNBONDING_URL: &str = "/cosmos.staking.v1beta1.MsgCancelUnbondingDelegation";
pub const MSG_UPDATE_PARAMS_URL: &str = "/cosmos.staking.v1beta1.MsgUpdateParams";

pub const MESSAGE_TYPES: &[&str] = &[
    MSG_CREATE_VALIDATOR_URL,
    MSG_EDIT_VALIDATOR_URL,
    MSG_DELEGATE_URL,
    MSG_UNDELEGATE_URL,
    MSG_BEGIN_REDELEGATE_URL,
    MSG_CANCEL_UNBONDING_URL,
    MSG_UPDATE_PARAMS_URL,
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateValidator {
    pub operator: Address,
    pub consensus_key: [u8; 32],
    pub description: Description,
    pub commission: CommissionRates,
    pub min_self_delegation: u128,
    pub value: Coin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditValidator {
    pub operator: Address,
    /// Fields equal to `[do-not-modify]` keep their value.
    pub description: Description,
    pub commission_rate: Option<Dec>,
    pub min_self_delegation: Option<u128>,
}

/// Every message of the staking module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StakingMsg {
    CreateValidator(CreateValidator),
    EditValidator(EditValidator),
    Delegate { delegator: Address, validator: Address, amount: Coin },
    Undelegate { delegator: Address, validator: Address, amount: Coin },
    BeginRedelegate { delegator: Address, src: Address, dst: Address, amount: Coin },
    CancelUnbonding { delegator: Address, validator: Address, amount: Coin, creation_height: u64 },
    UpdateParams { authority: Address, params: Params },
}

impl StakingMsg {
    pub fn type_url(&self) -> &'static str {
        match self {
            Self::CreateValidator(_) => MSG_CREATE_VALIDATOR_URL,
            Self::EditValidator(_) => MSG_EDIT_VALIDATOR_URL,
            Self::Delegate { .. } => MSG_DELEGATE_URL,
            Self::Undelegate { .. } => MSG_UNDELEGATE_URL,
            Self::BeginRedelegate { .. } => MSG_BEGIN_REDELEGATE_URL,
            Self::CancelUnbonding { .. } => MSG_CANCEL_UNBONDING_URL,
            Self::UpdateParams { .. } => MSG_UPDATE_PARAMS_URL,
        }
    }

    /// The SDK v0.50 signers: the operator for validator messages, the delegator otherwise.
    pub fn signers(&self) -> Vec<Address> {
        match self {
            Self::CreateValidator(m) => vec![m.operator],
            Self::EditValidator(m) => vec![m.operator],
            Self::Delegate { delegator, .. }
            | Self::Undelegate { delegator, .. }
            | Self::BeginRedelegate { delegator, .. }
            | Self::CancelUnbonding { delegator, .. } => vec![*delegator],
            Self::UpdateParams { authority, .. } => vec![*authority],
        }
    }

    pub fn decode(any: &Any) -> Result<Self, StakingError> {
        fn decode<M: Message + Default>(any: &Any) -> Result<M, StakingError> {
            M::decode(any.value.as_slice()).map_err(|e| StakingError::InvalidRequest(format!("cannot decode {}: {e}", any.type_url)))
        }
        match any.type_url.as_str() {
            MSG_CREATE_VALIDATOR_URL => create_validator(decode(any)?),
            MSG_EDIT_VALIDATOR_URL => edit_validator(decode(any)?),
            MSG_DELEGATE_URL => {
                let m: pb::MsgDelegate = decode(any)?;
                Ok(Self::Delegate {
                    delegator: account("delegator_address", &m.delegator_address)?,
                    validator: valoper("validator_address", &m.validator_address)?,
                    amount: positive("amount", m.amount.as_ref())?,
                })
            }
            MSG_UNDELEGATE_URL => {
                let m: pb::MsgUndelegate = decode(any)?;
                Ok(Self::Undelegate {
                    delegator: account("delegator_address", &m.delegator_address)?,
                    validator: valoper("validator_address", &m.validator_address)?,
                    amount: positive("amount", m.amount.as_ref())?,
                })
            }
            MSG_BEGIN_REDELEGATE_URL => {
                let m: pb::MsgBeginRedelegate = decode(any)?;
                let src = valoper("validator_src_address", &m.validator_src_address)?;
                let dst = valoper("validator_dst_address", &m.validator_dst_address)?;
                if src == dst {
                    return Err(StakingError::SelfRedelegation);
                }
                Ok(Self::BeginRedelegate {
                    delegator: account("delegator_address", &m.delegator_address)?,
                    src,
                    dst,
                    amount: positive("amount", m.amount.as_ref())?,
                })
            }
            MSG_CANCEL_UNBONDING_URL => {
                let m: pb::MsgCancelUnbondingDelegation = decode(any)?;
                let creation_height = u64::try_from(m.creation_height)
                    .ok()
                    .filter(|h| *h > 0)
                    .ok_or_else(|| StakingError::InvalidRequest(format!("invalid height {}", m.creation_height)))?;
                Ok(Self::CancelUnbonding {
                    delegator: account("delegator_address", &m.delegator_address)?,
                    validator: valoper("validator_address", &m.validator_address)?,
                    amount: positive("amount", m.amount.as_ref())?,
                    creation_height,
                })
            }
            MSG_UPDATE_PARAMS_URL => {
                let m: pb::MsgUpdateParams = decode(any)?;
                let params = m.params.as_ref().ok_or_else(|| StakingError::InvalidParams("params are missing".into()))?;
                Ok(Self::UpdateParams { authority: account("authority", &m.authority)?, params: Params::from_proto(params)? })
            }
            other => Err(StakingError::InvalidRequest(format!("staking has no message {other:?}"))),
        }
    }
}

fn account(field: &str, value: &str) -> Result<Address, StakingError> {
    value.parse().map_err(|e: agora_types::AddressError| StakingError::InvalidAddress(format!("{field}: {e}")))
}

pub fn valoper(field: &str, value: &str) -> Result<Address, StakingError> {
    if value.is_empty() {
        return Err(StakingError::InvalidAddress(format!("{field}: empty validator address")));
    }
    Address::from_bech32_with(value, VALOPER_PREFIX).map_err(|e| StakingError::InvalidAddress(format!("{field}: {e}")))
}

/// A positive coin (the denom is checked against the bond denom by the handler).
fn positive(field: &str, coin: Option<&cosmos_sdk_proto::cosmos::base::v1beta1::Coin>) -> Result<Coin, StakingError> {
    let coin = coin.ok_or_else(|| StakingError::InvalidRequest(format!("invalid {field}: missing")))?;
    let coin = Coin::from_proto(coin).map_err(|e| StakingError::InvalidRequest(format!("invalid {field}: {e}")))?;
    if coin.amount == 0 {
        return Err(StakingError::InvalidRequest(format!("invalid {field}: must be positive")));
    }
    Ok(coin)
}

fn positive_int(field: &str, value: &str) -> Result<u128, StakingError> {
    value
        .parse::<u128>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| StakingError::InvalidRequest(format!("{field} must be a positive integer, got {value:?}")))
}

fn create_validator(m: pb::MsgCreateValidator) -> Result<StakingMsg, StakingError> {
    let operator = valoper("validator_address", &m.validator_address)?;
    let pubkey = m.pubkey.as_ref().ok_or(StakingError::EmptyPubKey)?;
    let consensus_key = pubkey_from_any(pubkey)?;
    let value = positive("value", m.value.as_ref())?;
    let description = Description::from_proto(
        m.description.as_ref().ok_or_else(|| StakingError::InvalidRequest("empty description".into()))?,
    );
    description.validate()?;
    let commission = CommissionRates::from_proto(
        m.commission.as_ref().ok_or_else(|| StakingError::InvalidRequest("commission rates are missing".into()))?,
    )?;
    commission.validate()?;
    let min_self_delegation = positive_int("minimum self delegation", &m.min_self_delegation)?;
    if value.amount < min_self_delegation {
        return Err(StakingError::SelfDelegationBelowMinimum(format!("{} < {min_self_delegation}", value.amount)));
    }
    Ok(StakingMsg::CreateValidator(CreateValidator { operator, consensus_key, description, commission, min_self_delegation, value }))
}

fn edit_validator(m: pb::MsgEditValidator) -> Result<StakingMsg, StakingError> {
    let operator = valoper("validator_address", &m.validator_address)?;
    let description = Description::from_proto(
        m.description.as_ref().ok_or_else(|| StakingError::InvalidRequest("empty description".into()))?,
    );
    let commission_rate = match m.commission_rate.as_str() {
        "" => None,
        rate => {
            let rate = Dec::from_atto_str(rate).map_err(|e| StakingError::InvalidRequest(format!("commission rate: {e}")))?;
            if rate > Dec::ONE {
                return Err(StakingError::InvalidRequest("commission rate must be between 0 and 1 (inclusive)".into()));
            }
            Some(rate)
        }
    };
    let min_self_delegation = match m.min_self_delegation.as_str() {
        "" => None,
        value => Some(positive_int("minimum self delegation", value)?),
    };
    Ok(StakingMsg::EditValidator(EditValidator { operator, description, commission_rate, min_self_delegation }))
}
