//! In-process app tests of the compute market: providers, deployments, bids, auctions,
//! leases and escrow, driven through the real ABCI application with signed transactions.
//! Every block is followed by the supply, escrow and capacity invariants (see `common`).

mod common;

use agora_proto::base::v1::{Attribute, DecCoin};
use agora_proto::deployment::v1 as dpb;
use agora_proto::escrow::v1 as epb;
use agora_proto::market::v1 as mpb;
use agora_proto::provider::v1 as ppb;
use agora_types::Address;
use common::market::*;
use common::*;

#[test]
fn a_lease_pays_the_provider_every_block_exactly_and_closing_refunds_the_rest() {
    let mut m = market();
    let bob_start = m.uagora(&m.bob.address());
    m.with_providers(8);
    assert_eq!(m.uagora(&m.bob.address()), bob_start - BOND - FEE_AMOUNT);
    assert_eq!(m.uagora(&Address::module("provider")), 2 * BOND);

    let alice_start = m.uagora(&m.alice.address());
    let deploy = create_deployment(&m.alice, 1, vec![gpu_group("gpu", 2, "5", false)], 1_000_000);
    let tx = m.alice.tx(&deploy);
    ok(&m.block(vec![tx]));
    assert_eq!(m.uagora(&m.alice.address()), alice_start - 1_000_000 - FEE_AMOUNT);

    // A fractional price: 7.5 per block for the whole group (the maximum is 2 × 5).
    let bob_before_bid = m.uagora(&m.bob.address());
    let tx = m.bob.tx(&create_bid(order_id(&m.alice, 1, 1, 1), &m.bob, "7.5"));
    ok(&m.block(vec![tx]));
    assert_eq!(m.uagora(&m.bob.address()), bob_before_bid - BID_DEPOSIT - FEE_AMOUNT);

    let lease_id = bid_id(&m.alice, 1, 1, 1, &m.bob);
    let tx = m.alice.tx(&mpb::MsgCreateLease { bid_id: Some(lease_id.clone()) });
    let results = m.block(vec![tx]);
    ok(&results);
    assert!(results[0].events.iter().any(|e| e.kind == "lease_created"));
    let started = m.height();
    let lease = m.lease(&lease_id);
    let leased = lease.lease.as_ref().expect("lease");
    assert_eq!(leased.state, mpb::LeaseState::Active as i32);
    assert_eq!(leased.resources.as_ref().expect("resources").gpus, vec![a100s(4)], "2 replicas × 2 A100s");
    assert_eq!(m.provider(&m.bob).allocated.expect("allocated").gpus, vec![a100s(4)]);

    m.empty_blocks(10);
    // Queries settle in memory up to the queried height without writing.
    let payment = m.lease(&lease_id).escrow_payment.expect("payment");
    assert_eq!(dec_amount(&payment.balance), dec("75"), "10 blocks × 7.5");

    let bob_before = m.uagora(&m.bob.address());
    // The empty blocks left no fee to be swept into the community pool in the next one.
    let pool_before = m.uagora(&community_pool());
    let tx = m.bob.tx(&mpb::MsgWithdrawLease { id: Some(lease_id.clone()) });
    ok(&m.block(vec![tx]));
    let blocks = m.height() - started;
    assert_eq!(blocks, 11);
    // 11 × 7.5 = 82.5: 82 paid out (2% take = 1), 0.5 carried over.
    assert_eq!(m.uagora(&m.bob.address()), bob_before - FEE_AMOUNT + 81);
    assert_eq!(m.uagora(&community_pool()) - pool_before, 1);
    let payment = m.lease(&lease_id).escrow_payment.expect("payment");
    assert_eq!(dec_amount(&payment.balance), dec("0.5"));
    assert_eq!(dec_amount(&payment.withdrawn), dec("82"));

    let alice_before = m.uagora(&m.alice.address());
    let bob_before = m.uagora(&m.bob.address());
    let tx = m.alice.tx(&dpb::MsgCloseDeployment { id: Some(dpb::DeploymentId { owner: m.alice.address().to_bech32(), dseq: 1 }) });
    let results = m.block(vec![tx]);
    ok(&results);
    // One more block: 0.5 + 7.5 = 8 paid (take 0.16 rounds to 0); the bid deposit comes back.
    assert_eq!(m.uagora(&m.bob.address()), bob_before + 8 + BID_DEPOSIT);
    // Alice gets back everything not paid: 1,000,000 − 82.5 − 7.5 − 0 = 999,910.
    assert_eq!(m.uagora(&m.alice.address()), alice_before - FEE_AMOUNT + 999_910);
    assert_eq!(m.uagora(&Address::module("escrow")), 0);
    assert_eq!(m.uagora(&Address::module("market")), 0);
    let closed = m.lease(&lease_id).lease.expect("lease");
    assert_eq!(closed.state, mpb::LeaseState::Closed as i32);
    assert_eq!(closed.close_reason, mpb::LeaseCloseReason::Owner as i32);
    assert!(m.provider(&m.bob).allocated.unwrap_or_default().gpus.is_empty());
    let deployment = m.deployment(&m.alice, 1);
    assert_eq!(deployment.deployment.expect("deployment").state, dpb::DeploymentState::Closed as i32);
    assert_eq!(deployment.escrow_account.expect("account").state, epb::AccountState::Closed as i32);
    for kind in ["lease_closed", "escrow_withdrawal", "escrow_refund", "deployment_closed", "group_state_changed"] {
        assert!(results[0].events.iter().any(|e| e.kind == kind), "missing {kind} event");
    }
}

#[test]
fn the_auction_awards_the_lowest_bid_without_tenant_action() {
    let mut m = market();
    m.with_providers(8);
    let tx = m.alice.tx(&create_deployment(&m.alice, 1, vec![gpu_group("gpu", 1, "10", true)], 100_000));
    ok(&m.block(vec![tx]));
    let created = m.height();
    let order = order_id(&m.alice, 1, 1, 1);
    let txs = vec![m.bob.tx(&create_bid(order.clone(), &m.bob, "9")), m.carol.tx(&create_bid(order.clone(), &m.carol, "8"))];
    ok(&m.block(txs));
    let bob_before = m.uagora(&m.bob.address());
    while m.height() < created + AUCTION_WINDOW {
        m.empty_blocks(1);
    }
    let carol_lease = m.lease(&bid_id(&m.alice, 1, 1, 1, &m.carol)).lease.expect("carol won");
    assert_eq!(carol_lease.state, mpb::LeaseState::Active as i32);
    assert_eq!(carol_lease.created_height, created + AUCTION_WINDOW);
    let bob_bid: mpb::QueryBidResponse = m
        .chain
        .node
        .query_proto("/agora.market.v1.Query/Bid", &mpb::QueryBidRequest { id: Some(bid_id(&m.alice, 1, 1, 1, &m.bob)) })
        .expect("bid");
    assert_eq!(bob_bid.bid.expect("bid").state, mpb::BidState::Lost as i32);
    assert_eq!(m.uagora(&m.bob.address()), bob_before + BID_DEPOSIT, "the losing deposit comes back");
}

