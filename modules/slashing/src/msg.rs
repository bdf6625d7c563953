//! Slashing's messages: `MsgUnjail` (signed by the validator's operator) and
//! `MsgUpdateParams` (the authority) of `cosmos.slashing.v1beta1`; `MsgChallengeResponse`,
//! `MsgUnjailProvider` (the provider's owner) and `MsgUpdateParams` (the authority) of
//! `agora.slashing.v1`.

use agora_types::{Address, Coin, VALOPER_PREFIX};
use agora_proto::slashing::v1 as apb;
use cosmos_sdk_proto::cosmos::slashing::v1beta1 as pb;
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::provider::attestation::Attestation;
use crate::provider::dispute::{LeaseRef, OpenDispute, MAX_DETAILS_LEN, MAX_EVIDENCE_HASH_LEN};
use crate::provider::hardware::Possession;
use agora_tx::PublicKey;
use crate::provider::fraud::ConflictingStatements;
use crate::provider::ProviderParams;
use crate::{Params, SlashingError};

pub const MSG_UNJAIL_URL: &str = "/cosmos.slashing.v1beta1.MsgUnjail";
pub const MSG_UPDATE_PARAMS_URL: &str = "/cosmos.slashing.v1beta1.MsgUpdateParams";
pub const MSG_CHALLENGE_RESPONSE_URL: &str = "/agora.slashing.v1.MsgChallengeResponse";
pub const MSG_UNJAIL_PROVIDER_URL: &str = "/agora.slashing.v1.MsgUnjailProvider";
pub const MSG_UPDATE_PROVIDER_PARAMS_URL: &str = "/agora.slashing.v1.MsgUpdateParams";
pub const MSG_REPORT_CONFLICTING_STATEMENTS_URL: &str = "/agora.slashing.v1.MsgReportConflictingStatements";
pub const MSG_DISPUTE_URL: &str = "/agora.slashing.v1.MsgDispute";
pub const MSG_ANSWER_DISPUTE_URL: &str = "/agora.slashing.v1.MsgAnswerDispute";
pub const MSG_VOTE_DISPUTE_URL: &str = "/agora.slashing.v1.MsgVoteDispute";
pub const MSG_ENROLL_PANELIST_URL: &str = "/agora.slashing.v1.MsgEnrollPanelist";
pub const MSG_LEAVE_PANEL_URL: &str = "/agora.slashing.v1.MsgLeavePanel";
pub const MSG_REVERSE_DISPUTE_URL: &str = "/agora.slashing.v1.MsgReverseDispute";
pub const MSG_REGISTER_HARDWARE_URL: &str = "/agora.slashing.v1.MsgRegisterHardware";
pub const MSG_REMOVE_HARDWARE_URL: &str = "/agora.slashing.v1.MsgRemoveHardware";
pub const MSG_REPORT_DUPLICATE_HARDWARE_URL: &str = "/agora.slashing.v1.MsgReportDuplicateHardware";

pub const MESSAGE_TYPES: &[&str] = &[
    MSG_UNJAIL_URL,
    MSG_UPDATE_PARAMS_URL,
    MSG_CHALLENGE_RESPONSE_URL,
    MSG_UNJAIL_PROVIDER_URL,
    MSG_UPDATE_PROVIDER_PARAMS_URL,
    MSG_REPORT_CONFLICTING_STATEMENTS_URL,
    MSG_DISPUTE_URL,
    MSG_ANSWER_DISPUTE_URL,
    MSG_VOTE_DISPUTE_URL,
    MSG_ENROLL_PANELIST_URL,
    MSG_LEAVE_PANEL_URL,
    MSG_REVERSE_DISPUTE_URL,
    MSG_REGISTER_HARDWARE_URL,
    MSG_REMOVE_HARDWARE_URL,
    MSG_REPORT_DUPLICATE_HARDWARE_URL,
];

