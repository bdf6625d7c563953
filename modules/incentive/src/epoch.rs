//! The start of every block: the pool's share of the block's provision, and, when an epoch
//! ends, its rates. An epoch's end is one step per weighted class, whatever the number of
//! providers.

use agora_store::StateWrite;
use agora_types::{Address, Event, TypedEvent};

use crate::accrual::{accumulate, fund};
use crate::event::{ClassEpochEnded, EpochEnded};
use crate::keepers::{BankKeeper, MintKeeper};
use crate::math::{self, DecMap};
use crate::state::{ClassEpochRecord, ClassTracker, EpochInfo, IncentiveRead, IncentiveStore};
use crate::{IncentiveError, Params};

/// The fee collector mint pays provisions to.
pub const FEE_COLLECTOR: &str = "fee_collector";

pub fn begin_block(state: &mut dyn StateWrite, bank: &dyn BankKeeper, mint: &dyn MintKeeper, height: u64) -> Result<Vec<Event>, IncentiveError> {
    let params = state.incentive_params()?;
    let (denom, provision) = mint.block_provision(&state)?;
    let mut pool = state.pool()?;
    let mut carry = pool.mint_carry;
    let (changed, mut events) = fund(state, bank, &mut pool, &Address::module(FEE_COLLECTOR), (&denom, provision), params.mint_share_bps, &mut carry)?;
    if changed {
        pool.mint_carry = carry;
        state.put_pool(&pool)?;
    }

    match state.current_epoch()? {
        None => state.put_current_epoch(&EpochInfo { number: 0, start_height: height, end_height: height.saturating_add(params.epoch_blocks) })?,
        Some(mut epoch) if height >= epoch.end_height => {
            // An end that could not run on time (a failed hook) ends the epoch here instead, so
            // the blocks in between are counted once, in this epoch.
            epoch.end_height = height;
            events.extend(end_epoch(state, &params, &epoch)?);
            state.put_finished_epoch(&epoch)?;
            let next = EpochInfo { number: epoch.number + 1, start_height: height, end_height: height.saturating_add(params.epoch_blocks) };
            state.put_current_epoch(&next)?;
        }
        Some(_) => {}
    }
    Ok(events)
}

/// Prices `epoch` for every weighted class: a budget per class from the pool (its weight over
/// the total), split between leased and idle time, idle scaled by the class's utilization;
/// one rate per GPU-block for each, added to the class's cumulative indexes. What the rates
/// allocate moves from `unallocated` to `owed`; the rest stays for later epochs.
pub fn end_epoch(state: &mut dyn StateWrite, params: &Params, epoch: &EpochInfo) -> Result<Vec<Event>, IncentiveError> {
    let mut pool = state.pool()?;
    let available = pool.unallocated.clone();
    let total_weight = params.total_weight();
    let length = u128::from(epoch.end_height.saturating_sub(epoch.start_height));
    let mut allocated_total = DecMap::new();
    let mut events = Vec::new();
    for weighted in &params.class_weights {
        let mut tracker = state
            .class_tracker(&weighted.class)?
            .unwrap_or(ClassTracker { class: weighted.class.clone(), epoch: epoch.number, last_height: epoch.start_height, ..ClassTracker::default() });
        accumulate(&mut tracker, epoch, epoch.end_height)?;
        let mut record = ClassEpochRecord {
            epoch: epoch.number,
            class: weighted.class.clone(),
            weight: weighted.weight,
            leased_blocks: tracker.leased_blocks,
            idle_blocks: tracker.idle_blocks,
            free_blocks: tracker.free_blocks,
            utilization: math::utilization(tracker.leased_blocks, tracker.free_blocks)?,
            epoch_blocks: epoch.end_height.saturating_sub(epoch.start_height),
            idle_floor_bps: params.idle_floor_bps,
            idle_full_bps: params.idle_full_bps,
            ..ClassEpochRecord::default()
        };
        for (denom, amount) in &available {
            let budget = math::class_budget(*amount, weighted.weight, total_weight)?;
            let leased_budget = math::bps_of(budget, params.leased_share_bps)?;
            let idle_budget = budget.checked_sub(leased_budget).ok_or_else(|| IncentiveError::Internal("leased above budget".into()))?;
            let idle_pay = math::idle_payable(idle_budget, tracker.leased_blocks, tracker.free_blocks, params.idle_floor_bps, params.idle_full_bps)?;
            let leased_rate = math::rate(leased_budget, tracker.leased_blocks)?;
            let idle_rate = math::rate(idle_pay, tracker.idle_blocks)?;
            let allocated = math::times(leased_rate, tracker.leased_blocks)?
                .checked_add(math::times(idle_rate, tracker.idle_blocks)?)
                .ok_or_else(|| IncentiveError::Overflow("allocation".into()))?;
            math::sub(&mut pool.unallocated, denom, allocated)?;
            math::add(&mut pool.owed, denom, allocated)?;
            math::add(&mut allocated_total, denom, allocated)?;
            math::add(&mut record.budget, denom, budget)?;
            math::add(&mut record.leased_rate, denom, leased_rate)?;
            math::add(&mut record.idle_rate, denom, idle_rate)?;
            math::add(&mut tracker.cum_leased, denom, math::times(leased_rate, length)?)?;
            math::add(&mut tracker.cum_idle, denom, math::times(idle_rate, length)?)?;
        }
        record.cum_leased = tracker.cum_leased.clone();
        record.cum_idle = tracker.cum_idle.clone();
        events.push(ClassEpochEnded { record: &record }.to_event());
        state.put_class_epoch(&record)?;
        tracker.epoch = epoch.number + 1;
        tracker.last_height = epoch.end_height;
        tracker.leased_blocks = 0;
        tracker.idle_blocks = 0;
        tracker.free_blocks = 0;
        tracker.unverified = 0;
        state.put_class_tracker(&tracker)?;
    }
    state.put_pool(&pool)?;
    events.push(EpochEnded { epoch, allocated: &allocated_total }.to_event());
    Ok(events)
}
