use agora_store::StateWrite;
use agora_types::{Event, TypedEvent};

use crate::event::ProviderAttributesDeleted;
use crate::state::ProviderStore;
use crate::{DeleteProviderAttributes, ProviderError, ProviderRead};

pub fn execute<S: StateWrite>(state: &mut S, msg: &DeleteProviderAttributes) -> Result<Vec<Event>, ProviderError> {
    let record = state.audited_record(&msg.provider, &msg.auditor)?.ok_or_else(|| ProviderError::AuditRecordNotFound {
        provider: msg.provider.to_string(),
        auditor: msg.auditor.to_string(),
    })?;
    let (removed, kept) = if msg.keys.is_empty() {
        (record.attributes.iter().map(|a| a.key.clone()).collect::<Vec<_>>(), Vec::new())
    } else {
        if let Some(missing) = msg.keys.iter().find(|k| !record.attributes.iter().any(|a| &a.key == *k)) {
            return Err(ProviderError::AuditKeyNotFound {
                provider: msg.provider.to_string(),
                auditor: msg.auditor.to_string(),
                key: missing.clone(),
            });
        }
        let kept = record.attributes.into_iter().filter(|a| !msg.keys.contains(&a.key)).collect();
        (msg.keys.clone(), kept)
    };
    // An empty record is deleted.
    state.put_audited_record(&msg.provider, &msg.auditor, kept);
    Ok(vec![ProviderAttributesDeleted { provider: &msg.provider, auditor: &msg.auditor, keys: &removed }.to_event()])
}
