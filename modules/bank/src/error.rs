//! Refusals of `bank`. Generic failures use the Cosmos `sdk` codespace and codes (5
//! insufficient funds, 7 invalid address, 10 invalid coins), bank-specific ones `bank`.

use agora_types::AbciError;

#[derive(Debug, thiserror::Error)]
pub enum BankError {
    #[error("internal error: {0}")]
    Internal(String),
    #[error("spendable balance {available} is smaller than {needed}: insufficient funds")]
    InsufficientFunds { available: String, needed: String },
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("invalid coins: {0}")]
    InvalidCoins(String),
    #[error("{0} is not allowed to receive funds: unauthorized")]
    BlockedAddress(String),
    #[error("{0}: unauthorized")]
    Unauthorized(String),
    #[error("no inputs to send transaction")]
    NoInputs,
    #[error("no outputs to send transaction")]
    NoOutputs,
    #[error("sum inputs != sum outputs: {inputs} != {outputs}")]
    InputOutputMismatch { inputs: String, outputs: String },
    #[error("{0} transfers are currently disabled")]
    SendDisabled(String),
    #[error("client metadata for denom {0} not found")]
    DenomMetadataNotFound(String),
    #[error("multiple senders not allowed: only one input is supported")]
    MultipleSenders,
    #[error("invalid genesis: {0}")]
    InvalidGenesis(String),
    #[error("supply of {0} overflows")]
    SupplyOverflow(String),
    #[error("invalid bank parameters: {0}")]
    InvalidParams(String),
}

impl AbciError for BankError {
    fn codespace(&self) -> &'static str {
        match self {
            Self::Internal(_)
            | Self::InsufficientFunds { .. }
            | Self::InvalidAddress(_)
            | Self::InvalidCoins(_)
            | Self::BlockedAddress(_)
            | Self::Unauthorized(_)
            | Self::InvalidGenesis(_)
            | Self::SupplyOverflow(_)
            | Self::InvalidParams(_) => "sdk",
            _ => "bank",
        }
    }

    fn code(&self) -> u32 {
        match self {
            Self::Internal(_) => 1,
            Self::InsufficientFunds { .. } => 5,
            Self::InvalidAddress(_) => 7,
            Self::InvalidCoins(_) | Self::SupplyOverflow(_) => 10,
            Self::BlockedAddress(_) | Self::Unauthorized(_) => 4,
            Self::InvalidGenesis(_) | Self::InvalidParams(_) => 18,
            Self::NoInputs => 2,
            Self::NoOutputs => 3,
            Self::InputOutputMismatch { .. } => 4,
            Self::SendDisabled(_) => 5,
            Self::DenomMetadataNotFound(_) => 6,
            Self::MultipleSenders => 9,
        }
    }
}

impl From<agora_store::StoreError> for BankError {
    fn from(e: agora_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<agora_auth::AuthError> for BankError {
    fn from(e: agora_auth::AuthError) -> Self {
        Self::Internal(e.to_string())
    }
}
