//! Staking's end-of-block work: the active set (only when a validator's power or jailing
//! changed, walking at most `max_validators` entries of the power index), then what matured:
//! unbonding validators, unbonding delegations (paid out) and redelegations.

use std::collections::BTreeMap;

use agora_component::{entry_failed, isolated, ValidatorKey, ValidatorUpdate};
use agora_store::StateWrite;
use agora_types::{Address, Event, TxError};

use crate::handler::{remove_validator, tx, Env};
use crate::state::{keys, power_index_key, StakingRead, StakingRecords};
use crate::types::BondStatus;
use crate::{event, StakingError, NOT_BONDED_POOL};

/// Matured entries of each queue settled per block at most; the rest wait for the next
/// blocks, earliest first.
pub const MAX_MATURED_PER_BLOCK: usize = 1_000;

/// Recomputes the active set if anything that ranks validators changed, bonding those that
/// enter and starting the unbonding of those that leave; returns the power changes for
/// CometBFT (a power of 0 removes a validator).
pub(crate) fn apply_validator_set_updates(mut state: &mut dyn StateWrite, env: &Env<'_>) -> Result<(Vec<ValidatorUpdate>, Vec<Event>), TxError> {
    if state.get_raw(keys::SET_CHANGED).map_err(TxError::internal)?.is_none() {
        return Ok((Vec::new(), Vec::new()));
    }
    state.delete(keys::SET_CHANGED.to_vec());
    let mut last: BTreeMap<Address, u64> = state.last_powers().map_err(|e| tx(&e))?.into_iter().collect();
    let top: Vec<(Vec<u8>, Address)> = state
        .prefix_raw(keys::POWER_INDEX_PREFIX, None)
        .take(env.params.max_validators as usize)
        .map(|item| {
            let (key, _) = item.map_err(TxError::internal)?;
            let tail = key.get(keys::POWER_INDEX_PREFIX.len() + 8..).unwrap_or_default();
            let [operator] = keys::addresses::<1>(tail).ok_or_else(|| TxError::internal("corrupt power-index key"))?;
            Ok((key, operator))
        })
        .collect::<Result<_, TxError>>()?;

    let mut updates = Vec::new();
    let mut events = Vec::new();
    let mut total: u64 = 0;
    let (mut into_bonded, mut out_of_bonded) = (0u128, 0u128);
    for (key, operator) in top {
        let Some(mut validator) = state.validator(&operator).map_err(|e| tx(&e))? else {
            // An index entry without its record (a bug, never input): drop it, go on.
            state.delete(key);
            events.push(Event::new("staking_index_repaired").attr("validator", crate::event::valoper(&operator)));
            continue;
        };
        if validator.status != BondStatus::Bonded {
            if validator.status == BondStatus::Unbonding {
                keys::VALIDATOR_QUEUE.remove(&mut state, validator.unbonding_time, operator.as_bytes());
            }
            let indexed = power_index_key(&validator);
            into_bonded = into_bonded.saturating_add(validator.tokens);
            validator.status = BondStatus::Bonded;
            state.store_validator(&validator, indexed).map_err(|e| tx(&e))?;
            events.extend(env.hooks.after_validator_bonded(state, &validator, env.ctx.height)?);
        }
        let power = validator.power();
        if last.remove(&operator) != Some(power) {
            updates.push(ValidatorUpdate { key: ValidatorKey::Ed25519(validator.consensus_key), power });
            state.set_last_power(&operator, Some(power));
        }
        total = total.saturating_add(power);
    }
    // Whoever was in the set and no longer ranks (jailed, out-powered, emptied) leaves it.
    let unbonding_until = env.now().saturating_add(env.params.unbonding_nanos());
    for operator in last.into_keys() {
        let mut validator = crate::handler::load_validator(state, &operator).map_err(|e| tx(&e))?;
        let indexed = power_index_key(&validator);
        out_of_bonded = out_of_bonded.saturating_add(validator.tokens);
        validator.status = BondStatus::Unbonding;
        validator.unbonding_time = unbonding_until;
        validator.unbonding_height = env.ctx.height;
        keys::VALIDATOR_QUEUE.insert(&mut state, unbonding_until, operator.as_bytes()).map_err(TxError::internal)?;
        state.store_validator(&validator, indexed).map_err(|e| tx(&e))?;
        updates.push(ValidatorUpdate { key: ValidatorKey::Ed25519(validator.consensus_key), power: 0 });
        state.set_last_power(&operator, None);
    }
    // CometBFT halts on an empty set: keep the last one (nothing is applied) and say so.
    if total == 0 && !updates.is_empty() {
        return Err(TxError::internal("the active set would be empty: no validator is left with power; the set is kept"));
    }
    // One transfer for the net movement between the pools.
    if into_bonded > out_of_bonded {
        events.extend(env.move_between_pools(state, BondStatus::Unbonding, BondStatus::Bonded, into_bonded - out_of_bonded).map_err(|e| tx(&e))?);
    } else {
        events.extend(env.move_between_pools(state, BondStatus::Bonded, BondStatus::Unbonding, out_of_bonded - into_bonded).map_err(|e| tx(&e))?);
    }
    state.set_last_total_power(total);
    Ok((updates, events))
}

