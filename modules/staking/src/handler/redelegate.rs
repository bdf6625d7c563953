//! `MsgBeginRedelegate`: shares of one validator moved to another at once, without
//! unbonding; the moved stake stays answerable for the source's earlier faults until the
//! unbonding time has passed, and cannot move on again before that.

use agora_store::StateWrite;
use agora_types::{Address, Coin, Event, TxError};

use super::{completion, delegate, load_validator, shares_for_unbond, tx, unbond, Env, TokenSource};
use crate::state::{keys, StakingRead, StakingRecords};
use crate::types::{Redelegation, RedelegationEntry};
use crate::{event, StakingError};

pub(super) fn execute(
    mut state: &mut dyn StateWrite,
    env: &Env<'_>,
    delegator: &Address,
    src: &Address,
    dst: &Address,
    amount: &Coin,
) -> Result<Vec<Event>, TxError> {
    env.check_denom(amount).map_err(|e| tx(&e))?;
    let mut source = load_validator(state, src).map_err(|e| tx(&e))?;
    let mut destination = state
        .validator(dst)
        .map_err(|e| tx(&e))?
        .ok_or_else(|| tx(&StakingError::BadRedelegationDst(event::valoper(dst))))?;
    if state.has_receiving_redelegation(delegator, src).map_err(|e| tx(&e))? {
        return Err(tx(&StakingError::TransitiveRedelegation));
    }
    let mut red = state
        .redelegation(delegator, src, dst)
        .map_err(|e| tx(&e))?
        .unwrap_or(Redelegation { delegator: *delegator, src: *src, dst: *dst, entries: Vec::new() });
    if red.entries.len() >= env.params.max_entries as usize {
        return Err(tx(&StakingError::MaxRedelegationEntries(env.params.max_entries)));
    }
    let shares = shares_for_unbond(state, delegator, &source, amount.amount).map_err(|e| tx(&e))?;
    let source_status = source.status;
    let (tokens, mut events) = unbond(state, env, delegator, &mut source, shares)?;
    if tokens == 0 {
        return Err(tx(&StakingError::TinyRedelegation));
    }
    let (completion_time, complete_now) = completion(state, env, src).map_err(|e| tx(&e))?;
    let (shares_dst, delegated) = delegate(state, env, delegator, &mut destination, tokens, TokenSource::Pool(source_status))?;
    events.extend(delegated);
    if !complete_now {
        let unbonding_id = state.next_unbonding_id().map_err(|e| tx(&e))?;
        red.entries.push(RedelegationEntry {
            creation_height: env.ctx.height,
            completion_time,
            initial_balance: tokens,
            shares_dst,
            unbonding_id,
        });
        state.store_redelegation(&red).map_err(|e| tx(&e))?;
        let id = [delegator.as_bytes().as_slice(), src.as_bytes(), dst.as_bytes()].concat();
        keys::REDELEGATION_QUEUE.insert(&mut state, completion_time, &id).map_err(TxError::internal)?;
    }
    events.push(event::redelegate(src, dst, delegator, &env.coin(tokens), &event::rfc3339(completion_time)));
    Ok(events)
}
