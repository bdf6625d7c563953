//! Lazy accrual. A provider's record is brought up to date only when something about it
//! changes (its GPU counts, its leases, its "verified" status) or it claims, so the cost of an
//! epoch never grows with the number of providers: each epoch's end sets one rate per class
//! and kind, and a record catches up on the epochs it missed from the classes' cumulative
//! indexes.
//!
//! Accrual points are heights: counts held from height `a` until a change at height `b` are
//! worth `count × (b − a)` GPU-blocks; an epoch `[start, end)` ends at the start of `end`.

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coin, Coins, Dec, Denom, Event, TypedEvent};

use crate::class::GpuClassId;
use crate::event::{Claimed, Forfeited, RewardSettled, Unverified};
use crate::keepers::{BankKeeper, ClassCount, MarketKeeper, ProviderGpus};
use crate::math::{self, gpu_blocks, DecMap};
use crate::state::{ClassEpochRecord, ClassPosition, ClassTracker, EpochInfo, IncentiveRead, IncentiveStore, PoolState, Position, Tranche};
use crate::{IncentiveError, Params};

/// What a settlement across an epoch's end found: rewards of the epochs it closed, and the part
/// of the leased reward above the wash-trading cap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// The position's epoch that was closed, if the settlement crossed an epoch's end.
    pub through_epoch: Option<u64>,
    pub leased: DecMap,
    pub idle: DecMap,
    pub over_cap: DecMap,
    /// Idle pay allocated at the class's ramp that the provider's own leases had lifted.
    pub own_lease_excess: DecMap,
}

impl Settled {
    /// What goes back to the pool: the part above the wash cap and the idle pay its own leases
    /// lifted.
    pub fn returned(&self) -> Result<DecMap, IncentiveError> {
        let mut out = self.over_cap.clone();
        math::add_all(&mut out, &self.own_lease_excess)?;
        Ok(out)
    }
}

/// Whole epochs a record with both leased and free GPUs of a class catches up on one by one
/// (its idle pay needs each epoch's ramp without its own leases); idle time of older epochs
/// is not paid. Claiming once in this many epochs keeps all of it.
pub const MAX_MIXED_CATCH_UP: u64 = 64;

/// The epoch a change at `height` falls in: the current one, or, before the first block has
/// started epoch 0 (genesis), an epoch 0 that starts there.
pub fn epoch_at<S: StateRead + ?Sized>(state: &S, height: u64, params: &Params) -> Result<EpochInfo, IncentiveError> {
    Ok(state.current_epoch()?.unwrap_or(EpochInfo {
        number: 0,
        start_height: height,
        end_height: height.saturating_add(params.epoch_blocks),
    }))
}

