use std::collections::BTreeSet;

use agora_store::StateWrite;
use agora_types::{Address, Event};

use super::check_recipient;
use crate::{BankError, BankRead, BankWrite, Send};

pub fn execute<S: StateWrite>(state: &mut S, msg: &Send, blocked: &BTreeSet<Address>) -> Result<Vec<Event>, BankError> {
    let params = state.bank_params()?;
    if let Some(coin) = msg.amount.iter().find(|c| !params.is_send_enabled(&c.denom)) {
        return Err(BankError::SendDisabled(coin.denom.to_string()));
    }
    check_recipient(&msg.to, blocked)?;
    state.send_coins(&msg.from, &msg.to, &msg.amount)
}
