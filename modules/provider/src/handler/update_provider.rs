use agora_proto::provider::v1::ProviderState;
use agora_store::StateWrite;
use agora_types::{Event, TypedEvent};

use super::fields_within_params;
use crate::event::ProviderUpdated;
use crate::state::{provider_state, GpuCounter, ProviderStore};
use crate::{resources, ProviderError, ProviderRead, UpdateProvider};

pub fn execute<S: StateWrite>(state: &mut S, msg: &UpdateProvider) -> Result<Vec<Event>, ProviderError> {
    let params = state.provider_params()?;
    fields_within_params(&msg.fields, &params)?;
    let owner = msg.owner.to_string();
    let mut provider = state.provider(&msg.owner)?.ok_or_else(|| ProviderError::ProviderNotFound { owner: owner.clone() })?;
    if provider_state(&provider) != ProviderState::Active {
        return Err(ProviderError::ProviderNotActive { owner });
    }
    // What active leases hold must still fit: capacity never drops below the allocation.
    let allocated = provider.allocated.clone().unwrap_or_default();
    if let Some(shortfall) = resources::shortfall(&msg.fields.capacity, &allocated) {
        return Err(ProviderError::CapacityBelowAllocated { owner, shortfall });
    }
    let old_capacity = provider.capacity.clone().unwrap_or_default();
    state.adjust_gpu_utilization(&old_capacity.gpus, GpuCounter::Registered, false)?;
    state.adjust_gpu_utilization(&msg.fields.capacity.gpus, GpuCounter::Registered, true)?;
    provider.host_uri = msg.fields.host_uri.clone();
    provider.attributes = msg.fields.attributes.clone();
    provider.info = Some(msg.fields.info.clone());
    provider.capacity = Some(msg.fields.capacity.clone());
    // Empty keeps the operator (a client that does not know the field never drops it); the
    // owner's own address removes it.
    match msg.fields.operator {
        None => {}
        Some(operator) if operator == msg.owner => provider.operator.clear(),
        Some(operator) => provider.operator = operator.to_string(),
    }
    state.put_provider(&msg.owner, &provider);
    Ok(vec![ProviderUpdated { owner: &msg.owner }.to_event()])
}