/// Brings `position` to `height` in `epoch` (pure: reads only). Within its own epoch it adds
/// GPU-blocks and take; past an epoch's end it prices the epoch it was in with that epoch's
/// rates, the whole epochs since with the class indexes, caps the leased part at
/// `wash_cap ×` the take credit its leases paid (using it up), and starts counting the current
/// epoch.
pub fn settle<S: StateRead + ?Sized>(
    state: &S,
    params: &Params,
    position: &mut Position,
    epoch: &EpochInfo,
    height: u64,
) -> Result<Settled, IncentiveError> {
    let mut out = Settled::default();
    if position.epoch >= epoch.number {
        let blocks = height.saturating_sub(position.last_height.max(epoch.start_height));
        let verified = position.verified_in(epoch.number);
        for c in &mut position.classes {
            c.pending_leased = add_blocks(c.pending_leased, gpu_blocks(c.leased, blocks))?;
            if verified {
                c.pending_idle = add_blocks(c.pending_idle, gpu_blocks(c.free, blocks))?;
            }
        }
    } else {
        let closed = position.epoch;
        let info = state
            .finished_epoch(closed)?
            .ok_or_else(|| IncentiveError::Internal(format!("epoch {closed} of a provider record was never recorded")))?;
        let from = position.last_height.max(info.start_height);
        let rest_of_closed = info.end_height.saturating_sub(from);
        let verified_then = position.verified_in(closed);
        let since_start = height.saturating_sub(epoch.start_height);
        let verified_now = position.verified_in(epoch.number);
        for c in &mut position.classes {
            let leased_blocks = add_blocks(c.pending_leased, gpu_blocks(c.leased, rest_of_closed))?;
            let idle_blocks = if verified_then { add_blocks(c.pending_idle, gpu_blocks(c.free, rest_of_closed))? } else { c.pending_idle };
            let tracker = state.class_tracker(&c.class)?.unwrap_or_default();
            let (cum_leased_closed, cum_idle_closed) = match state.class_epoch(closed, &c.class)? {
                Some(record) => {
                    math::add_all(&mut out.leased, &math::scale(&record.leased_rate, leased_blocks)?)?;
                    idle_without_own_leases(&mut out, &record, leased_blocks, idle_blocks)?;
                    (record.cum_leased, record.cum_idle)
                }
                // Not weighted in that epoch: nothing for it, and its indexes did not move.
                None => (c.snap_leased.clone(), c.snap_idle.clone()),
            };
            // Whole epochs since: a GPU held all along earned the growth of the index.
            math::add_all(&mut out.leased, &math::scale(&math::diff(&tracker.cum_leased, &cum_leased_closed)?, u128::from(c.leased))?)?;
            let whole_idle = math::scale(&math::diff(&tracker.cum_idle, &cum_idle_closed)?, u128::from(c.free))?;
            if c.leased == 0 || whole_idle.is_empty() {
                math::add_all(&mut out.idle, &whole_idle)?;
            } else {
                // Its own leases lifted the ramp its free GPUs were paid at: each epoch is
                // priced again without them, and the difference goes back to the pool.
                let mut paid = Settled::default();
                let first = (closed + 1).max(epoch.number.saturating_sub(MAX_MIXED_CATCH_UP));
                for k in first..epoch.number {
                    if let Some(record) = state.class_epoch(k, &c.class)? {
                        let blocks = record.epoch_blocks;
                        idle_without_own_leases(&mut paid, &record, gpu_blocks(c.leased, blocks), gpu_blocks(c.free, blocks))?;
                    }
                }
                math::add_all(&mut out.idle, &paid.idle)?;
                math::add_all(&mut out.own_lease_excess, &math::diff(&whole_idle, &paid.idle)?)?;
            }
            c.pending_leased = gpu_blocks(c.leased, since_start);
            c.pending_idle = if verified_now { gpu_blocks(c.free, since_start) } else { 0 };
            c.snap_leased = tracker.cum_leased;
            c.snap_idle = tracker.cum_idle;
        }
        // The take its leases have paid and not yet used caps the leased reward: each unit of
        // leased reward uses 1 / wash_cap of take; what is left carries over.
        for (denom, leased) in out.leased.clone() {
            let credit = position.take_credit.get(&denom).copied().unwrap_or(Dec::ZERO);
            let cap = math::bps_of(credit, params.wash_cap_bps)?;
            let kept = leased.min(cap);
            if leased > cap {
                let over = leased.checked_sub(cap).ok_or_else(|| IncentiveError::Internal("cap above reward".into()))?;
                math::sub(&mut out.leased, &denom, over)?;
                math::add(&mut out.over_cap, &denom, over)?;
            }
            if params.wash_cap_bps > 0 {
                let used = kept
                    .mul_ratio_ceil(Dec::from_atto(u128::from(crate::params::BPS_ONE)), Dec::from_atto(u128::from(params.wash_cap_bps)))
                    .ok_or_else(|| IncentiveError::Overflow("take credit".into()))?
                    .min(credit);
                math::sub(&mut position.take_credit, &denom, used)?;
            }
        }
        out.through_epoch = Some(closed);
    }
    position.epoch = epoch.number;
    position.last_height = height;
    Ok(out)
}

