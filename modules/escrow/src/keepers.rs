//! What escrow needs from bank, declared here and implemented by the application over bank's
//! own API: moving deposits in and payouts out of the escrow module account, and reading that
//! account's balance for the conservation invariant.

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coins, Denom, Event};

use crate::EscrowError;

pub trait BankKeeper: Send + Sync {
    /// Moves coins between two accounts, all or nothing.
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, EscrowError>;

    /// The balance of `address` in `denom`.
    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &Denom) -> Result<u128, EscrowError>;

    /// The take of a payment to `provider` leaves the escrow account `from` at `height`. Where
    /// it goes is the application's business; by default, all of it to the community pool (the
    /// application also gives the incentive pool its share and credits the provider with the
    /// take it paid).
    fn collect_take(&self, state: &mut dyn StateWrite, from: &Address, _provider: &Address, take: &Coins, _height: u64) -> Result<Vec<Event>, EscrowError> {
        self.send_coins(state, from, &Address::module(crate::COMMUNITY_POOL), take)
    }
}
