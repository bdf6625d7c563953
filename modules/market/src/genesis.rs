//! Deployment and market genesis: parameters, and (in an exported state) every record. The
//! indexes (open orders, auction and expiry queues, provider indexes, a group's active lease)
//! are rebuilt from the records; the pruning schedule, which records do not imply, is carried
//! as it is.

use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_store::{StateRead, StateWrite};
use prost::Message;
use serde::{Deserialize, Serialize};

use crate::ids::{BidId, DeploymentId, GroupId, OrderId};
use crate::params::{DeploymentParams, MarketParams};
use crate::state::{keys, MarketRead, MarketWrite};
use crate::MarketError;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentGenesis {
    #[serde(default)]
    pub params: DeploymentParams,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deployments: Vec<dpb::Deployment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<dpb::Group>,
    /// Per owner, the highest dseq of a pruned deployment: ids at or below it are not reused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pruned: Vec<PrunedDseq>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrunedDseq {
    pub owner: agora_types::Address,
    pub dseq: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketGenesis {
    #[serde(default)]
    pub params: MarketParams,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orders: Vec<mpb::Order>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bids: Vec<mpb::Bid>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leases: Vec<mpb::Lease>,
    /// The last bid sequence number given out (auction ties go to the earlier bid).
    #[serde(default)]
    pub bid_seq: u64,
    /// Closed orders and deployments waiting out `retention_blocks`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prunes: Vec<PruneEntry>,
}

/// One entry of the pruning schedule: an order or a deployment, due at `height`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PruneEntry {
    pub height: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<mpb::OrderId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<dpb::DeploymentId>,
}

fn invalid(section: &str, what: String) -> MarketError {
    MarketError::InvalidParams(format!("{section} genesis: {what}"))
}

/// Writes the deployment parameters and records.
pub fn init_deployment<S: StateWrite>(state: &mut S, genesis: &DeploymentGenesis) -> Result<(), MarketError> {
    genesis.params.validate()?;
    state.put_deployment_params(&genesis.params);
    for (i, deployment) in genesis.deployments.iter().enumerate() {
        let id = DeploymentId::from_proto(&format!("deployments[{i}].id"), deployment.id.as_ref())?;
        if state.deployment(&id)?.is_some() {
            return Err(invalid("deployment", format!("deployments[{i}]: {id} appears twice")));
        }
        state.put_deployment(&id, deployment);
    }
    for (i, group) in genesis.groups.iter().enumerate() {
        let id = GroupId::from_proto(&format!("groups[{i}].id"), group.id.as_ref())?;
        if state.deployment(&id.deployment())?.is_none() {
            return Err(invalid("deployment", format!("groups[{i}]: deployment {} is missing", id.deployment())));
        }
        state.put_group(&id, group);
    }
    for entry in &genesis.pruned {
        state.put_raw(keys::pruned_dseq(&entry.owner), entry.dseq.to_be_bytes().to_vec());
    }
    Ok(())
}

/// Writes the market parameters and records, and rebuilds their indexes.
pub fn init_market<S: StateWrite>(state: &mut S, genesis: &MarketGenesis) -> Result<(), MarketError> {
    genesis.params.validate()?;
    state.put_market_params(&genesis.params);
    for (i, order) in genesis.orders.iter().enumerate() {
        let id = OrderId::from_proto(&format!("orders[{i}].id"), order.id.as_ref())?;
        if state.group(&id.group())?.is_none() {
            return Err(invalid("market", format!("orders[{i}]: group {} is missing", id.group())));
        }
        state.put_order(&id, order);
        if order.state == mpb::OrderState::Open as i32 {
            if order.auction_height > 0 {
                keys::AUCTION_QUEUE.insert(state, order.auction_height, &id.to_bytes())?;
            }
            keys::EXPIRY_QUEUE.insert(state, order.expires_height, &id.to_bytes())?;
        }
    }
    for (i, bid) in genesis.bids.iter().enumerate() {
        let id = BidId::from_proto(&format!("bids[{i}].id"), bid.id.as_ref())?;
        if state.order(&id.order())?.is_none() {
            return Err(invalid("market", format!("bids[{i}]: order {} is missing", id.order())));
        }
        state.put_bid(&id, bid);
    }
    for (i, lease) in genesis.leases.iter().enumerate() {
        let id = BidId::from_proto(&format!("leases[{i}].id"), lease.id.as_ref())?;
        if state.bid(&id)?.is_none() {
            return Err(invalid("market", format!("leases[{i}]: bid {id} is missing")));
        }
        state.put_lease(&id, lease);
    }
    if genesis.bid_seq > 0 {
        state.put_raw(keys::BID_SEQ.to_vec(), genesis.bid_seq.to_be_bytes().to_vec());
    }
    for (i, entry) in genesis.prunes.iter().enumerate() {
        let (kind, id) = match (&entry.order, &entry.deployment) {
            (Some(order), None) => (keys::PRUNE_ORDER, OrderId::from_proto(&format!("prunes[{i}].order"), Some(order))?.to_bytes()),
            (None, Some(deployment)) => {
                (keys::PRUNE_DEPLOYMENT, DeploymentId::from_proto(&format!("prunes[{i}].deployment"), Some(deployment))?.to_bytes())
            }
            _ => return Err(invalid("market", format!("prunes[{i}]: name exactly one of order and deployment"))),
        };
        keys::PRUNE_QUEUE.insert(state, entry.height, &[&[kind], id.as_slice()].concat())?;
    }
    Ok(())
}

