//! Cosmos SDK transactions for Agora: decoding and stateless validation of `TxRaw` bytes
//! (the CheckTx front door), `SIGN_MODE_DIRECT` sign bytes and verification, account keys
//! (secp256k1 / ed25519, BIP-39 / BIP-32 derivation) and a transaction builder for the CLI,
//! tests and load generators.
//!
//! Everything here works on untrusted bytes: no input may panic, and each refusal is a
//! [`DecodeError`] carrying the Cosmos SDK `sdk` codespace code wallets already understand.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod builder;
pub mod error;
pub mod keys;
pub mod tx;
mod wire;

pub use builder::{to_any, TxBuilder};
pub use error::DecodeError;
pub use keys::{KeyKind, PublicKey, SigningKey, DEFAULT_HD_PATH, SIGNATURE_LEN};
pub use tx::{decode_tx, sign_doc_bytes, DecodeLimits, ParsedTx, SignerData};

/// Re-exported so callers name the same `Any` type this crate produces and consumes.
pub use cosmos_sdk_proto::Any;

#[cfg(test)]
mod tests;
