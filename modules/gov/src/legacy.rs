//! `cosmos.gov.v1beta1.Query`, as the Cosmos SDK v0.50 still serves it for clients that speak
//! only v1beta1 (cosmjs's `gov` query extension, many wallets): each query is answered by its
//! v1 twin (the requests are the same on the wire) and the answer converted as the SDK
//! converts it. Deposits and tallies are the same on the wire in both versions.

use agora_store::StateRead;
use agora_types::{Dec, TxError};
use cosmos_sdk_proto::cosmos::gov::{v1, v1beta1 as pb};
use prost::Message;

use crate::keepers::StakingKeeper;
use crate::state::GovRead;

pub const SERVICE: &str = "cosmos.gov.v1beta1.Query";

/// Go's zero time (0001-01-01T00:00:00Z), which the SDK writes for a time a v1 proposal lacks.
const ZERO_TIME: tendermint_proto::google::protobuf::Timestamp = tendermint_proto::google::protobuf::Timestamp { seconds: -62_135_596_800, nanos: 0 };

/// A v1 proposal as v1beta1 shows it: its one message as the content (the content of a
/// `MsgExecLegacyContent`, the message itself otherwise), refused for any other count, as
/// the SDK refuses it (`sdk` 29).
pub fn proposal(p: v1::Proposal) -> Result<pb::Proposal, TxError> {
    let [message] = <[_; 1]>::try_from(p.messages).map_err(|_| {
        TxError::new("sdk", 29, "can't convert a gov/v1 Proposal to gov/v1beta1 Proposal when amount of proposal messages not exactly one: invalid type")
    })?;
    let content = if message.type_url == "/cosmos.gov.v1.MsgExecLegacyContent" {
        v1::MsgExecLegacyContent::decode(message.value.as_slice()).map_err(|e| TxError::internal(format!("corrupt legacy content: {e}")))?.content
    } else {
        Some(message)
    };
    let tally = p.final_tally_result.unwrap_or_default();
    Ok(pb::Proposal {
        proposal_id: p.id,
        content,
        status: p.status,
        final_tally_result: Some(pb::TallyResult { yes: tally.yes_count, abstain: tally.abstain_count, no: tally.no_count, no_with_veto: tally.no_with_veto_count }),
        submit_time: Some(p.submit_time.unwrap_or(ZERO_TIME)),
        deposit_end_time: Some(p.deposit_end_time.unwrap_or(ZERO_TIME)),
        total_deposit: p.total_deposit,
        voting_start_time: Some(p.voting_start_time.unwrap_or(ZERO_TIME)),
        voting_end_time: Some(p.voting_end_time.unwrap_or(ZERO_TIME)),
    })
}

/// A v1 vote as v1beta1 shows it: weights in `LegacyDec`'s wire form (atto), the deprecated
/// single `option` unset (as the SDK leaves it).
fn vote(v: v1::Vote) -> pb::Vote {
    #[allow(deprecated)]
    pb::Vote {
        proposal_id: v.proposal_id,
        voter: v.voter,
        option: 0,
        options: v
            .options
            .into_iter()
            .map(|o| pb::WeightedVoteOption { option: o.option, weight: o.weight.parse::<Dec>().map(|w| w.to_atto_string()).unwrap_or(o.weight) })
            .collect(),
    }
}

fn decode<M: Message + Default>(bytes: &[u8]) -> Result<M, TxError> {
    M::decode(bytes).map_err(|e| TxError::internal(format!("v1 answer: {e}")))
}

pub fn query(state: &dyn StateRead, staking: &dyn StakingKeeper, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let method = path.strip_prefix("/cosmos.gov.v1beta1.Query/")?;
    Some(answer(state, staking, method, data))
}

fn answer(state: &dyn StateRead, staking: &dyn StakingKeeper, method: &str, data: &[u8]) -> Result<Vec<u8>, TxError> {
    if method == "Params" {
        return params(state, data);
    }
    let v1_answer = crate::query::answer(state, staking, method, data)?;
    Ok(match method {
        "Proposal" => {
            let res: v1::QueryProposalResponse = decode(&v1_answer)?;
            pb::QueryProposalResponse { proposal: res.proposal.map(proposal).transpose()? }.encode_to_vec()
        }
        "Proposals" => {
            let res: v1::QueryProposalsResponse = decode(&v1_answer)?;
            let proposals = res.proposals.into_iter().map(proposal).collect::<Result<_, _>>()?;
            pb::QueryProposalsResponse { proposals, pagination: res.pagination }.encode_to_vec()
        }
        "Vote" => {
            let res: v1::QueryVoteResponse = decode(&v1_answer)?;
            pb::QueryVoteResponse { vote: res.vote.map(vote) }.encode_to_vec()
        }
        "Votes" => {
            let res: v1::QueryVotesResponse = decode(&v1_answer)?;
            pb::QueryVotesResponse { votes: res.votes.into_iter().map(vote).collect(), pagination: res.pagination }.encode_to_vec()
        }
        "Deposit" | "Deposits" | "TallyResult" => v1_answer,
        other => return Err(TxError::new("sdk", 6, format!("unknown query method {other:?} of {SERVICE}"))),
    })
}

/// v1beta1 answers only the typed parameter sets, and its tally parameters are `LegacyDec`s
/// in their wire form (atto) as bytes.
fn params(state: &dyn StateRead, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req = pb::QueryParamsRequest::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))?;
    let params = state.gov_params().map_err(TxError::internal)?;
    let p = params.to_proto();
    let mut res = pb::QueryParamsResponse::default();
    match req.params_type.as_str() {
        "voting" => res.voting_params = Some(pb::VotingParams { voting_period: p.voting_period }),
        "deposit" => res.deposit_params = Some(pb::DepositParams { min_deposit: p.min_deposit, max_deposit_period: p.max_deposit_period }),
        "tallying" => {
            let bytes = |d: Dec| d.to_atto_string().into_bytes();
            res.tally_params =
                Some(pb::TallyParams { quorum: bytes(params.quorum), threshold: bytes(params.threshold), veto_threshold: bytes(params.veto_threshold) })
        }
        other => return Err(TxError::invalid_request(format!("{other} is not a valid parameter type"))),
    }
    Ok(res.encode_to_vec())
}