/// Idle pay for `idle_blocks` of one priced epoch, without the lift the provider's own
/// `leased_blocks` gave the class's ramp; the lifted part is recorded as excess.
fn idle_without_own_leases(out: &mut Settled, record: &ClassEpochRecord, leased_blocks: u128, idle_blocks: u128) -> Result<(), IncentiveError> {
    for (denom, rate) in &record.idle_rate {
        let full = math::times(*rate, idle_blocks)?;
        let paid = math::without_own_leases(
            full,
            record.leased_blocks,
            record.free_blocks,
            leased_blocks,
            record.idle_floor_bps,
            record.idle_full_bps,
        )?;
        math::add(&mut out.idle, denom, paid)?;
        math::add(&mut out.own_lease_excess, denom, full.checked_sub(paid).ok_or_else(|| IncentiveError::Internal("idle pay above its rate".into()))?)?;
    }
    Ok(())
}

fn add_blocks(a: u128, b: u128) -> Result<u128, IncentiveError> {
    a.checked_add(b).ok_or_else(|| IncentiveError::Overflow("GPU-blocks".into()))
}

/// Splits a settled reward into its liquid part and a tranche vesting from `epoch`, and moves
/// what has vested by `epoch` out of the tranches.
pub fn vest(position: &mut Position, params: &Params, reward: &DecMap, epoch: u64) -> Result<(), IncentiveError> {
    let mut vesting = DecMap::new();
    for (denom, amount) in reward {
        let locked = math::bps_of(*amount, params.vest_fraction_bps)?;
        math::add(&mut vesting, denom, locked)?;
        let liquid = amount.checked_sub(locked).ok_or_else(|| IncentiveError::Internal("vesting above reward".into()))?;
        math::add(&mut position.vested, denom, liquid)?;
    }
    if !vesting.is_empty() {
        match position.vesting.last_mut() {
            Some(tranche) if tranche.epoch == epoch => math::add_all(&mut tranche.total, &vesting)?,
            _ => position.vesting.push(Tranche { epoch, span: params.vest_epochs, total: vesting, released: DecMap::new() }),
        }
    }
    release_vested(position, epoch)
}

/// Moves each tranche's vested share (`elapsed / span` of it, the span it was created with, so
/// a later change of `vest_epochs` never takes back what vested) to `vested`; a tranche fully
/// vested is removed.
pub fn release_vested(position: &mut Position, epoch: u64) -> Result<(), IncentiveError> {
    let mut kept = Vec::new();
    for mut tranche in std::mem::take(&mut position.vesting) {
        let span = u64::from(tranche.span);
        let elapsed = epoch.saturating_sub(tranche.epoch);
        let done = span == 0 || elapsed >= span;
        let mut target = DecMap::new();
        for (denom, total) in &tranche.total {
            let due = if done {
                *total
            } else {
                total
                    .mul_ratio_floor(Dec::from_atto(u128::from(elapsed)), Dec::from_atto(u128::from(span)))
                    .ok_or_else(|| IncentiveError::Overflow("vesting".into()))?
            };
            math::add(&mut target, denom, due)?;
        }
        let newly = math::diff(&target, &tranche.released)?;
        math::add_all(&mut position.vested, &newly)?;
        tranche.released = target;
        if !done {
            kept.push(tranche);
        }
    }
    position.vesting = kept;
    Ok(())
}

/// Settles `owner`'s record to `height` and books the result: rewards vest, the part above the
/// wash cap goes back to the pool. Creates the record if there is none.
fn bring_up_to_date(
    state: &mut dyn StateWrite,
    params: &Params,
    owner: &Address,
    epoch: &EpochInfo,
    height: u64,
) -> Result<(Position, Vec<Event>), IncentiveError> {
    let Some(mut position) = state.position(owner)? else {
        return Ok((Position { epoch: epoch.number, last_height: height, ..Position::default() }, Vec::new()));
    };
    let settled = settle(&state, params, &mut position, epoch, height)?;
    book(&mut position, params, &settled, epoch.number)?;
    let mut events = Vec::new();
    let returned = settled.returned()?;
    if !returned.is_empty() {
        let mut pool = state.pool()?;
        pool.give_back(&returned)?;
        state.put_pool(&pool)?;
    }
    if let Some(closed) = settled.through_epoch {
        if !settled.leased.is_empty() || !settled.idle.is_empty() || !returned.is_empty() {
            events.push(
                RewardSettled {
                    provider: owner,
                    through_epoch: closed,
                    leased: &settled.leased,
                    idle: &settled.idle,
                    over_wash_cap: &settled.over_cap,
                    lifted_by_own_leases: &settled.own_lease_excess,
                }
                .to_event(),
            );
        }
    }
    Ok((position, events))
}

