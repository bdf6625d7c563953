//! `bank`: balances and total supply per denom, denom metadata, and the standard
//! `cosmos.bank.v1beta1` messages and queries, so Cosmos wallets send tokens unchanged.
#![deny(clippy::unwrap_used)]

pub mod component;
pub mod error;
pub mod event;
pub mod genesis;
pub mod handler;
pub mod invariant;
pub mod msg;
pub mod params;
pub mod query;
pub mod state;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use component::BankComponent;
pub use error::BankError;
pub use genesis::GenesisState;
pub use msg::{BankMsg, MultiSend, Send};
pub use params::Params;
pub use state::{BankRead, BankWrite};
