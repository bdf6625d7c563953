use agora_store::StateWrite;
use agora_types::Event;

use super::BlockedAddresses;
use crate::{BankError, BankRead, BankWrite, Send};

pub fn execute<S: StateWrite>(state: &mut S, msg: &Send, blocked: &BlockedAddresses) -> Result<Vec<Event>, BankError> {
    let params = state.bank_params()?;
    if let Some(coin) = msg.amount.iter().find(|c| !params.is_send_enabled(&c.denom)) {
        return Err(BankError::SendDisabled(coin.denom.to_string()));
    }
    if blocked.contains(&msg.to) {
        return Err(BankError::BlockedAddress(msg.to.to_string()));
    }
    state.send_coins(&msg.from, &msg.to, &msg.amount)
}
