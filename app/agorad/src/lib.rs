//! `agorad`: the Agora node binary and CLI.
//!
//! One binary, like a Cosmos SDK `appd`: it initialises a home directory (CometBFT config,
//! genesis, `app.toml`), manages a file keyring, edits the genesis, signs and broadcasts
//! transactions, queries through CometBFT's RPC, runs the ABCI app with CometBFT as a child
//! process, and generates load for benchmarks. The binary is [`main`] with the upgrade
//! handlers of this release; a library so that a rehearsal binary can add its own.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod cmd;
mod config;
pub mod keyring;
mod output;
mod rpc;

use std::path::PathBuf;
use std::process::ExitCode;

use agora_upgrade::UpgradeHandlers;
use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Default CometBFT RPC endpoint of a local node.
pub const DEFAULT_NODE: &str = "http://127.0.0.1:26657";

#[derive(Parser, Debug)]
#[command(name = "agorad", version, about = "Agora app-chain node and CLI")]
struct Cli {
    #[command(flatten)]
    global: GlobalOpts,
    #[command(subcommand)]
    command: Command,
}

/// Flags accepted by every command.
#[derive(Args, Debug, Clone)]
pub struct GlobalOpts {
    /// Node home directory (config, data, keyring) [default: ~/.agora]
    #[arg(long, global = true, env = "AGORA_HOME")]
    pub home: Option<PathBuf>,
    /// CometBFT RPC URL of the node to talk to
    #[arg(long, global = true, default_value = DEFAULT_NODE)]
    pub node: String,
    /// Chain id (required by `init`; for transactions it is read from the node if absent)
    #[arg(long, global = true)]
    pub chain_id: Option<String>,
    /// Output format
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

impl GlobalOpts {
    /// The home directory: `--home`, else `$HOME/.agora`.
    pub fn home(&self) -> Result<PathBuf> {
        if let Some(home) = &self.home {
            return Ok(home.clone());
        }
        let user_home = std::env::var_os("HOME")
            .context("cannot find the default home directory: $HOME is not set; pass --home")?;
        Ok(PathBuf::from(user_home).join(".agora"))
    }

    pub fn rpc(&self) -> rpc::Rpc {
        rpc::Rpc::new(&self.node)
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Initialise a node home: CometBFT config and keys, genesis, app.toml
    Init(cmd::init::InitArgs),
    /// Edit or check the genesis file
    #[command(subcommand)]
    Genesis(cmd::genesis::GenesisCmd),
    /// Manage the local file keyring (HOME/keyring-test)
    #[command(subcommand)]
    Keys(cmd::keys::KeysCmd),
    /// Sign and broadcast transactions
    #[command(subcommand)]
    Tx(Box<cmd::tx::TxCmd>),
    /// Query chain state through the node
    #[command(subcommand)]
    Query(cmd::query::QueryCmd),
    /// Show the node's status
    Status,
    /// Run the node: the ABCI app plus CometBFT as a child process
    Start(cmd::start::StartArgs),
    /// Export the state of a stopped node as genesis.json (as `genesis export`; the SDK's
    /// `export`)
    Export {
        /// The committed height to export (default: the latest)
        #[arg(long)]
        height: Option<u64>,
        /// Write here instead of standard output
        #[arg(long)]
        output_document: Option<PathBuf>,
    },
    /// Generate bank-send load and report committed transactions per second
    Load(cmd::load::LoadArgs),
    /// Provider tooling to run beside the hardware
    #[command(subcommand)]
    Provider(cmd::challenge::ProviderCmd),
}

fn run(cli: Cli, upgrades: &UpgradeHandlers) -> Result<()> {
    let g = &cli.global;
    match cli.command {
        Command::Init(args) => cmd::init::run(g, args),
        Command::Genesis(c) => cmd::genesis::run(g, c),
        Command::Keys(c) => cmd::keys::run(g, c),
        Command::Tx(c) => cmd::tx::run(g, *c),
        Command::Query(c) => cmd::query::run(g, c),
        Command::Provider(cmd::challenge::ProviderCmd::Watch(args)) => cmd::challenge::watch(g, args),
        Command::Provider(cmd::challenge::ProviderCmd::AttestChallenge { from, provider, id }) => {
            let auditor = keyring::Keyring::open(&g.home()?).signing_key(&from)?;
            let provider = cmd::resolve_address(&g.home()?, &provider)?;
            let challenge = cmd::challenge::find_challenge(g, &provider, id)?;
            output::print(&cmd::challenge::attest(g, &auditor, &challenge)?, OutputFormat::Json);
            Ok(())
        }
        Command::Provider(cmd::challenge::ProviderCmd::SignHardware { device, provider, registered_to }) => {
            let device = keyring::Keyring::open(&g.home()?).signing_key(&device)?;
            let provider = cmd::resolve_address(&g.home()?, &provider)?;
            let holder = registered_to.map(|p| cmd::resolve_address(&g.home()?, &p)).transpose()?;
            output::print(&cmd::challenge::sign_hardware(g, &device, &provider, holder.as_ref())?, OutputFormat::Json);
            Ok(())
        }
        Command::Provider(cmd::challenge::ProviderCmd::SignCapacity(args)) => {
            let value = cmd::challenge::sign_capacity(g, args)?;
            output::print(&value, OutputFormat::Json);
            Ok(())
        }
        Command::Status => cmd::query::status(g),
        Command::Start(args) => cmd::start::run(g, args, upgrades),
        Command::Export { height, output_document } => cmd::genesis::run(g, cmd::genesis::GenesisCmd::Export { height, output_document }),
        Command::Load(args) => cmd::load::run(g, args),
    }
}

/// Runs the command line. A node started by it applies the upgrades `upgrades` names; at the
/// height of a plan it has no handler for, it halts.
pub fn main(upgrades: &UpgradeHandlers) -> ExitCode {
    let cli = Cli::parse();
    match run(cli, upgrades) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
