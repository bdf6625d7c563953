//! `agorad tx|query upgrade …`: software-upgrade proposals and the upgrade queries, as the
//! Cosmos SDK v0.50 CLI (`tx upgrade software-upgrade` submits a governance proposal
//! carrying `MsgSoftwareUpgrade`; nobody but governance may send it).

use agora_tx::{to_any, TxBuilder};
use agora_upgrade::{Plan, UpgradeMsg};
use anyhow::{anyhow, Result};
use clap::{Args, Subcommand};
use cosmos_sdk_proto::cosmos::gov::v1 as gov_pb;
use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as pb;
use cosmos_sdk_proto::Any;
use serde_json::{json, Value};

use crate::cmd::staking::{At, From};
use crate::cmd::tx::{broadcast_signed, TxOpts};
use crate::keyring::Keyring;
use crate::GlobalOpts;

/// What every proposal of these commands carries besides its message.
#[derive(Args, Debug)]
pub struct ProposalArgs {
    #[arg(long)]
    pub title: String,
    #[arg(long)]
    pub summary: String,
    /// Deposit sent with the proposal, e.g. 10000000uagora
    #[arg(long, default_value = "")]
    pub deposit: String,
    #[arg(long, default_value = "")]
    pub metadata: String,
    /// A shorter vote with a higher threshold
    #[arg(long)]
    pub expedited: bool,
}

#[derive(Subcommand, Debug)]
pub enum UpgradeTx {
    /// Propose a software upgrade: at --upgrade-height every node halts unless its binary
    /// carries the upgrade's handler
    SoftwareUpgrade {
        name: String,
        #[arg(long)]
        upgrade_height: u64,
        /// Free text for operators and cosmovisor (e.g. JSON naming the binaries)
        #[arg(long, default_value = "")]
        upgrade_info: String,
        #[command(flatten)]
        proposal: ProposalArgs,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Propose to cancel the scheduled upgrade
    CancelSoftwareUpgrade {
        #[command(flatten)]
        proposal: ProposalArgs,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
}

#[derive(Subcommand, Debug)]
pub enum UpgradeQuery {
    /// The scheduled upgrade, if any
    Plan {
        #[command(flatten)]
        at: At,
    },
    /// The height an upgrade was applied at (0: never)
    Applied {
        name: String,
        #[command(flatten)]
        at: At,
    },
    /// Each module's consensus version, or one module's
    ModuleVersions {
        name: Option<String>,
        #[command(flatten)]
        at: At,
    },
}

fn propose(g: &GlobalOpts, message: Any, proposal: ProposalArgs, from: From, common: TxOpts, what: &str) -> Result<()> {
    let key = Keyring::open(&g.home()?).signing_key(&from.from)?;
    let deposit: agora_types::Coins = if proposal.deposit.is_empty() {
        agora_types::Coins::new()
    } else {
        proposal.deposit.parse().map_err(|e| anyhow!("invalid deposit {:?}: {e}", proposal.deposit))?
    };
    let msg = gov_pb::MsgSubmitProposal {
        messages: vec![message],
        initial_deposit: deposit.to_protos(),
        proposer: key.address().to_bech32(),
        metadata: proposal.metadata,
        title: proposal.title,
        summary: proposal.summary,
        expedited: proposal.expedited,
    };
    broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, what)
}

pub fn run_tx(g: &GlobalOpts, cmd: UpgradeTx) -> Result<()> {
    let authority = agora_types::Address::module("gov");
    match cmd {
        UpgradeTx::SoftwareUpgrade { name, upgrade_height, upgrade_info, proposal, from, common } => {
            let plan = Plan { name: name.clone(), height: upgrade_height, info: upgrade_info };
            // The rules a node applies, before anything is signed.
            Plan::from_proto(&plan.to_proto()).map_err(|e| anyhow!("{e}"))?;
            let what = format!("propose upgrade {name:?} at height {upgrade_height}");
            propose(g, UpgradeMsg::SoftwareUpgrade { authority, plan }.to_any(), proposal, from, common, &what)
        }
        UpgradeTx::CancelSoftwareUpgrade { proposal, from, common } => {
            let msg = to_any(&pb::MsgCancelUpgrade { authority: authority.to_bech32() });
            propose(g, msg, proposal, from, common, "propose to cancel the scheduled upgrade")
        }
    }
}

pub fn run_query(g: &GlobalOpts, cmd: UpgradeQuery) -> Result<Value> {
    let rpc = g.rpc();
    macro_rules! q {
        ($method:literal, $req:expr, $at:expr) => {
            rpc.query_proto(concat!("/cosmos.upgrade.v1beta1.Query/", $method), &$req, $at.height)?
        };
    }
    Ok(match cmd {
        UpgradeQuery::Plan { at } => {
            let res: pb::QueryCurrentPlanResponse = q!("CurrentPlan", pb::QueryCurrentPlanRequest {}, at);
            match res.plan {
                Some(plan) => json!({ "name": plan.name, "height": plan.height.to_string(), "info": plan.info }),
                None => Value::Null,
            }
        }
        UpgradeQuery::Applied { name, at } => {
            let res: pb::QueryAppliedPlanResponse = q!("AppliedPlan", pb::QueryAppliedPlanRequest { name }, at);
            json!({ "height": res.height.to_string() })
        }
        UpgradeQuery::ModuleVersions { name, at } => {
            let req = pb::QueryModuleVersionsRequest { module_name: name.unwrap_or_default() };
            let res: pb::QueryModuleVersionsResponse = q!("ModuleVersions", req, at);
            let versions: Vec<Value> = res.module_versions.iter().map(|v| json!({ "name": v.name, "version": v.version.to_string() })).collect();
            json!({ "module_versions": versions })
        }
    })
}
