//! Market invariants, checked by tests after every block:
//! * capacity is never oversubscribed: per provider, the active leases' resources add up to
//!   exactly its `allocated`, which its capacity contains;
//! * the market module account holds exactly the deposits of open and active bids.

use std::collections::BTreeMap;

use agora_proto::base::v1::Resources;
use agora_proto::market::v1 as mpb;
use agora_provider::resources;
use agora_store::StateRead;
use agora_types::{Address, Denom};
use prost::Message;

use crate::keepers::{Allocation, Keepers};
use crate::state::keys;
use crate::MARKET_MODULE;

pub fn check_market<S: StateRead>(state: &S, k: &Keepers) -> Result<(), String> {
    let mut leased: BTreeMap<String, Resources> = BTreeMap::new();
    for item in state.prefix_raw(keys::LEASES, None) {
        let (_, value) = item.map_err(|e| e.to_string())?;
        let lease = mpb::Lease::decode(value.as_slice()).map_err(|e| e.to_string())?;
        if lease.state != mpb::LeaseState::Active as i32 {
            continue;
        }
        let provider = lease.id.as_ref().map(|id| id.provider.clone()).unwrap_or_default();
        let sum = leased.entry(provider).or_default();
        *sum = resources::checked_add(sum, &lease.resources.unwrap_or_default()).map_err(|e| e.to_string())?;
    }
    for Allocation { provider, capacity, allocated } in k.providers.allocations(state).map_err(|e| e.to_string())? {
        let allocated = resources::normalize(&allocated).map_err(|e| e.to_string())?;
        let expected = resources::normalize(&leased.remove(&provider.to_string()).unwrap_or_default()).map_err(|e| e.to_string())?;
        if allocated != expected {
            return Err(format!("provider {provider} allocated {allocated:?} but its active leases hold {expected:?}"));
        }
        if let Some(short) = resources::shortfall(&capacity, &allocated) {
            return Err(format!("provider {provider} is oversubscribed: {short}"));
        }
    }
    if let Some((provider, _)) = leased.into_iter().next() {
        return Err(format!("active leases of unregistered provider {provider}"));
    }

    let mut deposits: BTreeMap<Denom, u128> = BTreeMap::new();
    for item in state.prefix_raw(keys::BIDS, None) {
        let (_, value) = item.map_err(|e| e.to_string())?;
        let bid = mpb::Bid::decode(value.as_slice()).map_err(|e| e.to_string())?;
        let held = [mpb::BidState::Open as i32, mpb::BidState::Active as i32];
        if !held.contains(&bid.state) {
            continue;
        }
        if let Some(coin) = crate::handler::deposit_coin(&bid) {
            let sum = deposits.entry(coin.denom).or_insert(0);
            *sum = sum.checked_add(coin.amount).ok_or("bid deposits overflow")?;
        }
    }
    let module = Address::module(MARKET_MODULE);
    let held = k.bank.balances(state, &module).map_err(|e| e.to_string())?;
    for (denom, sum) in &deposits {
        let balance = held.amount_of(denom);
        if balance != *sum {
            return Err(format!("market module holds {balance}{denom} but bids hold {sum}{denom}"));
        }
    }
    if let Some(extra) = held.iter().find(|c| !deposits.contains_key(&c.denom)) {
        return Err(format!("market module holds {extra} that no bid accounts for"));
    }
    Ok(())
}
