//! Account keys as the Cosmos SDK defines them: secp256k1 (the default, derived from a
//! BIP-39 mnemonic along a BIP-32 path) and ed25519, with Cosmos address derivation and
//! Cosmos signature rules (secp256k1: 64-byte `r||s` over `sha256(msg)`, low-S only).

use std::fmt;

use agora_types::Address;
use cosmos_sdk_proto::cosmos::crypto::{ed25519, secp256k1};
use cosmos_sdk_proto::Any;
use k256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use prost::Message;
use rand_core::{OsRng, RngCore};
use ripemd::Ripemd160;
use sha2::{Digest, Sha256};

use crate::error::DecodeError;

/// Cosmos coin type 118, first account, first address: what `gaiad keys add` uses.
pub const DEFAULT_HD_PATH: &str = "m/44'/118'/0'/0/0";

/// Protobuf type URL of a Cosmos secp256k1 public key.
pub const SECP256K1_PUBKEY_TYPE_URL: &str = "/cosmos.crypto.secp256k1.PubKey";
/// Protobuf type URL of a Cosmos ed25519 public key.
pub const ED25519_PUBKEY_TYPE_URL: &str = "/cosmos.crypto.ed25519.PubKey";

/// Length of a compressed SEC1 secp256k1 point, the only form Cosmos accepts.
const SECP256K1_PUBKEY_LEN: usize = 33;
/// Both schemes use 64-byte signatures (`r||s` for secp256k1).
/// Length of a secp256k1 (compact) or ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;

/// Which signature scheme a key uses; the auth module charges verification gas by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    Secp256k1,
    Ed25519,
}

impl KeyKind {
    pub fn type_url(self) -> &'static str {
        match self {
            Self::Secp256k1 => SECP256K1_PUBKEY_TYPE_URL,
            Self::Ed25519 => ED25519_PUBKEY_TYPE_URL,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Secp256k1 => "secp256k1",
            Self::Ed25519 => "ed25519",
        }
    }
}

/// A validated account public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    Secp256k1(k256::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

impl PublicKey {
    /// Parses the `Any` found in a `SignerInfo` (or stored in an account).
    pub fn from_any(any: &Any) -> Result<Self, DecodeError> {
        match any.type_url.as_str() {
            SECP256K1_PUBKEY_TYPE_URL => {
                let proto = secp256k1::PubKey::decode(any.value.as_slice())
                    .map_err(|e| invalid_pubkey(KeyKind::Secp256k1, e.to_string()))?;
                Self::secp256k1_from_bytes(&proto.key)
            }
            ED25519_PUBKEY_TYPE_URL => {
                let proto = ed25519::PubKey::decode(any.value.as_slice())
                    .map_err(|e| invalid_pubkey(KeyKind::Ed25519, e.to_string()))?;
                Self::ed25519_from_bytes(&proto.key)
            }
            other => Err(DecodeError::UnsupportedPubKey {
                type_url: other.to_string(),
            }),
        }
    }

