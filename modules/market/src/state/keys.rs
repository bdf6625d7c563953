//! Every state key of the market. Ids are fixed-width bytes (see [`crate::ids`]), so records
//! of one owner, deployment, group or order share a prefix, and height-keyed indexes sort by
//! height.

use agora_store::HeightQueue;
use agora_types::Address;

use crate::ids::{BidId, DeploymentId, GroupId, OrderId};

/// `deployment/params`
pub const DEPLOYMENT_PARAMS: &[u8] = b"deployment/params";
/// `market/params`
pub const MARKET_PARAMS: &[u8] = b"market/params";
/// `deployment/deployments/<owner><dseq>` → `Deployment`
pub const DEPLOYMENTS: &[u8] = b"deployment/deployments/";
/// `deployment/groups/<owner><dseq><gseq>` → `Group`
pub const GROUPS: &[u8] = b"deployment/groups/";
/// `market/orders/<order id>` → `Order`
pub const ORDERS: &[u8] = b"market/orders/";
/// `market/open_orders/<order id>` → empty
pub const OPEN_ORDERS: &[u8] = b"market/open_orders/";
/// `market/auctions/<height><order id>` → empty: auction orders awarded at `height`
pub const AUCTIONS: &[u8] = b"market/auctions/";
/// `market/expiries/<height><order id>` → empty: orders that expire unfilled at `height`
pub const EXPIRIES: &[u8] = b"market/expiries/";
/// `market/auctions_next` → height (BE): a lower bound on the earliest `AUCTIONS` height
pub const AUCTIONS_NEXT: &[u8] = b"market/auctions_next";
/// `market/expiries_next` → height (BE): a lower bound on the earliest `EXPIRIES` height
pub const EXPIRIES_NEXT: &[u8] = b"market/expiries_next";
/// The auction index as a queue for `EndBlock` (ids are order ids).
pub const AUCTION_QUEUE: HeightQueue = HeightQueue::new(AUCTIONS, AUCTIONS_NEXT);
/// The expiry index as a queue for `EndBlock` (ids are order ids).
pub const EXPIRY_QUEUE: HeightQueue = HeightQueue::new(EXPIRIES, EXPIRIES_NEXT);
/// `market/bids/<order id><provider>` → `Bid`
pub const BIDS: &[u8] = b"market/bids/";
/// `market/provider_bids/<provider><order id>` → empty
pub const PROVIDER_BIDS: &[u8] = b"market/provider_bids/";
/// `market/leases/<order id><provider>` → `Lease`
pub const LEASES: &[u8] = b"market/leases/";
/// `market/provider_leases/<provider><order id>` → empty
pub const PROVIDER_LEASES: &[u8] = b"market/provider_leases/";
/// `market/group_lease/<owner><dseq><gseq>` → bid id of the group's active lease
pub const GROUP_LEASE: &[u8] = b"market/group_lease/";
/// `market/prunes/<height><kind><id>` → empty: a closed order (kind 0, order id) or a closed
/// deployment (kind 1, deployment id) to delete at `height` (orders first at a height).
pub const PRUNES: &[u8] = b"market/prunes/";
/// `market/prunes_next` → height (BE): a lower bound on the earliest `PRUNES` height
pub const PRUNES_NEXT: &[u8] = b"market/prunes_next";
/// Closed records waiting out `retention_blocks`.
pub const PRUNE_QUEUE: HeightQueue = HeightQueue::new(PRUNES, PRUNES_NEXT);
/// Kind byte of a pruning entry: a closed order.
pub const PRUNE_ORDER: u8 = 0;
/// Kind byte of a pruning entry: a closed deployment.
pub const PRUNE_DEPLOYMENT: u8 = 1;

/// `deployment/pruned/<owner>` → the highest dseq of the owner's deployments pruned so far
/// (u64 big-endian): a pruned id is never used again, so no new record shares its ids.
pub const PRUNED_DSEQ: &[u8] = b"deployment/pruned/";

/// `deployment/pruned/<owner>`
pub fn pruned_dseq(owner: &Address) -> Vec<u8> {
    [PRUNED_DSEQ, owner.as_bytes().as_slice()].concat()
}

/// `market/bid_seq` → next bid sequence (u64 big-endian)
pub const BID_SEQ: &[u8] = b"market/bid_seq";

pub fn deployment(id: &DeploymentId) -> Vec<u8> {
    [DEPLOYMENTS, &id.to_bytes()].concat()
}

pub fn deployments_of(owner: &Address) -> Vec<u8> {
    [DEPLOYMENTS, owner.as_bytes().as_slice()].concat()
}

