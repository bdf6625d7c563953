//! One file per message; `execute` is the module's exhaustive router.

mod multi_send;
mod send;

use std::collections::BTreeSet;

use agora_store::StateWrite;
use agora_types::{Address, Event};

use crate::{BankError, BankMsg, BankRead};

/// Refuses a recipient that is a module account without the `receive` permission, by the
/// code's declarations (`blocked`) or by bank's table in state: its module accounts for its
/// balance exactly (fees, bonds, escrow, bid deposits, the community pool), and a coin sent
/// there by a bank message would break that module's conservation.
fn check_recipient<S: StateWrite>(state: &S, recipient: &Address, blocked: &BTreeSet<Address>) -> Result<(), BankError> {
    let refused = blocked.contains(recipient) || state.module_permissions(recipient)?.is_some_and(|p| !p.receive);
    if refused {
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
