//! `agorad tx provider|audit|deployment|market|escrow …`: the marketplace transactions.
//! Every command signs with `--from KEY` and takes the usual [`TxOpts`] (fees, gas, memo,
//! broadcast mode, `-y`).

use std::path::{Path, PathBuf};

use agora_proto::audit::v1 as apb;
use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_proto::provider::v1 as ppb;
use agora_tx::{SigningKey, TxBuilder};
use agora_types::{Address, Coin, DecCoin};
use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use sha2::Digest;

use super::files::{parse_key_value, DeploymentFile, ProviderFile};
use super::query::{MARKET_PARAMS_PATH, PROVIDER_PARAMS_PATH};
use crate::cmd::resolve_address;
use crate::cmd::tx::{broadcast_signed, TxOpts};
use crate::keyring::Keyring;
use crate::rpc::json_u64;
use crate::GlobalOpts;

/// The signing key and the usual transaction flags.
#[derive(Args, Debug)]
pub struct Signer {
    /// Name of the key (in --home's keyring) that signs the transaction and pays its fees
    #[arg(long)]
    pub from: String,
    #[command(flatten)]
    pub tx: TxOpts,
}

impl Signer {
    fn key(&self, g: &GlobalOpts) -> Result<SigningKey> {
        Keyring::open(&g.home()?).signing_key(&self.from)
    }

    /// Signs `msg` with `--from` and broadcasts it.
    fn send<M: prost::Name>(&self, g: &GlobalOpts, key: &SigningKey, msg: &M, summary: &str) -> Result<()> {
        let builder = TxBuilder::new().message(msg);
        broadcast_signed(g, key, builder, &self.tx, &format!("{summary}, signed by {} ({})", self.from, key.address()))
    }
}

/// `--dseq N --gseq G --oseq O` of an order (gseq and oseq default to 1: a deployment's first
/// group and its first order).
#[derive(Args, Debug, Clone)]
pub struct OrderSeq {
    /// Deployment sequence number
    #[arg(long)]
    pub dseq: u64,
    /// Group sequence number within the deployment
    #[arg(long, default_value_t = 1)]
    pub gseq: u32,
    /// Order sequence number within the group
    #[arg(long, default_value_t = 1)]
    pub oseq: u32,
}

impl OrderSeq {
    pub fn bid_id(&self, owner: &Address, provider: &Address) -> mpb::BidId {
        mpb::BidId { owner: owner.to_bech32(), dseq: self.dseq, gseq: self.gseq, oseq: self.oseq, provider: provider.to_bech32() }
    }

    pub fn order_id(&self, owner: &Address) -> mpb::OrderId {
        mpb::OrderId { owner: owner.to_bech32(), dseq: self.dseq, gseq: self.gseq, oseq: self.oseq }
    }
}

fn label(id: &mpb::BidId) -> String {
    format!("{}/{}/{}/{} provider {}", id.owner, id.dseq, id.gseq, id.oseq, id.provider)
}

// ---------------------------------------------------------------------------------------------
// provider

#[derive(Subcommand, Debug)]
pub enum ProviderTx {
    /// Register the --from key as a provider, described by a provider YAML file, and lock its bond
    Create {
        /// Provider file (see localnet/examples/README.md)
        file: PathBuf,
        /// Bond to lock, e.g. 100000000uagora (overrides the file's `bond`)
        #[arg(long)]
        bond: Option<String>,
        /// A key that may answer liveness challenges for the provider (address or key name),
        /// so the owner key can stay offline
        #[arg(long)]
        operator: Option<String>,
        #[command(flatten)]
        signer: Signer,
    },
    /// Replace the provider's URI, attributes, info and capacity with the file's (its `bond` is ignored)
    Update {
        file: PathBuf,
        /// Replace the operator key (address or key name; "none" removes it; default: keep it)
        #[arg(long)]
        operator: Option<String>,
        #[command(flatten)]
        signer: Signer,
    },
    /// Start unbonding the provider (no active lease or open bid may remain)
    Delete {
        #[command(flatten)]
        signer: Signer,
    },
    /// Answer the provider's open liveness challenge (see also `agorad provider watch`)
    RespondChallenge {
        /// The challenge to answer (default: the provider's open one)
        #[arg(long)]
        id: Option<u64>,
        /// The provider (address or key name) when --from is its operator key
        #[arg(long)]
        provider: Option<String>,
        /// An auditor's hardware attestation (the JSON `agorad provider attest-challenge` wrote)
        #[arg(long)]
        attestation: Option<PathBuf>,
        #[command(flatten)]
        signer: Signer,
    },
    /// Add to the provider's bond (in its denom), e.g. after a slash left it below the minimum
    DepositBond {
        /// Amount, e.g. 5000000uagora
        amount: String,
        #[command(flatten)]
        signer: Signer,
    },
    /// Let a jailed provider bid again, once its jail time has passed (with at least the minimum bond)
    Unjail {
        #[command(flatten)]
        signer: Signer,
    },
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read_file(path)?).map_err(|_| anyhow!("{} is not UTF-8 text", path.display()))
}

