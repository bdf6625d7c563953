//! `cosmos.gov.v1.Query`: what Keplr's governance page, cosmjs and explorers read.

use agora_store::StateRead;
use agora_types::pagination::Page;
use agora_types::{Address, TxError};
use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmos_sdk_proto::cosmos::gov::v1 as pb;
use prost::Message;

use crate::component::status;
use crate::keepers::StakingKeeper;
use crate::proto;
use crate::state::{keys, GovRead};
use crate::tally::count;

pub const SERVICE: &str = "cosmos.gov.v1.Query";

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))
}

fn address(field: &str, value: &str) -> Result<Address, TxError> {
    if value.is_empty() {
        return Err(TxError::invalid_request(format!("empty {field} address")));
    }
    value.parse().map_err(|e: agora_types::AddressError| TxError::new("sdk", 7, format!("{field}: {e}")))
}

fn proposal_id(id: u64) -> Result<u64, TxError> {
    if id == 0 {
        return Err(TxError::invalid_request("proposal id can not be 0"));
    }
    Ok(id)
}

fn internal(e: crate::GovError) -> TxError {
    TxError::internal(e)
}

/// One page of the records under `prefix`, each decoded as `M`; `keep` filters (on the raw
/// record) before paging, so pages are full.
fn paged<M: Message + Default>(
    state: &dyn StateRead,
    prefix: &[u8],
    request: Option<&PageRequest>,
    mut keep: impl FnMut(&[u8]) -> Result<bool, TxError>,
) -> Result<(Vec<M>, PageResponse), TxError> {
    let page = Page::from_request(request).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let start = [prefix, page.key.as_slice()].concat();
    let items = state
        .prefix_raw(prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(key, value)| (key[prefix.len()..].to_vec(), value)).map_err(TxError::internal))
        .filter_map(|item| match item {
            Ok((key, value)) => match keep(&value) {
                Ok(true) => Some(Ok((key, value))),
                Ok(false) => None,
                Err(e) => Some(Err(e)),
            },
            Err(e) => Some(Err(e)),
        });
    page.collect(items, |_, bytes| M::decode(bytes).map_err(|e| TxError::internal(format!("corrupt record: {e}"))))
}

fn all(_: &[u8]) -> Result<bool, TxError> {
    Ok(true)
}

pub fn query(state: &dyn StateRead, staking: &dyn StakingKeeper, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let method = path.strip_prefix("/cosmos.gov.v1.Query/")?;
    Some(answer(state, staking, method, data))
}

