//! Refusals of the market. Deployment and group refusals use codespace `deployment`, order,
//! bid and lease refusals `market`; failures of the modules the market calls keep theirs.

use agora_types::{AbciError, TxError};

#[derive(Debug, thiserror::Error)]
pub enum MarketError {
    #[error("internal error: {0}")]
    Internal(String),
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    // --- deployment ---
    #[error("invalid group spec: {0}")]
    InvalidGroupSpec(String),
    #[error("invalid deposit: {0}")]
    InvalidDeposit(String),
    #[error("deployment {0} already exists")]
    DeploymentExists(String),
    #[error("deployment {0} not found")]
    DeploymentNotFound(String),
    #[error("deployment {0} is closed")]
    DeploymentClosed(String),
    #[error("group {0} not found")]
    GroupNotFound(String),
    #[error("group {id} is {state}: {action} is not possible")]
    GroupState { id: String, state: String, action: String },
    #[error("denom {0} is not accepted for payment")]
    DenomNotAllowed(String),
    #[error("deposit {got} is below the minimum {min}")]
    DepositTooSmall { got: String, min: String },
    #[error("invalid version hash: {0}")]
    InvalidVersion(String),
    #[error("{what} exceeds the limit of {max}")]
    TooMany { what: String, max: u32 },

    // --- market ---
    #[error("order {0} not found")]
    OrderNotFound(String),
    #[error("order {0} is not open")]
    OrderNotOpen(String),
    #[error("bid {0} not found")]
    BidNotFound(String),
    #[error("bid {0} already exists: one bid per provider per order")]
    BidExists(String),
    #[error("bid {id} is {state}: {action} is not possible")]
    BidState { id: String, state: String, action: String },
    #[error("lease {0} not found")]
    LeaseNotFound(String),
    #[error("lease {0} is not active")]
    LeaseNotActive(String),
    #[error("invalid price: {0}")]
    InvalidPrice(String),
    #[error("bid price {price} exceeds the order's maximum {max}")]
    PriceAboveMax { price: String, max: String },
    #[error("order {order} already has {max} open bids")]
    TooManyBids { order: String, max: u32 },
    #[error("bid deposit {got} is below the minimum {min}")]
    BidDepositTooSmall { got: String, min: String },
    #[error("provider {0} is not registered or not active")]
    ProviderNotActive(String),
    #[error("a provider cannot bid on its own order")]
    SelfBid,
    #[error("provider {provider} does not meet the order's requirements: {reason}")]
    RequirementsNotMet { provider: String, reason: String },
    #[error("provider {provider} has no room for the group: {reason}")]
    InsufficientCapacity { provider: String, reason: String },
    #[error("{signer} is not allowed to {action}: only {allowed} may")]
    Unauthorized { signer: String, action: String, allowed: String },
    #[error("invalid close reason {0}: a provider closes with a provider reason")]
    InvalidCloseReason(i32),
    #[error("invalid params: {0}")]
    InvalidParams(String),

    /// A refusal from a module the market calls (bank, escrow, provider), kept as is.
    #[error("{}", .0.log)]
    Other(TxError),
}

impl AbciError for MarketError {
    fn codespace(&self) -> &'static str {
        match self {
            Self::Internal(_) | Self::InvalidAddress(_) | Self::InvalidRequest(_) => "sdk",
            Self::InvalidGroupSpec(_)
            | Self::InvalidDeposit(_)
            | Self::DeploymentExists(_)
            | Self::DeploymentNotFound(_)
            | Self::DeploymentClosed(_)
            | Self::GroupNotFound(_)
            | Self::GroupState { .. }
            | Self::DenomNotAllowed(_)
            | Self::DepositTooSmall { .. }
            | Self::InvalidVersion(_)
            | Self::TooMany { .. } => "deployment",
            Self::Other(_) => "other",
            _ => "market",
        }
    }

    fn code(&self) -> u32 {
        match self {
            Self::Internal(_) => 1,
            Self::InvalidAddress(_) => 7,
            Self::InvalidRequest(_) => 18,
            Self::InvalidGroupSpec(_) => 2,
            Self::InvalidDeposit(_) => 3,
            Self::DeploymentExists(_) => 4,
            Self::DeploymentNotFound(_) => 5,
            Self::DeploymentClosed(_) => 6,
            Self::GroupNotFound(_) => 7,
            Self::GroupState { .. } => 8,
            Self::DenomNotAllowed(_) => 9,
            Self::DepositTooSmall { .. } => 10,
            Self::InvalidVersion(_) => 11,
            Self::TooMany { .. } => 12,
            Self::OrderNotFound(_) => 2,
            Self::OrderNotOpen(_) => 3,
            Self::BidNotFound(_) => 4,
            Self::BidExists(_) => 5,
            Self::BidState { .. } => 6,
            Self::LeaseNotFound(_) => 7,
            Self::LeaseNotActive(_) => 8,
            Self::InvalidPrice(_) => 9,
            Self::PriceAboveMax { .. } => 10,
            Self::TooManyBids { .. } => 11,
            Self::BidDepositTooSmall { .. } => 12,
            Self::ProviderNotActive(_) => 13,
            Self::SelfBid => 14,
            Self::RequirementsNotMet { .. } => 15,
            Self::InsufficientCapacity { .. } => 16,
            Self::Unauthorized { .. } => 17,
            Self::InvalidCloseReason(_) => 18,
            Self::InvalidParams(_) => 19,
            Self::Other(e) => e.code,
        }
    }

    fn to_tx_error(&self) -> TxError {
        match self {
            Self::Other(e) => e.clone(),
            _ => TxError { codespace: self.codespace().to_string(), code: self.code(), log: self.to_string() },
        }
    }
}

impl From<agora_store::StoreError> for MarketError {
    fn from(e: agora_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<agora_escrow::EscrowError> for MarketError {
    fn from(e: agora_escrow::EscrowError) -> Self {
        match e {
            agora_escrow::EscrowError::Internal(m) => Self::Internal(format!("escrow: {m}")),
            other => Self::Other(other.to_tx_error()),
        }
    }
}

impl From<agora_provider::ProviderError> for MarketError {
    fn from(e: agora_provider::ProviderError) -> Self {
        Self::Other(e.to_tx_error())
    }
}

impl From<agora_bank::BankError> for MarketError {
    fn from(e: agora_bank::BankError) -> Self {
        Self::Other(e.to_tx_error())
    }
}