#[test]
fn an_auction_tie_goes_to_the_earliest_bid() {
    let mut m = market();
    m.with_providers(8);
    let tx = m.alice.tx(&create_deployment(&m.alice, 1, vec![gpu_group("gpu", 1, "10", true)], 100_000));
    ok(&m.block(vec![tx]));
    let order = order_id(&m.alice, 1, 1, 1);
    // Carol's bid is first in the block, so it is earlier although carol sorts after bob.
    let txs = vec![m.carol.tx(&create_bid(order.clone(), &m.carol, "8")), m.bob.tx(&create_bid(order, &m.bob, "8"))];
    ok(&m.block(txs));
    m.empty_blocks(AUCTION_WINDOW);
    assert_eq!(m.lease(&bid_id(&m.alice, 1, 1, 1, &m.carol)).lease.expect("lease").state, mpb::LeaseState::Active as i32);
}

#[test]
fn funds_run_out_at_an_exact_height_and_a_deposit_restarts_the_group() {
    let mut m = market();
    m.with_providers(8);
    let lease_id = m.leased(1, "7", 1_000);
    let started = m.height();
    // 1,000 pays 142 blocks of 7 (994); 6 is left, less than one block.
    let runs_out = started + 142;
    let account = m.deployment(&m.alice, 1).escrow_account.expect("account");
    assert_eq!(account.depletes_height, runs_out);

    let bob_before = m.uagora(&m.bob.address());
    while m.height() < runs_out - 1 {
        m.empty_blocks(1);
    }
    assert_eq!(m.lease(&lease_id).lease.expect("lease").state, mpb::LeaseState::Active as i32);
    m.empty_blocks(1);
    assert_eq!(m.height(), runs_out);
    let lease = m.lease(&lease_id);
    let closed = lease.lease.expect("lease");
    assert_eq!(closed.state, mpb::LeaseState::InsufficientFunds as i32);
    assert_eq!(closed.closed_height, runs_out);
    assert_eq!(closed.close_reason, mpb::LeaseCloseReason::InsufficientFunds as i32);
    let payment = lease.escrow_payment.expect("payment");
    assert_eq!(dec_amount(&payment.withdrawn), dec("994"), "paid exactly up to the height the funds cover");
    // 994 less the 2% take (19), and the bid deposit back.
    assert_eq!(m.uagora(&m.bob.address()), bob_before + 975 + BID_DEPOSIT);
    let deployment = m.deployment(&m.alice, 1);
    assert_eq!(deployment.deployment.expect("deployment").state, dpb::DeploymentState::Active as i32, "the deployment stays");
    assert_eq!(deployment.groups[0].state, dpb::GroupState::InsufficientFunds as i32);
    let account = deployment.escrow_account.expect("account");
    assert_eq!(account.state, epb::AccountState::Overdrawn as i32);
    assert_eq!(dec_amount(&account.balance), dec("6"));
    assert!(m.provider(&m.bob).allocated.unwrap_or_default().gpus.is_empty());

    m.empty_blocks(3);
    // A third party may top the account up, but only the owner's deposit restarts the group.
    let tx = m.carol.tx(&dpb::MsgDepositDeployment {
        id: Some(dpb::DeploymentId { owner: m.alice.address().to_bech32(), dseq: 1 }),
        amount: Some(pb_coin("uagora", "500")),
        depositor: m.carol.address().to_bech32(),
    });
    ok(&m.block(vec![tx]));
    let deployment = m.deployment(&m.alice, 1);
    assert_eq!(deployment.groups[0].state, dpb::GroupState::InsufficientFunds as i32, "not restarted by carol");
    assert_eq!(deployment.groups[0].last_oseq, 1);
    let tx = m.alice.tx(&dpb::MsgDepositDeployment {
        id: Some(dpb::DeploymentId { owner: m.alice.address().to_bech32(), dseq: 1 }),
        amount: Some(pb_coin("uagora", "1000")),
        depositor: m.alice.address().to_bech32(),
    });
    let results = m.block(vec![tx]);
    ok(&results);
    let deployment = m.deployment(&m.alice, 1);
    assert_eq!(deployment.groups[0].state, dpb::GroupState::Open as i32);
    assert_eq!(deployment.groups[0].last_oseq, 2, "a new order opened");
    let account = deployment.escrow_account.expect("account");
    assert_eq!(account.state, epb::AccountState::Open as i32);
    assert_eq!(dec_amount(&account.balance), dec("1506"));
    // The restarted group takes bids again.
    let tx = m.bob.tx(&create_bid(order_id(&m.alice, 1, 1, 2), &m.bob, "7"));
    ok(&m.block(vec![tx]));
}

#[test]
fn one_provider_winning_several_auctions_at_once_is_never_oversubscribed() {
    let mut m = market();
    m.with_providers(8);
    // Two deployments each needing 6 A100s (3 replicas × 2); bob has 8.
    let txs = vec![
        m.alice.tx(&create_deployment(&m.alice, 1, vec![gpu_group("gpu", 3, "10", true)], 100_000)),
        m.alice.tx(&create_deployment(&m.alice, 2, vec![gpu_group("gpu", 3, "10", true)], 100_000)),
    ];
    ok(&m.block(txs));
    // Bids do not lock capacity: bob may bid on both; carol bids higher on the second.
    let txs = vec![
        m.bob.tx(&create_bid(order_id(&m.alice, 1, 1, 1), &m.bob, "20")),
        m.bob.tx(&create_bid(order_id(&m.alice, 2, 1, 1), &m.bob, "20")),
        m.carol.tx(&create_bid(order_id(&m.alice, 2, 1, 1), &m.carol, "25")),
    ];
    ok(&m.block(txs));
    m.empty_blocks(AUCTION_WINDOW);
    assert_eq!(m.lease(&bid_id(&m.alice, 1, 1, 1, &m.bob)).lease.expect("lease").state, mpb::LeaseState::Active as i32);
    // Bob had no room for the second: carol's dearer bid won it.
    assert_eq!(m.lease(&bid_id(&m.alice, 2, 1, 1, &m.carol)).lease.expect("lease").state, mpb::LeaseState::Active as i32);
    assert_eq!(m.provider(&m.bob).allocated.expect("allocated").gpus, vec![a100s(6)]);
    assert_eq!(m.provider(&m.carol).allocated.expect("allocated").gpus, vec![a100s(6)]);
    let util: ppb::QueryGpuUtilizationResponse = m
        .chain
        .node
        .query_proto("/agora.provider.v1.Query/GpuUtilization", &ppb::QueryGpuUtilizationRequest {})
        .expect("utilization");
    assert_eq!(util.classes.len(), 1);
    assert_eq!((util.classes[0].registered, util.classes[0].leased), (16, 12));
}

