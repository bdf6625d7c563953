//! Consensus parameters in state (see the README).
#![deny(clippy::unwrap_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod component;
pub mod proto;
mod state;
mod validate;

pub use component::{ConsensusComponent, ConsensusMsg, MSG_UPDATE_PARAMS_URL};
pub use state::{ConsensusRead, ConsensusWrite, PARAMS_KEY};
pub use validate::{validate, MAX_BLOCK_BYTES, MIN_BLOCK_BYTES, MIN_BLOCK_GAS};

/// CometBFT's consensus parameters (protobuf form).
pub use tendermint_proto::v0_38::types::ConsensusParams;
