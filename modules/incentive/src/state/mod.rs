//! Incentive's records and typed access to them as extension traits over any store view.
//! Records are borsh (never queried raw); queries return their protobuf forms.

pub mod keys;

use std::collections::BTreeMap;

use agora_proto::incentive::v1 as pb;
use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt};
use agora_types::{Address, Dec};
use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

use crate::class::GpuClassId;
use crate::math::DecMap;
use crate::{IncentiveError, Params};

/// One epoch: heights `[start_height, end_height)`; it ends at the start of `end_height`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct EpochInfo {
    pub number: u64,
    pub start_height: u64,
    pub end_height: u64,
}

impl EpochInfo {
    pub fn to_proto(&self) -> pb::Epoch {
        pb::Epoch { number: self.number, start_height: self.start_height, end_height: self.end_height }
    }
}

/// What the `incentive` module account holds, by purpose. Its balance of each denom equals
/// `unallocated + owed` (the invariant).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(default)]
pub struct PoolState {
    /// Not yet given to any epoch's rates: funds later epochs.
    pub unallocated: DecMap,
    /// Allocated by finished epochs (settled into providers' records or not yet) and not yet
    /// claimed.
    pub owed: DecMap,
    /// Fractions of the mint and take shares not yet moved (they move once they make a unit).
    pub mint_carry: Dec,
    pub take_carry: DecMap,
}

/// One GPU class across all providers: its current counts, its GPU-blocks in `epoch` up to
/// `last_height`, and its cumulative rewards per GPU over finished epochs.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassTracker {
    pub class: GpuClassId,
    pub epoch: u64,
    pub last_height: u64,
    pub leased: u64,
    /// Free GPUs of active providers.
    pub free: u64,
    /// Of those, the ones whose provider lost its "verified" status this epoch.
    pub unverified: u64,
    pub leased_blocks: u128,
    pub idle_blocks: u128,
    pub free_blocks: u128,
    /// Σ over finished epochs of (rate × epoch length): what one GPU held all along earned.
    pub cum_leased: DecMap,
    pub cum_idle: DecMap,
}

/// A weighted class's accounting for one finished epoch.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassEpochRecord {
    pub epoch: u64,
    pub class: GpuClassId,
    pub weight: u32,
    pub leased_blocks: u128,
    pub idle_blocks: u128,
    pub free_blocks: u128,
    pub utilization: Dec,
    pub budget: DecMap,
    pub leased_rate: DecMap,
    pub idle_rate: DecMap,
    /// The epoch's length and the idle ramp it was priced with (providers' own leases are
    /// taken out of the ramp when their rewards are settled).
    pub epoch_blocks: u64,
    pub idle_floor_bps: u32,
    pub idle_full_bps: u32,
    /// The class's cumulative indexes once this epoch is counted in.
    pub cum_leased: DecMap,
    pub cum_idle: DecMap,
}

/// A provider's GPUs of one class, with what it accrued in its record's epoch.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassPosition {
    pub class: GpuClassId,
    pub leased: u64,
    pub free: u64,
    pub pending_leased: u128,
    pub pending_idle: u128,
    /// The class's cumulative indexes when the record's epoch began for this position.
    pub snap_leased: DecMap,
    pub snap_idle: DecMap,
}

/// Rewards settled in `epoch`, vesting linearly over the following `span` epochs.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(default)]
pub struct Tranche {
    pub epoch: u64,
    /// `vest_epochs` when the tranche was created.
    pub span: u32,
    pub total: DecMap,
    pub released: DecMap,
}

/// A provider's incentive record, brought up to date lazily whenever its counts change, a
/// lease of it opens or closes, or it claims.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(default)]
pub struct Position {
    pub epoch: u64,
    pub last_height: u64,
    pub classes: Vec<ClassPosition>,
    /// Σ of the rates per block of its open lease payments, per denom: leased GPUs count only as
    /// far as these pay `min_lease_prices` for them.
    pub lease_rates: DecMap,
    /// Take its leases paid and not yet used to cap leased rewards.
    pub take_credit: DecMap,
    pub vested: DecMap,
    pub vesting: Vec<Tranche>,
    pub claimed: BTreeMap<String, u128>,
    pub forfeited: DecMap,
    /// The epoch in which its free GPUs stopped counting as verified idle time, if any.
    pub unverified_epoch: Option<u64>,
}

impl Position {
    pub fn verified_in(&self, epoch: u64) -> bool {
        self.unverified_epoch != Some(epoch)
    }

    /// Still vesting, by denom.
    pub fn unvested(&self) -> Result<DecMap, IncentiveError> {
        let mut out = DecMap::new();
        for tranche in &self.vesting {
            crate::math::add_all(&mut out, &crate::math::diff(&tranche.total, &tranche.released)?)?;
        }
        Ok(out)
    }
}

