//! `agorad start`: the ABCI application, with CometBFT as a child process.
//!
//! CometBFT is started only once the ABCI listener is up (it connects immediately), and is
//! tied to us both ways: it gets SIGTERM if agorad dies (even by SIGKILL, via
//! `PR_SET_PDEATHSIG`), and agorad exits non-zero if it dies.

use std::fs::OpenOptions;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use agora_app::{App, AppConfig};
use agora_store::Storage;
use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use tokio::process::{Child, Command};
use tokio::signal::unix::{signal, SignalKind};

use crate::cmd::cometbft_bin;
use crate::config::{parse_min_gas_prices, AppToml};
use crate::GlobalOpts;

/// Time given to the ABCI listener to bind before CometBFT connects to it.
const LISTENER_GRACE: Duration = Duration::from_millis(300);
/// Time CometBFT gets to stop after SIGTERM before it is killed.
const CHILD_STOP_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Args, Debug)]
pub struct StartArgs {
    /// Run only the ABCI server; start CometBFT yourself
    #[arg(long)]
    pub abci_only: bool,
    /// ABCI listen address (overrides app.toml)
    #[arg(long)]
    pub abci_address: Option<String>,
    /// gRPC listen address (overrides app.toml; reserved)
    #[arg(long)]
    pub grpc_address: Option<String>,
    /// Minimum gas prices for mempool admission, e.g. 0.025uagora (overrides app.toml)
    #[arg(long)]
    pub minimum_gas_prices: Option<String>,
    /// Recent versions kept queryable (overrides app.toml)
    #[arg(long)]
    pub pruning_keep_recent: Option<u64>,
}

pub fn run(g: &GlobalOpts, args: StartArgs, upgrades: &agora_upgrade::UpgradeHandlers) -> Result<()> {
    init_tracing();
    let home = g.home()?;
    let mut cfg = AppToml::load(&home)?;
    if let Some(v) = args.abci_address {
        cfg.abci_address = v;
    }
    if let Some(v) = args.grpc_address {
        cfg.grpc_address = v;
    }
    if let Some(v) = args.minimum_gas_prices {
        cfg.minimum_gas_prices = v;
    }
    if let Some(v) = args.pruning_keep_recent {
        cfg.pruning_keep_recent = v;
    }
    let app_config = AppConfig {
        min_gas_prices: parse_min_gas_prices(&cfg.minimum_gas_prices)?,
        query_gas_limit: cfg.query_gas_limit,
        query_timeout: std::time::Duration::from_millis(cfg.query_timeout_ms),
        query_workers: cfg.query_workers.max(1),
        upgrade_info_dir: Some(home.join("data")),
    };

    let db_path = home.join("data").join("agora.db");
    std::fs::create_dir_all(home.join("data"))
        .with_context(|| format!("cannot create {}", home.join("data").display()))?;
    let storage = Storage::open(
        &db_path,
        agora_app::app::storage_config(cfg.pruning_keep_recent),
    )
    .with_context(|| format!("cannot open the state database {}", db_path.display()))?;
    let app = Arc::new(App::new(storage, app_config)?.with_upgrades(upgrades.clone()));
    let (height, app_hash) = app.last_block();
    tracing::info!(
        height,
        app_hash = %hex::encode_upper(app_hash),
        abci = %cfg.abci_address,
        grpc = %cfg.grpc_address,
        min_gas_prices = %cfg.minimum_gas_prices,
        keep_recent = cfg.pruning_keep_recent,
        "agorad starting"
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(app, &home, &cfg, args.abci_only))
}

