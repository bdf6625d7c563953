//! `mint`: inflation (`cosmos.mint.v1beta1`), as the Cosmos SDK v0.50 `x/mint` computes it.
//!
//! At the start of every block the annual inflation rate moves toward the one that brings the
//! bonded ratio (bonded tokens / supply of the mint denom) to `goal_bonded`: it rises while
//! less is bonded, falls while more is, by at most `inflation_rate_change` a year, within
//! `[inflation_min, inflation_max]`. The block's provision, `inflation × supply /
//! blocks_per_year` rounded down, is minted into the `mint` module account and paid to the
//! fee collector, from where distribution shares it out with the fees. Every step rounds as
//! the SDK's `LegacyDec` does ([`math`]), so the chain mints to the atto what an SDK chain
//! in the same state would.
#![deny(clippy::unwrap_used)]

pub mod block;
pub mod component;
pub mod error;
pub mod event;
pub mod genesis;
pub mod invariant;
pub mod keepers;
pub mod math;
pub mod minter;
pub mod msg;
pub mod params;
pub mod query;
pub mod state;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

pub use component::MintComponent;
pub use error::MintError;
pub use genesis::GenesisState;
pub use keepers::{BankKeeper, StakingKeeper};
pub use minter::{bonded_ratio, Minter};
pub use msg::MintMsg;
pub use params::Params;
pub use state::MintRead;

/// The module account the provisions are minted into (a minter; the SDK's name, so its
/// address matches).
pub const MINT_MODULE: &str = "mint";
/// The module account that receives every block's provision (and the transaction fees).
pub const FEE_COLLECTOR: &str = "fee_collector";