#[test]
fn unfilled_orders_expire_pause_the_group_and_return_bid_deposits() {
    let mut m = market();
    m.with_providers(8);
    let tx = m.alice.tx(&create_deployment(&m.alice, 1, vec![gpu_group("gpu", 1, "10", false)], 100_000));
    ok(&m.block(vec![tx]));
    let created = m.height();
    let tx = m.bob.tx(&create_bid(order_id(&m.alice, 1, 1, 1), &m.bob, "9"));
    ok(&m.block(vec![tx]));
    let bob_before = m.uagora(&m.bob.address());
    while m.height() < created + ORDER_TTL {
        m.empty_blocks(1);
    }
    let order: mpb::QueryOrderResponse = m
        .chain
        .node
        .query_proto("/agora.market.v1.Query/Order", &mpb::QueryOrderRequest { id: Some(order_id(&m.alice, 1, 1, 1)) })
        .expect("order");
    assert_eq!(order.order.expect("order").state, mpb::OrderState::Closed as i32);
    assert_eq!(m.deployment(&m.alice, 1).groups[0].state, dpb::GroupState::Paused as i32);
    assert_eq!(m.uagora(&m.bob.address()), bob_before + BID_DEPOSIT);
    assert_eq!(m.provider(&m.bob).open_bids, 0);
    // The tenant restarts it.
    let tx = m.alice.tx(&dpb::MsgStartGroup { id: Some(dpb::GroupId { owner: m.alice.address().to_bech32(), dseq: 1, gseq: 1 }) });
    ok(&m.block(vec![tx]));
    assert_eq!(m.deployment(&m.alice, 1).groups[0].last_oseq, 2);
}

/// Bob (8 A100s) leases one replica of alice's GPU group at 9 uagora a block.
fn bobs_lease_at_9(m: &mut Market) -> mpb::BidId {
    m.with_providers(8);
    let tx = m.alice.tx(&create_deployment(&m.alice, 1, vec![gpu_group("gpu", 1, "10", false)], 100_000));
    ok(&m.block(vec![tx]));
    let tx = m.bob.tx(&create_bid(order_id(&m.alice, 1, 1, 1), &m.bob, "9"));
    ok(&m.block(vec![tx]));
    let lease_id = bid_id(&m.alice, 1, 1, 1, &m.bob);
    let tx = m.alice.tx(&mpb::MsgCreateLease { bid_id: Some(lease_id.clone()) });
    ok(&m.block(vec![tx]));
    lease_id
}

#[test]
fn a_provider_closing_a_lease_reopens_the_order() {
    let mut m = market();
    let lease_id = bobs_lease_at_9(&mut m);
    // Bob walks away from the lease: his bid deposit goes to alice as the exit fee.
    let (alice, bob) = (m.alice.address(), m.bob.address());
    let (alice_before, bob_before) = (m.uagora(&alice), m.uagora(&bob));
    let tx = m.bob.tx(&mpb::MsgCloseBid { id: Some(lease_id.clone()), reason: mpb::LeaseCloseReason::ProviderDecommission as i32 });
    let results = m.block(vec![tx]);
    ok(&results);
    assert!(results[0].events.iter().any(|e| e.kind == "lease_exit_fee"));
    let lease = m.lease(&lease_id).lease.expect("lease");
    assert_eq!(lease.close_reason, mpb::LeaseCloseReason::ProviderDecommission as i32);
    assert_eq!(m.uagora(&alice), alice_before + BID_DEPOSIT, "the exit fee, and nothing of the escrow left (still funding the new order)");
    let paid_out = u128::from(m.height() - lease.created_height) * 9;
    let take = paid_out / 50; // 2 % take
    assert!(m.uagora(&bob) <= bob_before + paid_out - take - FEE_AMOUNT, "bob's deposit did not come back");
    let deployment = m.deployment(&m.alice, 1);
    assert_eq!(deployment.groups[0].state, dpb::GroupState::Open as i32);
    assert_eq!(deployment.groups[0].last_oseq, 2);
}

/// A manifest timeout is the tenant's doing: the provider that closes for it keeps its deposit.
#[test]
fn a_provider_closing_for_a_manifest_timeout_pays_no_exit_fee() {
    let mut m = market();
    let lease_id = bobs_lease_at_9(&mut m);
    let alice_before = m.uagora(&m.alice.address());
    let tx = m.bob.tx(&mpb::MsgCloseBid { id: Some(lease_id), reason: mpb::LeaseCloseReason::ProviderManifestTimeout as i32 });
    let results = m.block(vec![tx]);
    ok(&results);
    assert!(!results[0].events.iter().any(|e| e.kind == "lease_exit_fee"));
    assert_eq!(m.uagora(&m.alice.address()), alice_before, "nothing to the tenant");
}

#[test]
fn auditor_signed_attributes_gate_bids_when_the_order_names_auditors() {
    let mut m = market();
    m.with_providers(8);
    let mut group = gpu_group("gpu", 1, "10", false);
    group.requirements.as_mut().expect("requirements").signed_by =
        Some(dpb::SignedBy { all_of: vec![m.auditor.address().to_bech32()], any_of: vec![] });
    let tx = m.alice.tx(&create_deployment(&m.alice, 1, vec![group], 100_000));
    ok(&m.block(vec![tx]));
    // Bob claims region=eu himself, but the auditor has not signed it.
    let tx = m.bob.tx(&create_bid(order_id(&m.alice, 1, 1, 1), &m.bob, "9"));
    let results = m.block(vec![tx]);
    assert_refused(&results[0], "market", 15, "auditor");
    let sign = agora_proto::audit::v1::MsgSignProviderAttributes {
        auditor: m.auditor.address().to_bech32(),
        provider: m.bob.address().to_bech32(),
        attributes: vec![Attribute { key: "region".into(), value: "eu".into() }],
    };
    let tx = m.auditor.tx(&sign);
    ok(&m.block(vec![tx]));
    let tx = m.bob.tx(&create_bid(order_id(&m.alice, 1, 1, 1), &m.bob, "9"));
    ok(&m.block(vec![tx]));
}