async fn serve(app: Arc<App>, home: &Path, cfg: &AppToml, abci_only: bool) -> Result<()> {
    let mut sigint = signal(SignalKind::interrupt()).context("cannot install SIGINT handler")?;
    let mut sigterm = signal(SignalKind::terminate()).context("cannot install SIGTERM handler")?;

    // One pool of query threads for ABCI `Query` and gRPC alike.
    let queries = agora_app::query_pool::QueryPool::new(Arc::clone(&app));
    if !cfg.grpc_address.is_empty() {
        let grpc_addr: std::net::SocketAddr = cfg
            .grpc_address
            .parse()
            .with_context(|| format!("invalid grpc_address {:?}", cfg.grpc_address))?;
        let grpc_queries = queries.clone();
        let comet = cometbft_rpc_url(home).map(|url| agora_app::node_services::CometRpc::new(&url));
        if comet.is_none() {
            tracing::warn!("CometBFT's config.toml has no TCP rpc.laddr: the gRPC block and tx services will not answer");
        }
        tokio::spawn(async move {
            if let Err(e) = agora_app::grpc::serve(grpc_queries, grpc_addr, comet).await {
                tracing::error!(error = %e, address = %grpc_addr, "gRPC server stopped");
            }
        });
        tracing::info!(address = %grpc_addr, "gRPC server listening");
    }
    if !cfg.api_address.is_empty() {
        let api_addr: std::net::SocketAddr =
            cfg.api_address.parse().with_context(|| format!("invalid api_address {:?}", cfg.api_address))?;
        let (api_queries, comet) = (queries.clone(), cometbft_rpc_url(home).map(|url| agora_app::node_services::CometRpc::new(&url)));
        tokio::spawn(async move {
            if let Err(e) = agora_app::rest::serve(api_queries, api_addr, comet).await {
                tracing::error!(error = %e, address = %api_addr, "REST gateway stopped");
            }
        });
        tracing::info!(address = %api_addr, "REST gateway listening");
    }

    let app_for_node_info = Arc::clone(&app);
    let addr = cfg.abci_address.clone();
    let (halt_tx, mut halt_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut server = tokio::spawn(async move {
        agora_app::abci::serve(queries, &addr, halt_tx).await.map_err(|e| anyhow!("{e}"))
    });
    tokio::time::sleep(LISTENER_GRACE).await;
    if server.is_finished() {
        return Err(server_end(server.await, &cfg.abci_address));
    }
    tracing::info!(address = %cfg.abci_address, "ABCI server listening");

    if abci_only {
        learn_node_info(app_for_node_info, home);
        tokio::select! {
            r = &mut server => return Err(server_end(r, &cfg.abci_address)),
            Some(reason) = halt_rx.recv() => bail!("node halted: {reason}"),
            _ = sigint.recv() => tracing::info!("SIGINT: stopping"),
            _ = sigterm.recv() => tracing::info!("SIGTERM: stopping"),
        }
        return Ok(());
    }

    // Spawned from this (the main) thread: PR_SET_PDEATHSIG fires when the spawning thread
    // exits, and the main thread lives as long as the process.
    let mut child = spawn_cometbft(home, &cfg.abci_address)?;
    learn_node_info(app_for_node_info, home);
    tokio::select! {
        r = &mut server => {
            stop_child(&mut child).await;
            Err(server_end(r, &cfg.abci_address))
        }
        Some(reason) = halt_rx.recv() => {
            stop_child(&mut child).await;
            bail!("node halted: {reason}")
        }
        status = child.wait() => {
            let status = status.context("cannot wait for cometbft")?;
            bail!("cometbft exited ({status}); see {}", home.join("cometbft.log").display())
        }
        _ = sigint.recv() => {
            tracing::info!("SIGINT: stopping cometbft");
            stop_child(&mut child).await;
            Ok(())
        }
        _ = sigterm.recv() => {
            tracing::info!("SIGTERM: stopping cometbft");
            stop_child(&mut child).await;
            Ok(())
        }
    }
}

/// How often CometBFT's RPC is asked for the node info until it answers (it starts after the
/// ABCI handshake, and a node replaying blocks answers late): from the first to the last
/// interval, doubling.
const NODE_INFO_POLL: (Duration, Duration) = (Duration::from_millis(500), Duration::from_secs(10));

/// Reads CometBFT's node info from its RPC `/status` in the background, once it answers, and
/// hands it to the app for `GetNodeInfo`.
fn learn_node_info(app: Arc<App>, home: &Path) {
    let Some(url) = cometbft_rpc_url(home) else {
        tracing::warn!("CometBFT's config.toml has no TCP rpc.laddr: GetNodeInfo will not answer");
        return;
    };
    std::thread::spawn(move || {
        let mut interval = NODE_INFO_POLL.0;
        loop {
            if let Some(info) = crate::rpc::Rpc::new(&url).status().ok().and_then(|status| node_info_from_status(&status)) {
                app.set_node_info(info);
                tracing::info!(rpc = %url, "node info read from CometBFT");
                return;
            }
            std::thread::sleep(interval);
            interval = (interval * 2).min(NODE_INFO_POLL.1);
        }
    });
}

/// CometBFT's RPC address from `config/config.toml` (`[rpc] laddr`), as an HTTP URL.
fn cometbft_rpc_url(home: &Path) -> Option<String> {
    let text = std::fs::read_to_string(home.join("config").join("config.toml")).ok()?;
    let config: toml::Value = text.parse().ok()?;
    let laddr = config.get("rpc")?.get("laddr")?.as_str()?;
    // A unix socket (or no address) is not an HTTP endpoint this client reaches.
    let host_port = laddr.strip_prefix("tcp://").or_else(|| (!laddr.contains("://")).then_some(laddr)).filter(|h| !h.is_empty())?;
    // A node listening on every interface is reached on the loopback.
    let host_port = host_port.replace("0.0.0.0", "127.0.0.1").replace("[::]", "127.0.0.1");
    Some(format!("http://{host_port}"))
}

/// `node_info` of CometBFT's `/status` as the protobuf `DefaultNodeInfo` the SDK returns.
fn node_info_from_status(status: &serde_json::Value) -> Option<tendermint_proto::p2p::DefaultNodeInfo> {
    use tendermint_proto::p2p::{DefaultNodeInfo, DefaultNodeInfoOther, ProtocolVersion};
    let info = status.get("node_info")?;
    let text = |value: &serde_json::Value, key: &str| value.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let number = |value: &serde_json::Value, key: &str| value.get(key).and_then(|v| v.as_str()).and_then(|v| v.parse().ok()).unwrap_or(0);
    let protocol = info.get("protocol_version")?;
    let other = info.get("other");
    Some(DefaultNodeInfo {
        protocol_version: Some(ProtocolVersion { p2p: number(protocol, "p2p"), block: number(protocol, "block"), app: number(protocol, "app") }),
        default_node_id: text(info, "id"),
        listen_addr: text(info, "listen_addr"),
        network: text(info, "network"),
        version: text(info, "version"),
        channels: hex::decode(text(info, "channels")).unwrap_or_default(),
        moniker: text(info, "moniker"),
        other: other.map(|o| DefaultNodeInfoOther { tx_index: text(o, "tx_index"), rpc_address: text(o, "rpc_address") }),
    })
}

fn server_end(r: Result<Result<()>, tokio::task::JoinError>, addr: &str) -> anyhow::Error {
    match r {
        Ok(Ok(())) => anyhow!("ABCI server on {addr} stopped"),
        Ok(Err(e)) => e.context(format!("ABCI server on {addr} failed")),
        Err(e) => anyhow!("ABCI server task on {addr} failed: {e}"),
    }
}

fn spawn_cometbft(home: &Path, abci_address: &str) -> Result<Child> {
    let log_path = home.join("cometbft.log");
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .with_context(|| format!("cannot open {}", log_path.display()))?;
    let log_err = log.try_clone().with_context(|| format!("cannot open {}", log_path.display()))?;
    let bin = cometbft_bin();
    let parent = std::process::id();
    let mut cmd = Command::new(&bin);
    cmd.arg("start")
        .arg("--home")
        .arg(home)
        .arg("--proxy_app")
        .arg(format!("tcp://{abci_address}"))
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log_err))
        .kill_on_drop(true);
    // SAFETY: runs in the forked child before exec; only async-signal-safe libc calls.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM as libc::c_ulong, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died between fork and prctl: then nobody would signal us.
            if libc::getppid() as u32 != parent {
                return Err(std::io::Error::other("agorad exited before cometbft started"));
            }
            Ok(())
        });
    }
    let child = cmd
        .spawn()
        .with_context(|| format!("cannot start {} (install CometBFT v0.38 or set AGORA_COMETBFT)", bin.display()))?;
    tracing::info!(pid = child.id().unwrap_or(0), log = %log_path.display(), "cometbft started");
    Ok(child)
}

