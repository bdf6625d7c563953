//! `gov`: proposals that carry messages, deposits, stake-weighted votes and the execution of
//! what passes, as the governance module account (`cosmos.gov.v1`).
//!
//! A proposal waits in its deposit period until its deposits reach the minimum, then is voted
//! on for the voting period. At the end of that period the tally counts each bonded
//! validator's vote for its delegators' shares, except the shares of delegators who voted
//! themselves; a proposal that passes runs its messages in order, all or nothing, each with
//! the governance account as its only signer. Both periods are time queues processed at the
//! end of the block, at most [`MAX_PROPOSALS_PER_BLOCK`] proposals per block.
#![deny(clippy::unwrap_used)]

pub mod component;
pub mod error;
pub mod genesis;
pub mod grants;
pub mod keepers;
pub mod legacy;
pub mod msg;
pub mod params;
pub mod proto;
pub mod query;
pub mod state;
pub mod tally;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use component::GovComponent;
pub use error::GovError;
pub use genesis::GenesisState;
pub use keepers::{BankKeeper, BondedValidator, StakingKeeper};
pub use params::Params;

/// The governance module account: holds deposits, signs what passed proposals execute.
pub const GOV_MODULE: &str = agora_component::GOVERNANCE_MODULE;
/// Longest metadata, title (bytes) and summary a proposal or vote may carry (the SDK's).
pub const MAX_METADATA_LEN: usize = 255;
pub const MAX_TITLE_LEN: usize = 255;
pub const MAX_SUMMARY_LEN: usize = 10_200;
/// Proposals whose deposit or voting period ends that one block processes at most; the
/// rest come first in the next block.
pub const MAX_PROPOSALS_PER_BLOCK: usize = 100;
