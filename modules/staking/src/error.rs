//! Refusals of `staking`, with the Cosmos SDK's codes in codespace `staking` (so clients that
//! match on them work unchanged); malformed requests are `sdk` 18, missing funds `sdk` 5.

use agora_types::AbciError;

#[derive(Debug, thiserror::Error)]
pub enum StakingError {
    #[error("internal error: {0}")]
    Internal(String),
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("insufficient funds: {0}")]
    InsufficientFunds(String),
    #[error("validator {0} does not exist")]
    NoValidator(String),
    #[error("validator already exist for this operator address {0}; must use new validator operator address")]
    ValidatorExists(String),
    #[error("validator already exist for this pubkey; must use new validator pubkey")]
    PubKeyExists,
    #[error("validator pubkey type {0:?} is not supported; only /cosmos.crypto.ed25519.PubKey is")]
    PubKeyTypeNotSupported(String),
    #[error("validator {0} is currently jailed")]
    ValidatorJailed(String),
    #[error("commission must be positive: {0}")]
    CommissionNegative(String),
    #[error("commission cannot be more than 100%: {0}")]
    CommissionHuge(String),
    #[error("commission cannot be more than the max rate: {0}")]
    CommissionAboveMaxRate(String),
    #[error("commission cannot be changed more than once in 24h")]
    CommissionUpdateTime,
    #[error("commission change rate cannot be more than the max rate: {0}")]
    CommissionChangeRateAboveMaxRate(String),
    #[error("commission cannot be changed more than max change rate: {0}")]
    CommissionAboveMaxChangeRate(String),
    #[error("validator's self delegation must be greater than their minimum self delegation: {0}")]
    SelfDelegationBelowMinimum(String),
    #[error("minimum self delegation cannot be decrease: {0}")]
    MinSelfDelegationDecreased(String),
    #[error("no delegation for (address, validator) tuple ({0}, {1})")]
    NoDelegation(String, String),
    #[error("cannot delegate to an empty validator")]
    DelegationValidatorEmpty,
    #[error("not enough delegation shares: {0}")]
    NotEnoughShares(String),
    #[error("no unbonding delegation found: {0}")]
    NoUnbondingDelegation(String),
    #[error("too many unbonding delegation entries for (delegator, validator) tuple: at most {0}")]
    MaxUnbondingEntries(u32),
    #[error("cannot redelegate to the same validator")]
    SelfRedelegation,
    #[error("too few tokens to redelegate (truncates to zero tokens)")]
    TinyRedelegation,
    #[error("redelegation destination validator not found: {0}")]
    BadRedelegationDst(String),
    #[error("redelegation to this validator already in progress; first redelegation to this validator must complete before next redelegation")]
    TransitiveRedelegation,
    #[error("too many redelegation entries for (delegator, src-validator, dst-validator) tuple: at most {0}")]
    MaxRedelegationEntries(u32),
    #[error("cannot delegate to validators with invalid (zero) ex-rate")]
    InvalidExchangeRate,
    #[error("no historical info found at height {0}")]
    NoHistoricalInfo(u64),
    #[error("empty validator public key")]
    EmptyPubKey,
    #[error("commission cannot be less than min rate {0}")]
    CommissionBelowMinRate(String),
    #[error("invalid staking params: {0}")]
    InvalidParams(String),
    #[error("amount {0} is too large")]
    Overflow(String),
}

impl AbciError for StakingError {
    fn codespace(&self) -> &'static str {
        match self {
            Self::Internal(_) | Self::InvalidRequest(_) | Self::InvalidAddress(_) | Self::InsufficientFunds(_) | Self::Overflow(_) | Self::InvalidParams(_) => "sdk",
            _ => "staking",
        }
    }

    fn code(&self) -> u32 {
        match self {
            Self::Internal(_) => 1,
            Self::InvalidAddress(_) => 7,
            Self::InsufficientFunds(_) => 5,
            Self::InvalidRequest(_) | Self::Overflow(_) => 18,
            Self::NoValidator(_) => 3,
            Self::ValidatorExists(_) => 4,
            Self::PubKeyExists => 5,
            Self::PubKeyTypeNotSupported(_) => 6,
            Self::ValidatorJailed(_) => 7,
            Self::CommissionNegative(_) => 9,
            Self::CommissionHuge(_) => 10,
            Self::CommissionAboveMaxRate(_) => 11,
            Self::CommissionUpdateTime => 12,
            Self::CommissionChangeRateAboveMaxRate(_) => 14,
            Self::CommissionAboveMaxChangeRate(_) => 15,
            Self::SelfDelegationBelowMinimum(_) => 16,
            Self::MinSelfDelegationDecreased(_) => 17,
            Self::NoDelegation(..) => 19,
            Self::DelegationValidatorEmpty => 23,
            Self::NotEnoughShares(_) => 24,
            Self::NoUnbondingDelegation(_) => 26,
            Self::MaxUnbondingEntries(_) => 27,
            Self::SelfRedelegation => 29,
            Self::TinyRedelegation => 30,
            Self::BadRedelegationDst(_) => 31,
            Self::TransitiveRedelegation => 32,
            Self::MaxRedelegationEntries(_) => 33,
            Self::InvalidExchangeRate => 34,
            Self::NoHistoricalInfo(_) => 38,
            Self::EmptyPubKey => 39,
            Self::CommissionBelowMinRate(_) => 40,
            Self::InvalidParams(_) => 18,
        }
    }
}

impl From<agora_store::StoreError> for StakingError {
    fn from(e: agora_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}
