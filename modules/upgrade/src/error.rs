//! Refusals of `upgrade`: a malformed plan or request is `sdk` 18, an unknown module `sdk` 38,
//! a failure that is not the caller's fault `sdk` 1 (the authority check is the framework's,
//! `gov` 13).

use agora_types::AbciError;

#[derive(Debug, thiserror::Error)]
pub enum UpgradeError {
    #[error("internal error: {0}")]
    Internal(String),
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("{0}: invalid request")]
    InvalidRequest(String),
    #[error("{0}: not found")]
    NotFound(String),
}

impl AbciError for UpgradeError {
    fn codespace(&self) -> &'static str {
        "sdk"
    }

    fn code(&self) -> u32 {
        match self {
            Self::Internal(_) => 1,
            Self::InvalidAddress(_) => 7,
            Self::InvalidRequest(_) => 18,
            Self::NotFound(_) => 38,
        }
    }
}

impl From<agora_store::StoreError> for UpgradeError {
    fn from(e: agora_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}
