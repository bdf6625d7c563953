//! End-to-end: `scripts/demo.sh` runs the whole market flow (provider, deployment, bid, lease,
//! withdrawal, close) on a real 4-validator localnet and checks its numbers add up; then
//! `scripts/penalties-demo.sh` runs provider penalties on it (a second provider that answers no
//! challenge is slashed and jailed, a tenant's dispute is upheld by a panel of auditors and
//! refunds the tenant, the provider whose watcher answers its challenges claims its incentive
//! rewards), every balance checked; afterwards every node agrees on the app hash.

use std::time::Duration;

use agora_e2e::{app_hash_after, height, wait_for, Localnet};
use serde_json::Value;

#[test]
#[ignore = "end-to-end: scripts/test.sh runs it (cargo test --workspace --test <name> -- --ignored)"]
fn the_market_demo_passes_on_a_four_validator_localnet_and_all_nodes_agree() {
    let net = Localnet::up(4, 21656).expect("localnet up");
    let rpc0 = net.nodes[0].rpc.clone();
    wait_for("height 2", Duration::from_secs(60), || Ok(height(&rpc0)? >= 2)).expect("blocks");

    let out = net.run_script("demo.sh", &[]).expect("demo.sh passes");
    assert!(!out.trim().is_empty(), "the demo prints its steps");
    let out = net.run_script("penalties-demo.sh", &[]).expect("penalties-demo.sh passes");
    assert!(out.contains("penalties demo passed") && out.contains("DISPUTE_STATUS_UPHELD"), "{out}");

    let h = height(&rpc0).expect("height");
    wait_for("every node past the demo's last height", Duration::from_secs(60), || {
        Ok(net.nodes.iter().all(|n| height(&n.rpc).map(|x| x > h).unwrap_or(false)))
    })
    .expect("sync");
    let hashes: Vec<String> = net.nodes.iter().map(|n| app_hash_after(&n.rpc, h).expect("hash")).collect();
    assert!(hashes.iter().all(|x| x == &hashes[0] && !x.is_empty()), "app hashes differ at height {h}: {hashes:?}");

    // An explorer finds the demo's lease creation by its event through the gRPC tx service.
    let bob = net.account("bob").expect("bob");
    let leases: cosmos_sdk_proto::cosmos::tx::v1beta1::GetTxsEventResponse = agora_e2e::grpc(
        &net.nodes[1].grpc,
        "/cosmos.tx.v1beta1.Service/GetTxsEvent",
        cosmos_sdk_proto::cosmos::tx::v1beta1::GetTxsEventRequest { query: format!("lease_created.provider='{bob}'"), ..Default::default() },
    )
    .expect("GetTxsEvent");
    assert!(leases.total >= 1, "{leases:?}");
    assert!(
        leases.tx_responses.iter().all(|r| r.code == 0 && r.events.iter().any(|e| e.r#type == "lease_created")),
        "{:?}",
        leases.tx_responses
    );

    // Incentives ran beside the market: the pool took its share of every provision, the epoch
    // is under way, and bob (the demo's provider) has a record the CLI can read.
    let pool = net.agorad_json(0, &["query", "incentive", "pool"]).expect("incentive pool");
    let funded = |list: &Value| list.as_array().is_some_and(|coins| coins.iter().any(|c| c["denom"] == "uagora"));
    assert!(funded(&pool["pool"]["unallocated"]) || funded(&pool["pool"]["owed"]), "{pool}");
    assert!(pool["epoch"]["end_height"].as_u64().unwrap_or(0) > 0, "{pool}");
    let rewards = net.agorad_json(0, &["query", "incentive", "rewards", &bob]).expect("bob's rewards");
    assert_eq!(rewards["rewards"]["provider"], bob.as_str(), "{rewards}");

    // The localnet's watcher answered bob's liveness challenges with his operator key.
    let liveness = net.agorad_json(0, &["query", "slashing", "provider-liveness", &bob]).expect("liveness");
    assert!(liveness["answered"].as_u64().unwrap_or(0) > 0 && liveness["missed"].as_u64() == Some(0), "{liveness}");

    // Provable fraud through the CLI: alice registers a provider, signs two different capacity
    // statements for one epoch, and bob reports them; alice is tombstoned, bob rewarded.
    let keys = net.keys_dir();
    let home = keys.to_str().unwrap_or_default();
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../localnet/examples");
    let provider_file = format!("{examples}/provider-a100.yaml");
    let created = net
        .agorad_json(0, &["tx", "provider", "create", &provider_file, "--from", "alice", "--fees", "5000uagora", "--gas", "auto", "--home", home, "-y"])
        .expect("alice registers");
    assert_eq!(created["code"], 0, "{created}");
    let dir = tempfile::tempdir().expect("tempdir");
    let smaller = dir.path().join("smaller.yaml");
    let text = std::fs::read_to_string(&provider_file).expect("provider file").replace("count: 8", "count: 4");
    std::fs::write(&smaller, text).expect("write");
    let smaller = smaller.to_str().unwrap_or_default();
    let refused = net.agorad_json(0, &["provider", "sign-capacity", "--from", "alice", "--epoch", "3", "--home", home]).and_then(|_| {
        net.agorad_json(0, &["provider", "sign-capacity", "--from", "alice", "--epoch", "3", "--file", smaller, "--home", home])
    });
    assert!(refused.is_err_and(|e| e.contains("signed a different capacity")), "the CLI keeps an honest provider from signing twice");
    let mut statements = Vec::new();
    for extra in [vec![], vec!["--file", smaller, "--allow-conflict"]] {
        let signed = net.agorad_json(0, &[&["provider", "sign-capacity", "--from", "alice", "--epoch", "3", "--home", home][..], &extra[..]].concat()).expect("sign");
        let path = dir.path().join(format!("statement-{}.json", statements.len()));
        std::fs::write(&path, signed.to_string()).expect("write");
        statements.push(path);
    }
    let (first, second) = (statements[0].to_str().unwrap_or_default(), statements[1].to_str().unwrap_or_default());
    let reported = net
        .agorad_json(0, &["tx", "slashing", "report-conflicting-statements", first, second, "--from", "bob", "--fees", "5000uagora", "--gas", "auto", "--home", home, "-y"])
        .expect("bob reports");
    assert_eq!(reported["code"], 0, "{reported}");
    let alice = net.account("alice").expect("alice");
    let fraud = net.agorad_json(0, &["query", "slashing", "provider-fraud", &alice]).expect("fraud record");
    assert_eq!(fraud["reporter"], bob.as_str(), "{fraud}");
    let alice_provider = net.agorad_json(0, &["query", "provider", "get", &alice]).expect("alice's provider");
    assert_eq!(alice_provider["tombstoned"], true, "{alice_provider}");

    // A device claimed by two providers, through the CLI: carol (the penalties demo's second
    // provider) registers a device that proved it is hers; the same device's claim, over the
    // nonce of carol's registration, that it is bob's, reported by alice, convicts carol.
    net.agorad_json(0, &["keys", "add", "device1", "--home", home]).expect("device key");
    let possession = |provider: &str, name: &str, extra: &[&str]| {
        let args = [&["provider", "sign-hardware", "--device", "device1", "--provider", provider, "--home", home][..], extra].concat();
        let signed = net.agorad_json(0, &args).expect("sign-hardware");
        let path = dir.path().join(name);
        std::fs::write(&path, signed.to_string()).expect("write");
        path
    };
    let carols = possession("carol", "carol-device.json", &[]);
    let registered = net
        .agorad_json(0, &["tx", "slashing", "register-hardware", carols.to_str().unwrap_or_default(), "--from", "carol", "--fees", "5000uagora", "--gas", "auto", "--home", home, "-y"])
        .expect("carol registers her device");
    assert_eq!(registered["code"], 0, "{registered}");
    let devices = net.agorad_json(0, &["query", "slashing", "provider-hardware", "carol", "--home", home]).expect("carol's devices");
    assert_eq!(devices["devices"].as_array().map(Vec::len), Some(1), "{devices}");
    let bobs = possession("bob", "bob-device.json", &["--registered-to", "carol"]);
    let reported = net
        .agorad_json(0, &["tx", "slashing", "report-duplicate-hardware", bobs.to_str().unwrap_or_default(), "--from", "alice", "--fees", "5000uagora", "--gas", "auto", "--home", home, "-y"])
        .expect("alice reports the duplicate");
    assert_eq!(reported["code"], 0, "{reported}");
    let fraud = net.agorad_json(0, &["query", "slashing", "provider-fraud", "carol", "--home", home]).expect("carol's fraud record");
    assert_eq!(fraud["reason"], "hardware claimed by another provider", "{fraud}");
}
