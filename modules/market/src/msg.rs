//! Market messages as validated domain types: each is built from its protobuf with `TryFrom`,
//! which runs every stateless check, so handlers never see a malformed message.

use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_types::{Address, Coin, DecCoin};

use crate::ids::{BidId, DeploymentId, GroupId, OrderId};
use crate::spec::{self, ValidSpec};
use crate::MarketError;

/// Bytes of a manifest version hash (SHA-256).
pub const VERSION_HASH_LEN: usize = 32;

pub const MSG_CREATE_DEPLOYMENT_URL: &str = "/agora.deployment.v1.MsgCreateDeployment";
pub const MSG_UPDATE_DEPLOYMENT_URL: &str = "/agora.deployment.v1.MsgUpdateDeployment";
pub const MSG_CLOSE_DEPLOYMENT_URL: &str = "/agora.deployment.v1.MsgCloseDeployment";
pub const MSG_CLOSE_GROUP_URL: &str = "/agora.deployment.v1.MsgCloseGroup";
pub const MSG_PAUSE_GROUP_URL: &str = "/agora.deployment.v1.MsgPauseGroup";
pub const MSG_START_GROUP_URL: &str = "/agora.deployment.v1.MsgStartGroup";
pub const MSG_DEPOSIT_DEPLOYMENT_URL: &str = "/agora.deployment.v1.MsgDepositDeployment";
pub const MSG_UPDATE_DEPLOYMENT_PARAMS_URL: &str = "/agora.deployment.v1.MsgUpdateParams";
pub const MSG_CREATE_BID_URL: &str = "/agora.market.v1.MsgCreateBid";
pub const MSG_CLOSE_BID_URL: &str = "/agora.market.v1.MsgCloseBid";
pub const MSG_CREATE_LEASE_URL: &str = "/agora.market.v1.MsgCreateLease";
pub const MSG_CLOSE_LEASE_URL: &str = "/agora.market.v1.MsgCloseLease";
pub const MSG_WITHDRAW_LEASE_URL: &str = "/agora.market.v1.MsgWithdrawLease";
pub const MSG_UPDATE_MARKET_PARAMS_URL: &str = "/agora.market.v1.MsgUpdateParams";

/// Messages of `agora.deployment.v1`.
pub const DEPLOYMENT_TYPE_URLS: &[&str] = &[
    MSG_CREATE_DEPLOYMENT_URL,
    MSG_UPDATE_DEPLOYMENT_URL,
    MSG_CLOSE_DEPLOYMENT_URL,
    MSG_CLOSE_GROUP_URL,
    MSG_PAUSE_GROUP_URL,
    MSG_START_GROUP_URL,
    MSG_DEPOSIT_DEPLOYMENT_URL,
    MSG_UPDATE_DEPLOYMENT_PARAMS_URL,
];

/// Messages of `agora.market.v1`.
pub const MARKET_TYPE_URLS: &[&str] = &[
    MSG_CREATE_BID_URL,
    MSG_CLOSE_BID_URL,
    MSG_CREATE_LEASE_URL,
    MSG_CLOSE_LEASE_URL,
    MSG_WITHDRAW_LEASE_URL,
    MSG_UPDATE_MARKET_PARAMS_URL,
];

