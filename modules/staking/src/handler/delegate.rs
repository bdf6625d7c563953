//! `MsgDelegate`: tokens from the delegator's account to a validator, for shares.

use agora_store::StateWrite;
use agora_types::{Address, Coin, Event, TxError};

use super::{delegate, load_validator, tx, Env, TokenSource};
use crate::event;

pub(super) fn execute(state: &mut dyn StateWrite, env: &Env<'_>, delegator: &Address, operator: &Address, amount: &Coin) -> Result<Vec<Event>, TxError> {
    env.check_denom(amount).map_err(|e| tx(&e))?;
    let mut validator = load_validator(state, operator).map_err(|e| tx(&e))?;
    let (shares, mut events) = delegate(state, env, delegator, &mut validator, amount.amount, TokenSource::Account)?;
    events.push(event::delegate(operator, delegator, amount, &shares));
    Ok(events)
}
