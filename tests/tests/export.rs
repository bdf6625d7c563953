//! End-to-end: `agorad export` (the same as `agorad genesis export`) of a running marketplace, and a new chain started from
//! it. A 1-validator localnet gets a provider, a deployment and an active lease
//! (`scripts/demo.sh` up to the lease); its node is stopped, the state at a height H is
//! exported, and the node goes on. A second chain starts from the export with the same
//! validator key and nothing else. Block k of the new chain continues block H of the original,
//! so both, k blocks after H, answer the same balance, provider, lease and escrow queries
//! (heights aside: the export rebases them).

use std::time::Duration;

use agora_e2e::{agorad_bin, height, wait_for, Localnet};
use serde_json::Value;

/// `value` without the fields that hold heights, which the export rebases.
fn without_heights(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter().filter(|(key, _)| !key.contains("height") && key.as_str() != "dseq").map(|(k, v)| (k.clone(), without_heights(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_heights).collect()),
        other => other.clone(),
    }
}

#[test]
#[ignore = "end-to-end: scripts/test.sh runs it (cargo test --workspace --test <name> -- --ignored)"]
fn a_chain_started_from_an_export_answers_as_the_original_did() {
    let original = Localnet::up(1, 22656).expect("localnet up");
    let rpc = original.nodes[0].rpc.clone();
    wait_for("height 2", Duration::from_secs(60), || Ok(height(&rpc)? >= 2)).expect("blocks");
    let out = original.run_script_env(&agorad_bin(), "demo.sh", &[], &[("DEMO_UNTIL_LEASE", "1")]).expect("demo up to the lease");
    let dseq = out.rsplit("dseq ").next().map(|s| s.trim().to_string()).expect("dseq");
    let alice = original.account("alice").expect("alice");
    let bob = original.account("bob").expect("bob");

    // Export a committed height past the lease's block while the node is stopped (the latest
    // block may be the lease's own, not yet committed by the app); then it carries on.
    let lease_block = height(&rpc).expect("height");
    wait_for("two blocks past the lease", Duration::from_secs(30), || Ok(height(&rpc)? >= lease_block + 2)).expect("blocks");
    let exported = height(&rpc).expect("height") - 1;
    original.down().expect("down");
    let file = original.keys_dir().with_file_name("exported-genesis.json");
    let home = original.nodes[0].home.clone();
    let status = std::process::Command::new(agorad_bin())
        .args(["export", "--height", &exported.to_string(), "--output-document"])
        .arg(&file)
        .arg("--home")
        .arg(&home)
        .status()
        .expect("agorad export");
    assert!(status.success(), "export failed");
    let validated = std::process::Command::new(agorad_bin()).args(["genesis", "validate", "--home"]).arg(&home).status().expect("validate");
    assert!(validated.success(), "the original genesis still validates");
    original.restart_stopped().expect("the original carries on");

    // A new chain: its own localnet's node, with the export as genesis, the original's validator
    // key, and no data.
    let copy = Localnet::up(1, 23656).expect("second localnet");
    copy.down().expect("down");
    let copy_home = copy.nodes[0].home.clone();
    std::fs::copy(&file, copy_home.join("config").join("genesis.json")).expect("genesis");
    let key = "priv_validator_key.json";
    std::fs::copy(home.join("config").join(key), copy_home.join("config").join(key)).expect("validator key");
    std::fs::remove_dir_all(copy_home.join("data")).expect("wipe data");
    std::fs::create_dir_all(copy_home.join("data")).expect("data");
    std::fs::write(copy_home.join("data").join("priv_validator_state.json"), r#"{"height":"0","round":0,"step":0}"#).expect("state");
    let status = std::process::Command::new(agorad_bin()).args(["genesis", "validate", "--home"]).arg(&copy_home).status().expect("validate");
    assert!(status.success(), "genesis validate accepts the export");
    copy.restart_stopped().expect("the new chain starts");

    let k = 3;
    let copy_rpc = copy.nodes[0].rpc.clone();
    wait_for("both chains k blocks past the export", Duration::from_secs(60), || {
        Ok(height(&copy_rpc)? > k && height(&rpc)? > exported + k)
    })
    .expect("blocks");
    let ask = |net: &Localnet, at: u64, args: &[&str]| -> Value {
        let at = at.to_string();
        net.agorad_json(0, &[args, &["--height", &at]].concat()).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    };
    let lease = ["query", "market", "lease", "get", "--owner", &alice, "--provider", &bob, "--dseq", &dseq];
    let account = ["query", "escrow", "account", "--owner", &alice, "--dseq", &dseq];
    for query in [
        vec!["query", "bank", "balances", alice.as_str()],
        vec!["query", "bank", "balances", bob.as_str()],
        vec!["query", "provider", "get", bob.as_str()],
        lease.to_vec(),
        account.to_vec(),
    ] {
        let (before, after) = (ask(&original, exported + k, &query), ask(&copy, k, &query));
        assert_eq!(without_heights(&before), without_heights(&after), "{query:?}: original at {} vs the export's chain at {k}", exported + k);
    }
    let lease_now = ask(&copy, k, &lease);
    assert_eq!(lease_now["lease"]["state"], "active", "{lease_now}");
    assert_ne!(lease_now["escrow_payment"]["balance"]["amount"], "0", "the lease kept accruing on the new chain: {lease_now}");
}