/// Each refusal returns its own code and a message saying what was wrong, and changes
/// nothing but the fee (and the sender's sequence).
#[test]
fn every_market_refusal_has_its_own_code_and_changes_nothing_but_the_fee() {
    let mut m = market();
    m.with_providers(2);
    let tx = m.alice.tx(&create_deployment(&m.alice, 1, vec![gpu_group("gpu", 1, "10", false)], 100_000));
    ok(&m.block(vec![tx]));
    let order = order_id(&m.alice, 1, 1, 1);

    let mut bad_cpu = gpu_group("gpu", 1, "10", false);
    bad_cpu.resources[0].cpu_millis = 1;
    let mut short_hash = create_deployment(&m.alice, 3, vec![gpu_group("gpu", 1, "10", false)], 100_000);
    short_hash.version_hash = vec![1; 5];
    let mut usdc = create_deployment(&m.alice, 4, vec![gpu_group("gpu", 1, "10", false)], 100_000);
    usdc.deposit = Some(pb_coin("uusdc", "100000"));
    usdc.groups[0].resources[0].price = Some(DecCoin { denom: "uusdc".into(), amount: "10".into() });
    let mut mixed = create_deployment(&m.alice, 5, vec![gpu_group("gpu", 1, "10", false)], 100_000);
    mixed.groups[0].resources[0].price = Some(DecCoin { denom: "uusdc".into(), amount: "10".into() });
    let mut small_deposit = create_bid(order.clone(), &m.bob, "9");
    small_deposit.deposit = Some(pb_coin("uagora", "1"));

    // (who signs, message, codespace, code, what the log must mention)
    type Case = (&'static str, Box<dyn Fn(&Market) -> cosmos_sdk_proto::Any>, &'static str, u32, &'static str);
    let cases: Vec<Case> = vec![
        ("alice", Box::new(|m| to_any(&create_deployment(&m.alice, 1, vec![gpu_group("gpu", 1, "10", false)], 100_000))), "deployment", 4, "already exists"),
        ("alice", Box::new(|m| to_any(&create_deployment(&m.alice, 2, vec![gpu_group("gpu", 1, "10", false)], 10))), "deployment", 10, "below the minimum"),
        ("alice", Box::new(move |_| to_any(&usdc)), "deployment", 9, "uusdc"),
        ("alice", Box::new(move |_| to_any(&mixed)), "deployment", 3, "priced in uusdc"),
        ("alice", Box::new(move |m| to_any(&create_deployment(&m.alice, 2, vec![bad_cpu.clone()], 100_000))), "deployment", 2, "cpu_millis"),
        ("alice", Box::new(move |_| to_any(&short_hash)), "deployment", 11, "32 bytes"),
        ("alice", Box::new(|m| to_any(&dpb::MsgCloseDeployment { id: Some(dpb::DeploymentId { owner: m.alice.address().to_bech32(), dseq: 9 }) })), "deployment", 5, "not found"),
        ("alice", Box::new(|m| to_any(&dpb::MsgStartGroup { id: Some(dpb::GroupId { owner: m.alice.address().to_bech32(), dseq: 1, gseq: 1 }) })), "deployment", 8, "starting it"),
        ("bob", Box::new(|m| to_any(&create_bid(order_id(&m.alice, 1, 1, 1), &m.bob, "10.5"))), "market", 10, "exceeds the order's maximum"),
        ("bob", Box::new(move |_| to_any(&small_deposit)), "market", 12, "below the minimum"),
        ("bob", Box::new(|m| to_any(&create_bid(order_id(&m.alice, 1, 1, 9), &m.bob, "9"))), "market", 2, "not found"),
        ("alice", Box::new(|m| to_any(&create_bid(order_id(&m.alice, 1, 1, 1), &m.alice, "9"))), "market", 14, "own order"),
        ("auditor", Box::new(|m| to_any(&create_bid(order_id(&m.alice, 1, 1, 1), &m.auditor, "9"))), "market", 13, "not registered"),
        ("bob", Box::new(|m| to_any(&create_bid(order_id(&m.alice, 1, 1, 1), &m.bob, "abc"))), "market", 9, "invalid decimal"),
        ("alice", Box::new(|m| to_any(&mpb::MsgCreateLease { bid_id: Some(bid_id(&m.alice, 1, 1, 1, &m.bob)) })), "market", 4, "not found"),
        ("alice", Box::new(|m| to_any(&mpb::MsgCloseLease { id: Some(bid_id(&m.alice, 1, 1, 1, &m.bob)) })), "market", 7, "not found"),
        ("bob", Box::new(|m| to_any(&mpb::MsgWithdrawLease { id: Some(bid_id(&m.alice, 1, 1, 1, &m.bob)) })), "market", 7, "not found"),
        ("bob", Box::new(|m| to_any(&mpb::MsgCloseBid { id: Some(bid_id(&m.alice, 1, 1, 1, &m.bob)), reason: 0 })), "market", 4, "not found"),
    ];
    for (i, (who, msg, codespace, code, needle)) in cases.into_iter().enumerate() {
        let any = msg(&m);
        let actor = match who {
            "alice" => &mut m.alice,
            "bob" => &mut m.bob,
            _ => &mut m.auditor,
        };
        let address = actor.address();
        let tx = agora_tx::TxBuilder::new()
            .any_message(any)
            .fee(coins(FEE))
            .gas_limit(GAS)
            .sign(&actor.key, CHAIN_ID, actor.number, actor.sequence);
        // Stateless refusals stop at CheckTx (and a proposer drops them): no fee, no sequence.
        let check = m.chain.node.check_tx(&tx);
        if check.code.value() != 0 {
            assert_eq!((check.codespace.as_str(), check.code.value()), (codespace, code), "case {i}: {}", check.log);
            assert!(check.log.contains(needle), "case {i}: log {:?} should mention {needle:?}", check.log);
            continue;
        }
        actor.sequence += 1;
        let before = m.chain.node.app().storage().latest_snapshot();
        let balance_before = m.uagora(&address);
        let results = m.block(vec![tx]);
        assert!(results[0].code.value() != 0, "case {i} should be refused");
        assert_refused(&results[0], codespace, code, needle);
        assert_eq!(m.uagora(&address), balance_before - FEE_AMOUNT, "case {i}: only the fee is paid");
        // Nothing of the market changed.
        let after = m.chain.node.app().storage().latest_snapshot();
        for prefix in [&b"deployment/"[..], b"market/", b"escrow/", b"provider/", b"audit/"] {
            let scan = |s: &agora_store::Snapshot| -> Vec<(Vec<u8>, Vec<u8>)> {
                use agora_store::StateRead;
                s.prefix_raw(prefix, None).collect::<Result<_, _>>().expect("scan")
            };
            assert_eq!(scan(&before), scan(&after), "case {i} changed {}", String::from_utf8_lossy(prefix));
        }
    }

    // Capacity: bob has 2 A100s; a group needing 4 is refused at bid time.
    let tx = m.alice.tx(&create_deployment(&m.alice, 7, vec![gpu_group("big", 2, "10", false)], 100_000));
    ok(&m.block(vec![tx]));
    let tx = m.bob.tx(&create_bid(order_id(&m.alice, 7, 1, 1), &m.bob, "9"));
    let results = m.block(vec![tx]);
    assert_refused(&results[0], "market", 16, "no room for the group");
    // One bid per provider per order.
    let txs = vec![m.bob.tx(&create_bid(order.clone(), &m.bob, "9")), m.bob.tx(&create_bid(order.clone(), &m.bob, "8"))];
    let results = m.block(txs);
    ok(&results[..1]);
    assert_refused(&results[1], "market", 5, "one bid per provider");
    // A provider with a bid open cannot leave.
    let tx = m.bob.tx(&ppb::MsgDeleteProvider { owner: m.bob.address().to_bech32() });
    let results = m.block(vec![tx]);
    assert_eq!(results[0].codespace, "provider", "{}", results[0].log);
    // A client reason is not a provider reason.
    let lease = bid_id(&m.alice, 1, 1, 1, &m.bob);
    let tx = m.alice.tx(&mpb::MsgCreateLease { bid_id: Some(lease.clone()) });
    ok(&m.block(vec![tx]));
    let tx = m.bob.tx(&mpb::MsgCloseBid { id: Some(lease.clone()), reason: mpb::LeaseCloseReason::Owner as i32 });
    let results = m.block(vec![tx]);
    assert_refused(&results[0], "market", 18, "provider reason");
    // Someone else cannot close the tenant's lease: the signature must be the tenant's.
    let forged = agora_tx::TxBuilder::new()
        .message(&mpb::MsgCloseLease { id: Some(lease) })
        .fee(coins(FEE))
        .gas_limit(GAS)
        .sign(&m.bob.key, CHAIN_ID, m.bob.number, m.bob.sequence);
    let results = m.block(vec![forged]);
    assert!(results[0].code.value() != 0, "a forged close is refused");
}

fn to_any<M: prost::Name>(msg: &M) -> cosmos_sdk_proto::Any {
    agora_tx::to_any(msg)
}

/// 10,000 orders created in one block expire at one height. End-of-block work takes at most
/// `max_due_orders_per_block` (1,000 by default) per block, counted by the expiry events; all
/// expire in the ten blocks from that height; and a second node fed the same blocks on its own
/// store has the same app hash after every block.
#[test]
fn ten_thousand_orders_due_at_one_height_are_worked_off_within_the_budget_on_two_nodes_alike() {
    const ORDERS: u64 = 10_000;
    const BUDGET: usize = 1_000;
    let mut first = market();
    let mut second = market();
    let txs: Vec<Vec<u8>> = (1..=ORDERS)
        .map(|dseq| {
            let msg = create_deployment(&first.alice, dseq, vec![gpu_group("gpu", 1, "10", false)], 1_000);
            first.alice.tx(&msg)
        })
        .collect();
    ok(&first.block(txs.clone()));
    ok(&second.block(txs));
    assert_eq!(first.chain.app_hash(), second.chain.app_hash());
    let due = first.height() + ORDER_TTL;

    let expired_in_last_block = |m: &Market| {
        let events = &m.chain.node.last_finalized().expect("finalized").events;
        events
            .iter()
            .filter(|e| e.kind == "order_closed" && e.attributes.iter().any(|a| a.value_str().ok() == Some("expired")))
            .count()
    };
    // Up to the expiry height without the invariants' full scans (nothing happens there).
    while first.height() + 1 < due {
        first.chain.node.make_block(vec![]).expect("block");
        second.chain.node.make_block(vec![]).expect("block");
        assert_eq!(expired_in_last_block(&first), 0, "nothing expires before its height");
    }
    let mut expired = 0;
    let mut blocks_with_expiries = 0;
    while expired < ORDERS as usize {
        first.chain.block(vec![]);
        second.chain.block(vec![]);
        assert_eq!(first.chain.app_hash(), second.chain.app_hash(), "height {}", first.height());
        let count = expired_in_last_block(&first);
        assert!(count <= BUDGET, "{count} expiries in one block");
        if count > 0 {
            assert!(first.height() >= due, "nothing expires before its height");
            blocks_with_expiries += 1;
        }
        expired += count;
        assert!(first.height() <= due + 20, "the queue is not being worked off");
    }
    assert_eq!(blocks_with_expiries, ORDERS as usize / BUDGET);
    assert_eq!(first.deployment(&first.alice, ORDERS).groups[0].state, dpb::GroupState::Paused as i32);
}

/// The placement matcher's worst case is paid by the step as it runs: 32 required keys like
/// `*aaa…az`, each met only by the provider's last key after 63 long keys of `a`s that
/// almost match, and the last requirement met by none. With a small gas limit the bid stops
/// within one charge of its limit; with a large one it pays in proportion to the steps.
#[test]
fn the_worst_case_placement_pattern_pays_for_every_step() {
    let mut m = market();
    let mut keys: Vec<Attribute> = (0..63)
        .map(|i| Attribute { key: format!("{}{i:02}", "a".repeat(100)), value: "x".into() })
        .collect();
    keys.push(Attribute { key: format!("{}z", "a".repeat(100)), value: "x".into() });
    let mut provider = create_provider(&m.bob, 8);
    provider.attributes = keys;
    let tx = m.bob.tx_with_gas(&provider, 5_000_000);
    ok(&m.block(vec![tx]));

    // `*` then a long literal: at every position of a key of 100 `a`s the literal matches
    // almost to its end, then fails (the matcher's quadratic case).
    let mut required: Vec<Attribute> =
        (0..31).map(|i| Attribute { key: format!("*{}z", "a".repeat(60 + i)), value: "x".into() }).collect();
    required.push(Attribute { key: format!("*{}b", "a".repeat(90)), value: "x".into() });
    let mut group = gpu_group("gpu", 1, "10", false);
    group.requirements = Some(dpb::PlacementRequirements { attributes: required, signed_by: None });
    let tx = m.alice.tx_with_gas(&create_deployment(&m.alice, 1, vec![group], 100_000), 5_000_000);
    ok(&m.block(vec![tx]));

    let bid = create_bid(order_id(&m.alice, 1, 1, 1), &m.bob, "9");
    let sign = |m: &mut Market, gas: u64| m.bob.tx_with_gas(&bid, gas);

    const SMALL: u64 = 1_000_000;
    let tx = sign(&mut m, SMALL);
    let result = m.block(vec![tx]).remove(0);
    assert_eq!((result.codespace.as_str(), result.code.value()), ("sdk", 11), "{}", result.log);
    let used = u64::try_from(result.gas_used).expect("gas");
    let one_charge = 256 * agora_market::spec::MATCH_STEP_GAS;
    assert!(used > SMALL && used <= SMALL + one_charge, "gas used {used}: matching went on past the limit");

    const LARGE: u64 = 2_000_000_000;
    let tx = sign(&mut m, LARGE);
    let result = m.block(vec![tx]).remove(0);
    assert_eq!((result.codespace.as_str(), result.code.value()), ("market", 15), "{}", result.log);
    let used = u64::try_from(result.gas_used).expect("gas");
    assert!(used > 40_000_000, "the full match (about 10 million steps) was paid for: {used} gas");
    assert!(result.log.contains("missing attribute") && result.log.contains("ab=x"), "{}", result.log);
}

/// App-hash snapshot of the whole marketplace: providers, an audit, deployments with groups,
/// orders (tenant-picked and auction), bids (open, active, lost), a lease paying through
/// escrow, a withdrawal with its take, and an expired order. If this
/// fails, a change altered state encoding, keys or what a block writes: call it out and
/// migrate, do not re-snapshot silently.
#[test]
fn marketplace_app_hash_should_not_change() {
    let mut m = market();
    m.with_providers(8);
    let sign = agora_proto::audit::v1::MsgSignProviderAttributes {
        auditor: m.auditor.address().to_bech32(),
        provider: m.bob.address().to_bech32(),
        attributes: vec![Attribute { key: "region".into(), value: "eu".into() }],
    };
    let tx = m.auditor.tx(&sign);
    ok(&m.block(vec![tx]));

    let picked = create_deployment(&m.alice, 1, vec![gpu_group("gpu", 2, "5", false), gpu_group("spare", 1, "3", false)], 1_000_000);
    let auctioned = create_deployment(&m.alice, 2, vec![gpu_group("auction", 1, "10", true)], 500_000);
    let txs = vec![m.alice.tx(&picked), m.alice.tx(&auctioned)];
    ok(&m.block(txs));
    let txs = vec![
        m.bob.tx(&create_bid(order_id(&m.alice, 1, 1, 1), &m.bob, "7.5")),
        m.carol.tx(&create_bid(order_id(&m.alice, 1, 1, 1), &m.carol, "8")),
        m.bob.tx(&create_bid(order_id(&m.alice, 2, 1, 1), &m.bob, "9")),
        m.carol.tx(&create_bid(order_id(&m.alice, 2, 1, 1), &m.carol, "6")),
    ];
    ok(&m.block(txs));
    let tx = m.alice.tx(&mpb::MsgCreateLease { bid_id: Some(bid_id(&m.alice, 1, 1, 1, &m.bob)) });
    ok(&m.block(vec![tx]));
    // The auction awards carol; the leases accrue.
    m.empty_blocks(AUCTION_WINDOW + 2);
    let tx = m.bob.tx(&mpb::MsgWithdrawLease { id: Some(bid_id(&m.alice, 1, 1, 1, &m.bob)) });
    ok(&m.block(vec![tx]));
    assert_eq!(m.lease(&bid_id(&m.alice, 2, 1, 1, &m.carol)).lease.expect("awarded").state, mpb::LeaseState::Active as i32);
    // The spare group's order expires unfilled.
    m.empty_blocks(ORDER_TTL);
    assert_eq!(m.deployment(&m.alice, 1).groups[1].state, dpb::GroupState::Paused as i32);

    let hash: String = m.chain.app_hash().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hash, MARKETPLACE_APP_HASH);
}

