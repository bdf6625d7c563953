//! `agorad genesis`: edit and check the genesis app state before the chain starts.

use std::path::PathBuf;

use agora_genesis::{read_app_state, write_app_state};
use agora_types::Coins;
use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;

use crate::cmd::{genesis_path, resolve_address};
use crate::GlobalOpts;

#[derive(Subcommand, Debug)]
pub enum GenesisCmd {
    /// Give an account a genesis balance (added to any existing one)
    AddAccount {
        /// Address (agora1…) or key name
        address: String,
        /// Coins, e.g. 1000000uagora,5foo
        coins: String,
    },
    /// Check a genesis file (default HOME/config/genesis.json)
    Validate {
        file: Option<PathBuf>,
    },
    /// Export the state of a stopped node as genesis.json for a new chain that continues it
    /// (zero height: heights rebased so its block 1 follows the exported one)
    Export {
        /// The committed height to export (default: the latest)
        #[arg(long)]
        height: Option<u64>,
        /// Write here instead of standard output
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

pub fn run(g: &GlobalOpts, cmd: GenesisCmd) -> Result<()> {
    let home = g.home()?;
    match cmd {
        GenesisCmd::AddAccount { address, coins } => {
            let address = resolve_address(&home, &address)?;
            let coins: Coins = coins.parse().map_err(|e| anyhow!("invalid coins {coins:?}: {e}"))?;
            if coins.is_empty() {
                bail!("no coins given");
            }
            let file = genesis_path(&home);
            let mut state = read_app_state(&file)?;
            agora_app::genesis::add_account(&mut state, address, &coins)?;
            agora_app::genesis::validate(&state)?;
            write_app_state(&file, &state)?;
            eprintln!("added {coins} to {} in {}", address.to_bech32(), file.display());
            Ok(())
        }
        GenesisCmd::Export { height, output } => {
            let db_path = home.join("data").join("agora.db");
            if !db_path.exists() {
                bail!("no state database at {}: nothing to export", db_path.display());
            }
            let storage = agora_store::Storage::open(
                &db_path,
                agora_store::StorageConfig {
                    substores: agora_app::app::SUBSTORES.iter().map(|s| s.to_string()).collect(),
                    // An export commits nothing, so it prunes nothing either way.
                    keep_recent: u64::MAX,
                },
            )
            .with_context(|| format!("cannot open {} (is the node still running? stop it first)", db_path.display()))?;
            let app = agora_app::App::new(storage, agora_app::AppConfig::default())?;
            let template = agora_genesis::read_genesis_doc(&genesis_path(&home))?;
            let doc = agora_app::genesis::export(&app, height, template)?;
            let text = serde_json::to_string_pretty(&doc)?;
            match output {
                Some(path) => {
                    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!("exported the state as {}", path.display());
                }
                None => println!("{text}"),
            }
            Ok(())
        }
        GenesisCmd::Validate { file } => {
            let file = file.unwrap_or_else(|| genesis_path(&home));
            match validate_file(&file) {
                Ok(()) => {
                    println!("OK: {} is a valid genesis file", file.display());
                    Ok(())
                }
                Err(e) => Err(e.context(format!("{} is not a valid genesis file", file.display()))),
            }
        }
    }
}

fn validate_file(file: &std::path::Path) -> Result<()> {
    let doc = agora_genesis::read_genesis_doc(file)?;
    match doc.get("chain_id").and_then(|v| v.as_str()) {
        Some(id) if !id.is_empty() => {}
        _ => bail!("chain_id is missing or empty"),
    }
    let consensus_params = doc.get("consensus_params").ok_or_else(|| anyhow!("consensus_params is missing"))?;
    agora_app::genesis::validate_consensus_params(consensus_params)?;
    let state = read_app_state(file)?;
    agora_app::genesis::validate(&state)?;
    Ok(())
}
