//! Proof-of-stake figures, in process (FinalizeBlock + Commit through the real application):
//! `endblock_ms_150_validators_100k_delegations`, a block with no transaction whose last
//! commit carries 150 signing validators, on a state of 100,000 delegations (mint, the
//! distribution of the previous block's fees, liveness of 150 voters, staking's end of block,
//! and the commit) — it must not grow with the number of delegations, so the same block is
//! also measured with 1,000 delegations (`endblock_ms_150_validators_1k_delegations`); and
//! `withdraw_rewards_tps_app`, blocks of 1,000 `MsgWithdrawDelegatorReward` transactions.
//! `AGORA_BENCH_DELEGATIONS` overrides the large count. Prints one JSON line per figure.

use std::sync::Arc;
use std::time::Instant;

use agora_app::harness::TestNode;
use agora_app::genesis::{add_account, new_chain};
use agora_app::{App, AppConfig};
use agora_store::Storage;
use agora_tx::{to_any, SigningKey, TxBuilder};
use agora_types::VALOPER_PREFIX;
use base64::Engine as _;
use cosmos_sdk_proto::cosmos::distribution::v1beta1 as dpb;
use cosmos_sdk_proto::cosmos::staking::v1beta1 as pb;
use rayon::prelude::*;

const CHAIN_ID: &str = "agora-pos-bench";
const VALIDATORS: usize = 150;
const DELEGATIONS_PER_TX: usize = 50;

type BoxError = Box<dyn std::error::Error>;

struct Net {
    node: TestNode,
    _dir: tempfile::TempDir,
    validators: Vec<SigningKey>,
    consensus: Vec<[u8; 20]>,
    delegators: Vec<SigningKey>,
    sequences: Vec<u64>,
}

