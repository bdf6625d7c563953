//! Storage integration tests: commits, hashes, proofs, history, pruning, reopen, metadata.

use agora_store::{
    proof_spec, substore_of, Changes, PreparedCommit, Snapshot, StateDelta, StateRead, StateWrite, Storage,
    StorageConfig, StoreError, EMPTY_APP_HASH,
};
use ics23::commitment_proof::Proof;
use ics23::HostFunctionsManager as H;

fn open(dir: &std::path::Path, keep_recent: u64) -> Storage {
    Storage::open(dir, StorageConfig { substores: vec!["ibc".into()], keep_recent }).expect("open")
}

fn changes(writes: &[(&str, Option<&str>)]) -> Changes {
    writes.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.map(|v| v.as_bytes().to_vec()))).collect()
}

fn commit(storage: &Storage, writes: &[(&str, Option<&str>)]) -> [u8; 32] {
    let prepared = storage.prepare_commit(changes(writes)).expect("prepare");
    let hash = prepared.app_hash;
    assert_eq!(storage.commit(prepared).expect("commit"), hash);
    hash
}

/// Entries in every column that pruning shrinks.
fn prunable_sizes(s: &Storage) -> [u64; 5] {
    ["nodes", "values", "preimages", "undo", "stale"].map(|cf| s.count_entries(cf).expect("count"))
}

fn get(s: &impl StateRead, key: &str) -> Option<String> {
    s.get_raw(key.as_bytes()).expect("get").map(|v| String::from_utf8(v).expect("utf8"))
}

fn keys(s: &impl StateRead, prefix: &str, start: Option<&str>) -> Vec<String> {
    s.prefix_raw(prefix.as_bytes(), start.map(str::as_bytes))
        .map(|r| String::from_utf8(r.expect("item").0).expect("utf8"))
        .collect()
}

/// The value an existence proof commits to.
fn proven_value(proof: &ics23::CommitmentProof) -> Vec<u8> {
    match &proof.proof {
        Some(Proof::Exist(e)) => e.value.clone(),
        other => panic!("expected an existence proof, got {other:?}"),
    }
}

/// Verifies `key` (full key) at `snapshot` against `app_hash`, both levels; returns the value.
fn verify(snapshot: &Snapshot, key: &str, app_hash: &[u8; 32]) -> Option<Vec<u8>> {
    let spec = proof_spec();
    let (name, inner) = substore_of(key.as_bytes());
    let (value, proofs) = snapshot.get_with_proof(key.as_bytes()).expect("proof");
    assert_eq!(proofs.len(), 2);
    let substore_root = proven_value(&proofs[1]);
    assert_eq!(substore_root.len(), 32);
    assert!(ics23::verify_membership::<H>(&proofs[1], &spec, &app_hash.to_vec(), name.as_bytes(), &substore_root));
    match &value {
        Some(v) => {
            assert!(ics23::verify_membership::<H>(&proofs[0], &spec, &substore_root, inner, v));
            assert!(!ics23::verify_membership::<H>(&proofs[0], &spec, &substore_root, inner, b"tampered"));
            assert!(!ics23::verify_non_membership::<H>(&proofs[0], &spec, &substore_root, inner));
        }
        None => {
            assert!(ics23::verify_non_membership::<H>(&proofs[0], &spec, &substore_root, inner));
            assert!(!ics23::verify_membership::<H>(&proofs[0], &spec, &substore_root, inner, b"anything"));
        }
    }
    value
}

#[test]
fn storage_and_snapshots_are_shareable_across_threads() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<Storage>();
    assert_traits::<Snapshot>();
    fn assert_send<T: Send>() {}
    assert_send::<PreparedCommit>();
}

#[test]
fn an_empty_store_is_version_zero_with_the_empty_hash() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 100);
    assert_eq!(s.latest_version(), 0);
    assert_eq!(s.latest_app_hash(), EMPTY_APP_HASH);
    let snap = s.latest_snapshot();
    assert_eq!(snap.version(), 0);
    assert_eq!(snap.app_hash().expect("hash"), EMPTY_APP_HASH);
    assert_eq!(get(&snap, "a"), None);
    assert!(keys(&snap, "", None).is_empty());
    assert!(matches!(s.snapshot_at(0), Err(StoreError::VersionNotFound(0))));
    assert!(matches!(s.snapshot_at(1), Err(StoreError::VersionNotFound(1))));
    assert!(matches!(snap.get_with_proof(b"a"), Err(StoreError::VersionNotFound(0))));
}

