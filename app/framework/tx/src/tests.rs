//! Unit tests: known key vectors, sign/verify round trips, one test per decode refusal,
//! and property tests that no input makes `decode_tx` panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agora_types::{AbciError, Coins};
use bech32::{Bech32, Hrp};
use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{
    mode_info, AuthInfo, Fee, ModeInfo, SignerInfo, Tip, TxBody, TxRaw,
};
use cosmos_sdk_proto::Any;
use proptest::prelude::*;
use prost::Message;

use crate::error::codes;
use crate::*;

const CHAIN: &str = "agora-test-1";
const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

fn secp_key(seed: u8) -> SigningKey {
    SigningKey::secp256k1_from_bytes(&[seed; 32]).unwrap()
}

fn send_msg(key: &SigningKey) -> MsgSend {
    MsgSend {
        from_address: key.address().to_bech32(),
        to_address: secp_key(9).address().to_bech32(),
        amount: vec![ProtoCoin {
            denom: "uagora".into(),
            amount: "1000".into(),
        }],
    }
}

fn builder(key: &SigningKey) -> TxBuilder {
    TxBuilder::new()
        .message(&send_msg(key))
        .memo("hello")
        .fee("500uagora".parse::<Coins>().unwrap())
        .gas_limit(100_000)
}

fn valid_tx() -> Vec<u8> {
    let key = secp_key(1);
    builder(&key).sign(&key, CHAIN, 7, 3)
}

fn direct_mode() -> Option<ModeInfo> {
    Some(ModeInfo {
        sum: Some(mode_info::Sum::Single(mode_info::Single {
            mode: SignMode::Direct as i32,
        })),
    })
}

/// A well-formed body, auth info and signature list, for tests to break one piece of.
fn parts() -> (TxBody, AuthInfo, Vec<Vec<u8>>) {
    let raw = TxRaw::decode(valid_tx().as_slice()).unwrap();
    (
        TxBody::decode(raw.body_bytes.as_slice()).unwrap(),
        AuthInfo::decode(raw.auth_info_bytes.as_slice()).unwrap(),
        raw.signatures,
    )
}

fn assemble(body: &TxBody, auth_info: &AuthInfo, signatures: Vec<Vec<u8>>) -> Vec<u8> {
    TxRaw {
        body_bytes: body.encode_to_vec(),
        auth_info_bytes: auth_info.encode_to_vec(),
        signatures,
    }
    .encode_to_vec()
}

fn decode(bytes: &[u8]) -> Result<ParsedTx, DecodeError> {
    decode_tx(bytes, &DecodeLimits::default())
}

// ---------- keys ----------

#[test]
fn abandon_mnemonic_gives_known_cosmos_address() {
    let key = SigningKey::from_mnemonic(ABANDON, DEFAULT_HD_PATH).unwrap();
    let cosmos =
        bech32::encode::<Bech32>(Hrp::parse("cosmos").unwrap(), key.address().as_bytes()).unwrap();
    assert_eq!(cosmos, "cosmos19rl4cm2hmr8afy4kldpxz3fka4jguq0auqdal4");
    assert_eq!(key.kind(), KeyKind::Secp256k1);
    // A different path gives a different key.
    let other = SigningKey::from_mnemonic(ABANDON, "m/44'/118'/0'/0/1").unwrap();
    assert_ne!(other.address(), key.address());
}

#[test]
fn mnemonic_and_path_errors_are_typed() {
    let bad_word = ABANDON.replace("about", "aboot");
    assert!(matches!(
        SigningKey::from_mnemonic(&bad_word, DEFAULT_HD_PATH),
        Err(DecodeError::InvalidMnemonic(_))
    ));
    assert!(matches!(
        SigningKey::from_mnemonic(ABANDON, "m/44'/x"),
        Err(DecodeError::InvalidHdPath { .. })
    ));
}

#[test]
fn generated_mnemonic_has_24_words_and_derives() {
    let words = SigningKey::generate_mnemonic().unwrap();
    assert_eq!(words.split_whitespace().count(), 24);
    assert!(SigningKey::from_mnemonic(&words, DEFAULT_HD_PATH).is_ok());
}