fn key(tag: u8, i: usize) -> Result<SigningKey, BoxError> {
    let mut secret = [tag; 32];
    secret[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
    Ok(SigningKey::secp256k1_from_bytes(&secret)?)
}

fn coin(amount: u128) -> cosmos_sdk_proto::cosmos::base::v1beta1::Coin {
    cosmos_sdk_proto::cosmos::base::v1beta1::Coin { denom: "uagora".into(), amount: amount.to_string() }
}

/// A chain with 150 validators from gentxs and `delegations` delegations spread over them.
fn net(delegations: usize) -> Result<Net, BoxError> {
    let delegators_count = delegations.div_ceil(DELEGATIONS_PER_TX);
    let validators: Vec<SigningKey> = (0..VALIDATORS).map(|i| key(3, i)).collect::<Result<_, _>>()?;
    let delegators: Vec<SigningKey> = (0..delegators_count)
        .into_par_iter()
        .map(|i| key(4, i).map_err(|e| e.to_string()))
        .collect::<Result<_, String>>()?;
    let mut genesis = new_chain()?;
    for k in validators.iter().chain(&delegators) {
        add_account(&mut genesis, k.address(), &"1000000000000uagora".parse()?)?;
    }
    let mut consensus = Vec::new();
    let mut gen_txs = Vec::new();
    for (i, k) in validators.iter().enumerate() {
        let mut seed = [9u8; 32];
        seed[..8].copy_from_slice(&(i as u64 + 1).to_be_bytes());
        let pubkey = SigningKey::ed25519_from_bytes(&seed).public_key().to_bytes();
        let bytes: [u8; 32] = pubkey.as_slice().try_into()?;
        consensus.push(agora_staking::types::consensus_address(&bytes));
        let msg = pb::MsgCreateValidator {
            description: Some(pb::Description { moniker: format!("v{i}"), ..Default::default() }),
            commission: Some(pb::CommissionRates { rate: "50000000000000000".into(), max_rate: "200000000000000000".into(), max_change_rate: "10000000000000000".into() }),
            min_self_delegation: "1".into(),
            #[allow(deprecated)]
            delegator_address: String::new(),
            validator_address: k.address().to_bech32_with(VALOPER_PREFIX),
            pubkey: Some(cosmos_sdk_proto::Any { type_url: "/cosmos.crypto.ed25519.PubKey".into(), value: prost::Message::encode_to_vec(&cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey { key: pubkey }) }),
            value: Some(coin(1_000_000_000)),
        };
        let tx = TxBuilder::new().any_message(to_any(&msg)).gas_limit(1_000_000).sign(k, CHAIN_ID, 0, 0);
        gen_txs.push(base64::engine::general_purpose::STANDARD.encode(tx));
    }
    genesis.set_section("genutil", &agora_app::genutil::GenesisState { gen_txs })?;
    let dir = tempfile::tempdir()?;
    let storage = Storage::open(dir.path(), agora_app::app::storage_config(100))?;
    let app = Arc::new(App::new(storage, AppConfig::default())?);
    let node = TestNode::start(app, CHAIN_ID, &genesis.to_json()?)?;
    let mut net = Net { node, _dir: dir, validators, consensus, delegators, sequences: vec![0; delegators_count] };
    net.block(vec![])?;

    // Each delegator delegates to 50 validators in one transaction.
    let first_delegator = VALIDATORS as u64 + 1;
    let txs: Vec<Vec<u8>> = net
        .delegators
        .par_iter()
        .enumerate()
        .map(|(d, k)| {
            let mut builder = TxBuilder::new();
            for j in 0..DELEGATIONS_PER_TX {
                let v = &net.validators[(d + j) % VALIDATORS];
                builder = builder.any_message(to_any(&pb::MsgDelegate {
                    delegator_address: k.address().to_bech32(),
                    validator_address: v.address().to_bech32_with(VALOPER_PREFIX),
                    amount: Some(coin(1_000_000)),
                }));
            }
            builder.fee("100uagora".parse().unwrap_or_default()).gas_limit(50_000_000).sign(k, CHAIN_ID, first_delegator + d as u64, 0)
        })
        .collect();
    for chunk in txs.chunks(100) {
        net.block(chunk.to_vec())?;
    }
    for s in &mut net.sequences {
        *s = 1;
    }
    Ok(net)
}

impl Net {
    /// A block whose last commit has every validator signing; its results must all succeed.
    fn block(&mut self, txs: Vec<Vec<u8>>) -> Result<f64, BoxError> {
        let votes: Vec<([u8; 20], u64, bool)> = self.consensus.iter().map(|c| (*c, 1_000, true)).collect();
        let start = Instant::now();
        let results = self.node.make_block_with_commit(txs, &votes, Vec::new())?;
        let elapsed = start.elapsed().as_secs_f64();
        if let Some(failed) = results.iter().find(|r| r.code.value() != 0) {
            return Err(format!("a transaction failed: {}", failed.log).into());
        }
        Ok(elapsed)
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Milliseconds of an empty block after one with fees, median of five.
fn endblock_ms(net: &mut Net) -> Result<f64, BoxError> {
    let mut times = Vec::new();
    for round in 0..5 {
        // Fees for the next block to distribute.
        let k = &net.delegators[round % net.delegators.len()];
        let seq = net.sequences[round % net.delegators.len()];
        let tx = TxBuilder::new()
            .message(&cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend { from_address: k.address().to_bech32(), to_address: k.address().to_bech32(), amount: vec![coin(1)] })
            .fee("50000uagora".parse().unwrap_or_default())
            .gas_limit(200_000)
            .sign(k, CHAIN_ID, VALIDATORS as u64 + 1 + (round % net.delegators.len()) as u64, seq);
        net.sequences[round % net.delegators.len()] += 1;
        net.block(vec![tx])?;
        times.push(net.block(vec![])? * 1_000.0);
    }
    Ok(median(times))
}

fn main() -> Result<(), BoxError> {
    let large: usize = std::env::var("AGORA_BENCH_DELEGATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let mut small = net(1_000)?;
    let small_ms = endblock_ms(&mut small)?;
    println!("{}", serde_json::json!({"name": "endblock_ms_150_validators_1k_delegations", "value": (small_ms * 100.0).round() / 100.0, "unit": "ms", "validators": VALIDATORS, "delegations": 1_000}));
    drop(small);

    let start = Instant::now();
    let mut big = net(large)?;
    eprintln!("built {large} delegations in {:.0} s", start.elapsed().as_secs_f64());
    let big_ms = endblock_ms(&mut big)?;
    println!("{}", serde_json::json!({"name": "endblock_ms_150_validators_100k_delegations", "value": (big_ms * 100.0).round() / 100.0, "unit": "ms", "validators": VALIDATORS, "delegations": large}));

    // Blocks of 1,000 withdrawals, each by a different delegator from one of its validators.
    let mut rates = Vec::new();
    for round in 0..3usize {
        let count = big.delegators.len().min(1_000);
        let txs: Vec<Vec<u8>> = (0..count)
            .into_par_iter()
            .map(|d| {
                let k = &big.delegators[d];
                let v = &big.validators[(d + round) % VALIDATORS];
                TxBuilder::new()
                    .message(&dpb::MsgWithdrawDelegatorReward { delegator_address: k.address().to_bech32(), validator_address: v.address().to_bech32_with(VALOPER_PREFIX) })
                    .fee("2000uagora".parse().unwrap_or_default())
                    .gas_limit(300_000)
                    .sign(k, CHAIN_ID, VALIDATORS as u64 + 1 + d as u64, big.sequences[d])
            })
            .collect();
        for d in 0..count {
            big.sequences[d] += 1;
        }
        let elapsed = big.block(txs)?;
        rates.push(count as f64 / elapsed);
    }
    println!("{}", serde_json::json!({"name": "withdraw_rewards_tps_app", "value": median(rates).round(), "unit": "tx/s", "block_txs": big.delegators.len().min(1_000)}));
    Ok(())
}
