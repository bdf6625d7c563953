//! Refusals of `provider` (codespace `provider`) and of `audit` (codespace `audit`). Every
//! refusal has its own variant, a stable code, and a message that says what was wrong.
//! Insufficient funds for a bond keeps the Cosmos `sdk` code 5 that wallets know.

use agora_types::AbciError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    // ---- provider codespace ----
    #[error("internal error: {0}")]
    Internal(String),
    #[error("invalid address in {field}: {reason}")]
    InvalidAddress { field: String, reason: String },
    #[error("host_uri {uri:?} {reason}")]
    InvalidHostUri { uri: String, reason: String },
    #[error("attribute key {key:?} is invalid: must match ^[a-zA-Z][A-Za-z0-9_/.-]{{1,126}}$")]
    InvalidAttributeKey { key: String },
    #[error("attribute key {key:?} appears more than once")]
    DuplicateAttributeKey { key: String },
    #[error("attribute {key:?} has an empty value")]
    EmptyAttributeValue { key: String },
    #[error("value of attribute {key:?} is {len} bytes, more than the maximum {max}")]
    AttributeValueTooLong { key: String, len: usize, max: usize },
    #[error("{count} attributes given, more than the maximum {max}")]
    TooManyAttributes { count: usize, max: usize },
    #[error("info.email is {len} bytes, more than the maximum 254")]
    EmailTooLong { len: usize },
    #[error("info.website {website:?} {reason}")]
    InvalidWebsite { website: String, reason: String },
    #[error("capacity is missing")]
    MissingCapacity,
    #[error("capacity.{field} must be positive")]
    ZeroCapacity { field: String },
    #[error("{field} name {name:?} is invalid: must match ^[a-z0-9][a-z0-9._-]{{0,63}}$")]
    InvalidClassName { field: String, name: String },
    #[error("capacity lists storage class {class:?} more than once")]
    DuplicateStorageClass { class: String },
    #[error("capacity lists gpu class {class} more than once")]
    DuplicateGpuClass { class: String },
    #[error("capacity has {count} gpu classes, more than the maximum {max}")]
    TooManyGpuClasses { count: usize, max: usize },
    #[error("capacity has {count} storage classes, more than the maximum {max}")]
    TooManyStorageClasses { count: usize, max: usize },
    #[error("invalid bond: {0}")]
    InvalidBond(String),
    #[error("bond denom {denom} is not the bond denom {expected}")]
    BondDenomMismatch { denom: String, expected: String },
    #[error("bond {bond} is below the minimum bond {min}")]
    BondBelowMinimum { bond: String, min: String },
    #[error("provider {owner} already exists")]
    ProviderExists { owner: String },
    #[error("provider {owner} is unbonding until height {height}")]
    ProviderUnbonding { owner: String, height: u64 },
    #[error("provider {owner} not found")]
    ProviderNotFound { owner: String },
    #[error("provider {owner} is not active")]
    ProviderNotActive { owner: String },
    #[error("new capacity of provider {owner} is below what its leases hold: {shortfall}")]
    CapacityBelowAllocated { owner: String, shortfall: String },
    #[error("provider {owner} has {count} active leases")]
    HasActiveLeases { owner: String, count: u32 },
    #[error("provider {owner} has {count} open bids")]
    HasOpenBids { owner: String, count: u32 },
    #[error("provider {owner} has insufficient capacity: {shortfall}")]
    InsufficientCapacity { owner: String, shortfall: String },
    #[error("resource arithmetic overflows: {0}")]
    ResourceOverflow(String),
    #[error("resource arithmetic goes negative: {0}")]
    ResourceUnderflow(String),
    #[error("invalid params: {0}")]
    InvalidParams(String),
    #[error("invalid genesis: {0}")]
    InvalidGenesis(String),
    #[error("cannot decode {type_url}: {reason}")]
    Decode { type_url: String, reason: String },
    #[error("provider {owner} is jailed{}", if *.until == u64::MAX { " for ever (tombstoned)".to_string() } else { format!(" until height {until}") })]
    ProviderJailed { owner: String, until: u64 },
    #[error("provider {owner} is not jailed")]
    ProviderNotJailed { owner: String },
    #[error("provider {owner}'s bond {bond} is below the minimum {min}: bond more before unjailing")]
    BondBelowMinimumToUnjail { owner: String, bond: String, min: String },
    #[error("provider {owner} has {count} disputes awaiting their verdict: it may unbond once they are decided")]
    DisputesUndecided { owner: String, count: u32 },
    /// Codespace `sdk`, code 5, as the Cosmos SDK reports it.
    #[error("bond needs {needed} but {owner} has only {available}: insufficient funds")]
    InsufficientFunds { owner: String, needed: String, available: String },

    // ---- audit codespace ----
    #[error("auditor {auditor} cannot sign attributes of its own provider")]
    AuditorIsProvider { auditor: String },
    #[error("no attributes to sign")]
    NoAttributesToSign,
    #[error("cannot sign attributes of provider {provider}: provider not found")]
    AuditedProviderNotFound { provider: String },
    #[error("auditor {auditor} has no attributes signed for provider {provider}")]
    AuditRecordNotFound { provider: String, auditor: String },
    #[error("auditor {auditor} has not signed attribute {key:?} for provider {provider}")]
    AuditKeyNotFound { provider: String, auditor: String, key: String },
    #[error("signed attributes of auditor {auditor} for provider {provider} would number {count}, more than the maximum {max}")]
    TooManyAuditedAttributes { provider: String, auditor: String, count: usize, max: usize },
}