/// Unbonding validators whose unbonding time has passed become unbonded (deleted if no
/// shares are left).
pub(crate) fn unbond_mature_validators(mut state: &mut dyn StateWrite, env: &Env<'_>) -> Result<Vec<Event>, TxError> {
    let now = env.now();
    let due = keys::VALIDATOR_QUEUE.take_due(&mut state, now, MAX_MATURED_PER_BLOCK).map_err(TxError::internal)?;
    let mut events = Vec::new();
    for (at, id) in due {
        let done = isolated(&mut state, |fork| -> Result<Vec<Event>, TxError> {
            let [operator] = keys::addresses::<1>(&id).ok_or_else(|| TxError::internal("corrupt validator-queue entry"))?;
            let mut fork: &mut dyn StateWrite = fork;
            let Some(mut validator) = fork.validator(&operator).map_err(|e| tx(&e))? else { return Ok(Vec::new()) };
            // Re-bonded meanwhile, or its unbonding restarted later: not this entry's to end.
            if validator.status != BondStatus::Unbonding || validator.unbonding_time > now {
                return Ok(Vec::new());
            }
            let indexed = power_index_key(&validator);
            validator.status = BondStatus::Unbonded;
            if validator.delegator_shares.is_zero() {
                return remove_validator(fork, env, &validator, indexed);
            }
            fork.store_validator(&validator, indexed).map_err(|e| tx(&e))?;
            Ok(Vec::new())
        });
        match done {
            Ok(done) => events.extend(done),
            Err(error) => events.push(entry_failed(state, "staking", "unbonding_validator", at, &id, env.ctx.height, &error)),
        }
    }
    Ok(events)
}

/// Pays out the unbonding entries whose completion time has passed.
pub(crate) fn complete_unbondings(mut state: &mut dyn StateWrite, env: &Env<'_>) -> Result<Vec<Event>, TxError> {
    let now = env.now();
    let due = keys::UNBONDING_QUEUE.take_due(&mut state, now, MAX_MATURED_PER_BLOCK).map_err(TxError::internal)?;
    let mut events = Vec::new();
    for (at, id) in due {
        let done = isolated(&mut state, |fork| -> Result<Vec<Event>, TxError> {
            let [delegator, operator] = keys::addresses::<2>(&id).ok_or_else(|| TxError::internal("corrupt unbonding-queue entry"))?;
            let mut fork: &mut dyn StateWrite = fork;
            // Cancelled or paid with an earlier entry of the same pair.
            let Some(mut ubd) = fork.unbonding_delegation(&delegator, &operator).map_err(|e| tx(&e))? else { return Ok(Vec::new()) };
            let mut paid = 0u128;
            ubd.entries.retain(|entry| {
                let mature = entry.completion_time <= now;
                if mature {
                    paid = paid.saturating_add(entry.balance);
                }
                !mature
            });
            fork.store_unbonding(&ubd).map_err(|e| tx(&e))?;
            let mut events = Vec::new();
            if paid > 0 {
                events.extend(
                    env.bank
                        .send_coins(fork, &Address::module(NOT_BONDED_POOL), &delegator, &env.coins(paid))
                        .map_err(|e| tx(&e))?,
                );
            }
            events.push(event::complete_unbonding(&operator, &delegator, &env.coin(paid)));
            Ok(events)
        });
        match done {
            Ok(done) => events.extend(done),
            Err(error) => events.push(entry_failed(state, "staking", "unbonding", at, &id, env.ctx.height, &error)),
        }
    }
    Ok(events)
}

/// Drops the redelegation entries whose completion time has passed: the moved stake is no
/// longer answerable for the source's faults and may move again.
pub(crate) fn complete_redelegations(mut state: &mut dyn StateWrite, env: &Env<'_>) -> Result<Vec<Event>, TxError> {
    let now = env.now();
    let due = keys::REDELEGATION_QUEUE.take_due(&mut state, now, MAX_MATURED_PER_BLOCK).map_err(TxError::internal)?;
    let mut events = Vec::new();
    for (at, id) in due {
        let done = isolated(&mut state, |fork| -> Result<Vec<Event>, TxError> {
            let [delegator, src, dst] = keys::addresses::<3>(&id).ok_or_else(|| TxError::internal("corrupt redelegation-queue entry"))?;
            let mut fork: &mut dyn StateWrite = fork;
            let Some(mut red) = fork.redelegation(&delegator, &src, &dst).map_err(|e| tx(&e))? else { return Ok(Vec::new()) };
            let before = red.entries.len();
            red.entries.retain(|entry| entry.completion_time > now);
            if red.entries.len() == before {
                return Ok(Vec::new());
            }
            fork.store_redelegation(&red).map_err(|e| tx(&e))?;
            Ok(vec![event::complete_redelegation(&src, &dst, &delegator)])
        });
        match done {
            Ok(done) => events.extend(done),
            Err(error) => events.push(entry_failed(state, "staking", "redelegation", at, &id, env.ctx.height, &error)),
        }
    }
    Ok(events)
}

impl From<StakingError> for TxError {
    fn from(e: StakingError) -> Self {
        tx(&e)
    }
}
