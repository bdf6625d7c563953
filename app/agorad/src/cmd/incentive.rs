//! `agorad tx incentive claim` and `agorad query incentive …`: provider rewards. Responses
//! print as their protobuf JSON (field names as in `agora/incentive/v1/incentive.proto`).

use agora_proto::incentive::v1 as pb;
use agora_tx::TxBuilder;
use anyhow::{anyhow, Result};
use clap::Subcommand;
use serde_json::Value;

use crate::cmd::market::query::PageOpts;
use crate::cmd::resolve_address;
use crate::cmd::staking::{At, From};
use crate::cmd::tx::{broadcast_signed, TxOpts};
use crate::keyring::Keyring;
use crate::GlobalOpts;

#[derive(Subcommand, Debug)]
pub enum IncentiveTx {
    /// Claim the signer's vested provider rewards (whole units)
    Claim {
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
}

pub fn run_tx(g: &GlobalOpts, cmd: IncentiveTx) -> Result<()> {
    let home = g.home()?;
    match cmd {
        IncentiveTx::Claim { from, common } => {
            let key = Keyring::open(&home).signing_key(&from.from)?;
            let builder = TxBuilder::new().message(&pb::MsgClaimRewards { provider: key.address().to_bech32() });
            broadcast_signed(g, &key, builder, &common, "claim provider rewards")
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum IncentiveQuery {
    /// The incentive parameters (epochs, shares, class weights, caps, vesting)
    Params {
        #[command(flatten)]
        at: At,
    },
    /// The pool (unallocated and owed) and the current epoch
    Pool {
        #[command(flatten)]
        at: At,
    },
    /// Every weighted class's budget, utilization and rates for one ended epoch (default: the last)
    EpochRates {
        #[arg(long)]
        epoch: Option<u64>,
        #[command(flatten)]
        at: At,
    },
    /// One GPU class's epochs: utilization, budgets and rates, oldest first
    ClassHistory {
        #[arg(long)]
        vendor: String,
        #[arg(long)]
        model: String,
        #[arg(long)]
        vram_gib: u32,
        #[arg(long)]
        interface: String,
        #[command(flatten)]
        page: PageOpts,
        #[command(flatten)]
        at: At,
    },
    /// A provider's vested, vesting, claimed and forfeited rewards (address or key name)
    Rewards {
        provider: String,
        #[command(flatten)]
        at: At,
    },
}

fn json<M: serde::Serialize>(message: &M) -> Result<Value> {
    serde_json::to_value(message).map_err(|e| anyhow!("cannot print the answer: {e}"))
}

pub fn run_query(g: &GlobalOpts, cmd: IncentiveQuery) -> Result<Value> {
    let rpc = g.rpc();
    match cmd {
        IncentiveQuery::Params { at } => {
            json(&rpc.query_proto::<_, pb::QueryParamsResponse>("/agora.incentive.v1.Query/Params", &pb::QueryParamsRequest {}, at.height)?)
        }
        IncentiveQuery::Pool { at } => {
            json(&rpc.query_proto::<_, pb::QueryPoolResponse>("/agora.incentive.v1.Query/Pool", &pb::QueryPoolRequest {}, at.height)?)
        }
        IncentiveQuery::EpochRates { epoch, at } => json(&rpc.query_proto::<_, pb::QueryEpochRatesResponse>(
            "/agora.incentive.v1.Query/EpochRates",
            &pb::QueryEpochRatesRequest { epoch: epoch.unwrap_or(0), latest: epoch.is_none() },
            at.height,
        )?),
        IncentiveQuery::ClassHistory { vendor, model, vram_gib, interface, page, at } => {
            let class = pb::GpuClassId { vendor: vendor.to_lowercase(), model: model.to_lowercase(), vram_gib, interface: interface.to_lowercase() };
            let req = pb::QueryClassHistoryRequest { class: Some(class), pagination: page.to_proto()? };
            json(&rpc.query_proto::<_, pb::QueryClassHistoryResponse>("/agora.incentive.v1.Query/ClassHistory", &req, at.height)?)
        }
        IncentiveQuery::Rewards { provider, at } => {
            let provider = resolve_address(&g.home()?, &provider)?.to_bech32();
            json(&rpc.query_proto::<_, pb::QueryProviderRewardsResponse>(
                "/agora.incentive.v1.Query/ProviderRewards",
                &pb::QueryProviderRewardsRequest { provider },
                at.height,
            )?)
        }
    }
}
