//! Decoding and stateless validation of Cosmos `TxRaw` bytes, and `SIGN_MODE_DIRECT`
//! sign bytes. Everything that can be checked without state is checked here, once, so
//! CheckTx can refuse junk before touching the store.

use agora_types::{Address, Coins};
use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{mode_info, AuthInfo, SignDoc, TxBody, TxRaw};
use cosmos_sdk_proto::Any;
use prost::Message;
use sha2::{Digest, Sha256};

use crate::error::DecodeError;
use crate::keys::PublicKey;
use crate::wire;

/// Largest gas limit accepted; the SDK's `MaxGasWanted` (gas is an int64 in its meter).
pub const MAX_GAS_WANTED: u64 = (1 << 63) - 1;

/// Per-signer data of a decoded tx, in `signer_infos` order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignerData {
    /// Absent when the signer relies on the public key already stored in its account.
    pub public_key: Option<PublicKey>,
    pub sequence: u64,
    pub signature: Vec<u8>,
}

/// A transaction that passed every stateless check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedTx {
    /// sha256 of the raw bytes: the hash CometBFT and explorers show.
    pub hash: [u8; 32],
    /// Length of the raw bytes, for size-based gas.
    pub size: usize,
    /// Kept verbatim: signatures cover these exact bytes, not a re-encoding.
    pub body_bytes: Vec<u8>,
    pub auth_info_bytes: Vec<u8>,
    pub messages: Vec<Any>,
    pub memo: String,
    pub timeout_height: u64,
    pub signers: Vec<SignerData>,
    pub fee: Coins,
    pub gas_limit: u64,
    pub fee_payer: Option<Address>,
    /// Always `None` today: fee grants are refused until a feegrant module exists.
    pub fee_granter: Option<Address>,
}

/// Bounds applied before any state is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeLimits {
    pub max_tx_bytes: usize,
    pub max_messages: usize,
    /// Counted in UTF-8 bytes, as the SDK's `max_memo_characters` actually is.
    pub max_memo_chars: usize,
    /// The SDK's `tx_sig_limit`.
    pub max_signers: usize,
    /// Decode for `Simulate`, which accepts what gas estimation clients send and execution
    /// refuses: a zero gas limit (cosmjs sends 0, since the gas is what it asks for) and
    /// `SIGN_MODE_UNSPECIFIED` (cosmjs); their empty signatures are the ante handler's
    /// concern. Sign modes that execution refuses stay refused, so a wallet learns it here.
    pub simulation: bool,
}

impl Default for DecodeLimits {
    /// CometBFT's default max tx size and the SDK auth module defaults.
    fn default() -> Self {
        Self {
            max_tx_bytes: 1_048_576,
            max_messages: 64,
            max_memo_chars: 256,
            max_signers: 7,
            simulation: false,
        }
    }
}

fn protobuf(what: &'static str, e: prost::DecodeError) -> DecodeError {
    DecodeError::Protobuf {
        what,
        reason: e.to_string(),
    }
}

/// Decodes `TxRaw` bytes and runs all stateless checks (see the crate README).
pub fn decode_tx(bytes: &[u8], limits: &DecodeLimits) -> Result<ParsedTx, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::EmptyTx);
    }
    if bytes.len() > limits.max_tx_bytes {
        return Err(DecodeError::TxTooLarge {
            size: bytes.len(),
            max: limits.max_tx_bytes,
        });
    }

    wire::reject_unknown_fields(bytes, &wire::TX_RAW, false)?;
    let raw = TxRaw::decode(bytes).map_err(|e| protobuf("TxRaw", e))?;
    wire::reject_unknown_fields(&raw.body_bytes, &wire::TX_BODY, true)?;
    let body = TxBody::decode(raw.body_bytes.as_slice()).map_err(|e| protobuf("TxBody", e))?;
    wire::reject_unknown_fields(&raw.auth_info_bytes, &wire::AUTH_INFO, false)?;
    let auth_info =
        AuthInfo::decode(raw.auth_info_bytes.as_slice()).map_err(|e| protobuf("AuthInfo", e))?;

    check_body(&body, limits)?;
    let signers = check_signers(&auth_info, &raw.signatures, limits)?;
    let (fee, gas_limit, fee_payer) = check_fee(&auth_info, limits)?;

    Ok(ParsedTx {
        hash: Sha256::digest(bytes).into(),
        size: bytes.len(),
        body_bytes: raw.body_bytes,
        auth_info_bytes: raw.auth_info_bytes,
        messages: body.messages,
        memo: body.memo,
        timeout_height: body.timeout_height,
        signers,
        fee,
        gas_limit,
        fee_payer,
        fee_granter: None,
    })
}

fn check_body(body: &TxBody, limits: &DecodeLimits) -> Result<(), DecodeError> {
    if body.messages.is_empty() {
        return Err(DecodeError::NoMessages);
    }
    if body.messages.len() > limits.max_messages {
        return Err(DecodeError::TooManyMessages {
            count: body.messages.len(),
            max: limits.max_messages,
        });
    }
    if body.memo.len() > limits.max_memo_chars {
        return Err(DecodeError::MemoTooLarge {
            len: body.memo.len(),
            max: limits.max_memo_chars,
        });
    }
    // No extension option is known to this chain, so any present one is unknown.
    for (field, options) in [
        ("extension_options", &body.extension_options),
        (
            "non_critical_extension_options",
            &body.non_critical_extension_options,
        ),
    ] {
        if let Some(first) = options.first() {
            return Err(DecodeError::ExtensionOptions {
                field,
                count: options.len(),
                first_type_url: first.type_url.clone(),
            });
        }
    }
    Ok(())
}