    /// Parses a 33-byte compressed SEC1 point; uncompressed keys are refused as in Cosmos.
    pub fn secp256k1_from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() != SECP256K1_PUBKEY_LEN {
            return Err(invalid_pubkey(
                KeyKind::Secp256k1,
                format!(
                    "must be {SECP256K1_PUBKEY_LEN} bytes (compressed), got {}",
                    bytes.len()
                ),
            ));
        }
        k256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
            .map(Self::Secp256k1)
            .map_err(|_| invalid_pubkey(KeyKind::Secp256k1, "not a point on the curve".into()))
    }

    /// Parses a 32-byte ed25519 key.
    pub fn ed25519_from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| {
            invalid_pubkey(
                KeyKind::Ed25519,
                format!("must be 32 bytes, got {}", bytes.len()),
            )
        })?;
        ed25519_dalek::VerifyingKey::from_bytes(&arr)
            .map(Self::Ed25519)
            .map_err(|_| invalid_pubkey(KeyKind::Ed25519, "not a valid curve point".into()))
    }

    /// The key's raw bytes as carried in its protobuf form.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Self::Secp256k1(vk) => vk.to_encoded_point(true).as_bytes().to_vec(),
            Self::Ed25519(vk) => vk.to_bytes().to_vec(),
        }
    }

    pub fn to_any(&self) -> Any {
        let value = match self {
            Self::Secp256k1(_) => secp256k1::PubKey {
                key: self.to_bytes(),
            }
            .encode_to_vec(),
            Self::Ed25519(_) => ed25519::PubKey {
                key: self.to_bytes(),
            }
            .encode_to_vec(),
        };
        Any {
            type_url: self.kind().type_url().to_string(),
            value,
        }
    }

    /// Cosmos address derivation: `ripemd160(sha256(pk))` for secp256k1 (Bitcoin style),
    /// `sha256(pk)[..20]` for ed25519 (CometBFT style).
    pub fn address(&self) -> Address {
        let bytes = self.to_bytes();
        let mut out = [0u8; 20];
        match self {
            Self::Secp256k1(_) => out.copy_from_slice(&Ripemd160::digest(Sha256::digest(&bytes))),
            Self::Ed25519(_) => out.copy_from_slice(&Sha256::digest(&bytes)[..20]),
        }
        Address::new(out)
    }

    pub fn kind(&self) -> KeyKind {
        match self {
            Self::Secp256k1(_) => KeyKind::Secp256k1,
            Self::Ed25519(_) => KeyKind::Ed25519,
        }
    }

    /// Verifies a signature by Cosmos rules. High-S secp256k1 signatures are refused so
    /// that a signature cannot be rewritten into a second valid one (malleability).
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), DecodeError> {
        if sig.len() != SIGNATURE_LEN {
            return Err(invalid_signature(format!(
                "{} signature must be {SIGNATURE_LEN} bytes, got {}",
                self.kind().name(),
                sig.len()
            )));
        }
        match self {
            Self::Secp256k1(vk) => {
                let signature = k256::ecdsa::Signature::from_slice(sig).map_err(|_| {
                    invalid_signature(
                        "secp256k1 signature r or s is zero or not below the curve order".into(),
                    )
                })?;
                if signature.normalize_s().is_some() {
                    return Err(invalid_signature(
                        "secp256k1 signature has a high S value; only low-S (normalized) signatures are accepted".into(),
                    ));
                }
                vk.verify_prehash(&Sha256::digest(msg), &signature)
                    .map_err(|_| {
                        invalid_signature(
                            "secp256k1 signature does not match the message and key".into(),
                        )
                    })
            }
            Self::Ed25519(vk) => {
                let signature = ed25519_dalek::Signature::from_slice(sig)
                    .map_err(|_| invalid_signature("malformed ed25519 signature".into()))?;
                vk.verify_strict(msg, &signature).map_err(|_| {
                    invalid_signature("ed25519 signature does not match the message and key".into())
                })
            }
        }
    }
}

fn invalid_pubkey(kind: KeyKind, reason: String) -> DecodeError {
    DecodeError::InvalidPubKey {
        kind: kind.name(),
        reason,
    }
}

fn invalid_signature(reason: String) -> DecodeError {
    DecodeError::InvalidSignature { reason }
}

