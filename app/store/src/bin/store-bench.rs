//! `commit_ms_10k_keys`: time to prepare and commit a block that writes 10,000 keys into a
//! state of 1,000,000 keys (override with `AGORA_BENCH_STATE_KEYS`). Prints one JSON line.

use std::time::Instant;

use agora_store::{Changes, Storage, StorageConfig};
use sha2::{Digest, Sha256};

fn key(i: u64) -> Vec<u8> {
    let digest = Sha256::digest(i.to_be_bytes());
    [b"bench/".as_slice(), &digest[..16]].concat()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let state_keys: u64 = std::env::var("AGORA_BENCH_STATE_KEYS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    let storage = Storage::open(dir.path(), StorageConfig { substores: vec!["ibc".into()], keep_recent: 100 })?;
    let value = vec![0xabu8; 64];

    let load_start = Instant::now();
    let chunk = 100_000u64;
    let mut next = 0u64;
    while next < state_keys {
        let end = (next + chunk).min(state_keys);
        let changes: Changes = (next..end).map(|i| (key(i), Some(value.clone()))).collect();
        let prepared = storage.prepare_commit(changes)?;
        storage.commit(prepared)?;
        next = end;
        eprintln!("loaded {next} keys in {:.1}s", load_start.elapsed().as_secs_f64());
    }

    let mut times = Vec::new();
    for round in 0..5u64 {
        // Half updates of existing keys, half new keys.
        let changes: Changes = (0..10_000u64)
            .map(|i| {
                let k = if i % 2 == 0 { key((i * 97 + round * 10_000) % state_keys) } else { key(state_keys + round * 10_000 + i) };
                let mut v = value.clone();
                v[0] = round as u8;
                (k, Some(v))
            })
            .collect();
        let start = Instant::now();
        let prepared = storage.prepare_commit(changes)?;
        storage.commit(prepared)?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let median = times[times.len() / 2];
    println!(
        "{}",
        serde_json::json!({"name": "commit_ms_10k_keys", "value": (median * 10.0).round() / 10.0, "unit": "ms", "state_keys": state_keys})
    );
    Ok(())
}
