//! The reward arithmetic, pure and exact: amounts are [`Dec`] (18 decimals, 256 bits), counts
//! of GPU-blocks are integers, every division rounds down once, and what a division leaves is
//! never paid out (it stays in the pool).

use std::collections::BTreeMap;

use agora_types::Dec;

use crate::params::BPS_ONE;
use crate::IncentiveError;

/// Decimal amounts by denom (sorted, so every walk is deterministic).
pub type DecMap = BTreeMap<String, Dec>;

fn overflow(what: &str) -> IncentiveError {
    IncentiveError::Overflow(what.to_string())
}

/// An integer carried in a [`Dec`]'s atto-units, for exact ratios of counts.
fn int(n: u128) -> Dec {
    Dec::from_atto(n)
}

/// `amount × bps / 10,000`, rounded down.
pub fn bps_of(amount: Dec, bps: u32) -> Result<Dec, IncentiveError> {
    amount.mul_ratio_floor(int(u128::from(bps)), int(u128::from(BPS_ONE))).ok_or_else(|| overflow("share"))
}

/// A class's share of the epoch budget: `pool × weight / total_weight`, rounded down; nothing
/// for a weight of zero.
pub fn class_budget(pool: Dec, weight: u32, total_weight: u64) -> Result<Dec, IncentiveError> {
    if weight == 0 || total_weight == 0 {
        return Ok(Dec::ZERO);
    }
    pool.mul_ratio_floor(int(u128::from(weight)), int(u128::from(total_weight))).ok_or_else(|| overflow("class budget"))
}

/// Leased GPU-blocks over all GPU-blocks of the class (leased + free), 18 decimals; zero when
/// the class had no GPUs.
pub fn utilization(leased_blocks: u128, free_blocks: u128) -> Result<Dec, IncentiveError> {
    let total = leased_blocks.checked_add(free_blocks).ok_or_else(|| overflow("GPU-blocks"))?;
    if total == 0 {
        return Ok(Dec::ZERO);
    }
    Dec::ONE.mul_ratio_floor(int(leased_blocks), int(total)).ok_or_else(|| overflow("utilization"))
}

/// The part of the idle budget that verified idle time earns: none at or below the floor, all
/// at or above the full mark, and linearly between, `budget × (U − floor) / (full − floor)`
/// computed as one exact ratio of integers (`U = leased / (leased + free)`).
pub fn idle_payable(idle_budget: Dec, leased_blocks: u128, free_blocks: u128, floor_bps: u32, full_bps: u32) -> Result<Dec, IncentiveError> {
    let total = leased_blocks.checked_add(free_blocks).ok_or_else(|| overflow("GPU-blocks"))?;
    if total == 0 || full_bps <= floor_bps {
        return Ok(Dec::ZERO);
    }
    let scaled_leased = leased_blocks.checked_mul(u128::from(BPS_ONE)).ok_or_else(|| overflow("GPU-blocks"))?;
    let floor = total.checked_mul(u128::from(floor_bps)).ok_or_else(|| overflow("GPU-blocks"))?;
    let full = total.checked_mul(u128::from(full_bps)).ok_or_else(|| overflow("GPU-blocks"))?;
    if scaled_leased <= floor {
        return Ok(Dec::ZERO);
    }
    if scaled_leased >= full {
        return Ok(idle_budget);
    }
    idle_budget.mul_ratio_floor(int(scaled_leased - floor), int(full - floor)).ok_or_else(|| overflow("idle budget"))
}

/// The idle ramp g(U) itself, 18 decimals.
pub fn ramp(leased_blocks: u128, free_blocks: u128, floor_bps: u32, full_bps: u32) -> Result<Dec, IncentiveError> {
    idle_payable(Dec::ONE, leased_blocks, free_blocks, floor_bps, full_bps)
}