pub(crate) fn provider_spec(path: &Path) -> Result<super::files::ProviderSpec> {
    ProviderFile::parse(&read_text(path)?).with_context(|| format!("invalid provider file {}", path.display()))
}

pub fn run_provider(g: &GlobalOpts, cmd: ProviderTx) -> Result<()> {
    match cmd {
        ProviderTx::Create { file, bond, operator, signer } => {
            let spec = provider_spec(&file)?;
            let bond = match bond {
                Some(b) => b.trim().parse::<Coin>().map_err(|e| anyhow!("invalid --bond {b:?}: {e}"))?,
                None => match spec.bond.clone() {
                    Some(b) => b,
                    None => {
                        // Neither given: the chain's minimum.
                        let params: ppb::QueryParamsResponse =
                            g.rpc().query_proto(PROVIDER_PARAMS_PATH, &ppb::QueryParamsRequest {}, None)?;
                        let min = params.params.and_then(|p| p.min_bond).ok_or_else(|| anyhow!("no bond given and the chain reports no min_bond: pass --bond"))?;
                        Coin::from_proto(&min).map_err(|e| anyhow!("chain min_bond: {e}"))?
                    }
                },
            };
            let key = signer.key(g)?;
            let msg = ppb::MsgCreateProvider {
                owner: key.address().to_bech32(),
                host_uri: spec.host_uri.clone(),
                attributes: spec.attributes,
                info: Some(spec.info),
                capacity: Some(spec.capacity),
                bond: Some(bond.to_proto()),
                operator: operator.map(|o| resolve_address(&g.home()?, &o)).transpose()?.map(|a| a.to_bech32()).unwrap_or_default(),
            };
            signer.send(g, &key, &msg, &format!("register provider {} with bond {bond}", spec.host_uri))
        }
        ProviderTx::Update { file, operator, signer } => {
            let spec = provider_spec(&file)?;
            let key = signer.key(g)?;
            // Empty keeps the current operator; the owner's own address removes it.
            let operator = match operator.as_deref() {
                Some("none") => key.address().to_bech32(),
                Some(o) => resolve_address(&g.home()?, o)?.to_bech32(),
                None => String::new(),
            };
            let msg = ppb::MsgUpdateProvider {
                owner: key.address().to_bech32(),
                host_uri: spec.host_uri.clone(),
                attributes: spec.attributes,
                info: Some(spec.info),
                capacity: Some(spec.capacity),
                operator,
            };
            signer.send(g, &key, &msg, &format!("update provider {}", spec.host_uri))
        }
        ProviderTx::Delete { signer } => {
            let key = signer.key(g)?;
            let msg = ppb::MsgDeleteProvider { owner: key.address().to_bech32() };
            signer.send(g, &key, &msg, "delete (unbond) provider")
        }
        ProviderTx::RespondChallenge { id, provider, attestation, signer } => {
            crate::cmd::challenge::respond(g, &signer.key(g)?, provider.as_deref(), id, attestation.as_deref(), &signer.tx)
        }
        ProviderTx::DepositBond { amount, signer } => {
            let amount = amount.trim().parse::<Coin>().map_err(|e| anyhow!("invalid amount {amount:?}: {e}"))?;
            let key = signer.key(g)?;
            let msg = ppb::MsgDepositBond { owner: key.address().to_bech32(), amount: Some(amount.to_proto()) };
            signer.send(g, &key, &msg, &format!("add {amount} to the provider's bond"))
        }
        ProviderTx::Unjail { signer } => crate::cmd::challenge::unjail(g, &signer.key(g)?, &signer.tx),
    }
}

