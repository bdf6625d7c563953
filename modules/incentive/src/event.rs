//! Typed events of `incentive`, so an explorer can show every reward a provider earned and
//! every epoch's rates.

use agora_types::{Address, Coins, Event, TypedEvent};

use crate::math::{display, DecMap};
use crate::state::{ClassEpochRecord, EpochInfo};

/// An epoch ended: what its rates allocated, all classes together.
pub struct EpochEnded<'a> {
    pub epoch: &'a EpochInfo,
    pub allocated: &'a DecMap,
}

impl TypedEvent for EpochEnded<'_> {
    fn to_event(&self) -> Event {
        Event::new("incentive_epoch_ended")
            .attr("epoch", self.epoch.number)
            .attr("start_height", self.epoch.start_height)
            .attr("end_height", self.epoch.end_height)
            .attr("allocated", display(self.allocated))
    }
}

/// One weighted class's budget, utilization and rates for an epoch that ended.
pub struct ClassEpochEnded<'a> {
    pub record: &'a ClassEpochRecord,
}

impl TypedEvent for ClassEpochEnded<'_> {
    fn to_event(&self) -> Event {
        let r = self.record;
        Event::new("incentive_class_rates")
            .attr("epoch", r.epoch)
            .attr("class", &r.class)
            .attr("weight", r.weight)
            .attr("utilization", r.utilization)
            .attr("leased_gpu_blocks", r.leased_blocks)
            .attr("idle_gpu_blocks", r.idle_blocks)
            .attr("budget", display(&r.budget))
            .attr("leased_rate", display(&r.leased_rate))
            .attr("idle_rate", display(&r.idle_rate))
    }
}

/// A provider's rewards up to the end of `through_epoch` (and any whole epochs since) were
/// settled; `over_wash_cap` and `lifted_by_own_leases` went back to the pool.
pub struct RewardSettled<'a> {
    pub provider: &'a Address,
    pub through_epoch: u64,
    pub leased: &'a DecMap,
    pub idle: &'a DecMap,
    pub over_wash_cap: &'a DecMap,
    pub lifted_by_own_leases: &'a DecMap,
}

impl TypedEvent for RewardSettled<'_> {
    fn to_event(&self) -> Event {
        Event::new("incentive_reward")
            .attr("provider", self.provider)
            .attr("through_epoch", self.through_epoch)
            .attr("leased", display(self.leased))
            .attr("idle", display(self.idle))
            .attr("over_wash_cap", display(self.over_wash_cap))
            .attr("lifted_by_own_leases", display(self.lifted_by_own_leases))
    }
}

pub struct Claimed<'a> {
    pub provider: &'a Address,
    pub amount: &'a Coins,
}

impl TypedEvent for Claimed<'_> {
    fn to_event(&self) -> Event {
        Event::new("incentive_claim").attr("provider", self.provider).attr("amount", self.amount)
    }
}

/// Unvested rewards went back to the pool.
pub struct Forfeited<'a> {
    pub provider: &'a Address,
    pub amount: &'a DecMap,
    pub reason: &'a str,
}

impl TypedEvent for Forfeited<'_> {
    fn to_event(&self) -> Event {
        Event::new("incentive_forfeit").attr("provider", self.provider).attr("amount", display(self.amount)).attr("reason", self.reason)
    }
}

/// The provider's free GPUs no longer count as verified idle time in `epoch`.
pub struct Unverified<'a> {
    pub provider: &'a Address,
    pub epoch: u64,
}

impl TypedEvent for Unverified<'_> {
    fn to_event(&self) -> Event {
        Event::new("incentive_unverified").attr("provider", self.provider).attr("epoch", self.epoch)
    }
}
