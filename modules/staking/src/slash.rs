//! What the slashing module does to validators, through its keeper: jail, unjail, and slash
//! a fraction of the stake that was behind a fault (the validator's tokens, and the unbonding
//! and redelegated stake that left it after the fault). The slashed tokens are burned.

use std::collections::BTreeSet;

use agora_store::StateWrite;
use agora_types::{Address, BlockContext, Coin, ConsensusAddress, Dec, Event, TxError};

use crate::handler::{load_validator, pool_of, tx, unbond, Env};
use crate::hooks::StakingHooks;
use crate::keepers::BankKeeper;
use crate::state::{keys, power_index_key, StakingRead, StakingRecords};
use crate::types::BondStatus;
use crate::{StakingError, BONDED_POOL, NOT_BONDED_POOL, POWER_REDUCTION};

/// Staking as the slashing module reaches it (the application wires it to a keeper).
pub struct StakingKeeper<'a> {
    pub bank: &'a dyn BankKeeper,
    pub hooks: &'a dyn StakingHooks,
}

impl StakingKeeper<'_> {
    fn env<'c>(&'c self, state: &dyn StateWrite, ctx: &'c BlockContext) -> Result<Env<'c>, StakingError> {
        Ok(Env { bank: self.bank, hooks: self.hooks, ctx, params: state.staking_params()? })
    }

    /// Jails the validator: it leaves the active set at the end of the block.
    pub fn jail(&self, mut state: &mut dyn StateWrite, address: &ConsensusAddress) -> Result<(), StakingError> {
        let Some(mut validator) = state.validator_by_consensus(address)? else { return Ok(()) };
        if validator.jailed {
            return Ok(());
        }
        let indexed = power_index_key(&validator);
        validator.jailed = true;
        state.store_validator(&validator, indexed)
    }

    /// Unjails the validator (the slashing module checks that it may be).
    pub fn unjail(&self, mut state: &mut dyn StateWrite, operator: &Address) -> Result<(), StakingError> {
        let mut validator = load_validator(state, operator)?;
        if !validator.jailed {
            return Ok(());
        }
        let indexed = power_index_key(&validator);
        validator.jailed = false;
        state.store_validator(&validator, indexed)
    }

    /// Slashes `fraction` of the stake behind a fault at `infraction_height`, when the
    /// validator had `power`: unbonding entries and redelegations created at or after that
    /// height give up their share first, the validator's tokens the rest. Returns the coins
    /// burned (the slashing module reports them in its `slash` event).
    #[allow(clippy::too_many_arguments)]
    pub fn slash(
        &self,
        mut state: &mut dyn StateWrite,
        ctx: &BlockContext,
        address: &ConsensusAddress,
        infraction_height: u64,
        power: u64,
        fraction: Dec,
    ) -> Result<(Coin, Vec<Event>), TxError> {
        let env = self.env(state, ctx)?;
        let Some(mut validator) = state.validator_by_consensus(address)? else {
            // Deleted since (no shares left, unbonded): nothing is left to slash.
            return Ok((env.coin(0), Vec::new()));
        };
        if infraction_height > ctx.height {
            return Err(tx(&StakingError::Internal(format!("cannot slash at future height {infraction_height}"))));
        }
        let mut events = self.hooks.before_validator_slashed(state, &validator, fraction, infraction_height)?;
        let owed = Dec::from_units(u128::from(power).saturating_mul(POWER_REDUCTION)).checked_mul(fraction).and_then(Dec::floor).unwrap_or(0);
        let mut remaining = owed;
        let mut burned_not_bonded = 0u128;
        let mut burned_bonded = 0u128;
        if infraction_height < ctx.height {
            let (from_unbonding, taken) = slash_unbondings(state, &env, &validator.operator, infraction_height, fraction)?;
            remaining = remaining.saturating_sub(taken);
            burned_not_bonded = burned_not_bonded.saturating_add(from_unbonding);
            let (redelegated, taken, redelegation_events) = slash_redelegations(state, &env, &validator.operator, infraction_height, fraction)?;
            remaining = remaining.saturating_sub(taken);
            burned_bonded = burned_bonded.saturating_add(redelegated.0);
            burned_not_bonded = burned_not_bonded.saturating_add(redelegated.1);
            events.extend(redelegation_events);
            // Unbonding the redelegated shares may have changed this validator (never: the
            // redelegations left it), but reload to be exact.
            validator = state.validator_by_consensus(address)?.unwrap_or(validator);
        }
        let from_tokens = remaining.min(validator.tokens);
        let indexed = power_index_key(&validator);
        validator.tokens -= from_tokens;
        state.store_validator(&validator, indexed)?;
        match pool_of(validator.status) {
            BONDED_POOL => burned_bonded = burned_bonded.saturating_add(from_tokens),
            _ => burned_not_bonded = burned_not_bonded.saturating_add(from_tokens),
        }
        for (pool, amount) in [(BONDED_POOL, burned_bonded), (NOT_BONDED_POOL, burned_not_bonded)] {
            if amount > 0 {
                events.extend(self.bank.burn_coins(state, pool, &env.coins(amount))?);
            }
        }
        Ok((env.coin(burned_bonded.saturating_add(burned_not_bonded)), events))
    }
}

