//! `agora.slashing.v1.Query`: parameters, challenges (open ones, by id or of one provider) and
//! a provider's liveness record.

use agora_proto::slashing::v1 as pb;
use agora_store::StateRead;
use agora_types::pagination::Page;
use agora_types::{Address, TxError};
use prost::Message;

use super::keys;
use super::dispute::DisputeRead;
use super::hardware::HardwareRead;
use super::panel::PanelRead;
use super::state::ProviderPenaltyRead;

pub const SERVICE: &str = "agora.slashing.v1.Query";

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::invalid_request(format!("invalid request encoding: {e}")))
}

fn provider(text: &str) -> Result<Address, TxError> {
    text.parse().map_err(|e| TxError::new("sdk", 7, format!("provider: {e}")))
}

pub fn query<S: StateRead + ?Sized>(state: &S, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let result = match path.strip_prefix("/agora.slashing.v1.Query/")? {
        "Params" => decode::<pb::QueryParamsRequest>(data).and_then(|_| {
            let params = state.provider_penalty_params().map_err(TxError::internal)?;
            Ok(pb::QueryParamsResponse { params: Some(params.to_proto()) }.encode_to_vec())
        }),
        "Challenge" => decode::<pb::QueryChallengeRequest>(data).and_then(|req| {
            let challenge = state
                .challenge(req.id)
                .map_err(TxError::internal)?
                .ok_or_else(|| TxError::not_found(format!("challenge {} is not open (never drawn, answered or missed)", req.id)))?;
            Ok(pb::QueryChallengeResponse { challenge: Some(challenge) }.encode_to_vec())
        }),
        "Challenges" => challenges(state, data),
        "ProviderLiveness" => decode::<pb::QueryProviderLivenessRequest>(data).and_then(|req| {
            let owner = provider(&req.provider)?;
            let liveness = state.liveness(&owner).map_err(TxError::internal)?;
            Ok(pb::QueryProviderLivenessResponse { liveness: Some(liveness) }.encode_to_vec())
        }),
        "ProviderFraud" => decode::<pb::QueryProviderFraudRequest>(data).and_then(|req| {
            let owner = provider(&req.provider)?;
            let fraud = state
                .provider_fraud(&owner)
                .map_err(TxError::internal)?
                .ok_or_else(|| TxError::not_found(format!("no fraud of provider {owner} is on record")))?;
            Ok(pb::QueryProviderFraudResponse { fraud: Some(fraud) }.encode_to_vec())
        }),
        "Dispute" => decode::<pb::QueryDisputeRequest>(data).and_then(|req| {
            let dispute = state.dispute(req.id).map_err(TxError::internal)?.ok_or_else(|| TxError::not_found(format!("dispute {} not found", req.id)))?;
            Ok(pb::QueryDisputeResponse { dispute: Some(dispute) }.encode_to_vec())
        }),
        "Disputes" => disputes(state, data),
        "ProviderHardware" => decode::<pb::QueryProviderHardwareRequest>(data).and_then(|req| {
            let owner = provider(&req.provider)?;
            let devices = state.devices_of(&owner).map_err(TxError::internal)?;
            Ok(pb::QueryProviderHardwareResponse { devices }.encode_to_vec())
        }),
        "Panelist" => decode::<pb::QueryPanelistRequest>(data).and_then(|req| {
            let auditor: Address = req.auditor.parse().map_err(|e| TxError::new("sdk", 7, format!("auditor: {e}")))?;
            let panelist = state.panelist(&auditor).map_err(TxError::internal)?.ok_or_else(|| TxError::not_found(format!("{auditor} does not sit on panels")))?;
            Ok(pb::QueryPanelistResponse { panelist: Some(panelist) }.encode_to_vec())
        }),
        _ => return None,
    };
    Some(result)
}

/// Disputes by id, all of them or (`provider`) one provider's, through its index.
fn disputes<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryDisputesRequest = decode(data)?;
    let page = Page::from_request(req.pagination.as_ref()).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let prefix = match req.provider.as_str() {
        "" => keys::DISPUTES.to_vec(),
        text => keys::disputes_of_provider(&provider(text)?),
    };
    let start = [prefix.as_slice(), page.key.as_slice()].concat();
    let items = state
        .prefix_raw(&prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k[prefix.len()..].to_vec(), v)).map_err(TxError::internal));
    let by_provider = !req.provider.is_empty();
    let (disputes, pagination) = page.collect(items, |key, value| {
        if by_provider {
            let id = u64::from_be_bytes(key.try_into().map_err(|_| TxError::internal("corrupt dispute index entry"))?);
            state.dispute(id).map_err(TxError::internal)?.ok_or_else(|| TxError::internal(format!("indexed dispute {id} is missing")))
        } else {
            pb::Dispute::decode(value).map_err(|e| TxError::internal(format!("corrupt dispute: {e}")))
        }
    })?;
    Ok(pb::QueryDisputesResponse { disputes, pagination: Some(pagination) }.encode_to_vec())
}

fn challenges<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryChallengesRequest = decode(data)?;
    if !req.provider.is_empty() {
        let owner = provider(&req.provider)?;
        let open = state.liveness(&owner).map_err(TxError::internal)?.open_challenge;
        let challenges = match open {
            0 => Vec::new(),
            id => state.challenge(id).map_err(TxError::internal)?.into_iter().collect(),
        };
        return Ok(pb::QueryChallengesResponse { challenges, pagination: None }.encode_to_vec());
    }
    let page = Page::from_request(req.pagination.as_ref()).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let prefix = keys::CHALLENGES;
    let start = [prefix, page.key.as_slice()].concat();
    let items = state
        .prefix_raw(prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k[prefix.len()..].to_vec(), v)).map_err(TxError::internal));
    let (challenges, pagination) = page.collect(items, |_, value| {
        pb::Challenge::decode(value).map_err(|e| TxError::internal(format!("corrupt challenge: {e}")))
    })?;
    Ok(pb::QueryChallengesResponse { challenges, pagination: Some(pagination) }.encode_to_vec())
}