/// First taken when the component framework landed; changed when payments started carrying
/// the take's fraction (`take_carry`), when bank wrote its permission table at genesis, and when
/// closed orders and deployments started being scheduled for pruning, and when staking arrived
/// (parameters, pools, a header every block), slashing (parameters), mint (turned off here) and
/// distribution (fees swept to the community pool), when the `HistoricalInfo` header gained
/// the app hash, and when governance arrived (parameters, module account) and `HistoricalInfo`
/// began recording the snapshot in force at each height, and when milestone grants arrived
/// (parameters, the `grants` account), and when upgrades arrived (the `upgrade` substore, the
/// module version map), and when IBC arrived (its parameters, the `transfer` account), and
/// when incentives arrived (their parameters, account and records; half of each take moves to
/// the incentive pool), and when provider liveness challenges arrived (their parameters, the
/// providers' weights in the challenge draw) and provider fraud evidence (its parameters), and
/// when tenant disputes arrived (their parameters, the `provider_disputes` account, and the
/// panel seats' warm-up, cool-down and missed-vote parameters), and when bank began keeping its
/// index of holders by denom, and when auth began keeping its index of accounts by number.
/// No chain had launched.
const MARKETPLACE_APP_HASH: &str = "9f9b8365e59acc0fcd5e35e9208ceef974c512f71be3713a09e57685bb8d6b67";