fn check_signers(
    auth_info: &AuthInfo,
    signatures: &[Vec<u8>],
    limits: &DecodeLimits,
) -> Result<Vec<SignerData>, DecodeError> {
    let infos = &auth_info.signer_infos;
    if signatures.is_empty() {
        return Err(DecodeError::NoSignatures);
    }
    let count = infos.len().max(signatures.len());
    if count > limits.max_signers {
        return Err(DecodeError::TooManySignatures {
            count,
            max: limits.max_signers,
        });
    }
    if infos.len() != signatures.len() {
        return Err(DecodeError::SignatureCountMismatch {
            signer_infos: infos.len(),
            signatures: signatures.len(),
        });
    }
    infos
        .iter()
        .zip(signatures)
        .enumerate()
        .map(|(index, (info, signature))| {
            match info.mode_info.as_ref().and_then(|m| m.sum.as_ref()) {
                None => return Err(DecodeError::MissingModeInfo { index }),
                Some(mode_info::Sum::Multi(_)) => {
                    return Err(DecodeError::MultisigUnsupported { index })
                }
                // Simulation checks no signature, and cosmjs leaves the mode unspecified. Other
                // modes stay refused there too: execution would refuse the signed transaction.
                Some(mode_info::Sum::Single(single))
                    if limits.simulation && single.mode == SignMode::Unspecified as i32 => {}
                Some(mode_info::Sum::Single(single)) if single.mode != SignMode::Direct as i32 => {
                    let mode = SignMode::try_from(single.mode)
                        .map(|m| m.as_str_name().to_string())
                        .unwrap_or_else(|_| format!("unknown ({})", single.mode));
                    return Err(DecodeError::UnsupportedSignMode { index, mode });
                }
                Some(mode_info::Sum::Single(_)) => {}
            }
            let public_key = info
                .public_key
                .as_ref()
                .map(PublicKey::from_any)
                .transpose()?;
            Ok(SignerData {
                public_key,
                sequence: info.sequence,
                signature: signature.clone(),
            })
        })
        .collect()
}

fn check_fee(auth_info: &AuthInfo, limits: &DecodeLimits) -> Result<(Coins, u64, Option<Address>), DecodeError> {
    #[allow(deprecated)] // `tip` is deprecated upstream; we only refuse it.
    if auth_info.tip.is_some() {
        return Err(DecodeError::TipUnsupported);
    }
    let fee = auth_info.fee.as_ref().ok_or(DecodeError::MissingFee)?;
    let coins = Coins::from_protos(&fee.amount).map_err(|e| DecodeError::InvalidFee {
        reason: e.to_string(),
    })?;
    if fee.gas_limit == 0 && !limits.simulation {
        return Err(DecodeError::ZeroGasLimit);
    }
    if fee.gas_limit > MAX_GAS_WANTED {
        return Err(DecodeError::GasLimitTooHigh {
            gas: fee.gas_limit,
            max: MAX_GAS_WANTED,
        });
    }
    if !fee.granter.is_empty() {
        return Err(DecodeError::FeeGranterUnsupported {
            granter: fee.granter.clone(),
        });
    }
    let payer = if fee.payer.is_empty() {
        None
    } else {
        Some(
            fee.payer
                .parse::<Address>()
                .map_err(|e| DecodeError::InvalidFeePayer {
                    address: fee.payer.clone(),
                    reason: e.to_string(),
                })?,
        )
    };
    Ok((coins, fee.gas_limit, payer))
}

/// The bytes a `SIGN_MODE_DIRECT` signer signs: the encoded `SignDoc`.
pub fn sign_doc_bytes(
    body_bytes: &[u8],
    auth_info_bytes: &[u8],
    chain_id: &str,
    account_number: u64,
) -> Vec<u8> {
    SignDoc {
        body_bytes: body_bytes.to_vec(),
        auth_info_bytes: auth_info_bytes.to_vec(),
        chain_id: chain_id.to_string(),
        account_number,
    }
    .encode_to_vec()
}

impl ParsedTx {
    /// Checks signer `index`'s signature under `public_key` (from the tx or the account).
    /// Which address must sign, and that the key hashes to it, is the auth module's job.
    pub fn verify_signer(
        &self,
        index: usize,
        public_key: &PublicKey,
        chain_id: &str,
        account_number: u64,
    ) -> Result<(), DecodeError> {
        let signer = self
            .signers
            .get(index)
            .ok_or(DecodeError::SignerIndexOutOfRange {
                index,
                count: self.signers.len(),
            })?;
        let doc = sign_doc_bytes(
            &self.body_bytes,
            &self.auth_info_bytes,
            chain_id,
            account_number,
        );
        public_key.verify(&doc, &signer.signature).map_err(|e| {
            let reason = match e {
                DecodeError::InvalidSignature { reason } => reason,
                other => other.to_string(),
            };
            DecodeError::SignatureVerification {
                index,
                reason,
                account_number,
                sequence: signer.sequence,
                chain_id: chain_id.to_string(),
            }
        })
    }

    /// Hex of [`ParsedTx::hash`], upper case as CometBFT prints it.
    pub fn hash_hex(&self) -> String {
        self.hash.iter().map(|b| format!("{b:02X}")).collect()
    }
}
