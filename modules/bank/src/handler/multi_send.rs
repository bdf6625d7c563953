use agora_store::StateWrite;
use agora_types::{Event, TypedEvent};

use super::BlockedAddresses;
use crate::event::Transfer;
use crate::{BankError, BankRead, BankWrite, MultiSend};

pub fn execute<S: StateWrite>(state: &mut S, msg: &MultiSend, blocked: &BlockedAddresses) -> Result<Vec<Event>, BankError> {
    let params = state.bank_params()?;
    let (sender, total) = &msg.input;
    if let Some(coin) = total.iter().find(|c| !params.is_send_enabled(&c.denom)) {
        return Err(BankError::SendDisabled(coin.denom.to_string()));
    }
    if let Some((blocked, _)) = msg.outputs.iter().find(|(to, _)| blocked.contains(to)) {
        return Err(BankError::BlockedAddress(blocked.to_string()));
    }
    let mut events = vec![state.subtract_coins(sender, total)?];
    for (recipient, amount) in &msg.outputs {
        events.push(state.add_coins(recipient, amount)?);
        events.push(Transfer { sender, recipient, amount }.to_event());
    }
    Ok(events)
}
