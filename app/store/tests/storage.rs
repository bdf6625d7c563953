use agora_store::{proof_spec, Changes, StateRead, Storage, StorageConfig, StoreError};
use ics23::HostFunctionsManager as H;

fn open(dir: &std::path::Path, keep_recent: u64) -> Storage {
    Storage::open(dir, StorageConfig { substores: vec!["ibc".into()], keep_recent }).expect("open")
}

fn commit(storage: &Storage, writes: &[(&str, Option<&str>)]) -> [u8; 32] {
    let changes: Changes =
        writes.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.map(|v| v.as_bytes().to_vec()))).collect();
    let prepared = storage.prepare_commit(changes).expect("prepare");
    storage.commit(prepared).expect("commit")
}

fn get(s: &impl StateRead, key: &str) -> Option<String> {
    s.get_raw(key.as_bytes()).expect("get").map(|v| String::from_utf8(v).expect("utf8"))
}

#[test]
fn commits_are_readable_and_the_app_hash_follows_content() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 100);
    let h1 = commit(&s, &[("a", Some("1")), ("ibc/clients/x", Some("c"))]);
    assert_eq!(s.latest_version(), 1);
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
}

#[test]
fn the_same_writes_give_the_same_hash_in_any_order() {
    let (d1, d2) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let (s1, s2) = (open(d1.path(), 100), open(d2.path(), 100));
    let a = commit(&s1, &[("x", Some("1")), ("y", Some("2")), ("ibc/z", Some("3"))]);
    let b = commit(&s2, &[("ibc/z", Some("3")), ("y", Some("2")), ("x", Some("1"))]);
    assert_eq!(a, b);
}

#[test]
fn proofs_verify_against_the_app_hash() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 100);
    commit(&s, &[("k1", Some("v1"))]);
    let app_hash = commit(&s, &[("ibc/clients/07-tendermint-0/clientState", Some("state")), ("k2", Some("v2"))]);
    let spec = proof_spec();
    for (key, inner_key, store, value) in [
        ("k1", "k1", "main", "v1"),
        ("ibc/clients/07-tendermint-0/clientState", "clients/07-tendermint-0/clientState", "ibc", "state"),
    ] {
        let (got, proofs) = s.latest_snapshot().get_with_proof(key.as_bytes()).expect("proof");
        assert_eq!(got.as_deref(), Some(value.as_bytes()));
        let root = match &proofs[0].proof {
            Some(ics23::commitment_proof::Proof::Exist(e)) => ics23::calculate_existence_root::<H>(e).expect("root"),
            other => panic!("expected existence proof, got {other:?}"),
        };
        assert!(ics23::verify_membership::<H>(&proofs[0], &spec, &root, inner_key.as_bytes(), value.as_bytes()));
        assert!(ics23::verify_membership::<H>(&proofs[1], &spec, &app_hash.to_vec(), store.as_bytes(), &root));
        assert!(!ics23::verify_membership::<H>(&proofs[0], &spec, &root, inner_key.as_bytes(), b"forged"));
    }
    let (absent, proofs) = s.latest_snapshot().get_with_proof(b"nope").expect("proof");
    assert!(absent.is_none());
    let (_, present) = s.latest_snapshot().get_with_proof(b"k1").expect("proof");
    let root = match &present[0].proof {
        Some(ics23::commitment_proof::Proof::Exist(e)) => ics23::calculate_existence_root::<H>(e).expect("root"),
        _ => panic!("existence"),
    };
    assert!(ics23::verify_non_membership::<H>(&proofs[0], &spec, &root, b"nope"));
}

#[test]
fn older_versions_are_readable_until_pruned() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 2);
    for i in 1..=6 {
        commit(&s, &[("counter", Some(&i.to_string())), ("ibc/c", Some(&i.to_string()))]);
    }
    assert_eq!(s.earliest_version(), 5);
    assert_eq!(get(&s.snapshot_at(5).expect("v5"), "counter").as_deref(), Some("5"));
    assert_eq!(get(&s.snapshot_at(5).expect("v5"), "ibc/c").as_deref(), Some("5"));
    assert!(matches!(s.snapshot_at(4), Err(StoreError::VersionPruned { requested: 4, earliest: 5 })));
    assert!(matches!(s.snapshot_at(7), Err(StoreError::VersionNotFound(7))));
    let (v, _) = s.snapshot_at(5).expect("v5").get_with_proof(b"counter").expect("old proof");
    assert_eq!(v.as_deref(), Some(b"5".as_slice()));
    // Historical snapshots refuse range queries instead of answering with newer data.
    assert!(s.snapshot_at(5).expect("v5").prefix_raw(b"c", None).next().expect("item").is_err());
}

#[test]
fn pruning_keeps_storage_bounded_when_one_key_is_rewritten() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 2);
    for i in 0..10 {
        commit(&s, &[("hot", Some(&i.to_string())), (&format!("cold{i}"), Some("x"))]);
    }
    let after_10 = s.node_count().expect("count");
    for i in 10..60 {
        commit(&s, &[("hot", Some(&i.to_string()))]);
    }
    assert!(s.node_count().expect("count") <= after_10 + 8, "stale nodes must be deleted");
}

#[test]
fn a_reopened_store_has_the_same_state_and_hash() {
    let dir = tempfile::tempdir().expect("dir");
    let hash = {
        let s = open(dir.path(), 100);
        commit(&s, &[("a", Some("1"))]);
        commit(&s, &[("b", Some("2"))])
    };
    let s = open(dir.path(), 100);
    assert_eq!(s.latest_version(), 2);
    assert_eq!(s.latest_app_hash(), hash);
    assert_eq!(get(&s.latest_snapshot(), "a").as_deref(), Some("1"));
    assert_eq!(get(&s.snapshot_at(1).expect("v1"), "b"), None);
    assert!(s.latest_snapshot().get_with_proof(b"b").expect("proof").0.is_some());
    commit(&s, &[("c", Some("3"))]);
    assert_eq!(s.latest_version(), 3);
}

#[test]
fn prepare_writes_nothing_and_out_of_order_commits_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 100);
    let first = s.prepare_commit([(b"a".to_vec(), Some(b"1".to_vec()))].into_iter().collect()).expect("prepare");
    assert_eq!(s.latest_version(), 0);
    assert_eq!(get(&s.latest_snapshot(), "a"), None);
    let second = s.prepare_commit(Changes::new()).expect("prepare");
    s.commit(second).expect("commit");
    assert!(matches!(s.commit(first), Err(StoreError::OutOfOrder { got: 1, expected: 2 })));
}

#[test]
fn prefix_iteration_on_the_latest_state_spans_substores() {
    let dir = tempfile::tempdir().expect("dir");
    let s = open(dir.path(), 100);
    commit(&s, &[("p/1", Some("a")), ("p/2", Some("b")), ("q/1", Some("c")), ("ibc/p", Some("d"))]);
    let snap = s.latest_snapshot();
    let keys: Vec<Vec<u8>> = snap.prefix_raw(b"p/", None).map(|r| r.expect("item").0).collect();
    assert_eq!(keys, vec![b"p/1".to_vec(), b"p/2".to_vec()]);
    let keys: Vec<Vec<u8>> = snap.prefix_raw(b"p/", Some(b"p/2")).map(|r| r.expect("item").0).collect();
    assert_eq!(keys, vec![b"p/2".to_vec()]);
    assert_eq!(snap.prefix_raw(b"ibc/", None).count(), 1);
}