pub fn group(id: &GroupId) -> Vec<u8> {
    [GROUPS, &id.to_bytes()].concat()
}

pub fn groups_of(id: &DeploymentId) -> Vec<u8> {
    [GROUPS, &id.to_bytes()].concat()
}

pub fn order(id: &OrderId) -> Vec<u8> {
    [ORDERS, &id.to_bytes()].concat()
}

pub fn orders_of(owner: &Address) -> Vec<u8> {
    [ORDERS, owner.as_bytes().as_slice()].concat()
}

/// `market/orders/<owner><dseq>`: every order of a deployment.
pub fn orders_of_deployment(id: &DeploymentId) -> Vec<u8> {
    [ORDERS, &id.to_bytes()].concat()
}

pub fn open_order(id: &OrderId) -> Vec<u8> {
    [OPEN_ORDERS, &id.to_bytes()].concat()
}

pub fn auction(height: u64, id: &OrderId) -> Vec<u8> {
    AUCTION_QUEUE.key(height, &id.to_bytes())
}

pub fn expiry(height: u64, id: &OrderId) -> Vec<u8> {
    EXPIRY_QUEUE.key(height, &id.to_bytes())
}

pub fn bid(id: &BidId) -> Vec<u8> {
    [BIDS, &id.to_bytes()].concat()
}

pub fn bids_of_order(id: &OrderId) -> Vec<u8> {
    [BIDS, &id.to_bytes()].concat()
}

pub fn provider_bid(id: &BidId) -> Vec<u8> {
    [PROVIDER_BIDS, &id.to_provider_bytes()].concat()
}

pub fn provider_bids_of(provider: &Address) -> Vec<u8> {
    [PROVIDER_BIDS, provider.as_bytes().as_slice()].concat()
}

pub fn lease(id: &BidId) -> Vec<u8> {
    [LEASES, &id.to_bytes()].concat()
}

pub fn leases_of(owner: &Address) -> Vec<u8> {
    [LEASES, owner.as_bytes().as_slice()].concat()
}

pub fn provider_lease(id: &BidId) -> Vec<u8> {
    [PROVIDER_LEASES, &id.to_provider_bytes()].concat()
}

pub fn provider_leases_of(provider: &Address) -> Vec<u8> {
    [PROVIDER_LEASES, provider.as_bytes().as_slice()].concat()
}

pub fn group_lease(id: &GroupId) -> Vec<u8> {
    [GROUP_LEASE, &id.to_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(k: &[u8]) -> String {
        k.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn keys_should_not_change() {
        let bid_id = BidId { owner: Address::new([1; 20]), dseq: 5, gseq: 2, oseq: 3, provider: Address::new([9; 20]) };
        let owner = "01".repeat(20);
        let provider = "09".repeat(20);
        let order = format!("{owner}0000000000000005000000020000000{}", 3);
        assert_eq!(hex(&deployment(&bid_id.deployment())), format!("{}{owner}0000000000000005", hex(DEPLOYMENTS)));
        assert_eq!(hex(&group(&bid_id.group())), format!("{}{owner}000000000000000500000002", hex(GROUPS)));
        assert_eq!(hex(&order_key(&bid_id)), format!("{}{order}", hex(ORDERS)));
        assert_eq!(hex(&bid(&bid_id)), format!("{}{order}{provider}", hex(BIDS)));
        assert_eq!(hex(&provider_lease(&bid_id)), format!("{}{provider}{order}", hex(PROVIDER_LEASES)));
        assert_eq!(hex(&auction(7, &bid_id.order())), format!("{}0000000000000007{order}", hex(AUCTIONS)));
        assert_eq!(DEPLOYMENT_PARAMS, b"deployment/params");
        assert_eq!(MARKET_PARAMS, b"market/params");
        assert_eq!(BID_SEQ, b"market/bid_seq");
    }

    fn order_key(id: &BidId) -> Vec<u8> {
        order(&id.order())
    }

    #[test]
    fn height_indexes_sort_by_height_and_parse_back() {
        let a = OrderId { owner: Address::new([9; 20]), dseq: 1, gseq: 1, oseq: 1 };
        let b = OrderId { owner: Address::new([1; 20]), dseq: 1, gseq: 1, oseq: 1 };
        assert!(expiry(255, &a) < expiry(256, &b));
        assert_eq!(OrderId::from_bytes(&expiry(256, &b)[EXPIRIES.len() + 8..]), Some(b));
        assert!(!AUCTIONS_NEXT.starts_with(AUCTIONS) && !EXPIRIES_NEXT.starts_with(EXPIRIES));
    }
}