#[test]
fn commits_are_readable_and_the_app_hash_follows_content() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 100);
    let h1 = commit(&s, &[("a", Some("1")), ("ibc/clients/x", Some("c"))]);
    assert_ne!(h1, EMPTY_APP_HASH);
    assert_eq!(s.latest_version(), 1);
    assert_eq!(s.latest_app_hash(), h1);
    assert_eq!(get(&s.latest_snapshot(), "a").as_deref(), Some("1"));
    assert_eq!(get(&s.latest_snapshot(), "ibc/clients/x").as_deref(), Some("c"));
    let h2 = commit(&s, &[]);
    assert_eq!(h1, h2, "an empty block leaves the app hash unchanged");
    let h3 = commit(&s, &[("a", Some("2"))]);
    assert_ne!(h2, h3);
    let h4 = commit(&s, &[("a", None)]);
    assert_eq!(get(&s.latest_snapshot(), "a"), None);
    assert_ne!(h3, h4);
    assert_eq!(s.latest_snapshot().app_hash().expect("hash"), h4);
    let h5 = commit(&s, &[("never-existed", None), ("ibc/clients/x", Some("c"))]);
    assert_eq!(h4, h5, "deleting an absent key or rewriting a value changes nothing");
    let h6 = commit(&s, &[("ibc/clients/x", Some("d"))]);
    assert_ne!(h5, h6, "a change in a substore changes the app hash");
}

#[test]
fn the_same_content_gives_the_same_hash_whatever_the_order_or_path() {
    let (d1, d2) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let (s1, s2) = (open(d1.path(), 100), open(d2.path(), 100));
    // Built through deltas in different orders.
    let mut b1 = StateDelta::new(s1.latest_snapshot());
    for (k, v) in [("x", "1"), ("y", "2"), ("ibc/z", "3")] {
        b1.put_raw(k.into(), v.into());
    }
    let mut b2 = StateDelta::new(s2.latest_snapshot());
    for (k, v) in [("ibc/z", "3"), ("y", "2"), ("x", "1")] {
        b2.put_raw(k.into(), v.into());
    }
    let a = s1.commit(s1.prepare_commit(b1.into_changes()).expect("prepare")).expect("commit");
    let b = s2.commit(s2.prepare_commit(b2.into_changes()).expect("prepare")).expect("commit");
    assert_eq!(a, b);
    // Different histories reaching the same content.
    let a = commit(&s1, &[("w", Some("9")), ("y", None), ("ibc/q", Some("1"))]);
    commit(&s1, &[("ibc/q", None)]);
    let a2 = commit(&s1, &[("w", None)]);
    commit(&s2, &[("y", None)]);
    let b2 = commit(&s2, &[]);
    assert_ne!(a, a2);
    assert_eq!(a2, b2);
}

#[test]
fn proofs_verify_against_the_app_hash() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 100);
    commit(&s, &[("k1", Some("v1")), ("k3", Some("v3"))]);
    let app_hash = commit(
        &s,
        &[("ibc/clients/07-tendermint-0/clientState", Some("state")), ("ibc/connections/c0", Some("conn")), ("k2", Some("v2"))],
    );
    let snap = s.latest_snapshot();
    assert_eq!(verify(&snap, "k1", &app_hash).as_deref(), Some(b"v1".as_slice()));
    assert_eq!(verify(&snap, "k2", &app_hash).as_deref(), Some(b"v2".as_slice()));
    assert_eq!(
        verify(&snap, "ibc/clients/07-tendermint-0/clientState", &app_hash).as_deref(),
        Some(b"state".as_slice())
    );
    assert_eq!(verify(&snap, "nope", &app_hash), None);
    assert_eq!(verify(&snap, "ibc/clients/absent", &app_hash), None);

    // The substore-level proof is under the inner key, not the full key.
    let (_, proofs) = snap.get_with_proof(b"ibc/connections/c0").expect("proof");
    let root = proven_value(&proofs[1]);
    assert_eq!(root, snap.substore_root("ibc").expect("root").to_vec());
    let spec = proof_spec();
    assert!(ics23::verify_membership::<H>(&proofs[0], &spec, &root, b"connections/c0", b"conn"));
    assert!(!ics23::verify_membership::<H>(&proofs[0], &spec, &root, b"ibc/connections/c0", b"conn"));
    // A substore root proven under the wrong name or against another hash fails.
    assert!(!ics23::verify_membership::<H>(&proofs[1], &spec, &app_hash.to_vec(), b"main", &root));
    let mut other = app_hash;
    other[0] ^= 1;
    assert!(!ics23::verify_membership::<H>(&proofs[1], &spec, &other.to_vec(), b"ibc", &root));
}

