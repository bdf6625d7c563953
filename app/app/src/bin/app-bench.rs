//! `bank_send_tps_app`: signed `MsgSend` transactions executed per second through
//! `FinalizeBlock` + `Commit` in-process (signature verification included), for blocks of
//! 1,000 and 10,000 transactions. Signing happens before the clock starts. `sig_verify_per_s`,
//! measured in the same run, is the physical limit beside it: secp256k1 verifications per
//! second on every core, through the same verification the app runs, and
//! `bank_send_tps_app_vs_sig_verify` the ratio of the two (1,000-transaction blocks).
//! `bank_send_tps_app_1m_accounts` runs blocks of 10,000 sends between accounts spread over a
//! state of 1,000,000 funded accounts (`AGORA_BENCH_ACCOUNTS` overrides the count), where
//! every send reads and writes keys the commit must find in a large tree; with
//! `bank_send_tps_app_1m_accounts_vs_fresh`, its ratio to `bank_send_tps_app` on 10,000-send
//! blocks. Prints one JSON line per figure.

use std::sync::Arc;
use std::time::Instant;

use agora_app::harness::TestNode;
use agora_app::{App, AppConfig};
use agora_app::genesis::{add_account, new_chain};
use agora_store::Storage;
use agora_tx::{to_any, SigningKey, TxBuilder};
use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use rayon::prelude::*;

const CHAIN_ID: &str = "agora-bench";
const SENDERS: usize = 1_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let storage = Storage::open(dir.path(), agora_app::app::storage_config(100))?;
    let app = Arc::new(App::new(storage, AppConfig::default())?);

    let keys: Vec<SigningKey> = (0..SENDERS)
        .map(|i| {
            let mut secret = [7u8; 32];
            secret[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
            SigningKey::secp256k1_from_bytes(&secret)
        })
        .collect::<Result<_, _>>()?;
    let mut genesis = new_chain()?;
    for key in &keys {
        add_account(&mut genesis, key.address(), &"1000000000000uagora".parse()?)?;
    }
    let mut node = TestNode::start(app, CHAIN_ID, &genesis.to_json()?)?;
    node.make_block(vec![])?;

    // Account numbers: 0 is the fee collector, then senders in genesis order.
    let recipient = SigningKey::secp256k1_from_bytes(&[9u8; 32])?.address();
    let mut sequences = vec![0u64; SENDERS];
    let mut sign_block = |size: usize| -> Vec<Vec<u8>> {
        let jobs: Vec<(usize, u64)> = (0..size)
            .map(|i| {
                let sender = i % SENDERS;
                let seq = sequences[sender];
                sequences[sender] += 1;
                (sender, seq)
            })
            .collect();
        jobs.par_iter()
            .map(|&(sender, seq)| signed_send(&keys[sender], &recipient, sender as u64 + 1, seq))
            .collect()
    };

    let sig_verify_per_s = sig_verify_per_s(&keys)?;
    println!("{}", serde_json::json!({"name": "sig_verify_per_s", "value": sig_verify_per_s.round(), "unit": "verifications/s", "threads": rayon::current_num_threads()}));

    let mut fresh_10k = 0.0;
    for (size, rounds) in [(1_000usize, 5usize), (10_000, 3)] {
        let mut rates = Vec::new();
        for _ in 0..rounds {
            rates.push(timed_block(&mut node, sign_block(size))?);
        }
        let tps = median(rates);
        println!(
            "{}",
            serde_json::json!({"name": "bank_send_tps_app", "value": tps.round(), "unit": "tx/s", "block_txs": size, "rounds": rounds})
        );
        if size == 1_000 {
            let ratio = (tps / sig_verify_per_s * 1000.0).round() / 1000.0;
            println!("{}", serde_json::json!({"name": "bank_send_tps_app_vs_sig_verify", "value": ratio, "unit": "ratio", "block_txs": size}));
        } else {
            fresh_10k = tps;
        }
    }

    let accounts: usize = std::env::var("AGORA_BENCH_ACCOUNTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let large = bank_send_tps_large_state(accounts)?;
    println!(
        "{}",
        serde_json::json!({"name": "bank_send_tps_app_1m_accounts", "value": large.round(), "unit": "tx/s", "block_txs": LARGE_BLOCK, "accounts": accounts})
    );
    let ratio = (large / fresh_10k * 1000.0).round() / 1000.0;
    println!("{}", serde_json::json!({"name": "bank_send_tps_app_1m_accounts_vs_fresh", "value": ratio, "unit": "ratio", "block_txs": LARGE_BLOCK}));
    Ok(())
}

/// Sends per block in the large-state figure, each from its own sender.
const LARGE_BLOCK: usize = 10_000;
/// Funded per `MsgMultiSend` while building the large state.
const OUTPUTS_PER_TX: usize = 1_000;

/// A funded account that never signs: its address is its index, scattered (splitmix64) so that
/// neighbouring indices are far apart in the state, as real addresses are.
fn passive_account(i: usize) -> agora_types::Address {
    let mut bytes = [0u8; 24];
    let mut x = i as u64;
    for chunk in bytes.chunks_mut(8) {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_be_bytes());
    }
    agora_types::Address::from_slice(&bytes[..20]).unwrap_or_else(|_| agora_types::Address::module("bench"))
}

