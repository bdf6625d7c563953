//! Each block's allocation (the SDK's `AllocateTokens`): everything the fee collector holds
//! (the last block's fees and this block's provision) is shared among the validators that
//! signed the last block, in proportion to their power, after the community tax. Agora pays
//! only the validators whose vote is in the commit (the SDK pays absent ones too); what
//! rounding leaves, and the share of a validator that no longer exists, goes to the community
//! pool. O(validators in the last commit), whatever the number of delegations.

use agora_store::StateWrite;
use agora_types::{Address, BlockContext, Dec, Event, VALOPER_PREFIX};

use crate::keepers::{BankKeeper, StakingKeeper, ValidatorInfo};
use crate::rewards::add_to_community;
use crate::state::{DistributionRead, DistributionRecords};
use crate::{DecCoins, DistributionError, DISTRIBUTION_MODULE, FEE_COLLECTOR};

pub fn allocate(state: &mut dyn StateWrite, ctx: &BlockContext, bank: &dyn BankKeeper, staking: &dyn StakingKeeper) -> Result<Vec<Event>, DistributionError> {
    let collected = bank.balances(state, &Address::module(FEE_COLLECTOR))?;
    if collected.is_empty() {
        return Ok(Vec::new());
    }
    let mut events = bank.send_coins(state, &Address::module(FEE_COLLECTOR), &Address::module(DISTRIBUTION_MODULE), &collected)?;
    let total = DecCoins::from_coins(&collected);
    let signed_power: u64 = ctx.last_commit.iter().filter(|v| v.signed()).fold(0u64, |sum, v| sum.saturating_add(v.power));
    if signed_power == 0 {
        events.extend(add_to_community(state, bank, &total)?);
        return Ok(events);
    }
    let params = state.distribution_params()?;
    let to_validators = total.mul(Dec::ONE.checked_sub(params.community_tax).unwrap_or(Dec::ZERO))?;
    let mut given = DecCoins::default();
    for vote in ctx.last_commit.iter().filter(|v| v.signed() && v.power > 0) {
        let Some(validator) = staking.validator_by_consensus(state, &vote.validator_address)? else { continue };
        let reward = to_validators.mul_ratio(Dec::from_units(u128::from(vote.power)), Dec::from_units(u128::from(signed_power)))?;
        events.extend(allocate_to_validator(state, &validator, &reward)?);
        given.add(&reward)?;
    }
    let mut rest = total;
    rest.sub(&given)?;
    events.extend(add_to_community(state, bank, &rest)?);
    Ok(events)
}

/// Commission first, the rest into the validator's reward-per-share index (what does not
/// divide exactly is carried to its next allocation).
pub fn allocate_to_validator(mut state: &mut dyn StateWrite, validator: &ValidatorInfo, reward: &DecCoins) -> Result<Vec<Event>, DistributionError> {
    if reward.is_zero() {
        return Ok(Vec::new());
    }
    let mut rewards = state.validator_rewards(&validator.operator)?.unwrap_or_default();
    let commission = reward.mul(validator.commission_rate)?;
    let mut shared = reward.clone();
    shared.sub(&commission)?;
    rewards.commission.add(&commission)?;
    rewards.outstanding.add(reward)?;
    if validator.delegator_shares.is_zero() {
        // No delegator to share with: the operator keeps it as commission.
        rewards.commission.add(&shared)?;
    } else {
        let mut pool = rewards.carry.clone();
        pool.add(&shared)?;
        let step = pool.mul_ratio(Dec::ONE, validator.delegator_shares)?;
        let spread = step.mul(validator.delegator_shares)?;
        pool.sub(&spread)?;
        rewards.carry = pool;
        rewards.index.add(&step)?;
    }
    state.put_validator_rewards(&validator.operator, &rewards)?;
    let valoper = validator.operator.to_bech32_with(VALOPER_PREFIX);
    Ok(vec![
        Event::new("commission").attr("amount", dec_string(&commission)).attr("validator", &valoper),
        Event::new("rewards").attr("amount", dec_string(reward)).attr("validator", &valoper),
    ])
}

fn dec_string(coins: &DecCoins) -> String {
    coins.0.iter().map(|(d, a)| format!("{}{d}", a.to_legacy_string())).collect::<Vec<_>>().join(",")
}
