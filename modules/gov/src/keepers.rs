//! What governance needs from bank and staking, declared here and implemented by the
//! application over those modules' own APIs.

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coins, Dec, Event, TxError};

pub trait BankKeeper: Send + Sync {
    /// Moves coins between two accounts, all or nothing (`sdk` 5 if `from` lacks them).
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, TxError>;

    /// Destroys coins held by the module account `module` (it must be a burner).
    fn burn_coins(&self, state: &mut dyn StateWrite, module: &'static str, amount: &Coins) -> Result<Vec<Event>, TxError>;

    fn balances(&self, state: &dyn StateRead, address: &Address) -> Result<Coins, TxError>;

    /// Whether `address` may not receive coins from users (a module account that declared so).
    fn blocked(&self, state: &dyn StateRead, address: &Address) -> Result<bool, TxError>;
}

/// A bonded validator as the tally sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BondedValidator {
    pub operator: Address,
    pub tokens: u128,
    pub delegator_shares: Dec,
}

pub trait StakingKeeper: Send + Sync {
    /// The bonded validators, in operator order.
    fn bonded_validators(&self, state: &dyn StateRead) -> Result<Vec<BondedValidator>, TxError>;

    /// All bonded tokens (the bonded pool's balance).
    fn total_bonded_tokens(&self, state: &dyn StateRead) -> Result<u128, TxError>;

    /// Every validator `delegator` delegates to, with its shares, in validator order.
    fn delegations_of(&self, state: &dyn StateRead, delegator: &Address) -> Result<Vec<(Address, Dec)>, TxError>;
}
