//! Typed access to `provider` and `audit` state as extension traits over any store view.
//!
//! [`ProviderRead`] and [`ProviderWrite`] are the keeper API other modules use: the market
//! module allocates and releases capacity when leases start and end, and counts open bids.
//! Record-level writes ([`ProviderStore`]) stay inside this crate.

pub mod keys;

use agora_proto::audit::v1::AuditedAttributes;
use agora_proto::base::v1::{Attribute, GpuClass, Resources};
use agora_proto::provider::v1::{self as pb, GpuUtilization, Provider, ProviderState};
use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt};
use agora_types::Address;

use crate::{resources, Params, ProviderError};

/// The lifecycle state of a stored provider record.
pub fn provider_state(provider: &Provider) -> ProviderState {
    ProviderState::try_from(provider.state).unwrap_or(ProviderState::Unspecified)
}

pub trait ProviderRead: StateRead {
    /// Current parameters (defaults if none are stored).
    fn provider_params(&self) -> Result<Params, ProviderError> {
        match self.get_proto::<pb::Params>(keys::PARAMS)? {
            Some(proto) => Params::from_proto(&proto).map_err(|e| ProviderError::Internal(format!("corrupt provider params: {e}"))),
            None => Ok(Params::default()),
        }
    }

    /// The provider record of `owner`, active or unbonding.
    fn provider(&self, owner: &Address) -> Result<Option<Provider>, ProviderError> {
        Ok(self.get_proto(&keys::provider(owner))?)
    }

    /// Every provider record, in key order (invariants and tests; no message walks them).
    fn all_providers(&self) -> Result<Vec<Provider>, ProviderError> {
        self.prefix_raw(keys::PROVIDERS_PREFIX, None)
            .map(|item| {
                let (_, value) = item?;
                <Provider as prost::Message>::decode(value.as_slice())
                    .map_err(|e| ProviderError::Internal(format!("corrupt provider record: {e}")))
            })
            .collect()
    }

    /// The attributes `auditor` has signed for `provider`, sorted by key; empty if none.
    fn audited_attributes(&self, provider: &Address, auditor: &Address) -> Result<Vec<Attribute>, ProviderError> {
        Ok(self.audited_record(provider, auditor)?.map(|r| r.attributes).unwrap_or_default())
    }

    /// The whole audited record of `auditor` for `provider`, if any.
    fn audited_record(&self, provider: &Address, auditor: &Address) -> Result<Option<AuditedAttributes>, ProviderError> {
        Ok(self.get_proto(&keys::audited(provider, auditor))?)
    }

    /// Registered and leased GPUs of every class that has any, in key order.
    fn gpu_utilization(&self) -> Result<Vec<GpuUtilization>, ProviderError> {
        self.prefix_raw(keys::GPU_PREFIX, None)
            .map(|item| {
                let (_, value) = item?;
                <GpuUtilization as prost::Message>::decode(value.as_slice())
                    .map_err(|e| ProviderError::Internal(format!("corrupt gpu utilization: {e}")))
            })
            .collect()
    }
}

impl<S: StateRead + ?Sized> ProviderRead for S {}

/// Which counter of a GPU utilization row to move.
#[derive(Clone, Copy, Debug)]
pub(crate) enum GpuCounter {
    Registered,
    Leased,
}

/// Record-level writes, for this crate's handlers, genesis and block hooks.
pub(crate) trait ProviderStore: StateWrite + ProviderRead {
    fn put_provider_params(&mut self, params: &Params) {
        self.put_proto(keys::PARAMS.to_vec(), &params.to_proto());
    }

    fn put_provider(&mut self, owner: &Address, provider: &Provider) {
        self.put_proto(keys::provider(owner), provider);
    }

    fn delete_provider(&mut self, owner: &Address) {
        self.delete(keys::provider(owner));
    }

    /// Stores the record, or deletes it if it holds no attributes.
    fn put_audited_record(&mut self, provider: &Address, auditor: &Address, attributes: Vec<Attribute>) {
        let key = keys::audited(provider, auditor);
        if attributes.is_empty() {
            self.delete(key);
        } else {
            let record = AuditedAttributes { provider: provider.to_string(), auditor: auditor.to_string(), attributes };
            self.put_proto(key, &record);
        }
    }

    /// Adds (or takes away) the GPUs of `gpus` to one counter of their utilization rows; a row
    /// whose counters are both zero is deleted. Going negative is an internal error.
    fn adjust_gpu_utilization(&mut self, gpus: &[GpuClass], counter: GpuCounter, add: bool) -> Result<(), ProviderError> {
        for class in gpus.iter().filter(|g| g.count > 0) {
            let key = keys::gpu(class);
            let mut row = self.get_proto::<GpuUtilization>(&key)?.unwrap_or_else(|| GpuUtilization {
                vendor: class.vendor.clone(),
                model: class.model.clone(),
                vram_gib: class.vram_gib,
                interface: class.interface.clone(),
                registered: 0,
                leased: 0,
            });
            let value = match counter {
                GpuCounter::Registered => &mut row.registered,
                GpuCounter::Leased => &mut row.leased,
            };
            let count = u64::from(class.count);
            let old = *value;
            *value = if add { old.checked_add(count) } else { old.checked_sub(count) }.ok_or_else(|| {
                ProviderError::Internal(format!(
                    "{counter:?} gpus of {} would leave the u64 range ({old} {} {count})",
                    resources::gpu_label(class),
                    if add { "+" } else { "-" }
                ))
            })?;
            if row.registered == 0 && row.leased == 0 {
                self.delete(key);
            } else {
                self.put_proto(key, &row);
            }
        }
        Ok(())
    }
}

