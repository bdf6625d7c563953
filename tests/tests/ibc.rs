//! End-to-end IBC with a relayer nobody on the project wrote: `scripts/ibc-localnet.sh` starts
//! two Agora chains (agora-alpha-1, agora-beta-1, one validator each), installs stock Hermes
//! from crates.io, lets it create the clients, the connection and a transfer channel, and
//! starts it. alice (funded on both) sends uagora from alpha to beta and the voucher back;
//! Hermes relays every packet and acknowledgement, balances come out exact on both sides,
//! beta's `DenomTrace` names the voucher, both chains keep making blocks, and no packet is
//! left uncleared.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use agora_e2e::{agorad_bin, height, repo_root, wait_for};
use serde_json::Value;

const BASE_PORT: u16 = 41656;
const GRPC_PORT: u16 = 41500;

struct IbcLocalnet {
    dir: tempfile::TempDir,
    status: Value,
}

impl IbcLocalnet {
    fn script(dir: &std::path::Path, args: &[&str]) -> Result<String, String> {
        let out = Command::new(repo_root().join("scripts/ibc-localnet.sh"))
            .args(args)
            .env("IBC_LOCALNET_DIR", dir)
            .env("IBC_LOCALNET_BASE_PORT", BASE_PORT.to_string())
            .env("IBC_LOCALNET_GRPC_PORT", GRPC_PORT.to_string())
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

    fn up() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        if let Err(e) = Self::script(dir.path(), &["up"]) {
            // Nothing owns the chains yet: stop them before failing, so they free the ports.
            let _ = Self::script(dir.path(), &["down"]);
            panic!("ibc-localnet up: {e}");
        }
        let status = serde_json::from_str(&Self::script(dir.path(), &["status", "--json"]).expect("status")).expect("status JSON");
        Self { dir, status }
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
        let keys = self.keys(i);
        let channel = self.channel(i);
        let out = Command::new(agorad_bin())
            .args(["tx", "ibc-transfer", "transfer", "transfer", &channel, receiver, amount, "--from", "alice"])
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
        let _ = Self::script(self.dir.path(), &["down"]);
    }
}

#[test]
#[ignore = "end-to-end: scripts/test.sh runs it (cargo test --workspace --test <name> -- --ignored)"]
fn hermes_relays_a_transfer_there_and_back_between_two_agora_chains() {
    let net = IbcLocalnet::up();
    let alice = net.status["chains"][0]["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["name"] == "alice")
        .and_then(|a| a["address"].as_str())
        .expect("alice")
        .to_string();
    let (chan_alpha, chan_beta) = (net.channel(0), net.channel(1));
    let voucher = {
        let res = net.agorad(1, &["query", "ibc-transfer", "denom-hash", &format!("transfer/{chan_beta}/uagora")]);
        format!("ibc/{}", res["hash"].as_str().expect("hash"))
    };
    let escrow = net.agorad(0, &["query", "ibc-transfer", "escrow-address", "transfer", &chan_alpha])["escrow_address"].as_str().expect("escrow").to_string();

    // alpha → beta: 1,000 uagora escrowed on alpha, 1,000 of the voucher on beta.
    let alpha_before = net.balance(0, &alice, "uagora");
    net.transfer(0, &alice, "1000uagora");
    assert_eq!(net.balance(0, &escrow, "uagora"), 1000);
    wait_for("the voucher on beta", Duration::from_secs(90), || Ok(net.balance(1, &alice, &voucher) == 1000)).expect("relayed");
    let trace = net.agorad(1, &["query", "ibc-transfer", "denom-trace", &voucher]);
    assert_eq!(trace["denom_trace"]["path"], format!("transfer/{chan_beta}"), "{trace}");
    assert_eq!(trace["denom_trace"]["base_denom"], "uagora", "{trace}");

    // beta → alpha: the voucher burned on beta, the uagora unescrowed on alpha.
    net.transfer(1, &alice, &format!("1000{voucher}"));
    assert_eq!(net.balance(1, &alice, &voucher), 0);
    wait_for("the uagora back on alpha", Duration::from_secs(90), || Ok(net.balance(0, &escrow, "uagora") == 0)).expect("relayed back");
    // alice paid the fee of one transfer on alpha and got everything else back.
    assert_eq!(net.balance(0, &alice, "uagora"), alpha_before - 5000);
    let total = net.agorad(0, &["query", "ibc-transfer", "total-escrow", "uagora"]);
    assert_eq!(total["amount"]["amount"], "0", "{total}");

    // Hermes acknowledged everything: no commitment is left on either side, and both chains go on.
    wait_for("Hermes to acknowledge every packet", Duration::from_secs(60), || {
        Ok(net.unacknowledged(0).is_empty() && net.unacknowledged(1).is_empty())
    })
    .expect("no packet left");
    for i in 0..2 {
        let rpc = net.rpc(i);
        let h = height(&rpc).expect("height");
        wait_for("blocks", Duration::from_secs(30), || Ok(height(&rpc)? > h + 2)).expect("still making blocks");
    }
    let clients = net.agorad(0, &["query", "ibc", "clients"]);
    assert_eq!(clients["clients"][0]["status"], "Active", "{clients}");
    assert_eq!(clients["clients"][0]["chain_id"], "agora-beta-1", "{clients}");
}
