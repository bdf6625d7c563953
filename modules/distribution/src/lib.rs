//! `distribution`: fees and minted coins shared among the validators that signed the last
//! block, in proportion to their power, after the community tax; commission first, the rest to
//! delegators (`cosmos.distribution.v1beta1`).
//!
//! Each validator keeps a cumulative reward-per-share index per denom. A block's allocation
//! adds `reward / shares` to it (rounded down, the remainder carried to the next block), so it
//! costs O(validators in the last commit); a delegation's rewards are `shares × (index now −
//! index when it last changed)`, computed when it withdraws or its shares change. Because
//! shares do not change when a validator is slashed (tokens do), no slash has to be replayed.
#![deny(clippy::unwrap_used)]

pub mod allocate;
pub mod component;
pub mod dec_coins;
pub mod error;
pub mod genesis;
pub mod keepers;
pub mod msg;
pub mod params;
pub mod query;
pub mod rewards;
pub mod state;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use component::DistributionComponent;
pub use dec_coins::DecCoins;
pub use error::DistributionError;
pub use genesis::GenesisState;
pub use keepers::{BankKeeper, StakingKeeper, ValidatorInfo};
pub use params::Params;
pub use rewards::{after_delegation_modified, before_delegation_modified, before_validator_removed, validator_created, validator_slashed};
pub use state::DistributionRead;

/// Holds every validator's outstanding rewards (the Cosmos SDK's name, so its address matches).
pub const DISTRIBUTION_MODULE: &str = "distribution";
/// Holds the community pool; the marketplace's take lands here too.
pub const COMMUNITY_POOL: &str = "community_pool";
/// Where the ante handler puts fees and mint its provisions.
pub const FEE_COLLECTOR: &str = "fee_collector";