/// Random marketplace blocks (seeded, so a failure reproduces) fed to two nodes on separate
/// stores: the same app hash after every block, and the invariants hold on both.
#[test]
fn the_same_random_marketplace_blocks_give_the_same_app_hash_on_two_stores() {
    let mut first = market();
    let mut second = market();
    // Same keys, same sequences: the same transaction bytes on both.
    first.with_providers(16);
    second.with_providers(16);
    assert_eq!(first.chain.app_hash(), second.chain.app_hash());

    let mut seed: u64 = 0x5eed_a60a;
    let mut next = move |bound: u64| {
        // splitmix64
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % bound
    };
    let mut deployments = 0u64;
    let mut bids: Vec<(u64, u32, u32, bool)> = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..60 {
        let mut txs = Vec::new();
        for _ in 0..1 + next(5) {
            let dseq = 1 + next(deployments.max(1));
            let by_bob = next(2) == 0;
            let tx = match next(8) {
                0 | 1 => {
                    deployments += 1;
                    let groups = (0..1 + next(2)).map(|g| gpu_group(&format!("g{g}"), 1, "10", next(3) == 0)).collect();
                    first.alice.tx(&create_deployment(&first.alice, deployments, groups, 1_000 + next(200_000) as u128))
                }
                2 | 3 => {
                    let (gseq, oseq) = (1 + next(2) as u32, 1 + next(2) as u32);
                    bids.push((dseq, gseq, oseq, by_bob));
                    let provider = if by_bob { &mut first.bob } else { &mut first.carol };
                    let order = order_id(&first.alice, dseq, gseq, oseq);
                    let price = format!("{}", 1 + next(10));
                    provider.tx(&create_bid(order, provider, &price))
                }
                4 | 5 if !bids.is_empty() => {
                    let (dseq, gseq, oseq, by_bob) = bids[next(bids.len() as u64) as usize];
                    let provider = if by_bob { &mut first.bob } else { &mut first.carol };
                    let id = bid_id(&first.alice, dseq, gseq, oseq, provider);
                    if next(2) == 0 {
                        first.alice.tx(&mpb::MsgCreateLease { bid_id: Some(id) })
                    } else {
                        provider.tx(&mpb::MsgWithdrawLease { id: Some(id) })
                    }
                }
                6 => {
                    let id = dpb::DeploymentId { owner: first.alice.address().to_bech32(), dseq };
                    let amount = pb_coin("uagora", &format!("{}", 1 + next(50_000)));
                    let depositor = first.alice.address().to_bech32();
                    first.alice.tx(&dpb::MsgDepositDeployment { id: Some(id), amount: Some(amount), depositor })
                }
                _ => {
                    let id = dpb::DeploymentId { owner: first.alice.address().to_bech32(), dseq };
                    first.alice.tx(&dpb::MsgCloseDeployment { id: Some(id) })
                }
            };
            txs.push(tx);
        }
        let results = first.chain.block(txs.clone());
        second.chain.block(txs);
        assert_eq!(first.chain.app_hash(), second.chain.app_hash(), "height {}", first.height());
        let block_events = &first.chain.node.last_finalized().expect("finalized").events;
        let tx_events = results.iter().flat_map(|r| r.events.iter());
        for kind in tx_events.chain(block_events.iter()).map(|e| e.kind.as_str()) {
            *seen.entry(kind.to_string()).or_insert(0) += 1;
        }
    }
    // The random blocks did reach the marketplace's states, not only its refusals.
    for kind in ["deployment_created", "bid_created", "lease_created", "escrow_withdrawal", "deployment_closed"] {
        assert!(seen.get(kind).copied().unwrap_or(0) > 0, "no {kind} in {seen:?}");
    }
}