#[test]
fn older_versions_are_readable_and_provable_until_pruned() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 100);
    let mut hashes = vec![EMPTY_APP_HASH];
    hashes.push(commit(&s, &[("a", Some("1")), ("ibc/c", Some("x"))]));
    hashes.push(commit(&s, &[("a", Some("2"))])); // ibc unchanged at 2
    hashes.push(commit(&s, &[("a", None), ("b", Some("b3"))]));
    hashes.push(commit(&s, &[("ibc/c", Some("y")), ("a", Some("4"))]));
    for (version, a, b, c) in
        [(1, Some("1"), None, Some("x")), (2, Some("2"), None, Some("x")), (3, None, Some("b3"), Some("x")), (4, Some("4"), Some("b3"), Some("y"))]
    {
        let snap = s.snapshot_at(version).expect("snapshot");
        assert_eq!(snap.version(), version);
        assert_eq!(get(&snap, "a").as_deref(), a, "a at {version}");
        assert_eq!(get(&snap, "b").as_deref(), b, "b at {version}");
        assert_eq!(get(&snap, "ibc/c").as_deref(), c, "ibc/c at {version}");
        let hash = hashes[version as usize];
        assert_eq!(snap.app_hash().expect("hash"), hash);
        assert_eq!(verify(&snap, "a", &hash).as_deref(), a.map(str::as_bytes));
        assert_eq!(verify(&snap, "ibc/c", &hash).as_deref(), c.map(str::as_bytes));
    }
    // Range reads at every version see that version's keys, across substores.
    for (version, expected) in [(1, vec!["a", "ibc/c"]), (2, vec!["a", "ibc/c"]), (3, vec!["b", "ibc/c"]), (4, vec!["a", "b", "ibc/c"])] {
        assert_eq!(keys(&s.snapshot_at(version).expect("snapshot"), "", None), expected, "keys at {version}");
    }
    let values: Vec<(Vec<u8>, Vec<u8>)> =
        s.snapshot_at(2).expect("v2").prefix_raw(b"", None).collect::<Result<_, _>>().expect("range");
    assert_eq!(values, vec![(b"a".to_vec(), b"2".to_vec()), (b"ibc/c".to_vec(), b"x".to_vec())]);
    assert!(matches!(s.snapshot_at(5), Err(StoreError::VersionNotFound(5))));
}

/// A model of every version: the map of keys to values after each commit.
type Versions = Vec<std::collections::BTreeMap<Vec<u8>, Vec<u8>>>;

fn check_ranges(s: &Storage, model: &Versions, prefixes: &[&[u8]]) {
    for version in s.earliest_version()..=s.latest_version() {
        let snap = s.snapshot_at(version).expect("snapshot");
        let state = &model[version as usize];
        for prefix in prefixes {
            let expected: Vec<(Vec<u8>, Vec<u8>)> =
                state.iter().filter(|(k, _)| k.starts_with(prefix)).map(|(k, v)| (k.clone(), v.clone())).collect();
            let got: Vec<(Vec<u8>, Vec<u8>)> = snap.prefix_raw(prefix, None).collect::<Result<_, _>>().expect("range");
            assert_eq!(got, expected, "prefix {prefix:?} at version {version}");
            // Starting mid-range (as pagination does) gives the tail.
            if let Some((middle, _)) = expected.get(expected.len() / 2) {
                let tail: Vec<Vec<u8>> =
                    snap.prefix_raw(prefix, Some(middle)).map(|r| r.expect("item").0).collect();
                let want: Vec<Vec<u8>> = expected[expected.len() / 2..].iter().map(|(k, _)| k.clone()).collect();
                assert_eq!(tail, want, "prefix {prefix:?} from {middle:?} at version {version}");
            }
        }
    }
}

#[test]
fn range_reads_at_older_versions_match_what_was_committed_then() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 6);
    let mut model: Versions = vec![Default::default()];
    // Keys with 0x00 and 0xff bytes, keys that are prefixes of others, deletions and
    // re-creations, in both substores.
    let pool: Vec<Vec<u8>> = vec![
        b"a".to_vec(),
        vec![b'a', 0],
        vec![b'a', 0, 0],
        vec![b'a', 0, 0xff],
        vec![b'a', 1],
        b"ab".to_vec(),
        b"b".to_vec(),
        b"ibc/x".to_vec(),
        b"ibc/x/y".to_vec(),
        vec![0xff],
    ];
    let mut seed = 7u64;
    for block in 1..=20u64 {
        let mut state = model.last().cloned().unwrap_or_default();
        let mut writes = Changes::new();
        for key in &pool {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            match seed >> 61 {
                0 | 1 => {
                    let value = format!("{block}-{}", seed % 100).into_bytes();
                    state.insert(key.clone(), value.clone());
                    writes.insert(key.clone(), Some(value));
                }
                2 => {
                    state.remove(key);
                    writes.insert(key.clone(), None);
                }
                _ => {}
            }
        }
        let prepared = s.prepare_commit(writes).expect("prepare");
        s.commit(prepared).expect("commit");
        model.push(state);
        check_ranges(&s, &model, &[b"", b"a", &[b'a', 0], b"ab", b"ibc/", &[0xff]]);
    }
    assert_eq!(s.earliest_version(), 15, "older versions were pruned meanwhile");
}

