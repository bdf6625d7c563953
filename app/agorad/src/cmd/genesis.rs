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
    /// Check a genesis file (default HOME/config/genesis.json): every section, then a dry
    /// run of InitChain in a scratch store (gentxs delivered, invariants checked)
    Validate {
        file: Option<PathBuf>,
    },
    /// Sign a genesis transaction that creates this node's validator (its CometBFT key in
    /// HOME/config/priv_validator_key.json) with a self-delegation from a funded genesis
    /// account; written to HOME/config/gentx/
    Gentx(Box<GentxArgs>),
    /// Put every gentx of HOME/config/gentx (or --gentx-dir) into genesis.json; the chain's
    /// validators then come from them
    CollectGentxs {
        #[arg(long)]
        gentx_dir: Option<PathBuf>,
    },
    /// Export the state of a stopped node as genesis.json for a new chain that continues it
    /// (zero height: heights rebased so its block 1 follows the exported one)
    Export {
        /// The committed height to export (default: the latest)
        #[arg(long)]
        height: Option<u64>,
        /// Write here instead of standard output (the SDK's flag; `--output` is the format)
        #[arg(long)]
        output_document: Option<PathBuf>,
    },
}

#[derive(clap::Args, Debug)]
pub struct GentxArgs {
    /// Key name of the validator's operator account (it signs and self-delegates)
    pub key: String,
    /// Self-delegation, e.g. 100000000uagora
    pub amount: String,
    /// Keyring directory holding the key [default: --home]
    #[arg(long)]
    pub keyring_dir: Option<PathBuf>,
    /// Validator name [default: the key name]
    #[arg(long)]
    pub moniker: Option<String>,
    #[arg(long, default_value = "")]
    pub details: String,
    #[arg(long, default_value = "")]
    pub website: String,
    #[arg(long, default_value = "")]
    pub identity: String,
    #[arg(long, default_value = "")]
    pub security_contact: String,
    /// Commission rate
    #[arg(long, default_value = "0.1")]
    pub commission_rate: String,
    /// Highest commission rate the validator may ever set
    #[arg(long, default_value = "0.2")]
    pub commission_max_rate: String,
    /// Largest change of the commission rate at a time (at most once a day)
    #[arg(long, default_value = "0.01")]
    pub commission_max_change_rate: String,
    /// Minimum self-delegation; below it the validator is jailed
    #[arg(long, default_value = "1")]
    pub min_self_delegation: String,
    /// Write the gentx here instead of HOME/config/gentx/gentx-<consensus address>.json
    #[arg(long)]
    pub output_document: Option<PathBuf>,
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
        GenesisCmd::Export { height, output_document: output } => {
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
        GenesisCmd::Gentx(args) => gentx(&home, *args),
        GenesisCmd::CollectGentxs { gentx_dir } => collect_gentxs(&home, gentx_dir),
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
    agora_app::genesis::dry_run(&doc)?;
    Ok(())
}

fn gentx(home: &std::path::Path, args: GentxArgs) -> Result<()> {
    use agora_tx::{to_any, TxBuilder};
    use base64::Engine as _;
    use cosmos_sdk_proto::cosmos::staking::v1beta1 as pb;

    let file = genesis_path(home);
    let doc = agora_genesis::read_genesis_doc(&file)?;
    let chain_id = doc.get("chain_id").and_then(|v| v.as_str()).filter(|s| !s.is_empty()).context("genesis.json has no chain_id")?.to_string();
    let keyring = crate::keyring::Keyring::open(args.keyring_dir.as_deref().unwrap_or(home));
    let key = keyring.signing_key(&args.key)?;
    let operator = key.address();
    let amount: agora_types::Coin = args.amount.parse().map_err(|e| anyhow!("invalid amount {:?}: {e}", args.amount))?;

    // The self-delegation must be covered by the account's genesis balance.
    let state = read_app_state(&file)?;
    let bank: agora_bank::GenesisState = state.section("bank")?;
    let balance = bank.balances.iter().find(|b| b.address == operator).map_or(0, |b| b.coins.amount_of(&amount.denom));
    if balance < amount.amount {
        bail!("{} has {balance}{} in genesis, less than the self-delegation {amount}: add it with `agorad genesis add-account` first", operator, amount.denom);
    }

    let (pubkey, consensus_address) = crate::cmd::staking::node_consensus_key(home)?;
    let moniker = args.moniker.clone().unwrap_or_else(|| args.key.clone());
    let msg = crate::cmd::staking::create_validator_msg(crate::cmd::staking::NewValidator {
        operator,
        pubkey,
        amount: args.amount.clone(),
        description: pb::Description {
            moniker: moniker.clone(),
            identity: args.identity,
            website: args.website,
            security_contact: args.security_contact,
            details: args.details,
        },
        rate: args.commission_rate,
        max_rate: args.commission_max_rate,
        max_change_rate: args.commission_max_change_rate,
        min_self_delegation: args.min_self_delegation,
    })?;
    // Account number 0 and sequence 0: genesis transactions are signed before account
    // numbers exist, as the Cosmos SDK's are.
    let tx = TxBuilder::new().any_message(to_any(&msg)).gas_limit(GENTX_GAS).memo(&moniker).sign(&key, &chain_id, 0, 0);
    let entry = serde_json::json!({
        "tx": base64::engine::general_purpose::STANDARD.encode(&tx),
        "validator_address": operator.to_bech32_with(agora_types::VALOPER_PREFIX),
        "moniker": moniker,
        "self_delegation": amount.to_string(),
    });
    let path = match args.output_document {
        Some(path) => path,
        None => {
            let dir = home.join("config").join("gentx");
            std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            dir.join(format!("gentx-{consensus_address}.json"))
        }
    };
    std::fs::write(&path, serde_json::to_string_pretty(&entry)?).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("genesis transaction written to {}", path.display());
    Ok(())
}

/// Gas limit of a gentx: far above what creating a validator costs.
const GENTX_GAS: u64 = 1_000_000;

fn collect_gentxs(home: &std::path::Path, dir: Option<PathBuf>) -> Result<()> {
    let dir = dir.unwrap_or_else(|| home.join("config").join("gentx"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    // The same genesis on every node: gentxs in file-name order.
    files.sort();
    if files.is_empty() {
        bail!("no gentx files in {}", dir.display());
    }
    let mut gen_txs = Vec::new();
    for path in &files {
        let entry: serde_json::Value = serde_json::from_slice(&std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let tx = entry["tx"].as_str().with_context(|| format!("{} has no \"tx\"", path.display()))?;
        gen_txs.push(tx.to_string());
    }
    let file = genesis_path(home);
    let mut doc = agora_genesis::read_genesis_doc(&file)?;
    doc["app_state"]["genutil"] = serde_json::json!({ "gen_txs": gen_txs });
    // The validators come from InitChain's answer (the gentxs), not from genesis.json.
    doc["validators"] = serde_json::json!([]);
    let validators = agora_app::genesis::dry_run(&doc).context("the collected gentxs do not start a chain")?;
    std::fs::write(&file, serde_json::to_string_pretty(&doc)?).with_context(|| format!("cannot write {}", file.display()))?;
    eprintln!("{} gentxs collected into {}: {} validators at genesis", files.len(), file.display(), validators.len());
    Ok(())
}
