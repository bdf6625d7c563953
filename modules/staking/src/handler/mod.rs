//! Executing staking's messages. The operations every message shares (issue shares for
//! tokens, take shares back, pick when unbonding completes) live here; each message's own
//! checks in its file.

mod cancel_unbonding;
mod create_validator;
mod delegate;
mod edit_validator;
mod redelegate;
mod undelegate;

use agora_store::StateWrite;
use agora_types::{Address, BlockContext, Coin, Coins, Dec, Event, TxError};

use crate::hooks::StakingHooks;
use crate::keepers::BankKeeper;
use crate::msg::StakingMsg;
use crate::state::{power_index_key, StakingRead, StakingRecords};
use crate::types::{BondStatus, Delegation, TimeNanos, Validator};
use crate::{Params, StakingError, BONDED_POOL, NOT_BONDED_POOL};

/// The largest consensus power one validator may reach: CometBFT refuses a set whose total
/// exceeds `i64::MAX / 8`, and the set has at most 10,000 members.
pub const MAX_VALIDATOR_POWER: u64 = (i64::MAX as u64 / 8) / 10_000;

/// What a message or block step of staking runs with.
pub(crate) struct Env<'a> {
    pub bank: &'a dyn BankKeeper,
    pub hooks: &'a dyn StakingHooks,
    pub ctx: &'a BlockContext,
    pub params: Params,
}

impl Env<'_> {
    /// The block time in nanoseconds since the Unix epoch.
    pub fn now(&self) -> TimeNanos {
        self.ctx.time_nanos()
    }

    pub fn coins(&self, amount: u128) -> Coins {
        let mut coins = Coins::new();
        if amount > 0 {
            // One coin of a valid denom cannot fail to add.
            let _ = coins.add(&self.coin(amount));
        }
        coins
    }

    pub fn coin(&self, amount: u128) -> Coin {
        Coin::new(self.params.bond_denom.clone(), amount)
    }

    /// Refuses a coin that is not the bond denom (the SDK's wording, `sdk` 18).
    pub fn check_denom(&self, coin: &Coin) -> Result<(), StakingError> {
        if coin.denom != self.params.bond_denom {
            return Err(StakingError::InvalidRequest(format!(
                "invalid coin denomination: got {}, expected {}",
                coin.denom, self.params.bond_denom
            )));
        }
        Ok(())
    }

    /// Moves `amount` between the pools holding tokens of `from` and `to` status.
    pub fn move_between_pools(&self, state: &mut dyn StateWrite, from: BondStatus, to: BondStatus, amount: u128) -> Result<Vec<Event>, StakingError> {
        let (from, to) = (pool_of(from), pool_of(to));
        if from == to || amount == 0 {
            return Ok(Vec::new());
        }
        self.bank.send_coins(state, &Address::module(from), &Address::module(to), &self.coins(amount))
    }
}

/// The module account holding the tokens of a validator with `status`.
pub fn pool_of(status: BondStatus) -> &'static str {
    match status {
        BondStatus::Bonded => BONDED_POOL,
        BondStatus::Unbonding | BondStatus::Unbonded => NOT_BONDED_POOL,
    }
}

pub(crate) fn execute(mut state: &mut dyn StateWrite, env: &Env<'_>, msg: &StakingMsg) -> Result<Vec<Event>, TxError> {
    match msg {
        StakingMsg::CreateValidator(m) => create_validator::execute(state, env, m),
        StakingMsg::EditValidator(m) => edit_validator::execute(state, env, m),
        StakingMsg::Delegate { delegator, validator, amount } => delegate::execute(state, env, delegator, validator, amount),
        StakingMsg::Undelegate { delegator, validator, amount } => undelegate::execute(state, env, delegator, validator, amount),
        StakingMsg::BeginRedelegate { delegator, src, dst, amount } => redelegate::execute(state, env, delegator, src, dst, amount),
        StakingMsg::CancelUnbonding { delegator, validator, amount, creation_height } => {
            cancel_unbonding::execute(state, env, delegator, validator, amount, *creation_height)
        }
        StakingMsg::UpdateParams { params, .. } => {
            params.validate().map_err(|e| tx(&e))?;
            if params.bond_denom != env.params.bond_denom && !state.all_validators().map_err(|e| tx(&e))?.is_empty() {
                return Err(tx(&StakingError::InvalidParams("bond_denom cannot change once validators exist".into())));
            }
            state.put_staking_params(params);
            // The size of the active set may have changed.
            state.put_raw(crate::state::keys::SET_CHANGED.to_vec(), Vec::new());
            Ok(Vec::new())
        }
    }
}

pub(crate) fn tx(error: &StakingError) -> TxError {
    agora_types::AbciError::to_tx_error(error)
}

pub(crate) fn load_validator(state: &dyn StateWrite, operator: &Address) -> Result<Validator, StakingError> {
    state.validator(operator)?.ok_or_else(|| StakingError::NoValidator(crate::event::valoper(operator)))
}

/// Where delegated tokens come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenSource {
    /// The delegator's account.
    Account,
    /// Already in the pool of a validator with this status (a redelegation, a cancelled
    /// unbonding).
    Pool(BondStatus),
}

