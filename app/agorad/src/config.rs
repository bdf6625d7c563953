//! `HOME/config/app.toml`: node-local settings of the application (not consensus).
//!
//! The file is written as flat `key = value` lines so scripts can edit it with a regex;
//! it is read with a real TOML parser, and missing keys take their defaults.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

pub const DEFAULT_ABCI_ADDRESS: &str = "127.0.0.1:26658";
pub const DEFAULT_GRPC_ADDRESS: &str = "127.0.0.1:9090";
pub const DEFAULT_KEEP_RECENT: u64 = 100;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppToml {
    /// Where the ABCI server listens (CometBFT's `proxy_app` points here).
    pub abci_address: String,
    /// Where the gRPC query server listens; empty serves no gRPC.
    pub grpc_address: String,
    /// Where the REST (LCD) gateway listens, e.g. "127.0.0.1:1317"; empty serves none.
    pub api_address: String,
    /// Minimum gas prices for mempool admission, e.g. "0.025uagora"; empty accepts any fee.
    pub minimum_gas_prices: String,
    /// Number of recent versions kept queryable; older ones are pruned.
    pub pruning_keep_recent: u64,
    /// Most gas one query's store reads, or one `Simulate`, may use (the block gas limit
    /// caps a simulation further).
    pub query_gas_limit: u64,
    /// Milliseconds a query may wait for a query worker, and then again run, before it is refused.
    pub query_timeout_ms: u64,
    /// Queries (ABCI and gRPC together) that run at once, each on its own thread; the
    /// consensus connection never waits for them.
    pub query_workers: usize,
}

impl Default for AppToml {
    fn default() -> Self {
        Self {
            abci_address: DEFAULT_ABCI_ADDRESS.into(),
            grpc_address: DEFAULT_GRPC_ADDRESS.into(),
            api_address: String::new(),
            minimum_gas_prices: String::new(),
            pruning_keep_recent: DEFAULT_KEEP_RECENT,
            query_gas_limit: agora_app::config::DEFAULT_QUERY_GAS_LIMIT,
            query_timeout_ms: u64::try_from(agora_app::config::DEFAULT_QUERY_TIMEOUT.as_millis()).unwrap_or(u64::MAX),
            query_workers: agora_app::config::default_query_workers(),
        }
    }
}

impl AppToml {
    pub fn path(home: &Path) -> PathBuf {
        home.join("config").join("app.toml")
    }

    pub fn from_toml(text: &str) -> Result<Self> {
        toml::from_str(text).context("invalid app.toml")
    }

    /// Flat, commented TOML; strings go through the TOML encoder so quoting is always valid.
    pub fn to_toml(&self) -> Result<String> {
        let s = |v: &str| -> Result<String> {
            Ok(toml::Value::String(v.to_string()).to_string())
        };
        Ok(format!(
            "# Agora node settings (node-local, not consensus).\n\n\
             # ABCI server address; CometBFT's proxy_app must point here.\n\
             abci_address = {}\n\n\
             # gRPC query server address; empty serves no gRPC.\n\
             grpc_address = {}\n\n\
             # REST (LCD) gateway address, e.g. \"127.0.0.1:1317\"; empty serves none.\n\
             api_address = {}\n\n\
             # Minimum gas prices for mempool admission, e.g. \"0.025uagora\"; empty accepts any fee.\n\
             minimum_gas_prices = {}\n\n\
             # Recent versions kept queryable; older ones are pruned.\n\
             pruning_keep_recent = {}\n\n\
             # Most gas one query's store reads, or one Simulate, may use (the chain's block gas limit caps a Simulate further).\n\
             query_gas_limit = {}\n\n\
             # Milliseconds a query may wait for a worker, and then again run, before it is refused.\n\
             query_timeout_ms = {}\n\n\
             # Queries (ABCI and gRPC together) that run at once, each on its own thread.\n\
             query_workers = {}\n",
            s(&self.abci_address)?,
            s(&self.grpc_address)?,
            s(&self.api_address)?,
            s(&self.minimum_gas_prices)?,
            self.pruning_keep_recent,
            self.query_gas_limit,
            self.query_timeout_ms,
            self.query_workers
        ))
    }

    /// Reads `HOME/config/app.toml`; a missing file means defaults.
    pub fn load(home: &Path) -> Result<Self> {
        let path = Self::path(home);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_toml(&text).with_context(|| format!("reading {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    pub fn save(&self, home: &Path) -> Result<()> {
        let path = Self::path(home);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&path, self.to_toml()?).with_context(|| format!("cannot write {}", path.display()))
    }
}

/// Parses "0.025uagora,0.1foo" into minimum gas prices; empty means none.
pub fn parse_min_gas_prices(s: &str) -> Result<Vec<agora_auth::ante::MinGasPrice>> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<agora_auth::ante::MinGasPrice>()
                .map_err(|e| anyhow::anyhow!("invalid minimum gas price {p:?}: {e}"))
        })
        .collect()
}

/// Replaces the value of a top-level `key = ...` line in a TOML file's text (CometBFT's
/// config.toml), keeping comments and layout. Fails if the key is absent.
pub fn set_toml_line(text: &str, key: &str, value_toml: &str) -> Result<String> {
    let mut found = false;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim_start();
        let is_key = !found
            && trimmed
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='));
        if is_key {
            found = true;
            out.push_str(&format!("{key} = {value_toml}\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    if !found {
        anyhow::bail!("key {key:?} not found");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_toml_round_trips() {
        let cfg = AppToml {
            abci_address: "0.0.0.0:1234".into(),
            grpc_address: "127.0.0.1:9999".into(),
            api_address: "127.0.0.1:1317".into(),
            minimum_gas_prices: "0.025uagora".into(),
            pruning_keep_recent: 7,
            query_gas_limit: 5_000_000,
            query_timeout_ms: 2_500,
            query_workers: 3,
        };
        let text = cfg.to_toml().unwrap();
        assert!(text.contains("\nabci_address = \"0.0.0.0:1234\"\n"), "{text}");
        assert!(text.contains("\npruning_keep_recent = 7\n"), "{text}");
        assert_eq!(AppToml::from_toml(&text).unwrap(), cfg);

        let dir = tempfile::tempdir().unwrap();
        cfg.save(dir.path()).unwrap();
        assert_eq!(AppToml::load(dir.path()).unwrap(), cfg);
        // Missing keys take defaults; a missing file means defaults.
        assert_eq!(AppToml::from_toml("").unwrap(), AppToml::default());
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(AppToml::load(empty.path()).unwrap(), AppToml::default());
        assert!(AppToml::from_toml("bogus = 1").is_err());
    }

    #[test]
    fn gas_prices_parse() {
        assert!(parse_min_gas_prices("").unwrap().is_empty());
        assert_eq!(parse_min_gas_prices("0.025uagora, 1foo").unwrap().len(), 2);
        assert!(parse_min_gas_prices("nonsense").is_err());
    }

    #[test]
    fn toml_line_is_replaced_once() {
        let text = "# c\nproxy_app = \"tcp://x\"\n[rpc]\nladdr = \"a\"\n";
        let out = set_toml_line(text, "proxy_app", "\"tcp://127.0.0.1:26658\"").unwrap();
        assert_eq!(out, "# c\nproxy_app = \"tcp://127.0.0.1:26658\"\n[rpc]\nladdr = \"a\"\n");
        assert!(set_toml_line(text, "missing", "1").is_err());
    }
}
