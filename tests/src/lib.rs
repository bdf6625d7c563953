//! Drives `scripts/localnet.sh` and the `agorad` CLI as a user would, for end-to-end tests.
//! Each localnet lives in its own temporary directory on its own ports, and is stopped on drop.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

pub type Result<T> = std::result::Result<T, String>;

/// The checkout under test. `cargo test` sets `CARGO_MANIFEST_DIR` when it runs a test, which
/// stays right when a shared target directory holds a binary built from another checkout.
pub fn repo_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The `agorad` binary under test: `$AGORAD`, or the release build in the target dir.
pub fn agorad_bin() -> PathBuf {
    if let Ok(path) = std::env::var("AGORAD") {
        return PathBuf::from(path);
    }
    release_bin("agorad")
}

/// `agorad-rehearsal` (this crate's binary: `agorad` plus the `rehearsal-v2` upgrade handler),
/// built beside `agorad`.
pub fn rehearsal_bin() -> PathBuf {
    agorad_bin().with_file_name("agorad-rehearsal")
}

fn release_bin(name: &str) -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("target"));
    target.join("release").join(name)
}

pub struct Node {
    pub moniker: String,
    pub rpc: String,
    /// The gRPC server, as `http://host:port`.
    pub grpc: String,
    /// The REST gateway, as `http://host:port`.
    pub rest: String,
    pub home: PathBuf,
}

/// A development account funded at genesis (its mnemonic is public).
pub struct DevAccount {
    pub name: String,
    pub address: String,
    pub mnemonic: String,
}

pub struct Localnet {
    dir: tempfile::TempDir,
    base_port: u16,
    pub chain_id: String,
    pub nodes: Vec<Node>,
    pub accounts: Vec<DevAccount>,
}

