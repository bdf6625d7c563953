//! What staking needs from bank, declared here and implemented by the application over
//! bank's own API: moving tokens between accounts and its two pools, burning slashed tokens,
//! and reading the pools' balances for the invariants.

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coins, Denom, Event};

use crate::StakingError;

pub trait BankKeeper: Send + Sync {
    /// Moves coins between two accounts, all or nothing (`sdk` 5 if `from` lacks them).
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, StakingError>;

    /// Destroys coins held by the module account `module` (it must be a burner).
    fn burn_coins(&self, state: &mut dyn StateWrite, module: &'static str, amount: &Coins) -> Result<Vec<Event>, StakingError>;

    /// The balance of `address` in `denom`.
    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &Denom) -> Result<u128, StakingError>;
}
