//! App-hash snapshot: a fixed genesis and fixed blocks must always give the same app hash.
//! If this fails, a change altered consensus output (state layout, encoding, gas, events that
//! are hashed…): that breaks running chains and must be called out and migrated, not re-snapshotted
//! silently.

mod common;

use common::*;

#[test]
fn app_hash_should_not_change() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address(), bob.address()]);
    chain.block(vec![send_tx(&alice, &bob.address(), "1000uagora", 1, 0)]);
    chain.block(vec![send_tx(&bob, &alice.address(), "7ufoo", 2, 0), send_tx(&alice, &bob.address(), "1uagora", 1, 1)]);
    let hash: String = chain.app_hash().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hash, APP_HASH_SNAPSHOT);
}

/// Changed when the marketplace modules arrived: genesis now writes their parameters and module
/// accounts (`provider`, `escrow`, `community_pool`, `market`). Changed again when `EndBlock`'s
/// height queues started storing their bound (`escrow/depletion_next`, `market/auctions_next`,
/// `market/expiries_next`, `provider/unbonding_next`, written by the first block). Changed
/// again when the consensus parameters moved into state (`consensus/params`, written at
/// genesis), and again when the provider, escrow and market parameters gained their per-block
/// budgets of block work, again when bank wrote its module-account permission table at
/// genesis, and again when the market parameters gained `retention_blocks` and
/// `max_prunes_per_block`, and again when staking arrived (its parameters and two pool accounts
/// at genesis, a `HistoricalInfo` header every block), slashing (its parameters) and mint (its
/// parameters and minter, and its module account; this chain mints nothing) and distribution
/// (fees swept to the community pool each block), and when the `HistoricalInfo` header gained
/// the header's app hash, and when governance arrived (its parameters and module account) and
/// `HistoricalInfo` began recording which validator-set snapshot is in force at each height,
/// and when milestone grants arrived (their parameters and the `grants` account), and when
/// upgrades arrived (the `upgrade` substore in the root tree, the module version map at
/// genesis), and when IBC arrived (its client, connection and transfer parameters and the
/// `transfer` module account at genesis), and when incentives arrived (their parameters and the
/// `incentive` module account at genesis, the first epoch and pool record in the first block),
/// and when provider liveness challenges arrived (their parameters at genesis), and when
/// provider fraud evidence added its parameters, and when tenant disputes arrived (their
/// parameters and the `provider_disputes` module account at genesis; again when panel seats
/// gained their warm-up, cool-down and missed-vote parameters), and when bank began keeping
/// its index of holders by denom (`bank/denom_owners/`, one entry per balance), and when auth
/// began keeping its index of accounts by number (`auth/account_numbers/`, one entry per account).
/// No chain had launched yet any of these times.
const APP_HASH_SNAPSHOT: &str = "298bc8660ddea341704a418c79fcd483ef5abffa35403af3e3e049abfd3e15c9";
