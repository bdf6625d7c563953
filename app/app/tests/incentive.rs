//! In-process app tests of provider incentives over the real market, escrow, mint, provider
//! registry and bank: epochs pay leased and verified idle GPU-time, claims pay what vested,
//! refusals are typed, and leasing one's own capacity through a second account never pays.
//! Every block is followed by every module's invariants, incentives' included (the pool holds
//! exactly what it has not allocated plus what it owes).

mod common;

use agora_genesis::AppState;
use agora_incentive::{ClassWeight, GpuClassId, Params};
use agora_proto::incentive::v1 as ipb;
use agora_proto::market::v1 as mpb;
use agora_types::{Address, Dec, DecCoin, Denom};
use common::market::*;
use common::*;

const EPOCH: u64 = 10;

fn a100() -> GpuClassId {
    GpuClassId { vendor: "nvidia".into(), model: "a100".into(), vram_gib: 80, interface: "sxm".into() }
}

/// Inflation on (every provision to the pool), epochs of 10 blocks, A100s weighted, no vesting.
fn incentive_genesis(genesis: &mut AppState) {
    genesis.set_section("mint", &agora_mint::GenesisState::default()).expect("mint");
    let params = Params {
        epoch_blocks: EPOCH,
        mint_share_bps: 10_000,
        take_share_bps: 5_000,
        class_weights: vec![ClassWeight { class: a100(), weight: 1 }],
        leased_share_bps: 5_000,
        idle_floor_bps: 4_000,
        idle_full_bps: 7_500,
        wash_cap_bps: 5_000,
        vest_fraction_bps: 0,
        vest_epochs: 0,
        // Leases count from 100 uagora per GPU per block; the test bond (1,000,000) covers
        // 10 free GPUs.
        min_lease_prices: vec![DecCoin::new(Denom::native(), Dec::from_units(100))],
        idle_bond_per_gpu: 100_000,
    };
    genesis
        .update_section::<agora_incentive::GenesisState, String>("incentive", |incentive| {
            incentive.params = params;
            Ok(())
        })
        .expect("incentive");
}

