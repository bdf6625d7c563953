//! `MsgCancelUnbondingDelegation`: part or all of an unbonding entry delegated back to the
//! validator it was leaving.

use agora_store::StateWrite;
use agora_types::{Address, Coin, Event, TxError};

use super::{delegate, load_validator, tx, Env, TokenSource};
use crate::state::{StakingRead, StakingRecords};
use crate::types::BondStatus;
use crate::{event, StakingError};

pub(super) fn execute(
    mut state: &mut dyn StateWrite,
    env: &Env<'_>,
    delegator: &Address,
    operator: &Address,
    amount: &Coin,
    creation_height: u64,
) -> Result<Vec<Event>, TxError> {
    env.check_denom(amount).map_err(|e| tx(&e))?;
    let mut validator = load_validator(state, operator).map_err(|e| tx(&e))?;
    if validator.jailed {
        return Err(tx(&StakingError::ValidatorJailed(event::valoper(operator))));
    }
    let mut ubd = state.unbonding_delegation(delegator, operator).map_err(|e| tx(&e))?.ok_or_else(|| {
        tx(&StakingError::NoUnbondingDelegation(format!("{delegator} from {}", event::valoper(operator))))
    })?;
    let index = ubd
        .entries
        .iter()
        .position(|entry| entry.creation_height == creation_height)
        .ok_or_else(|| TxError::not_found(format!("unbonding delegation entry is not found at block height {creation_height}")))?;
    let entry = &mut ubd.entries[index];
    if entry.completion_time <= env.now() {
        return Err(TxError::invalid_request("unbonding delegation is already processed"));
    }
    if amount.amount > entry.balance {
        return Err(TxError::invalid_request(format!(
            "amount {} is greater than the unbonding delegation entry balance {}",
            amount.amount, entry.balance
        )));
    }
    entry.balance -= amount.amount;
    entry.initial_balance = entry.initial_balance.saturating_sub(amount.amount);
    if entry.balance == 0 {
        ubd.entries.remove(index);
    }
    state.store_unbonding(&ubd).map_err(|e| tx(&e))?;
    // The entry's tokens wait in the not-bonded pool.
    let (_, mut events) = delegate(state, env, delegator, &mut validator, amount.amount, TokenSource::Pool(BondStatus::Unbonding))?;
    events.push(event::cancel_unbonding(operator, delegator, amount, creation_height));
    Ok(events)
}