impl AbciError for ProviderError {
    fn codespace(&self) -> &'static str {
        match self {
            Self::InsufficientFunds { .. } => "sdk",
            Self::AuditorIsProvider { .. }
            | Self::NoAttributesToSign
            | Self::AuditedProviderNotFound { .. }
            | Self::AuditRecordNotFound { .. }
            | Self::AuditKeyNotFound { .. }
            | Self::TooManyAuditedAttributes { .. } => "audit",
            _ => "provider",
        }
    }

    fn code(&self) -> u32 {
        match self {
            Self::Internal(_) => 1,
            Self::InvalidAddress { .. } => 2,
            Self::InvalidHostUri { .. } => 3,
            Self::InvalidAttributeKey { .. } => 4,
            Self::DuplicateAttributeKey { .. } => 5,
            Self::EmptyAttributeValue { .. } => 6,
            Self::AttributeValueTooLong { .. } => 7,
            Self::TooManyAttributes { .. } => 8,
            Self::EmailTooLong { .. } => 9,
            Self::InvalidWebsite { .. } => 10,
            Self::MissingCapacity => 11,
            Self::ZeroCapacity { .. } => 12,
            Self::InvalidClassName { .. } => 13,
            Self::DuplicateStorageClass { .. } => 14,
            Self::DuplicateGpuClass { .. } => 15,
            Self::TooManyGpuClasses { .. } => 16,
            Self::TooManyStorageClasses { .. } => 17,
            Self::InvalidBond(_) => 18,
            Self::BondDenomMismatch { .. } => 19,
            Self::BondBelowMinimum { .. } => 20,
            Self::ProviderExists { .. } => 21,
            Self::ProviderUnbonding { .. } => 22,
            Self::ProviderNotFound { .. } => 23,
            Self::ProviderNotActive { .. } => 24,
            Self::CapacityBelowAllocated { .. } => 25,
            Self::HasActiveLeases { .. } => 26,
            Self::HasOpenBids { .. } => 27,
            Self::InsufficientCapacity { .. } => 28,
            Self::ResourceOverflow(_) => 29,
            Self::ResourceUnderflow(_) => 30,
            Self::InvalidParams(_) => 31,
            Self::InvalidGenesis(_) => 32,
            Self::Decode { .. } => 33,
            Self::ProviderJailed { .. } => 34,
            Self::ProviderNotJailed { .. } => 35,
            Self::BondBelowMinimumToUnjail { .. } => 36,
            Self::DisputesUndecided { .. } => 37,
            Self::InsufficientFunds { .. } => 5,
            Self::AuditorIsProvider { .. } => 1,
            Self::NoAttributesToSign => 2,
            Self::AuditedProviderNotFound { .. } => 3,
            Self::AuditRecordNotFound { .. } => 4,
            Self::AuditKeyNotFound { .. } => 5,
            Self::TooManyAuditedAttributes { .. } => 6,
        }
    }
}