/// A provider's idle reward `amount` (its idle GPU-blocks at the class rate), scaled down to
/// the ramp the class would have had had the provider's own leased GPUs been free: its own
/// leases must not lift its own idle pay (a provider renting part of its capacity to itself
/// to push utilization over the floor gains nothing on the rest). Never scaled up: the class
/// rate already paid g(U).
pub fn without_own_leases(amount: Dec, class_leased: u128, class_free: u128, own_leased: u128, floor_bps: u32, full_bps: u32) -> Result<Dec, IncentiveError> {
    if own_leased == 0 || amount.is_zero() {
        return Ok(amount);
    }
    let with = ramp(class_leased, class_free, floor_bps, full_bps)?;
    let own_leased = own_leased.min(class_leased);
    let without = ramp(class_leased - own_leased, class_free.saturating_add(own_leased), floor_bps, full_bps)?;
    if with.is_zero() || without >= with {
        return Ok(if with.is_zero() { Dec::ZERO } else { amount });
    }
    amount.mul_ratio_floor(without, with).ok_or_else(|| overflow("idle reward"))
}

/// Reward per GPU-block: `budget / gpu_blocks` rounded down to the atto; zero when no
/// GPU-block was counted (the budget stays in the pool).
pub fn rate(budget: Dec, gpu_blocks: u128) -> Result<Dec, IncentiveError> {
    if gpu_blocks == 0 {
        return Ok(Dec::ZERO);
    }
    budget.mul_ratio_floor(int(1), int(gpu_blocks)).ok_or_else(|| overflow("rate"))
}

/// `rate × gpu_blocks`, exact.
pub fn times(rate: Dec, gpu_blocks: u128) -> Result<Dec, IncentiveError> {
    rate.checked_mul_int(gpu_blocks).ok_or_else(|| overflow("reward"))
}

/// `count × blocks` GPU-blocks.
pub fn gpu_blocks(count: u64, blocks: u64) -> u128 {
    u128::from(count) * u128::from(blocks)
}

pub fn add(map: &mut DecMap, denom: &str, amount: Dec) -> Result<(), IncentiveError> {
    if amount.is_zero() {
        return Ok(());
    }
    let entry = map.entry(denom.to_string()).or_insert(Dec::ZERO);
    *entry = entry.checked_add(amount).ok_or_else(|| overflow(denom))?;
    Ok(())
}

/// Takes `amount` away; more than is there is an internal error (an accounting bug).
pub fn sub(map: &mut DecMap, denom: &str, amount: Dec) -> Result<(), IncentiveError> {
    if amount.is_zero() {
        return Ok(());
    }
    let have = map.get(denom).copied().unwrap_or(Dec::ZERO);
    let left = have
        .checked_sub(amount)
        .ok_or_else(|| IncentiveError::Internal(format!("cannot take {amount}{denom} from {have}{denom}")))?;
    if left.is_zero() {
        map.remove(denom);
    } else {
        map.insert(denom.to_string(), left);
    }
    Ok(())
}

pub fn add_all(map: &mut DecMap, other: &DecMap) -> Result<(), IncentiveError> {
    other.iter().try_for_each(|(denom, amount)| add(map, denom, *amount))
}

pub fn sub_all(map: &mut DecMap, other: &DecMap) -> Result<(), IncentiveError> {
    other.iter().try_for_each(|(denom, amount)| sub(map, denom, *amount))
}

/// `later − earlier` per denom, for cumulative indexes that only grow.
pub fn diff(later: &DecMap, earlier: &DecMap) -> Result<DecMap, IncentiveError> {
    let mut out = later.clone();
    for (denom, amount) in earlier {
        sub(&mut out, denom, *amount)?;
    }
    Ok(out)
}

/// Every amount times `n`.
pub fn scale(map: &DecMap, n: u128) -> Result<DecMap, IncentiveError> {
    let mut out = DecMap::new();
    for (denom, amount) in map {
        add(&mut out, denom, times(*amount, n)?)?;
    }
    Ok(out)
}

