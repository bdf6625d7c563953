//! Provider penalties (`agora.slashing.v1`), decided here and applied through the narrow
//! [`ProviderPenaltyKeeper`] over the provider registry (bonds, jail) and incentives
//! (verified status, unvested rewards). Liveness challenges: [`challenge`]; tenant disputes:
//! [`dispute`], decided by panels of enrolled auditors ([`panel`]); fraud: [`fraud`].

pub mod attestation;
pub mod challenge;
pub mod dispute;
pub mod event;
pub mod fraud;
pub mod genesis;
pub mod hardware;
pub mod invariant;
pub mod keeper;
pub mod keys;
pub mod panel;
pub mod params;
pub mod query;
pub mod state;

pub use genesis::ProviderPenaltyGenesis;
pub use keeper::{ProviderPenaltyKeeper, ProviderStanding, SlashTo};
pub use params::ProviderParams;
pub use state::ProviderPenaltyRead;
