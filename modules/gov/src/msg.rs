//! Governance's messages, decoded from the standard `cosmos.gov.v1` ones.

use agora_types::{Address, Coins, Dec};
use cosmos_sdk_proto::cosmos::gov::v1 as pb;
use cosmos_sdk_proto::cosmos::gov::v1beta1;
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::{proto, GovError, Params};

pub const MSG_SUBMIT_PROPOSAL_URL: &str = "/cosmos.gov.v1.MsgSubmitProposal";
pub const MSG_DEPOSIT_URL: &str = "/cosmos.gov.v1.MsgDeposit";
pub const MSG_VOTE_URL: &str = "/cosmos.gov.v1.MsgVote";
pub const MSG_VOTE_WEIGHTED_URL: &str = "/cosmos.gov.v1.MsgVoteWeighted";
pub const MSG_CANCEL_PROPOSAL_URL: &str = "/cosmos.gov.v1.MsgCancelProposal";
pub const MSG_UPDATE_PARAMS_URL: &str = "/cosmos.gov.v1.MsgUpdateParams";

pub const MSG_EXEC_LEGACY_CONTENT_URL: &str = "/cosmos.gov.v1.MsgExecLegacyContent";
/// The v1beta1 messages, still sent by wallets and cosmjs's helpers.
pub const LEGACY_SUBMIT_PROPOSAL_URL: &str = "/cosmos.gov.v1beta1.MsgSubmitProposal";
pub const LEGACY_DEPOSIT_URL: &str = "/cosmos.gov.v1beta1.MsgDeposit";
pub const LEGACY_VOTE_URL: &str = "/cosmos.gov.v1beta1.MsgVote";
pub const LEGACY_VOTE_WEIGHTED_URL: &str = "/cosmos.gov.v1beta1.MsgVoteWeighted";
/// The one legacy content with a handler: a text-only proposal.
pub const TEXT_PROPOSAL_URL: &str = "/cosmos.gov.v1beta1.TextProposal";

pub const MESSAGE_TYPES: &[&str] = &[
    MSG_SUBMIT_PROPOSAL_URL,
    MSG_DEPOSIT_URL,
    MSG_VOTE_URL,
    MSG_VOTE_WEIGHTED_URL,
    MSG_CANCEL_PROPOSAL_URL,
    MSG_UPDATE_PARAMS_URL,
    MSG_EXEC_LEGACY_CONTENT_URL,
    LEGACY_SUBMIT_PROPOSAL_URL,
    LEGACY_DEPOSIT_URL,
    LEGACY_VOTE_URL,
    LEGACY_VOTE_WEIGHTED_URL,
    crate::grants::MSG_CREATE_GRANT_URL,
    crate::grants::MSG_RELEASE_TRANCHE_URL,
    crate::grants::MSG_UPDATE_GRANT_PARAMS_URL,
];

/// A vote option (`cosmos.gov.v1.VoteOption`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum VoteOption {
    Yes = 1,
    Abstain = 2,
    No = 3,
    NoWithVeto = 4,
}

impl VoteOption {
    pub fn from_i32(value: i32) -> Option<Self> {
        match value {
            1 => Some(Self::Yes),
            2 => Some(Self::Abstain),
            3 => Some(Self::No),
            4 => Some(Self::NoWithVeto),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Yes => "VOTE_OPTION_YES",
            Self::Abstain => "VOTE_OPTION_ABSTAIN",
            Self::No => "VOTE_OPTION_NO",
            Self::NoWithVeto => "VOTE_OPTION_NO_WITH_VETO",
        }
    }
}

