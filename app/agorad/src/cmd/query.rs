//! `agorad query …` and `agorad status`: reads through the node's RPC (`abci_query`, `tx`,
//! `status`). The marketplace queries are in [`crate::cmd::market::query`].

use agora_types::Address;
use anyhow::{anyhow, bail, Context, Result};
use base64::Engine as _;
use clap::Subcommand;
use cosmos_sdk_proto::cosmos::auth::v1beta1 as auth_pb;
use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank_pb;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::Any;
use prost::Message;
use serde_json::{json, Value};

use crate::cmd::market::query as mq;
use crate::cmd::resolve_address;
use crate::rpc::{json_str, tx_summary, Rpc};
use crate::{output, GlobalOpts};

pub const ACCOUNT_PATH: &str = "/cosmos.auth.v1beta1.Query/Account";
const BALANCE_PATH: &str = "/cosmos.bank.v1beta1.Query/Balance";
const ALL_BALANCES_PATH: &str = "/cosmos.bank.v1beta1.Query/AllBalances";
const TOTAL_SUPPLY_PATH: &str = "/cosmos.bank.v1beta1.Query/TotalSupply";
/// Code the auth module answers for an unknown account (`sdk` codespace, ErrNotFound).
const CODE_NOT_FOUND: u32 = 38;

#[derive(Subcommand, Debug)]
pub enum QueryCmd {
    /// Bank module queries
    #[command(subcommand)]
    Bank(BankQuery),
    /// An account's number, sequence and public key
    Account {
        /// Address (agora1…) or key name
        address: String,
        /// Query at this height (default latest)
        #[arg(long)]
        height: Option<u64>,
    },
    /// A committed transaction by hash
    Tx {
        hash: String,
    },
    /// A module account (e.g. community_pool, fee_collector, escrow) by module name; the
    /// address is shown even if the chain has not created the account yet
    ModuleAccount {
        /// Module name
        name: String,
        /// Query at this height (default latest)
        #[arg(long)]
        height: Option<u64>,
    },
    /// Provider registry
    #[command(subcommand)]
    Provider(mq::ProviderQuery),
    /// Auditors' signed provider attributes
    #[command(subcommand)]
    Audit(mq::AuditQuery),
    /// Deployments and groups
    #[command(subcommand)]
    Deployment(mq::DeploymentQuery),
    /// Orders, bids and leases
    #[command(subcommand)]
    Market(mq::MarketQuery),
    /// Escrow accounts and payments
    #[command(subcommand)]
    Escrow(mq::EscrowQuery),
    /// Validators, delegations, unbondings, pools
    #[command(subcommand)]
    Staking(crate::cmd::staking::StakingQuery),
    /// Rewards, commission, community pool
    #[command(subcommand)]
    Distribution(crate::cmd::pos::DistributionQuery),
    /// Validators' liveness records
    #[command(subcommand)]
    Slashing(crate::cmd::pos::SlashingQuery),
    /// Inflation and provisions
    #[command(subcommand)]
    Mint(crate::cmd::pos::MintQuery),
    /// Proposals, votes, deposits, tallies
    #[command(subcommand)]
    Gov(crate::cmd::gov::GovQuery),
    /// Transaction limits (auth parameters)
    #[command(subcommand)]
    Auth(AuthQuery),
    /// The scheduled upgrade, applied upgrades, module versions
    #[command(subcommand)]
    Upgrade(crate::cmd::upgrade::UpgradeQuery),
    /// ICS-20 transfers: voucher traces, escrow, parameters
    #[command(subcommand, name = "ibc-transfer")]
    IbcTransfer(crate::cmd::ibc::TransferQuery),
    /// IBC clients, connections and channels
    #[command(subcommand)]
    Ibc(crate::cmd::ibc::IbcQuery),
    /// Provider incentives: pool, epoch rates, class history, a provider's rewards
    #[command(subcommand)]
    Incentive(crate::cmd::incentive::IncentiveQuery),
}

#[derive(Subcommand, Debug)]
pub enum BankQuery {
    /// Balances of an address
    Balances {
        /// Address (agora1…) or key name
        address: String,
        /// Only this denom
        #[arg(long)]
        denom: Option<String>,
        /// Query at this height (default latest)
        #[arg(long)]
        height: Option<u64>,
    },
    /// Total supply of every denom
    Total {
        /// Query at this height (default latest)
        #[arg(long)]
        height: Option<u64>,
    },
}