/// Books a settlement on the record (pure): rewards vest, the part above the wash cap is
/// recorded as forfeited, and what has vested by `epoch` is released.
pub fn book(position: &mut Position, params: &Params, settled: &Settled, epoch: u64) -> Result<(), IncentiveError> {
    math::add_all(&mut position.forfeited, &settled.returned()?)?;
    if settled.through_epoch.is_some() {
        let mut reward = settled.leased.clone();
        math::add_all(&mut reward, &settled.idle)?;
        vest(position, params, &reward, epoch)
    } else {
        release_vested(position, epoch)
    }
}

/// Adds the GPU-blocks of `tracker` up to `height`; a tracker last moved in an earlier epoch
/// starts the current one (its old counts belonged to epochs it was not weighted in, or were
/// already counted when its last weighted epoch ended).
pub fn accumulate(tracker: &mut ClassTracker, epoch: &EpochInfo, height: u64) -> Result<(), IncentiveError> {
    let from = if tracker.epoch < epoch.number {
        tracker.epoch = epoch.number;
        tracker.leased_blocks = 0;
        tracker.idle_blocks = 0;
        tracker.free_blocks = 0;
        tracker.unverified = 0;
        epoch.start_height
    } else {
        tracker.last_height.max(epoch.start_height)
    };
    let blocks = height.saturating_sub(from);
    let idle = tracker.free.saturating_sub(tracker.unverified);
    tracker.leased_blocks = add_blocks(tracker.leased_blocks, gpu_blocks(tracker.leased, blocks))?;
    tracker.free_blocks = add_blocks(tracker.free_blocks, gpu_blocks(tracker.free, blocks))?;
    tracker.idle_blocks = add_blocks(tracker.idle_blocks, gpu_blocks(idle, blocks))?;
    tracker.last_height = height;
    Ok(())
}

fn load_tracker(state: &dyn StateWrite, class: &GpuClassId, epoch: &EpochInfo, height: u64) -> Result<ClassTracker, IncentiveError> {
    let mut tracker = state
        .class_tracker(class)?
        .unwrap_or(ClassTracker { class: class.clone(), epoch: epoch.number, last_height: height, ..ClassTracker::default() });
    accumulate(&mut tracker, epoch, height)?;
    Ok(tracker)
}

fn adjust(value: u64, old: u64, new: u64, what: &str) -> Result<u64, IncentiveError> {
    value
        .checked_sub(old)
        .and_then(|v| v.checked_add(new))
        .ok_or_else(|| IncentiveError::Internal(format!("class {what} count {value} cannot lose {old}")))
}

