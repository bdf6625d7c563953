//! Delegators' and validators' rewards as stake changes: what staking's hooks call, the
//! withdrawals, and the community pool's share of every fraction.

use agora_store::StateWrite;
use agora_types::{Address, Coins, Dec, Event, VALOPER_PREFIX};

use crate::keepers::{BankKeeper, StakingKeeper};
use crate::state::{keys, DistributionRead, DistributionRecords, ValidatorRewards};
use crate::{DecCoins, DistributionError, COMMUNITY_POOL, DISTRIBUTION_MODULE};

/// What `shares` earned while the index went from `start` to `index` (rounded down).
pub fn accrued(shares: Dec, start: &DecCoins, index: &DecCoins) -> Result<DecCoins, DistributionError> {
    let mut out = DecCoins::default();
    for (denom, now) in &index.0 {
        let gained = now.checked_sub(start.get(denom)).ok_or_else(|| DistributionError::Internal("reward index went down".into()))?;
        let earned = shares.checked_mul(gained).ok_or_else(|| DistributionError::Internal("rewards overflow".into()))?;
        if !earned.is_zero() {
            out.0.insert(denom.clone(), earned);
        }
    }
    Ok(out)
}

fn distribution() -> Address {
    Address::module(DISTRIBUTION_MODULE)
}

/// Adds `amount` (already held by the distribution account) to the community pool: whole
/// coins move to the `community_pool` account, the fractions stay in the remainder.
pub(crate) fn add_to_community(mut state: &mut dyn StateWrite, bank: &dyn BankKeeper, amount: &DecCoins) -> Result<Vec<Event>, DistributionError> {
    if amount.is_zero() {
        return Ok(Vec::new());
    }
    let mut remainder = state.community_remainder()?;
    remainder.add(amount)?;
    let (whole, fraction) = remainder.truncate();
    state.put_community_remainder(&fraction)?;
    if whole.is_empty() {
        return Ok(Vec::new());
    }
    bank.send_coins(state, &distribution(), &Address::module(COMMUNITY_POOL), &whole)
}

/// A new validator starts with an empty record (staking's `after_validator_created`).
pub fn validator_created(mut state: &mut dyn StateWrite, operator: &Address) -> Result<(), DistributionError> {
    if state.validator_rewards(operator)?.is_none() {
        state.put_validator_rewards(operator, &ValidatorRewards::default())?;
    }
    Ok(())
}

/// Records a slash under its infraction height and its ordinal among the validator's slashes
/// (the `ValidatorSlashes` query; rewards need no replay of it).
pub fn validator_slashed(state: &mut dyn StateWrite, operator: &Address, height: u64, fraction: Dec) -> Result<(), DistributionError> {
    let ordinal = state.slash_count(operator)?.saturating_add(1);
    let bytes = borsh::to_vec(&fraction).map_err(|e| DistributionError::Internal(e.to_string()))?;
    state.put_raw(keys::slash(operator, height, ordinal), bytes);
    state.put_raw(keys::slash_count(operator), ordinal.to_be_bytes().to_vec());
    Ok(())
}

/// Pays `delegator`'s rewards from `validator` to its withdraw address (whole coins; the
/// fractions go to the community pool, as in the SDK) and restarts its count.
pub fn withdraw_delegation(
    mut state: &mut dyn StateWrite,
    bank: &dyn BankKeeper,
    staking: &dyn StakingKeeper,
    delegator: &Address,
    validator: &Address,
) -> Result<(Coins, Vec<Event>), DistributionError> {
    let valoper = validator.to_bech32_with(VALOPER_PREFIX);
    let mut rewards = state.validator_rewards(validator)?.ok_or_else(|| DistributionError::NoValidatorInfo(valoper.clone()))?;
    let shares = staking
        .delegation_shares(state, delegator, validator)?
        .ok_or_else(|| DistributionError::NoDelegation(format!("{delegator} to {valoper}")))?;
    let start = state.delegation_start(delegator, validator)?.unwrap_or_default();
    let earned = accrued(shares, &start, &rewards.index)?;
    rewards.outstanding.sub(&earned)?;
    state.put_validator_rewards(validator, &rewards)?;
    state.put_delegation_start(delegator, validator, &rewards.index)?;
    let (whole, fraction) = earned.truncate();
    let mut events = Vec::new();
    if !whole.is_empty() {
        let to = state.withdraw_address(delegator)?;
        events.extend(bank.send_coins(state, &distribution(), &to, &whole)?);
    }
    events.extend(add_to_community(state, bank, &fraction)?);
    events.push(
        Event::new("withdraw_rewards")
            // As the SDK: nothing withdrawn reads `0<bond denom>`, not an empty amount.
            .attr("amount", if whole.is_empty() { format!("0{}", agora_types::Denom::native()) } else { whole.to_string() })
            .attr("validator", valoper)
            .attr("delegator", delegator),
    );
    Ok((whole, events))
}

