//! `agorad query provider|audit|deployment|market|escrow …`: the marketplace queries over
//! `abci_query`. Every one takes `--height` and prints the JSON of [`super::json`].

use agora_proto::audit::v1 as apb;
use agora_proto::deployment::v1 as dpb;
use agora_proto::escrow::v1 as epb;
use agora_proto::market::v1 as mpb;
use agora_proto::provider::v1 as ppb;
use anyhow::{anyhow, bail, Result};
use base64::Engine as _;
use clap::{Args, Subcommand, ValueEnum};
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;
use serde_json::{json, Value};

use super::files::parse_key_value;
use super::json as j;
use super::tx::OrderSeq;
use crate::cmd::resolve_address;
use crate::rpc::Rpc;
use crate::GlobalOpts;

pub const PROVIDERS_PATH: &str = "/agora.provider.v1.Query/Providers";
pub const PROVIDER_PATH: &str = "/agora.provider.v1.Query/Provider";
pub const PROVIDER_PARAMS_PATH: &str = "/agora.provider.v1.Query/Params";
pub const GPU_UTILIZATION_PATH: &str = "/agora.provider.v1.Query/GpuUtilization";
pub const PROVIDER_ATTRIBUTES_PATH: &str = "/agora.audit.v1.Query/ProviderAttributes";
pub const PROVIDER_AUDITOR_PATH: &str = "/agora.audit.v1.Query/ProviderAuditor";
pub const DEPLOYMENTS_PATH: &str = "/agora.deployment.v1.Query/Deployments";
pub const DEPLOYMENT_PATH: &str = "/agora.deployment.v1.Query/Deployment";
pub const GROUP_PATH: &str = "/agora.deployment.v1.Query/Group";
pub const DEPLOYMENT_PARAMS_PATH: &str = "/agora.deployment.v1.Query/Params";
pub const ORDERS_PATH: &str = "/agora.market.v1.Query/Orders";
pub const ORDER_PATH: &str = "/agora.market.v1.Query/Order";
pub const BIDS_PATH: &str = "/agora.market.v1.Query/Bids";
pub const BID_PATH: &str = "/agora.market.v1.Query/Bid";
pub const LEASES_PATH: &str = "/agora.market.v1.Query/Leases";
pub const LEASE_PATH: &str = "/agora.market.v1.Query/Lease";
pub const MARKET_PARAMS_PATH: &str = "/agora.market.v1.Query/Params";
pub const ESCROW_ACCOUNT_PATH: &str = "/agora.escrow.v1.Query/Account";
pub const ESCROW_PAYMENTS_PATH: &str = "/agora.escrow.v1.Query/Payments";
pub const ESCROW_PARAMS_PATH: &str = "/agora.escrow.v1.Query/Params";

/// `--height` of every query.
#[derive(Args, Debug, Clone, Copy)]
pub struct At {
    /// Query the state at this height (default: latest)
    #[arg(long)]
    pub height: Option<u64>,
}

/// Cosmos paging flags of list queries.
#[derive(Args, Debug, Clone)]
pub struct PageOpts {
    /// Most items per page (default: the chain's page size)
    #[arg(long)]
    pub limit: Option<u64>,
    /// Resume after this key (the `next_key` of the previous page, base64)
    #[arg(long)]
    pub page_key: Option<String>,
    /// Skip this many items (instead of --page-key)
    #[arg(long)]
    pub offset: Option<u64>,
    /// Also count all matching items (pagination.total)
    #[arg(long)]
    pub count_total: bool,
}

impl PageOpts {
    pub(crate) fn to_proto(&self) -> Result<Option<PageRequest>> {
        if self.limit.is_none() && self.page_key.is_none() && self.offset.is_none() && !self.count_total {
            return Ok(None);
        }
        if self.page_key.is_some() && self.offset.is_some() {
            bail!("use either --page-key or --offset, not both");
        }
        let key = match &self.page_key {
            Some(k) => base64::engine::general_purpose::STANDARD
                .decode(k.trim())
                .map_err(|e| anyhow!("invalid --page-key {k:?}: not base64 ({e})"))?,
            None => Vec::new(),
        };
        Ok(Some(PageRequest {
            key,
            offset: self.offset.unwrap_or(0),
            limit: self.limit.unwrap_or(0),
            count_total: self.count_total,
            reverse: false,
        }))
    }
}