/// A private key. `Debug` shows only the address so secrets never reach logs.
#[derive(Clone)]
pub enum SigningKey {
    Secp256k1(k256::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

impl SigningKey {
    /// A fresh 24-word English BIP-39 mnemonic from 256 bits of OS randomness.
    pub fn generate_mnemonic() -> Result<String, DecodeError> {
        let mut entropy = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut entropy)
            .map_err(|e| DecodeError::Entropy(e.to_string()))?;
        let mnemonic = bip39::Mnemonic::from_entropy_in(bip39::Language::English, &entropy)
            .map_err(|e| DecodeError::InvalidMnemonic(e.to_string()));
        entropy.fill(0);
        Ok(mnemonic?.to_string())
    }

    /// Derives the secp256k1 key at `hd_path` from a BIP-39 mnemonic (empty passphrase),
    /// exactly as the Cosmos SDK keyring does.
    pub fn from_mnemonic(mnemonic: &str, hd_path: &str) -> Result<Self, DecodeError> {
        // The mnemonic itself is never echoed into errors: it is the secret.
        let mnemonic = bip39::Mnemonic::parse_in(bip39::Language::English, mnemonic)
            .map_err(|e| DecodeError::InvalidMnemonic(e.to_string()))?;
        let path: bip32::DerivationPath =
            hd_path
                .parse()
                .map_err(|e: bip32::Error| DecodeError::InvalidHdPath {
                    path: hd_path.to_string(),
                    reason: e.to_string(),
                })?;
        let mut seed = mnemonic.to_seed("");
        let derived = bip32::XPrv::derive_from_path(seed, &path)
            .map_err(|e| DecodeError::KeyDerivation(e.to_string()));
        seed.fill(0);
        Ok(Self::Secp256k1(derived?.private_key().clone()))
    }

    /// Refuses zero and values not below the curve order.
    pub fn secp256k1_from_bytes(bytes: &[u8; 32]) -> Result<Self, DecodeError> {
        k256::ecdsa::SigningKey::from_bytes(bytes.into())
            .map(Self::Secp256k1)
            .map_err(|_| {
                DecodeError::InvalidPrivateKey(
                    "secp256k1 key must be non-zero and below the curve order".into(),
                )
            })
    }

    /// Every 32-byte string is a valid ed25519 seed.
    pub fn ed25519_from_bytes(bytes: &[u8; 32]) -> Self {
        Self::Ed25519(ed25519_dalek::SigningKey::from_bytes(bytes))
    }

    /// A random key of the given kind, for tests and load generators.
    pub fn generate(kind: KeyKind) -> Result<Self, DecodeError> {
        let mut bytes = [0u8; 32];
        let key = loop {
            OsRng
                .try_fill_bytes(&mut bytes)
                .map_err(|e| DecodeError::Entropy(e.to_string()))?;
            match kind {
                KeyKind::Ed25519 => break Self::ed25519_from_bytes(&bytes),
                // Retry the (astronomically unlikely) out-of-range scalar.
                KeyKind::Secp256k1 => {
                    if let Ok(key) = Self::secp256k1_from_bytes(&bytes) {
                        break key;
                    }
                }
            }
        };
        bytes.fill(0);
        Ok(key)
    }

    pub fn public_key(&self) -> PublicKey {
        match self {
            Self::Secp256k1(sk) => PublicKey::Secp256k1(*sk.verifying_key()),
            Self::Ed25519(sk) => PublicKey::Ed25519(sk.verifying_key()),
        }
    }

    pub fn address(&self) -> Address {
        self.public_key().address()
    }

    pub fn kind(&self) -> KeyKind {
        match self {
            Self::Secp256k1(_) => KeyKind::Secp256k1,
            Self::Ed25519(_) => KeyKind::Ed25519,
        }
    }

    /// Signs by Cosmos rules: secp256k1 gives a deterministic (RFC 6979) low-S `r||s` over
    /// `sha256(msg)`; ed25519 signs `msg` directly. Always 64 bytes; an empty vector is
    /// returned only if ECDSA signing fails, which needs a hash collision with the key.
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        match self {
            Self::Secp256k1(sk) => {
                let signed: Result<k256::ecdsa::Signature, _> =
                    sk.sign_prehash(&Sha256::digest(msg));
                match signed {
                    Ok(sig) => sig.normalize_s().unwrap_or(sig).to_bytes().to_vec(),
                    Err(_) => Vec::new(),
                }
            }
            Self::Ed25519(sk) => ed25519_dalek::Signer::<ed25519_dalek::Signature>::sign(sk, msg)
                .to_bytes()
                .to_vec(),
        }
    }

    /// The 32 secret bytes (secp256k1 scalar or ed25519 seed), for the keyring file.
    pub fn to_bytes(&self) -> [u8; 32] {
        match self {
            Self::Secp256k1(sk) => sk.to_bytes().into(),
            Self::Ed25519(sk) => sk.to_bytes(),
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({:?}, {})", self.kind(), self.address())
    }
}
