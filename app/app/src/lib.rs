//! The Agora ABCI application.
//!
//! The state machine (`App`) is synchronous and deterministic; `abci` adapts it to CometBFT
//! through tower-abci, and `grpc` serves the same queries over gRPC. A block runs as:
//! decode and verify signatures of all its transactions in parallel, execute them in order
//! (ante handler, then messages, each in its own fork of the block state), compute the app
//! hash, and persist everything in one write batch at `Commit`.
#![deny(clippy::unwrap_used)]

pub mod abci;
pub mod app;
pub mod components;
pub mod config;
pub mod descriptors;
pub mod exec;
pub mod fault;
pub mod genesis;
pub mod genutil;
pub mod grpc;
pub mod harness;
pub mod incentives;
pub mod keepers;
pub mod metered;
pub mod node_services;
pub mod provider_penalties;
pub mod query;
pub mod query_pool;
pub mod rest;
pub mod upgrades;

pub use app::App;
pub use components::{components, components_builder};
pub use config::AppConfig;