/// The take's fraction carries over between withdrawals: a lease paying 1 uagora per block,
/// withdrawn every block, pays the 2% take once every 50 withdrawals instead of never.
#[test]
fn small_withdrawals_pay_their_take_over_time() {
    let mut m = market();
    m.with_providers(8);
    let lease = m.leased(1, "1", 100_000);
    // The community pool also receives the fees (swept from the fee collector each block, as
    // this chain has no validator to share them): count both and take the fees out.
    let collector = Address::module("fee_collector");
    let pool_before = m.uagora(&community_pool()) + m.uagora(&collector);
    for _ in 0..100 {
        let tx = m.bob.tx(&mpb::MsgWithdrawLease { id: Some(lease.clone()) });
        ok(&m.block(vec![tx]));
    }
    let pool_before = pool_before + 100 * FEE_AMOUNT - m.uagora(&collector);
    // 100 blocks at 1 uagora (the first withdrawal also takes the block the lease began in).
    let withdrawn = dec_amount(&m.lease(&lease).escrow_payment.expect("payment").withdrawn);
    let units: u128 = withdrawn.to_string().split('.').next().expect("units").parse().expect("int");
    assert!((100..=101).contains(&units), "{units}");
    // The incentive pool takes half of each take as it arrives (its own fraction carried too).
    let take = m.uagora(&community_pool()) - pool_before + m.uagora(&Address::module("incentive"));
    assert_eq!(take, units * 2 / 100, "2% of every unit, carried");
    assert_eq!(m.uagora(&Address::module("incentive")), take / 2);
}

/// Closed records are pruned `retention_blocks` after they closed, at most
/// `max_prunes_per_block` a block (orders first, the deployment after its orders), and nothing
/// of them is left in state; queries at heights while they were kept still answer.
#[test]
fn closed_orders_and_deployments_are_pruned_after_their_retention() {
    const RETENTION: u64 = 3;
    let mut m = market_with(|params| {
        params.retention_blocks = RETENTION;
        params.max_prunes_per_block = 1;
    });
    m.with_providers(8);
    let lease = m.leased(1, "10", 100_000);
    m.empty_blocks(2);
    let tx = m.alice.tx(&dpb::MsgCloseDeployment { id: Some(dpb::DeploymentId { owner: m.alice.address().to_bech32(), dseq: 1 }) });
    ok(&m.block(vec![tx]));
    let closed_at = m.height();

    let owner = m.alice.address();
    let remaining = |m: &Market| -> Vec<String> {
        use agora_store::StateRead;
        let snapshot = m.chain.node.app().storage().latest_snapshot();
        let mut keys = Vec::new();
        for prefix in [b"deployment/".as_slice(), b"market/", b"escrow/"] {
            for item in snapshot.prefix_raw(prefix, None) {
                let (key, _) = item.expect("read");
                if key.windows(20).any(|window| window == owner.as_bytes().as_slice()) {
                    keys.push(String::from_utf8_lossy(&key[..key.iter().position(|&b| b < 32).unwrap_or(key.len())]).into_owned());
                }
            }
        }
        keys
    };
    let lease_query = |m: &Market, height: u64| {
        m.chain.node.query("/agora.market.v1.Query/Lease", prost::Message::encode_to_vec(&mpb::QueryLeaseRequest { id: Some(lease.clone()) }), height, false).expect("query")
    };
    while m.height() < closed_at + RETENTION - 1 {
        m.empty_blocks(1);
        assert_eq!(lease_query(&m, 0).code.value(), 0, "kept during its retention");
    }
    // The order with its bid, lease and payment goes first; the deployment waits a block for
    // the budget of one.
    m.empty_blocks(1);
    let left = remaining(&m);
    let waiting = ["deployment/deployments/", "deployment/groups/", "escrow/accounts/", "market/prunes/"];
    assert!(left.iter().all(|key| waiting.iter().any(|prefix| key.starts_with(prefix))), "{left:?}");
    assert!(!left.is_empty(), "the deployment waits for the next block");
    let gone = lease_query(&m, 0);
    assert_eq!((gone.codespace.as_str(), gone.code.value()), ("sdk", 38), "{}", gone.log);
    let providers_leases: mpb::QueryLeasesResponse = m
        .chain
        .node
        .query_proto("/agora.market.v1.Query/Leases", &mpb::QueryLeasesRequest { provider: m.bob.address().to_bech32(), ..Default::default() })
        .expect("leases");
    assert!(providers_leases.leases.is_empty(), "the provider's index no longer lists it");
    m.empty_blocks(1);
    let left = remaining(&m);
    assert!(left.iter().all(|key| key.starts_with("deployment/pruned/")), "nothing of the closed deployment is left but the owner's highest pruned dseq: {left:?}");
    // An old height still answers.
    let old = lease_query(&m, closed_at);
    assert_eq!(old.code.value(), 0, "{}", old.log);
    let answer: mpb::QueryLeaseResponse = prost::Message::decode(old.value.as_ref()).expect("decode");
    assert_eq!(answer.lease.expect("lease").state, mpb::LeaseState::Closed as i32);

    // A pruned deployment's ids are never used again: its dseq is refused.
    let tx = m.alice.tx(&create_deployment(&m.alice, 1, vec![gpu_group("gpu", 1, "10", false)], 100_000));
    let results = m.chain.raw_block(vec![tx]);
    assert_refused(&results[0], "deployment", 4, "pruned");
    let tx = m.alice.tx(&create_deployment(&m.alice, 2, vec![gpu_group("gpu", 1, "10", false)], 100_000));
    ok(&m.block(vec![tx]));
}

