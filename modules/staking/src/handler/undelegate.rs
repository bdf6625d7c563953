//! `MsgUndelegate`: shares back to tokens, paid out when the unbonding time has passed (and
//! slashable until then for faults committed before).

use agora_store::StateWrite;
use agora_types::{Address, Coin, Event, TxError};

use super::{load_validator, shares_for_unbond, tx, unbond, Env};
use crate::state::{keys, StakingRead, StakingRecords};
use crate::types::{BondStatus, UnbondingDelegation, UnbondingEntry};
use crate::{event, StakingError};

pub(super) fn execute(mut state: &mut dyn StateWrite, env: &Env<'_>, delegator: &Address, operator: &Address, amount: &Coin) -> Result<Vec<Event>, TxError> {
    env.check_denom(amount).map_err(|e| tx(&e))?;
    let mut validator = load_validator(state, operator).map_err(|e| tx(&e))?;
    let mut ubd = state
        .unbonding_delegation(delegator, operator)
        .map_err(|e| tx(&e))?
        .unwrap_or(UnbondingDelegation { delegator: *delegator, validator: *operator, entries: Vec::new() });
    // A second undelegation in the same block joins that block's entry, as in the SDK.
    let joins = ubd.entries.iter().position(|e| e.creation_height == env.ctx.height);
    if joins.is_none() && ubd.entries.len() >= env.params.max_entries as usize {
        return Err(tx(&StakingError::MaxUnbondingEntries(env.params.max_entries)));
    }
    let shares = shares_for_unbond(state, delegator, &validator, amount.amount).map_err(|e| tx(&e))?;
    let was = validator.status;
    let (tokens, mut events) = unbond(state, env, delegator, &mut validator, shares)?;
    // Unbonding tokens wait in the not-bonded pool.
    events.extend(env.move_between_pools(state, was, BondStatus::Unbonding, tokens).map_err(|e| tx(&e))?);
    // The full unbonding time, whatever the validator's status (as the SDK): the stake stays
    // answerable for faults found later.
    let completion_time = env.now().saturating_add(env.params.unbonding_nanos());
    match joins.and_then(|i| ubd.entries.get_mut(i)) {
        Some(entry) => {
            entry.initial_balance = entry.initial_balance.saturating_add(tokens);
            entry.balance = entry.balance.saturating_add(tokens);
            state.store_unbonding(&ubd).map_err(|e| tx(&e))?;
        }
        None => {
            let unbonding_id = state.next_unbonding_id().map_err(|e| tx(&e))?;
            ubd.entries.push(UnbondingEntry { creation_height: env.ctx.height, completion_time, initial_balance: tokens, balance: tokens, unbonding_id });
            state.store_unbonding(&ubd).map_err(|e| tx(&e))?;
            keys::UNBONDING_QUEUE
                .insert(&mut state, completion_time, &[delegator.as_bytes().as_slice(), operator.as_bytes()].concat())
                .map_err(agora_types::TxError::internal)?;
        }
    }
    events.push(event::unbond(operator, delegator, &env.coin(tokens), &event::rfc3339(completion_time)));
    Ok(events)
}
