//! What mint needs from other modules, declared here and implemented by the application:
//! from bank, minting into the `mint` module account, paying the fee collector and the supply
//! of the mint denom; from staking, the tokens bonded (the bonded pool's balance).

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coins, Denom, Event};

use crate::MintError;

pub trait BankKeeper: Send + Sync {
    /// Creates `amount` in the module account `module` (it must be a minter: `mint` is
    /// declared so by [`crate::MintComponent`]).
    fn mint_coins(&self, state: &mut dyn StateWrite, module: &'static str, amount: &Coins) -> Result<Vec<Event>, MintError>;

    /// Moves coins between two accounts, all or nothing.
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, MintError>;

    /// The total supply of `denom`.
    fn supply_of(&self, state: &dyn StateRead, denom: &Denom) -> Result<u128, MintError>;
}

pub trait StakingKeeper: Send + Sync {
    /// The tokens bonded to validators of the active set (the SDK's `TotalBondedTokens`).
    fn bonded_tokens(&self, state: &dyn StateRead) -> Result<u128, MintError>;
}