fn decode_all<S: StateRead + ?Sized, M: Message + Default>(state: &S, prefix: &[u8], what: &str) -> Result<Vec<M>, MarketError> {
    state
        .prefix_raw(prefix, None)
        .map(|item| {
            let (_, value) = item?;
            M::decode(value.as_slice()).map_err(|e| MarketError::Internal(format!("corrupt {what}: {e}")))
        })
        .collect()
}

/// `h` for a chain whose block 1 follows `height`: what was at or before it is 0.
fn since(h: u64, height: u64) -> u64 {
    h.saturating_sub(height)
}

/// A height something is due at, for a chain whose block 1 follows `height`: what was due
/// at or before it is due at block 1; 0 (nothing due) stays 0.
fn due(h: u64, height: u64) -> u64 {
    if h == 0 {
        0
    } else {
        h.saturating_sub(height).max(1)
    }
}

/// The deployment parameters and every deployment and group, heights rebased to `height`.
pub fn export_deployment<S: StateRead + ?Sized>(state: &S, height: u64) -> Result<DeploymentGenesis, MarketError> {
    let mut deployments: Vec<dpb::Deployment> = decode_all(state, keys::DEPLOYMENTS, "deployment")?;
    for deployment in &mut deployments {
        deployment.created_height = since(deployment.created_height, height);
    }
    let mut groups: Vec<dpb::Group> = decode_all(state, keys::GROUPS, "group")?;
    for group in &mut groups {
        group.created_height = since(group.created_height, height);
    }
    let mut pruned = Vec::new();
    for item in state.prefix_raw(keys::PRUNED_DSEQ, None) {
        let (key, value) = item?;
        let corrupt = || MarketError::Internal("corrupt pruned dseq".into());
        let owner = agora_types::Address::from_slice(&key[keys::PRUNED_DSEQ.len()..]).map_err(|_| corrupt())?;
        pruned.push(PrunedDseq { owner, dseq: u64::from_be_bytes(value.as_slice().try_into().map_err(|_| corrupt())?) });
    }
    Ok(DeploymentGenesis { params: state.deployment_params()?, deployments, groups, pruned })
}

/// The market parameters, every order, bid and lease, the bid sequence and the pruning
/// schedule, heights rebased to `height`.
pub fn export_market<S: StateRead + ?Sized>(state: &S, height: u64) -> Result<MarketGenesis, MarketError> {
    let bid_seq = match state.get_raw(keys::BID_SEQ)? {
        Some(bytes) => u64::from_be_bytes(bytes.as_slice().try_into().map_err(|_| MarketError::Internal("corrupt bid sequence".into()))?),
        None => 0,
    };
    let mut prunes = Vec::new();
    for item in state.prefix_raw(keys::PRUNES, None) {
        let (key, _) = item?;
        let corrupt = || MarketError::Internal("corrupt pruning entry".into());
        let rest = &key[keys::PRUNES.len()..];
        let at = u64::from_be_bytes(rest.get(..8).ok_or_else(corrupt)?.try_into().map_err(|_| corrupt())?);
        let at = due(at, height);
        let (&kind, id) = rest.get(8..).and_then(<[u8]>::split_first).ok_or_else(corrupt)?;
        prunes.push(match kind {
            keys::PRUNE_ORDER => PruneEntry { height: at, order: Some(OrderId::from_bytes(id).ok_or_else(corrupt)?.to_proto()), deployment: None },
            keys::PRUNE_DEPLOYMENT => {
                PruneEntry { height: at, order: None, deployment: Some(DeploymentId::from_bytes(id).ok_or_else(corrupt)?.to_proto()) }
            }
            _ => return Err(corrupt()),
        });
    }
    let mut orders: Vec<mpb::Order> = decode_all(state, keys::ORDERS, "order")?;
    for order in &mut orders {
        order.created_height = since(order.created_height, height);
        order.auction_height = due(order.auction_height, height);
        order.expires_height = due(order.expires_height, height);
    }
    let mut bids: Vec<mpb::Bid> = decode_all(state, keys::BIDS, "bid")?;
    for bid in &mut bids {
        bid.created_height = since(bid.created_height, height);
    }
    let mut leases: Vec<mpb::Lease> = decode_all(state, keys::LEASES, "lease")?;
    for lease in &mut leases {
        lease.created_height = since(lease.created_height, height);
        lease.closed_height = due(lease.closed_height, height);
    }
    Ok(MarketGenesis { params: state.market_params()?, orders, bids, leases, bid_seq, prunes })
}