/// SIGTERM, then SIGKILL if CometBFT has not stopped in time.
async fn stop_child(child: &mut Child) {
    if let Some(pid) = child.id() {
        // SAFETY: plain kill(2) on our own child's pid, which is not reaped yet.
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGTERM);
        }
    }
    match tokio::time::timeout(CHILD_STOP_TIMEOUT, child.wait()).await {
        Ok(Ok(status)) => tracing::info!(%status, "cometbft stopped"),
        Ok(Err(e)) => tracing::warn!(error = %e, "cannot wait for cometbft"),
        Err(_) => {
            tracing::warn!("cometbft did not stop in time; killing it");
            let _ = child.kill().await;
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only on a terminal: logs are usually redirected to files.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_info_is_read_from_cometbft_status() {
        let status = serde_json::json!({"node_info": {
            "protocol_version": {"p2p": "8", "block": "11", "app": "1"},
            "id": "a1b2", "listen_addr": "tcp://0.0.0.0:26656", "network": "agora-localnet-1",
            "version": "0.38.26", "channels": "40202122233038606100", "moniker": "val0",
            "other": {"tx_index": "on", "rpc_address": "tcp://127.0.0.1:26657"}
        }});
        let info = node_info_from_status(&status).expect("node info");
        assert_eq!(info.protocol_version.map(|p| (p.p2p, p.block, p.app)), Some((8, 11, 1)));
        assert_eq!((info.default_node_id.as_str(), info.network.as_str(), info.moniker.as_str()), ("a1b2", "agora-localnet-1", "val0"));
        assert_eq!(info.channels, vec![0x40, 0x20, 0x21, 0x22, 0x23, 0x30, 0x38, 0x60, 0x61, 0x00]);
        assert_eq!(info.other.map(|o| o.tx_index), Some("on".to_string()));
        assert!(node_info_from_status(&serde_json::json!({"sync_info": {}})).is_none());
    }

    #[test]
    fn rpc_url_comes_from_config_toml() {
        let home = tempfile::tempdir().expect("tempdir");
        assert_eq!(cometbft_rpc_url(home.path()), None);
        std::fs::create_dir_all(home.path().join("config")).expect("mkdir");
        std::fs::write(home.path().join("config/config.toml"), "moniker = \"x\"\n[rpc]\nladdr = \"tcp://0.0.0.0:27657\"\n").expect("write");
        assert_eq!(cometbft_rpc_url(home.path()).as_deref(), Some("http://127.0.0.1:27657"));
        std::fs::write(home.path().join("config/config.toml"), "[rpc]\nladdr = \"unix:///run/cometbft.sock\"\n").expect("write");
        assert_eq!(cometbft_rpc_url(home.path()), None);
        std::fs::write(home.path().join("config/config.toml"), "[rpc]\nladdr = \"tcp://[::]:26657\"\n").expect("write");
        assert_eq!(cometbft_rpc_url(home.path()).as_deref(), Some("http://127.0.0.1:26657"));
    }
}