pub fn run(g: &GlobalOpts, cmd: QueryCmd) -> Result<()> {
    let rpc = g.rpc();
    let home = g.home()?;
    let value = match cmd {
        QueryCmd::Bank(BankQuery::Balances { address, denom, height }) => {
            let address = resolve_address(&home, &address)?.to_bech32();
            match denom {
                Some(denom) => {
                    let resp: bank_pb::QueryBalanceResponse = rpc.query_proto(
                        BALANCE_PATH,
                        &bank_pb::QueryBalanceRequest { address, denom: denom.clone() },
                        height,
                    )?;
                    let coin = resp.balance.unwrap_or(ProtoCoin { denom, amount: "0".into() });
                    coin_json(&coin)
                }
                None => {
                    let resp: bank_pb::QueryAllBalancesResponse = rpc.query_proto(
                        ALL_BALANCES_PATH,
                        &bank_pb::QueryAllBalancesRequest { address, pagination: None, resolve_denom: false },
                        height,
                    )?;
                    json!({ "balances": resp.balances.iter().map(coin_json).collect::<Vec<_>>() })
                }
            }
        }
        QueryCmd::Bank(BankQuery::Total { height }) => {
            let resp: bank_pb::QueryTotalSupplyResponse =
                rpc.query_proto(TOTAL_SUPPLY_PATH, &bank_pb::QueryTotalSupplyRequest { pagination: None }, height)?;
            json!({ "supply": resp.supply.iter().map(coin_json).collect::<Vec<_>>() })
        }
        QueryCmd::Account { address, height } => {
            let address = resolve_address(&home, &address)?;
            match query_account(&rpc, &address, height)? {
                Some(acc) => acc.to_json(),
                None => bail!("account {} not found: it has never received funds", address.to_bech32()),
            }
        }
        QueryCmd::Tx { hash } => {
            let hash = hash.trim_start_matches("0x").to_ascii_uppercase();
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                bail!("invalid tx hash {hash:?}: expected 64 hex characters");
            }
            let result = rpc.tx(&hash)?.ok_or_else(|| anyhow!("transaction {hash} not found"))?;
            let mut summary = tx_summary(&result);
            if let (Some(obj), Some(events)) = (summary.as_object_mut(), result.pointer("/tx_result/events")) {
                obj.insert("events".into(), events.clone());
            }
            summary
        }
        QueryCmd::ModuleAccount { name, height } => {
            // The address derives from the name, so it is shown even before the chain has
            // created the account (a module account exists once it first holds funds).
            let address = Address::module(&name);
            let mut v = match query_account(&rpc, &address, height)? {
                Some(acc) => acc.to_json(),
                None => json!({ "address": address.to_bech32(), "account_number": null, "sequence": null, "pub_key": null }),
            };
            if let Some(obj) = v.as_object_mut() {
                obj.insert("name".into(), Value::String(name));
            }
            v
        }
        QueryCmd::Provider(c) => mq::run_provider(g, c)?,
        QueryCmd::Audit(c) => mq::run_audit(g, c)?,
        QueryCmd::Deployment(c) => mq::run_deployment(g, c)?,
        QueryCmd::Market(c) => mq::run_market(g, c)?,
        QueryCmd::Escrow(c) => mq::run_escrow(g, c)?,
        QueryCmd::Staking(c) => crate::cmd::staking::run_query(g, c)?,
        QueryCmd::Distribution(c) => crate::cmd::pos::run_distribution_query(g, c)?,
        QueryCmd::Gov(c) => crate::cmd::gov::run_query(g, c)?,
        QueryCmd::Upgrade(c) => crate::cmd::upgrade::run_query(g, c)?,
        QueryCmd::IbcTransfer(c) => crate::cmd::ibc::run_transfer_query(g, c)?,
        QueryCmd::Ibc(c) => crate::cmd::ibc::run_ibc_query(g, c)?,
        QueryCmd::Auth(c) => run_auth_query(g, c)?,
        QueryCmd::Slashing(c) => crate::cmd::pos::run_slashing_query(g, c)?,
        QueryCmd::Mint(c) => crate::cmd::pos::run_mint_query(g, c)?,
        QueryCmd::Incentive(c) => crate::cmd::incentive::run_query(g, c)?,
    };
    output::print(&value, g.output);
    Ok(())
}

#[derive(Subcommand, Debug)]
pub enum AuthQuery {
    /// Memo, signature and gas-cost limits of transactions
    Params {
        #[command(flatten)]
        at: crate::cmd::staking::At,
    },
}

pub fn run_auth_query(g: &GlobalOpts, cmd: AuthQuery) -> Result<Value> {
    let AuthQuery::Params { at } = cmd;
    let res: auth_pb::QueryParamsResponse = g.rpc().query_proto("/cosmos.auth.v1beta1.Query/Params", &auth_pb::QueryParamsRequest {}, at.height)?;
    let p = res.params.unwrap_or_default();
    Ok(json!({
        "max_memo_characters": p.max_memo_characters.to_string(),
        "tx_sig_limit": p.tx_sig_limit.to_string(),
        "tx_size_cost_per_byte": p.tx_size_cost_per_byte.to_string(),
        "sig_verify_cost_ed25519": p.sig_verify_cost_ed25519.to_string(),
        "sig_verify_cost_secp256k1": p.sig_verify_cost_secp256k1.to_string(),
    }))
}

