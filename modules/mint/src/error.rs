//! Refusals of `mint`: malformed requests are `sdk` 18 (invalid address `sdk` 7), failures
//! that are not the caller's fault `sdk` 1, invalid parameters and arithmetic beyond range
//! in codespace `mint`.

use agora_types::AbciError;

#[derive(Debug, thiserror::Error)]
pub enum MintError {
    #[error("internal error: {0}")]
    Internal(String),
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("invalid mint params: {0}")]
    InvalidParams(String),
    #[error("{0} is out of range")]
    Overflow(String),
}

impl AbciError for MintError {
    fn codespace(&self) -> &'static str {
        match self {
            Self::Internal(_) | Self::InvalidRequest(_) | Self::InvalidAddress(_) => "sdk",
            Self::InvalidParams(_) | Self::Overflow(_) => "mint",
        }
    }

    fn code(&self) -> u32 {
        match self {
            Self::Internal(_) => 1,
            Self::InvalidAddress(_) => 7,
            Self::InvalidRequest(_) => 18,
            Self::InvalidParams(_) => 2,
            Self::Overflow(_) => 3,
        }
    }
}

impl From<agora_store::StoreError> for MintError {
    fn from(e: agora_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}