/// Cuts `fraction` of every unbonding entry from `operator` created at or after
/// `infraction_height` that has not matured; returns (tokens burned from the entries, tokens
/// of the slash they answered for).
fn slash_unbondings(mut state: &mut dyn StateWrite, env: &Env<'_>, operator: &Address, infraction_height: u64, fraction: Dec) -> Result<(u128, u128), TxError> {
    // Only the entries created at or after the fault, through the index by creation height.
    let prefix = keys::unbondings_by_height_from(operator);
    let start = [prefix.as_slice(), &infraction_height.to_be_bytes()].concat();
    let mut delegators = BTreeSet::new();
    for item in state.prefix_raw(&prefix, Some(&start)) {
        let (key, _) = item.map_err(TxError::internal)?;
        let [delegator] = key.get(prefix.len() + 8..).and_then(keys::addresses::<1>).ok_or_else(|| TxError::internal("corrupt unbonding height index"))?;
        delegators.insert(delegator);
    }
    let now = env.now();
    let (mut burned, mut answered) = (0u128, 0u128);
    for delegator in delegators {
        let Some(mut ubd) = state.unbonding_delegation(&delegator, operator)? else { continue };
        let mut changed = false;
        for entry in &mut ubd.entries {
            if entry.creation_height < infraction_height || entry.completion_time <= now {
                continue;
            }
            let share = Dec::from_units(entry.initial_balance).checked_mul(fraction).and_then(Dec::floor).unwrap_or(0);
            answered = answered.saturating_add(share);
            let cut = share.min(entry.balance);
            entry.balance -= cut;
            burned = burned.saturating_add(cut);
            changed |= cut > 0;
        }
        if changed {
            state.store_unbonding(&ubd)?;
        }
    }
    Ok((burned, answered))
}

/// ((burned from the bonded pool, from the not-bonded pool), tokens answered for, events).
type RedelegationSlash = ((u128, u128), u128, Vec<Event>);

/// Cuts `fraction` of every redelegation out of `operator` created at or after
/// `infraction_height` that has not matured, by unbonding that share of the destination
/// shares; returns ((burned from the bonded pool, from the not-bonded pool), tokens of the
/// slash they answered for, events).
fn slash_redelegations(
    mut state: &mut dyn StateWrite,
    env: &Env<'_>,
    operator: &Address,
    infraction_height: u64,
    fraction: Dec,
) -> Result<RedelegationSlash, TxError> {
    let prefix = keys::redelegations_by_height_from(operator);
    let start = [prefix.as_slice(), &infraction_height.to_be_bytes()].concat();
    let mut pairs = BTreeSet::new();
    for item in state.prefix_raw(&prefix, Some(&start)) {
        let (key, _) = item.map_err(TxError::internal)?;
        let [delegator, dst] = key.get(prefix.len() + 8..).and_then(keys::addresses::<2>).ok_or_else(|| TxError::internal("corrupt redelegation height index"))?;
        pairs.insert((delegator, dst));
    }
    let now = env.now();
    let (mut bonded, mut not_bonded, mut answered) = (0u128, 0u128, 0u128);
    let mut events = Vec::new();
    for (delegator, dst) in pairs {
        let Some(red) = state.redelegation(&delegator, operator, &dst)? else { continue };
        for entry in &red.entries {
            if entry.creation_height < infraction_height || entry.completion_time <= now {
                continue;
            }
            let owed = Dec::from_units(entry.initial_balance).checked_mul(fraction).and_then(Dec::floor).unwrap_or(0);
            let mut taken = 0u128;
            // First from the delegation the move created: that share of its destination shares.
            if let (Some(mut destination), Some(delegation)) = (state.validator(&dst)?, state.delegation(&delegator, &dst)?) {
                let wanted = entry.shares_dst.checked_mul(fraction).unwrap_or(Dec::ZERO);
                let shares = wanted.min(delegation.shares);
                if !shares.is_zero() {
                    let status = destination.status;
                    let (tokens, unbond_events) = unbond(state, env, &delegator, &mut destination, shares)?;
                    events.extend(unbond_events);
                    match status {
                        BondStatus::Bonded => bonded = bonded.saturating_add(tokens),
                        _ => not_bonded = not_bonded.saturating_add(tokens),
                    }
                    taken = tokens;
                }
            }
            // What the delegation no longer holds (it was undelegated since) is taken from its
            // unbonding entries at the destination created after the fault.
            if taken < owed {
                if let Some(mut ubd) = state.unbonding_delegation(&delegator, &dst)? {
                    let mut changed = false;
                    for unbonding in &mut ubd.entries {
                        if taken >= owed {
                            break;
                        }
                        if unbonding.creation_height < infraction_height || unbonding.completion_time <= now || unbonding.balance == 0 {
                            continue;
                        }
                        let cut = (owed - taken).min(unbonding.balance);
                        unbonding.balance -= cut;
                        taken += cut;
                        not_bonded = not_bonded.saturating_add(cut);
                        changed = true;
                    }
                    if changed {
                        state.store_unbonding(&ubd)?;
                    }
                }
            }
            // Only what was actually burned relieves the source validator's own tokens.
            answered = answered.saturating_add(taken.min(owed));
        }
    }
    Ok(((bonded, not_bonded), answered, events))
}
