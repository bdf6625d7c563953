//! JSON forms of the marketplace protobuf messages, for `-o json` (and, through
//! [`crate::output`], the text form). Field names are the proto's snake_case names; 64-bit
//! integers are strings (proto3 JSON), 32-bit ones numbers; enums are their lower-case short
//! names (`ORDER_STATE_OPEN` is `"open"`); ids are objects; coins and decimal coins are
//! `{denom, amount}` with a string amount; bytes are hex (version hashes) or base64 (page keys).

use agora_proto::audit::v1 as apb;
use agora_proto::base::v1 as bpb;
use agora_proto::deployment::v1 as dpb;
use agora_proto::escrow::v1 as epb;
use agora_proto::market::v1 as mpb;
use agora_proto::provider::v1 as ppb;
use base64::Engine as _;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use serde_json::{json, Value};

/// `PREFIX_NAME` → `"name"`; a value the enum does not know stays visible as its number.
fn enum_name(name: Option<&str>, prefix: &str, raw: i32) -> Value {
    match name {
        Some(n) => Value::String(n.strip_prefix(prefix).unwrap_or(n).to_ascii_lowercase()),
        None => Value::String(format!("unknown({raw})")),
    }
}

macro_rules! enum_json {
    ($fn:ident, $ty:ty, $prefix:literal) => {
        pub fn $fn(raw: i32) -> Value {
            enum_name(<$ty>::try_from(raw).ok().map(|e| e.as_str_name()), $prefix, raw)
        }
    };
}

enum_json!(provider_state, ppb::ProviderState, "PROVIDER_STATE_");
enum_json!(deployment_state, dpb::DeploymentState, "DEPLOYMENT_STATE_");
enum_json!(group_state, dpb::GroupState, "GROUP_STATE_");
enum_json!(order_state, mpb::OrderState, "ORDER_STATE_");
enum_json!(bid_state, mpb::BidState, "BID_STATE_");
enum_json!(lease_state, mpb::LeaseState, "LEASE_STATE_");
enum_json!(close_reason, mpb::LeaseCloseReason, "LEASE_CLOSE_REASON_");
enum_json!(account_state, epb::AccountState, "ACCOUNT_STATE_");
enum_json!(payment_state, epb::PaymentState, "PAYMENT_STATE_");

fn opt<T>(v: Option<&T>, f: impl FnOnce(&T) -> Value) -> Value {
    v.map_or(Value::Null, f)
}

fn list<T>(items: &[T], f: impl Fn(&T) -> Value) -> Value {
    Value::Array(items.iter().map(f).collect())
}

pub fn coin(c: &Coin) -> Value {
    json!({ "denom": c.denom, "amount": c.amount })
}

pub fn dec_coin(c: &bpb::DecCoin) -> Value {
    json!({ "denom": c.denom, "amount": c.amount })
}

pub fn page(p: Option<&PageResponse>) -> Value {
    opt(p, |p| {
        let next_key = match p.next_key.is_empty() {
            true => Value::Null,
            false => Value::String(base64::engine::general_purpose::STANDARD.encode(&p.next_key)),
        };
        json!({ "next_key": next_key, "total": p.total.to_string() })
    })
}

pub fn attribute(a: &bpb::Attribute) -> Value {
    json!({ "key": a.key, "value": a.value })
}

pub fn storage(s: &bpb::StorageCapacity) -> Value {
    json!({ "class": s.class, "bytes": s.bytes.to_string() })
}

pub fn gpu_class(g: &bpb::GpuClass) -> Value {
    json!({ "vendor": g.vendor, "model": g.model, "vram_gib": g.vram_gib, "interface": g.interface, "count": g.count })
}

pub fn resources(r: &bpb::Resources) -> Value {
    json!({
        "cpu_millis": r.cpu_millis.to_string(),
        "memory_bytes": r.memory_bytes.to_string(),
        "storage": list(&r.storage, storage),
        "gpus": list(&r.gpus, gpu_class),
    })
}

// --- provider and audit ---

pub fn provider(p: &ppb::Provider) -> Value {
    json!({
        "owner": p.owner,
        "host_uri": p.host_uri,
        "attributes": list(&p.attributes, attribute),
        "info": opt(p.info.as_ref(), |i| json!({ "email": i.email, "website": i.website })),
        "capacity": opt(p.capacity.as_ref(), resources),
        "allocated": opt(p.allocated.as_ref(), resources),
        "bond": opt(p.bond.as_ref(), coin),
        "state": provider_state(p.state),
        "unbonding_height": p.unbonding_height.to_string(),
        "active_leases": p.active_leases,
        "open_bids": p.open_bids,
        "created_height": p.created_height.to_string(),
        "jailed_until": p.jailed_until.to_string(),
        "tombstoned": p.tombstoned,
        "operator": p.operator,
    })
}

