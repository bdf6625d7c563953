//! Supply conservation: for every denom, the balances add up to the recorded supply, and no
//! balance is stored as zero; the index of holders by denom lists exactly the balances. Tests
//! check it after every block.

use std::collections::BTreeMap;

use agora_store::StateRead;
use agora_types::Denom;

use crate::state::keys;
use crate::{BankError, BankRead};

pub fn check_supply<S: StateRead>(state: &S) -> Result<(), String> {
    let mut sums: BTreeMap<Denom, u128> = BTreeMap::new();
    let mut held = 0usize;
    for item in state.prefix_raw(keys::BALANCES_PREFIX, None) {
        let (key, value) = item.map_err(|e| e.to_string())?;
        // Key: prefix, 20 address bytes, '/', denom.
        let denom_start = keys::BALANCES_PREFIX.len() + 21;
        let denom = key
            .get(denom_start..)
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| Denom::new(d).ok())
            .ok_or_else(|| format!("corrupt balance key {key:?}"))?;
        let amount = u128::from_be_bytes(value.as_slice().try_into().map_err(|_| "corrupt balance value".to_string())?);
        if amount == 0 {
            return Err(format!("zero balance stored for {denom}"));
        }
        let owner = agora_types::Address::from_slice(&key[keys::BALANCES_PREFIX.len()..keys::BALANCES_PREFIX.len() + 20])
            .map_err(|_| format!("corrupt balance key {key:?}"))?;
        if state.get_raw(&keys::denom_owner(&denom, &owner)).map_err(|e| e.to_string())?.is_none() {
            return Err(format!("{owner} holds {denom} but is not in its holder index"));
        }
        held += 1;
        let sum = sums.entry(denom.clone()).or_insert(0);
        *sum = sum.checked_add(amount).ok_or_else(|| format!("balances of {denom} overflow"))?;
    }
    let indexed = state.prefix_raw(keys::DENOM_OWNERS_PREFIX, None).count();
    if indexed != held {
        return Err(format!("the holder index has {indexed} entries for {held} balances"));
    }
    let supply = state.total_supply().map_err(|e: BankError| e.to_string())?;
    for coin in supply.iter() {
        let sum = sums.remove(&coin.denom).unwrap_or(0);
        if sum != coin.amount {
            return Err(format!("supply of {} is {} but balances add up to {sum}", coin.denom, coin.amount));
        }
    }
    if let Some((denom, sum)) = sums.into_iter().next() {
        return Err(format!("balances of {denom} add up to {sum} but no supply is recorded"));
    }
    Ok(())
}
