//! Agora's state store.
//!
//! * [`StateRead`] / [`StateWrite`]: synchronous key-value access used by every module.
//! * [`StateDelta`]: a fork-and-apply write buffer; a transaction runs in a fork of the block's
//!   delta and its changes are applied only if it succeeds.
//! * [`Storage`]: RocksDB + Jellyfish Merkle trees. Each substore (`main`, `ibc`, …) has its own
//!   tree; a root tree maps substore names to their roots, and its root is the app hash, so a
//!   value is proven with two ICS-23 proofs. One RocksDB write batch per block.
//! * [`Snapshot`]: a consistent read view of one committed version.
//! * [`HeightQueue`]: entries due at a block height, taken by `EndBlock` hooks.
//! * [`WeightedSet`]: ids drawn by weight in O(log n) point reads (a Fenwick tree in state).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod delta;
mod error;
mod layout;
mod prefetch;
mod queue;
mod snapshot;
mod state;
mod storage;
mod weighted;
#[cfg(test)]
mod test_util;

pub use delta::{Changes, StateDelta};
pub use error::StoreError;
pub use queue::HeightQueue;
pub use snapshot::Snapshot;
pub use weighted::WeightedSet;
pub use state::{EmptyState, Key, StateRead, StateReadExt, StateWrite, StateWriteExt, Value};
pub use storage::{
    proof_spec, substore_of, PreparedCommit, Storage, StorageConfig, DEFAULT_SUBSTORES, EMPTY_APP_HASH,
    MAIN_SUBSTORE,
};