/// Replaces the counts of `position` with `counts`, moving each class tracker by the
/// difference (after counting its GPU-blocks up to `height` with the old totals).
fn recount(state: &mut dyn StateWrite, position: &mut Position, counts: &[ClassCount], epoch: &EpochInfo, height: u64) -> Result<(), IncentiveError> {
    let verified = position.verified_in(epoch.number);
    let mut classes: Vec<GpuClassId> = position.classes.iter().map(|c| c.class.clone()).chain(counts.iter().map(|c| c.class.clone())).collect();
    classes.sort();
    classes.dedup();
    let mut updated = Vec::new();
    for class in classes {
        let old = position.classes.iter().find(|c| c.class == class).cloned();
        let new = counts.iter().filter(|c| c.class == class).fold((0u64, 0u64), |(l, f), c| (l.saturating_add(c.leased), f.saturating_add(c.free)));
        let (old_leased, old_free) = old.as_ref().map_or((0, 0), |c| (c.leased, c.free));
        if (old_leased, old_free) != new {
            let mut tracker = load_tracker(state, &class, epoch, height)?;
            tracker.leased = adjust(tracker.leased, old_leased, new.0, "leased")?;
            tracker.free = adjust(tracker.free, old_free, new.1, "free")?;
            if !verified {
                tracker.unverified = adjust(tracker.unverified, old_free, new.1, "unverified")?;
            }
            state.put_class_tracker(&tracker)?;
        }
        let mut entry = match old {
            Some(entry) => entry,
            None => {
                let tracker = state.class_tracker(&class)?.unwrap_or_default();
                ClassPosition { class: class.clone(), snap_leased: tracker.cum_leased, snap_idle: tracker.cum_idle, ..ClassPosition::default() }
            }
        };
        (entry.leased, entry.free) = new;
        // A class with nothing held and nothing pending has nothing left to settle.
        if entry.leased > 0 || entry.free > 0 || entry.pending_leased > 0 || entry.pending_idle > 0 {
            updated.push(entry);
        }
    }
    position.classes = updated;
    Ok(())
}

/// A provider's GPUs changed (registered, updated, leased, released, deleted): its record is
/// settled to `height` with the old counts, then takes the registry's counts.
pub fn provider_changed(state: &mut dyn StateWrite, market: &dyn MarketKeeper, owner: &Address, height: u64) -> Result<Vec<Event>, IncentiveError> {
    let params = state.incentive_params()?;
    let epoch = epoch_at(&state, height, &params)?;
    let (mut position, events) = bring_up_to_date(state, &params, owner, &epoch, height)?;
    let counts = counted(&params, &position, market.provider_gpus(&state, owner)?)?;
    recount(state, &mut position, &counts, &epoch, height)?;
    state.put_position(owner, &position)?;
    Ok(events)
}

/// The GPUs that count: leased GPUs only as far as the provider's open lease payments pay
/// `min_lease_prices` for them (a lease at a token price neither earns leased time nor lifts
/// utilization), free GPUs only as far as its bond covers `idle_bond_per_gpu` each (declared
/// capacity is not free to inflate). Each class keeps its share of what counts.
pub fn counted(params: &Params, position: &Position, gpus: ProviderGpus) -> Result<Vec<ClassCount>, IncentiveError> {
    let mut paid_for: u128 = 0;
    for (denom, rate) in &position.lease_rates {
        if let Some(min) = params.min_lease_price(denom) {
            paid_for = paid_for.saturating_add(rate.div_floor(min).unwrap_or(0));
        }
    }
    let bonded_for = match params.idle_bond_per_gpu {
        0 => u128::MAX,
        per_gpu => gpus.bond / per_gpu,
    };
    let total_leased: u128 = gpus.classes.iter().map(|c| u128::from(c.leased)).sum();
    let total_free: u128 = gpus.classes.iter().map(|c| u128::from(c.free)).sum();
    let share = |count: u64, allowed: u128, total: u128| -> u64 {
        if total <= allowed {
            count
        } else {
            // count × allowed / total < count: fits.
            u64::try_from(u128::from(count) * allowed / total).unwrap_or(count)
        }
    };
    Ok(gpus
        .classes
        .into_iter()
        .map(|c| ClassCount { leased: share(c.leased, paid_for, total_leased), free: share(c.free, bonded_for, total_free), class: c.class })
        .collect())
}

