//! End-to-end IBC with a relayer nobody on the project wrote: `scripts/ibc-localnet.sh` starts
//! an Agora chain (agora-alpha-1) and a counterparty, installs stock Hermes from crates.io, lets
//! it create the clients, the connection and a transfer channel, and starts it.
//! - Agora ↔ Agora (agora-beta-1): alice sends uagora from alpha to beta and the voucher back;
//!   balances come out exact on both sides and beta's `DenomTrace` names the voucher.
//! - Agora ↔ ibc-go (`simd` of ibc-go v8.8.0, the Cosmos SDK v0.50): a transfer each way, and a
//!   transfer that times out while the relayer is stopped, refunded once Hermes proves it.
//!
//! In both, the chains keep making blocks and Hermes leaves no packet uncleared.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use agora_e2e::{agorad_bin, height, repo_root, wait_for};
use serde_json::Value;

struct IbcLocalnet {
    dir: tempfile::TempDir,
    ports: (u16, u16),
    status: Value,
}

impl IbcLocalnet {
    fn script(dir: &std::path::Path, (base_port, grpc_port): (u16, u16), args: &[&str]) -> Result<String, String> {
        let out = Command::new(repo_root().join("scripts/ibc-localnet.sh"))
            .args(args)
            .env("IBC_LOCALNET_DIR", dir)
            .env("IBC_LOCALNET_BASE_PORT", base_port.to_string())
            .env("IBC_LOCALNET_GRPC_PORT", grpc_port.to_string())
            .env("AGORAD", agorad_bin())
            .env("AGORAD_SKIP_BUILD", "1")
            .output()
            .map_err(|e| format!("cannot run ibc-localnet.sh: {e}"))?;
        if !out.status.success() {
            let log = std::fs::read_to_string(dir.join("hermes/create-channel.log")).unwrap_or_default();
            return Err(format!(
                "ibc-localnet.sh {args:?} failed:\n{}\n{}\n{log}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Agora's alpha chain and `counterparty` (`agora` or `simd`), on their own ports.
    fn up(counterparty: &str, ports: (u16, u16)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        if let Err(e) = Self::script(dir.path(), ports, &["up", "--counterparty", counterparty]) {
            // Nothing owns the chains yet: stop them before failing, so they free the ports.
            let _ = Self::script(dir.path(), ports, &["down"]);
            panic!("ibc-localnet up: {e}");
        }
        let status = serde_json::from_str(&Self::script(dir.path(), ports, &["status", "--json"]).expect("status")).expect("status JSON");
        Self { dir, ports, status }
    }

    fn relayer(&self, action: &str) {
        Self::script(self.dir.path(), self.ports, &["relayer", action]).expect("relayer");
    }

    fn address(&self, i: usize, name: &str) -> String {
        self.chain(i)["accounts"]
            .as_array()
            .expect("accounts")
            .iter()
            .find(|a| a["name"] == name)
            .and_then(|a| a["address"].as_str())
            .unwrap_or_else(|| panic!("no {name} on chain {i}"))
            .to_string()
    }

    /// Both chains go on making blocks, and Hermes has acknowledged (or timed out) every packet
    /// Agora sent.
    fn assert_healthy_and_cleared(&self) {
        wait_for("Hermes to clear every packet Agora sent", Duration::from_secs(60), || Ok(self.unacknowledged(0).is_empty()))
            .expect("no packet left");
        for i in 0..2 {
            let rpc = self.rpc(i);
            let h = height(&rpc).expect("height");
            wait_for("blocks", Duration::from_secs(30), || Ok(height(&rpc)? > h + 2)).expect("still making blocks");
        }
    }

    fn chain(&self, i: usize) -> &Value {
        &self.status["chains"][i]
    }

    fn rpc(&self, i: usize) -> String {
        self.chain(i)["nodes"][0]["rpc"].as_str().expect("rpc").to_string()
    }

    fn channel(&self, i: usize) -> String {
        self.chain(i)["ibc"]["channel_id"].as_str().expect("channel").to_string()
    }

    fn keys(&self, i: usize) -> PathBuf {
        let chain = self.chain(i)["chain_id"].as_str().expect("chain id");
        self.dir.path().join(chain).join("keys")
    }

    fn agorad(&self, i: usize, args: &[&str]) -> Value {
        let out = Command::new(agorad_bin()).args(args).args(["--node", &self.rpc(i), "-o", "json"]).output().expect("agorad");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "agorad {args:?}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("agorad {args:?} printed {stdout:?}: {e}"))
    }

    fn balance(&self, i: usize, address: &str, denom: &str) -> u128 {
        let res = self.agorad(i, &["query", "bank", "balances", address]);
        res["balances"]
            .as_array()
            .and_then(|b| b.iter().find(|c| c["denom"] == denom))
            .and_then(|c| c["amount"].as_str())
            .map_or(0, |a| a.parse().expect("amount"))
    }

    fn transfer(&self, i: usize, receiver: &str, amount: &str) {
        self.transfer_with(i, receiver, amount, &[]);
    }

    fn transfer_with(&self, i: usize, receiver: &str, amount: &str, extra: &[&str]) {
        let keys = self.keys(i);
        let channel = self.channel(i);
        let out = Command::new(agorad_bin())
            .args(["tx", "ibc-transfer", "transfer", "transfer", &channel, receiver, amount, "--from", "alice"])
            .args(extra)
            .args(["--fees", "5000uagora", "--gas", "400000", "-y", "-o", "json", "--node", &self.rpc(i), "--broadcast-mode", "commit"])
            .arg("--home")
            .arg(&keys)
            .output()
            .expect("agorad");
        assert!(out.status.success(), "transfer: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }

    /// Sequences of packets chain `i` sent that are not yet acknowledged or timed out.
    fn unacknowledged(&self, i: usize) -> Vec<Value> {
        let res = self.agorad(i, &["query", "ibc", "packet-commitments", "transfer", &self.channel(i)]);
        res["sequences"].as_array().cloned().unwrap_or_default()
    }
}

impl Drop for IbcLocalnet {
    fn drop(&mut self) {
        let _ = Self::script(self.dir.path(), self.ports, &["down"]);
    }
}

/// ibc-go's `simd`, as its own CLI drives it.
struct Simd<'a> {
    net: &'a IbcLocalnet,
}

impl Simd<'_> {
    fn run(&self, args: &[&str]) -> Value {
        let chain = self.net.chain(1);
        let binary = chain["binary"].as_str().expect("simd binary");
        let rpc = self.net.rpc(1).replace("http://", "tcp://");
        let out = Command::new(binary).args(args).args(["--node", &rpc, "-o", "json"]).output().expect("simd");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "simd {args:?}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("simd {args:?} printed {stdout:?}: {e}"))
    }

    fn balance(&self, address: &str, denom: &str) -> u128 {
        let res = self.run(&["query", "bank", "balance", address, denom]);
        res["balance"]["amount"].as_str().map_or(0, |a| a.parse().expect("amount"))
    }

    /// alice sends `amount` over the transfer channel; the transaction is in a block on return.
    fn transfer(&self, receiver: &str, amount: &str) {
        let home = self.net.chain(1)["nodes"][0]["home"].as_str().expect("home").to_string();
        let channel = self.net.channel(1);
        let res = self.run(&[
            "tx", "ibc-transfer", "transfer", "transfer", &channel, receiver, amount, "--from", "alice", "--keyring-backend", "test",
            "--home", &home, "--chain-id", "simd-1", "--fees", "1000stake", "--gas", "300000", "-y",
        ]);
        assert_eq!(res["code"], 0, "simd transfer refused: {res}");
        let hash = res["txhash"].as_str().expect("txhash").to_string();
        wait_for("simd to commit the transfer", Duration::from_secs(30), || {
            let out = Command::new(self.net.chain(1)["binary"].as_str().expect("binary"))
                .args(["query", "tx", &hash, "--node", &self.net.rpc(1).replace("http://", "tcp://"), "-o", "json"])
                .output()
                .map_err(|e| e.to_string())?;
            Ok(out.status.success())
        })
        .expect("committed");
    }
}

#[test]
#[ignore = "end-to-end: scripts/test.sh runs it (cargo test --workspace --test <name> -- --ignored)"]
fn hermes_relays_a_transfer_there_and_back_between_two_agora_chains() {
    let net = IbcLocalnet::up("agora", (24656, 24500));
    let alice = net.address(0, "alice");
    let (chan_alpha, chan_beta) = (net.channel(0), net.channel(1));
    let voucher = format!("ibc/{}", hex_sha256(&format!("transfer/{chan_beta}/uagora")));
    let escrow = net.agorad(0, &["query", "ibc-transfer", "escrow-address", "transfer", &chan_alpha])["escrow_address"].as_str().expect("escrow").to_string();

    // alpha → beta: 1,000 uagora escrowed on alpha, 1,000 of the voucher on beta.
    let alpha_before = net.balance(0, &alice, "uagora");
    net.transfer(0, &alice, "1000uagora");
    assert_eq!(net.balance(0, &escrow, "uagora"), 1000);
    wait_for("the voucher on beta", Duration::from_secs(90), || Ok(net.balance(1, &alice, &voucher) == 1000)).expect("relayed");
    let trace = net.agorad(1, &["query", "ibc-transfer", "denom-trace", &voucher]);
    assert_eq!(trace["denom_trace"]["path"], format!("transfer/{chan_beta}"), "{trace}");
    assert_eq!(trace["denom_trace"]["base_denom"], "uagora", "{trace}");
    // DenomHash answers for the trace beta has now seen (as ibc-go, only then).
    let hash = net.agorad(1, &["query", "ibc-transfer", "denom-hash", &format!("transfer/{chan_beta}/uagora")]);
    assert_eq!(format!("ibc/{}", hash["hash"].as_str().expect("hash")), voucher);

    // beta → alpha: the voucher burned on beta, the uagora unescrowed on alpha.
    net.transfer(1, &alice, &format!("1000{voucher}"));
    assert_eq!(net.balance(1, &alice, &voucher), 0);
    wait_for("the uagora back on alpha", Duration::from_secs(90), || Ok(net.balance(0, &escrow, "uagora") == 0)).expect("relayed back");
    // alice paid the fee of one transfer on alpha and got everything else back.
    assert_eq!(net.balance(0, &alice, "uagora"), alpha_before - 5000);
    let total = net.agorad(0, &["query", "ibc-transfer", "total-escrow", "uagora"]);
    assert_eq!(total["amount"]["amount"], "0", "{total}");

    // Hermes acknowledged everything: no commitment is left on either side, and both chains go on.
    net.assert_healthy_and_cleared();
    assert!(net.unacknowledged(1).is_empty());
    let clients = net.agorad(0, &["query", "ibc", "clients"]);
    assert_eq!(clients["clients"][0]["status"], "Active", "{clients}");
    assert_eq!(clients["clients"][0]["chain_id"], "agora-beta-1", "{clients}");
}

#[test]
#[ignore = "end-to-end: scripts/test.sh runs it (cargo test --workspace --test <name> -- --ignored)"]
fn hermes_relays_between_agora_and_ibc_go_simd_and_times_out_a_late_packet() {
    let net = IbcLocalnet::up("simd", (29656, 29500));
    let simd = Simd { net: &net };
    let (alice, alice_on_simd) = (net.address(0, "alice"), net.address(1, "alice"));
    let (chan_agora, chan_simd) = (net.channel(0), net.channel(1));
    let escrow = net.agorad(0, &["query", "ibc-transfer", "escrow-address", "transfer", &chan_agora])["escrow_address"]
        .as_str()
        .expect("escrow")
        .to_string();
    // Each chain names the other's token by the same rule: ibc/SHA256(port/channel/base).
    let uagora_on_simd = format!("ibc/{}", hex_sha256(&format!("transfer/{chan_simd}/uagora")));
    let stake_on_agora = format!("ibc/{}", hex_sha256(&format!("transfer/{chan_agora}/stake")));

    // Agora → simd: escrowed on Agora, minted by ibc-go's transfer module.
    let agora_before = net.balance(0, &alice, "uagora");
    net.transfer(0, &alice_on_simd, "1000uagora");
    wait_for("the voucher on simd", Duration::from_secs(90), || Ok(simd.balance(&alice_on_simd, &uagora_on_simd) == 1000)).expect("relayed");
    assert_eq!(net.balance(0, &escrow, "uagora"), 1000);

    // simd → Agora: stake escrowed by ibc-go, its voucher minted on Agora with its trace.
    let stake_before = simd.balance(&alice_on_simd, "stake");
    simd.transfer(&alice, "2000000stake");
    wait_for("the stake voucher on Agora", Duration::from_secs(90), || Ok(net.balance(0, &alice, &stake_on_agora) == 2_000_000)).expect("relayed");
    assert_eq!(simd.balance(&alice_on_simd, "stake"), stake_before - 2_000_000 - 1000, "the amount and simd's fee");
    let hash = net.agorad(0, &["query", "ibc-transfer", "denom-hash", &format!("transfer/{chan_agora}/stake")]);
    assert_eq!(format!("ibc/{}", hash["hash"].as_str().expect("hash")), stake_on_agora, "DenomHash of a trace Agora has seen");
    let trace = net.agorad(0, &["query", "ibc-transfer", "denom-trace", &stake_on_agora]);
    assert_eq!(trace["denom_trace"]["path"], format!("transfer/{chan_agora}"), "{trace}");
    assert_eq!(trace["denom_trace"]["base_denom"], "stake", "{trace}");

    lease_paid_in(&net, &stake_on_agora);

    // A packet that times out: sent with a 3 s timeout while the relayer is stopped, it cannot
    // be received once simd's clock has passed it; Hermes, started again, proves the timeout on
    // Agora, which refunds alice and releases the escrow.
    net.relayer("stop");
    let simd_height = height(&net.rpc(1)).expect("simd height");
    net.transfer_with(0, &alice_on_simd, "777uagora", &["--packet-timeout-timestamp", "3000000000"]);
    assert_eq!(net.balance(0, &escrow, "uagora"), 1777);
    assert_eq!(net.unacknowledged(0).len(), 1);
    // Past the timeout on simd's clock: a few of its 1 s blocks.
    wait_for("simd's clock past the timeout", Duration::from_secs(30), || Ok(height(&net.rpc(1))? > simd_height + 6)).expect("simd blocks");
    net.relayer("start");
    wait_for("the timeout refunded on Agora", Duration::from_secs(90), || Ok(net.balance(0, &escrow, "uagora") == 1000)).expect("refunded");
    assert_eq!(simd.balance(&alice_on_simd, &uagora_on_simd), 1000, "the late packet never arrived");
    // alice paid four fees on Agora (two transfers, the deployment, the lease), and only the
    // first transfer is still away.
    assert_eq!(net.balance(0, &alice, "uagora"), agora_before - 4 * 5000 - 1000);
    let total = net.agorad(0, &["query", "ibc-transfer", "total-escrow", "uagora"]);
    assert_eq!(total["amount"]["amount"], "1000", "{total}");

    net.assert_healthy_and_cleared();
    let clients = net.agorad(0, &["query", "ibc", "clients"]);
    assert_eq!(clients["clients"][0]["chain_id"], "simd-1", "{clients}");
    assert_eq!(clients["clients"][0]["status"], "Active", "{clients}");
}

/// A lease on Agora paid in `voucher` (listed as a payment denom at the localnet's genesis):
/// bob registers an 8×A100 provider, alice deploys with a deposit in the voucher, bob bids in
/// it, alice accepts; after some blocks bob withdraws and holds the voucher, less the take.
fn lease_paid_in(net: &IbcLocalnet, voucher: &str) {
    let (alice, bob) = (net.address(0, "alice"), net.address(0, "bob"));
    let tx = |who: &str, args: &[&str]| {
        let keys = net.keys(0);
        let out = Command::new(agorad_bin())
            .arg("tx")
            .args(args)
            .args(["--from", who, "--fees", "5000uagora", "--gas", "auto", "-y", "-o", "json", "--broadcast-mode", "commit"])
            .args(["--node", &net.rpc(0), "--home"])
            .arg(&keys)
            .output()
            .expect("agorad");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "agorad tx {args:?}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        let res: Value = serde_json::from_str(stdout.trim()).expect("tx JSON");
        assert_eq!(res["code"], 0, "agorad tx {args:?}: {res}");
        res["height"].as_str().and_then(|h| h.parse::<u128>().ok()).expect("height")
    };
    let examples = repo_root().join("localnet/examples");
    tx("bob", &["provider", "create", examples.join("provider-a100.yaml").to_str().expect("path")]);
    let deployment = std::fs::read_to_string(examples.join("deployment-gpu.yaml")).expect("deployment example");
    assert_eq!(deployment.matches("price: 10uagora").count(), 1);
    let file = net.dir.path().join("deployment-voucher.yaml");
    std::fs::write(&file, deployment.replace("price: 10uagora", &format!("price: 10{voucher}"))).expect("write deployment");
    let dseq = height(&net.rpc(0)).expect("height").to_string();
    let alice_before = net.balance(0, &alice, voucher);
    tx("alice", &["deployment", "create", file.to_str().expect("path"), "--dseq", &dseq, "--deposit", &format!("1000000{voucher}")]);
    assert_eq!(net.balance(0, &alice, voucher), alice_before - 1_000_000, "the deposit left alice in the voucher");
    let order = ["--dseq", &dseq, "--gseq", "1", "--oseq", "1"];
    tx("bob", &[&["market", "bid", "create", "--owner", &alice, "--price", &format!("7{voucher}"), "--deposit", "500000uagora"][..], &order[..]].concat());
    let leased_at = tx("alice", &[&["market", "lease", "create", "--provider", &bob][..], &order[..]].concat());
    let lease = net.agorad(0, &["query", "market", "lease", "get", "--owner", &alice, "--provider", &bob, "--dseq", &dseq]);
    assert_eq!(lease["lease"]["state"], "active", "{lease}");
    assert_eq!(lease["lease"]["price"]["denom"], voucher, "{lease}");
    let start = height(&net.rpc(0)).expect("height");
    wait_for("lease blocks", Duration::from_secs(30), || Ok(height(&net.rpc(0))? >= start + 4)).expect("blocks");
    let withdrawn_at = tx("bob", &[&["market", "lease", "withdraw", "--owner", &alice][..], &order[..]].concat());
    // 7 per block from the lease's block to the withdrawal's, less escrow's take on a denom it
    // lists no rate for (the default, 20%).
    let payouts = 7 * (withdrawn_at - leased_at);
    assert!(payouts >= 7 * 4, "the lease ran {} blocks", withdrawn_at - leased_at);
    assert_eq!(net.balance(0, &bob, voucher), payouts - payouts * 2_000 / 10_000, "bob's pay in the voucher");
    // The voucher's supply on Agora is what arrived over the channel: nothing minted or lost.
    let supply = net.agorad(0, &["query", "bank", "total"]);
    let voucher_supply = supply["supply"].as_array().expect("supply").iter().find(|c| c["denom"] == voucher).map(|c| c["amount"].clone());
    assert_eq!(voucher_supply, Some(Value::from("2000000")), "{supply}");
}

fn hex_sha256(text: &str) -> String {
    use sha2::Digest;
    hex::encode_upper(sha2::Sha256::digest(text.as_bytes()))
}
