//! `agorad tx|query gov …`: the Cosmos SDK's governance commands over `cosmos.gov.v1`.

use agora_tx::{to_any, TxBuilder};
use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use cosmos_sdk_proto::cosmos::gov::v1 as pb;
use cosmos_sdk_proto::Any;
use serde_json::{json, Value};

use crate::cmd::resolve_address;
use crate::cmd::staking::{At, From};
use crate::cmd::tx::{broadcast_signed, TxOpts};
use crate::keyring::Keyring;
use crate::GlobalOpts;

#[derive(Subcommand, Debug)]
pub enum GovTx {
    /// Submit a proposal from a JSON file: {"messages": [...], "metadata", "deposit": "10000000uagora",
    /// "title", "summary", "expedited"}; each message is {"@type": "/cosmos....", fields…}
    /// or {"type_url", "value": base64 protobuf}
    SubmitProposal {
        file: std::path::PathBuf,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Add to a proposal's deposit
    Deposit {
        proposal_id: u64,
        amount: String,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Vote yes, no, no_with_veto or abstain
    Vote {
        proposal_id: u64,
        option: String,
        #[arg(long, default_value = "")]
        metadata: String,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Split a vote: "yes=0.6,no=0.4"
    WeightedVote {
        proposal_id: u64,
        options: String,
        #[arg(long, default_value = "")]
        metadata: String,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Withdraw one's own proposal before its vote ends (part of the deposits is charged)
    CancelProposal {
        proposal_id: u64,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
}

#[derive(Subcommand, Debug)]
pub enum GovQuery {
    /// Proposals, optionally by status (deposit_period, voting_period, passed, rejected, failed)
    Proposals {
        #[arg(long)]
        status: Option<String>,
        #[command(flatten)]
        at: At,
    },
    Proposal {
        proposal_id: u64,
        #[command(flatten)]
        at: At,
    },
    Votes {
        proposal_id: u64,
        #[command(flatten)]
        at: At,
    },
    Vote {
        proposal_id: u64,
        voter: String,
        #[command(flatten)]
        at: At,
    },
    Deposits {
        proposal_id: u64,
        #[command(flatten)]
        at: At,
    },
    /// The tally: live while the vote runs, final after
    Tally {
        proposal_id: u64,
        #[command(flatten)]
        at: At,
    },
    Params {
        #[command(flatten)]
        at: At,
    },
    /// Milestone grants with their paid, pending and returned amounts
    Grants {
        #[command(flatten)]
        at: At,
    },
    Grant {
        grant_id: u64,
        #[command(flatten)]
        at: At,
    },
}

fn option(name: &str) -> Result<i32> {
    Ok(match name.to_ascii_lowercase().trim_start_matches("vote_option_") {
        "yes" => 1,
        "abstain" => 2,
        "no" => 3,
        "no_with_veto" | "nowithveto" | "veto" => 4,
        other => bail!("unknown vote option {other:?}: yes, no, no_with_veto or abstain"),
    })
}

fn status(name: &str) -> Result<i32> {
    Ok(match name.to_ascii_lowercase().trim_start_matches("proposal_status_") {
        "deposit_period" => 1,
        "voting_period" => 2,
        "passed" => 3,
        "rejected" => 4,
        "failed" => 5,
        other => bail!("unknown proposal status {other:?}"),
    })
}

/// A proposal message from JSON: `{"@type": url, fields…}` for the standard and Agora types
/// this CLI knows, or `{"type_url", "value": base64}` for any other.
fn message(value: &Value) -> Result<Any> {
    use base64::Engine as _;
    if let (Some(url), Some(bytes)) = (value.get("type_url").and_then(Value::as_str), value.get("value").and_then(Value::as_str)) {
        let value = base64::engine::general_purpose::STANDARD.decode(bytes).context("message value is not base64")?;
        return Ok(Any { type_url: url.to_string(), value });
    }
    let url = value.get("@type").and_then(Value::as_str).ok_or_else(|| anyhow!("a proposal message needs \"@type\" (or \"type_url\" and \"value\")"))?;
    let mut fields = value.clone();
    if let Some(object) = fields.as_object_mut() {
        object.remove("@type");
    }
    macro_rules! known {
        ($($t:ty),* $(,)?) => {
            $(
                if url == format!("/{}", <$t as prost::Name>::full_name()) {
                    let msg: $t = serde_json::from_value(fields).with_context(|| format!("invalid {url}"))?;
                    return Ok(to_any(&msg));
                }
            )*
        };
    }
    known!(
        cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend,
        cosmos_sdk_proto::cosmos::distribution::v1beta1::MsgCommunityPoolSpend,
        cosmos_sdk_proto::cosmos::distribution::v1beta1::MsgUpdateParams,
        cosmos_sdk_proto::cosmos::staking::v1beta1::MsgUpdateParams,
        cosmos_sdk_proto::cosmos::slashing::v1beta1::MsgUpdateParams,
        cosmos_sdk_proto::cosmos::mint::v1beta1::MsgUpdateParams,
        agora_proto::market::v1::MsgUpdateParams,
        agora_proto::deployment::v1::MsgUpdateParams,
        agora_proto::provider::v1::MsgUpdateParams,
        agora_proto::escrow::v1::MsgUpdateParams,
        agora_proto::gov::v1::MsgCreateGrant,
        agora_proto::gov::v1::MsgReleaseTranche,
        agora_proto::gov::v1::MsgUpdateGrantParams,
        cosmos_sdk_proto::cosmos::upgrade::v1beta1::MsgSoftwareUpgrade,
        cosmos_sdk_proto::cosmos::upgrade::v1beta1::MsgCancelUpgrade,
    );
    bail!("this CLI does not know {url}: give it as {{\"type_url\": \"{url}\", \"value\": \"<base64 protobuf>\"}}")
}

pub fn run_tx(g: &GlobalOpts, cmd: GovTx) -> Result<()> {
    let home = g.home()?;
    let keyring = Keyring::open(&home);
    match cmd {
        GovTx::SubmitProposal { file, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let doc: Value = serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
            let messages = doc.get("messages").and_then(Value::as_array).cloned().unwrap_or_default().iter().map(message).collect::<Result<Vec<_>>>()?;
            let deposit: agora_types::Coins = match doc.get("deposit").and_then(Value::as_str) {
                Some(text) => text.parse().map_err(|e| anyhow!("invalid deposit {text:?}: {e}"))?,
                None => agora_types::Coins::new(),
            };
            let text_of = |field: &str| doc.get(field).and_then(Value::as_str).unwrap_or_default().to_string();
            let msg = pb::MsgSubmitProposal {
                messages,
                initial_deposit: deposit.to_protos(),
                proposer: key.address().to_bech32(),
                metadata: text_of("metadata"),
                title: text_of("title"),
                summary: text_of("summary"),
                expedited: doc.get("expedited").and_then(Value::as_bool).unwrap_or(false),
            };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("submit proposal {:?}", msg.title))
        }
        GovTx::Deposit { proposal_id, amount, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let coins: agora_types::Coins = amount.parse().map_err(|e| anyhow!("invalid amount {amount:?}: {e}"))?;
            let msg = pb::MsgDeposit { proposal_id, depositor: key.address().to_bech32(), amount: coins.to_protos() };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("deposit {amount} on proposal {proposal_id}"))
        }
        GovTx::Vote { proposal_id, option: chosen, metadata, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let msg = pb::MsgVote { proposal_id, voter: key.address().to_bech32(), option: option(&chosen)?, metadata };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("vote {chosen} on proposal {proposal_id}"))
        }
        GovTx::WeightedVote { proposal_id, options, metadata, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let options = options
                .split(',')
                .map(|part| {
                    let (name, weight) = part.split_once('=').ok_or_else(|| anyhow!("{part:?}: expected option=weight"))?;
                    Ok(pb::WeightedVoteOption { option: option(name.trim())?, weight: weight.trim().to_string() })
                })
                .collect::<Result<Vec<_>>>()?;
            let msg = pb::MsgVoteWeighted { proposal_id, voter: key.address().to_bech32(), options, metadata };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("weighted vote on proposal {proposal_id}"))
        }
        GovTx::CancelProposal { proposal_id, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let msg = pb::MsgCancelProposal { proposal_id, proposer: key.address().to_bech32() };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("cancel proposal {proposal_id}"))
        }
    }
}

