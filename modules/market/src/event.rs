//! Typed events of every market transition, so an explorer can follow deployments, orders,
//! bids and leases from CometBFT's event index alone (e.g. `lease_closed.provider='agora1…'`).

use agora_types::{Event, TypedEvent};

use crate::ids::{BidId, DeploymentId, GroupId, OrderId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarketEvent {
    DeploymentCreated { id: DeploymentId, version: String },
    DeploymentUpdated { id: DeploymentId, version: String },
    DeploymentClosed { id: DeploymentId },
    /// A group changed state (`open`, `paused`, `insufficient_funds`, `closed`).
    GroupStateChanged { id: GroupId, state: &'static str },
    OrderCreated { id: OrderId, auction_height: u64, expires_height: u64 },
    /// An order closed without a lease (`expired`, `group_closed`, `group_paused`, `insufficient_funds`).
    OrderClosed { id: OrderId, reason: &'static str },
    BidCreated { id: BidId, price: String },
    BidClosed { id: BidId },
    BidLost { id: BidId },
    LeaseCreated { id: BidId, price: String, by_auction: bool },
    LeaseClosed { id: BidId, reason: &'static str },
    /// A provider closed an active lease itself: its bid deposit went to the tenant.
    ExitFeePaid { id: BidId, amount: String },
}

fn deployment(kind: &str, id: &DeploymentId) -> Event {
    Event::new(kind).attr("owner", id.owner).attr("dseq", id.dseq)
}

fn group(kind: &str, id: &GroupId) -> Event {
    deployment(kind, &id.deployment()).attr("gseq", id.gseq)
}

fn order(kind: &str, id: &OrderId) -> Event {
    group(kind, &id.group()).attr("oseq", id.oseq)
}

fn bid(kind: &str, id: &BidId) -> Event {
    order(kind, &id.order()).attr("provider", id.provider)
}

impl TypedEvent for MarketEvent {
    fn to_event(&self) -> Event {
        match self {
            Self::DeploymentCreated { id, version } => deployment("deployment_created", id).attr("version", version),
            Self::DeploymentUpdated { id, version } => deployment("deployment_updated", id).attr("version", version),
            Self::DeploymentClosed { id } => deployment("deployment_closed", id),
            Self::GroupStateChanged { id, state } => group("group_state_changed", id).attr("state", state),
            Self::OrderCreated { id, auction_height, expires_height } => order("order_created", id)
                .attr("auction_height", auction_height)
                .attr("expires_height", expires_height),
            Self::OrderClosed { id, reason } => order("order_closed", id).attr("reason", reason),
            Self::BidCreated { id, price } => bid("bid_created", id).attr("price", price),
            Self::BidClosed { id } => bid("bid_closed", id),
            Self::BidLost { id } => bid("bid_lost", id),
            Self::LeaseCreated { id, price, by_auction } => {
                bid("lease_created", id).attr("price", price).attr("by_auction", by_auction)
            }
            Self::LeaseClosed { id, reason } => bid("lease_closed", id).attr("reason", reason),
            Self::ExitFeePaid { id, amount } => bid("lease_exit_fee", id).attr("amount", amount),
        }
    }
}