#[derive(Clone, Debug, PartialEq)]
pub enum SlashingMsg {
    Unjail { operator: Address },
    UpdateParams { authority: Address, params: Params },
    /// The drawn provider answers a liveness challenge, signed by its owner or (`operator`)
    /// the operator key it registered.
    ChallengeResponse { provider: Address, operator: Option<Address>, challenge_id: u64, nonce: Vec<u8>, attestation: Option<Box<Attestation>> },
    UnjailProvider { provider: Address },
    UpdateProviderParams { authority: Address, params: ProviderParams },
    /// Evidence of a provider's fraud, from anyone.
    ReportConflictingStatements(Box<ConflictingStatements>),
    /// A tenant disputes one of its leases.
    Dispute(Box<OpenDispute>),
    /// The disputed provider (its owner, or `operator`) records its evidence's hash.
    AnswerDispute { provider: Address, operator: Option<Address>, dispute_id: u64, evidence_hash: Vec<u8> },
    VoteDispute { panelist: Address, dispute_id: u64, option: apb::DisputeVoteOption },
    EnrollPanelist { auditor: Address, audited_provider: Address },
    LeavePanel { auditor: Address },
    /// Governance reverses an upheld dispute in its appeal window.
    ReverseDispute { authority: Address, dispute_id: u64 },
    /// The provider registers a device that signed it is the provider's.
    RegisterHardware(Box<Possession>),
    RemoveHardware { provider: Address, device: Box<PublicKey> },
    /// A device registered to one provider signed for another.
    ReportDuplicateHardware { reporter: Address, claim: Box<Possession> },
}

fn address(field: &str, text: &str) -> Result<Address, SlashingError> {
    text.parse().map_err(|e| SlashingError::InvalidAddress(format!("{field}: {e}")))
}

