//! `provider`: the provider registry of Agora (providers with a host URI, attributes, typed
//! on-chain capacity and a bond) and `audit` (attributes that auditors sign for providers).
//!
//! The market module reads and changes a provider's allocation only through the keeper
//! traits [`ProviderRead`] / [`ProviderWrite`], and plans allocations with [`resources`].
#![deny(clippy::unwrap_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod bond;
pub mod component;
pub mod error;
pub mod event;
pub mod genesis;
pub mod handler;
pub mod keepers;
pub mod msg;
pub mod params;
pub mod penalty;
pub mod query;
pub mod resources;
pub mod state;
pub mod validate;

#[cfg(test)]
mod tests;

pub use component::{end_block, ProviderComponent};
pub use error::ProviderError;
pub use genesis::GenesisState;
pub use handler::execute;
pub use keepers::{BankKeeper, NoHooks, ProviderHooks};
pub use msg::{
    CreateProvider, DeleteProvider, DeleteProviderAttributes, DepositBond, ProviderMsg, SignProviderAttributes, UpdateProvider,
};
pub use params::Params;
pub use query::query;
pub use state::{is_offering, registered_gpus, ProviderRead, ProviderWrite};

/// Name of the module account that holds provider bonds.
pub const MODULE_ACCOUNT: &str = "provider";

/// Address of the module account that holds provider bonds.
pub fn module_address() -> agora_types::Address {
    agora_types::Address::module(MODULE_ACCOUNT)
}
