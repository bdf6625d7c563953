//! What the provider registry needs from bank, declared here and implemented by the
//! application over bank's own API: locking bonds in the `provider` module account and
//! returning them.

use agora_bank::BankError;
use agora_store::StateWrite;
use agora_types::{Address, Coins, Event};

pub trait BankKeeper: Send + Sync {
    /// Moves coins between two accounts, all or nothing.
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, BankError>;
}