/// One option of a (weighted) vote: the weight as the voter wrote it and as a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightedOption {
    pub option: VoteOption,
    pub weight: Dec,
    pub weight_text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmitProposal {
    pub proposer: Address,
    pub messages: Vec<Any>,
    pub initial_deposit: Coins,
    pub metadata: String,
    pub title: String,
    pub summary: String,
    pub expedited: bool,
    /// Sent as `cosmos.gov.v1beta1.MsgSubmitProposal` (its content wrapped in
    /// `MsgExecLegacyContent`).
    pub legacy: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum GovMsg {
    SubmitProposal(SubmitProposal),
    Deposit { proposal_id: u64, depositor: Address, amount: Coins, legacy: bool },
    Vote { proposal_id: u64, voter: Address, options: Vec<WeightedOption>, metadata: String, weighted: bool, legacy: bool },
    /// A v1beta1 content run by a passed proposal; only `TextProposal`, which does nothing.
    ExecLegacyContent { authority: Address },
    /// A milestone grant, made by a passed proposal.
    CreateGrant { authority: Address, grant: agora_proto::gov::v1::MsgCreateGrant },
    /// A grant's next tranche, released by a passed release vote.
    ReleaseTranche { authority: Address, grant_id: u64, tranche: u32 },
    /// Replaces the grant parameters; only the authority may.
    UpdateGrantParams { authority: Address, params: agora_proto::gov::v1::GrantParams },
    CancelProposal { proposal_id: u64, proposer: Address },
    UpdateParams { authority: Address, params: Box<Params> },
}

fn address(field: &str, value: &str) -> Result<Address, GovError> {
    value.parse().map_err(|e: agora_types::AddressError| GovError::InvalidAddress(format!("invalid {field} address: {e}")))
}

/// Coins as a message carries them: valid, sorted, no duplicates; `positive` refuses zero
/// amounts and an empty list.
fn coins(list: &[cosmos_sdk_proto::cosmos::base::v1beta1::Coin], positive: bool) -> Result<Coins, GovError> {
    let text = || list.iter().map(|c| format!("{}{}", c.amount, c.denom)).collect::<Vec<_>>().join(",");
    let coins = Coins::from_protos(list).map_err(|e| GovError::InvalidCoins(format!("{}: {e}", text())))?;
    let sorted = list.windows(2).all(|pair| pair[0].denom < pair[1].denom);
    let zero = coins.iter().count() != list.len();
    if !sorted || zero || (positive && list.is_empty()) {
        return Err(GovError::InvalidCoins(text()));
    }
    Ok(coins)
}

/// Checks one option of a vote as the SDK does.
fn option(option: i32, weight: &str) -> Result<WeightedOption, GovError> {
    let named = VoteOption::from_i32(option);
    let parsed: Option<Dec> = weight.parse().ok();
    match (named, parsed) {
        (Some(option), Some(w)) if !w.is_zero() && w <= Dec::ONE => Ok(WeightedOption { option, weight: w, weight_text: weight.to_string() }),
        _ => Err(GovError::InvalidVote(format!("option:{} weight:{weight:?}", named.map_or("VOTE_OPTION_UNSPECIFIED", VoteOption::name)))),
    }
}

fn weighted(options: &[pb::WeightedVoteOption]) -> Result<Vec<WeightedOption>, GovError> {
    if options.is_empty() {
        return Err(GovError::InvalidRequest("null".into()));
    }
    let mut out: Vec<WeightedOption> = Vec::with_capacity(options.len());
    let mut total = Dec::ZERO;
    for o in options {
        let checked = option(o.option, &o.weight)?;
        if out.iter().any(|seen| seen.option == checked.option) {
            return Err(GovError::InvalidVote("duplicated vote option".into()));
        }
        total = total.checked_add(checked.weight).ok_or_else(|| GovError::InvalidVote("total weight overflow 1.00".into()))?;
        out.push(checked);
    }
    if total > Dec::ONE {
        return Err(GovError::InvalidVote("total weight overflow 1.00".into()));
    }
    if total < Dec::ONE {
        return Err(GovError::InvalidVote("total weight lower than 1.00".into()));
    }
    Ok(out)
}

/// The legacy content a proposal may carry: a `TextProposal` with the SDK's checks (any other
/// content type has no handler here, `gov` 9).
fn text_proposal(content: Option<&Any>) -> Result<v1beta1::TextProposal, GovError> {
    let content = content.ok_or_else(|| GovError::InvalidProposalContent("missing content".into()))?;
    if content.type_url != TEXT_PROPOSAL_URL {
        return Err(GovError::NoProposalHandler(content.type_url.clone()));
    }
    let text = v1beta1::TextProposal::decode(content.value.as_slice()).map_err(|e| GovError::InvalidProposalContent(format!("cannot decode the text proposal: {e}")))?;
    if text.title.trim().is_empty() {
        return Err(GovError::InvalidProposalContent("proposal title cannot be blank".into()));
    }
    if text.title.len() > 140 {
        return Err(GovError::InvalidProposalContent("proposal title is longer than max length of 140".into()));
    }
    if text.description.is_empty() {
        return Err(GovError::InvalidProposalContent("proposal description cannot be blank".into()));
    }
    if text.description.len() > 10_000 {
        return Err(GovError::InvalidProposalContent("proposal description is longer than max length of 10000".into()));
    }
    Ok(text)
}

impl GovMsg {
    pub fn type_url(&self) -> &'static str {
        match self {
            Self::SubmitProposal(m) if m.legacy => LEGACY_SUBMIT_PROPOSAL_URL,
            Self::SubmitProposal(_) => MSG_SUBMIT_PROPOSAL_URL,
            Self::Deposit { legacy: true, .. } => LEGACY_DEPOSIT_URL,
            Self::Deposit { .. } => MSG_DEPOSIT_URL,
            Self::Vote { weighted: false, legacy: true, .. } => LEGACY_VOTE_URL,
            Self::Vote { weighted: true, legacy: true, .. } => LEGACY_VOTE_WEIGHTED_URL,
            Self::Vote { weighted: false, .. } => MSG_VOTE_URL,
            Self::Vote { weighted: true, .. } => MSG_VOTE_WEIGHTED_URL,
            Self::ExecLegacyContent { .. } => MSG_EXEC_LEGACY_CONTENT_URL,
            Self::CreateGrant { .. } => crate::grants::MSG_CREATE_GRANT_URL,
            Self::ReleaseTranche { .. } => crate::grants::MSG_RELEASE_TRANCHE_URL,
            Self::UpdateGrantParams { .. } => crate::grants::MSG_UPDATE_GRANT_PARAMS_URL,
            Self::CancelProposal { .. } => MSG_CANCEL_PROPOSAL_URL,
            Self::UpdateParams { .. } => MSG_UPDATE_PARAMS_URL,
        }
    }

    pub fn signers(&self) -> Vec<Address> {
        match self {
            Self::SubmitProposal(m) => vec![m.proposer],
            Self::Deposit { depositor, .. } => vec![*depositor],
            Self::Vote { voter, .. } => vec![*voter],
            Self::CancelProposal { proposer, .. } => vec![*proposer],
            Self::UpdateParams { authority, .. }
            | Self::ExecLegacyContent { authority }
            | Self::CreateGrant { authority, .. }
            | Self::ReleaseTranche { authority, .. }
            | Self::UpdateGrantParams { authority, .. } => vec![*authority],
        }
    }

    pub fn decode(any: &Any) -> Result<Self, GovError> {
        fn decode<M: Message + Default>(any: &Any) -> Result<M, GovError> {
            M::decode(any.value.as_slice()).map_err(|e| GovError::InvalidRequest(format!("cannot decode {}: {e}", any.type_url)))
        }
        match any.type_url.as_str() {
            MSG_SUBMIT_PROPOSAL_URL => {
                let m: pb::MsgSubmitProposal = decode(any)?;
                if m.title.is_empty() {
                    return Err(GovError::InvalidRequest("proposal title cannot be empty".into()));
                }
                if m.summary.is_empty() {
                    return Err(GovError::InvalidRequest("proposal summary cannot be empty".into()));
                }
                let proposer = address("proposer", &m.proposer)?;
                if m.messages.is_empty() && m.metadata.is_empty() {
                    return Err(GovError::NoProposalMsgs);
                }
                Ok(Self::SubmitProposal(SubmitProposal {
                    proposer,
                    initial_deposit: coins(&m.initial_deposit, false)?,
                    messages: m.messages,
                    metadata: m.metadata,
                    title: m.title,
                    summary: m.summary,
                    expedited: m.expedited,
                    legacy: false,
                }))
            }
            MSG_DEPOSIT_URL => {
                let m: pb::MsgDeposit = decode(any)?;
                Ok(Self::Deposit { proposal_id: m.proposal_id, depositor: address("depositor", &m.depositor)?, amount: coins(&m.amount, true)?, legacy: false })
            }
            MSG_VOTE_URL => {
                let m: pb::MsgVote = decode(any)?;
                let voter = address("voter", &m.voter)?;
                let options = vec![option(m.option, "1.000000000000000000")?];
                Ok(Self::Vote { proposal_id: m.proposal_id, voter, options, metadata: m.metadata, weighted: false, legacy: false })
            }
            MSG_VOTE_WEIGHTED_URL => {
                let m: pb::MsgVoteWeighted = decode(any)?;
                let voter = address("voter", &m.voter)?;
                Ok(Self::Vote { proposal_id: m.proposal_id, voter, options: weighted(&m.options)?, metadata: m.metadata, weighted: true, legacy: false })
            }
            MSG_CANCEL_PROPOSAL_URL => {
                let m: pb::MsgCancelProposal = decode(any)?;
                Ok(Self::CancelProposal { proposal_id: m.proposal_id, proposer: address("proposer", &m.proposer)? })
            }
            MSG_UPDATE_PARAMS_URL => {
                let m: proto::MsgUpdateParams = decode(any)?;
                let authority = agora_component::parse_authority(&m.authority).map_err(|e| GovError::InvalidAddress(e.log))?;
                let params = m.params.as_ref().ok_or_else(|| GovError::InvalidParams("params must be set".into()))?;
                Ok(Self::UpdateParams { authority, params: Box::new(Params::from_proto(params)?) })
            }
            MSG_EXEC_LEGACY_CONTENT_URL => {
                let m: pb::MsgExecLegacyContent = decode(any)?;
                let authority = agora_component::parse_authority(&m.authority).map_err(|e| GovError::InvalidAddress(e.log))?;
                text_proposal(m.content.as_ref())?;
                Ok(Self::ExecLegacyContent { authority })
            }
            LEGACY_SUBMIT_PROPOSAL_URL => {
                let m: v1beta1::MsgSubmitProposal = decode(any)?;
                let proposer = address("proposer", &m.proposer)?;
                let content = m.content.ok_or_else(|| GovError::InvalidProposalContent("missing content".into()))?;
                let text = text_proposal(Some(&content))?;
                let exec = pb::MsgExecLegacyContent { content: Some(content), authority: Address::module(crate::GOV_MODULE).to_string() };
                Ok(Self::SubmitProposal(SubmitProposal {
                    proposer,
                    initial_deposit: coins(&m.initial_deposit, false)?,
                    messages: vec![Any { type_url: MSG_EXEC_LEGACY_CONTENT_URL.into(), value: exec.encode_to_vec() }],
                    metadata: String::new(),
                    title: text.title,
                    summary: text.description,
                    expedited: false,
                    legacy: true,
                }))
            }
            LEGACY_DEPOSIT_URL => {
                let m: v1beta1::MsgDeposit = decode(any)?;
                Ok(Self::Deposit { proposal_id: m.proposal_id, depositor: address("depositor", &m.depositor)?, amount: coins(&m.amount, true)?, legacy: true })
            }
            LEGACY_VOTE_URL => {
                let m: v1beta1::MsgVote = decode(any)?;
                let voter = address("voter", &m.voter)?;
                let options = vec![option(m.option, "1.000000000000000000")?];
                Ok(Self::Vote { proposal_id: m.proposal_id, voter, options, metadata: String::new(), weighted: false, legacy: true })
            }
            LEGACY_VOTE_WEIGHTED_URL => {
                let m: v1beta1::MsgVoteWeighted = decode(any)?;
                let voter = address("voter", &m.voter)?;
                // v1beta1 weights travel in LegacyDec's wire form (atto).
                let options: Vec<pb::WeightedVoteOption> = m
                    .options
                    .iter()
                    .map(|o| {
                        let weight = Dec::from_atto_str(&o.weight).map_err(|e| GovError::InvalidVote(format!("weight {:?}: {e}", o.weight)))?;
                        Ok(pb::WeightedVoteOption { option: o.option, weight: weight.to_legacy_string() })
                    })
                    .collect::<Result<_, GovError>>()?;
                Ok(Self::Vote { proposal_id: m.proposal_id, voter, options: weighted(&options)?, metadata: String::new(), weighted: true, legacy: true })
            }
            crate::grants::MSG_CREATE_GRANT_URL => {
                let m: agora_proto::gov::v1::MsgCreateGrant = decode(any)?;
                let authority = agora_component::parse_authority(&m.authority).map_err(|e| GovError::InvalidAddress(e.log))?;
                crate::grants::validate_create(&m)?;
                Ok(Self::CreateGrant { authority, grant: m })
            }
            crate::grants::MSG_RELEASE_TRANCHE_URL => {
                let m: agora_proto::gov::v1::MsgReleaseTranche = decode(any)?;
                let authority = agora_component::parse_authority(&m.authority).map_err(|e| GovError::InvalidAddress(e.log))?;
                Ok(Self::ReleaseTranche { authority, grant_id: m.grant_id, tranche: m.tranche })
            }
            crate::grants::MSG_UPDATE_GRANT_PARAMS_URL => {
                let m: agora_proto::gov::v1::MsgUpdateGrantParams = decode(any)?;
                let authority = agora_component::parse_authority(&m.authority).map_err(|e| GovError::InvalidAddress(e.log))?;
                let params = m.params.ok_or_else(|| GovError::InvalidParams("grant params are missing".into()))?;
                crate::grants::validate_params(&params)?;
                Ok(Self::UpdateGrantParams { authority, params })
            }
            other => Err(GovError::InvalidRequest(format!("gov does not handle {other}"))),
        }
    }
}
