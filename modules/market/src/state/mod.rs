//! Typed access to market state as extension traits over any store view. Index entries are
//! maintained by the `put_*` functions, so a record and its indexes cannot drift apart.

pub mod keys;

use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt};

use agora_types::Address;

use crate::ids::{BidId, DeploymentId, GroupId, OrderId};
use crate::params::{DeploymentParams, MarketParams};
use crate::MarketError;

fn corrupt(what: &str) -> MarketError {
    MarketError::Internal(format!("corrupt {what} record"))
}

pub trait MarketRead: StateRead {
    fn deployment_params(&self) -> Result<DeploymentParams, MarketError> {
        match self.get_proto::<dpb::Params>(keys::DEPLOYMENT_PARAMS)? {
            Some(p) => DeploymentParams::from_proto(p),
            None => Ok(DeploymentParams::default()),
        }
    }

    fn market_params(&self) -> Result<MarketParams, MarketError> {
        match self.get_proto::<mpb::Params>(keys::MARKET_PARAMS)? {
            Some(p) => MarketParams::from_proto(p),
            None => Ok(MarketParams::default()),
        }
    }

    fn deployment(&self, id: &DeploymentId) -> Result<Option<dpb::Deployment>, MarketError> {
        Ok(self.get_proto(&keys::deployment(id))?)
    }

    fn group(&self, id: &GroupId) -> Result<Option<dpb::Group>, MarketError> {
        Ok(self.get_proto(&keys::group(id))?)
    }

    /// Every group of a deployment, by gseq.
    fn groups(&self, id: &DeploymentId) -> Result<Vec<dpb::Group>, MarketError> {
        let mut out = Vec::new();
        for item in self.prefix_raw(&keys::groups_of(id), None) {
            let (_, value) = item?;
            out.push(prost::Message::decode(value.as_slice()).map_err(|_| corrupt("group"))?);
        }
        Ok(out)
    }

    fn order(&self, id: &OrderId) -> Result<Option<mpb::Order>, MarketError> {
        Ok(self.get_proto(&keys::order(id))?)
    }

    fn bid(&self, id: &BidId) -> Result<Option<mpb::Bid>, MarketError> {
        Ok(self.get_proto(&keys::bid(id))?)
    }

    fn lease(&self, id: &BidId) -> Result<Option<mpb::Lease>, MarketError> {
        Ok(self.get_proto(&keys::lease(id))?)
    }

    /// The bids of an order in a given state, by provider.
    fn bids_in_state(&self, order: &OrderId, state: mpb::BidState) -> Result<Vec<mpb::Bid>, MarketError> {
        let mut out = Vec::new();
        for item in self.prefix_raw(&keys::bids_of_order(order), None) {
            let (_, value) = item?;
            let bid: mpb::Bid = prost::Message::decode(value.as_slice()).map_err(|_| corrupt("bid"))?;
            if bid.state == state as i32 {
                out.push(bid);
            }
        }
        Ok(out)
    }

    /// The highest dseq of `owner`'s pruned deployments (0 if none was pruned).
    fn pruned_dseq(&self, owner: &Address) -> Result<u64, MarketError> {
        match self.get_raw(&keys::pruned_dseq(owner))? {
            Some(bytes) => Ok(u64::from_be_bytes(bytes.as_slice().try_into().map_err(|_| corrupt("pruned dseq"))?)),
            None => Ok(0),
        }
    }

    /// The active lease of a group, if any.
    fn group_lease(&self, id: &GroupId) -> Result<Option<BidId>, MarketError> {
        match self.get_raw(&keys::group_lease(id))? {
            Some(bytes) => BidId::from_bytes(&bytes).map(Some).ok_or_else(|| corrupt("group lease")),
            None => Ok(None),
        }
    }
}

impl<S: StateRead + ?Sized> MarketRead for S {}

pub trait MarketWrite: StateWrite + MarketRead {
    fn put_deployment_params(&mut self, params: &DeploymentParams) {
        self.put_proto(keys::DEPLOYMENT_PARAMS.to_vec(), &params.to_proto());
    }

    fn put_market_params(&mut self, params: &MarketParams) {
        self.put_proto(keys::MARKET_PARAMS.to_vec(), &params.to_proto());
    }

    fn put_deployment(&mut self, id: &DeploymentId, deployment: &dpb::Deployment) {
        self.put_proto(keys::deployment(id), deployment);
    }

    fn put_group(&mut self, id: &GroupId, group: &dpb::Group) {
        self.put_proto(keys::group(id), group);
    }

    /// Writes an order and keeps the open-orders index in step with its state.
    fn put_order(&mut self, id: &OrderId, order: &mpb::Order) {
        if order.state == mpb::OrderState::Open as i32 {
            self.put_raw(keys::open_order(id), Vec::new());
        } else {
            self.delete(keys::open_order(id));
        }
        self.put_proto(keys::order(id), order);
    }

    fn put_bid(&mut self, id: &BidId, bid: &mpb::Bid) {
        self.put_raw(keys::provider_bid(id), Vec::new());
        self.put_proto(keys::bid(id), bid);
    }

    /// Writes a lease and keeps the group's active-lease pointer in step with its state.
    fn put_lease(&mut self, id: &BidId, lease: &mpb::Lease) {
        if lease.state == mpb::LeaseState::Active as i32 {
            self.put_raw(keys::group_lease(&id.group()), id.to_bytes());
        } else {
            self.delete(keys::group_lease(&id.group()));
        }
        self.put_raw(keys::provider_lease(id), Vec::new());
        self.put_proto(keys::lease(id), lease);
    }

    /// The next chain-wide bid sequence number (orders bids by arrival for auction ties).
    fn next_bid_seq(&mut self) -> Result<u64, MarketError> {
        let current = match self.get_raw(keys::BID_SEQ)? {
            Some(bytes) => u64::from_be_bytes(bytes.as_slice().try_into().map_err(|_| corrupt("bid sequence"))?),
            None => 0,
        };
        let next = current.checked_add(1).ok_or_else(|| MarketError::Internal("bid sequence overflow".into()))?;
        self.put_raw(keys::BID_SEQ.to_vec(), next.to_be_bytes().to_vec());
        Ok(next)
    }
}

impl<S: StateWrite + ?Sized> MarketWrite for S {}