impl Localnet {
    /// Starts `validators` nodes on ports from `base_port` (node i: base+100*i ..= base+100*i+2).
    pub fn up(validators: usize, base_port: u16) -> Result<Self> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let net = Self { dir, base_port, chain_id: String::new(), nodes: Vec::new(), accounts: Vec::new() };
        net.script(&["up", "--validators", &validators.to_string()])?;
        net.load_status()
    }

    fn script(&self, args: &[&str]) -> Result<String> {
        self.run_script("localnet.sh", args)
    }

    /// Runs `scripts/<name>` against this localnet (the same environment `localnet.sh` reads),
    /// returning its standard output.
    pub fn run_script(&self, name: &str, args: &[&str]) -> Result<String> {
        self.run_script_with(&agorad_bin(), name, args)
    }

    /// [`Self::run_script`] with another node binary.
    pub fn run_script_with(&self, agorad: &Path, name: &str, args: &[&str]) -> Result<String> {
        self.run_script_env(agorad, name, args, &[])
    }

    /// [`Self::run_script_with`] with more environment variables.
    pub fn run_script_env(&self, agorad: &Path, name: &str, args: &[&str], env: &[(&str, &str)]) -> Result<String> {
        let out = Command::new(repo_root().join("scripts").join(name))
            .args(args)
            .envs(env.iter().copied())
            .env("LOCALNET_DIR", self.dir.path())
            .env("LOCALNET_BASE_PORT", self.base_port.to_string())
            .env("LOCALNET_GRPC_BASE_PORT", (self.base_port + 50).to_string())
            .env("LOCALNET_API_BASE_PORT", (self.base_port + 60).to_string())
            .env("LOCALNET_CHAIN_ID", "agora-e2e")
            .env("AGORAD", agorad)
            .env("AGORAD_SKIP_BUILD", "1")
            // Downtime judged over 10 blocks and jailed for 10 s, so the e2e suite sees it.
            .env("LOCALNET_SIGNED_BLOCKS_WINDOW", "10")
            .env("LOCALNET_DOWNTIME_JAIL", "10")
            // Proposals are voted on for 15 s.
            .env("LOCALNET_VOTING_PERIOD", "15")
            .output()
            .map_err(|e| format!("cannot run {name}: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "{name} {args:?} failed:\n{}\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                self.logs_tail()
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn load_status(mut self) -> Result<Self> {
        let status: Value = serde_json::from_str(&self.script(&["status", "--json"])?).map_err(|e| e.to_string())?;
        self.chain_id = status["chain_id"].as_str().unwrap_or_default().to_string();
        self.nodes = status["nodes"]
            .as_array()
            .ok_or("status has no nodes")?
            .iter()
            .map(|n| Node {
                moniker: n["moniker"].as_str().unwrap_or_default().into(),
                rpc: n["rpc"].as_str().unwrap_or_default().into(),
                grpc: format!("http://{}", n["grpc"].as_str().unwrap_or_default()),
                rest: n["rest"].as_str().unwrap_or_default().into(),
                home: PathBuf::from(n["home"].as_str().unwrap_or_default()),
            })
            .collect();
        self.accounts = status["accounts"]
            .as_array()
            .ok_or("status has no accounts")?
            .iter()
            .map(|a| DevAccount {
                name: a["name"].as_str().unwrap_or_default().into(),
                address: a["address"].as_str().unwrap_or_default().into(),
                mnemonic: a["mnemonic"].as_str().unwrap_or_default().into(),
            })
            .collect();
        Ok(self)
    }

    /// Starts nodes that are not running (after a crash), as `localnet.sh up` does.
    pub fn restart_stopped(&self) -> Result<()> {
        self.restart_stopped_with(&agorad_bin())
    }

    /// Stops the last node (`kill`, as `localnet.sh down` stops nodes) and removes it from the
    /// network (its home is deleted), e.g. a node that joined for one test.
    pub fn remove_last_node(mut self) -> Result<Self> {
        let last = self.nodes.len().checked_sub(1).ok_or("no node to remove")?;
        let pid = self.pid(last)?;
        Command::new("kill").arg(pid.to_string()).status().map_err(|e| e.to_string())?;
        wait_for("the removed node to stop", Duration::from_secs(20), || Ok(!self.running(last)))?;
        let home = self.nodes.remove(last).home;
        std::fs::remove_dir_all(&home).map_err(|e| format!("cannot remove {}: {e}", home.display()))?;
        self.load_status()
    }

    /// Stops every node, keeping its data.
    pub fn down(&self) -> Result<()> {
        self.script(&["down"]).map(|_| ())
    }

    /// Starts the nodes that are not running with another binary (an upgrade).
    pub fn restart_stopped_with(&self, agorad: &Path) -> Result<()> {
        self.run_script_with(agorad, "localnet.sh", &["up", "--validators", &self.nodes.len().to_string()]).map(|_| ())
    }

    /// Whether node `node`'s `agorad` process is alive.
    pub fn running(&self, node: usize) -> bool {
        self.pid(node).is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid))
    }

    /// Adds a full node (`localnet.sh join`) with `args`, and reloads the node list.
    pub fn join(self, args: &[&str]) -> Result<Self> {
        self.script(&[&["join"], args].concat())?;
        self.load_status()
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.dir.path().join("keys")
    }

    pub fn account(&self, name: &str) -> Result<String> {
        self.dev_account(name).map(|a| a.address.clone())
    }

    pub fn dev_account(&self, name: &str) -> Result<&DevAccount> {
        self.accounts.iter().find(|a| a.name == name).ok_or(format!("no account {name}"))
    }

    /// PID of a node's `agorad`.
    pub fn pid(&self, node: usize) -> Result<u32> {
        let text = std::fs::read_to_string(self.nodes[node].home.join("agorad.pid")).map_err(|e| e.to_string())?;
        text.trim().parse().map_err(|e| format!("bad pid file: {e}"))
    }

    /// Runs `agorad` with `args` plus `--node` of `node` and `-o json`, returning parsed JSON.
    pub fn agorad_json(&self, node: usize, args: &[&str]) -> Result<Value> {
        let out = Command::new(agorad_bin())
            .args(args)
            .args(["--node", &self.nodes[node].rpc, "-o", "json"])
            .output()
            .map_err(|e| format!("cannot run agorad: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!("agorad {args:?} failed: {}{}", stdout, String::from_utf8_lossy(&out.stderr)));
        }
        serde_json::from_str(stdout.trim()).map_err(|e| format!("agorad {args:?} printed non-JSON {stdout:?}: {e}"))
    }

    fn logs_tail(&self) -> String {
        let mut out = String::new();
        for node in &self.nodes {
            for log in ["agorad.log", "cometbft.log"] {
                if let Ok(text) = std::fs::read_to_string(node.home.join(log)) {
                    let tail: Vec<&str> = text.lines().rev().take(15).collect();
                    out.push_str(&format!("--- {} {log}\n{}\n", node.moniker, tail.into_iter().rev().collect::<Vec<_>>().join("\n")));
                }
            }
        }
        out
    }
}

/// A process that exited but was not reaped yet (the nodes are `nohup` children of a shell
/// that is gone, so init reaps them; this only covers the moment before).
fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')))
}

