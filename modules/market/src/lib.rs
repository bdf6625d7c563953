//! The compute market: deployments and their groups (`agora.deployment.v1`), and the orders,
//! bids and leases that place them with providers (`agora.market.v1`). Leases are paid through
//! `agora-escrow`; capacity and audited attributes come from `agora-provider`, each reached
//! only through the keeper traits the market declares ([`keepers`]) and the application wires.
//!
//! Deployment and market live in one crate because their lifecycles are one state machine: a
//! lease closing reopens its group's order, an empty escrow pauses groups, a deposit restarts
//! them. Split, each would need hooks into the other.
#![deny(clippy::unwrap_used)]

pub mod component;
pub mod error;
pub mod event;
pub mod genesis;
pub mod handler;
pub mod ids;
pub mod invariant;
pub mod keepers;
pub mod lifecycle;
pub mod msg;
pub mod params;
pub mod query;
pub mod spec;
pub mod state;

pub use component::{end_block, DeploymentComponent, MarketComponent, MarketEscrowHooks};
pub use error::MarketError;
pub use ids::{BidId, DeploymentId, GroupId, LeaseId, OrderId};
pub use keepers::{Allocation, BankKeeper, EscrowKeeper, Keepers, ProviderKeeper};
pub use msg::MarketMsg;
pub use params::{DeploymentParams, MarketParams};
pub use state::{MarketRead, MarketWrite};

/// Module account holding bid deposits.
pub const MARKET_MODULE: &str = "market";
