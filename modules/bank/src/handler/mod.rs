//! One file per message; `execute` is the module's exhaustive router.

mod multi_send;
mod send;

use std::collections::BTreeSet;

use agora_store::StateWrite;
use agora_types::{Address, Event};

use crate::{BankError, BankMsg};

/// Refuses a recipient that is a module account without the `receive` permission, as the
/// code declares it (`blocked`, from the wiring: the table in state says the same for the
/// accounts of genesis, and the code also knows those an upgrade added). Its module accounts
/// for its balance exactly (fees, bonds, escrow, bid deposits, the community pool), and a coin
/// sent there by a bank message would break that module's conservation. Checked in memory,
/// as the Cosmos SDK checks its blocked addresses: a send reads no extra key.
fn check_recipient(recipient: &Address, blocked: &BTreeSet<Address>) -> Result<(), BankError> {
    if blocked.contains(recipient) {
        return Err(BankError::BlockedAddress(recipient.to_string()));
    }
    Ok(())
}

/// Executes a send; `MsgUpdateParams` is the component's (it holds the authority).
pub fn execute<S: StateWrite>(state: &mut S, msg: &BankMsg, blocked: &BTreeSet<Address>) -> Result<Vec<Event>, BankError> {
    match msg {
        BankMsg::Send(m) => send::execute(state, m, blocked),
        BankMsg::MultiSend(m) => multi_send::execute(state, m, blocked),
        BankMsg::UpdateParams { .. } => Err(BankError::Internal("MsgUpdateParams reached the send handler".into())),
    }
}
