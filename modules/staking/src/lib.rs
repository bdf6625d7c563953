//! `staking`: validators, delegations and the active validator set (`cosmos.staking.v1beta1`).
//!
//! A validator holds `tokens` and issues `delegator_shares`; a delegation is a number of
//! shares, so the shares are an exchange rate and a slash, which lowers tokens only, lowers
//! every delegator's stake at once. At the end of every block in which a validator's power
//! could have changed, the top `max_validators` by power (tokens / 10^6) are bonded and only
//! the differences from the last set are sent to CometBFT. Unbonding delegations,
//! redelegations and unbonding validators wait in time queues keyed by completion time.
#![deny(clippy::unwrap_used)]

pub mod block;
pub mod component;
pub mod error;
pub mod event;
pub mod genesis;
pub mod handler;
pub mod historical;
pub mod hooks;
pub mod invariant;
pub mod keepers;
pub mod msg;
pub mod params;
pub mod query;
pub mod slash;
pub mod state;
pub mod types;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use component::StakingComponent;
pub use error::StakingError;
pub use genesis::GenesisState;
pub use hooks::StakingHooks;
pub use keepers::BankKeeper;
pub use msg::StakingMsg;
pub use params::Params;
pub use state::StakingRead;
pub use types::{BondStatus, Delegation, Redelegation, UnbondingDelegation, Validator};

/// Holds the tokens of bonded validators (the Cosmos SDK's name, so its address matches).
pub const BONDED_POOL: &str = "bonded_tokens_pool";
/// Holds the tokens of unbonding and unbonded validators and of unbonding delegations.
pub const NOT_BONDED_POOL: &str = "not_bonded_tokens_pool";
/// Tokens per unit of consensus power.
pub const POWER_REDUCTION: u128 = 1_000_000;

/// Consensus power of `tokens` (saturating: a power beyond `i64::MAX / 8` is refused by
/// CometBFT anyway, and the set's total is checked before it is sent).
pub fn power_of(tokens: u128) -> u64 {
    u64::try_from(tokens / POWER_REDUCTION).unwrap_or(u64::MAX)
}
