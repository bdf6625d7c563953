//! What the state machine knows about the block being executed: it comes from the block
//! header, never from the local clock.

/// Block-level context handed to every handler.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct BlockContext {
    pub chain_id: String,
    pub height: u64,
    /// Block time from the header, seconds since the Unix epoch.
    pub time_unix_secs: i64,
    /// Nanoseconds part of the block time.
    pub time_nanos: u32,
}
