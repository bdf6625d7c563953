//! Penalties as the slashing module applies them: a slash never exceeds the bond, a bond below
//! the minimum jails, a jailed provider opens no bid and takes no lease, unjailing is refused
//! too early, with too little bond, or for ever once tombstoned.

use agora_types::AbciError;

use super::*;
use crate::penalty::{jail, restore_bond, slash_bond, tombstone, unjail, TOMBSTONED};
use crate::NoHooks;

fn code(err: &ProviderError) -> (&'static str, u32) {
    (err.codespace(), err.code())
}

#[test]
fn a_slash_takes_at_most_the_bond_and_a_bond_below_the_minimum_jails() {
    let mut state = genesis();
    let (owner, pool) = (addr(1), addr(9));
    registered(&mut state, &owner);
    let min = state.provider_params().unwrap().min_bond.amount;
    assert_eq!(min, BOND, "the test bond is the minimum");

    // 10 % of the bond: it is now below the minimum, so the provider is jailed.
    let (taken, events) = slash_bond(&mut state, &TestBank, &NoHooks, &owner, BOND / 10, &pool, 50, 1).unwrap();
    assert_eq!(taken.amount, BOND / 10);
    assert_eq!(balance(&state, &pool), BOND / 10);
    assert_eq!(balance(&state, &crate::module_address()), BOND - BOND / 10);
    assert_eq!(provider(&state, &owner).bond.unwrap().amount, (BOND - BOND / 10).to_string());
    assert_eq!(provider(&state, &owner).jailed_until, 50);
    assert!(events.iter().any(|e| e.kind == "provider_slashed") && events.iter().any(|e| e.kind == "provider_jailed"));

    // More than what is left: only what is left.
    let (taken, _) = slash_bond(&mut state, &TestBank, &NoHooks, &owner, 10 * BOND, &pool, 50, 1).unwrap();
    assert_eq!(taken.amount, BOND - BOND / 10);
    assert_eq!(balance(&state, &pool), BOND);
    assert_eq!(balance(&state, &crate::module_address()), 0);
    let (taken, events) = slash_bond(&mut state, &TestBank, &NoHooks, &owner, 1, &pool, 50, 1).unwrap();
    assert_eq!((taken.amount, events.len()), (0, 0), "an empty bond gives nothing more");
}

/// A reversed slash comes back into the bond from the account that held it; the jail it caused
/// stays until the provider unjails; a provider gone from the registry gets the coins itself.
#[test]
fn a_reversed_slash_comes_back_to_the_bond_or_to_the_owner_once_it_left() {
    let mut state = genesis();
    let (owner, held) = (addr(1), addr(9));
    registered(&mut state, &owner);
    let (taken, _) = slash_bond(&mut state, &TestBank, &NoHooks, &owner, BOND / 10, &held, 50, 1).unwrap();
    let events = restore_bond(&mut state, &TestBank, &NoHooks, &owner, &taken, &held, 2).unwrap();
    assert!(events.iter().any(|e| e.kind == "provider_bond_restored"));
    assert_eq!(provider(&state, &owner).bond.unwrap().amount, BOND.to_string());
    assert_eq!(balance(&state, &crate::module_address()), BOND);
    assert_eq!(balance(&state, &held), 0);
    assert_eq!(provider(&state, &owner).jailed_until, 50, "the jail stays until the provider unjails");
    // Another denom than the bond's is a bug, refused.
    let err = restore_bond(&mut state, &TestBank, &NoHooks, &owner, &agora_types::Coin::new(agora_types::Denom::new("uusdc").unwrap(), 1), &held, 2).unwrap_err();
    assert_eq!(code(&err), ("provider", 1), "{err}");
    // No provider: the coins go to its owner's account.
    let gone = addr(2);
    fund(&mut state, &held, BOND);
    restore_bond(&mut state, &TestBank, &NoHooks, &gone, &agora_types::Coin::new(agora_types::Denom::native(), 7), &held, 2).unwrap();
    assert_eq!(balance(&state, &gone), 7);
}