pub fn display(map: &DecMap) -> String {
    if map.is_empty() {
        return "0".into();
    }
    map.iter().map(|(denom, amount)| format!("{amount}{denom}")).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        s.parse().expect("dec")
    }

    #[test]
    fn the_idle_ramp_pays_nothing_at_the_floor_all_at_the_full_mark_and_linearly_between() {
        let budget = d("1000");
        // Utilization 40 % (the floor): nothing; 30 %: nothing.
        assert_eq!(idle_payable(budget, 40, 60, 4_000, 7_500).unwrap(), Dec::ZERO);
        assert_eq!(idle_payable(budget, 30, 70, 4_000, 7_500).unwrap(), Dec::ZERO);
        // 75 % (the full mark) and 90 %: everything.
        assert_eq!(idle_payable(budget, 75, 25, 4_000, 7_500).unwrap(), budget);
        assert_eq!(idle_payable(budget, 90, 10, 4_000, 7_500).unwrap(), budget);
        // 50 %: (50 - 40) / (75 - 40) = 2/7 of 1000 = 285.714285714285714285 (rounded down).
        assert_eq!(idle_payable(budget, 50, 50, 4_000, 7_500).unwrap(), d("285.714285714285714285"));
        // No GPUs at all: nothing.
        assert_eq!(idle_payable(budget, 0, 0, 4_000, 7_500).unwrap(), Dec::ZERO);
    }

    #[test]
    fn own_leases_do_not_lift_ones_own_idle_pay() {
        let pay = d("100");
        // Class: 60 leased, 40 free (U 0.6, g 4/7). A provider with 10 of the leased: had they
        // been free, U = 0.5 and g = 2/7, half as much.
        assert_eq!(without_own_leases(pay, 60, 40, 10, 4_000, 7_500).unwrap(), d("50"));
        // With 20 of them, U would have been at the floor: nothing.
        assert_eq!(without_own_leases(pay, 60, 40, 20, 4_000, 7_500).unwrap(), Dec::ZERO);
        // Without own leases, nothing changes.
        assert_eq!(without_own_leases(pay, 60, 40, 0, 4_000, 7_500).unwrap(), pay);
        // Still above the full mark without them: paid in full.
        assert_eq!(without_own_leases(pay, 95, 5, 1, 4_000, 7_500).unwrap(), pay);
    }

    #[test]
    fn class_budgets_follow_the_weights_and_a_zero_weight_gets_nothing() {
        assert_eq!(class_budget(d("1000"), 3, 4).unwrap(), d("750"));
        assert_eq!(class_budget(d("1000"), 1, 3).unwrap(), d("333.333333333333333333"));
        assert_eq!(class_budget(d("1000"), 0, 4).unwrap(), Dec::ZERO);
        assert_eq!(class_budget(d("1000"), 1, 0).unwrap(), Dec::ZERO);
    }

    #[test]
    fn a_rate_rounds_down_to_the_atto_and_the_remainder_is_never_allocated() {
        let r = rate(d("100"), 3).unwrap();
        assert_eq!(r, d("33.333333333333333333"));
        let allocated = times(r, 3).unwrap();
        assert_eq!(allocated, d("99.999999999999999999"));
        assert_eq!(d("100").checked_sub(allocated).unwrap(), Dec::from_atto(1), "one atto stays in the pool");
        assert_eq!(rate(d("100"), 0).unwrap(), Dec::ZERO);
    }

    #[test]
    fn utilization_is_leased_over_all_gpu_blocks() {
        assert_eq!(utilization(1, 3).unwrap(), d("0.25"));
        assert_eq!(utilization(0, 0).unwrap(), Dec::ZERO);
        assert_eq!(utilization(5, 0).unwrap(), Dec::ONE);
    }

    #[test]
    fn maps_add_take_and_refuse_to_go_negative() {
        let mut m = DecMap::new();
        add(&mut m, "uagora", d("1.5")).unwrap();
        add(&mut m, "uagora", d("2")).unwrap();
        sub(&mut m, "uagora", d("3.5")).unwrap();
        assert!(m.is_empty(), "an emptied denom is removed");
        assert!(sub(&mut m, "uagora", d("1")).is_err());
        assert_eq!(bps_of(d("1000"), 2_500).unwrap(), d("250"));
    }
}
