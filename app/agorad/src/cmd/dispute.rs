//! `agorad tx slashing dispute|answer-dispute|vote-dispute|enroll-panelist|leave-panel` and
//! `agorad query slashing dispute|disputes|panelist`: tenant disputes decided by auditor panels.

use agora_proto::slashing::v1 as pb;
use agora_tx::TxBuilder;
use anyhow::{anyhow, bail, Context, Result};
use clap::{Subcommand, ValueEnum};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::cmd::market::tx::OrderSeq;
use crate::cmd::market::query::PageOpts;
use crate::cmd::resolve_address;
use crate::cmd::staking::{At, From};
use crate::cmd::tx::{broadcast_signed, TxOpts};
use crate::keyring::Keyring;
use crate::GlobalOpts;

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Claim {
    /// The leased resources never became available
    NotDelivered,
    /// Delivered below what the lease allocated
    Degraded,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Side {
    Tenant,
    Provider,
}

#[derive(Subcommand, Debug)]
pub enum DisputeTx {
    /// As tenant (--from), dispute a lease with a deposit: its payments are held until a panel
    /// of auditors decides
    Dispute {
        /// The lease's provider, address or key name
        #[arg(long)]
        provider: String,
        #[command(flatten)]
        order: OrderSeq,
        #[arg(long, value_enum)]
        claim: Claim,
        /// The tenant's account of the fault (at most 1,024 bytes)
        #[arg(long, default_value = "")]
        details: String,
        /// At least the `dispute_deposit` parameter (default: exactly it)
        #[arg(long)]
        deposit: Option<String>,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// As the disputed provider (--from: its owner or operator key), record a hash of its
    /// evidence
    AnswerDispute {
        id: u64,
        /// A file whose SHA-256 is recorded (logs, metrics kept off chain)
        #[arg(long, conflicts_with = "evidence_hash")]
        evidence_file: Option<std::path::PathBuf>,
        /// The hash itself, in hex (at most 64 bytes)
        #[arg(long)]
        evidence_hash: Option<String>,
        /// The provider when --from is its operator key
        #[arg(long)]
        provider: Option<String>,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// As a panelist (--from), vote on a dispute once
    VoteDispute {
        id: u64,
        #[arg(value_enum)]
        side: Side,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// As an auditor (--from) of --audited-provider, lock the panelist bond to sit on panels
    EnrollPanelist {
        #[arg(long)]
        audited_provider: String,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Leave the draw of panels at once; sent again from the seat's leave height (the
    /// cool-down), once no panel of the signer is voting, it returns the bond
    LeavePanel {
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
}

fn params(g: &GlobalOpts) -> Result<pb::Params> {
    let res: pb::QueryParamsResponse = g.rpc().query_proto("/agora.slashing.v1.Query/Params", &pb::QueryParamsRequest {}, None)?;
    res.params.ok_or_else(|| anyhow!("the node returned no slashing parameters"))
}

pub fn run_tx(g: &GlobalOpts, cmd: DisputeTx) -> Result<()> {
    let home = g.home()?;
    let keyring = Keyring::open(&home);
    match cmd {
        DisputeTx::Dispute { provider, order, claim, details, deposit, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let provider = resolve_address(&home, &provider)?;
            let deposit = match deposit {
                Some(text) => text.parse::<agora_types::Coin>().map_err(|e| anyhow!("invalid --deposit {text:?}: {e}"))?.to_proto(),
                None => params(g)?.dispute_deposit.ok_or_else(|| anyhow!("the chain sets no dispute deposit"))?,
            };
            let claim = match claim {
                Claim::NotDelivered => pb::DisputeClaim::NotDelivered,
                Claim::Degraded => pb::DisputeClaim::Degraded,
            };
            let lease = order.bid_id(&key.address(), &provider);
            let msg = pb::MsgDispute { tenant: key.address().to_bech32(), lease_id: Some(lease), claim: claim as i32, details, deposit: Some(deposit) };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("dispute the lease of deployment {} with {provider}", order.dseq))
        }
        DisputeTx::AnswerDispute { id, evidence_file, evidence_hash, provider, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let evidence_hash = match (evidence_file, evidence_hash) {
                (Some(path), _) => Sha256::digest(std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?).to_vec(),
                (None, Some(text)) => {
                    let hash = hex::decode(text.trim_start_matches("0x")).map_err(|e| anyhow!("--evidence-hash is not hex: {e}"))?;
                    let max = agora_slashing::provider::dispute::MAX_EVIDENCE_HASH_LEN;
                    if hash.is_empty() || hash.len() > max {
                        bail!("--evidence-hash must be 1 to {max} bytes, not {}", hash.len());
                    }
                    hash
                }
                (None, None) => bail!("give --evidence-file or --evidence-hash"),
            };
            let (provider, operator) = match provider {
                Some(p) => (resolve_address(&home, &p)?, key.address().to_bech32()),
                None => (key.address(), String::new()),
            };
            let msg = pb::MsgAnswerDispute { provider: provider.to_bech32(), dispute_id: id, evidence_hash, operator };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("answer dispute {id}"))
        }
        DisputeTx::VoteDispute { id, side, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let option = match side {
                Side::Tenant => pb::DisputeVoteOption::Tenant,
                Side::Provider => pb::DisputeVoteOption::Provider,
            };
            let msg = pb::MsgVoteDispute { panelist: key.address().to_bech32(), dispute_id: id, option: option as i32 };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("vote {side:?} on dispute {id}"))
        }
        DisputeTx::EnrollPanelist { audited_provider, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let provider = resolve_address(&home, &audited_provider)?;
            let msg = pb::MsgEnrollPanelist { auditor: key.address().to_bech32(), audited_provider: provider.to_bech32() };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, "enroll on dispute panels")
        }
        DisputeTx::LeavePanel { from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let msg = pb::MsgLeavePanel { auditor: key.address().to_bech32() };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, "leave dispute panels")
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum DisputeQuery {
    /// One dispute: its lease, panel, votes, status and what it holds
    Dispute {
        id: u64,
        #[command(flatten)]
        at: At,
    },
    /// Disputes by id, or those of --provider
    Disputes {
        /// Provider address or key name
        #[arg(long)]
        provider: Option<String>,
        #[command(flatten)]
        page: PageOpts,
        #[command(flatten)]
        at: At,
    },
    /// An auditor's panel seat: its bond, panels still voting and votes cast
    Panelist {
        /// Auditor address or key name
        auditor: String,
        #[command(flatten)]
        at: At,
    },
}

/// A dispute as JSON, with its enums by name.
pub fn dispute_json(d: &pb::Dispute) -> Result<Value> {
    let mut value = serde_json::to_value(d)?;
    let name = |n: i32, f: fn(i32) -> Option<&'static str>| f(n).map_or(json!(n), |s| json!(s));
    value["status"] = name(d.status, |n| pb::DisputeStatus::try_from(n).ok().map(|s| s.as_str_name()));
    value["claim"] = name(d.claim, |n| pb::DisputeClaim::try_from(n).ok().map(|s| s.as_str_name()));
    value["provider_evidence"] = json!(hex::encode(&d.provider_evidence));
    value["votes"] = json!(d
        .votes
        .iter()
        .map(|v| json!({
            "panelist": v.panelist,
            "option": pb::DisputeVoteOption::try_from(v.option).map_or("UNKNOWN", |o| o.as_str_name()),
            "height": v.height.to_string(),
        }))
        .collect::<Vec<_>>());
    Ok(value)
}

pub fn run_query(g: &GlobalOpts, cmd: DisputeQuery) -> Result<Value> {
    let rpc = g.rpc();
    Ok(match cmd {
        DisputeQuery::Dispute { id, at } => {
            let res: pb::QueryDisputeResponse = rpc.query_proto("/agora.slashing.v1.Query/Dispute", &pb::QueryDisputeRequest { id }, at.height)?;
            res.dispute.as_ref().map(dispute_json).transpose()?.unwrap_or(Value::Null)
        }
        DisputeQuery::Disputes { provider, page, at } => {
            let provider = provider.map(|p| resolve_address(&g.home()?, &p)).transpose()?.map(|a| a.to_bech32()).unwrap_or_default();
            let req = pb::QueryDisputesRequest { provider, pagination: page.to_proto()? };
            let res: pb::QueryDisputesResponse = rpc.query_proto("/agora.slashing.v1.Query/Disputes", &req, at.height)?;
            json!({
                "disputes": res.disputes.iter().map(dispute_json).collect::<Result<Vec<_>>>()?,
                "pagination": res.pagination.map(|p| json!({ "next_key": p.next_key, "total": p.total.to_string() })),
            })
        }
        DisputeQuery::Panelist { auditor, at } => {
            let auditor = resolve_address(&g.home()?, &auditor)?.to_bech32();
            let res: pb::QueryPanelistResponse = rpc.query_proto("/agora.slashing.v1.Query/Panelist", &pb::QueryPanelistRequest { auditor }, at.height)?;
            serde_json::to_value(res.panelist.unwrap_or_default())?
        }
    })
}
