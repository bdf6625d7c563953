use std::collections::BTreeMap;

use agora_proto::base::v1::Attribute;
use agora_store::StateWrite;
use agora_types::{Event, TypedEvent};

use crate::event::ProviderAttributesSigned;
use crate::state::ProviderStore;
use crate::{validate, ProviderError, ProviderRead, SignProviderAttributes};

pub fn execute<S: StateWrite>(state: &mut S, msg: &SignProviderAttributes) -> Result<Vec<Event>, ProviderError> {
    let params = state.provider_params()?;
    // Only the value length is a per-message limit here; the count applies to the merged record.
    validate::attributes_within_params(&msg.attributes, u32::MAX, params.max_attribute_value_len)?;
    if state.provider(&msg.provider)?.is_none() {
        return Err(ProviderError::AuditedProviderNotFound { provider: msg.provider.to_string() });
    }
    let mut merged: BTreeMap<String, String> =
        state.audited_attributes(&msg.provider, &msg.auditor)?.into_iter().map(|a| (a.key, a.value)).collect();
    for attr in &msg.attributes {
        merged.insert(attr.key.clone(), attr.value.clone());
    }
    let max = params.max_attributes as usize;
    if merged.len() > max {
        return Err(ProviderError::TooManyAuditedAttributes {
            provider: msg.provider.to_string(),
            auditor: msg.auditor.to_string(),
            count: merged.len(),
            max,
        });
    }
    let attributes = merged.into_iter().map(|(key, value)| Attribute { key, value }).collect();
    state.put_audited_record(&msg.provider, &msg.auditor, attributes);
    let keys: Vec<String> = msg.attributes.iter().map(|a| a.key.clone()).collect();
    Ok(vec![ProviderAttributesSigned { provider: &msg.provider, auditor: &msg.auditor, keys: &keys }.to_event()])
}
