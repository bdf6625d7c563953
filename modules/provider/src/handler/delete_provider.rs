use agora_proto::provider::v1::ProviderState;
use agora_store::StateWrite;
use agora_types::{BlockContext, Event, TypedEvent};

use crate::event::ProviderDeleted;
use crate::state::{keys, provider_state, GpuCounter, ProviderStore};
use crate::{DeleteProvider, ProviderError, ProviderRead};

pub fn execute<S: StateWrite>(state: &mut S, ctx: &BlockContext, msg: &DeleteProvider) -> Result<Vec<Event>, ProviderError> {
    let params = state.provider_params()?;
    let owner = msg.owner.to_string();
    let mut provider = state.provider(&msg.owner)?.ok_or_else(|| ProviderError::ProviderNotFound { owner: owner.clone() })?;
    match provider_state(&provider) {
        ProviderState::Active => {}
        ProviderState::Unbonding => {
            return Err(ProviderError::ProviderUnbonding { owner, height: provider.unbonding_height });
        }
        ProviderState::Unspecified => return Err(ProviderError::ProviderNotActive { owner }),
    }
    if provider.active_leases > 0 {
        return Err(ProviderError::HasActiveLeases { owner, count: provider.active_leases });
    }
    if provider.open_bids > 0 {
        return Err(ProviderError::HasOpenBids { owner, count: provider.open_bids });
    }
    let unbonding_height = ctx
        .height
        .checked_add(params.unbonding_blocks)
        .ok_or_else(|| ProviderError::Internal(format!("unbonding height of {owner} overflows")))?;
    // Its GPUs no longer count as registered capacity.
    let capacity = provider.capacity.clone().unwrap_or_default();
    state.adjust_gpu_utilization(&capacity.gpus, GpuCounter::Registered, false)?;
    provider.state = ProviderState::Unbonding as i32;
    provider.unbonding_height = unbonding_height;
    state.put_provider(&msg.owner, &provider);
    keys::UNBONDING_QUEUE.insert(state, unbonding_height, msg.owner.as_bytes().as_slice())?;
    Ok(vec![ProviderDeleted { owner: &msg.owner, unbonding_height }.to_event()])
}