#[test]
fn private_key_bytes_round_trip() {
    for key in [secp_key(5), SigningKey::ed25519_from_bytes(&[5; 32])] {
        let bytes = key.to_bytes();
        let back = match key.kind() {
            KeyKind::Secp256k1 => SigningKey::secp256k1_from_bytes(&bytes).unwrap(),
            KeyKind::Ed25519 => SigningKey::ed25519_from_bytes(&bytes),
        };
        assert_eq!(back.public_key(), key.public_key());
    }
    assert!(SigningKey::secp256k1_from_bytes(&[0; 32]).is_err());
    assert!(SigningKey::secp256k1_from_bytes(&[0xff; 32]).is_err());
    assert_eq!(
        SigningKey::generate(KeyKind::Ed25519).unwrap().kind(),
        KeyKind::Ed25519
    );
}

#[test]
fn public_key_any_round_trip_and_addresses() {
    for key in [secp_key(2), SigningKey::ed25519_from_bytes(&[2; 32])] {
        let pk = key.public_key();
        let any = pk.to_any();
        assert_eq!(any.type_url, pk.kind().type_url());
        assert_eq!(PublicKey::from_any(&any).unwrap(), pk);
    }
    // ed25519 address is sha256(pk)[..20].
    let pk = SigningKey::ed25519_from_bytes(&[2; 32]).public_key();
    let digest = <sha2::Sha256 as sha2::Digest>::digest(pk.to_bytes());
    assert_eq!(pk.address().as_bytes()[..], digest[..20]);
}

#[test]
fn malformed_public_keys_are_refused() {
    let uncompressed = match secp_key(3).public_key() {
        PublicKey::Secp256k1(vk) => vk.to_encoded_point(false).as_bytes().to_vec(),
        PublicKey::Ed25519(_) => unreachable!(),
    };
    let any = Any {
        type_url: "/cosmos.crypto.secp256k1.PubKey".into(),
        value: cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey { key: uncompressed }
            .encode_to_vec(),
    };
    assert!(matches!(
        PublicKey::from_any(&any),
        Err(DecodeError::InvalidPubKey { .. })
    ));
    let any = Any {
        type_url: "/cosmos.crypto.ed25519.PubKey".into(),
        value: cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey { key: vec![1; 31] }
            .encode_to_vec(),
    };
    assert!(matches!(
        PublicKey::from_any(&any),
        Err(DecodeError::InvalidPubKey { .. })
    ));
    let any = Any {
        type_url: "/cosmos.crypto.secp256k1.PubKey".into(),
        value: vec![0xff],
    };
    assert!(matches!(
        PublicKey::from_any(&any),
        Err(DecodeError::InvalidPubKey { .. })
    ));
}

#[test]
fn sign_verify_round_trip_both_kinds() {
    for key in [secp_key(4), SigningKey::ed25519_from_bytes(&[4; 32])] {
        let sig = key.sign(b"message");
        assert_eq!(sig.len(), 64);
        let pk = key.public_key();
        pk.verify(b"message", &sig).unwrap();
        assert!(matches!(
            pk.verify(b"messagf", &sig),
            Err(DecodeError::InvalidSignature { .. })
        ));
        assert!(pk.verify(b"message", &sig[..63]).is_err());
        // Another key does not verify it.
        let other = match key.kind() {
            KeyKind::Secp256k1 => secp_key(5),
            KeyKind::Ed25519 => SigningKey::ed25519_from_bytes(&[5; 32]),
        };
        assert!(other.public_key().verify(b"message", &sig).is_err());
    }
}

#[test]
fn secp256k1_signing_is_deterministic_and_low_s() {
    let key = secp_key(6);
    let a = key.sign(b"x");
    assert_eq!(a, key.sign(b"x"));
    let sig = k256::ecdsa::Signature::from_slice(&a).unwrap();
    assert!(sig.normalize_s().is_none());
}

/// secp256k1 group order n, big endian.
const SECP256K1_N: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
    0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
];

