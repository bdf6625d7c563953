//! `agorad load`: a bank-send load generator for benchmarks.
//!
//! Signing is done before the clock starts, so the figure measures the chain (CheckTx,
//! consensus, execution, commit) rather than the client. Each sender's transactions go out
//! in sequence order from a single thread, because the mempool admits sequence n+1 only
//! after sequence n.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use agora_tx::{SigningKey, TxBuilder};
use agora_types::{Address, Coins};
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;

use crate::cmd::query::{query_account, signer_info};
use crate::cmd::resolve_address;
use crate::cmd::tx::DEFAULT_GAS;
use crate::keyring::Keyring;
use crate::rpc::{tx_hash, Rpc};
use crate::GlobalOpts;

/// Pause before retrying a broadcast the mempool refused for being full.
const FULL_MEMPOOL_BACKOFF: Duration = Duration::from_millis(50);
/// Give up retrying a full mempool after this long.
const FULL_MEMPOOL_PATIENCE: Duration = Duration::from_secs(60);
const COMMIT_POLL: Duration = Duration::from_millis(50);
/// Rejections printed in full on stderr; the rest are only counted.
const MAX_REPORTED_ERRORS: usize = 5;

#[derive(Args, Debug)]
pub struct LoadArgs {
    /// Sender key names, comma separated (their keys in --home's keyring)
    #[arg(long, value_delimiter = ',', required = true)]
    pub from: Vec<String>,
    /// Recipient address (agora1…) or key name
    #[arg(long)]
    pub to: String,
    /// Total number of transactions
    #[arg(long)]
    pub count: u64,
    /// Fee of each transaction
    #[arg(long, default_value = "2000uagora")]
    pub fees: String,
    /// Gas limit of each transaction
    #[arg(long, default_value_t = DEFAULT_GAS)]
    pub gas: u64,
    /// Broadcasting threads
    #[arg(long, default_value_t = 8)]
    pub threads: usize,
    /// Seconds to wait for the last transactions to be committed
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
}

/// One sender's pre-signed transactions.
struct Plan {
    name: String,
    address: Address,
    first_sequence: u64,
    txs: Vec<Vec<u8>>,
}

/// What broadcasting did for one sender.
#[derive(Default)]
struct Sent {
    /// Hash of the last transaction CheckTx accepted.
    last_accepted: Option<String>,
    accepted: u64,
    rejected: u64,
}

