//! Node-local settings of the application (not consensus: each operator sets its own, and
//! none of them decides whether a transaction or a block is valid).

use std::time::Duration;

use agora_auth::ante::MinGasPrice;

/// Gas one query or `Simulate` may burn when the chain sets no lower block gas limit (the
/// Cosmos SDK's `query-gas-limit`): a public endpoint must not run unbounded work for free.
pub const DEFAULT_QUERY_GAS_LIMIT: u64 = 100_000_000;

/// How long a query may wait for a worker and then run before it is refused.
pub const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(10);

/// Queries that run at once by default (the rest wait; see [`crate::query_pool`]): half the
/// machine's cores, at least one, so that block execution always has cores of its own.
pub fn default_query_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |cores| cores.get() / 2).max(1)
}

#[derive(Clone, Debug)]
pub struct AppConfig {
    /// Minimum gas prices enforced in `CheckTx` (mempool admission only).
    pub min_gas_prices: Vec<MinGasPrice>,
    /// Most gas a query's store reads, or a `Simulate`, may use (a simulation is capped
    /// further by the block gas limit, if any).
    pub query_gas_limit: u64,
    /// Most time a query may spend waiting for a worker, and then again running.
    pub query_timeout: Duration,
    /// Queries (ABCI, gRPC and REST together) that run at once, each on its own thread.
    pub query_workers: usize,
    /// Where a node that halts for an upgrade writes `upgrade-info.json` (the node's `data`
    /// directory, where cosmovisor looks); `None` writes nothing.
    pub upgrade_info_dir: Option<std::path::PathBuf>,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            min_gas_prices: Vec::new(),
            query_gas_limit: DEFAULT_QUERY_GAS_LIMIT,
            query_timeout: DEFAULT_QUERY_TIMEOUT,
            query_workers: default_query_workers(),
            upgrade_info_dir: None,
        }
    }
}
