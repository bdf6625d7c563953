//! One file per message; `execute` is the module's exhaustive router.

mod multi_send;
mod send;

use std::collections::BTreeSet;

use agora_store::StateWrite;
use agora_types::{Address, Event};

use crate::{BankError, BankMsg};

/// Addresses that may not receive funds through bank messages: module accounts, whose
/// balances their modules account for exactly (fees, bonds, escrow, bid deposits, the
/// community pool); a coin sent there by a bank message would break those modules'
/// conservation checks.
#[derive(Clone, Debug, Default)]
pub struct BlockedAddresses(BTreeSet<Address>);

impl BlockedAddresses {
    pub fn new(addresses: impl IntoIterator<Item = Address>) -> Self {
        Self(addresses.into_iter().collect())
    }

    pub fn contains(&self, address: &Address) -> bool {
        self.0.contains(address)
    }
}

/// Executes a send; `MsgUpdateParams` is the component's (it holds the authority).
pub fn execute<S: StateWrite>(state: &mut S, msg: &BankMsg, blocked: &BlockedAddresses) -> Result<Vec<Event>, BankError> {
    match msg {
        BankMsg::Send(m) => send::execute(state, m, blocked),
        BankMsg::MultiSend(m) => multi_send::execute(state, m, blocked),
        BankMsg::UpdateParams { .. } => Err(BankError::Internal("MsgUpdateParams reached the send handler".into())),
    }
}