impl SlashingMsg {
    pub fn type_url(&self) -> &'static str {
        match self {
            Self::Unjail { .. } => MSG_UNJAIL_URL,
            Self::UpdateParams { .. } => MSG_UPDATE_PARAMS_URL,
            Self::ChallengeResponse { .. } => MSG_CHALLENGE_RESPONSE_URL,
            Self::UnjailProvider { .. } => MSG_UNJAIL_PROVIDER_URL,
            Self::UpdateProviderParams { .. } => MSG_UPDATE_PROVIDER_PARAMS_URL,
            Self::ReportConflictingStatements(_) => MSG_REPORT_CONFLICTING_STATEMENTS_URL,
            Self::Dispute(_) => MSG_DISPUTE_URL,
            Self::AnswerDispute { .. } => MSG_ANSWER_DISPUTE_URL,
            Self::VoteDispute { .. } => MSG_VOTE_DISPUTE_URL,
            Self::EnrollPanelist { .. } => MSG_ENROLL_PANELIST_URL,
            Self::LeavePanel { .. } => MSG_LEAVE_PANEL_URL,
            Self::ReverseDispute { .. } => MSG_REVERSE_DISPUTE_URL,
            Self::RegisterHardware(_) => MSG_REGISTER_HARDWARE_URL,
            Self::RemoveHardware { .. } => MSG_REMOVE_HARDWARE_URL,
            Self::ReportDuplicateHardware { .. } => MSG_REPORT_DUPLICATE_HARDWARE_URL,
        }
    }

    pub fn signers(&self) -> Vec<Address> {
        match self {
            Self::Unjail { operator } => vec![*operator],
            Self::UpdateParams { authority, .. } | Self::UpdateProviderParams { authority, .. } => vec![*authority],
            Self::ChallengeResponse { provider, operator, .. } => vec![operator.unwrap_or(*provider)],
            Self::UnjailProvider { provider } => vec![*provider],
            Self::ReportConflictingStatements(evidence) => vec![evidence.reporter],
            Self::Dispute(dispute) => vec![dispute.tenant],
            Self::AnswerDispute { provider, operator, .. } => vec![operator.unwrap_or(*provider)],
            Self::VoteDispute { panelist, .. } => vec![*panelist],
            Self::EnrollPanelist { auditor, .. } | Self::LeavePanel { auditor } => vec![*auditor],
            Self::ReverseDispute { authority, .. } => vec![*authority],
            Self::RegisterHardware(claim) => vec![claim.provider],
            Self::RemoveHardware { provider, .. } => vec![*provider],
            Self::ReportDuplicateHardware { reporter, .. } => vec![*reporter],
        }
    }

    pub fn decode(any: &Any) -> Result<Self, SlashingError> {
        let invalid = |e: prost::DecodeError| SlashingError::InvalidRequest(format!("cannot decode {}: {e}", any.type_url));
        match any.type_url.as_str() {
            MSG_UNJAIL_URL => {
                let m = pb::MsgUnjail::decode(any.value.as_slice()).map_err(invalid)?;
                let operator = Address::from_bech32_with(&m.validator_addr, VALOPER_PREFIX)
                    .map_err(|e| SlashingError::InvalidAddress(format!("validator_addr: {e}")))?;
                Ok(Self::Unjail { operator })
            }
            MSG_UPDATE_PARAMS_URL => {
                let m = pb::MsgUpdateParams::decode(any.value.as_slice()).map_err(invalid)?;
                let authority = m.authority.parse().map_err(|e| SlashingError::InvalidAddress(format!("authority: {e}")))?;
                let params = m.params.as_ref().ok_or_else(|| SlashingError::InvalidParams("params are missing".into()))?;
                Ok(Self::UpdateParams { authority, params: Params::from_proto(params)? })
            }
            MSG_CHALLENGE_RESPONSE_URL => {
                let m = apb::MsgChallengeResponse::decode(any.value.as_slice()).map_err(invalid)?;
                let operator = (!m.operator.is_empty()).then(|| address("operator", &m.operator)).transpose()?;
                let attestation = m.attestation.map(Attestation::from_proto).transpose()?.map(Box::new);
                Ok(Self::ChallengeResponse { provider: address("provider", &m.provider)?, operator, challenge_id: m.challenge_id, nonce: m.nonce, attestation })
            }
            MSG_UNJAIL_PROVIDER_URL => {
                let m = apb::MsgUnjailProvider::decode(any.value.as_slice()).map_err(invalid)?;
                Ok(Self::UnjailProvider { provider: address("provider", &m.provider)? })
            }
            MSG_UPDATE_PROVIDER_PARAMS_URL => {
                let m = apb::MsgUpdateParams::decode(any.value.as_slice()).map_err(invalid)?;
                let params = m.params.as_ref().ok_or_else(|| SlashingError::InvalidParams("params are missing".into()))?;
                Ok(Self::UpdateProviderParams { authority: address("authority", &m.authority)?, params: ProviderParams::from_proto(params)? })
            }
            MSG_REPORT_CONFLICTING_STATEMENTS_URL => {
                let m = apb::MsgReportConflictingStatements::decode(any.value.as_slice()).map_err(invalid)?;
                Ok(Self::ReportConflictingStatements(Box::new(ConflictingStatements::from_proto(m)?)))
            }
            MSG_DISPUTE_URL => {
                let m = apb::MsgDispute::decode(any.value.as_slice()).map_err(invalid)?;
                let claim = match apb::DisputeClaim::try_from(m.claim) {
                    Ok(claim) if claim != apb::DisputeClaim::Unspecified => claim,
                    _ => return Err(SlashingError::InvalidRequest(format!("claim {} is not a dispute claim: not_delivered or degraded", m.claim))),
                };
                if m.details.len() > MAX_DETAILS_LEN {
                    return Err(SlashingError::InvalidRequest(format!("details are {} bytes; at most {MAX_DETAILS_LEN}", m.details.len())));
                }
                let deposit = m.deposit.as_ref().ok_or_else(|| SlashingError::InvalidRequest("deposit is missing".into()))?;
                let deposit = Coin::from_proto(deposit).map_err(|e| SlashingError::InvalidRequest(format!("deposit: {e}")))?;
                Ok(Self::Dispute(Box::new(OpenDispute {
                    tenant: address("tenant", &m.tenant)?,
                    lease: LeaseRef::from_proto(m.lease_id.as_ref())?,
                    claim,
                    details: m.details,
                    deposit,
                })))
            }
            MSG_ANSWER_DISPUTE_URL => {
                let m = apb::MsgAnswerDispute::decode(any.value.as_slice()).map_err(invalid)?;
                if m.evidence_hash.is_empty() || m.evidence_hash.len() > MAX_EVIDENCE_HASH_LEN {
                    return Err(SlashingError::InvalidRequest(format!("evidence_hash must be 1 to {MAX_EVIDENCE_HASH_LEN} bytes")));
                }
                let operator = (!m.operator.is_empty()).then(|| address("operator", &m.operator)).transpose()?;
                Ok(Self::AnswerDispute { provider: address("provider", &m.provider)?, operator, dispute_id: m.dispute_id, evidence_hash: m.evidence_hash })
            }
            MSG_VOTE_DISPUTE_URL => {
                let m = apb::MsgVoteDispute::decode(any.value.as_slice()).map_err(invalid)?;
                let option = match apb::DisputeVoteOption::try_from(m.option) {
                    Ok(option) if option != apb::DisputeVoteOption::Unspecified => option,
                    _ => return Err(SlashingError::InvalidRequest(format!("option {} is not a vote: tenant or provider", m.option))),
                };
                Ok(Self::VoteDispute { panelist: address("panelist", &m.panelist)?, dispute_id: m.dispute_id, option })
            }
            MSG_ENROLL_PANELIST_URL => {
                let m = apb::MsgEnrollPanelist::decode(any.value.as_slice()).map_err(invalid)?;
                Ok(Self::EnrollPanelist { auditor: address("auditor", &m.auditor)?, audited_provider: address("audited_provider", &m.audited_provider)? })
            }
            MSG_LEAVE_PANEL_URL => {
                let m = apb::MsgLeavePanel::decode(any.value.as_slice()).map_err(invalid)?;
                Ok(Self::LeavePanel { auditor: address("auditor", &m.auditor)? })
            }
            MSG_REVERSE_DISPUTE_URL => {
                let m = apb::MsgReverseDispute::decode(any.value.as_slice()).map_err(invalid)?;
                Ok(Self::ReverseDispute { authority: address("authority", &m.authority)?, dispute_id: m.dispute_id })
            }
            MSG_REGISTER_HARDWARE_URL => {
                let m = apb::MsgRegisterHardware::decode(any.value.as_slice()).map_err(invalid)?;
                Ok(Self::RegisterHardware(Box::new(Possession::from_proto(&m.provider, m.pub_key.as_ref(), m.signature)?)))
            }
            MSG_REMOVE_HARDWARE_URL => {
                let m = apb::MsgRemoveHardware::decode(any.value.as_slice()).map_err(invalid)?;
                let key = m.pub_key.as_ref().ok_or_else(|| SlashingError::InvalidRequest("pub_key is missing".into()))?;
                let device = PublicKey::from_any(key).map_err(|e| SlashingError::InvalidRequest(format!("pub_key: {e}")))?;
                Ok(Self::RemoveHardware { provider: address("provider", &m.provider)?, device: Box::new(device) })
            }
            MSG_REPORT_DUPLICATE_HARDWARE_URL => {
                let m = apb::MsgReportDuplicateHardware::decode(any.value.as_slice()).map_err(invalid)?;
                let claim = Possession::from_proto(&m.claimed_for, m.pub_key.as_ref(), m.signature)?;
                Ok(Self::ReportDuplicateHardware { reporter: address("reporter", &m.reporter)?, claim: Box::new(claim) })
            }
            other => Err(SlashingError::InvalidRequest(format!("slashing has no message {other:?}"))),
        }
    }
}