/// The provider paid `amount` of take in `denom` on a lease withdrawal or close: credit for
/// leased rewards of `wash_cap` times as much, used as its record settles epochs.
pub fn take_paid(state: &mut dyn StateWrite, owner: &Address, denom: &str, amount: u128, height: u64) -> Result<Vec<Event>, IncentiveError> {
    let params = state.incentive_params()?;
    let epoch = epoch_at(&state, height, &params)?;
    // The take pays for blocks already accrued, in epochs that may have ended since: credited
    // before the record settles them.
    let existing = state.position(owner)?;
    let existed = existing.is_some();
    if let Some(mut position) = existing {
        math::add(&mut position.take_credit, denom, Dec::from_units(amount))?;
        state.put_position(owner, &position)?;
    }
    let (mut position, events) = bring_up_to_date(state, &params, owner, &epoch, height)?;
    if !existed {
        math::add(&mut position.take_credit, denom, Dec::from_units(amount))?;
    }
    state.put_position(owner, &position)?;
    Ok(events)
}

/// A lease payment of `owner` opened (`opened`) or closed at `rate` per block in `denom`: the
/// leased GPUs it pays for count (or no longer) from `height` on.
pub fn lease_rate_changed(
    state: &mut dyn StateWrite,
    market: &dyn MarketKeeper,
    owner: &Address,
    denom: &str,
    rate: Dec,
    opened: bool,
    height: u64,
) -> Result<Vec<Event>, IncentiveError> {
    let params = state.incentive_params()?;
    let epoch = epoch_at(&state, height, &params)?;
    let (mut position, events) = bring_up_to_date(state, &params, owner, &epoch, height)?;
    if opened {
        math::add(&mut position.lease_rates, denom, rate)?;
    } else {
        math::sub(&mut position.lease_rates, denom, rate)?;
    }
    let counts = counted(&params, &position, market.provider_gpus(&state, owner)?)?;
    recount(state, &mut position, &counts, &epoch, height)?;
    state.put_position(owner, &position)?;
    Ok(events)
}