pub fn gpu_utilization(g: &ppb::GpuUtilization) -> Value {
    json!({
        "vendor": g.vendor,
        "model": g.model,
        "vram_gib": g.vram_gib,
        "interface": g.interface,
        "registered": g.registered.to_string(),
        "leased": g.leased.to_string(),
    })
}

pub fn provider_params(p: &ppb::Params) -> Value {
    json!({
        "min_bond": opt(p.min_bond.as_ref(), coin),
        "unbonding_blocks": p.unbonding_blocks.to_string(),
        "max_attributes": p.max_attributes,
        "max_attribute_value_len": p.max_attribute_value_len,
        "max_gpu_classes": p.max_gpu_classes,
        "max_storage_classes": p.max_storage_classes,
    })
}

pub fn audited_attributes(a: &apb::AuditedAttributes) -> Value {
    json!({ "provider": a.provider, "auditor": a.auditor, "attributes": list(&a.attributes, attribute) })
}

// --- deployment ---

pub fn deployment_id(id: &dpb::DeploymentId) -> Value {
    json!({ "owner": id.owner, "dseq": id.dseq.to_string() })
}

pub fn group_id(id: &dpb::GroupId) -> Value {
    json!({ "owner": id.owner, "dseq": id.dseq.to_string(), "gseq": id.gseq })
}

pub fn gpu_request(g: &dpb::GpuRequest) -> Value {
    json!({ "count": g.count, "vendor": g.vendor, "model": g.model, "min_vram_gib": g.min_vram_gib, "interface": g.interface })
}

pub fn resource_unit(u: &dpb::ResourceUnit) -> Value {
    json!({
        "cpu_millis": u.cpu_millis.to_string(),
        "memory_bytes": u.memory_bytes.to_string(),
        "storage": list(&u.storage, storage),
        "gpu": opt(u.gpu.as_ref(), gpu_request),
        "count": u.count,
        "price": opt(u.price.as_ref(), dec_coin),
    })
}

pub fn group_spec(s: &dpb::GroupSpec) -> Value {
    json!({
        "name": s.name,
        "requirements": opt(s.requirements.as_ref(), |r| json!({
            "attributes": list(&r.attributes, attribute),
            "signed_by": opt(r.signed_by.as_ref(), |s| json!({ "all_of": s.all_of, "any_of": s.any_of })),
        })),
        "resources": list(&s.resources, resource_unit),
        "auction": s.auction,
    })
}

pub fn deployment(d: &dpb::Deployment) -> Value {
    json!({
        "id": opt(d.id.as_ref(), deployment_id),
        "state": deployment_state(d.state),
        "version_hash": hex::encode(&d.version_hash),
        "created_height": d.created_height.to_string(),
    })
}

pub fn group(g: &dpb::Group) -> Value {
    json!({
        "id": opt(g.id.as_ref(), group_id),
        "state": group_state(g.state),
        "spec": opt(g.spec.as_ref(), group_spec),
        "created_height": g.created_height.to_string(),
        "last_oseq": g.last_oseq,
    })
}

pub fn deployment_response(r: &dpb::QueryDeploymentResponse) -> Value {
    json!({
        "deployment": opt(r.deployment.as_ref(), deployment),
        "groups": list(&r.groups, group),
        "escrow_account": opt(r.escrow_account.as_ref(), escrow_account),
    })
}

pub fn deployment_params(p: &dpb::Params) -> Value {
    json!({
        "allowed_payment_denoms": p.allowed_payment_denoms,
        "min_deposit": list(&p.min_deposit, coin),
        "max_groups": p.max_groups,
        "max_units_per_group": p.max_units_per_group,
        "max_replicas_per_unit": p.max_replicas_per_unit,
    })
}

// --- market ---

pub fn order_id(id: &mpb::OrderId) -> Value {
    json!({ "owner": id.owner, "dseq": id.dseq.to_string(), "gseq": id.gseq, "oseq": id.oseq })
}

pub fn bid_id(id: &mpb::BidId) -> Value {
    json!({ "owner": id.owner, "dseq": id.dseq.to_string(), "gseq": id.gseq, "oseq": id.oseq, "provider": id.provider })
}

pub fn order(o: &mpb::Order) -> Value {
    json!({
        "id": opt(o.id.as_ref(), order_id),
        "state": order_state(o.state),
        "spec": opt(o.spec.as_ref(), group_spec),
        "created_height": o.created_height.to_string(),
        "auction_height": o.auction_height.to_string(),
        "expires_height": o.expires_height.to_string(),
        "bid_count": o.bid_count,
    })
}

pub fn bid(b: &mpb::Bid) -> Value {
    json!({
        "id": opt(b.id.as_ref(), bid_id),
        "state": bid_state(b.state),
        "price": opt(b.price.as_ref(), dec_coin),
        "deposit": opt(b.deposit.as_ref(), coin),
        "created_height": b.created_height.to_string(),
        "resources": opt(b.resources.as_ref(), resources),
        "seq": b.seq.to_string(),
    })
}