#[derive(Clone, Debug, PartialEq)]
pub enum MarketMsg {
    CreateDeployment(CreateDeployment),
    UpdateDeployment { id: DeploymentId, version_hash: Vec<u8> },
    CloseDeployment { id: DeploymentId },
    CloseGroup { id: GroupId },
    PauseGroup { id: GroupId },
    StartGroup { id: GroupId },
    DepositDeployment { id: DeploymentId, amount: Coin, depositor: Address },
    CreateBid(CreateBid),
    CloseBid { id: BidId, reason: mpb::LeaseCloseReason },
    CreateLease { id: BidId },
    CloseLease { id: BidId },
    WithdrawLease { id: BidId },
    /// New deployment parameters, checked against the authority when executed.
    UpdateDeploymentParams { authority: Address, params: crate::DeploymentParams },
    /// New market parameters, checked against the authority when executed.
    UpdateMarketParams { authority: Address, params: crate::MarketParams },
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateDeployment {
    pub id: DeploymentId,
    pub groups: Vec<ValidSpec>,
    pub deposit: Coin,
    pub version_hash: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateBid {
    pub order: OrderId,
    pub provider: Address,
    pub price: DecCoin,
    pub deposit: Coin,
}

impl MarketMsg {
    /// Addresses whose signatures the message requires.
    pub fn signers(&self) -> Vec<Address> {
        vec![match self {
            Self::CreateDeployment(m) => m.id.owner,
            Self::UpdateDeployment { id, .. } | Self::CloseDeployment { id } => id.owner,
            Self::CloseGroup { id } | Self::PauseGroup { id } | Self::StartGroup { id } => id.owner,
            Self::DepositDeployment { depositor, .. } => *depositor,
            Self::CreateBid(m) => m.provider,
            Self::CloseBid { id, .. } | Self::WithdrawLease { id } => id.provider,
            Self::CreateLease { id } | Self::CloseLease { id } => id.owner,
            Self::UpdateDeploymentParams { authority, .. } | Self::UpdateMarketParams { authority, .. } => *authority,
        }]
    }

    pub fn type_url(&self) -> &'static str {
        match self {
            Self::CreateDeployment(_) => MSG_CREATE_DEPLOYMENT_URL,
            Self::UpdateDeployment { .. } => MSG_UPDATE_DEPLOYMENT_URL,
            Self::CloseDeployment { .. } => MSG_CLOSE_DEPLOYMENT_URL,
            Self::CloseGroup { .. } => MSG_CLOSE_GROUP_URL,
            Self::PauseGroup { .. } => MSG_PAUSE_GROUP_URL,
            Self::StartGroup { .. } => MSG_START_GROUP_URL,
            Self::DepositDeployment { .. } => MSG_DEPOSIT_DEPLOYMENT_URL,
            Self::CreateBid(_) => MSG_CREATE_BID_URL,
            Self::CloseBid { .. } => MSG_CLOSE_BID_URL,
            Self::CreateLease { .. } => MSG_CREATE_LEASE_URL,
            Self::CloseLease { .. } => MSG_CLOSE_LEASE_URL,
            Self::WithdrawLease { .. } => MSG_WITHDRAW_LEASE_URL,
            Self::UpdateDeploymentParams { .. } => MSG_UPDATE_DEPLOYMENT_PARAMS_URL,
            Self::UpdateMarketParams { .. } => MSG_UPDATE_MARKET_PARAMS_URL,
        }
    }

    /// The module named in the Cosmos `message` event.
    pub fn module(&self) -> &'static str {
        match self {
            Self::CreateDeployment(_)
            | Self::UpdateDeployment { .. }
            | Self::CloseDeployment { .. }
            | Self::CloseGroup { .. }
            | Self::PauseGroup { .. }
            | Self::StartGroup { .. }
            | Self::DepositDeployment { .. }
            | Self::UpdateDeploymentParams { .. } => "deployment",
            _ => "market",
        }
    }

