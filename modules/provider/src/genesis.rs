//! `provider` genesis: parameters, and (in an exported state) the providers and the audited
//! attributes; providers of a new chain register by transaction.

use agora_proto::audit::v1::AuditedAttributes;
use agora_proto::provider::v1::{Provider, ProviderState};
use agora_store::{StateRead, StateWrite};
use agora_types::Address;
use serde::{Deserialize, Serialize};

use crate::state::{keys, provider_state, GpuCounter, ProviderStore};
use crate::{bond, resources, ProviderRead};
use crate::{Params, ProviderError};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    /// Provider records, active or unbonding, with their allocations and counters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<Provider>,
    /// Attributes auditors signed for providers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audits: Vec<AuditedAttributes>,
}

impl GenesisState {
    pub fn validate(&self) -> Result<(), ProviderError> {
        self.params.validate().map_err(|e| match e {
            ProviderError::InvalidParams(msg) => ProviderError::InvalidGenesis(msg),
            other => other,
        })
    }

    /// Writes the params and the records, and rebuilds what derives from them: GPU
    /// utilization per class and the unbonding index (auth creates the `provider` module
    /// account, which holds bonds; bank's genesis holds their coins).
    pub fn apply<S: StateWrite>(&self, state: &mut S) -> Result<(), ProviderError> {
        self.validate()?;
        state.put_provider_params(&self.params);
        for (i, provider) in self.providers.iter().enumerate() {
            let invalid = |what: String| ProviderError::InvalidGenesis(format!("provider.providers[{i}]: {what}"));
            let owner: Address = provider.owner.parse().map_err(|e| invalid(format!("owner: {e}")))?;
            if !provider.operator.is_empty() {
                let operator: Address = provider.operator.parse().map_err(|e| invalid(format!("operator: {e}")))?;
                if operator.to_string() != provider.operator || operator == owner {
                    return Err(invalid(format!("operator {:?} must be another account, in canonical form", provider.operator)));
                }
            }
            if state.provider(&owner)?.is_some() {
                return Err(invalid(format!("provider {owner} appears twice")));
            }
            let capacity = provider.capacity.clone().unwrap_or_default();
            let allocated = provider.allocated.clone().unwrap_or_default();
            if let Some(short) = resources::shortfall(&capacity, &allocated) {
                return Err(invalid(format!("allocated beyond capacity: {short}")));
            }
            match provider_state(provider) {
                ProviderState::Active => state.adjust_gpu_utilization(&capacity.gpus, GpuCounter::Registered, true)?,
                ProviderState::Unbonding => keys::UNBONDING_QUEUE.insert(state, provider.unbonding_height, owner.as_bytes().as_slice())?,
                other => return Err(invalid(format!("state {other:?}"))),
            }
            state.adjust_gpu_utilization(&allocated.gpus, GpuCounter::Leased, true)?;
            bond::recorded(provider).map_err(|e| invalid(e.to_string()))?;
            state.put_provider(&owner, provider);
        }
        for (i, audit) in self.audits.iter().enumerate() {
            let invalid = |what: String| ProviderError::InvalidGenesis(format!("provider.audits[{i}]: {what}"));
            let provider: Address = audit.provider.parse().map_err(|e| invalid(format!("provider: {e}")))?;
            let auditor: Address = audit.auditor.parse().map_err(|e| invalid(format!("auditor: {e}")))?;
            state.put_audited_record(&provider, &auditor, audit.attributes.clone());
        }
        Ok(())
    }

    /// The parameters and every provider and audit record as of `height`, heights rebased
    /// for a chain whose block 1 follows it (an unbonding already due ends at block 1).
    pub fn export<S: StateRead + ?Sized>(state: &S, height: u64) -> Result<Self, ProviderError> {
        let mut audits = Vec::new();
        for item in state.prefix_raw(keys::AUDIT_PREFIX, None) {
            let (_, value) = item?;
            audits.push(<AuditedAttributes as prost::Message>::decode(value.as_slice()).map_err(|e| ProviderError::Internal(format!("corrupt audit record: {e}")))?);
        }
        let mut providers = state.all_providers()?;
        for provider in &mut providers {
            provider.created_height = provider.created_height.saturating_sub(height);
            if provider.unbonding_height > 0 {
                provider.unbonding_height = provider.unbonding_height.saturating_sub(height).max(1);
            }
            // Still jailed on the new chain (0 would mean free); tombstoned stays for ever.
            if provider.jailed_until > 0 && provider.jailed_until != crate::penalty::TOMBSTONED {
                provider.jailed_until = provider.jailed_until.saturating_sub(height).max(1);
            }
        }
        Ok(Self { params: state.provider_params()?, providers, audits })
    }
}
