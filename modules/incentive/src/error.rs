//! Refusals of `incentive` (codespace `incentive`).

use agora_types::AbciError;

#[derive(Debug, thiserror::Error)]
pub enum IncentiveError {
    #[error("internal error: {0}")]
    Internal(String),
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("invalid incentive params: {0}")]
    InvalidParams(String),
    #[error("provider {0} has no incentive rewards")]
    NoRewards(String),
    #[error("provider {provider} has no vested rewards of a whole unit to claim ({vesting} still vesting)")]
    NothingToClaim { provider: String, vesting: String },
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("{0} is out of range")]
    Overflow(String),
    #[error("invalid incentive genesis: {0}")]
    InvalidGenesis(String),
}

impl From<agora_store::StoreError> for IncentiveError {
    fn from(e: agora_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl AbciError for IncentiveError {
    fn codespace(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "sdk",
            _ => "incentive",
        }
    }

    fn code(&self) -> u32 {
        match self {
            Self::Internal(_) => 1,
            Self::InvalidAddress(_) => 2,
            Self::InvalidParams(_) => 3,
            Self::NoRewards(_) => 4,
            Self::NothingToClaim { .. } => 5,
            Self::Overflow(_) => 6,
            Self::InvalidGenesis(_) => 7,
            Self::InvalidRequest(_) => 2,
        }
    }
}
