//! `agora.provider.v1.Query` and `agora.audit.v1.Query` over ABCI query paths.

use agora_proto::audit::v1 as audit_pb;
use agora_proto::provider::v1::{self as pb, Provider};
use agora_store::StateRead;
use agora_types::pagination::Page;
use agora_types::{AbciError, Address, TxError};
use prost::Message;

use crate::state::keys;
use crate::{ProviderError, ProviderRead};

pub const PROVIDERS: &str = "/agora.provider.v1.Query/Providers";
pub const PROVIDER: &str = "/agora.provider.v1.Query/Provider";
pub const PARAMS: &str = "/agora.provider.v1.Query/Params";
pub const GPU_UTILIZATION: &str = "/agora.provider.v1.Query/GpuUtilization";
pub const PROVIDER_ATTRIBUTES: &str = "/agora.audit.v1.Query/ProviderAttributes";
pub const PROVIDER_AUDITOR: &str = "/agora.audit.v1.Query/ProviderAuditor";

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))
}

fn address(field: &str, s: &str) -> Result<Address, TxError> {
    crate::msg::address(field, s).map_err(|e| e.to_tx_error())
}

fn provider_record(value: &[u8]) -> Result<Provider, TxError> {
    Provider::decode(value).map_err(|e| TxError::internal(format!("corrupt provider record: {e}")))
}

/// Answers `path`; `None` if the path is not one of this crate's.
pub fn query<S: StateRead>(state: &S, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let result = match path {
        PROVIDERS => providers(state, data),
        PROVIDER => provider(state, data),
        PARAMS => decode::<pb::QueryParamsRequest>(data).and_then(|_| {
            let params = state.provider_params().map_err(TxError::internal)?;
            Ok(pb::QueryParamsResponse { params: Some(params.to_proto()) }.encode_to_vec())
        }),
        GPU_UTILIZATION => decode::<pb::QueryGpuUtilizationRequest>(data).and_then(|_| {
            let classes = state.gpu_utilization().map_err(TxError::internal)?;
            Ok(pb::QueryGpuUtilizationResponse { classes }.encode_to_vec())
        }),
        PROVIDER_ATTRIBUTES => provider_attributes(state, data),
        PROVIDER_AUDITOR => provider_auditor(state, data),
        _ => return None,
    };
    Some(result)
}

/// Whether `provider` passes the request's filters.
fn matches(req: &pb::QueryProvidersRequest, provider: &Provider) -> bool {
    let attribute_ok = req.attribute_key.is_empty()
        || provider
            .attributes
            .iter()
            .any(|a| a.key == req.attribute_key && (req.attribute_value.is_empty() || a.value == req.attribute_value));
    let gpu_ok = req.gpu_model.is_empty()
        || provider.capacity.as_ref().is_some_and(|c| c.gpus.iter().any(|g| g.model == req.gpu_model));
    attribute_ok && gpu_ok
}

/// All providers (active and unbonding), filtered before paging so pages and totals count
/// only matching providers. Page keys are the 20 owner bytes.
fn providers<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryProvidersRequest = decode(data)?;
    if req.attribute_key.is_empty() && !req.attribute_value.is_empty() {
        return Err(TxError::invalid_request("attribute_value needs attribute_key"));
    }
    let page = Page::from_request(req.pagination.as_ref()).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let prefix = keys::PROVIDERS_PREFIX;
    let start = [prefix, page.key.as_slice()].concat();
    let items = state
        .prefix_raw(prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map_err(TxError::internal))
        .filter_map(|item| match item {
            Ok((key, value)) => match provider_record(&value) {
                Ok(p) if matches(&req, &p) => Some(Ok((key.get(prefix.len()..).unwrap_or_default().to_vec(), value))),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            },
            Err(e) => Some(Err(e)),
        });
    let (providers, pagination) = page.collect(items, |_, value| provider_record(value))?;
    Ok(pb::QueryProvidersResponse { providers, pagination: Some(pagination) }.encode_to_vec())
}

fn provider<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryProviderRequest = decode(data)?;
    let owner = address("owner", &req.owner)?;
    let provider = state
        .provider(&owner)
        .map_err(TxError::internal)?
        .ok_or_else(|| TxError::not_found(ProviderError::ProviderNotFound { owner: owner.to_string() }.to_string()))?;
    Ok(pb::QueryProviderResponse { provider: Some(provider) }.encode_to_vec())
}

/// Every auditor's record for one provider, paged by the 20 auditor bytes.
fn provider_attributes<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: audit_pb::QueryProviderAttributesRequest = decode(data)?;
    let provider = address("provider", &req.provider)?;
    let page = Page::from_request(req.pagination.as_ref()).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let prefix = keys::audited_of(&provider);
    let start = [prefix.as_slice(), page.key.as_slice()].concat();
    let items = state
        .prefix_raw(&prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k.get(prefix.len()..).unwrap_or_default().to_vec(), v)).map_err(TxError::internal));
    let (attributes, pagination) = page.collect(items, |_, value| {
        audit_pb::AuditedAttributes::decode(value).map_err(|e| TxError::internal(format!("corrupt audited record: {e}")))
    })?;
    Ok(audit_pb::QueryProviderAttributesResponse { attributes, pagination: Some(pagination) }.encode_to_vec())
}

fn provider_auditor<S: StateRead>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: audit_pb::QueryProviderAuditorRequest = decode(data)?;
    let provider = address("provider", &req.provider)?;
    let auditor = address("auditor", &req.auditor)?;
    let record = state.audited_record(&provider, &auditor).map_err(TxError::internal)?.ok_or_else(|| {
        TxError::not_found(ProviderError::AuditRecordNotFound { provider: provider.to_string(), auditor: auditor.to_string() }.to_string())
    })?;
    Ok(audit_pb::QueryProviderAuditorResponse { attributes: Some(record) }.encode_to_vec())
}