/// Median tx/s of three blocks of [`LARGE_BLOCK`] sends on a state of `accounts` funded
/// accounts: [`LARGE_BLOCK`] signing senders funded at genesis, the rest funded by a whale's
/// multi-sends beforehand; each send goes to a different account spread over the whole state.
fn bank_send_tps_large_state(accounts: usize) -> Result<f64, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let storage = Storage::open(dir.path(), agora_app::app::storage_config(100))?;
    let app = Arc::new(App::new(storage.clone(), AppConfig::default())?);
    let whale = SigningKey::secp256k1_from_bytes(&[5u8; 32])?;
    let senders: Vec<SigningKey> = (0..LARGE_BLOCK)
        .into_par_iter()
        .map(|i| {
            let mut secret = [3u8; 32];
            secret[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
            SigningKey::secp256k1_from_bytes(&secret)
        })
        .collect::<Result<_, _>>()?;
    let mut genesis = new_chain()?;
    add_account(&mut genesis, whale.address(), &"1000000000000000uagora".parse()?)?;
    for key in &senders {
        add_account(&mut genesis, key.address(), &"1000000000000uagora".parse()?)?;
    }
    let mut node = TestNode::start(app, CHAIN_ID, &genesis.to_json()?)?;
    node.make_block(vec![])?;

    // The whale is account 1 (0 is the fee collector); each block funds 100 multi-sends' worth.
    let passive = accounts.saturating_sub(LARGE_BLOCK);
    let mut whale_sequence = 0u64;
    let start = Instant::now();
    let funding: Vec<usize> = (0..passive).collect();
    for block in funding.chunks(OUTPUTS_PER_TX * 100) {
        let txs = block
            .chunks(OUTPUTS_PER_TX)
            .map(|chunk| {
                let outputs = chunk
                    .iter()
                    .map(|&i| cosmos_sdk_proto::cosmos::bank::v1beta1::Output {
                            address: passive_account(i).to_bech32(),
                        coins: vec![cosmos_sdk_proto::cosmos::base::v1beta1::Coin { denom: "uagora".into(), amount: "1000".into() }],
                    })
                    .collect();
                let msg = cosmos_sdk_proto::cosmos::bank::v1beta1::MsgMultiSend {
                    inputs: vec![cosmos_sdk_proto::cosmos::bank::v1beta1::Input {
                        address: whale.address().to_bech32(),
                        coins: vec![cosmos_sdk_proto::cosmos::base::v1beta1::Coin {
                            denom: "uagora".into(),
                            amount: (1000 * chunk.len()).to_string(),
                        }],
                    }],
                    outputs,
                };
                let tx = TxBuilder::new()
                    .any_message(to_any(&msg))
                    .fee("1000000uagora".parse()?)
                    .gas_limit(100_000_000)
                    .sign(&whale, CHAIN_ID, 1, whale_sequence);
                whale_sequence += 1;
                Ok(tx.into())
            })
            .collect::<Result<Vec<_>, Box<dyn std::error::Error>>>()?;
        let height = node.height() + 1;
        let results = node.finalize_and_commit(height, txs)?;
        if let Some(failed) = results.iter().find(|r| r.code.value() != 0) {
            return Err(format!("funding failed: {}", failed.log).into());
        }
    }
    // The funding's flushes and compactions would otherwise share the CPU with the timed blocks.
    storage.flush_and_wait_for_compactions()?;
    eprintln!("funded {accounts} accounts in {:.0} s", start.elapsed().as_secs_f64());

    let mut rates = Vec::new();
    for round in 0..3u64 {
        let txs: Vec<Vec<u8>> = senders
            .par_iter()
            .enumerate()
            .map(|(i, key)| {
                // A recipient anywhere in the state, different for every send.
                let recipient = passive_account((i * 7_919 + round as usize * 104_729) % passive.max(1));
                signed_send(key, &recipient, i as u64 + 2, round)
            })
            .collect();
        rates.push(timed_block(&mut node, txs)?);
    }
    Ok(median(rates))
}