#[test]
fn pruning_drops_old_versions_and_keeps_recent_ones() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 2);
    let mut hashes = vec![EMPTY_APP_HASH];
    for i in 1..=6 {
        hashes.push(commit(&s, &[("counter", Some(&i.to_string())), ("ibc/c", Some(&i.to_string()))]));
    }
    assert_eq!(s.earliest_version(), 5);
    for version in [5u64, 6] {
        let snap = s.snapshot_at(version).expect("kept");
        assert_eq!(get(&snap, "counter"), Some(version.to_string()));
        assert_eq!(get(&snap, "ibc/c"), Some(version.to_string()));
        assert_eq!(verify(&snap, "counter", &hashes[version as usize]), Some(version.to_string().into_bytes()));
    }
    for version in 1..=4 {
        assert!(matches!(
            s.snapshot_at(version),
            Err(StoreError::VersionPruned { requested, earliest: 5 }) if requested == version
        ));
    }
}

#[test]
fn a_snapshot_taken_before_pruning_still_reads_its_version() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 1);
    commit(&s, &[("k", Some("1"))]);
    let held = s.snapshot_at(1).expect("v1");
    for i in 2..=5 {
        commit(&s, &[("k", Some(&i.to_string()))]);
    }
    assert!(matches!(s.snapshot_at(1), Err(StoreError::VersionPruned { .. })));
    assert_eq!(get(&held, "k").as_deref(), Some("1"));
    assert!(held.get_with_proof(b"k").expect("proof").0.is_some());
    assert_eq!(keys(&held, "", None), vec!["k"]);
}

#[test]
fn pruning_keeps_storage_bounded_when_keys_are_rewritten() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 2);
    for i in 0..10 {
        commit(&s, &[("hot", Some(&i.to_string())), (&format!("cold{i}"), Some("x")), ("ibc/hot", Some(&i.to_string()))]);
    }
    let count = |cf: &str| s.count_entries(cf).expect("count");
    let (nodes, values, stale) = (count("nodes"), count("values"), count("stale"));
    for i in 10..80 {
        commit(&s, &[("hot", Some(&i.to_string())), ("ibc/hot", Some(&i.to_string()))]);
    }
    assert!(count("nodes") <= nodes + 4, "stale nodes must be deleted: {nodes} -> {}", count("nodes"));
    assert!(count("values") <= values, "stale values must be deleted: {values} -> {}", count("values"));
    assert!(count("stale") <= stale + 8, "the stale index must shrink: {stale} -> {}", count("stale"));
    // Deleted keys leave nothing behind once their deletion is older than every kept version.
    let preimages = count("preimages");
    commit(&s, &[("tmp", Some("1"))]);
    commit(&s, &[("tmp", None)]);
    for _ in 0..4 {
        commit(&s, &[]);
    }
    assert_eq!(count("preimages"), preimages);
    assert_eq!(count("state"), 12);
    // A key deleted and written again keeps its preimage (needed for its proofs).
    commit(&s, &[("again", Some("1"))]);
    commit(&s, &[("again", None)]);
    commit(&s, &[("again", Some("2"))]);
    for _ in 0..4 {
        commit(&s, &[]);
    }
    let snap = s.latest_snapshot();
    assert_eq!(verify(&snap, "again", &s.latest_app_hash()).as_deref(), Some(b"2".as_slice()));
    assert_eq!(verify(&snap, "absent", &s.latest_app_hash()), None);
}

#[test]
fn a_reopened_store_has_the_same_state_hash_proofs_and_metadata() {
    let dir = tempfile::tempdir().expect("dir");
    let (hash, proof) = {
        let s = open(dir.path(), 100);
        commit(&s, &[("a", Some("1")), ("ibc/x", Some("i"))]);
        let prepared = s.prepare_commit(changes(&[("b", Some("2"))])).expect("prepare").with_meta("results", "r2");
        let hash = s.commit(prepared).expect("commit");
        (hash, s.latest_snapshot().get_with_proof(b"ibc/x").expect("proof"))
    };
    let s = open(dir.path(), 100);
    assert_eq!(s.latest_version(), 2);
    assert_eq!(s.latest_app_hash(), hash);
    assert_eq!(s.get_meta(b"results").expect("meta").as_deref(), Some(b"r2".as_slice()));
    assert_eq!(get(&s.latest_snapshot(), "a").as_deref(), Some("1"));
    assert_eq!(get(&s.snapshot_at(1).expect("v1"), "b"), None);
    assert_eq!(s.latest_snapshot().get_with_proof(b"ibc/x").expect("proof"), proof);
    verify(&s.latest_snapshot(), "b", &hash);
    commit(&s, &[("c", Some("3"))]);
    assert_eq!(s.latest_version(), 3);
}

