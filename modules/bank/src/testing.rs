//! For tests of other crates only (feature `testing`): coins out of thin air, as genesis
//! creates them, without a minting module account.

use agora_store::StateWrite;
use agora_types::{Address, Coins};

use crate::state::BankRecords;

/// Creates `amount` in `to` and raises the supply to match, so supply invariants still hold.
pub fn fund<S: StateWrite + ?Sized>(state: &mut S, to: &Address, amount: &Coins) {
    if let Err(error) = state.issue(to, amount) {
        panic!("funding {to} with {amount} in a test: {error}");
    }
}
