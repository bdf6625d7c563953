//! `escrow`: one account per deployment, one payment per lease. Settlement is lazy and exact
//! (fixed-point rates; fractions carry over), and a depletion index lets `EndBlock` settle only
//! the accounts whose funds run out in that block.
#![deny(clippy::unwrap_used)]

pub mod account;
pub mod component;
pub mod error;
pub mod event;
pub mod genesis;
pub mod invariant;
pub mod keepers;
pub mod msg;
pub mod params;
pub mod query;
pub mod state;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;

pub use account::{Account, AccountId, AccountState, Payment, PaymentId, PaymentState};
pub use component::{settle_due, EscrowComponent, EscrowHooks};
pub use error::EscrowError;
pub use genesis::GenesisState;
pub use keepers::BankKeeper;
pub use params::Params;
pub use state::{EscrowRead, EscrowWrite};

/// Module account holding every escrowed deposit.
pub const ESCROW_MODULE: &str = "escrow";
/// Module account receiving the take rate (the community pool, spent by governance).
pub const COMMUNITY_POOL: &str = "community_pool";
