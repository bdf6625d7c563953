//! One file per message; `execute` is the module's exhaustive router.

mod multi_send;
mod send;

use agora_store::StateWrite;
use agora_types::{Address, Event};

use crate::{BankError, BankMsg};

/// Module accounts whose balances other modules account for exactly (fees, bonds, escrow,
/// bid deposits, the community pool): bank messages may not send to them, or the modules'
/// conservation checks would find coins nobody put there through them.
pub const BLOCKED_MODULE_ACCOUNTS: &[&str] = &[agora_auth::FEE_COLLECTOR, "provider", "escrow", "market", "community_pool"];

/// Addresses that may not receive funds through bank messages (module accounts).
pub fn is_blocked(address: &Address) -> bool {
    BLOCKED_MODULE_ACCOUNTS.iter().any(|name| *address == Address::module(name))
}

pub fn execute<S: StateWrite>(state: &mut S, msg: &BankMsg) -> Result<Vec<Event>, BankError> {
    match msg {
        BankMsg::Send(m) => send::execute(state, m),
        BankMsg::MultiSend(m) => multi_send::execute(state, m),
    }
}