    /// Decodes and validates a message by its type URL; `None` if the URL is not the market's.
    pub fn decode(type_url: &str, bytes: &[u8]) -> Option<Result<Self, MarketError>> {
        fn parse<M: prost::Message + Default>(bytes: &[u8]) -> Result<M, MarketError> {
            M::decode(bytes).map_err(|e| MarketError::InvalidRequest(format!("cannot decode message: {e}")))
        }
        let result = match type_url {
            MSG_CREATE_DEPLOYMENT_URL => parse::<dpb::MsgCreateDeployment>(bytes).and_then(create_deployment),
            MSG_UPDATE_DEPLOYMENT_URL => parse::<dpb::MsgUpdateDeployment>(bytes).and_then(|m| {
                Ok(Self::UpdateDeployment { id: DeploymentId::from_proto("id", m.id.as_ref())?, version_hash: version_hash(m.version_hash)? })
            }),
            MSG_CLOSE_DEPLOYMENT_URL => parse::<dpb::MsgCloseDeployment>(bytes)
                .and_then(|m| Ok(Self::CloseDeployment { id: DeploymentId::from_proto("id", m.id.as_ref())? })),
            MSG_CLOSE_GROUP_URL => {
                parse::<dpb::MsgCloseGroup>(bytes).and_then(|m| Ok(Self::CloseGroup { id: GroupId::from_proto("id", m.id.as_ref())? }))
            }
            MSG_PAUSE_GROUP_URL => {
                parse::<dpb::MsgPauseGroup>(bytes).and_then(|m| Ok(Self::PauseGroup { id: GroupId::from_proto("id", m.id.as_ref())? }))
            }
            MSG_START_GROUP_URL => {
                parse::<dpb::MsgStartGroup>(bytes).and_then(|m| Ok(Self::StartGroup { id: GroupId::from_proto("id", m.id.as_ref())? }))
            }
            MSG_DEPOSIT_DEPLOYMENT_URL => parse::<dpb::MsgDepositDeployment>(bytes).and_then(|m| {
                Ok(Self::DepositDeployment {
                    id: DeploymentId::from_proto("id", m.id.as_ref())?,
                    amount: positive_coin("amount", m.amount.as_ref())?,
                    depositor: m.depositor.parse().map_err(|e| MarketError::InvalidAddress(format!("depositor: {e}")))?,
                })
            }),
            MSG_CREATE_BID_URL => parse::<mpb::MsgCreateBid>(bytes).and_then(create_bid),
            MSG_CLOSE_BID_URL => parse::<mpb::MsgCloseBid>(bytes).and_then(|m| {
                let reason = mpb::LeaseCloseReason::try_from(m.reason).map_err(|_| MarketError::InvalidCloseReason(m.reason))?;
                Ok(Self::CloseBid { id: BidId::from_proto("id", m.id.as_ref())?, reason })
            }),
            MSG_CREATE_LEASE_URL => {
                parse::<mpb::MsgCreateLease>(bytes).and_then(|m| Ok(Self::CreateLease { id: BidId::from_proto("bid_id", m.bid_id.as_ref())? }))
            }
            MSG_CLOSE_LEASE_URL => {
                parse::<mpb::MsgCloseLease>(bytes).and_then(|m| Ok(Self::CloseLease { id: BidId::from_proto("id", m.id.as_ref())? }))
            }
            MSG_WITHDRAW_LEASE_URL => {
                parse::<mpb::MsgWithdrawLease>(bytes).and_then(|m| Ok(Self::WithdrawLease { id: BidId::from_proto("id", m.id.as_ref())? }))
            }
            MSG_UPDATE_DEPLOYMENT_PARAMS_URL => parse::<dpb::MsgUpdateParams>(bytes).and_then(|m| {
                let params = m.params.ok_or_else(|| MarketError::InvalidParams("params are missing".into()))?;
                Ok(Self::UpdateDeploymentParams { authority: authority(&m.authority)?, params: crate::DeploymentParams::from_proto(params)? })
            }),
            MSG_UPDATE_MARKET_PARAMS_URL => parse::<mpb::MsgUpdateParams>(bytes).and_then(|m| {
                let params = m.params.ok_or_else(|| MarketError::InvalidParams("params are missing".into()))?;
                Ok(Self::UpdateMarketParams { authority: authority(&m.authority)?, params: crate::MarketParams::from_proto(params)? })
            }),
            _ => return None,
        };
        Some(result)
    }
}

fn positive_coin(field: &str, coin: Option<&cosmos_sdk_proto::cosmos::base::v1beta1::Coin>) -> Result<Coin, MarketError> {
    let coin = coin.ok_or_else(|| MarketError::InvalidDeposit(format!("{field} is required")))?;
    let coin = Coin::from_proto(coin).map_err(|e| MarketError::InvalidDeposit(format!("{field}: {e}")))?;
    if coin.amount == 0 {
        return Err(MarketError::InvalidDeposit(format!("{field} must be positive")));
    }
    Ok(coin)
}