// ---------------------------------------------------------------------------------------------
// audit

#[derive(Subcommand, Debug)]
pub enum AuditTx {
    /// As auditor (--from), sign attributes of a provider (merged into earlier ones)
    Sign {
        /// Provider address or key name
        provider: String,
        /// Attribute to sign, key=value (repeatable)
        #[arg(long = "attr", value_name = "KEY=VALUE", required = true)]
        attrs: Vec<String>,
        #[command(flatten)]
        signer: Signer,
    },
    /// As auditor (--from), remove signed attributes of a provider (no --key: all of them)
    Delete {
        /// Provider address or key name
        provider: String,
        /// Attribute key to remove (repeatable)
        #[arg(long = "key", value_name = "KEY")]
        keys: Vec<String>,
        #[command(flatten)]
        signer: Signer,
    },
}

pub fn run_audit(g: &GlobalOpts, cmd: AuditTx) -> Result<()> {
    let home = g.home()?;
    match cmd {
        AuditTx::Sign { provider, attrs, signer } => {
            let provider = resolve_address(&home, &provider)?;
            let attributes = attrs.iter().map(|a| parse_key_value(a)).collect::<Result<Vec<_>>>()?;
            let key = signer.key(g)?;
            let msg = apb::MsgSignProviderAttributes {
                auditor: key.address().to_bech32(),
                provider: provider.to_bech32(),
                attributes,
            };
            signer.send(g, &key, &msg, &format!("sign {} attribute(s) of provider {provider}", attrs.len()))
        }
        AuditTx::Delete { provider, keys, signer } => {
            let provider = resolve_address(&home, &provider)?;
            let key = signer.key(g)?;
            let what = if keys.is_empty() { "all signed attributes".to_string() } else { format!("attributes {}", keys.join(", ")) };
            let msg = apb::MsgDeleteProviderAttributes { auditor: key.address().to_bech32(), provider: provider.to_bech32(), keys };
            signer.send(g, &key, &msg, &format!("delete {what} of provider {provider}"))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// deployment

#[derive(Subcommand, Debug)]
pub enum DeploymentTx {
    /// Create a deployment from a deployment YAML file, funding its escrow with --deposit
    Create {
        /// Deployment file (see localnet/examples/README.md)
        file: PathBuf,
        /// Deployment sequence number [default: the latest block height]
        #[arg(long)]
        dseq: Option<u64>,
        /// Initial escrow deposit, e.g. 5000000uagora
        #[arg(long)]
        deposit: String,
        /// Version hash, 64 hex characters [default: SHA-256 of the file's bytes]
        #[arg(long)]
        version: Option<String>,
        #[command(flatten)]
        signer: Signer,
    },
    /// Record a new version of a deployment (SHA-256 of the file unless --version)
    Update {
        file: PathBuf,
        #[arg(long)]
        dseq: u64,
        #[arg(long)]
        version: Option<String>,
        #[command(flatten)]
        signer: Signer,
    },
    /// Close a deployment: its leases end, providers are paid, unspent funds return
    Close {
        #[arg(long)]
        dseq: u64,
        #[command(flatten)]
        signer: Signer,
    },
    /// Add funds to a deployment's escrow account (the depositor is --from)
    Deposit(DepositArgs),
    /// Close, pause or restart one group of a deployment
    #[command(subcommand)]
    Group(GroupTx),
}

#[derive(Args, Debug)]
pub struct DepositArgs {
    /// Amount, e.g. 1000000uagora
    pub amount: String,
    /// Owner of the deployment, address or key name [default: --from]
    #[arg(long)]
    pub owner: Option<String>,
    #[arg(long)]
    pub dseq: u64,
    #[command(flatten)]
    pub signer: Signer,
}

#[derive(Args, Debug)]
pub struct GroupArgs {
    #[arg(long)]
    pub dseq: u64,
    #[arg(long, default_value_t = 1)]
    pub gseq: u32,
    #[command(flatten)]
    pub signer: Signer,
}

#[derive(Subcommand, Debug)]
pub enum GroupTx {
    /// Close the group for good (its lease ends, its order closes)
    Close(GroupArgs),
    /// Pause the group (its lease ends, no new order until `start`)
    Pause(GroupArgs),
    /// Restart a paused group: a new order opens
    Start(GroupArgs),
}

/// `--version HEX`, or the SHA-256 of `bytes`.
pub fn version_hash(version: Option<&str>, bytes: &[u8]) -> Result<Vec<u8>> {
    match version {
        Some(v) => {
            let hash = hex::decode(v.trim().trim_start_matches("0x"))
                .map_err(|e| anyhow!("invalid --version {v:?}: not hex ({e})"))?;
            if hash.len() != 32 {
                bail!("invalid --version {v:?}: a version hash is exactly 32 bytes (64 hex characters), got {}", hash.len());
            }
            Ok(hash)
        }
        None => Ok(sha2::Sha256::digest(bytes).to_vec()),
    }
}

fn deployment_id(owner: &Address, dseq: u64) -> dpb::DeploymentId {
    dpb::DeploymentId { owner: owner.to_bech32(), dseq }
}

fn parse_coin(flag: &str, s: &str) -> Result<Coin> {
    s.trim().parse::<Coin>().map_err(|e| anyhow!("invalid {flag} {s:?}: {e}"))
}

pub fn run_deployment(g: &GlobalOpts, cmd: DeploymentTx) -> Result<()> {
    let home = g.home()?;
    match cmd {
        DeploymentTx::Create { file, dseq, deposit, version, signer } => {
            let bytes = read_file(&file)?;
            let text = String::from_utf8(bytes.clone()).map_err(|_| anyhow!("{} is not UTF-8 text", file.display()))?;
            let resolve = |s: &str| resolve_address(&home, s).map(|a| a.to_bech32());
            let groups = DeploymentFile::parse(&text, &resolve).with_context(|| format!("invalid deployment file {}", file.display()))?;
            let version_hash = version_hash(version.as_deref(), &bytes)?;
            let deposit = parse_coin("--deposit", &deposit)?;
            let dseq = match dseq {
                Some(d) => d,
                None => {
                    let status = g.rpc().status()?;
                    let height = json_u64(status.pointer("/sync_info/latest_block_height"))
                        .ok_or_else(|| anyhow!("node status has no latest_block_height: pass --dseq"))?;
                    eprintln!("dseq: {height} (latest block height)");
                    height
                }
            };
            let key = signer.key(g)?;
            let msg = dpb::MsgCreateDeployment {
                id: Some(deployment_id(&key.address(), dseq)),
                groups,
                deposit: Some(deposit.to_proto()),
                version_hash: version_hash.clone(),
            };
            let summary = format!(
                "create deployment dseq {dseq} ({} group(s), version {}) with deposit {deposit}",
                msg.groups.len(),
                hex::encode(&version_hash)
            );
            signer.send(g, &key, &msg, &summary)
        }
        DeploymentTx::Update { file, dseq, version, signer } => {
            let bytes = read_file(&file)?;
            let text = String::from_utf8(bytes.clone()).map_err(|_| anyhow!("{} is not UTF-8 text", file.display()))?;
            let resolve = |s: &str| resolve_address(&home, s).map(|a| a.to_bech32());
            DeploymentFile::parse(&text, &resolve).with_context(|| format!("invalid deployment file {}", file.display()))?;
            let version_hash = version_hash(version.as_deref(), &bytes)?;
            let key = signer.key(g)?;
            let msg = dpb::MsgUpdateDeployment { id: Some(deployment_id(&key.address(), dseq)), version_hash: version_hash.clone() };
            signer.send(g, &key, &msg, &format!("update deployment dseq {dseq} to version {}", hex::encode(&version_hash)))
        }
        DeploymentTx::Close { dseq, signer } => {
            let key = signer.key(g)?;
            let msg = dpb::MsgCloseDeployment { id: Some(deployment_id(&key.address(), dseq)) };
            signer.send(g, &key, &msg, &format!("close deployment dseq {dseq}"))
        }
        DeploymentTx::Deposit(args) => run_deposit(g, args),
        DeploymentTx::Group(cmd) => {
            let (action, args) = match &cmd {
                GroupTx::Close(a) => ("close", a),
                GroupTx::Pause(a) => ("pause", a),
                GroupTx::Start(a) => ("start", a),
            };
            let key = args.signer.key(g)?;
            let id = Some(dpb::GroupId { owner: key.address().to_bech32(), dseq: args.dseq, gseq: args.gseq });
            let summary = format!("{action} group dseq {} gseq {}", args.dseq, args.gseq);
            match &cmd {
                GroupTx::Close(_) => args.signer.send(g, &key, &dpb::MsgCloseGroup { id }, &summary),
                GroupTx::Pause(_) => args.signer.send(g, &key, &dpb::MsgPauseGroup { id }, &summary),
                GroupTx::Start(_) => args.signer.send(g, &key, &dpb::MsgStartGroup { id }, &summary),
            }
        }
    }
}

/// `tx deployment deposit` and its alias `tx escrow deposit`.
pub fn run_deposit(g: &GlobalOpts, args: DepositArgs) -> Result<()> {
    let home = g.home()?;
    let key = args.signer.key(g)?;
    let owner = match &args.owner {
        Some(o) => resolve_address(&home, o)?,
        None => key.address(),
    };
    let amount = parse_coin("amount", &args.amount)?;
    let msg = dpb::MsgDepositDeployment {
        id: Some(deployment_id(&owner, args.dseq)),
        amount: Some(amount.to_proto()),
        depositor: key.address().to_bech32(),
    };
    args.signer.send(g, &key, &msg, &format!("deposit {amount} into deployment {owner}/{}", args.dseq))
}

// ---------------------------------------------------------------------------------------------
// market

#[derive(Subcommand, Debug)]
pub enum MarketTx {
    /// Bids, by providers
    #[command(subcommand)]
    Bid(BidTx),
    /// Leases: created and closed by tenants, withdrawn from by providers
    #[command(subcommand)]
    Lease(LeaseTx),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum CloseReason {
    Unspecified,
    Unstable,
    Decommission,
    ManifestTimeout,
}

impl CloseReason {
    fn to_proto(self) -> mpb::LeaseCloseReason {
        match self {
            Self::Unspecified => mpb::LeaseCloseReason::ProviderUnspecified,
            Self::Unstable => mpb::LeaseCloseReason::ProviderUnstable,
            Self::Decommission => mpb::LeaseCloseReason::ProviderDecommission,
            Self::ManifestTimeout => mpb::LeaseCloseReason::ProviderManifestTimeout,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum BidTx {
    /// As provider (--from), bid on an open order
    Create {
        /// Tenant that owns the order, address or key name
        #[arg(long)]
        owner: String,
        #[command(flatten)]
        order: OrderSeq,
        /// Total price per block for the whole group, e.g. 12.5uagora
        #[arg(long)]
        price: String,
        /// Bid deposit, held until the bid ends [default: the chain's bid_min_deposit]
        #[arg(long)]
        deposit: Option<String>,
        #[command(flatten)]
        signer: Signer,
    },
    /// As provider (--from), withdraw an open bid, or close the lease of an active one
    Close {
        #[arg(long)]
        owner: String,
        #[command(flatten)]
        order: OrderSeq,
        /// Why the provider closes an active bid's lease
        #[arg(long, value_enum, default_value_t = CloseReason::Unspecified)]
        reason: CloseReason,
        #[command(flatten)]
        signer: Signer,
    },
}

#[derive(Subcommand, Debug)]
pub enum LeaseTx {
    /// As tenant (--from), accept a provider's open bid: the lease starts
    Create {
        /// The provider whose bid to accept, address or key name
        #[arg(long)]
        provider: String,
        #[command(flatten)]
        order: OrderSeq,
        #[command(flatten)]
        signer: Signer,
    },
    /// As tenant (--from), close a lease (a new order opens if the group is still wanted)
    Close {
        #[arg(long)]
        provider: String,
        #[command(flatten)]
        order: OrderSeq,
        #[command(flatten)]
        signer: Signer,
    },
    /// As provider (--from), collect what a lease has accrued
    Withdraw {
        /// The tenant that owns the lease, address or key name
        #[arg(long)]
        owner: String,
        #[command(flatten)]
        order: OrderSeq,
        #[command(flatten)]
        signer: Signer,
    },
}

pub fn run_market(g: &GlobalOpts, cmd: MarketTx) -> Result<()> {
    let home = g.home()?;
    match cmd {
        MarketTx::Bid(BidTx::Create { owner, order, price, deposit, signer }) => {
            let owner = resolve_address(&home, &owner)?;
            let price: DecCoin = price.parse().map_err(|e| anyhow!("invalid --price {price:?}: {e}"))?;
            let deposit = match deposit {
                Some(d) => parse_coin("--deposit", &d)?,
                None => {
                    let params: mpb::QueryParamsResponse =
                        g.rpc().query_proto(MARKET_PARAMS_PATH, &mpb::QueryParamsRequest {}, None)?;
                    let min = params
                        .params
                        .and_then(|p| p.bid_min_deposit)
                        .ok_or_else(|| anyhow!("the chain reports no bid_min_deposit: pass --deposit"))?;
                    Coin::from_proto(&min).map_err(|e| anyhow!("chain bid_min_deposit: {e}"))?
                }
            };
            let key = signer.key(g)?;
            let order_id = order.order_id(&owner);
            let msg = mpb::MsgCreateBid {
                order_id: Some(order_id),
                provider: key.address().to_bech32(),
                price: Some(price.to_proto()),
                deposit: Some(deposit.to_proto()),
            };
            let summary = format!("bid {price} per block on order {owner}/{}/{}/{} with deposit {deposit}", order.dseq, order.gseq, order.oseq);
            signer.send(g, &key, &msg, &summary)
        }
        MarketTx::Bid(BidTx::Close { owner, order, reason, signer }) => {
            let owner = resolve_address(&home, &owner)?;
            let key = signer.key(g)?;
            let id = order.bid_id(&owner, &key.address());
            let summary = format!("close bid {}", label(&id));
            signer.send(g, &key, &mpb::MsgCloseBid { id: Some(id), reason: reason.to_proto() as i32 }, &summary)
        }
        MarketTx::Lease(LeaseTx::Create { provider, order, signer }) => {
            let provider = resolve_address(&home, &provider)?;
            let key = signer.key(g)?;
            let id = order.bid_id(&key.address(), &provider);
            let summary = format!("create lease {}", label(&id));
            signer.send(g, &key, &mpb::MsgCreateLease { bid_id: Some(id) }, &summary)
        }
        MarketTx::Lease(LeaseTx::Close { provider, order, signer }) => {
            let provider = resolve_address(&home, &provider)?;
            let key = signer.key(g)?;
            let id = order.bid_id(&key.address(), &provider);
            let summary = format!("close lease {}", label(&id));
            signer.send(g, &key, &mpb::MsgCloseLease { id: Some(id) }, &summary)
        }
        MarketTx::Lease(LeaseTx::Withdraw { owner, order, signer }) => {
            let owner = resolve_address(&home, &owner)?;
            let key = signer.key(g)?;
            let id = order.bid_id(&owner, &key.address());
            let summary = format!("withdraw from lease {}", label(&id));
            signer.send(g, &key, &mpb::MsgWithdrawLease { id: Some(id) }, &summary)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// escrow

#[derive(Subcommand, Debug)]
pub enum EscrowTx {
    /// Add funds to a deployment's escrow account (same as `tx deployment deposit`)
    Deposit(DepositArgs),
}

pub fn run_escrow(g: &GlobalOpts, cmd: EscrowTx) -> Result<()> {
    match cmd {
        EscrowTx::Deposit(args) => run_deposit(g, args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_hash_is_sha256_or_exactly_32_hex_bytes() {
        let h = version_hash(None, b"abc").expect("sha");
        assert_eq!(hex::encode(&h), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let given = "00".repeat(32);
        assert_eq!(version_hash(Some(&given), b"ignored").expect("hex"), vec![0; 32]);
        assert_eq!(version_hash(Some(&format!("0x{given}")), b"").expect("0x"), vec![0; 32]);
        assert!(version_hash(Some("abcd"), b"").is_err());
        assert!(version_hash(Some(&"zz".repeat(32)), b"").is_err());
    }
}