impl SlashingMsg {
    /// The message as a transaction carries it (the CLI's).
    pub fn to_any(&self) -> Any {
        let (type_url, value) = match self {
            Self::Unjail { operator } => {
                (MSG_UNJAIL_URL, pb::MsgUnjail { validator_addr: operator.to_bech32_with(VALOPER_PREFIX) }.encode_to_vec())
            }
            Self::UpdateParams { authority, params } => {
                (MSG_UPDATE_PARAMS_URL, pb::MsgUpdateParams { authority: authority.to_string(), params: Some(params.to_proto()) }.encode_to_vec())
            }
            Self::ChallengeResponse { provider, operator, challenge_id, nonce, attestation } => (
                MSG_CHALLENGE_RESPONSE_URL,
                apb::MsgChallengeResponse {
                    provider: provider.to_string(),
                    challenge_id: *challenge_id,
                    nonce: nonce.clone(),
                    operator: operator.map(|a| a.to_string()).unwrap_or_default(),
                    attestation: attestation.as_ref().map(|a| a.to_proto()),
                }
                .encode_to_vec(),
            ),
            Self::UnjailProvider { provider } => (MSG_UNJAIL_PROVIDER_URL, apb::MsgUnjailProvider { provider: provider.to_string() }.encode_to_vec()),
            Self::UpdateProviderParams { authority, params } => (
                MSG_UPDATE_PROVIDER_PARAMS_URL,
                apb::MsgUpdateParams { authority: authority.to_string(), params: Some(params.to_proto()) }.encode_to_vec(),
            ),
            Self::ReportConflictingStatements(evidence) => (MSG_REPORT_CONFLICTING_STATEMENTS_URL, evidence.to_proto().encode_to_vec()),
            Self::Dispute(d) => (
                MSG_DISPUTE_URL,
                apb::MsgDispute {
                    tenant: d.tenant.to_string(),
                    lease_id: Some(d.lease.to_proto()),
                    claim: d.claim as i32,
                    details: d.details.clone(),
                    deposit: Some(d.deposit.to_proto()),
                }
                .encode_to_vec(),
            ),
            Self::AnswerDispute { provider, operator, dispute_id, evidence_hash } => (
                MSG_ANSWER_DISPUTE_URL,
                apb::MsgAnswerDispute {
                    provider: provider.to_string(),
                    dispute_id: *dispute_id,
                    evidence_hash: evidence_hash.clone(),
                    operator: operator.map(|a| a.to_string()).unwrap_or_default(),
                }
                .encode_to_vec(),
            ),
            Self::VoteDispute { panelist, dispute_id, option } => (
                MSG_VOTE_DISPUTE_URL,
                apb::MsgVoteDispute { panelist: panelist.to_string(), dispute_id: *dispute_id, option: *option as i32 }.encode_to_vec(),
            ),
            Self::EnrollPanelist { auditor, audited_provider } => (
                MSG_ENROLL_PANELIST_URL,
                apb::MsgEnrollPanelist { auditor: auditor.to_string(), audited_provider: audited_provider.to_string() }.encode_to_vec(),
            ),
            Self::LeavePanel { auditor } => (MSG_LEAVE_PANEL_URL, apb::MsgLeavePanel { auditor: auditor.to_string() }.encode_to_vec()),
            Self::ReverseDispute { authority, dispute_id } => {
                (MSG_REVERSE_DISPUTE_URL, apb::MsgReverseDispute { authority: authority.to_string(), dispute_id: *dispute_id }.encode_to_vec())
            }
            Self::RegisterHardware(claim) => (
                MSG_REGISTER_HARDWARE_URL,
                apb::MsgRegisterHardware { provider: claim.provider.to_string(), pub_key: Some(claim.device.to_any()), signature: claim.signature.clone() }.encode_to_vec(),
            ),
            Self::RemoveHardware { provider, device } => {
                (MSG_REMOVE_HARDWARE_URL, apb::MsgRemoveHardware { provider: provider.to_string(), pub_key: Some(device.to_any()) }.encode_to_vec())
            }
            Self::ReportDuplicateHardware { reporter, claim } => (
                MSG_REPORT_DUPLICATE_HARDWARE_URL,
                apb::MsgReportDuplicateHardware {
                    reporter: reporter.to_string(),
                    pub_key: Some(claim.device.to_any()),
                    claimed_for: claim.provider.to_string(),
                    signature: claim.signature.clone(),
                }
                .encode_to_vec(),
            ),
        };
        Any { type_url: type_url.to_string(), value }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use prost::Name;

    #[test]
    fn type_urls_match_the_proto_names() {
        assert_eq!(apb::MsgChallengeResponse::type_url(), MSG_CHALLENGE_RESPONSE_URL);
        assert_eq!(apb::MsgUnjailProvider::type_url(), MSG_UNJAIL_PROVIDER_URL);
        assert_eq!(apb::MsgUpdateParams::type_url(), MSG_UPDATE_PROVIDER_PARAMS_URL);
    }

    #[test]
    fn every_message_decodes_from_its_any() {
        let provider = Address::new([7; 20]);
        for msg in [
            SlashingMsg::ChallengeResponse { provider, operator: None, challenge_id: 3, nonce: vec![1, 2, 3], attestation: None },
            SlashingMsg::ChallengeResponse { provider, operator: Some(Address::new([8; 20])), challenge_id: 3, nonce: vec![1], attestation: None },
            SlashingMsg::UnjailProvider { provider },
            SlashingMsg::UpdateProviderParams { authority: provider, params: ProviderParams::default() },
            SlashingMsg::Unjail { operator: provider },
            SlashingMsg::Dispute(Box::new(OpenDispute {
                tenant: provider,
                lease: LeaseRef { owner: provider, dseq: 4, gseq: 1, oseq: 1, provider: Address::new([9; 20]) },
                claim: apb::DisputeClaim::NotDelivered,
                details: "no GPUs".into(),
                deposit: Coin::new(agora_types::Denom::native(), 5),
            })),
            SlashingMsg::AnswerDispute { provider, operator: None, dispute_id: 2, evidence_hash: vec![1; 32] },
            SlashingMsg::VoteDispute { panelist: provider, dispute_id: 2, option: apb::DisputeVoteOption::Provider },
            SlashingMsg::EnrollPanelist { auditor: provider, audited_provider: Address::new([9; 20]) },
            SlashingMsg::LeavePanel { auditor: provider },
            SlashingMsg::ReverseDispute { authority: provider, dispute_id: 2 },
        ] {
            assert_eq!(SlashingMsg::decode(&msg.to_any()).unwrap(), msg);
        }
    }

    /// What no state is needed to refuse: a dispute without a claim or with too long an
    /// account, a vote for neither side, an empty or oversized evidence hash.
    #[test]
    fn malformed_dispute_messages_are_refused_when_decoded() {
        let tenant = Address::new([7; 20]).to_string();
        let lease = Some(LeaseRef { owner: Address::new([7; 20]), dseq: 1, gseq: 1, oseq: 1, provider: Address::new([9; 20]) }.to_proto());
        let deposit = Some(Coin::new(agora_types::Denom::native(), 5).to_proto());
        let dispute = |claim: i32, details: String| Any {
            type_url: MSG_DISPUTE_URL.into(),
            value: apb::MsgDispute { tenant: tenant.clone(), lease_id: lease.clone(), claim, details, deposit: deposit.clone() }.encode_to_vec(),
        };
        for (any, needle) in [
            (dispute(0, String::new()), "claim 0"),
            (dispute(9, String::new()), "claim 9"),
            (dispute(1, "x".repeat(MAX_DETAILS_LEN + 1)), "details"),
            (
                Any { type_url: MSG_VOTE_DISPUTE_URL.into(), value: apb::MsgVoteDispute { panelist: tenant.clone(), dispute_id: 1, option: 0 }.encode_to_vec() },
                "not a vote",
            ),
            (
                Any {
                    type_url: MSG_ANSWER_DISPUTE_URL.into(),
                    value: apb::MsgAnswerDispute { provider: tenant.clone(), dispute_id: 1, evidence_hash: vec![], operator: String::new() }.encode_to_vec(),
                },
                "evidence_hash",
            ),
            (
                Any {
                    type_url: MSG_ANSWER_DISPUTE_URL.into(),
                    value: apb::MsgAnswerDispute { provider: tenant.clone(), dispute_id: 1, evidence_hash: vec![1; 65], operator: String::new() }.encode_to_vec(),
                },
                "evidence_hash",
            ),
        ] {
            let error = SlashingMsg::decode(&any).unwrap_err();
            assert!(matches!(&error, SlashingError::InvalidRequest(m) if m.contains(needle)), "{error}");
        }
    }

    #[test]
    fn a_bad_provider_address_is_refused_with_its_field() {
        let any = Any {
            type_url: MSG_UNJAIL_PROVIDER_URL.into(),
            value: apb::MsgUnjailProvider { provider: "agora1nope".into() }.encode_to_vec(),
        };
        let error = SlashingMsg::decode(&any).unwrap_err();
        assert!(matches!(&error, SlashingError::InvalidAddress(m) if m.starts_with("provider:")), "{error}");
    }
}