impl From<agora_store::StoreError> for ProviderError {
    fn from(e: agora_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<agora_auth::AuthError> for ProviderError {
    fn from(e: agora_auth::AuthError) -> Self {
        Self::Internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_within_each_codespace() {
        let all = [
            ProviderError::Internal(String::new()),
            ProviderError::InvalidAddress { field: String::new(), reason: String::new() },
            ProviderError::InvalidHostUri { uri: String::new(), reason: String::new() },
            ProviderError::InvalidAttributeKey { key: String::new() },
            ProviderError::DuplicateAttributeKey { key: String::new() },
            ProviderError::EmptyAttributeValue { key: String::new() },
            ProviderError::AttributeValueTooLong { key: String::new(), len: 0, max: 0 },
            ProviderError::TooManyAttributes { count: 0, max: 0 },
            ProviderError::EmailTooLong { len: 0 },
            ProviderError::InvalidWebsite { website: String::new(), reason: String::new() },
            ProviderError::MissingCapacity,
            ProviderError::ZeroCapacity { field: String::new() },
            ProviderError::InvalidClassName { field: String::new(), name: String::new() },
            ProviderError::DuplicateStorageClass { class: String::new() },
            ProviderError::DuplicateGpuClass { class: String::new() },
            ProviderError::TooManyGpuClasses { count: 0, max: 0 },
            ProviderError::TooManyStorageClasses { count: 0, max: 0 },
            ProviderError::InvalidBond(String::new()),
            ProviderError::BondDenomMismatch { denom: String::new(), expected: String::new() },
            ProviderError::BondBelowMinimum { bond: String::new(), min: String::new() },
            ProviderError::ProviderExists { owner: String::new() },
            ProviderError::ProviderUnbonding { owner: String::new(), height: 0 },
            ProviderError::ProviderNotFound { owner: String::new() },
            ProviderError::ProviderNotActive { owner: String::new() },
            ProviderError::CapacityBelowAllocated { owner: String::new(), shortfall: String::new() },
            ProviderError::HasActiveLeases { owner: String::new(), count: 0 },
            ProviderError::HasOpenBids { owner: String::new(), count: 0 },
            ProviderError::InsufficientCapacity { owner: String::new(), shortfall: String::new() },
            ProviderError::ResourceOverflow(String::new()),
            ProviderError::ResourceUnderflow(String::new()),
            ProviderError::InvalidParams(String::new()),
            ProviderError::InvalidGenesis(String::new()),
            ProviderError::Decode { type_url: String::new(), reason: String::new() },
            ProviderError::ProviderJailed { owner: String::new(), until: 0 },
            ProviderError::ProviderNotJailed { owner: String::new() },
            ProviderError::BondBelowMinimumToUnjail { owner: String::new(), bond: String::new(), min: String::new() },
            ProviderError::InsufficientFunds { owner: String::new(), needed: String::new(), available: String::new() },
            ProviderError::AuditorIsProvider { auditor: String::new() },
            ProviderError::NoAttributesToSign,
            ProviderError::AuditedProviderNotFound { provider: String::new() },
            ProviderError::AuditRecordNotFound { provider: String::new(), auditor: String::new() },
            ProviderError::AuditKeyNotFound { provider: String::new(), auditor: String::new(), key: String::new() },
            ProviderError::TooManyAuditedAttributes { provider: String::new(), auditor: String::new(), count: 0, max: 0 },
        ];
        let mut seen = std::collections::BTreeSet::new();
        for e in &all {
            assert!(e.code() > 0);
            assert!(seen.insert((e.codespace(), e.code())), "duplicate code {} {}", e.codespace(), e.code());
        }
    }
}