#[test]
fn high_s_secp256k1_signature_is_rejected() {
    let key = secp_key(7);
    let mut sig = key.sign(b"payload");
    // s' = n - s is the other valid ECDSA signature; Cosmos refuses it.
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(SECP256K1_N[i]) - i16::from(sig[32 + i]) - borrow;
        borrow = i16::from(d < 0);
        sig[32 + i] = (d + 256 * borrow) as u8;
    }
    let err = key.public_key().verify(b"payload", &sig).unwrap_err();
    assert!(err.to_string().contains("high S"), "{err}");
    assert_eq!(err.code(), codes::UNAUTHORIZED);
}

// ---------- tx round trip ----------

#[test]
fn signed_tx_decodes_and_verifies() {
    let key = secp_key(1);
    let bytes = builder(&key).timeout_height(99).sign(&key, CHAIN, 7, 3);
    let tx = decode(&bytes).unwrap();
    assert_eq!(tx.size, bytes.len());
    assert_eq!(
        tx.hash,
        <[u8; 32]>::from(<sha2::Sha256 as sha2::Digest>::digest(&bytes))
    );
    assert_eq!(tx.hash_hex().len(), 64);
    assert_eq!(tx.messages, vec![to_any(&send_msg(&key))]);
    assert_eq!(tx.messages[0].type_url, "/cosmos.bank.v1beta1.MsgSend");
    assert_eq!(tx.memo, "hello");
    assert_eq!(tx.timeout_height, 99);
    assert_eq!(tx.fee, "500uagora".parse::<Coins>().unwrap());
    assert_eq!(tx.gas_limit, 100_000);
    assert_eq!(tx.fee_payer, None);
    assert_eq!(tx.signers.len(), 1);
    assert_eq!(tx.signers[0].sequence, 3);
    let pk = tx.signers[0].public_key.clone().unwrap();
    assert_eq!(pk.address(), key.address());
    tx.verify_signer(0, &pk, CHAIN, 7).unwrap();

    let wrong_chain = tx.verify_signer(0, &pk, "other-chain", 7).unwrap_err();
    assert_eq!(wrong_chain.code(), codes::UNAUTHORIZED);
    assert!(
        wrong_chain.to_string().contains("other-chain"),
        "{wrong_chain}"
    );
    assert!(tx.verify_signer(0, &pk, CHAIN, 8).is_err());
    assert!(tx
        .verify_signer(0, &secp_key(2).public_key(), CHAIN, 7)
        .is_err());
    assert!(matches!(
        tx.verify_signer(1, &pk, CHAIN, 7),
        Err(DecodeError::SignerIndexOutOfRange { index: 1, count: 1 })
    ));
}

#[test]
fn ed25519_signed_tx_verifies() {
    let key = SigningKey::ed25519_from_bytes(&[8; 32]);
    let tx = decode(&builder(&key).sign(&key, CHAIN, 0, 0)).unwrap();
    let pk = tx.signers[0].public_key.clone().unwrap();
    assert_eq!(pk.kind(), KeyKind::Ed25519);
    tx.verify_signer(0, &pk, CHAIN, 0).unwrap();
}

#[test]
fn tampered_body_fails_verification() {
    let (mut body, auth_info, sigs) = parts();
    body.memo = "hellp".into();
    let tx = decode(&assemble(&body, &auth_info, sigs)).unwrap();
    let pk = tx.signers[0].public_key.clone().unwrap();
    assert!(matches!(
        tx.verify_signer(0, &pk, CHAIN, 7),
        Err(DecodeError::SignatureVerification { .. })
    ));
}

#[test]
fn multi_signer_tx_verifies_each_signer() {
    let (a, b) = (secp_key(1), SigningKey::ed25519_from_bytes(&[3; 32]));
    let bytes = builder(&a)
        .message(&send_msg(&b))
        .sign_multi(&[(&a, 7, 3), (&b, 11, 0)], CHAIN);
    let tx = decode(&bytes).unwrap();
    assert_eq!(tx.signers.len(), 2);
    tx.verify_signer(0, &a.public_key(), CHAIN, 7).unwrap();
    tx.verify_signer(1, &b.public_key(), CHAIN, 11).unwrap();
    assert!(tx.verify_signer(1, &b.public_key(), CHAIN, 7).is_err());
}

