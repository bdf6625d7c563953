//! End-to-end: a real 4-validator CometBFT localnet of `agorad` nodes on 127.0.0.1.

use std::time::Duration;

use agora_e2e::{app_hash_after, height, wait_for, Localnet};

fn balance(net: &Localnet, node: usize, address: &str) -> u128 {
    let json = net.agorad_json(node, &["query", "bank", "balances", address]).expect("balances");
    json["balances"]
        .as_array()
        .and_then(|b| b.iter().find(|c| c["denom"] == "uagora"))
        .and_then(|c| c["amount"].as_str())
        .and_then(|a| a.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_four_validator_localnet_makes_blocks_sends_agrees_and_survives_a_crash() {
    let net = Localnet::up(4, 36656).expect("localnet up");
    assert_eq!(net.nodes.len(), 4);
    let rpc0 = net.nodes[0].rpc.clone();
    wait_for("height 3", Duration::from_secs(60), || Ok(height(&rpc0)? >= 3)).expect("blocks");

    // A send through the CLI lands, and every node's query shows it.
    let alice = net.account("alice").expect("alice");
    let bob = net.account("bob").expect("bob");
    let before = balance(&net, 1, &bob);
    let keys = net.keys_dir();
    let sent = net
        .agorad_json(
            0,
            &["tx", "bank", "send", "alice", &bob, "1234uagora", "--fees", "5000uagora", "--home", keys.to_str().unwrap_or_default(), "-y"],
        )
        .expect("send");
    assert_eq!(sent["code"], 0, "{sent}");
    assert!(!alice.is_empty());
    wait_for("bob's balance on every node", Duration::from_secs(30), || {
        Ok((0..4).all(|n| balance(&net, n, &bob) == before + 1234))
    })
    .expect("balance");

    // All four nodes report the same app hash at the same height.
    let h = height(&rpc0).expect("height") - 1;
    wait_for("every node past the common height", Duration::from_secs(30), || {
        Ok(net.nodes.iter().all(|n| height(&n.rpc).map(|x| x > h).unwrap_or(false)))
    })
    .expect("sync");
    let hashes: Vec<String> = net.nodes.iter().map(|n| app_hash_after(&n.rpc, h).expect("hash")).collect();
    assert!(hashes.iter().all(|x| x == &hashes[0] && !x.is_empty()), "app hashes differ at height {h}: {hashes:?}");

    // kill -9 one validator's agorad: the other three keep making blocks.
    let victim = 3;
    let pid = net.pid(victim).expect("pid");
    let status = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().expect("kill");
    assert!(status.success());
    let at_kill = height(&rpc0).expect("height");
    wait_for("three validators to make 3 more blocks", Duration::from_secs(60), || Ok(height(&rpc0)? >= at_kill + 3))
        .expect("liveness without one validator");

    // The killed node restarts, catches up and agrees on the app hash.
    net.restart_stopped().expect("restart");
    let victim_rpc = net.nodes[victim].rpc.clone();
    let target = height(&rpc0).expect("height");
    wait_for("the restarted node to catch up", Duration::from_secs(90), || Ok(height(&victim_rpc)? > target + 1))
        .expect("catch up");
    let common = target;
    assert_eq!(
        app_hash_after(&victim_rpc, common).expect("victim hash"),
        app_hash_after(&rpc0, common).expect("node0 hash"),
        "the restarted node must reach the same app hash"
    );
}
