//! The refusals of this crate, each mapped to the Cosmos SDK root (`sdk`) codespace code
//! that Cosmos wallets and explorers already know how to display.

use agora_types::AbciError;

/// Cosmos SDK root codespace: transaction-level errors live there, not in a module's.
pub const SDK_CODESPACE: &str = "sdk";

/// Cosmos SDK `types/errors` codes used here (names as in the SDK).
pub mod codes {
    pub const TX_DECODE: u32 = 2;
    pub const UNAUTHORIZED: u32 = 4;
    pub const INVALID_ADDRESS: u32 = 7;
    pub const INVALID_PUBKEY: u32 = 8;
    pub const INVALID_COINS: u32 = 10;
    pub const MEMO_TOO_LARGE: u32 = 12;
    pub const TOO_MANY_SIGNATURES: u32 = 14;
    pub const NO_SIGNATURES: u32 = 15;
    pub const INVALID_REQUEST: u32 = 18;
    pub const TX_TOO_LARGE: u32 = 21;
    pub const UNKNOWN_EXTENSION_OPTIONS: u32 = 31;
    pub const INVALID_GAS_LIMIT: u32 = 41;
}

/// Why a transaction, key or signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("tx is {size} bytes, the limit is {max} bytes")]
    TxTooLarge { size: usize, max: usize },
    #[error("tx bytes are empty")]
    EmptyTx,
    #[error("failed to decode {what}: {reason}")]
    Protobuf { what: &'static str, reason: String },
    #[error("unknown field {field} in {message}; this chain does not understand it and will not ignore it")]
    UnknownField { message: &'static str, field: u32 },
    #[error("tx contains no messages; at least one is required")]
    NoMessages,
    #[error("tx contains {count} messages, the limit is {max}")]
    TooManyMessages { count: usize, max: usize },
    #[error("memo is {len} bytes, the limit is {max} bytes")]
    MemoTooLarge { len: usize, max: usize },
    #[error("{field} are not supported, got {count} (first: {first_type_url:?})")]
    ExtensionOptions {
        field: &'static str,
        count: usize,
        first_type_url: String,
    },
    #[error("auth_info.tip is not supported on this chain")]
    TipUnsupported,
    #[error("tx has no signatures")]
    NoSignatures,
    #[error("tx has {count} signers, the limit is {max}")]
    TooManySignatures { count: usize, max: usize },
    #[error("tx has {signer_infos} signer infos but {signatures} signatures; they must match one to one")]
    SignatureCountMismatch {
        signer_infos: usize,
        signatures: usize,
    },
    #[error("signer {index} has no mode_info")]
    MissingModeInfo { index: usize },
    #[error("signer {index} uses multisig mode info, which is not supported")]
    MultisigUnsupported { index: usize },
    #[error("signer {index} uses sign mode {mode}; only SIGN_MODE_DIRECT is supported")]
    UnsupportedSignMode { index: usize, mode: String },
    #[error("signer {index} does not exist, the tx has {count} signers")]
    SignerIndexOutOfRange { index: usize, count: usize },
    #[error("tx has no fee; auth_info.fee with a gas limit is required")]
    MissingFee,
    #[error("invalid fee: {reason}")]
    InvalidFee { reason: String },
    #[error("gas limit must be greater than zero")]
    ZeroGasLimit,
    #[error("gas limit {gas} exceeds the maximum {max}")]
    GasLimitTooHigh { gas: u64, max: u64 },
    #[error("invalid fee payer address {address:?}: {reason}")]
    InvalidFeePayer { address: String, reason: String },
    #[error("fee granter {granter:?} given, but fee grants are not supported on this chain")]
    FeeGranterUnsupported { granter: String },
    #[error("unsupported public key type {type_url:?}; supported: /cosmos.crypto.secp256k1.PubKey, /cosmos.crypto.ed25519.PubKey")]
    UnsupportedPubKey { type_url: String },
    #[error("invalid {kind} public key: {reason}")]
    InvalidPubKey { kind: &'static str, reason: String },
    #[error("invalid signature: {reason}")]
    InvalidSignature { reason: String },
    #[error("signature of signer {index} does not verify: {reason}; check account number ({account_number}), sequence ({sequence}) and chain-id ({chain_id:?})")]
    SignatureVerification {
        index: usize,
        reason: String,
        account_number: u64,
        sequence: u64,
        chain_id: String,
    },
    #[error("invalid mnemonic: {0}")]
    InvalidMnemonic(String),
    #[error("invalid HD path {path:?}: {reason}")]
    InvalidHdPath { path: String, reason: String },
    #[error("invalid private key: {0}")]
    InvalidPrivateKey(String),
    #[error("key derivation failed: {0}")]
    KeyDerivation(String),
    #[error("could not gather randomness for a new key: {0}")]
    Entropy(String),
}

impl AbciError for DecodeError {
    fn codespace(&self) -> &'static str {
        SDK_CODESPACE
    }

    fn code(&self) -> u32 {
        use codes::*;
        match self {
            Self::TxTooLarge { .. } => TX_TOO_LARGE,
            Self::EmptyTx | Self::Protobuf { .. } | Self::UnknownField { .. } => TX_DECODE,
            Self::NoMessages
            | Self::TooManyMessages { .. }
            | Self::TipUnsupported
            | Self::MissingModeInfo { .. }
            | Self::MultisigUnsupported { .. }
            | Self::UnsupportedSignMode { .. }
            | Self::SignerIndexOutOfRange { .. }
            | Self::MissingFee
            | Self::FeeGranterUnsupported { .. }
            | Self::InvalidMnemonic(_)
            | Self::InvalidHdPath { .. }
            | Self::InvalidPrivateKey(_)
            | Self::KeyDerivation(_)
            | Self::Entropy(_) => INVALID_REQUEST,
            Self::MemoTooLarge { .. } => MEMO_TOO_LARGE,
            Self::ExtensionOptions { .. } => UNKNOWN_EXTENSION_OPTIONS,
            Self::NoSignatures => NO_SIGNATURES,
            Self::TooManySignatures { .. } => TOO_MANY_SIGNATURES,
            Self::SignatureCountMismatch { .. }
            | Self::InvalidSignature { .. }
            | Self::SignatureVerification { .. } => UNAUTHORIZED,
            Self::InvalidFee { .. } => INVALID_COINS,
            Self::ZeroGasLimit | Self::GasLimitTooHigh { .. } => INVALID_GAS_LIMIT,
            Self::InvalidFeePayer { .. } => INVALID_ADDRESS,
            Self::UnsupportedPubKey { .. } | Self::InvalidPubKey { .. } => INVALID_PUBKEY,
        }
    }
}