#[test]
fn signer_without_public_key_is_allowed() {
    let (body, mut auth_info, sigs) = parts();
    auth_info.signer_infos[0].public_key = None;
    let tx = decode(&assemble(&body, &auth_info, sigs)).unwrap();
    assert_eq!(tx.signers[0].public_key, None);
}

#[test]
fn fee_payer_is_parsed() {
    let key = secp_key(1);
    let payer = secp_key(2).address();
    let tx = decode(&builder(&key).fee_payer(payer).sign(&key, CHAIN, 7, 3)).unwrap();
    assert_eq!(tx.fee_payer, Some(payer));
}

// ---------- decode refusals ----------

fn refused(bytes: &[u8]) -> DecodeError {
    decode(bytes).unwrap_err()
}

#[test]
fn random_bytes_are_refused() {
    let err = refused(&[0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03]);
    assert_eq!(err.code(), codes::TX_DECODE, "{err}");
    assert_eq!(err.codespace(), "sdk");
}

#[test]
fn truncated_tx_is_refused() {
    let bytes = valid_tx();
    let err = refused(&bytes[..bytes.len() - 5]);
    assert_eq!(err.code(), codes::TX_DECODE, "{err}");
}

#[test]
fn empty_tx_is_refused() {
    let err = refused(&[]);
    assert_eq!(err, DecodeError::EmptyTx);
    assert_eq!(err.code(), codes::TX_DECODE);
}

#[test]
fn empty_messages_are_refused() {
    let key = secp_key(1);
    let bytes = TxBuilder::new().fee(Coins::new()).sign(&key, CHAIN, 0, 0);
    let err = refused(&bytes);
    assert_eq!(err, DecodeError::NoMessages);
    assert_eq!(err.code(), codes::INVALID_REQUEST);
}

#[test]
fn too_many_messages_are_refused() {
    let key = secp_key(1);
    let mut b = TxBuilder::new();
    for _ in 0..65 {
        b = b.message(&send_msg(&key));
    }
    assert_eq!(
        refused(&b.sign(&key, CHAIN, 0, 0)),
        DecodeError::TooManyMessages { count: 65, max: 64 }
    );
}

#[test]
fn unsupported_sign_mode_is_refused() {
    let (body, mut auth_info, sigs) = parts();
    auth_info.signer_infos[0].mode_info = Some(ModeInfo {
        sum: Some(mode_info::Sum::Single(mode_info::Single {
            mode: SignMode::LegacyAminoJson as i32,
        })),
    });
    let err = refused(&assemble(&body, &auth_info, sigs.clone()));
    assert!(
        err.to_string().contains("SIGN_MODE_LEGACY_AMINO_JSON"),
        "{err}"
    );
    assert_eq!(err.code(), codes::INVALID_REQUEST);

    auth_info.signer_infos[0].mode_info = Some(ModeInfo {
        sum: Some(mode_info::Sum::Single(mode_info::Single { mode: 999 })),
    });
    assert!(refused(&assemble(&body, &auth_info, sigs.clone()))
        .to_string()
        .contains("unknown (999)"));

    auth_info.signer_infos[0].mode_info = None;
    assert_eq!(
        refused(&assemble(&body, &auth_info, sigs)),
        DecodeError::MissingModeInfo { index: 0 }
    );
}