pub fn run(g: &GlobalOpts, args: LoadArgs) -> Result<()> {
    if args.count == 0 {
        bail!("--count must be at least 1");
    }
    let home = g.home()?;
    let rpc = g.rpc();
    let chain_id = match &g.chain_id {
        Some(id) => id.clone(),
        None => rpc.chain_id().context("cannot learn the chain id from the node; pass --chain-id")?,
    };
    let to = resolve_address(&home, &args.to)?;
    let fees: Coins = args.fees.parse().map_err(|e| anyhow!("invalid --fees {:?}: {e}", args.fees))?;
    let keyring = Keyring::open(&home);

    let mut senders = Vec::new();
    for name in &args.from {
        let key = keyring.signing_key(name)?;
        let (account_number, sequence) = signer_info(&rpc, &key.address())?;
        senders.push((name.clone(), key, account_number, sequence));
    }
    let n_senders = senders.len() as u64;
    let plans: Vec<Plan> = std::thread::scope(|s| {
        let handles: Vec<_> = senders
            .iter()
            .enumerate()
            .map(|(i, (name, key, account_number, sequence))| {
                let share = args.count / n_senders + u64::from((i as u64) < args.count % n_senders);
                let (fees, chain_id) = (&fees, &chain_id);
                let (gas, to) = (args.gas, &to);
                s.spawn(move || sign_share(name, key, *account_number, *sequence, share, to, fees, gas, chain_id))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| anyhow!("a signing thread panicked")))
            .collect::<Result<Vec<_>>>()
    })?;
    eprintln!("signed {} transactions for {} senders; broadcasting", args.count, plans.len());

    // Senders are dealt to threads round-robin; each thread interleaves its senders.
    let threads = args.threads.clamp(1, plans.len());
    let mut groups: Vec<Vec<&Plan>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, plan) in plans.iter().enumerate() {
        groups[i % threads].push(plan);
    }
    let start = Instant::now();
    let results: Vec<(String, Sent)> = std::thread::scope(|s| {
        let handles: Vec<_> = groups
            .iter()
            .map(|group| {
                let rpc = rpc.clone();
                s.spawn(move || broadcast_group(&rpc, group))
            })
            .collect();
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.join().map_err(|_| anyhow!("a broadcasting thread panicked"))?);
        }
        Ok::<_, anyhow::Error>(all)
    })?;
    let broadcast_secs = start.elapsed().as_secs_f64();
    let accepted: u64 = results.iter().map(|(_, s)| s.accepted).sum();
    let rejected: u64 = results.iter().map(|(_, s)| s.rejected).sum();
    eprintln!("broadcast done in {broadcast_secs:.2}s: {accepted} accepted, {rejected} rejected by CheckTx");

    // Wait for the last accepted tx of every sender.
    let mut pending: HashMap<String, String> = results
        .iter()
        .filter_map(|(name, s)| s.last_accepted.clone().map(|h| (name.clone(), h)))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    while !pending.is_empty() {
        let mut done = Vec::new();
        for (name, hash) in &pending {
            if rpc.tx(hash)?.is_some() {
                done.push(name.clone());
            }
        }
        for name in done {
            pending.remove(&name);
        }
        if pending.is_empty() {
            break;
        }
        if Instant::now() >= deadline {
            bail!(
                "{} senders' last transactions not committed within {}s (is tx indexing enabled?)",
                pending.len(),
                args.timeout
            );
        }
        std::thread::sleep(COMMIT_POLL);
    }
    let elapsed = start.elapsed().as_secs_f64();

    // Committed = how far each sender's on-chain sequence moved.
    let mut committed = 0u64;
    for plan in &plans {
        let seq = query_account(&rpc, &plan.address, None)?
            .map(|a| a.sequence)
            .unwrap_or(plan.first_sequence);
        committed += seq.saturating_sub(plan.first_sequence);
    }
    let tps = if elapsed > 0.0 { committed as f64 / elapsed } else { 0.0 };
    eprintln!("{committed} transactions committed in {elapsed:.2}s ({tps:.1} tx/s)");
    println!(
        "{}",
        serde_json::json!({
            "name": "bank_send_tps_localnet",
            "value": (tps * 100.0).round() / 100.0,
            "unit": "tx/s",
            "txs": args.count,
        })
    );
    if committed == 0 {
        bail!("no transaction was committed");
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn sign_share(
    name: &str,
    key: &SigningKey,
    account_number: u64,
    first_sequence: u64,
    share: u64,
    to: &Address,
    fees: &Coins,
    gas: u64,
    chain_id: &str,
) -> Plan {
    let msg = MsgSend {
        from_address: key.address().to_bech32(),
        to_address: to.to_bech32(),
        amount: vec![ProtoCoin { denom: agora_genesis::NATIVE_DENOM.into(), amount: "1".into() }],
    };
    let builder = TxBuilder::new().message(&msg).fee(fees.clone()).gas_limit(gas);
    let txs = (0..share)
        .map(|k| builder.sign(key, chain_id, account_number, first_sequence + k))
        .collect();
    Plan { name: name.to_string(), address: key.address(), first_sequence, txs }
}

/// Broadcasts the txs of a group of senders, interleaved, each sender in sequence order.
/// A sender whose tx is rejected stops: its later sequences could not be admitted anyway.
fn broadcast_group(rpc: &Rpc, group: &[&Plan]) -> Vec<(String, Sent)> {
    let mut sent: Vec<Sent> = group.iter().map(|_| Sent::default()).collect();
    let mut stopped = vec![false; group.len()];
    let longest = group.iter().map(|p| p.txs.len()).max().unwrap_or(0);
    let mut reported = 0usize;
    for k in 0..longest {
        for (i, plan) in group.iter().enumerate() {
            let Some(tx) = plan.txs.get(k) else { continue };
            if stopped[i] {
                sent[i].rejected += 1;
                continue;
            }
            match broadcast_with_retry(rpc, tx) {
                Ok(()) => {
                    sent[i].accepted += 1;
                    sent[i].last_accepted = Some(tx_hash(tx));
                }
                Err(e) => {
                    sent[i].rejected += 1;
                    stopped[i] = true;
                    if reported < MAX_REPORTED_ERRORS {
                        eprintln!("{}: tx at sequence {} rejected: {e:#}", plan.name, plan.first_sequence + k as u64);
                        reported += 1;
                    }
                }
            }
        }
    }
    group.iter().map(|p| p.name.clone()).zip(sent).collect()
}

fn broadcast_with_retry(rpc: &Rpc, tx: &[u8]) -> Result<()> {
    let start = Instant::now();
    loop {
        match rpc.broadcast_tx_sync(tx) {
            Ok(r) if r.code == 0 => return Ok(()),
            Ok(r) => bail!("codespace={} code={} log={}", r.codespace, r.code, r.log),
            Err(e) if e.to_string().contains("mempool is full") && start.elapsed() < FULL_MEMPOOL_PATIENCE => {
                std::thread::sleep(FULL_MEMPOOL_BACKOFF);
            }
            Err(e) => return Err(e),
        }
    }
}
