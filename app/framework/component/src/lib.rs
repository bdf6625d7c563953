//! The component framework: the one trait every Agora module implements ([`Component`]), and
//! the ordered registry the application is built from ([`Components`]).
//!
//! A component brings its genesis section (validate, init), its block hooks
//! (`begin_block`, `end_block` with validator and consensus-parameter updates), its messages
//! (registered by type URL, each decoded into the module's own message type that names its
//! signers), its query services and its invariants. The application lists its components
//! once, in the order their hooks run; routing, genesis sections, gRPC service names and
//! module accounts all come from that list.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod authority;
mod component;
mod erased;
mod isolate;
mod outcome;
mod registry;

pub use authority::{invalid_params, parse_authority, Authority, MsgRouter, NoRouter, GOVERNANCE_MODULE};
pub use component::{CheckTxScope, Component, ComponentMsg, ModuleAccount, NoMessages, Permissions, Wiring};
pub use isolate::{entry_failed, isolated, parked_key};
pub use outcome::{BlockHooksOutcome, EndBlockOutcome, ValidatorKey, ValidatorUpdate};
pub use registry::{Components, ComponentsBuilder, RegistryError, RoutedMsg, VersionMap};

/// CometBFT's consensus parameters as `FinalizeBlock` and `InitChain` return them.
pub use tendermint_proto::v0_38::types::ConsensusParams;
