//! One file per message; `execute` is the module's exhaustive router.

mod multi_send;
mod send;

use agora_store::StateWrite;
use agora_types::{Address, Event};

use crate::{BankError, BankMsg, BankRead};

/// Refuses a recipient that is a module account without the `receive` permission: its
/// module accounts for its balance exactly (fees, bonds, escrow, bid deposits, the community
/// pool), and a coin sent there by a bank message would break that module's conservation.
fn check_recipient<S: StateWrite>(state: &S, recipient: &Address) -> Result<(), BankError> {
    match state.module_permissions(recipient)? {
        Some(permissions) if !permissions.receive => Err(BankError::BlockedAddress(recipient.to_string())),
        _ => Ok(()),
    }
}

/// Executes a send; `MsgUpdateParams` is the component's (it holds the authority).
pub fn execute<S: StateWrite>(state: &mut S, msg: &BankMsg) -> Result<Vec<Event>, BankError> {
    match msg {
        BankMsg::Send(m) => send::execute(state, m),
        BankMsg::MultiSend(m) => multi_send::execute(state, m),
        BankMsg::UpdateParams { .. } => Err(BankError::Internal("MsgUpdateParams reached the send handler".into())),
    }
}