fn version_hash(hash: Vec<u8>) -> Result<Vec<u8>, MarketError> {
    if hash.len() != VERSION_HASH_LEN {
        return Err(MarketError::InvalidVersion(format!(
            "version_hash must be {VERSION_HASH_LEN} bytes (a SHA-256 of the manifest), got {}",
            hash.len()
        )));
    }
    Ok(hash)
}

fn create_deployment(m: dpb::MsgCreateDeployment) -> Result<MarketMsg, MarketError> {
    let id = DeploymentId::from_proto("id", m.id.as_ref())?;
    if m.groups.is_empty() {
        return Err(MarketError::InvalidGroupSpec("a deployment needs at least one group".into()));
    }
    if m.groups.len() > crate::spec::MAX_UNITS * 4 {
        return Err(MarketError::TooMany { what: format!("{} groups", m.groups.len()), max: (crate::spec::MAX_UNITS * 4) as u32 });
    }
    let groups = m.groups.iter().enumerate().map(|(i, g)| spec::validate(&format!("groups[{i}]"), g)).collect::<Result<Vec<_>, _>>()?;
    for (i, g) in groups.iter().enumerate() {
        if groups[..i].iter().any(|other| other.proto.name == g.proto.name) {
            return Err(MarketError::InvalidGroupSpec(format!("groups[{i}]: duplicate group name {:?}", g.proto.name)));
        }
    }
    let deposit = positive_coin("deposit", m.deposit.as_ref())?;
    if let Some(g) = groups.iter().find(|g| g.max_price.denom != deposit.denom) {
        return Err(MarketError::InvalidDeposit(format!(
            "deposit is in {} but group {:?} is priced in {}",
            deposit.denom, g.proto.name, g.max_price.denom
        )));
    }
    Ok(MarketMsg::CreateDeployment(CreateDeployment { id, groups, deposit, version_hash: version_hash(m.version_hash)? }))
}

fn create_bid(m: mpb::MsgCreateBid) -> Result<MarketMsg, MarketError> {
    let order = OrderId::from_proto("order_id", m.order_id.as_ref())?;
    let provider: Address = m.provider.parse().map_err(|e| MarketError::InvalidAddress(format!("provider: {e}")))?;
    let price = m.price.as_ref().ok_or_else(|| MarketError::InvalidPrice("price is required".into()))?;
    let price = DecCoin::from_proto("price", price).map_err(MarketError::InvalidPrice)?;
    if price.amount.is_zero() {
        return Err(MarketError::InvalidPrice("price must be positive".into()));
    }
    let deposit = positive_coin("deposit", m.deposit.as_ref()).map_err(|e| match e {
        MarketError::InvalidDeposit(m) => MarketError::BidDepositTooSmall { got: m, min: "a positive amount".into() },
        other => other,
    })?;
    Ok(MarketMsg::CreateBid(CreateBid { order, provider, price, deposit }))
}

fn authority(value: &str) -> Result<Address, MarketError> {
    value.parse().map_err(|e| MarketError::InvalidAddress(format!("authority: {e}")))
}

#[cfg(test)]
mod tests {
    use prost::Name;

    use super::*;

    #[test]
    fn type_url_constants_are_the_protobuf_full_names() {
        let expected = [
            dpb::MsgCreateDeployment::type_url(),
            dpb::MsgUpdateDeployment::type_url(),
            dpb::MsgCloseDeployment::type_url(),
            dpb::MsgCloseGroup::type_url(),
            dpb::MsgPauseGroup::type_url(),
            dpb::MsgStartGroup::type_url(),
            dpb::MsgDepositDeployment::type_url(),
            dpb::MsgUpdateParams::type_url(),
            mpb::MsgCreateBid::type_url(),
            mpb::MsgCloseBid::type_url(),
            mpb::MsgCreateLease::type_url(),
            mpb::MsgCloseLease::type_url(),
            mpb::MsgWithdrawLease::type_url(),
            mpb::MsgUpdateParams::type_url(),
        ];
        let constants: Vec<&str> = DEPLOYMENT_TYPE_URLS.iter().chain(MARKET_TYPE_URLS).copied().collect();
        assert_eq!(constants, expected.iter().map(String::as_str).collect::<Vec<_>>());
    }
}
