//! `incentive`: rewards for GPU supply where on-chain demand needs it (`agora.incentive.v1`).
//!
//! A pool, funded every block from a share of the minted provision and of every take fee,
//! pays each epoch a budget per GPU class (governance's weights) for leased GPU-time and for
//! verified idle GPU-time, the latter scaled by the class's utilization; a provider's leased
//! reward is capped by the take its leases owe, so leasing to oneself never pays; rewards
//! vest and can be claimed. See the README for the rules and [`accrual`] for how the cost of
//! an epoch stays independent of the number of providers.
#![deny(clippy::unwrap_used)]

pub mod accrual;
pub mod class;
pub mod component;
pub mod epoch;
pub mod error;
pub mod event;
pub mod genesis;
pub mod invariant;
pub mod keepers;
pub mod math;
pub mod msg;
pub mod params;
pub mod query;
pub mod state;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

pub use class::GpuClassId;
pub use component::IncentiveComponent;
pub use error::IncentiveError;
pub use genesis::GenesisState;
pub use keepers::{BankKeeper, ClassCount, MarketKeeper, MintKeeper, ProviderGpus};
pub use msg::IncentiveMsg;
pub use params::{ClassWeight, Params};
pub use state::IncentiveRead;

/// The module account that holds the pool.
pub const MODULE_ACCOUNT: &str = "incentive";

pub fn module_address() -> agora_types::Address {
    agora_types::Address::module(MODULE_ACCOUNT)
}