impl PoolState {
    /// Owed amounts a provider will not get (above its wash cap, lifted by its own leases,
    /// forfeited by a slash) go back to funding later epochs.
    pub fn give_back(&mut self, amounts: &DecMap) -> Result<(), IncentiveError> {
        crate::math::sub_all(&mut self.owed, amounts)?;
        crate::math::add_all(&mut self.unallocated, amounts)
    }
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> IncentiveError {
    IncentiveError::Internal(format!("corrupt incentive {what}: {e}"))
}

pub trait IncentiveRead: StateRead {
    fn incentive_params(&self) -> Result<Params, IncentiveError> {
        match self.get_proto::<pb::Params>(keys::PARAMS)? {
            Some(proto) => Params::from_proto(&proto).map_err(|e| corrupt("params", e)),
            None => Ok(Params::default()),
        }
    }

    /// The current epoch, once the first block has started it.
    fn current_epoch(&self) -> Result<Option<EpochInfo>, IncentiveError> {
        Ok(self.get_borsh(keys::EPOCH)?)
    }

    fn finished_epoch(&self, number: u64) -> Result<Option<EpochInfo>, IncentiveError> {
        Ok(self.get_borsh(&keys::epoch(number))?)
    }

    fn pool(&self) -> Result<PoolState, IncentiveError> {
        Ok(self.get_borsh(keys::POOL)?.unwrap_or_default())
    }

    fn class_tracker(&self, class: &GpuClassId) -> Result<Option<ClassTracker>, IncentiveError> {
        Ok(self.get_borsh(&keys::class(class))?)
    }

    fn class_epoch(&self, epoch: u64, class: &GpuClassId) -> Result<Option<ClassEpochRecord>, IncentiveError> {
        Ok(self.get_borsh(&keys::class_epoch(epoch, class))?)
    }

    /// Every weighted class of one finished epoch, in class order.
    fn class_epochs(&self, epoch: u64) -> Result<Vec<ClassEpochRecord>, IncentiveError> {
        self.prefix_raw(&keys::class_epochs_of(epoch), None)
            .map(|item| {
                let (_, value) = item?;
                borsh::from_slice(&value).map_err(|e| corrupt("class epoch", e))
            })
            .collect()
    }

    fn position(&self, owner: &Address) -> Result<Option<Position>, IncentiveError> {
        Ok(self.get_borsh(&keys::position(owner))?)
    }

    /// Every provider's record, in owner order (genesis export and invariants).
    fn all_positions(&self) -> Result<Vec<(Address, Position)>, IncentiveError> {
        self.prefix_raw(keys::POSITIONS_PREFIX, None)
            .map(|item| {
                let (key, value) = item?;
                let owner = Address::from_slice(&key[keys::POSITIONS_PREFIX.len()..]).map_err(|e| corrupt("position key", e))?;
                Ok((owner, borsh::from_slice(&value).map_err(|e| corrupt("position", e))?))
            })
            .collect()
    }

    /// Every class tracker, in class order.
    fn all_class_trackers(&self) -> Result<Vec<ClassTracker>, IncentiveError> {
        self.prefix_raw(keys::CLASSES_PREFIX, None)
            .map(|item| {
                let (_, value) = item?;
                borsh::from_slice(&value).map_err(|e| corrupt("class tracker", e))
            })
            .collect()
    }
}

impl<S: StateRead + ?Sized> IncentiveRead for S {}

pub(crate) trait IncentiveStore: StateWrite + IncentiveRead {
    fn put_incentive_params(&mut self, params: &Params) {
        self.put_proto(keys::PARAMS.to_vec(), &params.to_proto());
    }

    fn put_current_epoch(&mut self, epoch: &EpochInfo) -> Result<(), IncentiveError> {
        Ok(self.put_borsh(keys::EPOCH.to_vec(), epoch)?)
    }

    fn put_finished_epoch(&mut self, epoch: &EpochInfo) -> Result<(), IncentiveError> {
        Ok(self.put_borsh(keys::epoch(epoch.number), epoch)?)
    }

    fn put_pool(&mut self, pool: &PoolState) -> Result<(), IncentiveError> {
        Ok(self.put_borsh(keys::POOL.to_vec(), pool)?)
    }

    fn put_class_tracker(&mut self, tracker: &ClassTracker) -> Result<(), IncentiveError> {
        Ok(self.put_borsh(keys::class(&tracker.class), tracker)?)
    }

    fn put_class_epoch(&mut self, record: &ClassEpochRecord) -> Result<(), IncentiveError> {
        self.put_borsh(keys::class_epoch(record.epoch, &record.class), record)?;
        self.put_raw(keys::class_history(&record.class, record.epoch), Vec::new());
        Ok(())
    }

    fn put_position(&mut self, owner: &Address, position: &Position) -> Result<(), IncentiveError> {
        Ok(self.put_borsh(keys::position(owner), position)?)
    }
}

impl<S: StateWrite + ?Sized> IncentiveStore for S {}
