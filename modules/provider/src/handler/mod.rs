//! One file per message; `execute` is the module's exhaustive router. Each handler runs the
//! checks that depend on state (params, existing records); the stateless ones already ran
//! when the message was built (see [`crate::msg`]).

mod create_provider;
mod delete_provider;
mod delete_provider_attributes;
mod deposit_bond;
mod sign_provider_attributes;
mod update_provider;

use agora_store::StateWrite;
use agora_types::{BlockContext, Event};

use crate::keepers::BankKeeper;
use crate::{ProviderError, ProviderMsg};

pub fn execute<S: StateWrite>(state: &mut S, bank: &dyn BankKeeper, ctx: &BlockContext, msg: &ProviderMsg) -> Result<Vec<Event>, ProviderError> {
    match msg {
        ProviderMsg::CreateProvider(m) => create_provider::execute(state, bank, ctx, m),
        ProviderMsg::UpdateProvider(m) => update_provider::execute(state, m),
        ProviderMsg::DeleteProvider(m) => delete_provider::execute(state, ctx, m),
        ProviderMsg::DepositBond(m) => deposit_bond::execute(state, bank, m),
        ProviderMsg::SignProviderAttributes(m) => sign_provider_attributes::execute(state, m),
        ProviderMsg::DeleteProviderAttributes(m) => delete_provider_attributes::execute(state, m),
        // The component holds the authority and handles it.
        ProviderMsg::UpdateParams { .. } => Err(ProviderError::Internal("MsgUpdateParams reached the provider handler".into())),
    }
}

/// The limits from params that a provider's published fields must respect.
fn fields_within_params(fields: &crate::msg::ProviderFields, params: &crate::Params) -> Result<(), ProviderError> {
    crate::validate::attributes_within_params(&fields.attributes, params.max_attributes, params.max_attribute_value_len)?;
    crate::validate::capacity_within_params(&fields.capacity, params.max_gpu_classes, params.max_storage_classes)
}
