#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("rocksdb: {0}")]
    Rocks(#[from] rocksdb::Error),
    #[error("merkle tree: {0}")]
    Jmt(String),
    #[error("corrupt store: {0}")]
    Corrupt(String),
    #[error("version {requested} is pruned; the earliest kept is {earliest}")]
    VersionPruned { requested: u64, earliest: u64 },
    #[error("version {0} does not exist yet")]
    VersionNotFound(u64),
    #[error("range queries are only served at the latest height")]
    HistoricalRangeUnsupported,
    #[error("the snapshot at version {0} was superseded by a commit while reading; retry")]
    SnapshotSuperseded(u64),
    #[error("commit of version {got} out of order: expected {expected}")]
    OutOfOrder { got: u64, expected: u64 },
    #[error("decode: {0}")]
    Decode(String),
}

impl From<anyhow::Error> for StoreError {
    fn from(e: anyhow::Error) -> Self {
        Self::Jmt(e.to_string())
    }
}
