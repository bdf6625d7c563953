use agora_proto::base::v1::Resources;
use agora_proto::provider::v1::{Provider, ProviderState};
use agora_store::StateWrite;
use agora_types::{BlockContext, Event, TypedEvent};

use super::fields_within_params;
use crate::event::ProviderCreated;
use crate::state::{provider_state, GpuCounter, ProviderStore};
use crate::{bond, CreateProvider, ProviderError, ProviderRead};

pub fn execute<S: StateWrite>(state: &mut S, bank: &dyn crate::keepers::BankKeeper, ctx: &BlockContext, msg: &CreateProvider) -> Result<Vec<Event>, ProviderError> {
    let params = state.provider_params()?;
    fields_within_params(&msg.fields, &params)?;
    if let Some(existing) = state.provider(&msg.owner)? {
        if existing.tombstoned {
            return Err(ProviderError::ProviderJailed { owner: msg.owner.to_string(), until: crate::penalty::TOMBSTONED });
        }
        return Err(match provider_state(&existing) {
            ProviderState::Unbonding => {
                ProviderError::ProviderUnbonding { owner: msg.owner.to_string(), height: existing.unbonding_height }
            }
            _ => ProviderError::ProviderExists { owner: msg.owner.to_string() },
        });
    }
    if msg.bond.denom != params.min_bond.denom {
        return Err(ProviderError::BondDenomMismatch {
            denom: msg.bond.denom.to_string(),
            expected: params.min_bond.denom.to_string(),
        });
    }
    if msg.bond.amount < params.min_bond.amount {
        return Err(ProviderError::BondBelowMinimum { bond: msg.bond.to_string(), min: params.min_bond.to_string() });
    }
    let mut events = bond::lock(state, bank, &msg.owner, &msg.bond)?;
    let provider = Provider {
        owner: msg.owner.to_string(),
        host_uri: msg.fields.host_uri.clone(),
        attributes: msg.fields.attributes.clone(),
        info: Some(msg.fields.info.clone()),
        capacity: Some(msg.fields.capacity.clone()),
        allocated: Some(Resources::default()),
        bond: Some(msg.bond.to_proto()),
        state: ProviderState::Active as i32,
        unbonding_height: 0,
        active_leases: 0,
        open_bids: 0,
        created_height: ctx.height,
        jailed_until: 0,
        tombstoned: false,
        // The owner as its own operator is no operator.
        operator: msg.fields.operator.filter(|o| *o != msg.owner).map(|a| a.to_string()).unwrap_or_default(),
    };
    state.put_provider(&msg.owner, &provider);
    state.adjust_gpu_utilization(&msg.fields.capacity.gpus, GpuCounter::Registered, true)?;
    events.push(ProviderCreated { owner: &msg.owner, host_uri: &msg.fields.host_uri, bond: &msg.bond }.to_event());
    Ok(events)
}
