//! Node-local settings of the application (not consensus: each operator sets its own).

use agora_auth::ante::MinGasPrice;
use agora_tx::DecodeLimits;

#[derive(Clone, Debug, Default)]
pub struct AppConfig {
    /// Minimum gas prices enforced in `CheckTx` (mempool admission only).
    pub min_gas_prices: Vec<MinGasPrice>,
    /// Stateless limits applied to every transaction.
    pub decode_limits: DecodeLimits,
}