/// The provider's free GPUs stop counting as verified idle time for the rest of the epoch,
/// and what they counted earlier in it is taken back (a miss anywhere in the epoch forfeits
/// the epoch's idle time).
pub fn mark_unverified(state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<Vec<Event>, IncentiveError> {
    let params = state.incentive_params()?;
    let epoch = epoch_at(&state, height, &params)?;
    let (mut position, mut events) = bring_up_to_date(state, &params, owner, &epoch, height)?;
    if position.verified_in(epoch.number) {
        for c in &mut position.classes {
            let mut tracker = load_tracker(state, &c.class, &epoch, height)?;
            tracker.unverified = adjust(tracker.unverified, 0, c.free, "unverified")?;
            tracker.idle_blocks = tracker
                .idle_blocks
                .checked_sub(c.pending_idle)
                .ok_or_else(|| IncentiveError::Internal(format!("class {} idle GPU-blocks below a provider's", c.class)))?;
            c.pending_idle = 0;
            state.put_class_tracker(&tracker)?;
        }
        position.unverified_epoch = Some(epoch.number);
        events.push(Unverified { provider: owner, epoch: epoch.number }.to_event());
    }
    state.put_position(owner, &position)?;
    Ok(events)
}

/// Pays `owner` the whole units of its vested rewards.
pub fn claim(state: &mut dyn StateWrite, bank: &dyn BankKeeper, owner: &Address, height: u64) -> Result<(Coins, Vec<Event>), IncentiveError> {
    if state.position(owner)?.is_none() {
        return Err(IncentiveError::NoRewards(owner.to_string()));
    }
    let params = state.incentive_params()?;
    let epoch = epoch_at(&state, height, &params)?;
    let (mut position, mut events) = bring_up_to_date(state, &params, owner, &epoch, height)?;
    let mut paid = Vec::new();
    for (denom, amount) in position.vested.clone() {
        let whole = amount.floor().ok_or_else(|| IncentiveError::Overflow(format!("vested {denom}")))?;
        if whole > 0 {
            math::sub(&mut position.vested, &denom, Dec::from_units(whole))?;
            let entry = position.claimed.entry(denom.clone()).or_insert(0);
            *entry = entry.checked_add(whole).ok_or_else(|| IncentiveError::Overflow(format!("claimed {denom}")))?;
            paid.push(Coin::new(Denom::new(denom).map_err(|e| IncentiveError::Internal(e.to_string()))?, whole));
        }
    }
    if paid.is_empty() {
        return Err(IncentiveError::NothingToClaim { provider: owner.to_string(), vesting: math::display(&position.unvested()?) });
    }
    let coins = Coins::from_list(paid).map_err(|e| IncentiveError::Internal(e.to_string()))?;
    let mut pool = state.pool()?;
    for coin in coins.iter() {
        math::sub(&mut pool.owed, coin.denom.as_str(), Dec::from_units(coin.amount))?;
    }
    state.put_pool(&pool)?;
    state.put_position(owner, &position)?;
    events.extend(bank.send_coins(state, &crate::module_address(), owner, &coins)?);
    events.push(Claimed { provider: owner, amount: &coins }.to_event());
    Ok((coins, events))
}

/// A slash: everything still vesting is forfeited back to the pool. Returns what was forfeited.
pub fn forfeit_unvested(state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<(DecMap, Vec<Event>), IncentiveError> {
    if state.position(owner)?.is_none() {
        return Ok((DecMap::new(), Vec::new()));
    }
    let params = state.incentive_params()?;
    let epoch = epoch_at(&state, height, &params)?;
    let (mut position, mut events) = bring_up_to_date(state, &params, owner, &epoch, height)?;
    let unvested = position.unvested()?;
    position.vesting.clear();
    if !unvested.is_empty() {
        let mut pool = state.pool()?;
        pool.give_back(&unvested)?;
        state.put_pool(&pool)?;
        math::add_all(&mut position.forfeited, &unvested)?;
        events.push(Forfeited { provider: owner, amount: &unvested, reason: "slashed" }.to_event());
    }
    state.put_position(owner, &position)?;
    Ok((unvested, events))
}

/// Moves `bps` of `amount` (plus the fraction `carry` kept from earlier moves) from `from` to
/// the incentive account, booking it as unallocated in `pool` (which the caller stores); the
/// new fraction is left in `carry`. Whether anything changed is returned with the events.
pub(crate) fn fund(
    state: &mut dyn StateWrite,
    bank: &dyn BankKeeper,
    pool: &mut PoolState,
    from: &Address,
    coin: (&str, u128),
    bps: u32,
    carry: &mut Dec,
) -> Result<(bool, Vec<Event>), IncentiveError> {
    let (denom, amount) = coin;
    if amount == 0 || bps == 0 {
        return Ok((false, Vec::new()));
    }
    let exact = math::bps_of(Dec::from_units(amount), bps)?.checked_add(*carry).ok_or_else(|| IncentiveError::Overflow("funding".into()))?;
    let whole = exact.floor().ok_or_else(|| IncentiveError::Overflow("funding".into()))?;
    *carry = exact.fract();
    let mut events = Vec::new();
    if whole > 0 {
        let coin = Coin::new(Denom::new(denom).map_err(|e| IncentiveError::Internal(e.to_string()))?, whole);
        let coins = Coins::from_list(vec![coin]).map_err(|e| IncentiveError::Internal(e.to_string()))?;
        events = bank.send_coins(state, from, &crate::module_address(), &coins)?;
        math::add(&mut pool.unallocated, denom, Dec::from_units(whole))?;
    }
    Ok((true, events))
}

/// Escrow collected `amount` of take into `community_pool`: the pool's share moves on.
pub fn take_collected(state: &mut dyn StateWrite, bank: &dyn BankKeeper, community_pool: &Address, denom: &str, amount: u128) -> Result<Vec<Event>, IncentiveError> {
    let params = state.incentive_params()?;
    let mut pool = state.pool()?;
    let mut carry = pool.take_carry.remove(denom).unwrap_or(Dec::ZERO);
    let (changed, events) = fund(state, bank, &mut pool, community_pool, (denom, amount), params.take_share_bps, &mut carry)?;
    if changed {
        math::add(&mut pool.take_carry, denom, carry)?;
        state.put_pool(&pool)?;
    }
    Ok(events)
}