impl<S: StateWrite + ?Sized> ProviderStore for S {}

/// Whether the provider offers capacity now: active (not unbonding) and not jailed.
pub fn is_offering(provider: &Provider) -> bool {
    provider_state(provider) == ProviderState::Active && !crate::penalty::is_jailed(provider)
}

/// The GPUs of the provider's registered capacity, all classes together.
pub fn registered_gpus(provider: &Provider) -> u64 {
    provider.capacity.as_ref().map_or(0, |c| c.gpus.iter().map(|g| u64::from(g.count)).sum())
}

/// A jailed provider takes no new bid or lease.
fn refuse_jailed(provider: &Provider, owner: &Address) -> Result<(), ProviderError> {
    if crate::penalty::is_jailed(provider) {
        return Err(ProviderError::ProviderJailed { owner: owner.to_string(), until: provider.jailed_until });
    }
    Ok(())
}

fn not_found(owner: &Address) -> ProviderError {
    ProviderError::ProviderNotFound { owner: owner.to_string() }
}

fn overflow(owner: &Address, what: &str) -> ProviderError {
    ProviderError::Internal(format!("{what} of provider {owner} out of range"))
}

/// The keeper API of the market module.
pub trait ProviderWrite: StateWrite + ProviderRead {
    /// A lease starts: allocated += resources (refused with `InsufficientCapacity` naming the
    /// shortfall if capacity would be exceeded; `ProviderNotFound` / `ProviderNotActive` if the
    /// provider is missing or unbonding), active_leases += 1, utilization.leased += the GPUs.
    fn allocate(&mut self, owner: &Address, resources: &Resources) -> Result<(), ProviderError> {
        let mut provider = self.provider(owner)?.ok_or_else(|| not_found(owner))?;
        if provider_state(&provider) != ProviderState::Active {
            return Err(ProviderError::ProviderNotActive { owner: owner.to_string() });
        }
        refuse_jailed(&provider, owner)?;
        let resources = resources::normalize(resources)?;
        let capacity = provider.capacity.clone().unwrap_or_default();
        let allocated = provider.allocated.clone().unwrap_or_default();
        let free = resources::checked_sub(&capacity, &allocated)
            .map_err(|e| ProviderError::Internal(format!("provider {owner} holds more than its capacity: {e}")))?;
        if let Some(shortfall) = resources::shortfall(&free, &resources) {
            return Err(ProviderError::InsufficientCapacity { owner: owner.to_string(), shortfall });
        }
        provider.allocated = Some(resources::checked_add(&allocated, &resources)?);
        provider.active_leases = provider.active_leases.checked_add(1).ok_or_else(|| overflow(owner, "active_leases"))?;
        self.put_proto(keys::provider(owner), &provider);
        self.adjust_gpu_utilization(&resources.gpus, GpuCounter::Leased, true)
    }

    /// A lease ends: allocated -= resources, active_leases -= 1, utilization.leased -= the GPUs.
    /// Going negative is an internal error (the caller released what it never allocated).
    fn release(&mut self, owner: &Address, resources: &Resources) -> Result<(), ProviderError> {
        let mut provider = self.provider(owner)?.ok_or_else(|| not_found(owner))?;
        let resources = resources::normalize(resources)?;
        let allocated = provider.allocated.clone().unwrap_or_default();
        provider.allocated = Some(
            resources::checked_sub(&allocated, &resources)
                .map_err(|e| ProviderError::Internal(format!("release from provider {owner} exceeds its allocation: {e}")))?,
        );
        provider.active_leases = provider
            .active_leases
            .checked_sub(1)
            .ok_or_else(|| ProviderError::Internal(format!("release from provider {owner}, which has no active lease")))?;
        self.put_proto(keys::provider(owner), &provider);
        self.adjust_gpu_utilization(&resources.gpus, GpuCounter::Leased, false)
    }

    /// A bid of `owner` opens: open_bids += 1. Refused unless the provider is active.
    fn bid_opened(&mut self, owner: &Address) -> Result<(), ProviderError> {
        let mut provider = self.provider(owner)?.ok_or_else(|| not_found(owner))?;
        if provider_state(&provider) != ProviderState::Active {
            return Err(ProviderError::ProviderNotActive { owner: owner.to_string() });
        }
        refuse_jailed(&provider, owner)?;
        provider.open_bids = provider.open_bids.checked_add(1).ok_or_else(|| overflow(owner, "open_bids"))?;
        self.put_proto(keys::provider(owner), &provider);
        Ok(())
    }

    /// A bid of `owner` closes (won, lost or withdrawn): open_bids -= 1.
    fn bid_closed(&mut self, owner: &Address) -> Result<(), ProviderError> {
        let mut provider = self.provider(owner)?.ok_or_else(|| not_found(owner))?;
        provider.open_bids = provider
            .open_bids
            .checked_sub(1)
            .ok_or_else(|| ProviderError::Internal(format!("bid closed for provider {owner}, which has no open bid")))?;
        self.put_proto(keys::provider(owner), &provider);
        Ok(())
    }
}

impl<S: StateWrite + ?Sized> ProviderWrite for S {}