#[test]
fn simulation_decodes_the_unspecified_sign_mode_a_zero_gas_limit_and_empty_signatures() {
    let simulation = DecodeLimits { simulation: true, ..DecodeLimits::default() };
    let (body, mut auth_info, _) = parts();
    auth_info.fee.as_mut().expect("fee").gas_limit = 0;
    for mode in [SignMode::Unspecified as i32, SignMode::Direct as i32] {
        auth_info.signer_infos[0].mode_info = Some(ModeInfo {
            sum: Some(mode_info::Sum::Single(mode_info::Single { mode })),
        });
        let bytes = assemble(&body, &auth_info, vec![Vec::new()]);
        let parsed = decode_tx(&bytes, &simulation).expect("simulation decodes");
        assert_eq!(parsed.gas_limit, 0);
        assert!(parsed.signers[0].signature.is_empty());
        assert!(decode(&bytes).is_err(), "execution refuses mode {mode} with zero gas");
    }
    // Modes that execution refuses are refused in simulation as well, and so is multisig.
    for mode in [SignMode::LegacyAminoJson as i32, SignMode::Textual as i32, 999] {
        auth_info.signer_infos[0].mode_info = Some(ModeInfo {
            sum: Some(mode_info::Sum::Single(mode_info::Single { mode })),
        });
        let err = decode_tx(&assemble(&body, &auth_info, vec![Vec::new()]), &simulation).unwrap_err();
        assert!(matches!(err, DecodeError::UnsupportedSignMode { index: 0, .. }), "{err}");
    }
    auth_info.signer_infos[0].mode_info = Some(ModeInfo {
        sum: Some(mode_info::Sum::Multi(mode_info::Multi { bitarray: None, mode_infos: vec![] })),
    });
    assert_eq!(
        decode_tx(&assemble(&body, &auth_info, vec![Vec::new()]), &simulation),
        Err(DecodeError::MultisigUnsupported { index: 0 })
    );
}

#[test]
fn multisig_mode_info_is_refused() {
    let (body, mut auth_info, sigs) = parts();
    auth_info.signer_infos[0].mode_info = Some(ModeInfo {
        sum: Some(mode_info::Sum::Multi(mode_info::Multi {
            bitarray: None,
            mode_infos: vec![],
        })),
    });
    assert_eq!(
        refused(&assemble(&body, &auth_info, sigs)),
        DecodeError::MultisigUnsupported { index: 0 }
    );
}

#[test]
fn too_many_signatures_are_refused() {
    let keys: Vec<SigningKey> = (1..=8).map(secp_key).collect();
    let signers: Vec<(&SigningKey, u64, u64)> = keys.iter().map(|k| (k, 0, 0)).collect();
    let bytes = builder(&keys[0]).sign_multi(&signers, CHAIN);
    let err = refused(&bytes);
    assert_eq!(err, DecodeError::TooManySignatures { count: 8, max: 7 });
    assert_eq!(err.code(), codes::TOO_MANY_SIGNATURES);
}

#[test]
fn missing_signatures_are_refused() {
    let (body, auth_info, _) = parts();
    let err = refused(&assemble(&body, &auth_info, vec![]));
    assert_eq!(err, DecodeError::NoSignatures);
    assert_eq!(err.code(), codes::NO_SIGNATURES);
}

#[test]
fn signature_count_mismatch_is_refused() {
    let (body, auth_info, mut sigs) = parts();
    sigs.push(sigs[0].clone());
    let err = refused(&assemble(&body, &auth_info, sigs));
    assert_eq!(
        err,
        DecodeError::SignatureCountMismatch {
            signer_infos: 1,
            signatures: 2
        }
    );
    assert_eq!(err.code(), codes::UNAUTHORIZED);
}

#[test]
fn oversized_tx_is_refused() {
    let bytes = valid_tx();
    let limits = DecodeLimits {
        max_tx_bytes: bytes.len() - 1,
        ..DecodeLimits::default()
    };
    let err = decode_tx(&bytes, &limits).unwrap_err();
    assert_eq!(
        err,
        DecodeError::TxTooLarge {
            size: bytes.len(),
            max: bytes.len() - 1
        }
    );
    assert_eq!(err.code(), codes::TX_TOO_LARGE);
    assert!(decode_tx(
        &bytes,
        &DecodeLimits {
            max_tx_bytes: bytes.len(),
            ..limits
        }
    )
    .is_ok());
}

