//! Block hooks of `provider`.

use agora_store::StateWrite;
use agora_types::{Address, BlockContext, Event, TypedEvent};
use agora_proto::provider::v1::ProviderState;

use crate::event::ProviderBondReturned;
use crate::state::{keys, provider_state, ProviderStore};
use crate::{bond, ProviderError, ProviderRead};

/// Finishes every unbonding due at or before `ctx.height`: returns the bond to the owner and
/// removes the provider record and its index entry. The index is a height queue, so a block
/// costs what is due in it, not what is pending. Audited
/// records of a removed provider stay: they belong to their auditors.
pub fn end_block<S: StateWrite>(state: &mut S, ctx: &BlockContext) -> Result<Vec<Event>, ProviderError> {
    let mut events = Vec::new();
    for (height, owner) in keys::UNBONDING_QUEUE.take_due(state, ctx.height)? {
        let owner = Address::from_slice(&owner)
            .map_err(|_| ProviderError::Internal(format!("corrupt unbonding index entry {owner:?}")))?;
        let Some(provider) = state.provider(&owner)? else {
            continue;
        };
        // Only the unbonding that wrote this index entry completes here.
        if provider_state(&provider) != ProviderState::Unbonding || provider.unbonding_height != height {
            continue;
        }
        let amount = bond::recorded(&provider)?;
        events.extend(bond::release(state, &owner, &amount)?);
        state.delete_provider(&owner);
        events.push(ProviderBondReturned { owner: &owner, amount: &amount }.to_event());
    }
    Ok(events)
}
