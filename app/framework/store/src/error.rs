//! The store's error type. Every fallible store operation returns it; nothing in the store panics.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("rocksdb: {0}")]
    Rocks(#[from] rocksdb::Error),
    #[error("cannot open the database at {path}: {reason}; a database written by another RocksDB major version (an Agora build before RocksDB 7.8 was linked) cannot be opened: wipe it (`scripts/localnet.sh reset` for the localnet)")]
    Open { path: String, reason: rocksdb::Error },
    #[error("timed out after {0} s waiting for RocksDB's background compactions")]
    CompactionWait(u64),
    #[error("merkle tree: {0}")]
    Jmt(String),
    #[error("corrupt store: {0}")]
    Corrupt(String),
    #[error("invalid store configuration: {0}")]
    InvalidConfig(String),
    #[error("version {requested} is pruned; the earliest kept is {earliest}")]
    VersionPruned { requested: u64, earliest: u64 },
    #[error("version {0} does not exist")]
    VersionNotFound(u64),
    #[error("commit of version {got} out of order: expected {expected}")]
    OutOfOrder { got: u64, expected: u64 },
    #[error("decode: {0}")]
    Decode(String),
    #[error("encode: {0}")]
    Encode(String),
    /// Raised by a gas-metered view, not by storage: the transaction ran out of gas.
    #[error("{0}")]
    OutOfGas(String),
}

/// jmt reports errors as `anyhow::Error`; keep the message.
impl From<anyhow::Error> for StoreError {
    fn from(e: anyhow::Error) -> Self {
        Self::Jmt(format!("{e:#}"))
    }
}
