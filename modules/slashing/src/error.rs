//! Refusals of `slashing`, with the Cosmos SDK's codes in codespace `slashing`.

use agora_types::AbciError;

#[derive(Debug, thiserror::Error)]
pub enum SlashingError {
    #[error("internal error: {0}")]
    Internal(String),
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("address is not associated with any known validator: {0}")]
    NoValidator(String),
    #[error("validator still jailed; cannot be unjailed: {0}")]
    ValidatorJailed(String),
    #[error("validator not jailed; cannot be unjailed")]
    ValidatorNotJailed,
    #[error("validator has no self-delegation; cannot be unjailed")]
    MissingSelfDelegation,
    #[error("validator's self delegation less than minimum; cannot be unjailed: {0}")]
    SelfDelegationTooLow(String),
    #[error("no validator signing info found: {0}")]
    NoSigningInfo(String),
    #[error("invalid slashing params: {0}")]
    InvalidParams(String),
    #[error("challenge {0} is not open: never drawn, or already answered or missed")]
    ChallengeNotFound(u64),
    #[error("challenge {id} was not drawn for {provider}")]
    NotChallenged { id: u64, provider: String },
    #[error("challenge {id} could be answered until height {deadline} only")]
    ChallengeExpired { id: u64, deadline: u64 },
    #[error("the nonce does not match challenge {0}'s")]
    WrongNonce(u64),
    #[error("{operator} is not the operator key of provider {provider}")]
    NotOperator { operator: String, provider: String },
    #[error("challenge {id} was answered already, at height {height}")]
    ChallengeAnswered { id: u64, height: u64 },
    #[error("invalid evidence: {0}")]
    InvalidEvidence(String),
    #[error("provider {0} is tombstoned already")]
    ProviderTombstoned(String),
    #[error("invalid hardware attestation: {0}")]
    InvalidAttestation(String),
    #[error("{tenant} may not dispute lease {lease}: only its owner may")]
    NotTenant { tenant: String, lease: String },
    #[error("lease {0} is not active")]
    LeaseNotActive(String),
    #[error("lease {lease} has dispute {id} open already")]
    DisputeOpen { lease: String, id: u64 },
    #[error("a dispute deposits at least {min}, not {got}")]
    DepositTooSmall { got: String, min: String },
    #[error("{enrolled} auditors sit on panels; a dispute needs {needed}")]
    NotEnoughPanelists { enrolled: u128, needed: u32 },
    #[error("dispute {0} not found")]
    DisputeNotFound(u64),
    #[error("{address} is not on the panel of dispute {id}")]
    NotPanelist { id: u64, address: String },
    #[error("{panelist} voted on dispute {id} already")]
    AlreadyVoted { id: u64, panelist: String },
    #[error("dispute {id} is not open to votes: {reason}")]
    VotingClosed { id: u64, reason: String },
    #[error("dispute {id} cannot be reversed: {reason}")]
    AppealClosed { id: u64, reason: String },
    #[error("{0} sits on panels already")]
    AlreadyPanelist(String),
    #[error("{auditor} holds no audit of provider {provider}")]
    NotAuditor { auditor: String, provider: String },
    #[error("{auditor}'s bond returns from height {leave_height}, once none of its panels is voting ({open} are)")]
    PanelistBusy { auditor: String, open: u32, leave_height: u64 },
    #[error("{0} does not sit on panels")]
    PanelistNotFound(String),
    #[error("{address} is not the provider of dispute {id}")]
    NotDisputedProvider { id: u64, address: String },
    #[error("dispute {id} was decided already ({status})")]
    DisputeDecided { id: u64, status: String },
    #[error("lease {lease}'s last dispute was rejected; it may be disputed again from height {until}")]
    LeaseCoolingDown { lease: String, until: u64 },
    #[error("invalid hardware registration: {0}")]
    InvalidHardware(String),
    #[error("device {device} is registered to provider {provider} already")]
    DeviceRegistered { device: String, provider: String },
    #[error("device {device} is not registered to provider {provider}")]
    DeviceNotRegistered { device: String, provider: String },
}

impl AbciError for SlashingError {
    fn codespace(&self) -> &'static str {
        match self {
            Self::Internal(_) | Self::InvalidAddress(_) | Self::InvalidRequest(_) | Self::InvalidParams(_) => "sdk",
            _ => "slashing",
        }
    }

    fn code(&self) -> u32 {
        match self {
            Self::Internal(_) => 1,
            Self::InvalidAddress(_) => 7,
            Self::InvalidRequest(_) | Self::InvalidParams(_) => 18,
            Self::NoValidator(_) => 2,
            Self::ValidatorJailed(_) => 4,
            Self::ValidatorNotJailed => 5,
            Self::MissingSelfDelegation => 6,
            Self::SelfDelegationTooLow(_) => 7,
            Self::NoSigningInfo(_) => 8,
            // Provider penalties: above the SDK's codes of this codespace.
            Self::ChallengeNotFound(_) => 101,
            Self::NotChallenged { .. } => 102,
            Self::ChallengeExpired { .. } => 103,
            Self::WrongNonce(_) => 104,
            Self::NotOperator { .. } => 105,
            Self::ChallengeAnswered { .. } => 106,
            Self::InvalidEvidence(_) => 107,
            Self::ProviderTombstoned(_) => 108,
            Self::InvalidAttestation(_) => 109,
            Self::NotTenant { .. } => 110,
            Self::LeaseNotActive(_) => 111,
            Self::DisputeOpen { .. } => 112,
            Self::DepositTooSmall { .. } => 113,
            Self::NotEnoughPanelists { .. } => 114,
            Self::DisputeNotFound(_) => 115,
            Self::NotPanelist { .. } => 116,
            Self::AlreadyVoted { .. } => 117,
            Self::VotingClosed { .. } => 118,
            Self::AppealClosed { .. } => 119,
            Self::AlreadyPanelist(_) => 120,
            Self::NotAuditor { .. } => 121,
            Self::PanelistBusy { .. } => 122,
            Self::PanelistNotFound(_) => 123,
            Self::NotDisputedProvider { .. } => 124,
            Self::DisputeDecided { .. } => 125,
            Self::LeaseCoolingDown { .. } => 126,
            Self::InvalidHardware(_) => 127,
            Self::DeviceRegistered { .. } => 128,
            Self::DeviceNotRegistered { .. } => 129,
        }
    }
}

impl From<agora_store::StoreError> for SlashingError {
    fn from(e: agora_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<SlashingError> for agora_types::TxError {
    fn from(e: SlashingError) -> Self {
        e.to_tx_error()
    }
}