/// A group whose last order expired and was pruned can still be closed, with its deployment
/// (the order is gone, not open).
#[test]
fn a_deployment_whose_expired_order_was_pruned_still_closes() {
    const RETENTION: u64 = 2;
    let mut m = market_with(|params| params.retention_blocks = RETENTION);
    m.with_providers(8);
    let tx = m.alice.tx(&create_deployment(&m.alice, 1, vec![gpu_group("gpu", 1, "10", false)], 100_000));
    ok(&m.block(vec![tx]));
    let created = m.height();
    while m.height() < created + ORDER_TTL + RETENTION + 1 {
        m.empty_blocks(1);
    }
    let order: mpb::QueryOrderResponse = m
        .chain
        .node
        .query_proto("/agora.market.v1.Query/Order", &mpb::QueryOrderRequest { id: Some(order_id(&m.alice, 1, 1, 1)) })
        .unwrap_or_default();
    assert!(order.order.is_none(), "the expired order was pruned");
    let alice_before = m.uagora(&m.alice.address());
    let tx = m.alice.tx(&dpb::MsgCloseDeployment { id: Some(dpb::DeploymentId { owner: m.alice.address().to_bech32(), dseq: 1 }) });
    ok(&m.block(vec![tx]));
    assert_eq!(m.uagora(&m.alice.address()), alice_before - FEE_AMOUNT + 100_000, "the whole deposit back");
    assert_eq!(m.deployment(&m.alice, 1).deployment.expect("deployment").state, dpb::DeploymentState::Closed as i32);
}

/// A zero-height export is a genesis that continues the chain: exported at height H and
/// started as a new chain, one block on each gives the same export again, every balance and
/// account the same, and the actors go on signing with their next sequences.
#[test]
fn an_exported_state_started_as_a_new_chain_continues_the_same_state_machine() {
    let mut m = market_with(|params| params.retention_blocks = 50);
    m.with_providers(8);
    let sign = agora_proto::audit::v1::MsgSignProviderAttributes {
        auditor: m.auditor.address().to_bech32(),
        provider: m.bob.address().to_bech32(),
        attributes: vec![Attribute { key: "region".into(), value: "eu".into() }],
    };
    let tx = m.auditor.tx(&sign);
    ok(&m.block(vec![tx]));
    // An active lease, paying every block, partly withdrawn.
    let lease = m.leased(1, "7.5", 1_000_000);
    m.empty_blocks(3);
    let tx = m.bob.tx(&mpb::MsgWithdrawLease { id: Some(lease.clone()) });
    ok(&m.block(vec![tx]));
    // An open auction order with a bid; a closed deployment waiting to be pruned.
    let tx = m.alice.tx(&create_deployment(&m.alice, 2, vec![gpu_group("gpu", 1, "10", true)], 100_000));
    ok(&m.block(vec![tx]));
    let tx = m.carol.tx(&create_bid(order_id(&m.alice, 2, 1, 1), &m.carol, "9"));
    ok(&m.block(vec![tx]));
    m.leased(3, "5", 100_000);
    let tx = m.alice.tx(&dpb::MsgCloseDeployment { id: Some(dpb::DeploymentId { owner: m.alice.address().to_bech32(), dseq: 3 }) });
    ok(&m.block(vec![tx]));

    let exported_at = m.height();
    let export = |chain: &Chain, height: u64| {
        let snapshot = chain.node.app().storage().latest_snapshot();
        chain.node.app().components().export_genesis(&snapshot, height).expect("export")
    };
    let genesis = export(&m.chain, exported_at);
    let market: agora_market::genesis::MarketGenesis = genesis.section("market").expect("market section");
    assert!(!market.orders.is_empty() && !market.bids.is_empty() && !market.leases.is_empty() && !market.prunes.is_empty());
    let escrow: agora_escrow::GenesisState = genesis.section("escrow").expect("escrow section");
    assert_eq!(escrow.accounts.len(), 3);

    // A tampered export (payments dropped: accounts pay rates nothing accounts for) is refused
    // at InitChain, naming the broken invariant.
    let mut tampered = genesis.clone();
    tampered.update_section::<agora_escrow::GenesisState, String>("escrow", |escrow| {
        escrow.payments.clear();
        Ok(())
    })
    .expect("edit");
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_app(dir.path(), agora_app::AppConfig::default());
    let refused = agora_app::harness::TestNode::start(app, CHAIN_ID, &tampered.to_json().expect("json")).err().expect("refused").to_string();
    assert!(refused.contains("invariant broken") && refused.contains("escrow"), "{refused}");

    // The new chain runs its block 1; the old one its next block.
    let copy = chain_from_genesis(&genesis);
    m.empty_blocks(1);
    let (old, new) = (export(&m.chain, m.height()), export(&copy, copy.node.height()));
    for section in old.section_names() {
        assert_eq!(old.raw(section), new.raw(section), "section {section}");
    }
    for actor in [&m.alice, &m.bob, &m.carol, &m.auditor] {
        assert_eq!(copy.balance(&actor.address(), "uagora"), m.uagora(&actor.address()));
        assert_eq!(copy.account(&actor.address()), m.chain.account(&actor.address()));
    }

    // The same withdrawal signed once works on either chain, and pays the same.
    let mut bob = Actor { key: m.bob.key.clone(), number: m.bob.number, sequence: m.bob.sequence };
    let withdraw = bob.tx(&mpb::MsgWithdrawLease { id: Some(lease.clone()) });
    let mut copy = copy;
    ok(&copy.block(vec![withdraw.clone()]));
    ok(&m.block(vec![withdraw]));
    assert_eq!(copy.balance(&m.bob.address(), "uagora"), m.uagora(&m.bob.address()));
    assert_eq!(copy.balance(&community_pool(), "uagora"), m.uagora(&community_pool()));
}