/// Adds `amount` tokens to `validator` for `delegator`, moving them into the validator's pool;
/// returns the shares issued. `validator` is stored.
pub(crate) fn delegate(
    mut state: &mut dyn StateWrite,
    env: &Env<'_>,
    delegator: &Address,
    validator: &mut Validator,
    amount: u128,
    source: TokenSource,
) -> Result<(Dec, Vec<Event>), TxError> {
    let mut events = env.hooks.before_delegation_modified(state, delegator, validator)?;
    let indexed = power_index_key(validator);
    let shares = validator.add_tokens(amount).map_err(|e| tx(&e))?;
    if validator.power() > MAX_VALIDATOR_POWER {
        return Err(tx(&StakingError::Overflow(format!("validator power {} above {MAX_VALIDATOR_POWER}", validator.power()))));
    }
    let moved = match source {
        TokenSource::Account => env.bank.send_coins(state, delegator, &Address::module(pool_of(validator.status)), &env.coins(amount)),
        TokenSource::Pool(from) => env.move_between_pools(state, from, validator.status, amount),
    };
    events.extend(moved.map_err(|e| tx(&e))?);
    state.store_validator(validator, indexed).map_err(|e| tx(&e))?;
    let mut delegation = state
        .delegation(delegator, &validator.operator)
        .map_err(|e| tx(&e))?
        .unwrap_or(Delegation { delegator: *delegator, validator: validator.operator, shares: Dec::ZERO });
    delegation.shares = delegation
        .shares
        .checked_add(shares)
        .ok_or_else(|| tx(&StakingError::Overflow("delegation shares".into())))?;
    state.store_delegation(&delegation).map_err(|e| tx(&e))?;
    events.extend(env.hooks.after_delegation_modified(state, delegator, validator)?);
    Ok((shares, events))
}

/// The shares to take from `delegator`'s delegation for `amount` tokens: rounded up so the
/// tokens returned cover `amount`, capped at the delegation (the SDK's
/// `ValidateUnbondAmount`).
pub(crate) fn shares_for_unbond(state: &dyn StateWrite, delegator: &Address, validator: &Validator, amount: u128) -> Result<Dec, StakingError> {
    let delegation = state
        .delegation(delegator, &validator.operator)?
        .ok_or_else(|| StakingError::NoDelegation(delegator.to_string(), crate::event::valoper(&validator.operator)))?;
    let (floor, ceil) = validator.shares_to_withdraw(amount)?;
    if floor > delegation.shares {
        return Err(StakingError::InvalidRequest(format!(
            "invalid shares amount: {amount} tokens need {floor} shares; the delegation has {}",
            delegation.shares
        )));
    }
    Ok(ceil.min(delegation.shares))
}

/// Takes `shares` of `delegator`'s delegation back from `validator` and returns the whole
/// tokens they were worth (still in the validator's pool). A validator left with no shares
/// that is unbonded is deleted; otherwise it is stored. An operator whose self-delegation
/// falls below its minimum is jailed.
pub(crate) fn unbond(
    mut state: &mut dyn StateWrite,
    env: &Env<'_>,
    delegator: &Address,
    validator: &mut Validator,
    shares: Dec,
) -> Result<(u128, Vec<Event>), TxError> {
    let mut delegation = state
        .delegation(delegator, &validator.operator)
        .map_err(|e| tx(&e))?
        .ok_or_else(|| tx(&StakingError::NoDelegation(delegator.to_string(), crate::event::valoper(&validator.operator))))?;
    let mut events = env.hooks.before_delegation_modified(state, delegator, validator)?;
    delegation.shares = delegation
        .shares
        .checked_sub(shares)
        .ok_or_else(|| tx(&StakingError::NotEnoughShares(format!("{shares} > the delegation's {}", delegation.shares))))?;
    let indexed = power_index_key(validator);
    if *delegator == validator.operator
        && !validator.jailed
        && validator.tokens_for_shares(delegation.shares).floor().unwrap_or(u128::MAX) < validator.min_self_delegation
    {
        validator.jailed = true;
    }
    let tokens = validator.remove_shares(shares).map_err(|e| tx(&e))?;
    state.store_delegation(&delegation).map_err(|e| tx(&e))?;
    events.extend(env.hooks.after_delegation_modified(state, delegator, validator)?);
    if validator.delegator_shares.is_zero() && validator.status == BondStatus::Unbonded {
        events.extend(remove_validator(state, env, validator, indexed)?);
    } else {
        state.store_validator(validator, indexed).map_err(|e| tx(&e))?;
    }
    Ok((tokens, events))
}

/// Deletes a validator with no shares left that is unbonded; `indexed_before` is its
/// power-index key as loaded.
pub(crate) fn remove_validator(mut state: &mut dyn StateWrite, env: &Env<'_>, validator: &Validator, indexed_before: Option<Vec<u8>>) -> Result<Vec<Event>, TxError> {
    let events = env.hooks.before_validator_removed(state, validator)?;
    state.remove_validator_record(validator, indexed_before);
    Ok(events)
}

/// When unbonding from `operator` now completes: a bonded (or deleted) validator's tokens
/// wait the unbonding time, an unbonding one's until its own unbonding ends, an unbonded
/// one's are free now (`true`).
pub(crate) fn completion(state: &dyn StateWrite, env: &Env<'_>, operator: &Address) -> Result<(TimeNanos, bool), StakingError> {
    let now = env.now();
    Ok(match state.validator(operator)? {
        None => (now.saturating_add(env.params.unbonding_nanos()), false),
        Some(v) => match v.status {
            BondStatus::Bonded => (now.saturating_add(env.params.unbonding_nanos()), false),
            BondStatus::Unbonding => (v.unbonding_time, false),
            BondStatus::Unbonded => (now, true),
        },
    })
}