/// `agorad status`: the node's identity and latest block, always JSON. CometBFT's
/// `node_info` and `sync_info` are passed on as they are, as the SDK's `status` does:
/// cosmovisor reads `sync_info.latest_block_height` from it to see the node reach a plan.
pub fn status(g: &GlobalOpts) -> Result<()> {
    let s = g.rpc().status()?;
    let sync = s.get("sync_info").cloned().unwrap_or(Value::Null);
    let value = json!({
        "chain_id": json_str(s.pointer("/node_info/network")),
        "moniker": json_str(s.pointer("/node_info/moniker")),
        "latest_block_height": json_str(sync.get("latest_block_height")),
        "latest_app_hash": json_str(sync.get("latest_app_hash")),
        "latest_block_time": json_str(sync.get("latest_block_time")),
        "catching_up": sync.get("catching_up").and_then(Value::as_bool).unwrap_or(false),
        "node_info": s.get("node_info").cloned().unwrap_or(Value::Null),
        "sync_info": sync,
        "validator_info": s.get("validator_info").cloned().unwrap_or(Value::Null),
    });
    output::print(&value, crate::OutputFormat::Json);
    Ok(())
}

fn coin_json(c: &ProtoCoin) -> Value {
    json!({ "denom": c.denom, "amount": c.amount })
}

/// The parts of an account the CLI needs.
#[derive(Debug, Clone)]
pub struct AccountInfo {
    pub address: String,
    pub account_number: u64,
    pub sequence: u64,
    pub pub_key: Option<Any>,
}

impl AccountInfo {
    fn to_json(&self) -> Value {
        let pub_key = match &self.pub_key {
            Some(any) => pubkey_json(any),
            None => Value::Null,
        };
        json!({
            "address": self.address,
            "account_number": self.account_number.to_string(),
            "sequence": self.sequence.to_string(),
            "pub_key": pub_key,
        })
    }
}

/// Cosmos JSON form of a public key: `{"@type": url, "key": base64}`.
fn pubkey_json(any: &Any) -> Value {
    use cosmos_sdk_proto::cosmos::crypto::{ed25519, secp256k1};
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let key = match any.type_url.as_str() {
        "/cosmos.crypto.secp256k1.PubKey" => secp256k1::PubKey::decode(any.value.as_slice()).ok().map(|k| b64(&k.key)),
        "/cosmos.crypto.ed25519.PubKey" => ed25519::PubKey::decode(any.value.as_slice()).ok().map(|k| b64(&k.key)),
        _ => None,
    };
    match key {
        Some(key) => json!({ "@type": any.type_url, "key": key }),
        None => json!({ "@type": any.type_url, "value": b64(&any.value) }),
    }
}

/// Looks an account up; `None` if the chain does not know it.
pub fn query_account(rpc: &Rpc, address: &Address, height: Option<u64>) -> Result<Option<AccountInfo>> {
    let req = auth_pb::QueryAccountRequest { address: address.to_bech32() };
    let resp = rpc.abci_query(ACCOUNT_PATH, &req.encode_to_vec(), height)?;
    if resp.code == CODE_NOT_FOUND && resp.codespace == "sdk" {
        return Ok(None);
    }
    let resp = resp.ok(ACCOUNT_PATH)?;
    let answer = auth_pb::QueryAccountResponse::decode(resp.value.as_slice())
        .context("cannot decode the account query answer")?;
    let any = answer.account.ok_or_else(|| anyhow!("account query answered no account"))?;
    let base = match any.type_url.as_str() {
        "/cosmos.auth.v1beta1.BaseAccount" => {
            auth_pb::BaseAccount::decode(any.value.as_slice()).context("cannot decode BaseAccount")?
        }
        "/cosmos.auth.v1beta1.ModuleAccount" => auth_pb::ModuleAccount::decode(any.value.as_slice())
            .context("cannot decode ModuleAccount")?
            .base_account
            .ok_or_else(|| anyhow!("module account without base account"))?,
        other => bail!("unsupported account type {other}"),
    };
    Ok(Some(AccountInfo {
        address: base.address,
        account_number: base.account_number,
        sequence: base.sequence,
        pub_key: base.pub_key,
    }))
}

/// Account number and sequence for signing; an unknown account is an error that says why.
pub fn signer_info(rpc: &Rpc, address: &Address) -> Result<(u64, u64)> {
    match query_account(rpc, address, None)? {
        Some(acc) => Ok((acc.account_number, acc.sequence)),
        None => bail!(
            "account {} not found on chain: it must receive funds before it can send transactions",
            address.to_bech32()
        ),
    }
}