pub(crate) fn answer(state: &dyn StateRead, staking: &dyn StakingKeeper, method: &str, data: &[u8]) -> Result<Vec<u8>, TxError> {
    Ok(match method {
        "Constitution" => pb::QueryConstitutionResponse { constitution: String::new() }.encode_to_vec(),
        "Proposal" => {
            let req: pb::QueryProposalRequest = decode(data)?;
            let id = proposal_id(req.proposal_id)?;
            let proposal = state.proposal(id).map_err(internal)?.ok_or_else(|| TxError::not_found(format!("proposal {id} doesn't exist")))?;
            pb::QueryProposalResponse { proposal: Some(proposal) }.encode_to_vec()
        }
        "Proposals" => {
            let req: pb::QueryProposalsRequest = decode(data)?;
            let voter = if req.voter.is_empty() { None } else { Some(address("voter", &req.voter)?) };
            let depositor = if req.depositor.is_empty() { None } else { Some(address("depositor", &req.depositor)?) };
            let wanted = (status::DEPOSIT_PERIOD..=status::FAILED).contains(&req.proposal_status).then_some(req.proposal_status);
            let filtered = wanted.is_some() || voter.is_some() || depositor.is_some();
            let (proposals, pagination) = paged(state, keys::PROPOSAL_PREFIX, req.pagination.as_ref(), |bytes| {
                if !filtered {
                    return Ok(true);
                }
                let p = pb::Proposal::decode(bytes).map_err(|e| TxError::internal(format!("corrupt proposal: {e}")))?;
                if wanted.is_some_and(|s| s != p.status) {
                    return Ok(false);
                }
                if let Some(voter) = &voter {
                    if state.vote(p.id, voter).map_err(internal)?.is_none() {
                        return Ok(false);
                    }
                }
                if let Some(depositor) = &depositor {
                    if state.deposit(p.id, depositor).map_err(internal)?.is_none() {
                        return Ok(false);
                    }
                }
                Ok(true)
            })?;
            pb::QueryProposalsResponse { proposals, pagination: Some(pagination) }.encode_to_vec()
        }
        "Vote" => {
            let req: pb::QueryVoteRequest = decode(data)?;
            let id = proposal_id(req.proposal_id)?;
            let voter = address("voter", &req.voter)?;
            let vote = state.vote(id, &voter).map_err(internal)?.ok_or_else(|| TxError::invalid_request(format!("voter: {} not found for proposal: {id}", req.voter)))?;
            pb::QueryVoteResponse { vote: Some(vote) }.encode_to_vec()
        }
        "Votes" => {
            let req: pb::QueryVotesRequest = decode(data)?;
            let id = proposal_id(req.proposal_id)?;
            let (votes, pagination) = paged(state, &keys::votes_of(id), req.pagination.as_ref(), all)?;
            pb::QueryVotesResponse { votes, pagination: Some(pagination) }.encode_to_vec()
        }
        "Deposit" => {
            let req: pb::QueryDepositRequest = decode(data)?;
            let id = proposal_id(req.proposal_id)?;
            let depositor = address("depositor", &req.depositor)?;
            let deposit = state
                .deposit(id, &depositor)
                .map_err(internal)?
                .ok_or_else(|| TxError::not_found(format!("depositor: {} not found for proposal: {id}", req.depositor)))?;
            pb::QueryDepositResponse { deposit: Some(deposit) }.encode_to_vec()
        }
        "Deposits" => {
            let req: pb::QueryDepositsRequest = decode(data)?;
            let id = proposal_id(req.proposal_id)?;
            let (deposits, pagination) = paged(state, &keys::deposits_of(id), req.pagination.as_ref(), all)?;
            pb::QueryDepositsResponse { deposits, pagination: Some(pagination) }.encode_to_vec()
        }
        "TallyResult" => {
            let req: pb::QueryTallyResultRequest = decode(data)?;
            let id = proposal_id(req.proposal_id)?;
            let proposal = state.proposal(id).map_err(internal)?.ok_or_else(|| TxError::not_found(format!("proposal {id} doesn't exist")))?;
            let tally = match proposal.status {
                status::DEPOSIT_PERIOD => crate::tally::Tally::default().to_proto(),
                // The live count while the vote runs.
                status::VOTING_PERIOD => count(state, staking, id)?.0.to_proto(),
                _ => proposal.final_tally_result.unwrap_or_default(),
            };
            pb::QueryTallyResultResponse { tally: Some(tally) }.encode_to_vec()
        }
        "Params" => {
            let req: pb::QueryParamsRequest = decode(data)?;
            let params = state.gov_params().map_err(internal)?;
            let p = params.to_proto();
            let mut res = proto::QueryParamsResponse { params: Some(p.clone()), ..Default::default() };
            match req.params_type.as_str() {
                "" => {}
                "voting" => res.voting_params = Some(pb::VotingParams { voting_period: p.voting_period }),
                "deposit" => res.deposit_params = Some(pb::DepositParams { min_deposit: p.min_deposit, max_deposit_period: p.max_deposit_period }),
                "tallying" => {
                    res.tally_params = Some(pb::TallyParams {
                        quorum: params.quorum.to_legacy_string(),
                        threshold: params.threshold.to_legacy_string(),
                        veto_threshold: params.veto_threshold.to_legacy_string(),
                    })
                }
                other => return Err(TxError::invalid_request(format!("unknown params type: {other}"))),
            }
            res.encode_to_vec()
        }
        other => return Err(TxError::new("sdk", 6, format!("unknown query method {other:?} of {SERVICE}"))),
    })
}

/// `agora.gov.v1.Query`: milestone grants with their paid, pending and returned amounts.
pub fn grants(state: &dyn StateRead, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    use agora_proto::gov::v1 as gpb;
    use crate::grants::{grant, params, with_totals};
    let method = path.strip_prefix("/agora.gov.v1.Query/")?;
    let totals = |g: gpb::Grant| with_totals(g).map_err(internal);
    Some((|| -> Result<Vec<u8>, TxError> {
        Ok(match method {
            "Grant" => {
                let req: gpb::QueryGrantRequest = decode(data)?;
                let g = grant(state, req.grant_id).map_err(internal)?.ok_or_else(|| TxError::not_found(format!("grant {} does not exist", req.grant_id)))?;
                gpb::QueryGrantResponse { grant: Some(totals(g)?) }.encode_to_vec()
            }
            "Grants" => {
                let req: gpb::QueryGrantsRequest = decode(data)?;
                let (grants, pagination) = paged::<gpb::Grant>(state, b"gov/grant/", req.pagination.as_ref(), all)?;
                let grants = grants.into_iter().map(totals).collect::<Result<_, _>>()?;
                gpb::QueryGrantsResponse { grants, pagination: Some(pagination) }.encode_to_vec()
            }
            "Params" => gpb::QueryGrantParamsResponse { params: Some(params(state).map_err(internal)?) }.encode_to_vec(),
            other => return Err(TxError::new("sdk", 6, format!("unknown query method {other:?} of agora.gov.v1.Query"))),
        })
    })())
}
