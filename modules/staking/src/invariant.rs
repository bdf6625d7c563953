//! Staking's invariants: the pools hold exactly what the records say (the bonded pool every
//! bonded validator's tokens; the not-bonded pool the other validators' tokens and every
//! unbonding entry's balance), and each validator's delegator shares are the sum of its
//! delegations'.

use std::collections::{BTreeMap, BTreeSet};

use agora_store::StateRead;
use agora_types::{Address, Dec};

use crate::keepers::BankKeeper;
use crate::state::keys;
use crate::types::{BondStatus, Delegation, Redelegation, UnbondingDelegation};
use crate::{StakingRead, BONDED_POOL, NOT_BONDED_POOL};

pub fn check(state: &dyn StateRead, bank: &dyn BankKeeper) -> Result<(), String> {
    let params = state.staking_params().map_err(|e| e.to_string())?;
    let validators = state.all_validators().map_err(|e| e.to_string())?;
    let (mut bonded, mut not_bonded) = (0u128, 0u128);
    for v in &validators {
        let sum = if v.status == BondStatus::Bonded { &mut bonded } else { &mut not_bonded };
        *sum = sum.checked_add(v.tokens).ok_or("validator tokens overflow")?;
    }
    // The indexes by creation height list exactly the heights of the entries (a slash finds
    // the entries created after its fault through them).
    let mut unbonding_heights = BTreeSet::new();
    let mut redelegation_heights = BTreeSet::new();
    for item in state.prefix_raw(keys::REDELEGATION_PREFIX, None) {
        let (_, value) = item.map_err(|e| e.to_string())?;
        let red: Redelegation = borsh::from_slice(&value).map_err(|e| e.to_string())?;
        for entry in &red.entries {
            redelegation_heights.insert(keys::redelegation_by_height(&red.src, entry.creation_height, &red.delegator, &red.dst));
        }
    }
    for item in state.prefix_raw(keys::UNBONDING_PREFIX, None) {
        let (_, value) = item.map_err(|e| e.to_string())?;
        let ubd: UnbondingDelegation = borsh::from_slice(&value).map_err(|e| e.to_string())?;
        for entry in &ubd.entries {
            unbonding_heights.insert(keys::unbonding_by_height(&ubd.validator, entry.creation_height, &ubd.delegator));
            if entry.balance > entry.initial_balance {
                return Err(format!("unbonding entry of {} pays {} > its initial {}", ubd.delegator, entry.balance, entry.initial_balance));
            }
            not_bonded = not_bonded.checked_add(entry.balance).ok_or("unbonding balances overflow")?;
        }
    }
    for (prefix, expected) in [(keys::UNBONDING_BY_HEIGHT_PREFIX, unbonding_heights), (keys::REDELEGATION_BY_HEIGHT_PREFIX, redelegation_heights)] {
        let indexed = state.prefix_raw(prefix, None).map(|item| item.map(|(key, _)| key)).collect::<Result<BTreeSet<_>, _>>().map_err(|e| e.to_string())?;
        if indexed != expected {
            return Err(format!("the index {} does not match the entries' creation heights", String::from_utf8_lossy(prefix)));
        }
    }
    for (pool, expected) in [(BONDED_POOL, bonded), (NOT_BONDED_POOL, not_bonded)] {
        let held = bank.balance(state, &Address::module(pool), &params.bond_denom).map_err(|e| e.to_string())?;
        if held != expected {
            return Err(format!("{pool} holds {held}{} but the records owe {expected}", params.bond_denom));
        }
    }
    let mut shares: BTreeMap<Address, Dec> = BTreeMap::new();
    for item in state.prefix_raw(keys::DELEGATION_PREFIX, None) {
        let (_, value) = item.map_err(|e| e.to_string())?;
        let d: Delegation = borsh::from_slice(&value).map_err(|e| e.to_string())?;
        let sum = shares.entry(d.validator).or_default();
        *sum = sum.checked_add(d.shares).ok_or("delegation shares overflow")?;
    }
    for v in &validators {
        let delegated = shares.remove(&v.operator).unwrap_or_default();
        if delegated != v.delegator_shares {
            return Err(format!("validator {} has {} shares but its delegations add up to {delegated}", v.operator, v.delegator_shares));
        }
        if v.delegator_shares.is_zero() && v.tokens > 0 {
            return Err(format!("validator {} holds {} tokens without shares", v.operator, v.tokens));
        }
    }
    if let Some((orphan, _)) = shares.into_iter().next() {
        return Err(format!("delegations to {orphan}, which does not exist"));
    }
    for (operator, _) in state.last_powers().map_err(|e| e.to_string())? {
        let v = state.validator(&operator).map_err(|e| e.to_string())?.ok_or(format!("active-set member {operator} does not exist"))?;
        if v.status != BondStatus::Bonded {
            return Err(format!("active-set member {operator} is not bonded"));
        }
    }
    Ok(())
}