// ---------------------------------------------------------------------------------------------
// provider and audit

#[derive(Subcommand, Debug)]
pub enum ProviderQuery {
    /// Registered providers, optionally filtered
    List {
        /// Only providers with this attribute: key=value, or key for any value
        #[arg(long)]
        attr: Option<String>,
        /// Only providers with capacity of this GPU model (e.g. a100)
        #[arg(long)]
        gpu_model: Option<String>,
        #[command(flatten)]
        page: PageOpts,
        #[command(flatten)]
        at: At,
    },
    /// One provider
    Get {
        /// Provider address or key name
        provider: String,
        #[command(flatten)]
        at: At,
    },
    /// Registered and leased GPUs per class, over all active providers
    GpuUtilization {
        #[command(flatten)]
        at: At,
    },
    /// Provider module parameters
    Params {
        #[command(flatten)]
        at: At,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditQuery {
    /// Attributes auditors have signed for a provider (all auditors, or --auditor's)
    Get {
        /// Provider address or key name
        provider: String,
        /// Only this auditor's record (address or key name)
        #[arg(long)]
        auditor: Option<String>,
        #[command(flatten)]
        page: PageOpts,
        #[command(flatten)]
        at: At,
    },
}

pub fn run_provider(g: &GlobalOpts, cmd: ProviderQuery) -> Result<Value> {
    let rpc = g.rpc();
    let home = g.home()?;
    Ok(match cmd {
        ProviderQuery::List { attr, gpu_model, page, at } => {
            let (attribute_key, attribute_value) = match attr.as_deref() {
                None => (String::new(), String::new()),
                Some(a) if a.contains('=') => {
                    let kv = parse_key_value(a)?;
                    (kv.key, kv.value)
                }
                Some(a) => (a.to_string(), String::new()),
            };
            let req = ppb::QueryProvidersRequest {
                pagination: page.to_proto()?,
                attribute_key,
                attribute_value,
                gpu_model: gpu_model.map(|m| m.to_ascii_lowercase()).unwrap_or_default(),
            };
            let resp: ppb::QueryProvidersResponse = rpc.query_proto(PROVIDERS_PATH, &req, at.height)?;
            json!({ "providers": resp.providers.iter().map(j::provider).collect::<Vec<_>>(), "pagination": j::page(resp.pagination.as_ref()) })
        }
        ProviderQuery::Get { provider, at } => {
            let owner = resolve_address(&home, &provider)?.to_bech32();
            let resp: ppb::QueryProviderResponse = rpc.query_proto(PROVIDER_PATH, &ppb::QueryProviderRequest { owner }, at.height)?;
            let p = resp.provider.ok_or_else(|| anyhow!("the chain answered no provider"))?;
            j::provider(&p)
        }
        ProviderQuery::GpuUtilization { at } => {
            let resp: ppb::QueryGpuUtilizationResponse =
                rpc.query_proto(GPU_UTILIZATION_PATH, &ppb::QueryGpuUtilizationRequest {}, at.height)?;
            json!({ "classes": resp.classes.iter().map(j::gpu_utilization).collect::<Vec<_>>() })
        }
        ProviderQuery::Params { at } => {
            let resp: ppb::QueryParamsResponse = rpc.query_proto(PROVIDER_PARAMS_PATH, &ppb::QueryParamsRequest {}, at.height)?;
            json!({ "params": resp.params.as_ref().map_or(Value::Null, j::provider_params) })
        }
    })
}

pub fn run_audit(g: &GlobalOpts, cmd: AuditQuery) -> Result<Value> {
    let rpc = g.rpc();
    let home = g.home()?;
    Ok(match cmd {
        AuditQuery::Get { provider, auditor: Some(auditor), page: _, at } => {
            let req = apb::QueryProviderAuditorRequest {
                provider: resolve_address(&home, &provider)?.to_bech32(),
                auditor: resolve_address(&home, &auditor)?.to_bech32(),
            };
            let resp: apb::QueryProviderAuditorResponse = rpc.query_proto(PROVIDER_AUDITOR_PATH, &req, at.height)?;
            let a = resp.attributes.ok_or_else(|| anyhow!("the chain answered no record"))?;
            j::audited_attributes(&a)
        }
        AuditQuery::Get { provider, auditor: None, page, at } => {
            let req = apb::QueryProviderAttributesRequest {
                provider: resolve_address(&home, &provider)?.to_bech32(),
                pagination: page.to_proto()?,
            };
            let resp: apb::QueryProviderAttributesResponse = rpc.query_proto(PROVIDER_ATTRIBUTES_PATH, &req, at.height)?;
            json!({
                "attributes": resp.attributes.iter().map(j::audited_attributes).collect::<Vec<_>>(),
                "pagination": j::page(resp.pagination.as_ref()),
            })
        }
    })
}

// ---------------------------------------------------------------------------------------------
// deployment

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum DeploymentStateArg {
    Active,
    Closed,
}

#[derive(Subcommand, Debug)]
pub enum DeploymentQuery {
    /// Deployments (with their groups and escrow account), optionally filtered
    List {
        /// Only this owner's (address or key name)
        #[arg(long)]
        owner: Option<String>,
        #[arg(long, value_enum)]
        state: Option<DeploymentStateArg>,
        #[command(flatten)]
        page: PageOpts,
        #[command(flatten)]
        at: At,
    },
    /// One deployment, its groups and its escrow account (settled to the queried height)
    Get {
        #[arg(long)]
        owner: String,
        #[arg(long)]
        dseq: u64,
        #[command(flatten)]
        at: At,
    },
    /// One group of a deployment
    Group {
        #[arg(long)]
        owner: String,
        #[arg(long)]
        dseq: u64,
        #[arg(long, default_value_t = 1)]
        gseq: u32,
        #[command(flatten)]
        at: At,
    },
    /// Deployment module parameters
    Params {
        #[command(flatten)]
        at: At,
    },
}

pub fn run_deployment(g: &GlobalOpts, cmd: DeploymentQuery) -> Result<Value> {
    let rpc = g.rpc();
    let home = g.home()?;
    Ok(match cmd {
        DeploymentQuery::List { owner, state, page, at } => {
            let state = match state {
                None => dpb::DeploymentState::Unspecified,
                Some(DeploymentStateArg::Active) => dpb::DeploymentState::Active,
                Some(DeploymentStateArg::Closed) => dpb::DeploymentState::Closed,
            };
            let req = dpb::QueryDeploymentsRequest {
                owner: owner.map(|o| resolve_address(&home, &o)).transpose()?.map(|a| a.to_bech32()).unwrap_or_default(),
                state: state as i32,
                pagination: page.to_proto()?,
            };
            let resp: dpb::QueryDeploymentsResponse = rpc.query_proto(DEPLOYMENTS_PATH, &req, at.height)?;
            json!({
                "deployments": resp.deployments.iter().map(j::deployment_response).collect::<Vec<_>>(),
                "pagination": j::page(resp.pagination.as_ref()),
            })
        }
        DeploymentQuery::Get { owner, dseq, at } => {
            let id = dpb::DeploymentId { owner: resolve_address(&home, &owner)?.to_bech32(), dseq };
            let resp: dpb::QueryDeploymentResponse = rpc.query_proto(DEPLOYMENT_PATH, &dpb::QueryDeploymentRequest { id: Some(id) }, at.height)?;
            j::deployment_response(&resp)
        }
        DeploymentQuery::Group { owner, dseq, gseq, at } => {
            let id = dpb::GroupId { owner: resolve_address(&home, &owner)?.to_bech32(), dseq, gseq };
            let resp: dpb::QueryGroupResponse = rpc.query_proto(GROUP_PATH, &dpb::QueryGroupRequest { id: Some(id) }, at.height)?;
            let group = resp.group.ok_or_else(|| anyhow!("the chain answered no group"))?;
            j::group(&group)
        }
        DeploymentQuery::Params { at } => {
            let resp: dpb::QueryParamsResponse = rpc.query_proto(DEPLOYMENT_PARAMS_PATH, &dpb::QueryParamsRequest {}, at.height)?;
            json!({ "params": resp.params.as_ref().map_or(Value::Null, j::deployment_params) })
        }
    })
}

// ---------------------------------------------------------------------------------------------
// market

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum OrderStateArg {
    Open,
    Active,
    Closed,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum BidStateArg {
    Open,
    Active,
    Lost,
    Closed,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum LeaseStateArg {
    Active,
    Closed,
    InsufficientFunds,
}

#[derive(Subcommand, Debug)]
pub enum MarketQuery {
    /// Orders
    #[command(subcommand)]
    Order(OrderQuery),
    /// Bids
    #[command(subcommand)]
    Bid(BidQuery),
    /// Leases (with their escrow payment, settled to the queried height)
    #[command(subcommand)]
    Lease(LeaseQuery),
    /// Market module parameters
    Params {
        #[command(flatten)]
        at: At,
    },
}

#[derive(Subcommand, Debug)]
pub enum OrderQuery {
    /// Orders, optionally of one owner and in one state
    List {
        #[arg(long)]
        owner: Option<String>,
        #[arg(long, value_enum)]
        state: Option<OrderStateArg>,
        #[command(flatten)]
        page: PageOpts,
        #[command(flatten)]
        at: At,
    },
    /// One order
    Get {
        #[arg(long)]
        owner: String,
        #[command(flatten)]
        order: OrderSeq,
        #[command(flatten)]
        at: At,
    },
}

#[derive(Subcommand, Debug)]
pub enum BidQuery {
    /// Bids on one order (--owner --dseq [--gseq --oseq]) or of one provider (--provider)
    List {
        /// Owner of the order (with --dseq, --gseq, --oseq)
        #[arg(long, conflicts_with = "provider", requires = "dseq")]
        owner: Option<String>,
        #[arg(long)]
        dseq: Option<u64>,
        #[arg(long, default_value_t = 1)]
        gseq: u32,
        #[arg(long, default_value_t = 1)]
        oseq: u32,
        /// Only this provider's bids
        #[arg(long, required_unless_present = "owner")]
        provider: Option<String>,
        #[arg(long, value_enum)]
        state: Option<BidStateArg>,
        #[command(flatten)]
        page: PageOpts,
        #[command(flatten)]
        at: At,
    },
    /// One bid
    Get {
        #[arg(long)]
        owner: String,
        #[arg(long)]
        provider: String,
        #[command(flatten)]
        order: OrderSeq,
        #[command(flatten)]
        at: At,
    },
}

#[derive(Subcommand, Debug)]
pub enum LeaseQuery {
    /// Leases of one tenant (--owner) or one provider (--provider)
    List {
        #[arg(long, conflicts_with = "provider")]
        owner: Option<String>,
        #[arg(long, required_unless_present = "owner")]
        provider: Option<String>,
        #[arg(long, value_enum)]
        state: Option<LeaseStateArg>,
        #[command(flatten)]
        page: PageOpts,
        #[command(flatten)]
        at: At,
    },
    /// One lease and its escrow payment
    Get {
        #[arg(long)]
        owner: String,
        #[arg(long)]
        provider: String,
        #[command(flatten)]
        order: OrderSeq,
        #[command(flatten)]
        at: At,
    },
}

fn addr(home: &std::path::Path, s: &str) -> Result<agora_types::Address> {
    resolve_address(home, s)
}

pub fn run_market(g: &GlobalOpts, cmd: MarketQuery) -> Result<Value> {
    let rpc = g.rpc();
    let home = g.home()?;
    Ok(match cmd {
        MarketQuery::Order(OrderQuery::List { owner, state, page, at }) => {
            let state = match state {
                None => mpb::OrderState::Unspecified,
                Some(OrderStateArg::Open) => mpb::OrderState::Open,
                Some(OrderStateArg::Active) => mpb::OrderState::Active,
                Some(OrderStateArg::Closed) => mpb::OrderState::Closed,
            };
            let req = mpb::QueryOrdersRequest {
                owner: owner.map(|o| addr(&home, &o)).transpose()?.map(|a| a.to_bech32()).unwrap_or_default(),
                state: state as i32,
                pagination: page.to_proto()?,
            };
            let resp: mpb::QueryOrdersResponse = rpc.query_proto(ORDERS_PATH, &req, at.height)?;
            json!({ "orders": resp.orders.iter().map(j::order).collect::<Vec<_>>(), "pagination": j::page(resp.pagination.as_ref()) })
        }
        MarketQuery::Order(OrderQuery::Get { owner, order, at }) => {
            let id = order.order_id(&addr(&home, &owner)?);
            let resp: mpb::QueryOrderResponse = rpc.query_proto(ORDER_PATH, &mpb::QueryOrderRequest { id: Some(id) }, at.height)?;
            j::order(&resp.order.ok_or_else(|| anyhow!("the chain answered no order"))?)
        }
        MarketQuery::Bid(BidQuery::List { owner, dseq, gseq, oseq, provider, state, page, at }) => {
            let state = match state {
                None => mpb::BidState::Unspecified,
                Some(BidStateArg::Open) => mpb::BidState::Open,
                Some(BidStateArg::Active) => mpb::BidState::Active,
                Some(BidStateArg::Lost) => mpb::BidState::Lost,
                Some(BidStateArg::Closed) => mpb::BidState::Closed,
            };
            let order_id = match (owner, dseq) {
                (Some(owner), Some(dseq)) => Some(OrderSeq { dseq, gseq, oseq }.order_id(&addr(&home, &owner)?)),
                (Some(_), None) => bail!("--owner needs --dseq (and --gseq, --oseq, default 1)"),
                (None, _) => None,
            };
            let provider = provider.map(|p| addr(&home, &p)).transpose()?.map(|a| a.to_bech32()).unwrap_or_default();
            if order_id.is_none() && provider.is_empty() {
                bail!("give an order (--owner --dseq [--gseq --oseq]) or --provider");
            }
            let req = mpb::QueryBidsRequest { order_id, provider, state: state as i32, pagination: page.to_proto()? };
            let resp: mpb::QueryBidsResponse = rpc.query_proto(BIDS_PATH, &req, at.height)?;
            json!({ "bids": resp.bids.iter().map(j::bid).collect::<Vec<_>>(), "pagination": j::page(resp.pagination.as_ref()) })
        }
        MarketQuery::Bid(BidQuery::Get { owner, provider, order, at }) => {
            let id = order.bid_id(&addr(&home, &owner)?, &addr(&home, &provider)?);
            let resp: mpb::QueryBidResponse = rpc.query_proto(BID_PATH, &mpb::QueryBidRequest { id: Some(id) }, at.height)?;
            j::bid(&resp.bid.ok_or_else(|| anyhow!("the chain answered no bid"))?)
        }
        MarketQuery::Lease(LeaseQuery::List { owner, provider, state, page, at }) => {
            let state = match state {
                None => mpb::LeaseState::Unspecified,
                Some(LeaseStateArg::Active) => mpb::LeaseState::Active,
                Some(LeaseStateArg::Closed) => mpb::LeaseState::Closed,
                Some(LeaseStateArg::InsufficientFunds) => mpb::LeaseState::InsufficientFunds,
            };
            let owner = owner.map(|o| addr(&home, &o)).transpose()?.map(|a| a.to_bech32()).unwrap_or_default();
            let provider = provider.map(|p| addr(&home, &p)).transpose()?.map(|a| a.to_bech32()).unwrap_or_default();
            if owner.is_empty() && provider.is_empty() {
                bail!("give --owner or --provider");
            }
            let req = mpb::QueryLeasesRequest { owner, provider, state: state as i32, pagination: page.to_proto()? };
            let resp: mpb::QueryLeasesResponse = rpc.query_proto(LEASES_PATH, &req, at.height)?;
            json!({ "leases": resp.leases.iter().map(j::lease_response).collect::<Vec<_>>(), "pagination": j::page(resp.pagination.as_ref()) })
        }
        MarketQuery::Lease(LeaseQuery::Get { owner, provider, order, at }) => {
            let id = order.bid_id(&addr(&home, &owner)?, &addr(&home, &provider)?);
            let resp: mpb::QueryLeaseResponse = rpc.query_proto(LEASE_PATH, &mpb::QueryLeaseRequest { id: Some(id) }, at.height)?;
            j::lease_response(&resp)
        }
        MarketQuery::Params { at } => {
            let resp: mpb::QueryParamsResponse = rpc.query_proto(MARKET_PARAMS_PATH, &mpb::QueryParamsRequest {}, at.height)?;
            json!({ "params": resp.params.as_ref().map_or(Value::Null, j::market_params) })
        }
    })
}

// ---------------------------------------------------------------------------------------------
// escrow

#[derive(Subcommand, Debug)]
pub enum EscrowQuery {
    /// A deployment's escrow account, settled to the queried height
    Account {
        #[arg(long)]
        owner: String,
        #[arg(long)]
        dseq: u64,
        #[command(flatten)]
        at: At,
    },
    /// Payments of one account (--owner --dseq) or to one provider (--provider)
    Payments {
        #[arg(long, conflicts_with = "provider", requires = "dseq")]
        owner: Option<String>,
        #[arg(long)]
        dseq: Option<u64>,
        #[arg(long, required_unless_present = "owner")]
        provider: Option<String>,
        #[command(flatten)]
        page: PageOpts,
        #[command(flatten)]
        at: At,
    },
    /// Escrow module parameters (take rates)
    Params {
        #[command(flatten)]
        at: At,
    },
}

pub fn run_escrow(g: &GlobalOpts, cmd: EscrowQuery) -> Result<Value> {
    let rpc: Rpc = g.rpc();
    let home = g.home()?;
    Ok(match cmd {
        EscrowQuery::Account { owner, dseq, at } => {
            let id = epb::AccountId { owner: addr(&home, &owner)?.to_bech32(), dseq };
            let resp: epb::QueryAccountResponse = rpc.query_proto(ESCROW_ACCOUNT_PATH, &epb::QueryAccountRequest { id: Some(id) }, at.height)?;
            j::escrow_account(&resp.account.ok_or_else(|| anyhow!("the chain answered no account"))?)
        }
        EscrowQuery::Payments { owner, dseq, provider, page, at } => {
            let account_id = match (owner, dseq) {
                (Some(owner), Some(dseq)) => Some(epb::AccountId { owner: addr(&home, &owner)?.to_bech32(), dseq }),
                (Some(_), None) => bail!("--owner needs --dseq"),
                (None, _) => None,
            };
            let provider = provider.map(|p| addr(&home, &p)).transpose()?.map(|a| a.to_bech32()).unwrap_or_default();
            if account_id.is_none() && provider.is_empty() {
                bail!("give an account (--owner --dseq) or --provider");
            }
            let req = epb::QueryPaymentsRequest { account_id, owner: provider, pagination: page.to_proto()? };
            let resp: epb::QueryPaymentsResponse = rpc.query_proto(ESCROW_PAYMENTS_PATH, &req, at.height)?;
            json!({ "payments": resp.payments.iter().map(j::payment).collect::<Vec<_>>(), "pagination": j::page(resp.pagination.as_ref()) })
        }
        EscrowQuery::Params { at } => {
            let resp: epb::QueryParamsResponse = rpc.query_proto(ESCROW_PARAMS_PATH, &epb::QueryParamsRequest {}, at.height)?;
            json!({ "params": resp.params.as_ref().map_or(Value::Null, j::escrow_params) })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_flags() {
        let none = PageOpts { limit: None, page_key: None, offset: None, count_total: false };
        assert_eq!(none.to_proto().expect("none"), None);
        let p = PageOpts { limit: Some(5), page_key: Some("AQI=".into()), offset: None, count_total: true };
        assert_eq!(
            p.to_proto().expect("page"),
            Some(PageRequest { key: vec![1, 2], offset: 0, limit: 5, count_total: true, reverse: false })
        );
        let both = PageOpts { limit: None, page_key: Some("AQI=".into()), offset: Some(1), count_total: false };
        assert!(both.to_proto().is_err());
        let bad = PageOpts { limit: None, page_key: Some("!!".into()), offset: None, count_total: false };
        assert!(bad.to_proto().is_err());
    }
}