/// A signed `MsgSend` of 1uagora from `key` (account `account_number`, at `sequence`) to `to`.
fn signed_send(key: &SigningKey, to: &agora_types::Address, account_number: u64, sequence: u64) -> Vec<u8> {
    let msg = MsgSend {
        from_address: key.address().to_bech32(),
        to_address: to.to_bech32(),
        amount: vec![cosmos_sdk_proto::cosmos::base::v1beta1::Coin { denom: "uagora".into(), amount: "1".into() }],
    };
    TxBuilder::new()
        .any_message(to_any(&msg))
        .fee("2000uagora".parse().unwrap_or_default())
        .gas_limit(200_000)
        .sign(key, CHAIN_ID, account_number, sequence)
}

/// Transactions per second of `FinalizeBlock` + `Commit` of one block of `txs`, every one of
/// which must succeed.
fn timed_block(node: &mut TestNode, txs: Vec<Vec<u8>>) -> Result<f64, Box<dyn std::error::Error>> {
    let count = txs.len();
    let height = node.height() + 1;
    let start = Instant::now();
    let results = node.finalize_and_commit(height, txs.into_iter().map(Into::into).collect())?;
    let elapsed = start.elapsed().as_secs_f64();
    let failed = results.iter().filter(|r| r.code.value() != 0).count();
    if let Some(example) = results.iter().find(|r| r.code.value() != 0) {
        return Err(format!("{failed} transactions failed, e.g. {}", example.log).into());
    }
    Ok(count as f64 / elapsed)
}

fn median(mut rates: Vec<f64>) -> f64 {
    rates.sort_by(|a, b| a.total_cmp(b));
    rates.get(rates.len() / 2).copied().unwrap_or(0.0)
}

/// secp256k1 signatures verified per second with every core busy, through `PublicKey::verify`
/// (the app's own check, low-S rule included): the median of five rounds of 20,000 distinct
/// messages.
fn sig_verify_per_s(keys: &[SigningKey]) -> Result<f64, Box<dyn std::error::Error>> {
    const PER_ROUND: usize = 20_000;
    let signed: Vec<(agora_tx::PublicKey, Vec<u8>, Vec<u8>)> = (0..PER_ROUND)
        .into_par_iter()
        .map(|i| {
            let key = &keys[i % keys.len()];
            let msg = format!("sign doc {i} of the signature benchmark").into_bytes();
            let sig = key.sign(&msg);
            (key.public_key(), msg, sig)
        })
        .collect();
    let mut rates = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let failures = signed.par_iter().filter(|(key, msg, sig)| key.verify(msg, sig).is_err()).count();
        let elapsed = start.elapsed().as_secs_f64();
        if failures > 0 {
            return Err(format!("{failures} signatures did not verify").into());
        }
        rates.push(PER_ROUND as f64 / elapsed);
    }
    Ok(median(rates))
}
