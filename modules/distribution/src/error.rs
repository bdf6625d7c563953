//! Refusals of `distribution`, with the Cosmos SDK's codes in codespace `distribution`.

use agora_types::AbciError;

#[derive(Debug, thiserror::Error)]
pub enum DistributionError {
    #[error("internal error: {0}")]
    Internal(String),
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("insufficient funds: {0}")]
    InsufficientFunds(String),
    #[error("{0} is not allowed to receive external funds: unauthorized")]
    Blocked(String),
    #[error("no delegation distribution info: {0}")]
    NoDelegation(String),
    #[error("no validator distribution info: {0}")]
    NoValidatorInfo(String),
    #[error("no validator commission to withdraw")]
    NoCommission,
    #[error("set withdraw address disabled")]
    WithdrawAddrDisabled,
    #[error("validator does not exist: {0}")]
    NoValidator(String),
    #[error("invalid distribution params: {0}")]
    InvalidParams(String),
}

impl AbciError for DistributionError {
    fn codespace(&self) -> &'static str {
        match self {
            Self::Internal(_) | Self::InvalidAddress(_) | Self::InvalidRequest(_) | Self::InsufficientFunds(_) | Self::Blocked(_) | Self::InvalidParams(_) => "sdk",
            _ => "distribution",
        }
    }

    fn code(&self) -> u32 {
        match self {
            Self::Internal(_) => 1,
            Self::Blocked(_) => 4,
            Self::InsufficientFunds(_) => 5,
            Self::InvalidAddress(_) => 7,
            Self::InvalidRequest(_) | Self::InvalidParams(_) => 18,
            Self::NoDelegation(_) => 5,
            Self::NoValidatorInfo(_) => 6,
            Self::NoCommission => 7,
            Self::WithdrawAddrDisabled => 8,
            Self::NoValidator(_) => 12,
        }
    }
}

impl From<agora_store::StoreError> for DistributionError {
    fn from(e: agora_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<DistributionError> for agora_types::TxError {
    fn from(e: DistributionError) -> Self {
        e.to_tx_error()
    }
}
