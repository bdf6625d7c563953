use std::collections::BTreeSet;

use agora_store::StateWrite;
use agora_types::{Address, Event, TypedEvent};

use super::check_recipient;
use crate::event::Transfer;
use crate::state::BankRecords;
use crate::{BankError, BankRead, MultiSend};

pub fn execute<S: StateWrite>(state: &mut S, msg: &MultiSend, blocked: &BTreeSet<Address>) -> Result<Vec<Event>, BankError> {
    let params = state.bank_params()?;
    let (sender, total) = &msg.input;
    if let Some(coin) = total.iter().find(|c| !params.is_send_enabled(&c.denom)) {
        return Err(BankError::SendDisabled(coin.denom.to_string()));
    }
    for (recipient, _) in &msg.outputs {
        check_recipient(recipient, blocked)?;
    }
    let mut events = vec![state.subtract_coins(sender, total)?];
    for (recipient, amount) in &msg.outputs {
        events.push(state.add_coins(recipient, amount)?);
        events.push(Transfer { sender, recipient, amount }.to_event());
    }
    Ok(events)
}
