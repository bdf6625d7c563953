//! Refusals of `gov`, with the Cosmos SDK's codes in codespace `gov` (and `sdk` for the
//! generic ones).

use agora_types::AbciError;

#[derive(Debug, thiserror::Error)]
pub enum GovError {
    #[error("internal error: {0}")]
    Internal(String),
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("{0}: invalid coins")]
    InvalidCoins(String),
    #[error("{0}: invalid request")]
    InvalidRequest(String),
    #[error("insufficient funds: {0}")]
    InsufficientFunds(String),
    #[error("proposal {0} doesn't exist: not found")]
    UnknownProposal(u64),
    #[error("{0}: inactive proposal")]
    InactiveProposal(u64),
    #[error("{0}: invalid proposal content")]
    InvalidProposalContent(String),
    #[error("{0}: no handler exists for proposal type")]
    NoProposalHandler(String),
    #[error("{0}: invalid vote option")]
    InvalidVote(String),
    #[error("{0}: proposal message not recognized by router")]
    UnroutableProposalMsg(String),
    #[error("either metadata or Msgs length must be non-nil: no messages proposed")]
    NoProposalMsgs,
    #[error("{0}: invalid proposal message")]
    InvalidProposalMsg(String),
    #[error("{0}: expected gov account as only signer for proposal message")]
    InvalidSigner(String),
    #[error("{0}: metadata too long")]
    MetadataTooLong(String),
    #[error("{0}: minimum deposit is too small")]
    MinDepositTooSmall(String),
    #[error("invalid proposer {0}: invalid proposer")]
    InvalidProposer(String),
    #[error("voting period is already ended for this proposal {0}: voting period already ended")]
    VotingPeriodEnded(u64),
    #[error("{0}: invalid proposal")]
    InvalidProposal(String),
    #[error("{0}: summary too long")]
    SummaryTooLong(String),
    #[error("{0}: invalid deposit denom")]
    InvalidDepositDenom(String),
    #[error("invalid gov params: {0}")]
    InvalidParams(String),
}

impl AbciError for GovError {
    fn codespace(&self) -> &'static str {
        match self {
            Self::Internal(_) | Self::InvalidAddress(_) | Self::InvalidCoins(_) | Self::InvalidRequest(_) | Self::InsufficientFunds(_) | Self::UnknownProposal(_) | Self::InvalidParams(_) => "sdk",
            _ => "gov",
        }
    }

    fn code(&self) -> u32 {
        match self {
            Self::Internal(_) => 1,
            Self::InsufficientFunds(_) => 5,
            Self::InvalidAddress(_) => 7,
            Self::InvalidCoins(_) => 10,
            Self::InvalidRequest(_) | Self::InvalidParams(_) => 18,
            Self::UnknownProposal(_) => 38,
            Self::InactiveProposal(_) => 3,
            Self::InvalidProposalContent(_) => 5,
            Self::InvalidVote(_) => 7,
            Self::NoProposalHandler(_) => 9,
            Self::UnroutableProposalMsg(_) => 10,
            Self::NoProposalMsgs => 11,
            Self::InvalidProposalMsg(_) => 12,
            Self::InvalidSigner(_) => 13,
            Self::MetadataTooLong(_) => 15,
            Self::MinDepositTooSmall(_) => 16,
            Self::InvalidProposer(_) => 18,
            Self::VotingPeriodEnded(_) => 20,
            Self::InvalidProposal(_) => 21,
            Self::SummaryTooLong(_) => 22,
            Self::InvalidDepositDenom(_) => 23,
        }
    }
}

impl From<agora_store::StoreError> for GovError {
    fn from(e: agora_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<GovError> for agora_types::TxError {
    fn from(e: GovError) -> Self {
        e.to_tx_error()
    }
}
