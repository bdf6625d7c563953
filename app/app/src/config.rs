//! Node-local settings of the application (not consensus: each operator sets its own, and
//! none of them decides whether a transaction or a block is valid).

use agora_auth::ante::MinGasPrice;

/// Gas a `Simulate` query may burn when the chain sets no block gas limit (the Cosmos SDK's
/// `query-gas-limit`): a public endpoint must not run unbounded work for free.
pub const DEFAULT_SIMULATION_GAS_LIMIT: u64 = 100_000_000;

#[derive(Clone, Debug)]
pub struct AppConfig {
    /// Minimum gas prices enforced in `CheckTx` (mempool admission only).
    pub min_gas_prices: Vec<MinGasPrice>,
    /// Most gas a `Simulate` may use (capped further by the block gas limit, if any).
    pub simulation_gas_limit: u64,
    /// Where a node that halts for an upgrade writes `upgrade-info.json` (the node's `data`
    /// directory, where cosmovisor looks); `None` writes nothing.
    pub upgrade_info_dir: Option<std::path::PathBuf>,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self { min_gas_prices: Vec::new(), simulation_gas_limit: DEFAULT_SIMULATION_GAS_LIMIT, upgrade_info_dir: None }
    }
}