#[test]
fn a_jailed_provider_opens_no_bid_takes_no_lease_and_unjails_only_when_allowed() {
    let mut state = genesis();
    let owner = addr(1);
    registered(&mut state, &owner);
    jail(&mut state, &NoHooks, &owner, 20, "missed challenges", 1).unwrap();
    assert!(jail(&mut state, &NoHooks, &owner, 10, "shorter", 1).unwrap().is_empty(), "a shorter jail changes nothing");
    let err = state.bid_opened(&owner).unwrap_err();
    assert_eq!(code(&err), ("provider", 34));
    assert!(err.to_string().contains("until height 20"), "{err}");
    let err = state.allocate(&owner, &Resources { cpu_millis: 1, memory_bytes: 1, ..Resources::default() }).unwrap_err();
    assert_eq!(code(&err), ("provider", 34));

    let err = unjail(&mut state, &NoHooks, &owner, 19).unwrap_err();
    assert_eq!(code(&err), ("provider", 34), "too early");
    // A slash left the bond short: it must be topped up first.
    slash_bond(&mut state, &TestBank, &NoHooks, &owner, 1, &addr(9), 0, 1).unwrap();
    let err = unjail(&mut state, &NoHooks, &owner, 20).unwrap_err();
    assert_eq!(code(&err), ("provider", 36), "{err}");
    // A deposit in another denom, or of nothing, is refused; one of the bond's denom tops it up.
    fund(&mut state, &owner, 10);
    let deposit = |denom: &str, amount: u128| {
        ProviderMsg::DepositBond(crate::DepositBond { owner, amount: agora_types::Coin::new(agora_types::Denom::new(denom).unwrap(), amount) })
    };
    let err = run(&mut state, 20, &deposit("uusdc", 1)).unwrap_err();
    assert_eq!(code(&err), ("provider", 19));
    let events = run(&mut state, 20, &deposit("uagora", 1)).unwrap();
    assert_eq!(event(&events, "provider_bond_deposited").get("bond"), Some(format!("{BOND}uagora").as_str()));
    assert_eq!(balance(&state, &crate::module_address()), BOND);
    unjail(&mut state, &NoHooks, &owner, 20).unwrap();
    state.bid_opened(&owner).unwrap();
    let err = unjail(&mut state, &NoHooks, &owner, 21).unwrap_err();
    assert_eq!(code(&err), ("provider", 35), "not jailed");
}

#[test]
fn a_tombstoned_provider_is_jailed_for_ever() {
    let mut state = genesis();
    let owner = addr(1);
    registered(&mut state, &owner);
    tombstone(&mut state, &NoHooks, &owner, "conflicting capacity statements", 1).unwrap();
    assert_eq!(provider(&state, &owner).jailed_until, TOMBSTONED);
    let err = unjail(&mut state, &NoHooks, &owner, u64::MAX).unwrap_err();
    assert_eq!(code(&err), ("provider", 34));
    assert!(err.to_string().contains("for ever"), "{err}");
    let err = slash_bond(&mut state, &TestBank, &NoHooks, &addr(7), 1, &addr(9), 0, 1).unwrap_err();
    assert_eq!(code(&err), ("provider", 23), "no such provider");
}

/// A tombstoned provider may unbond and get back what is left of its bond, but its record
/// stays: the owner never registers again.
#[test]
fn a_tombstoned_provider_unbonds_but_never_registers_again() {
    let mut state = genesis();
    let owner = addr(1);
    registered(&mut state, &owner);
    tombstone(&mut state, &NoHooks, &owner, "conflicting capacity statements", 1).unwrap();
    run(&mut state, 20, &delete_msg(&owner)).unwrap();
    let unbonding_height = provider(&state, &owner).unbonding_height;
    let events = crate::end_block(&mut state, &TestBank, &NoHooks, &ctx(unbonding_height)).unwrap();
    assert!(events.iter().any(|e| e.kind == "provider_bond_returned"));
    assert_eq!(balance(&state, &owner), BOND, "the bond came back");
    let record = provider(&state, &owner);
    assert!(record.tombstoned && record.bond.unwrap().amount == "0", "on record, with nothing bonded");
    fund(&mut state, &owner, BOND);
    let err = run(&mut state, unbonding_height + 1, &create_msg(&owner, Vec::new())).unwrap_err();
    assert_eq!(code(&err), ("provider", 34));
    assert!(err.to_string().contains("for ever"), "{err}");
}
