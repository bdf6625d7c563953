//! Market invariants, checked by tests after every block:
//! * capacity is never oversubscribed: per provider, the active leases' resources add up to
//!   exactly its `allocated`, which its capacity contains;
//! * the market module account holds exactly the deposits of open and active bids.

use std::collections::BTreeMap;

use agora_bank::BankRead;
use agora_proto::base::v1::Resources;
use agora_proto::market::v1 as mpb;
use agora_proto::provider::v1 as ppb;
use agora_provider::resources;
use agora_store::StateRead;
use agora_types::{Address, Denom};
use prost::Message;

use crate::state::keys;
use crate::MARKET_MODULE;

pub fn check_market<S: StateRead>(state: &S) -> Result<(), String> {
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
    for item in state.prefix_raw(b"provider/providers/", None) {
        let (_, value) = item.map_err(|e| e.to_string())?;
        let provider = ppb::Provider::decode(value.as_slice()).map_err(|e| e.to_string())?;
        let allocated = resources::normalize(&provider.allocated.clone().unwrap_or_default()).map_err(|e| e.to_string())?;
        let expected = resources::normalize(&leased.remove(&provider.owner).unwrap_or_default()).map_err(|e| e.to_string())?;
        if allocated != expected {
            return Err(format!("provider {} allocated {allocated:?} but its active leases hold {expected:?}", provider.owner));
        }
        let capacity = provider.capacity.unwrap_or_default();
        if let Some(short) = resources::shortfall(&capacity, &allocated) {
            return Err(format!("provider {} is oversubscribed: {short}", provider.owner));
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
    for (denom, sum) in &deposits {
        let balance = state.balance(&module, denom).map_err(|e| e.to_string())?;
        if balance != *sum {
            return Err(format!("market module holds {balance}{denom} but bids hold {sum}{denom}"));
        }
    }
    let held = state.all_balances(&module).map_err(|e| e.to_string())?;
    if let Some(extra) = held.iter().find(|c| !deposits.contains_key(&c.denom)) {
        return Err(format!("market module holds {extra} that no bid accounts for"));
    }
    Ok(())
}