fn to_json<M: serde::Serialize>(m: &M) -> Result<Value> {
    Ok(serde_json::to_value(m)?)
}

pub fn run_query(g: &GlobalOpts, cmd: GovQuery) -> Result<Value> {
    let rpc = g.rpc();
    let home = g.home()?;
    macro_rules! q {
        ($method:literal, $req:expr, $at:expr) => {
            rpc.query_proto(concat!("/cosmos.gov.v1.Query/", $method), &$req, $at.height)?
        };
    }
    Ok(match cmd {
        GovQuery::Proposals { status: wanted, at } => {
            let req = pb::QueryProposalsRequest {
                proposal_status: wanted.as_deref().map(status).transpose()?.unwrap_or(0),
                pagination: Some(cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest { limit: 1_000, ..Default::default() }),
                ..Default::default()
            };
            let res: pb::QueryProposalsResponse = q!("Proposals", req, at);
            json!({ "proposals": to_json(&res.proposals)? })
        }
        GovQuery::Proposal { proposal_id, at } => {
            let res: pb::QueryProposalResponse = q!("Proposal", pb::QueryProposalRequest { proposal_id }, at);
            to_json(&res.proposal)?
        }
        GovQuery::Votes { proposal_id, at } => {
            let res: pb::QueryVotesResponse = q!("Votes", pb::QueryVotesRequest { proposal_id, pagination: None }, at);
            json!({ "votes": to_json(&res.votes)? })
        }
        GovQuery::Vote { proposal_id, voter, at } => {
            let voter = resolve_address(&home, &voter)?.to_bech32();
            let res: pb::QueryVoteResponse = q!("Vote", pb::QueryVoteRequest { proposal_id, voter }, at);
            to_json(&res.vote)?
        }
        GovQuery::Deposits { proposal_id, at } => {
            let res: pb::QueryDepositsResponse = q!("Deposits", pb::QueryDepositsRequest { proposal_id, pagination: None }, at);
            json!({ "deposits": to_json(&res.deposits)? })
        }
        GovQuery::Tally { proposal_id, at } => {
            let res: pb::QueryTallyResultResponse = q!("TallyResult", pb::QueryTallyResultRequest { proposal_id }, at);
            to_json(&res.tally)?
        }
        GovQuery::Grants { at } => {
            use agora_proto::gov::v1 as gpb;
            let req = gpb::QueryGrantsRequest { pagination: Some(cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest { limit: 1_000, ..Default::default() }) };
            let res: gpb::QueryGrantsResponse = rpc.query_proto("/agora.gov.v1.Query/Grants", &req, at.height)?;
            json!({ "grants": to_json(&res.grants)? })
        }
        GovQuery::Grant { grant_id, at } => {
            use agora_proto::gov::v1 as gpb;
            let res: gpb::QueryGrantResponse = rpc.query_proto("/agora.gov.v1.Query/Grant", &gpb::QueryGrantRequest { grant_id }, at.height)?;
            to_json(&res.grant)?
        }
        GovQuery::Params { at } => {
            let res: agora_gov::proto::QueryParamsResponse = q!("Params", pb::QueryParamsRequest { params_type: String::new() }, at);
            let p = agora_gov::Params::from_proto(&res.params.unwrap_or_default()).map_err(|e| anyhow!("{e}"))?;
            serde_json::to_value(p)?
        }
    })
}
