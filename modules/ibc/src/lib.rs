//! `ibc`: IBC core (02-client with 07-tendermint light clients, 03-connection, 04-channel)
//! and ICS-20 fungible token transfers, through ibc-rs's contexts over Agora's store.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod component;
pub mod context;
pub mod error;
pub mod invariant;
pub mod keepers;
pub mod msg;
pub mod params;
pub mod query;
pub mod query_core;
pub mod state;
pub mod transfer;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;

pub use component::{GenesisState, IbcComponent};
pub use error::IbcError;
pub use keepers::{BankKeeper, StakingKeeper, UpgradeKeeper};
pub use msg::IbcMsg;
