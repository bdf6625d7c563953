//! `commit_ms_10k_keys`: time to prepare and commit a block writing 10,000 keys into a state of
//! 1,000,000 keys (override with `AGORA_BENCH_STATE_KEYS`). Prints one JSON line on stdout;
//! progress goes to stderr.

use std::time::{Duration, Instant};

use agora_store::{Changes, Storage, StorageConfig};
use sha2::{Digest, Sha256};

const BLOCK_KEYS: u64 = 10_000;
const LOAD_CHUNK: u64 = 100_000;
const ROUNDS: u64 = 5;
/// Untimed blocks after the load, so the bulk load's flushes don't land in the timed rounds.
const WARMUP: u64 = 2;

/// A random-looking but deterministic key for counter `i`.
fn key(i: u64) -> Vec<u8> {
    let digest = Sha256::digest(i.to_be_bytes());
    let mut key = Vec::with_capacity(6 + 20);
    key.extend_from_slice(b"bench/");
    key.extend_from_slice(&digest[..20]);
    key
}

fn value(i: u64, round: u64) -> Vec<u8> {
    let mut v = Sha256::digest((i ^ (round << 48)).to_le_bytes()).to_vec();
    v.extend_from_slice(&Sha256::digest(v.as_slice()));
    v
}

fn commit(storage: &Storage, changes: Changes) -> Result<Duration, Box<dyn std::error::Error>> {
    let start = Instant::now();
    let prepared = storage.prepare_commit(changes)?;
    let prepared_at = start.elapsed();
    storage.commit(prepared)?;
    let took = start.elapsed();
    eprintln!("  prepare {} ms, commit {} ms", prepared_at.as_millis(), (took - prepared_at).as_millis());
    Ok(took)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let state_keys: u64 =
        std::env::var("AGORA_BENCH_STATE_KEYS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    let storage = Storage::open(dir.path(), StorageConfig::default())?;

    let load_start = Instant::now();
    let mut next = 0u64;
    while next < state_keys {
        let end = (next + LOAD_CHUNK).min(state_keys);
        let took = commit(&storage, (next..end).map(|i| (key(i), Some(value(i, 0)))).collect())?;
        next = end;
        eprintln!("loaded {next} keys (last chunk {} ms, total {} s)", took.as_millis(), load_start.elapsed().as_secs());
    }

    // The load's own flushes and compactions would otherwise share the CPU with the timed rounds.
    storage.flush_and_wait_for_compactions()?;
    let mut micros = Vec::new();
    for round in 1..=WARMUP + ROUNDS {
        // Half updates of existing keys spread over the state, half new keys.
        let changes: Changes = (0..BLOCK_KEYS)
            .map(|i| {
                let k = if i % 2 == 0 {
                    (i * 7919 + round * 104_729) % state_keys.max(1)
                } else {
                    state_keys + round * BLOCK_KEYS + i
                };
                (key(k), Some(value(k, round)))
            })
            .collect();
        let took = commit(&storage, changes)?;
        eprintln!("round {round}: {} ms{}", took.as_millis(), if round <= WARMUP { " (warm-up)" } else { "" });
        if round > WARMUP {
            micros.push(took.as_micros());
        }
    }
    micros.sort_unstable();
    let median = micros.get(micros.len() / 2).copied().unwrap_or(0);
    println!(
        "{{\"name\":\"commit_ms_10k_keys\",\"value\":{}.{:03},\"unit\":\"ms\",\"state_keys\":{}}}",
        median / 1000,
        median % 1000,
        state_keys
    );
    Ok(())
}
