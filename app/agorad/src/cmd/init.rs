//! `agorad init`: a fresh node home made by `cometbft init`, then adapted to Agora.

use std::process::{Command, Stdio};

use agora_genesis::write_app_state;

/// The block gas limit of a new chain: 5,000 sends at their usual 200,000 gas limit.
pub const DEFAULT_MAX_BLOCK_GAS: u64 = 1_000_000_000;
use anyhow::{bail, Context, Result};
use clap::Args;

use crate::cmd::{cometbft_bin, genesis_path};
use crate::config::{self, AppToml};
use crate::{output, GlobalOpts};

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Node name shown to peers
    pub moniker: String,
    /// Replace an existing genesis file
    #[arg(long)]
    pub overwrite: bool,
}

pub fn run(g: &GlobalOpts, args: InitArgs) -> Result<()> {
    let home = g.home()?;
    let chain_id = g.chain_id.clone().context("init needs --chain-id")?;
    if chain_id.trim().is_empty() || chain_id.len() > 50 {
        bail!("invalid --chain-id {chain_id:?}: must be 1-50 characters");
    }
    let genesis = genesis_path(&home);
    if genesis.exists() {
        if !args.overwrite {
            bail!("genesis file {} already exists; pass --overwrite to replace it", genesis.display());
        }
        // cometbft init keeps an existing genesis; remove it so a fresh one is written.
        std::fs::remove_file(&genesis).with_context(|| format!("cannot remove {}", genesis.display()))?;
    }

    let bin = cometbft_bin();
    let out = Command::new(&bin)
        .arg("init")
        .arg("--home")
        .arg(&home)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {} (install CometBFT v0.38 or set AGORA_COMETBFT)", bin.display()))?;
    if !out.status.success() {
        bail!(
            "{} init failed ({}): {}",
            bin.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }

    // Genesis: our chain id and the default app state.
    let mut doc = agora_genesis::read_genesis_doc(&genesis)?;
    match doc.as_object_mut() {
        Some(obj) => {
            obj.insert("chain_id".into(), serde_json::Value::String(chain_id.clone()));
            // A block may buy at most this much gas (CometBFT's default is no limit).
            if let Some(block) = obj.get_mut("consensus_params").and_then(|p| p.get_mut("block")).and_then(|b| b.as_object_mut()) {
                block.insert("max_gas".into(), serde_json::Value::String(DEFAULT_MAX_BLOCK_GAS.to_string()));
            }
        }
        None => bail!("{} is not a JSON object", genesis.display()),
    }
    std::fs::write(&genesis, serde_json::to_string_pretty(&doc)?)
        .with_context(|| format!("cannot write {}", genesis.display()))?;
    write_app_state(&genesis, &agora_app::genesis::new_chain()?)?;

    AppToml::default().save(&home)?;

    // CometBFT config: talk to our ABCI server, show our moniker.
    let cfg_path = home.join("config").join("config.toml");
    let text = std::fs::read_to_string(&cfg_path)
        .with_context(|| format!("cannot read {}", cfg_path.display()))?;
    let abci = format!("\"tcp://{}\"", config::DEFAULT_ABCI_ADDRESS);
    let text = config::set_toml_line(&text, "proxy_app", &abci)
        .with_context(|| format!("editing {}", cfg_path.display()))?;
    let moniker = toml::Value::String(args.moniker.clone()).to_string();
    let text = config::set_toml_line(&text, "moniker", &moniker)
        .with_context(|| format!("editing {}", cfg_path.display()))?;
    std::fs::write(&cfg_path, text).with_context(|| format!("cannot write {}", cfg_path.display()))?;

    let node_id = Command::new(&bin)
        .args(["show-node-id", "--home"])
        .arg(&home)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();

    output::print(
        &serde_json::json!({
            "moniker": args.moniker,
            "chain_id": chain_id,
            "node_id": node_id,
            "home": home.display().to_string(),
        }),
        g.output,
    );
    Ok(())
}