/// Blocks of every shape: empty, one substore only, both, deletions, rewrites of the same
/// value and deletions of absent keys (no-ops), a substore emptied again.
fn mixed_blocks() -> Vec<Vec<(String, Option<String>)>> {
    let w = |k: &str, v: Option<&str>| (k.to_string(), v.map(str::to_string));
    vec![
        vec![],
        vec![w("a", Some("1"))],
        vec![],
        vec![w("ibc/x", Some("i"))],
        vec![w("a", Some("1")), w("gone", None)],
        vec![w("a", Some("2")), w("ibc/x", Some("j")), w("b", Some("3"))],
        vec![],
        vec![w("ibc/x", None)],
        vec![w("a", None), w("b", None)],
        vec![],
        vec![w("ibc/y", Some("k"))],
    ]
}

#[test]
fn a_store_reopened_before_every_block_computes_the_same_hashes_and_proofs() {
    for keep in [1, 3] {
        reopened_before_every_block(keep);
    }
}

fn reopened_before_every_block(keep: u64) {
    let (steady_dir, reopened_dir) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let steady = open(steady_dir.path(), keep);
    for (i, block) in mixed_blocks().iter().enumerate() {
        let writes: Vec<(&str, Option<&str>)> = block.iter().map(|(k, v)| (k.as_str(), v.as_deref())).collect();
        let expected = commit(&steady, &writes);
        // Each reopen reads the trees' roots and the stale lists to prune back from disk
        // instead of keeping them in memory.
        let reopened = open(reopened_dir.path(), keep);
        assert_eq!(commit(&reopened, &writes), expected, "block {}", i + 1);
        assert_eq!(reopened.latest_snapshot().substore_root("ibc").expect("root"), steady.latest_snapshot().substore_root("ibc").expect("root"));
        for key in ["a", "b", "gone", "ibc/x", "ibc/y"] {
            // (An empty substore has no proofs: both stores must refuse alike.)
            let proof = |s: &Storage| s.latest_snapshot().get_with_proof(key.as_bytes()).map_err(|e| e.to_string());
            assert_eq!(proof(&reopened), proof(&steady), "{key} at block {}", i + 1);
            if proof(&steady).is_ok() {
                verify(&reopened.latest_snapshot(), key, &expected);
            }
        }
        assert_eq!(prunable_sizes(&reopened), prunable_sizes(&steady), "both pruned alike, block {}", i + 1);
        assert_eq!(reopened.earliest_version(), steady.earliest_version());
    }
}

#[test]
fn changing_keep_recent_between_restarts_leaves_no_stale_list_behind() {
    // Twice the mixed blocks; the changing store is reopened with another `keep_recent` every
    // few blocks (`keep_recent = 1` prunes a list one block late, so a raise must not skip it).
    let blocks: Vec<_> = mixed_blocks().into_iter().chain(mixed_blocks()).chain(std::iter::repeat_n(Vec::new(), 4)).collect();
    let (steady_dir, changing_dir) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let steady = open(steady_dir.path(), 3);
    let keeps = [1, 2, 1, 3, 1, 1, 3];
    let mut changing = open(changing_dir.path(), keeps[0]);
    for (i, block) in blocks.iter().enumerate() {
        if i % 4 == 0 {
            drop(changing);
            changing = open(changing_dir.path(), keeps[(i / 4) % keeps.len()]);
        }
        let writes: Vec<(&str, Option<&str>)> = block.iter().map(|(k, v)| (k.as_str(), v.as_deref())).collect();
        assert_eq!(commit(&changing, &writes), commit(&steady, &writes), "block {}", i + 1);
    }
    // Both end at keep_recent 3, with the same versions kept.
    assert_eq!(prunable_sizes(&changing), prunable_sizes(&steady), "nodes, values, preimages, undo and stale lists");
    assert_eq!(changing.earliest_version(), steady.earliest_version());
}

#[test]
fn empty_blocks_add_nothing_that_outlives_pruning() {
    for keep in [1, 2] {
        empty_blocks_leave_nothing(keep);
    }
}

fn empty_blocks_leave_nothing(keep: u64) {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), keep);
    commit(&s, &[("a", Some("1")), ("ibc/x", Some("i"))]);
    commit(&s, &[("b", Some("2"))]);
    for _ in 0..3 {
        commit(&s, &[]);
    }
    let before = prunable_sizes(&s);
    let hash = s.latest_app_hash();
    for _ in 0..50 {
        assert_eq!(commit(&s, &[]), hash, "an empty block keeps the app hash");
    }
    assert_eq!(prunable_sizes(&s), before, "nodes, values, preimages, undo and stale lists");
    let old = s.snapshot_at(s.latest_version() + 1 - keep).expect("kept");
    assert_eq!(verify(&old, "ibc/x", &hash).as_deref(), Some(b"i".as_slice()));
    assert_eq!(s.earliest_version(), s.latest_version() + 1 - keep);
}

