//! Market messages as validated domain types: each is built from its protobuf with `TryFrom`,
//! which runs every stateless check, so handlers never see a malformed message.

use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_types::{Address, Coin, DecCoin};
use prost::Name;

use crate::ids::{BidId, DeploymentId, GroupId, OrderId};
use crate::spec::{self, ValidSpec};
use crate::MarketError;

/// Bytes of a manifest version hash (SHA-256).
pub const VERSION_HASH_LEN: usize = 32;

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
        }]
    }

    pub fn type_url(&self) -> String {
        match self {
            Self::CreateDeployment(_) => dpb::MsgCreateDeployment::type_url(),
            Self::UpdateDeployment { .. } => dpb::MsgUpdateDeployment::type_url(),
            Self::CloseDeployment { .. } => dpb::MsgCloseDeployment::type_url(),
            Self::CloseGroup { .. } => dpb::MsgCloseGroup::type_url(),
            Self::PauseGroup { .. } => dpb::MsgPauseGroup::type_url(),
            Self::StartGroup { .. } => dpb::MsgStartGroup::type_url(),
            Self::DepositDeployment { .. } => dpb::MsgDepositDeployment::type_url(),
            Self::CreateBid(_) => mpb::MsgCreateBid::type_url(),
            Self::CloseBid { .. } => mpb::MsgCloseBid::type_url(),
            Self::CreateLease { .. } => mpb::MsgCreateLease::type_url(),
            Self::CloseLease { .. } => mpb::MsgCloseLease::type_url(),
            Self::WithdrawLease { .. } => mpb::MsgWithdrawLease::type_url(),
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
            | Self::DepositDeployment { .. } => "deployment",
            _ => "market",
        }
    }

    /// Decodes and validates a message by its type URL; `None` if the URL is not the market's.
    pub fn decode(type_url: &str, bytes: &[u8]) -> Option<Result<Self, MarketError>> {
        fn parse<M: prost::Message + Default>(bytes: &[u8]) -> Result<M, MarketError> {
            M::decode(bytes).map_err(|e| MarketError::InvalidRequest(format!("cannot decode message: {e}")))
        }
        let result = match type_url {
            u if u == dpb::MsgCreateDeployment::type_url() => parse::<dpb::MsgCreateDeployment>(bytes).and_then(create_deployment),
            u if u == dpb::MsgUpdateDeployment::type_url() => parse::<dpb::MsgUpdateDeployment>(bytes).and_then(|m| {
                Ok(Self::UpdateDeployment { id: DeploymentId::from_proto("id", m.id.as_ref())?, version_hash: version_hash(m.version_hash)? })
            }),
            u if u == dpb::MsgCloseDeployment::type_url() => parse::<dpb::MsgCloseDeployment>(bytes)
                .and_then(|m| Ok(Self::CloseDeployment { id: DeploymentId::from_proto("id", m.id.as_ref())? })),
            u if u == dpb::MsgCloseGroup::type_url() => {
                parse::<dpb::MsgCloseGroup>(bytes).and_then(|m| Ok(Self::CloseGroup { id: GroupId::from_proto("id", m.id.as_ref())? }))
            }
            u if u == dpb::MsgPauseGroup::type_url() => {
                parse::<dpb::MsgPauseGroup>(bytes).and_then(|m| Ok(Self::PauseGroup { id: GroupId::from_proto("id", m.id.as_ref())? }))
            }
            u if u == dpb::MsgStartGroup::type_url() => {
                parse::<dpb::MsgStartGroup>(bytes).and_then(|m| Ok(Self::StartGroup { id: GroupId::from_proto("id", m.id.as_ref())? }))
            }
            u if u == dpb::MsgDepositDeployment::type_url() => parse::<dpb::MsgDepositDeployment>(bytes).and_then(|m| {
                Ok(Self::DepositDeployment {
                    id: DeploymentId::from_proto("id", m.id.as_ref())?,
                    amount: positive_coin("amount", m.amount.as_ref())?,
                    depositor: m.depositor.parse().map_err(|e| MarketError::InvalidAddress(format!("depositor: {e}")))?,
                })
            }),
            u if u == mpb::MsgCreateBid::type_url() => parse::<mpb::MsgCreateBid>(bytes).and_then(create_bid),
            u if u == mpb::MsgCloseBid::type_url() => parse::<mpb::MsgCloseBid>(bytes).and_then(|m| {
                let reason = mpb::LeaseCloseReason::try_from(m.reason).map_err(|_| MarketError::InvalidCloseReason(m.reason))?;
                Ok(Self::CloseBid { id: BidId::from_proto("id", m.id.as_ref())?, reason })
            }),
            u if u == mpb::MsgCreateLease::type_url() => {
                parse::<mpb::MsgCreateLease>(bytes).and_then(|m| Ok(Self::CreateLease { id: BidId::from_proto("bid_id", m.bid_id.as_ref())? }))
            }
            u if u == mpb::MsgCloseLease::type_url() => {
                parse::<mpb::MsgCloseLease>(bytes).and_then(|m| Ok(Self::CloseLease { id: BidId::from_proto("id", m.id.as_ref())? }))
            }
            u if u == mpb::MsgWithdrawLease::type_url() => {
                parse::<mpb::MsgWithdrawLease>(bytes).and_then(|m| Ok(Self::WithdrawLease { id: BidId::from_proto("id", m.id.as_ref())? }))
            }
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