#[test]
fn oversized_memo_is_refused() {
    let key = secp_key(1);
    let err = refused(&builder(&key).memo("m".repeat(257)).sign(&key, CHAIN, 0, 0));
    assert_eq!(err, DecodeError::MemoTooLarge { len: 257, max: 256 });
    assert_eq!(err.code(), codes::MEMO_TOO_LARGE);
    assert!(decode(&builder(&key).memo("m".repeat(256)).sign(&key, CHAIN, 0, 0)).is_ok());
}

fn with_fee_coin(denom: &str, amount: &str) -> Vec<u8> {
    let (body, mut auth_info, sigs) = parts();
    if let Some(fee) = auth_info.fee.as_mut() {
        fee.amount = vec![ProtoCoin {
            denom: denom.into(),
            amount: amount.into(),
        }];
    }
    assemble(&body, &auth_info, sigs)
}

#[test]
fn bad_fee_denom_is_refused() {
    let err = refused(&with_fee_coin("1bad", "10"));
    assert!(matches!(err, DecodeError::InvalidFee { .. }), "{err}");
    assert!(err.to_string().contains("1bad"), "{err}");
    assert_eq!(err.code(), codes::INVALID_COINS);
}

#[test]
fn fee_amount_overflow_is_refused() {
    let err = refused(&with_fee_coin(
        "uagora",
        "340282366920938463463374607431768211456",
    ));
    assert!(matches!(err, DecodeError::InvalidFee { .. }), "{err}");
    assert!(refused(&with_fee_coin("uagora", "-1"))
        .to_string()
        .contains("-1"));
}

#[test]
fn duplicate_fee_denoms_are_refused() {
    let (body, mut auth_info, sigs) = parts();
    if let Some(fee) = auth_info.fee.as_mut() {
        let coin = ProtoCoin {
            denom: "uagora".into(),
            amount: "1".into(),
        };
        fee.amount = vec![coin.clone(), coin];
    }
    assert!(matches!(
        refused(&assemble(&body, &auth_info, sigs)),
        DecodeError::InvalidFee { .. }
    ));
}

#[test]
fn unsupported_pubkey_type_is_refused() {
    let (body, mut auth_info, sigs) = parts();
    auth_info.signer_infos[0].public_key = Some(Any {
        type_url: "/cosmos.crypto.multisig.LegacyAminoPubKey".into(),
        value: vec![],
    });
    let err = refused(&assemble(&body, &auth_info, sigs));
    assert!(
        matches!(err, DecodeError::UnsupportedPubKey { .. }),
        "{err}"
    );
    assert_eq!(err.code(), codes::INVALID_PUBKEY);
}

#[test]
fn extension_options_are_refused() {
    let (mut body, auth_info, sigs) = parts();
    let ext = Any {
        type_url: "/ethermint.types.v1.ExtensionOptionsWeb3Tx".into(),
        value: vec![],
    };
    body.extension_options = vec![ext.clone()];
    let err = refused(&assemble(&body, &auth_info, sigs.clone()));
    assert_eq!(err.code(), codes::UNKNOWN_EXTENSION_OPTIONS);
    assert!(err.to_string().contains("ExtensionOptionsWeb3Tx"), "{err}");

    body.extension_options.clear();
    body.non_critical_extension_options = vec![ext];
    assert!(matches!(
        refused(&assemble(&body, &auth_info, sigs)),
        DecodeError::ExtensionOptions {
            field: "non_critical_extension_options",
            ..
        }
    ));
}

#[test]
fn gas_limit_bounds_are_enforced() {
    let key = secp_key(1);
    let err = refused(&builder(&key).gas_limit(0).sign(&key, CHAIN, 0, 0));
    assert_eq!(err, DecodeError::ZeroGasLimit);
    assert_eq!(err.code(), codes::INVALID_GAS_LIMIT);
    assert!(matches!(
        refused(&builder(&key).gas_limit(u64::MAX).sign(&key, CHAIN, 0, 0)),
        DecodeError::GasLimitTooHigh { .. }
    ));
}

