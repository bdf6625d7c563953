//! `agorad tx …`: sign with a keyring key and broadcast through the node. `bank send` lives
//! here with the signing and broadcasting shared by every transaction; the marketplace
//! transactions are in [`crate::cmd::market::tx`].

use std::time::{Duration, Instant};

use agora_tx::{SigningKey, TxBuilder};
use agora_types::Coins;
use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand};
use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::cosmos::tx::v1beta1 as tx_pb;
use serde_json::{json, Value};

use crate::cmd::market::tx as market_tx;
use crate::cmd::{confirm, query::signer_info, resolve_address};
use crate::keyring::Keyring;
use crate::rpc::{tx_hash, tx_summary, Rpc};
use crate::{output, GlobalOpts};

const SIMULATE_PATH: &str = "/cosmos.tx.v1beta1.Service/Simulate";
/// Gas limit of the tx signed only to be simulated: high enough never to run out.
const SIMULATION_GAS: u64 = 10_000_000;
pub const DEFAULT_GAS: u64 = 200_000;
/// How long commit mode waits for the tx to be included.
const COMMIT_TIMEOUT: Duration = Duration::from_secs(30);
const POLL_INTERVAL: Duration = Duration::from_millis(200);

#[derive(Subcommand, Debug)]
pub enum TxCmd {
    /// Bank module transactions
    #[command(subcommand)]
    Bank(BankTx),
    /// Provider registry: register, update, unbond
    #[command(subcommand)]
    Provider(market_tx::ProviderTx),
    /// Auditors' signed provider attributes
    #[command(subcommand)]
    Audit(market_tx::AuditTx),
    /// Deployments and their groups
    #[command(subcommand)]
    Deployment(market_tx::DeploymentTx),
    /// Bids and leases
    #[command(subcommand)]
    Market(market_tx::MarketTx),
    /// Escrow accounts
    #[command(subcommand)]
    Escrow(market_tx::EscrowTx),
    /// Validators and delegations
    #[command(subcommand)]
    Staking(crate::cmd::staking::StakingTx),
    /// Rewards, commission, community pool
    #[command(subcommand)]
    Distribution(crate::cmd::pos::DistributionTx),
    /// Unjail a validator
    #[command(subcommand)]
    Slashing(crate::cmd::pos::SlashingTx),
    /// Proposals, deposits and votes
    #[command(subcommand)]
    Gov(crate::cmd::gov::GovTx),
    /// Software-upgrade proposals
    #[command(subcommand)]
    Upgrade(crate::cmd::upgrade::UpgradeTx),
    /// ICS-20 token transfers over IBC channels
    #[command(subcommand, name = "ibc-transfer")]
    IbcTransfer(crate::cmd::ibc::TransferTx),
    /// Provider rewards
    #[command(subcommand)]
    Incentive(crate::cmd::incentive::IncentiveTx),
}

#[derive(Subcommand, Debug)]
pub enum BankTx {
    /// Send coins from a keyring key to an address
    Send(SendArgs),
}

#[derive(Args, Debug)]
pub struct SendArgs {
    /// Key name of the sender (in --home's keyring)
    pub from: String,
    /// Recipient address (agora1…) or key name
    pub to: String,
    /// Coins to send, e.g. 1000uagora
    pub amount: String,
    #[command(flatten)]
    pub common: TxOpts,
}