fn query<Resp: prost::Message + Default>(m: &Market, path: &str, req: &impl prost::Message) -> Resp {
    m.chain.node.query_proto(path, req).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn rewards(m: &Market, provider: &Address) -> ipb::ProviderRewards {
    let res: ipb::QueryProviderRewardsResponse =
        query(m, "/agora.incentive.v1.Query/ProviderRewards", &ipb::QueryProviderRewardsRequest { provider: provider.to_bech32() });
    res.rewards.expect("rewards")
}

fn vested(rewards: &ipb::ProviderRewards) -> Dec {
    rewards.vested.iter().find(|c| c.denom == "uagora").map_or(Dec::ZERO, |c| c.amount.parse().expect("dec"))
}

fn epoch(m: &Market) -> ipb::Epoch {
    let res: ipb::QueryPoolResponse = query(m, "/agora.incentive.v1.Query/Pool", &ipb::QueryPoolRequest {});
    res.epoch.expect("epoch")
}

/// Runs empty blocks until the next epoch has started.
fn next_epoch(m: &mut Market) {
    let end = epoch(m).end_height;
    while m.height() < end {
        m.empty_blocks(1);
    }
}

/// Carol leases 8 of her A100s to alice (4 replicas × 2 at `price` each); bob's 8 stay free.
fn carol_leases_to_alice(m: &mut Market, price: &str) -> mpb::BidId {
    m.with_providers(8);
    let tx = m.alice.tx(&create_deployment(&m.alice, 1, vec![gpu_group("gpu", 4, price, false)], 100_000_000));
    ok(&m.block(vec![tx]));
    let tx = m.carol.tx(&create_bid(order_id(&m.alice, 1, 1, 1), &m.carol, &(4 * price.parse::<u128>().expect("price")).to_string()));
    ok(&m.block(vec![tx]));
    let lease = bid_id(&m.alice, 1, 1, 1, &m.carol);
    let tx = m.alice.tx(&mpb::MsgCreateLease { bid_id: Some(lease.clone()) });
    ok(&m.block(vec![tx]));
    lease
}

#[test]
fn an_epoch_pays_leased_and_verified_idle_gpu_time_and_a_claim_pays_what_vested() {
    let mut m = market_from_genesis(incentive_genesis);
    let lease = carol_leases_to_alice(&mut m, "1000");
    next_epoch(&mut m);
    // Carol withdraws: the take it pays is her credit for leased rewards.
    let tx = m.carol.tx(&mpb::MsgWithdrawLease { id: Some(lease.clone()) });
    ok(&m.block(vec![tx]));
    next_epoch(&mut m);

    let rates: ipb::QueryEpochRatesResponse = query(&m, "/agora.incentive.v1.Query/EpochRates", &ipb::QueryEpochRatesRequest { epoch: 0, latest: true });
    let class = &rates.classes[0];
    assert_eq!(class.class.as_ref().map(GpuClassId::from_proto), Some(a100()));
    assert_eq!((class.leased_gpu_blocks.as_str(), class.idle_gpu_blocks.as_str()), ("80", "80"), "a whole epoch of 8 leased and 8 free");
    assert_eq!(class.utilization, "0.5");
    assert!(!class.idle_rate.is_empty(), "50 % utilization is above the floor: idle time is paid");

    // Bob's free GPUs earned idle time; his claim pays its whole units.
    let bob = m.bob.address();
    let before = rewards(&m, &bob);
    assert!(before.verified);
    let claimable = vested(&before).floor().expect("units");
    assert!(claimable > 0, "{before:?}");
    let balance = m.uagora(&bob);
    let tx = m.bob.tx(&ipb::MsgClaimRewards { provider: bob.to_bech32() });
    let results = m.block(vec![tx]);
    ok(&results);
    assert!(results[0].events.iter().any(|e| e.kind == "incentive_claim"));
    assert!(m.uagora(&bob) >= balance + claimable - 5_000, "claimed at least what had vested (fee 5000)");
    let after = rewards(&m, &bob);
    assert_eq!(after.claimed.iter().find(|c| c.denom == "uagora").map(|c| c.amount.clone()), Some(m.uagora(&bob).saturating_sub(balance - 5_000).to_string()));

    // Carol's leased reward is at most half the take her lease paid (2 % of 4,000 a block,
    // withdrawn once).
    let carol = rewards(&m, &m.carol.address());
    let lease: mpb::QueryLeaseResponse = query(&m, "/agora.market.v1.Query/Lease", &mpb::QueryLeaseRequest { id: Some(lease.clone()) });
    let leased_blocks = epoch(&m).start_height - lease.lease.expect("lease").created_height;
    let half_the_take = Dec::from_units(u128::from(leased_blocks) * 40);
    assert!(vested(&carol) > Dec::ZERO && vested(&carol) <= half_the_take, "{:?} over {leased_blocks} blocks", carol.vested);
}

#[test]
fn refusals_are_typed_and_change_nothing_but_the_fee() {
    let mut m = market_from_genesis(incentive_genesis);
    m.with_providers(8);
    // Nothing to claim yet: the epoch has not ended.
    let tx = m.bob.tx(&ipb::MsgClaimRewards { provider: m.bob.address().to_bech32() });
    assert_refused(&m.block(vec![tx])[0], "incentive", 5, "no vested rewards");
    // Alice never provided.
    let tx = m.alice.tx(&ipb::MsgClaimRewards { provider: m.alice.address().to_bech32() });
    assert_refused(&m.block(vec![tx])[0], "incentive", 4, "has no incentive rewards");
    // Parameters change only through governance.
    let tx = m.alice.tx(&ipb::MsgUpdateParams { authority: m.alice.address().to_bech32(), params: Some(Params::default().to_proto()) });
    assert_refused(&m.block(vec![tx])[0], "gov", 13, "invalid authority");
    // A claim signed by someone else for bob: the signer must be the provider.
    let forged = ipb::MsgClaimRewards { provider: m.bob.address().to_bech32() };
    let tx = m.alice.tx(&forged);
    let result = &m.block(vec![tx])[0];
    assert_ne!(result.code.value(), 0, "a claim for another provider is refused");
}

/// Total wealth of bob and his second account: their balances, what bob's deployment still
/// holds in escrow and what its lease has accrued for bob, and bob's unclaimed rewards.
fn wealth(m: &Market, self_dealing: bool) -> Dec {
    let mut total = Dec::from_units(m.uagora(&m.bob.address()) + m.uagora(&m.auditor.address()));
    total = total.checked_add(vested(&rewards(m, &m.bob.address()))).expect("sum");
    if self_dealing {
        let lease: mpb::QueryLeaseResponse = query(m, "/agora.market.v1.Query/Lease", &mpb::QueryLeaseRequest { id: Some(bid_id(&m.auditor, 7, 1, 1, &m.bob)) });
        let payment = lease.escrow_payment.expect("payment");
        // Accrued for bob, less the 2 % take a withdrawal will pay.
        let accrued: Dec = payment.balance.expect("balance").amount.parse().expect("dec");
        let balance = accrued.checked_mul("0.98".parse().expect("dec")).expect("product");
        let account: agora_proto::escrow::v1::QueryAccountResponse = query(
            m,
            "/agora.escrow.v1.Query/Account",
            &agora_proto::escrow::v1::QueryAccountRequest {
                id: Some(agora_proto::escrow::v1::AccountId { owner: m.auditor.address().to_bech32(), dseq: 7 }),
            },
        );
        let left: Dec = account.account.expect("account").balance.expect("balance").amount.parse().expect("dec");
        total = total.checked_add(balance).and_then(|t| t.checked_add(left)).expect("sum");
    }
    total
}

/// Bob's second account (the auditor's key) rents all of bob's A100s at `price` per replica.
fn self_lease(m: &mut Market, price: &str) {
    let deployment = create_deployment(&m.auditor, 7, vec![gpu_group("self", 4, price, false)], 100_000_000);
    let tx = m.auditor.tx(&deployment);
    ok(&m.block(vec![tx]));
    let order = order_id(&m.auditor, 7, 1, 1);
    let tx = m.bob.tx(&create_bid(order, &m.bob, &(4 * price.parse::<u128>().expect("price")).to_string()));
    ok(&m.block(vec![tx]));
    let tx = m.auditor.tx(&mpb::MsgCreateLease { bid_id: Some(bid_id(&m.auditor, 7, 1, 1, &m.bob)) });
    ok(&m.block(vec![tx]));
}

#[test]
fn leasing_ones_own_capacity_through_a_second_account_ends_every_epoch_poorer() {
    for price in ["1000", "1"] {
        let mut honest = market_from_genesis(incentive_genesis);
        let mut wash = market_from_genesis(incentive_genesis);
        for m in [&mut honest, &mut wash] {
            carol_leases_to_alice(m, "1000");
        }
        // The same blocks on both chains: the honest one's extra transactions are empty blocks.
        self_lease(&mut wash, price);
        honest.empty_blocks(3);
        let start = (wealth(&honest, false), wealth(&wash, true));
        for _ in 0..3 {
            // Each epoch bob sends one transaction on each chain (the same fee): on the
            // self-dealing chain the withdrawal that pays the take (his credit for leased
            // rewards), on the other a transfer to himself.
            let bob = honest.bob.address();
            let tx = honest.bob.tx(&msg_send(&bob, &bob, vec![pb_coin("uagora", "1")]));
            ok(&honest.block(vec![tx]));
            let tx = wash.bob.tx(&mpb::MsgWithdrawLease { id: Some(bid_id(&wash.auditor, 7, 1, 1, &wash.bob)) });
            ok(&wash.block(vec![tx]));
            next_epoch(&mut honest);
            next_epoch(&mut wash);
            assert_eq!(honest.height(), wash.height());
            // wash_now − wash_start < honest_now − honest_start, without negative decimals.
            let (honest_now, wash_now) = (wealth(&honest, false), wealth(&wash, true));
            assert!(
                wash_now.checked_add(start.0).expect("sum") < honest_now.checked_add(start.1).expect("sum"),
                "at price {price}, height {}: the self-dealer went from {} to {wash_now}, the honest provider from {} to {honest_now}",
                wash.height(),
                start.1,
                start.0
            );
        }
    }
}