#[test]
fn missing_fee_granter_payer_and_tip_are_checked() {
    let (body, mut auth_info, sigs) = parts();
    let fee = auth_info.fee.take().unwrap();
    assert_eq!(
        refused(&assemble(&body, &auth_info, sigs.clone())),
        DecodeError::MissingFee
    );

    auth_info.fee = Some(Fee {
        granter: secp_key(2).address().to_bech32(),
        ..fee.clone()
    });
    assert!(matches!(
        refused(&assemble(&body, &auth_info, sigs.clone())),
        DecodeError::FeeGranterUnsupported { .. }
    ));

    auth_info.fee = Some(Fee {
        payer: "cosmos1notours".into(),
        ..fee.clone()
    });
    let err = refused(&assemble(&body, &auth_info, sigs.clone()));
    assert_eq!(err.code(), codes::INVALID_ADDRESS, "{err}");

    auth_info.fee = Some(fee);
    #[allow(deprecated)]
    {
        auth_info.tip = Some(Tip {
            amount: vec![],
            tipper: String::new(),
        });
    }
    assert_eq!(
        refused(&assemble(&body, &auth_info, sigs)),
        DecodeError::TipUnsupported
    );
}

#[test]
fn unknown_fields_are_refused() {
    // Appending field 4 to TxRaw would change the hash without touching signatures.
    let mut bytes = valid_tx();
    bytes.extend_from_slice(&[0x20, 0x01]);
    assert_eq!(
        refused(&bytes),
        DecodeError::UnknownField {
            message: "TxRaw",
            field: 4
        }
    );

    // A critical unknown field in the body (e.g. a newer SDK's `unordered`, field 4).
    let (body, auth_info, sigs) = parts();
    let mut body_bytes = body.encode_to_vec();
    body_bytes.extend_from_slice(&[0x20, 0x01]);
    let raw = TxRaw {
        body_bytes,
        auth_info_bytes: auth_info.encode_to_vec(),
        signatures: sigs.clone(),
    };
    assert_eq!(
        refused(&raw.encode_to_vec()),
        DecodeError::UnknownField {
            message: "TxBody",
            field: 4
        }
    );

    // Unknown field nested inside a SignerInfo.
    let mut info = SignerInfo {
        public_key: None,
        mode_info: direct_mode(),
        sequence: 0,
    }
    .encode_to_vec();
    info.extend_from_slice(&[0x28, 0x01]);
    let mut info_auth = vec![0x0a];
    info_auth.push(u8::try_from(info.len()).unwrap());
    info_auth.extend_from_slice(&info);
    let raw = TxRaw {
        body_bytes: body.encode_to_vec(),
        auth_info_bytes: info_auth,
        signatures: sigs,
    };
    assert_eq!(
        refused(&raw.encode_to_vec()),
        DecodeError::UnknownField {
            message: "SignerInfo",
            field: 5
        }
    );
}

#[test]
fn error_codes_match_cosmos_sdk() {
    let cases: [(DecodeError, u32); 6] = [
        (DecodeError::NoSignatures, 15),
        (DecodeError::TooManySignatures { count: 8, max: 7 }, 14),
        (DecodeError::TxTooLarge { size: 2, max: 1 }, 21),
        (DecodeError::MemoTooLarge { len: 2, max: 1 }, 12),
        (
            DecodeError::UnsupportedPubKey {
                type_url: String::new(),
            },
            8,
        ),
        (
            DecodeError::InvalidFeePayer {
                address: String::new(),
                reason: String::new(),
            },
            7,
        ),
    ];
    for (err, code) in cases {
        assert_eq!(err.code(), code, "{err}");
        assert_eq!(err.to_tx_error().codespace, "sdk");
    }
}

// ---------- properties ----------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decode_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn decode_never_panics_on_mutated_txs(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = valid_tx();
        for (index, xor) in flips {
            let i = index.index(bytes.len());
            bytes[i] ^= xor;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Ok(tx) = decode(&bytes) {
            for (i, signer) in tx.signers.iter().enumerate() {
                if let Some(pk) = &signer.public_key {
                    let _ = tx.verify_signer(i, pk, CHAIN, 7);
                }
            }
        }
    }
}