#[test]
fn a_block_whose_stale_list_spans_many_chunks_is_pruned_entirely() {
    // With `keep_recent = 1` the list is pruned by the block after its own, the first one
    // that finds all its chunks on disk.
    for keep in [1, 2] {
        many_chunks_pruned(keep);
    }
}

fn many_chunks_pruned(keep: u64) {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), keep);
    let keys: Vec<String> = (0..3_000).map(|i| format!("key/{i:05}")).collect();
    let write_all = |value: &str| {
        let writes: Vec<(&str, Option<&str>)> = keys.iter().map(|k| (k.as_str(), Some(value))).collect();
        commit(&s, &writes);
    };
    write_all("first");
    for _ in 0..3 {
        commit(&s, &[]);
    }
    let count = |cf: &str| s.count_entries(cf).expect("count");
    let (nodes, values) = (count("nodes"), count("values"));
    // Rewriting every key makes a stale list of hundreds of kilobytes: many chunks.
    write_all("second");
    for _ in 0..3 {
        commit(&s, &[]);
    }
    assert_eq!(count("values"), values, "every superseded value is gone");
    assert!(count("nodes") <= nodes + 8, "superseded nodes are gone: {nodes} -> {}", count("nodes"));
    assert_eq!(count("undo"), 0, "undo entries older than every kept version are gone");
    assert!(count("stale") <= keep + 1, "only the kept versions' lists remain: {}", count("stale"));
    assert_eq!(get(&s.latest_snapshot(), "key/02999").as_deref(), Some("second"));
    assert_eq!(verify(&s.latest_snapshot(), "key/00000", &s.latest_app_hash()).as_deref(), Some(b"second".as_slice()));
}

#[test]
fn cached_reads_never_show_a_snapshot_a_value_from_another_version() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 10);
    commit(&s, &[("k", Some("1")), ("ibc/k", Some("i1"))]);
    let at1 = s.latest_snapshot();
    assert_eq!(get(&at1, "k").as_deref(), Some("1"), "read once: now cached");
    commit(&s, &[("k", Some("2"))]);
    assert_eq!(get(&at1, "k").as_deref(), Some("1"), "a snapshot taken before the commit");
    let at2 = s.latest_snapshot();
    assert_eq!(get(&at2, "k").as_deref(), Some("2"));
    assert_eq!(get(&at1, "k").as_deref(), Some("1"), "after the newer value was cached");
    assert_eq!(get(&s.snapshot_at(1).expect("v1"), "k").as_deref(), Some("1"));
    // An unchanged key read at the latest version serves older snapshots too, and is right.
    assert_eq!(get(&at2, "ibc/k").as_deref(), Some("i1"));
    assert_eq!(get(&at1, "ibc/k").as_deref(), Some("i1"));
    commit(&s, &[("k", None), ("ibc/k", Some("i3"))]);
    let at3 = s.latest_snapshot();
    assert_eq!((get(&at3, "k"), get(&at3, "ibc/k").as_deref()), (None, Some("i3")));
    assert_eq!((get(&at2, "k").as_deref(), get(&at2, "ibc/k").as_deref()), (Some("2"), Some("i1")));
    drop((s, at1, at2, at3));
    let reopened = open(dir.path(), 10);
    assert_eq!(get(&reopened.latest_snapshot(), "ibc/k").as_deref(), Some("i3"));
}

#[test]
fn reopening_with_other_substores_or_bad_names_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    drop(open(dir.path(), 100));
    let other = StorageConfig { substores: vec!["ibc".into(), "wasm".into()], keep_recent: 100 };
    assert!(matches!(Storage::open(dir.path(), other), Err(StoreError::InvalidConfig(_))));
    for bad in [vec!["".to_string()], vec!["a/b".into()], vec!["main".into()], vec!["x".into(), "x".into()]] {
        let dir = tempfile::tempdir().expect("dir");
        let config = StorageConfig { substores: bad, keep_recent: 1 };
        assert!(matches!(Storage::open(dir.path(), config), Err(StoreError::InvalidConfig(_))));
    }
}

