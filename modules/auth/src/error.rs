//! Refusals of the ante handler. They use the Cosmos SDK's `sdk` codespace and codes, so
//! wallets and explorers that know those codes read them unchanged.

use agora_types::AbciError;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("internal error: {0}")]
    Internal(String),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("insufficient funds: {0}")]
    InsufficientFunds(String),
    #[error("invalid pubkey: {0}")]
    InvalidPubKey(String),
    #[error("account {0} does not exist: unknown address")]
    UnknownAddress(String),
    #[error("out of gas: {0}")]
    OutOfGas(String),
    #[error("maximum number of characters is {max} but received {got} characters: memo too large")]
    MemoTooLarge { max: u64, got: u64 },
    #[error("insufficient fee: {0}")]
    InsufficientFee(String),
    #[error("wrong number of signers; expected {expected}, got {got}: unauthorized")]
    WrongSignerCount { expected: usize, got: usize },
    #[error("signatures: {got}, limit: {limit}: too many signatures")]
    TooManySignatures { got: u64, limit: u64 },
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("block height {height} is past the tx timeout height {timeout}: tx timeout height")]
    TxTimeoutHeight { height: u64, timeout: u64 },
    #[error("account sequence mismatch, expected {expected}, got {got}: incorrect account sequence")]
    WrongSequence { expected: u64, got: u64 },
    #[error("invalid genesis: {0}")]
    InvalidGenesis(String),
}

impl AbciError for AuthError {
    fn codespace(&self) -> &'static str {
        "sdk"
    }

    fn code(&self) -> u32 {
        match self {
            Self::Internal(_) => 1,
            Self::Unauthorized(_) | Self::WrongSignerCount { .. } => 4,
            Self::InsufficientFunds(_) => 5,
            Self::InvalidPubKey(_) => 8,
            Self::UnknownAddress(_) => 9,
            Self::OutOfGas(_) => 11,
            Self::MemoTooLarge { .. } => 12,
            Self::InsufficientFee(_) => 13,
            Self::TooManySignatures { .. } => 15,
            Self::InvalidRequest(_) | Self::InvalidGenesis(_) => 18,
            Self::TxTimeoutHeight { .. } => 30,
            Self::WrongSequence { .. } => 32,
        }
    }
}

impl From<agora_store::StoreError> for AuthError {
    fn from(e: agora_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<agora_types::OutOfGas> for AuthError {
    fn from(e: agora_types::OutOfGas) -> Self {
        Self::OutOfGas(e.to_string())
    }
}