pub fn lease(l: &mpb::Lease) -> Value {
    json!({
        "id": opt(l.id.as_ref(), bid_id),
        "state": lease_state(l.state),
        "price": opt(l.price.as_ref(), dec_coin),
        "created_height": l.created_height.to_string(),
        "closed_height": l.closed_height.to_string(),
        "close_reason": close_reason(l.close_reason),
        "resources": opt(l.resources.as_ref(), resources),
    })
}

pub fn lease_response(r: &mpb::QueryLeaseResponse) -> Value {
    json!({
        "lease": opt(r.lease.as_ref(), lease),
        "escrow_payment": opt(r.escrow_payment.as_ref(), payment),
    })
}

pub fn market_params(p: &mpb::Params) -> Value {
    json!({
        "order_max_bids": p.order_max_bids,
        "bid_min_deposit": opt(p.bid_min_deposit.as_ref(), coin),
        "order_ttl_blocks": p.order_ttl_blocks.to_string(),
        "auction_window_blocks": p.auction_window_blocks.to_string(),
        "max_due_orders_per_block": p.max_due_orders_per_block,
        "retention_blocks": p.retention_blocks.to_string(),
        "max_prunes_per_block": p.max_prunes_per_block,
    })
}

// --- escrow ---

pub fn account_id(id: &epb::AccountId) -> Value {
    json!({ "owner": id.owner, "dseq": id.dseq.to_string() })
}

pub fn escrow_account(a: &epb::Account) -> Value {
    json!({
        "id": opt(a.id.as_ref(), account_id),
        "state": account_state(a.state),
        "balance": opt(a.balance.as_ref(), dec_coin),
        "rate": opt(a.rate.as_ref(), dec_coin),
        "settled_height": a.settled_height.to_string(),
        "depletes_height": a.depletes_height.to_string(),
        "depositors": list(&a.depositors, |d| json!({ "address": d.address, "balance": opt(d.balance.as_ref(), dec_coin) })),
    })
}

pub fn payment(p: &epb::Payment) -> Value {
    json!({
        "account_id": opt(p.account_id.as_ref(), account_id),
        "id": opt(p.id.as_ref(), |id| json!({ "gseq": id.gseq, "oseq": id.oseq, "provider": id.provider })),
        "owner": p.owner,
        "state": payment_state(p.state),
        "rate": opt(p.rate.as_ref(), dec_coin),
        "balance": opt(p.balance.as_ref(), dec_coin),
        "withdrawn": opt(p.withdrawn.as_ref(), dec_coin),
    })
}

pub fn escrow_params(p: &epb::Params) -> Value {
    json!({
        "take_rates": list(&p.take_rates, |t| json!({ "denom": t.denom, "bps": t.bps })),
        "default_take_rate_bps": p.default_take_rate_bps,
        "max_depositors": p.max_depositors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_are_lower_case_short_names() {
        assert_eq!(order_state(mpb::OrderState::Open as i32), json!("open"));
        assert_eq!(group_state(dpb::GroupState::InsufficientFunds as i32), json!("insufficient_funds"));
        assert_eq!(close_reason(mpb::LeaseCloseReason::ProviderManifestTimeout as i32), json!("provider_manifest_timeout"));
        assert_eq!(provider_state(ppb::ProviderState::Unbonding as i32), json!("unbonding"));
        assert_eq!(payment_state(epb::PaymentState::Overdrawn as i32), json!("overdrawn"));
        assert_eq!(bid_state(99), json!("unknown(99)"));
    }

    #[test]
    fn ids_coins_and_integers_follow_proto3_json() {
        let b = mpb::Bid {
            id: Some(mpb::BidId { owner: "o".into(), dseq: 7, gseq: 1, oseq: 2, provider: "p".into() }),
            state: mpb::BidState::Active as i32,
            price: Some(bpb::DecCoin { denom: "uagora".into(), amount: "12.5".into() }),
            deposit: Some(Coin { denom: "uagora".into(), amount: "500000".into() }),
            created_height: 10,
            resources: None,
            seq: 3,
        };
        assert_eq!(
            bid(&b),
            json!({
                "id": {"owner": "o", "dseq": "7", "gseq": 1, "oseq": 2, "provider": "p"},
                "state": "active",
                "price": {"denom": "uagora", "amount": "12.5"},
                "deposit": {"denom": "uagora", "amount": "500000"},
                "created_height": "10",
                "resources": null,
                "seq": "3",
            })
        );
        let d = dpb::Deployment { id: None, state: 1, version_hash: vec![0xab, 0x01], created_height: 0 };
        assert_eq!(deployment(&d)["version_hash"], json!("ab01"));
        assert_eq!(page(Some(&PageResponse { next_key: vec![1, 2], total: 5 })), json!({"next_key": "AQI=", "total": "5"}));
        assert_eq!(page(Some(&PageResponse { next_key: vec![], total: 0 }))["next_key"], Value::Null);
    }
}