#[test]
fn prepare_writes_nothing_and_out_of_order_commits_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 100);
    commit(&s, &[("base", Some("0"))]);
    let (hash, nodes) = (s.latest_app_hash(), s.node_count().expect("nodes"));
    let dropped = s.prepare_commit(changes(&[("a", Some("1")), ("ibc/b", Some("2"))])).expect("prepare");
    assert_eq!(dropped.version, 2);
    assert_ne!(dropped.app_hash, hash);
    drop(dropped);
    assert_eq!((s.latest_version(), s.latest_app_hash()), (1, hash));
    assert_eq!(s.node_count().expect("nodes"), nodes);
    assert_eq!(get(&s.latest_snapshot(), "a"), None);

    let first = s.prepare_commit(changes(&[("a", Some("1"))])).expect("prepare");
    let second = s.prepare_commit(changes(&[("a", Some("other"))])).expect("prepare");
    let expected_hash = first.app_hash;
    s.commit(first).expect("commit");
    assert!(matches!(s.commit(second), Err(StoreError::OutOfOrder { got: 2, expected: 3 })));
    assert_eq!(s.latest_app_hash(), expected_hash);
    assert_eq!(get(&s.latest_snapshot(), "a").as_deref(), Some("1"));
}

#[test]
fn metadata_is_written_with_the_block_only() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 100);
    let prepared = s.prepare_commit(Changes::new()).expect("prepare").with_meta("k", "v1");
    assert_eq!(s.get_meta(b"k").expect("meta"), None);
    s.commit(prepared).expect("commit");
    assert_eq!(s.get_meta(b"k").expect("meta").as_deref(), Some(b"v1".as_slice()));
    drop(s.prepare_commit(Changes::new()).expect("prepare").with_meta("k", "v2"));
    assert_eq!(s.get_meta(b"k").expect("meta").as_deref(), Some(b"v1".as_slice()));
    // App metadata cannot clobber the store's own bookkeeping.
    let mut prepared = s.prepare_commit(Changes::new()).expect("prepare");
    prepared.put_meta("latest_version", vec![0xff; 8]);
    s.commit(prepared).expect("commit");
    drop(s);
    assert_eq!(open(dir.path(), 100).latest_version(), 2);
}

#[test]
fn prefix_iteration_on_the_latest_state_spans_substores() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 100);
    commit(&s, &[("p/1", Some("a")), ("p/2", Some("b")), ("q/1", Some("c")), ("ibc/p", Some("d")), ("ibc/q", Some("e"))]);
    let snap = s.latest_snapshot();
    assert_eq!(keys(&snap, "p/", None), vec!["p/1", "p/2"]);
    assert_eq!(keys(&snap, "p/", Some("p/2")), vec!["p/2"]);
    assert_eq!(keys(&snap, "p/", Some("a")), vec!["p/1", "p/2"], "a start below the prefix is the prefix");
    assert!(keys(&snap, "p/", Some("p/3")).is_empty());
    assert_eq!(keys(&snap, "ibc/", None), vec!["ibc/p", "ibc/q"]);
    assert_eq!(keys(&snap, "", None), vec!["ibc/p", "ibc/q", "p/1", "p/2", "q/1"]);
    let values: Vec<Vec<u8>> = snap.prefix_raw(b"ibc/", None).map(|r| r.expect("item").1).collect();
    assert_eq!(values, vec![b"d".to_vec(), b"e".to_vec()]);
    // A block delta over the snapshot merges its writes into the scan.
    let mut block = StateDelta::new(snap.clone());
    block.put_raw(b"ibc/o".to_vec(), b"new".to_vec());
    block.delete(b"ibc/p".to_vec());
    assert_eq!(keys(&block, "ibc/", None), vec!["ibc/o", "ibc/q"]);
}

#[test]
fn a_snapshot_keeps_its_view_across_later_commits() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 100);
    commit(&s, &[("p/1", Some("a")), ("p/2", Some("b"))]);
    let snap = s.latest_snapshot();
    commit(&s, &[("p/1", Some("changed")), ("p/2", None), ("p/3", Some("c"))]);
    assert_eq!(snap.version(), 1);
    assert_eq!(get(&snap, "p/1").as_deref(), Some("a"));
    assert_eq!(keys(&snap, "p/", None), vec!["p/1", "p/2"]);
    assert_eq!(keys(&s.latest_snapshot(), "p/", None), vec!["p/1", "p/3"]);
}