/// Flags shared by transaction commands.
#[derive(Args, Debug)]
pub struct TxOpts {
    /// Fee, e.g. 2000uagora
    #[arg(long, default_value = "")]
    pub fees: String,
    /// Gas limit, or "auto" to simulate first
    #[arg(long, default_value = "200000")]
    pub gas: String,
    /// Multiplier applied to the simulated gas with --gas auto
    #[arg(long, default_value_t = 1.3)]
    pub gas_adjustment: f64,
    /// Transaction memo
    #[arg(long, default_value = "")]
    pub memo: String,
    /// sync: return after CheckTx; commit: wait until the tx is in a block
    #[arg(long, value_enum, default_value_t = BroadcastMode::Commit)]
    pub broadcast_mode: BroadcastMode,
    /// Do not ask for confirmation
    #[arg(short = 'y', long)]
    pub yes: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BroadcastMode {
    Sync,
    Commit,
}

pub fn run(g: &GlobalOpts, cmd: TxCmd) -> Result<()> {
    match cmd {
        TxCmd::Bank(BankTx::Send(args)) => send(g, args),
        TxCmd::Provider(c) => market_tx::run_provider(g, c),
        TxCmd::Audit(c) => market_tx::run_audit(g, c),
        TxCmd::Deployment(c) => market_tx::run_deployment(g, c),
        TxCmd::Market(c) => market_tx::run_market(g, c),
        TxCmd::Escrow(c) => market_tx::run_escrow(g, c),
        TxCmd::Staking(c) => crate::cmd::staking::run_tx(g, c),
        TxCmd::Distribution(c) => crate::cmd::pos::run_distribution_tx(g, c),
        TxCmd::Slashing(c) => crate::cmd::pos::run_slashing_tx(g, c),
        TxCmd::Gov(c) => crate::cmd::gov::run_tx(g, c),
        TxCmd::Upgrade(c) => crate::cmd::upgrade::run_tx(g, c),
        TxCmd::IbcTransfer(c) => crate::cmd::ibc::run_tx(g, c),
        TxCmd::Incentive(c) => crate::cmd::incentive::run_tx(g, c),
    }
}

fn send(g: &GlobalOpts, args: SendArgs) -> Result<()> {
    let home = g.home()?;
    let key = Keyring::open(&home).signing_key(&args.from)?;
    let from = key.address();
    let to = resolve_address(&home, &args.to)?;
    let amount: Coins = args.amount.parse().map_err(|e| anyhow!("invalid amount {:?}: {e}", args.amount))?;
    if amount.is_empty() {
        bail!("amount must not be empty");
    }
    let msg = MsgSend { from_address: from.to_bech32(), to_address: to.to_bech32(), amount: amount.to_protos() };
    let builder = TxBuilder::new().message(&msg);
    let summary = format!("send {amount} from {} ({}) to {}", args.from, from.to_bech32(), to.to_bech32());
    broadcast_signed(g, &key, builder, &args.common, &summary)
}

fn parse_fees(s: &str) -> Result<Coins> {
    if s.trim().is_empty() {
        return Ok(Coins::new());
    }
    s.parse().map_err(|e| anyhow!("invalid --fees {s:?}: {e}"))
}

/// Fills in fee, gas and memo, signs, asks for confirmation, broadcasts and prints the result.
pub fn broadcast_signed(g: &GlobalOpts, key: &SigningKey, builder: TxBuilder, opts: &TxOpts, summary: &str) -> Result<()> {
    let rpc = g.rpc();
    let chain_id = match &g.chain_id {
        Some(id) => id.clone(),
        None => rpc.chain_id().context("cannot learn the chain id from the node; pass --chain-id")?,
    };
    let (account_number, sequence) = signer_info(&rpc, &key.address())?;
    let builder = builder.fee(parse_fees(&opts.fees)?).memo(opts.memo.clone());

    let gas = if opts.gas.trim().eq_ignore_ascii_case("auto") {
        if !(opts.gas_adjustment.is_finite() && opts.gas_adjustment > 0.0) {
            bail!("--gas-adjustment must be a positive number");
        }
        let probe = builder.clone().gas_limit(SIMULATION_GAS).sign(key, &chain_id, account_number, sequence);
        let used = simulate(&rpc, &probe)?;
        let gas = (used as f64 * opts.gas_adjustment).ceil() as u64;
        eprintln!("estimated gas: {gas} (simulated {used} x {})", opts.gas_adjustment);
        gas
    } else {
        opts.gas.trim().parse::<u64>().map_err(|_| anyhow!("invalid --gas {:?}: a number or \"auto\"", opts.gas))?
    };
    let tx = builder.gas_limit(gas).sign(key, &chain_id, account_number, sequence);

    if !opts.yes && !confirm(&format!("{summary} (gas {gas}, fees {:?})? confirm", opts.fees))? {
        bail!("transaction not sent");
    }

    let res = rpc.broadcast_tx_sync(&tx)?;
    let hash = if res.hash.is_empty() { tx_hash(&tx) } else { res.hash.clone() };
    if res.code != 0 {
        output::print(
            &json!({ "txhash": hash, "code": res.code, "codespace": res.codespace, "raw_log": res.log }),
            crate::OutputFormat::Json,
        );
        bail!("transaction rejected by CheckTx: codespace={} code={} log={}", res.codespace, res.code, res.log);
    }
    match opts.broadcast_mode {
        BroadcastMode::Sync => {
            output::print(
                &json!({ "txhash": hash, "code": 0, "codespace": "", "raw_log": res.log }),
                crate::OutputFormat::Json,
            );
            Ok(())
        }
        BroadcastMode::Commit => {
            let result = wait_for_tx(&rpc, &hash, COMMIT_TIMEOUT)?;
            let summary = tx_summary(&result);
            output::print(&summary, crate::OutputFormat::Json);
            let code = summary.get("code").and_then(Value::as_u64).unwrap_or(0);
            if code != 0 {
                bail!(
                    "transaction failed in block {}: codespace={} code={code} log={}",
                    summary["height"].as_str().unwrap_or("?"),
                    summary["codespace"].as_str().unwrap_or(""),
                    summary["raw_log"].as_str().unwrap_or("")
                );
            }
            Ok(())
        }
    }
}

/// Gas used by `tx` in a simulation against the latest state.
fn simulate(rpc: &Rpc, tx: &[u8]) -> Result<u64> {
    #[allow(deprecated)] // `tx` is the deprecated alternative to `tx_bytes`; left empty.
    let req = tx_pb::SimulateRequest { tx: None, tx_bytes: tx.to_vec() };
    let resp: tx_pb::SimulateResponse = rpc.query_proto(SIMULATE_PATH, &req, None).context("simulation failed")?;
    resp.gas_info.map(|g| g.gas_used).ok_or_else(|| anyhow!("simulation answered no gas info"))
}

/// Polls `/tx` until the tx is committed or `timeout` passes.
pub fn wait_for_tx(rpc: &Rpc, hash: &str, timeout: Duration) -> Result<Value> {
    let start = Instant::now();
    loop {
        if let Some(v) = rpc.tx(hash)? {
            return Ok(v);
        }
        if start.elapsed() >= timeout {
            bail!("transaction {hash} was accepted but not committed within {}s", timeout.as_secs());
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}

