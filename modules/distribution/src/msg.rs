//! Distribution's messages, decoded from the standard `cosmos.distribution.v1beta1` ones.

use agora_types::{Address, Coins, VALOPER_PREFIX};
use cosmos_sdk_proto::cosmos::distribution::v1beta1 as pb;
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::{DistributionError, Params};

pub const MSG_SET_WITHDRAW_ADDRESS_URL: &str = "/cosmos.distribution.v1beta1.MsgSetWithdrawAddress";
pub const MSG_WITHDRAW_DELEGATOR_REWARD_URL: &str = "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward";
pub const MSG_WITHDRAW_VALIDATOR_COMMISSION_URL: &str = "/cosmos.distribution.v1beta1.MsgWithdrawValidatorCommission";
pub const MSG_FUND_COMMUNITY_POOL_URL: &str = "/cosmos.distribution.v1beta1.MsgFundCommunityPool";
pub const MSG_COMMUNITY_POOL_SPEND_URL: &str = "/cosmos.distribution.v1beta1.MsgCommunityPoolSpend";
pub const MSG_UPDATE_PARAMS_URL: &str = "/cosmos.distribution.v1beta1.MsgUpdateParams";

pub const MESSAGE_TYPES: &[&str] = &[
    MSG_SET_WITHDRAW_ADDRESS_URL,
    MSG_WITHDRAW_DELEGATOR_REWARD_URL,
    MSG_WITHDRAW_VALIDATOR_COMMISSION_URL,
    MSG_FUND_COMMUNITY_POOL_URL,
    MSG_COMMUNITY_POOL_SPEND_URL,
    MSG_UPDATE_PARAMS_URL,
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DistributionMsg {
    SetWithdrawAddress { delegator: Address, withdraw: Address },
    WithdrawDelegatorReward { delegator: Address, validator: Address },
    WithdrawValidatorCommission { operator: Address },
    FundCommunityPool { depositor: Address, amount: Coins },
    /// A governance spend from the community pool.
    CommunityPoolSpend { authority: Address, recipient: Address, amount: Coins },
    UpdateParams { authority: Address, params: Params },
}

fn account(field: &str, value: &str) -> Result<Address, DistributionError> {
    value.parse().map_err(|e: agora_types::AddressError| DistributionError::InvalidAddress(format!("{field}: {e}")))
}

fn valoper(field: &str, value: &str) -> Result<Address, DistributionError> {
    Address::from_bech32_with(value, VALOPER_PREFIX).map_err(|e| DistributionError::InvalidAddress(format!("{field}: {e}")))
}

fn coins(protos: &[cosmos_sdk_proto::cosmos::base::v1beta1::Coin]) -> Result<Coins, DistributionError> {
    let coins = Coins::from_protos(protos).map_err(|e| DistributionError::InvalidRequest(format!("invalid coins: {e}")))?;
    if coins.is_empty() || coins.iter().any(|c| c.amount == 0) {
        return Err(DistributionError::InvalidRequest("amount must be positive".into()));
    }
    Ok(coins)
}

impl DistributionMsg {
    pub fn type_url(&self) -> &'static str {
        match self {
            Self::SetWithdrawAddress { .. } => MSG_SET_WITHDRAW_ADDRESS_URL,
            Self::WithdrawDelegatorReward { .. } => MSG_WITHDRAW_DELEGATOR_REWARD_URL,
            Self::WithdrawValidatorCommission { .. } => MSG_WITHDRAW_VALIDATOR_COMMISSION_URL,
            Self::FundCommunityPool { .. } => MSG_FUND_COMMUNITY_POOL_URL,
            Self::CommunityPoolSpend { .. } => MSG_COMMUNITY_POOL_SPEND_URL,
            Self::UpdateParams { .. } => MSG_UPDATE_PARAMS_URL,
        }
    }

    pub fn signers(&self) -> Vec<Address> {
        match self {
            Self::SetWithdrawAddress { delegator, .. } | Self::WithdrawDelegatorReward { delegator, .. } => vec![*delegator],
            Self::WithdrawValidatorCommission { operator } => vec![*operator],
            Self::FundCommunityPool { depositor, .. } => vec![*depositor],
            Self::CommunityPoolSpend { authority, .. } | Self::UpdateParams { authority, .. } => vec![*authority],
        }
    }

    pub fn decode(any: &Any) -> Result<Self, DistributionError> {
        fn decode<M: Message + Default>(any: &Any) -> Result<M, DistributionError> {
            M::decode(any.value.as_slice()).map_err(|e| DistributionError::InvalidRequest(format!("cannot decode {}: {e}", any.type_url)))
        }
        match any.type_url.as_str() {
            MSG_SET_WITHDRAW_ADDRESS_URL => {
                let m: pb::MsgSetWithdrawAddress = decode(any)?;
                Ok(Self::SetWithdrawAddress {
                    delegator: account("delegator_address", &m.delegator_address)?,
                    withdraw: account("withdraw_address", &m.withdraw_address)?,
                })
            }
            MSG_WITHDRAW_DELEGATOR_REWARD_URL => {
                let m: pb::MsgWithdrawDelegatorReward = decode(any)?;
                Ok(Self::WithdrawDelegatorReward {
                    delegator: account("delegator_address", &m.delegator_address)?,
                    validator: valoper("validator_address", &m.validator_address)?,
                })
            }
            MSG_WITHDRAW_VALIDATOR_COMMISSION_URL => {
                let m: pb::MsgWithdrawValidatorCommission = decode(any)?;
                Ok(Self::WithdrawValidatorCommission { operator: valoper("validator_address", &m.validator_address)? })
            }
            MSG_FUND_COMMUNITY_POOL_URL => {
                let m: pb::MsgFundCommunityPool = decode(any)?;
                Ok(Self::FundCommunityPool { depositor: account("depositor", &m.depositor)?, amount: coins(&m.amount)? })
            }
            MSG_COMMUNITY_POOL_SPEND_URL => {
                let m: pb::MsgCommunityPoolSpend = decode(any)?;
                Ok(Self::CommunityPoolSpend {
                    authority: account("authority", &m.authority)?,
                    recipient: account("recipient", &m.recipient)?,
                    amount: coins(&m.amount)?,
                })
            }
            MSG_UPDATE_PARAMS_URL => {
                let m: pb::MsgUpdateParams = decode(any)?;
                let params = m.params.as_ref().ok_or_else(|| DistributionError::InvalidParams("params are missing".into()))?;
                Ok(Self::UpdateParams { authority: account("authority", &m.authority)?, params: Params::from_proto(params)? })
            }
            other => Err(DistributionError::InvalidRequest(format!("distribution has no message {other:?}"))),
        }
    }
}
