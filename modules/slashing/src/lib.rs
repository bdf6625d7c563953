//! `slashing`: the one place where validator penalties are decided (`cosmos.slashing.v1beta1`).
//!
//! Liveness: each block, every validator of the decided last commit that did not vote (an
//! Absent vote) has a bit set in its window of `signed_blocks_window` blocks; past the first
//! window after it started, more than `window − min_signed × window` misses slash
//! `slash_fraction_downtime` of the stake it had two blocks before, jail it until
//! `downtime_jail_duration` has passed, and reset its window. Double signing and light-client
//! attacks from CometBFT's misbehaviour list slash `slash_fraction_double_sign` at the
//! infraction, jail, and tombstone the validator for ever (evidence older than the consensus
//! evidence age is ignored). Staking is reached through the narrow [`StakingKeeper`].
//!
//! Providers are judged here too ([`provider`], `agora.slashing.v1`): liveness challenges
//! drawn by capacity, answered by `MsgChallengeResponse`, misses slashed and jailed through
//! the narrow [`provider::ProviderPenaltyKeeper`].
#![deny(clippy::unwrap_used)]

pub mod component;
pub mod error;
pub mod genesis;
pub mod keepers;
pub mod msg;
pub mod params;
pub mod provider;
pub mod query;
pub mod state;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use component::{is_tombstoned, validator_bonded, SlashingComponent};
pub use error::SlashingError;
pub use genesis::GenesisState;
pub use keepers::{ConsensusKeeper, StakingKeeper, ValidatorView};
pub use params::Params;
pub use state::{SigningInfo, SlashingRead};

/// A tombstoned validator's jail end: never (shown as the SDK's `DoubleSignJailEndTime`,
/// 9999-12-31T23:59:59Z, which nanoseconds in a u64 cannot reach).
pub const TOMBSTONE_JAIL_END: u64 = u64::MAX;

/// 9999-12-31T23:59:59Z in seconds since the Unix epoch.
pub const DOUBLE_SIGN_JAIL_END_SECS: i64 = 253_402_300_799;