impl Drop for Localnet {
    fn drop(&mut self) {
        let _ = self.down();
    }
}

/// Runs `tests/cosmjs/<script>` with Node.js (installing the pinned cosmjs first if needed) and
/// returns the JSON line it prints.
pub fn cosmjs(script: &str, env: &[(&str, &str)]) -> Result<Value> {
    let dir = repo_root().join("tests").join("cosmjs");
    if !dir.join("node_modules").join("@cosmjs").join("stargate").exists() {
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .map_err(|e| format!("cannot run npm (Node.js is needed for the cosmjs tests): {e}"))?;
        if !out.status.success() {
            return Err(format!("npm ci failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
    }
    let out = Command::new("node")
        .arg(script)
        .envs(env.iter().copied())
        .current_dir(&dir)
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("node {script} failed: {stdout}{}", String::from_utf8_lossy(&out.stderr)));
    }
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).map_err(|e| format!("node {script} printed non-JSON {stdout:?}: {e}"))
}

/// One unary gRPC call to `endpoint` (`http://host:port`), as a generated client makes it.
// Tests compare the status itself, large as it is.
#[allow(clippy::result_large_err)]
pub fn grpc<Req, Res>(endpoint: &str, path: &'static str, request: Req) -> std::result::Result<Res, tonic::Status>
where
    Req: prost::Message + Send + Sync + 'static,
    Res: prost::Message + Default + Send + Sync + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| tonic::Status::unknown(e.to_string()))?;
    runtime.block_on(async move {
        let channel = tonic::transport::Endpoint::from_shared(endpoint.to_string())
            .map_err(|e| tonic::Status::unknown(e.to_string()))?
            .connect()
            .await
            .map_err(|e| tonic::Status::unavailable(format!("cannot connect to {endpoint}: {e}")))?;
        let mut client = tonic::client::Grpc::new(channel);
        client.ready().await.map_err(|e| tonic::Status::unknown(e.to_string()))?;
        let codec = tonic::codec::ProstCodec::<Req, Res>::default();
        let path = tonic::codegen::http::uri::PathAndQuery::from_static(path);
        client.unary(tonic::Request::new(request), path, codec).await.map(tonic::Response::into_inner)
    })
}

/// JSON-RPC GET against a CometBFT node.
pub fn rpc(base: &str, path: &str) -> Result<Value> {
    let resp = ureq::get(&format!("{base}{path}"))
        .timeout(Duration::from_secs(5))
        .call()
        .map_err(|e| format!("GET {base}{path}: {e}"))?;
    let body: Value = resp.into_json().map_err(|e| e.to_string())?;
    body.get("result").cloned().ok_or_else(|| format!("GET {base}{path}: no result in {body}"))
}

pub fn height(rpc_url: &str) -> Result<u64> {
    let status = rpc(rpc_url, "/status")?;
    status["sync_info"]["latest_block_height"]
        .as_str()
        .and_then(|h| h.parse().ok())
        .ok_or_else(|| format!("no height in {status}"))
}

/// The app hash after executing block `h` (recorded in block h+1's header).
pub fn app_hash_after(rpc_url: &str, h: u64) -> Result<String> {
    let block = rpc(rpc_url, &format!("/block?height={}", h + 1))?;
    block["block"]["header"]["app_hash"].as_str().map(str::to_string).ok_or_else(|| format!("no app hash in {block}"))
}

/// Polls until `cond` holds, or fails after `timeout`.
pub fn wait_for(what: &str, timeout: Duration, mut cond: impl FnMut() -> Result<bool>) -> Result<()> {
    let start = Instant::now();
    let mut last_err = String::new();
    while start.elapsed() < timeout {
        match cond() {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            Err(e) => last_err = e,
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    Err(format!("timed out after {timeout:?} waiting for {what} {last_err}"))
}