/// Staking's `before_delegation_modified`: an existing delegation's rewards are paid first.
pub fn before_delegation_modified(
    state: &mut dyn StateWrite,
    bank: &dyn BankKeeper,
    staking: &dyn StakingKeeper,
    delegator: &Address,
    validator: &Address,
) -> Result<Vec<Event>, DistributionError> {
    if staking.delegation_shares(state, delegator, validator)?.is_none() {
        return Ok(Vec::new());
    }
    Ok(withdraw_delegation(state, bank, staking, delegator, validator)?.1)
}

/// Staking's `after_delegation_modified`: the delegation counts from the index now.
pub fn after_delegation_modified(mut state: &mut dyn StateWrite, staking: &dyn StakingKeeper, delegator: &Address, validator: &Address) -> Result<(), DistributionError> {
    if staking.delegation_shares(state, delegator, validator)?.is_none() {
        state.delete(keys::start(delegator, validator));
        return Ok(());
    }
    let index = state.validator_rewards(validator)?.map(|r| r.index).unwrap_or_default();
    state.put_delegation_start(delegator, validator, &index)
}

/// Pays a validator's whole commission to its operator's withdraw address; the fractions stay.
pub fn withdraw_commission(mut state: &mut dyn StateWrite, bank: &dyn BankKeeper, operator: &Address) -> Result<(Coins, Vec<Event>), DistributionError> {
    let valoper = operator.to_bech32_with(VALOPER_PREFIX);
    let mut rewards = state.validator_rewards(operator)?.ok_or(DistributionError::NoValidatorInfo(valoper))?;
    let (whole, fraction) = rewards.commission.truncate();
    if whole.is_empty() {
        return Err(DistributionError::NoCommission);
    }
    rewards.outstanding.sub(&DecCoins::from_coins(&whole))?;
    rewards.commission = fraction;
    state.put_validator_rewards(operator, &rewards)?;
    let to = state.withdraw_address(operator)?;
    let mut events = bank.send_coins(state, &distribution(), &to, &whole)?;
    events.push(Event::new("withdraw_commission").attr("amount", whole.to_string()));
    Ok((whole, events))
}

/// Staking's `before_validator_removed`: its commission is paid out, whatever no delegator
/// can claim any more (rounding dust) goes to the community pool, and its records go.
pub fn before_validator_removed(state: &mut dyn StateWrite, bank: &dyn BankKeeper, operator: &Address) -> Result<Vec<Event>, DistributionError> {
    let Some(_) = state.validator_rewards(operator)? else { return Ok(Vec::new()) };
    let mut events = match withdraw_commission(state, bank, operator) {
        Ok((_, events)) => events,
        Err(DistributionError::NoCommission) => Vec::new(),
        Err(other) => return Err(other),
    };
    let rewards = state.validator_rewards(operator)?.unwrap_or_default();
    events.extend(add_to_community(state, bank, &rewards.outstanding)?);
    state.delete(keys::validator(operator));
    // A removed validator has no delegations left to read its slashes for.
    let recorded = state.prefix_raw(&keys::slashes_of(operator), None).map(|item| item.map(|(key, _)| key)).collect::<Result<Vec<_>, _>>()?;
    for key in recorded {
        state.delete(key);
    }
    state.delete(keys::slash_count(operator));
    Ok(events)
}
