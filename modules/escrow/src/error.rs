//! Refusals of `escrow` (codespace `escrow`).

use agora_types::AbciError;

#[derive(Debug, thiserror::Error)]
pub enum EscrowError {
    #[error("internal error: {0}")]
    Internal(String),
    #[error("escrow account {0} not found")]
    AccountNotFound(String),
    #[error("escrow account {0} already exists")]
    AccountExists(String),
    #[error("escrow account {0} is closed")]
    AccountClosed(String),
    #[error("payment {0} not found")]
    PaymentNotFound(String),
    #[error("payment {0} already exists")]
    PaymentExists(String),
    #[error("payment {0} is not open")]
    PaymentNotOpen(String),
    #[error("deposit of {got} does not match the account's denom {expected}")]
    DenomMismatch { got: String, expected: String },
    #[error("deposit must be positive")]
    ZeroDeposit,
    #[error("amount {0} is too large")]
    Overflow(String),
    #[error("insufficient funds: {0}")]
    InsufficientFunds(String),
    #[error("escrow account {account} already has {max} depositors")]
    TooManyDepositors { account: String, max: u32 },
    #[error("invalid escrow params: {0}")]
    InvalidParams(String),
    #[error("payment {0} is held by a dispute until it is decided")]
    PaymentHeld(String),
}

impl AbciError for EscrowError {
    fn codespace(&self) -> &'static str {
        match self {
            Self::InsufficientFunds(_) => "sdk",
            _ => "escrow",
        }
    }

    fn code(&self) -> u32 {
        match self {
            Self::Internal(_) => 1,
            Self::AccountNotFound(_) => 2,
            Self::AccountExists(_) => 3,
            Self::AccountClosed(_) => 4,
            Self::PaymentNotFound(_) => 5,
            Self::PaymentExists(_) => 6,
            Self::PaymentNotOpen(_) => 7,
            Self::DenomMismatch { .. } => 8,
            Self::ZeroDeposit => 9,
            Self::Overflow(_) => 10,
            Self::TooManyDepositors { .. } => 11,
            Self::InvalidParams(_) => 12,
            Self::PaymentHeld(_) => 13,
            Self::InsufficientFunds(_) => 5,
        }
    }
}

impl From<agora_store::StoreError> for EscrowError {
    fn from(e: agora_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<agora_bank::BankError> for EscrowError {
    fn from(e: agora_bank::BankError) -> Self {
        match e {
            agora_bank::BankError::InsufficientFunds { available, needed } => {
                Self::InsufficientFunds(format!("spendable balance {available} is smaller than {needed}"))
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<agora_auth::AuthError> for EscrowError {
    fn from(e: agora_auth::AuthError) -> Self {
        Self::Internal(e.to_string())
    }
}
