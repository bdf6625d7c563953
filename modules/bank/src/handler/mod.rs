//! One file per message; `execute` is the module's exhaustive router.

mod multi_send;
mod send;

use agora_store::StateWrite;
use agora_types::{Address, Event};

use crate::{BankError, BankMsg};

/// Addresses that may not receive funds through bank messages (module accounts).
pub fn is_blocked(address: &Address) -> bool {
    *address == Address::module(agora_auth::FEE_COLLECTOR)
}

pub fn execute<S: StateWrite>(state: &mut S, msg: &BankMsg) -> Result<Vec<Event>, BankError> {
    match msg {
        BankMsg::Send(m) => send::execute(state, m),
        BankMsg::MultiSend(m) => multi_send::execute(state, m),
    }
}