#[test]
fn routing_strips_the_substore_prefix() {
    assert_eq!(substore_of(b"ibc/clients/07-tendermint-0/clientState"), ("ibc", &b"clients/07-tendermint-0/clientState"[..]));
    assert_eq!(substore_of(b"bank/balances"), ("main", &b"bank/balances"[..]));
    assert_eq!(substore_of(b"ibcx/a"), ("main", &b"ibcx/a"[..]));
    assert_eq!(substore_of(b"ibc/"), ("main", &b"ibc/"[..]));
    assert_eq!(substore_of(b"ibc"), ("main", &b"ibc"[..]));
    let dir = tempfile::tempdir().expect("dir");
    let config = StorageConfig { substores: vec!["ibc".into(), "wasm".into()], keep_recent: 5 };
    let s = Storage::open(dir.path(), config).expect("open");
    assert_eq!(s.substores(), vec!["main", "ibc", "wasm"]);
    assert_eq!(s.substore_of(b"wasm/code/1"), ("wasm", &b"code/1"[..]));
    let hash = commit(&s, &[("wasm/code/1", Some("c")), ("ibc/x", Some("i")), ("m", Some("m"))]);
    let (value, proofs) = s.latest_snapshot().get_with_proof(b"wasm/code/1").expect("proof");
    assert_eq!(value.as_deref(), Some(b"c".as_slice()));
    let root = proven_value(&proofs[1]);
    assert!(ics23::verify_membership::<H>(&proofs[0], &proof_spec(), &root, b"code/1", b"c"));
    assert!(ics23::verify_membership::<H>(&proofs[1], &proof_spec(), &hash.to_vec(), b"wasm", &root));
}

#[test]
fn proving_in_an_empty_substore_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 100);
    let hash = commit(&s, &[("a", Some("1"))]);
    // ICS-23 cannot express absence from an empty tree (no neighbours to show).
    assert!(s.latest_snapshot().get_with_proof(b"ibc/x").is_err());
    assert_eq!(verify(&s.latest_snapshot(), "a", &hash).as_deref(), Some(b"1".as_slice()));
}

mod model {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn key(i: u8) -> String {
        if i < 6 {
            format!("k{i}")
        } else {
            format!("ibc/k{i}")
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        /// Random histories: every kept version reads like the model, the latest scans like
        /// it, and the final hash equals that of a fresh store given the final content at once.
        #[test]
        fn random_histories_match_a_model(
            blocks in proptest::collection::vec(
                proptest::collection::vec((0u8..12, proptest::option::of(0u8..3)), 0..8), 1..7),
            keep in 1u64..4,
        ) {
            let dir = tempfile::tempdir().expect("dir");
            let s = open(dir.path(), keep);
            let mut models = vec![BTreeMap::new()];
            for block in &blocks {
                let mut model: BTreeMap<String, String> = models.last().cloned().unwrap_or_default();
                let mut writes = Changes::new();
                for (k, v) in block {
                    let v = v.map(|v| format!("v{v}"));
                    match &v {
                        Some(v) => model.insert(key(*k), v.clone()),
                        None => model.remove(&key(*k)),
                    };
                    writes.insert(key(*k).into_bytes(), v.map(String::into_bytes));
                }
                s.commit(s.prepare_commit(writes).expect("prepare")).expect("commit");
                models.push(model);
            }
            let latest = s.latest_version();
            for version in s.earliest_version()..=latest {
                let snap = s.snapshot_at(version).expect("kept");
                for i in 0..12 {
                    prop_assert_eq!(get(&snap, &key(i)), models[version as usize].get(&key(i)).cloned());
                }
            }
            let last = &models[latest as usize];
            let scanned: Vec<String> = keys(&s.latest_snapshot(), "", None);
            prop_assert_eq!(scanned, last.keys().cloned().collect::<Vec<_>>());

            let fresh_dir = tempfile::tempdir().expect("dir");
            let fresh = open(fresh_dir.path(), 3);
            let all = last.iter().map(|(k, v)| (k.clone().into_bytes(), Some(v.clone().into_bytes()))).collect();
            let fresh_hash = fresh.commit(fresh.prepare_commit(all).expect("prepare")).expect("commit");
            prop_assert_eq!(fresh_hash, s.latest_app_hash());
        }
    }
}

#[test]
fn batch_inserts_and_per_key_updates_build_the_same_tree() {
    // Insert-only blocks use jmt's batch path; blocks with deletions use per-key puts.
    let (d1, d2) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let (s1, s2) = (open(d1.path(), 100), open(d2.path(), 100));
    let many: Vec<(String, String)> = (0..300).map(|i| (format!("k{i}"), format!("v{i}"))).collect();
    let mut with_delete: Vec<(&str, Option<&str>)> = many.iter().map(|(k, v)| (k.as_str(), Some(v.as_str()))).collect();
    commit(&s1, &[("ibc/i", Some("1"))]);
    commit(&s2, &[("ibc/i", Some("1")), ("gone", Some("x"))]);
    let a = commit(&s1, &with_delete);
    with_delete.push(("gone", None));
    let b = commit(&s2, &with_delete);
    assert_eq!(a, b);
    for key in ["k0", "k150", "k299", "gone", "k300"] {
        assert_eq!(verify(&s1.latest_snapshot(), key, &a), verify(&s2.latest_snapshot(), key, &b));
    }
}
