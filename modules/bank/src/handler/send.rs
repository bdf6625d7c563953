use agora_store::StateWrite;
use agora_types::Event;

use super::is_blocked;
use crate::{BankError, BankRead, BankWrite, Send};

pub fn execute<S: StateWrite>(state: &mut S, msg: &Send) -> Result<Vec<Event>, BankError> {
    let params = state.bank_params()?;
    if let Some(coin) = msg.amount.iter().find(|c| !params.is_send_enabled(&c.denom)) {
        return Err(BankError::SendDisabled(coin.denom.to_string()));
    }
    if is_blocked(&msg.to) {
        return Err(BankError::BlockedAddress(msg.to.to_string()));
    }
    state.send_coins(&msg.from, &msg.to, &msg.amount)
}
