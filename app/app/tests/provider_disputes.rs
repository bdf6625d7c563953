//! In-process app tests of tenant disputes over the real market, escrow, registry, bank and
//! governance: a dispute holds the lease's payments; a panel of enrolled auditors (never the
//! parties) is drawn the next block and votes; an upheld dispute slashes the provider into an
//! appeal window, then pays the tenant its held payments, its deposit and a share of the slash,
//! pays the panel's majority and burns the rest; a rejected one pays the provider and the panel;
//! governance reverses an upheld dispute inside its window and not after. Every balance is
//! checked to the unit and every refusal by its code (the harness checks the invariants, the
//! disputes account's among them, after every block).

mod common;

use agora_genesis::AppState;
use agora_proto::market::v1 as mpb;
use agora_proto::slashing::v1 as spb;
use agora_slashing::provider::ProviderParams;
use agora_types::{Address, Coin, Denom};
use common::market::*;
use common::*;

const PANEL: u32 = 3;
const WINDOW: u64 = 3;
const APPEAL: u64 = 4;
const DEPOSIT: u128 = 1_000_000;
const PANEL_BOND: u128 = 5_000_000;
/// Blocks before a new seat is drawn, and before a leaving seat's bond returns.
const WARMUP: u64 = 2;
const COOLDOWN: u64 = 2;
/// A dispute pays up front for its panel, verdict and payout.
const DISPUTE_GAS: u64 = 1_000_000;
/// The lease's price per block, in uagora.
const PRICE: u128 = 100;
/// Governance's voting period in seconds (the harness's blocks are 1 s apart).
const VOTING_PERIOD: u64 = 10;

fn dispute_params() -> ProviderParams {
    ProviderParams {
        challenges_per_block: 0,
        dispute_deposit: Coin::new(Denom::native(), DEPOSIT),
        panel_size: PANEL,
        panel_threshold: 2,
        dispute_window: WINDOW,
        dispute_slash_bps: 1_000,
        victim_share_bps: 5_000,
        panel_fee_bps: 1_000,
        appeal_blocks: APPEAL,
        panelist_bond: Coin::new(Denom::native(), PANEL_BOND),
        jail_blocks: 6,
        panelist_warmup_blocks: WARMUP,
        panelist_cooldown_blocks: COOLDOWN,
        absent_slash_bps: 1_000,
        ..ProviderParams::default()
    }
}

/// Keys of the auditors besides the harness's own.
const PANELIST_SEEDS: [u8; 3] = [31, 32, 33];
/// The validator whose vote passes governance proposals.
const VALIDATOR_SEED: u8 = 41;

fn dispute_genesis(genesis: &mut AppState, tune: impl FnOnce(&mut ProviderParams)) {
    let mut params = dispute_params();
    tune(&mut params);
    genesis
        .update_section::<agora_slashing::GenesisState, String>("slashing", |slashing| {
            slashing.provider_penalties.params = params;
            Ok(())
        })
        .expect("slashing");
    for seed in PANELIST_SEEDS.into_iter().chain([VALIDATOR_SEED]) {
        agora_app::genesis::add_account(genesis, key(seed).address(), &coins(&format!("{FUNDS}uagora"))).expect("fund");
    }
    genesis.set_section("genutil", &agora_app::genutil::GenesisState { gen_txs: vec![gentx(&key(VALIDATOR_SEED), 42, 5_000_000, 0)] }).expect("genutil");
    let mut gov: agora_gov::GenesisState = genesis.section("gov").expect("gov");
    gov.params.max_deposit_period = VOTING_PERIOD;
    gov.params.voting_period = VOTING_PERIOD;
    gov.params.expedited_voting_period = VOTING_PERIOD / 2;
    genesis.set_section("gov", &gov).expect("gov");
}

struct Disputes {
    m: Market,
    /// The harness's auditor and three more.
    panelists: Vec<Actor>,
    lease: mpb::BidId,
}

fn actor(m: &Market, seed: u8) -> Actor {
    let key = key(seed);
    let account = m.chain.account(&key.address()).expect("funded account");
    Actor { key, number: account.account_number, sequence: account.sequence }
}

fn query<Resp: prost::Message + Default>(m: &Market, path: &str, req: &impl prost::Message) -> Resp {
    m.chain.node.query_proto(path, req).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn attr(results: &[tendermint::abci::types::ExecTxResult], kind: &str, key: &str) -> String {
    results
        .iter()
        .flat_map(|r| &r.events)
        .find(|e| e.kind == kind)
        .and_then(|e| e.attributes.iter().find(|a| a.key_str().ok() == Some(key)))
        .and_then(|a| a.value_str().ok().map(str::to_string))
        .unwrap_or_else(|| panic!("no {kind}.{key}"))
}

fn audit(auditor: &mut Actor, provider: &Address) -> Vec<u8> {
    auditor.tx(&agora_proto::audit::v1::MsgSignProviderAttributes {
        auditor: auditor.address().to_bech32(),
        provider: provider.to_bech32(),
        attributes: vec![agora_proto::base::v1::Attribute { key: "region".into(), value: "eu".into() }],
    })
}

fn enroll(auditor: &mut Actor, provider: &Address) -> Vec<u8> {
    auditor.tx(&spb::MsgEnrollPanelist { auditor: auditor.address().to_bech32(), audited_provider: provider.to_bech32() })
}

fn open(tenant: &Actor, lease: &mpb::BidId, deposit: u128) -> spb::MsgDispute {
    spb::MsgDispute {
        tenant: tenant.address().to_bech32(),
        lease_id: Some(lease.clone()),
        claim: spb::DisputeClaim::NotDelivered as i32,
        details: "the GPUs never showed up".into(),
        deposit: Some(pb_coin("uagora", &deposit.to_string())),
    }
}

fn vote(panelist: &mut Actor, id: u64, option: spb::DisputeVoteOption) -> Vec<u8> {
    panelist.tx(&spb::MsgVoteDispute { panelist: panelist.address().to_bech32(), dispute_id: id, option: option as i32 })
}

fn supply(m: &Market) -> u128 {
    let res: cosmos_sdk_proto::cosmos::bank::v1beta1::QuerySupplyOfResponse =
        query(m, "/cosmos.bank.v1beta1.Query/SupplyOf", &cosmos_sdk_proto::cosmos::bank::v1beta1::QuerySupplyOfRequest { denom: "uagora".into() });
    res.amount.expect("supply").amount.parse().expect("amount")
}

fn bond(m: &Market) -> u128 {
    m.provider(&m.bob).bond.expect("bond").amount.parse().expect("amount")
}

impl Disputes {
    /// Bob leases 8 A100s to alice at 100 uagora a block; four auditors audit bob and enroll.
    fn new(tune: impl FnOnce(&mut ProviderParams)) -> Self {
        Self::with_genesis(tune, |_| {})
    }

    /// [`Self::new`] with the market's parameters changed too.
    fn with_genesis(tune: impl FnOnce(&mut ProviderParams), market: impl FnOnce(&mut agora_market::MarketParams)) -> Self {
        let mut m = market_from_genesis(|genesis| {
            dispute_genesis(genesis, tune);
            genesis
                .update_section::<agora_market::genesis::MarketGenesis, String>("market", |section| {
                    market(&mut section.params);
                    Ok(())
                })
                .expect("market");
        });
        m.with_providers(8);
        let lease = m.leased(1, &PRICE.to_string(), 1_000_000);
        let bob = m.bob.address();
        let mut panelists: Vec<Actor> = PANELIST_SEEDS.iter().map(|&seed| actor(&m, seed)).collect();
        panelists.insert(0, Actor { key: m.auditor.key.clone(), number: m.auditor.number, sequence: m.auditor.sequence });
        let txs = panelists.iter_mut().map(|p| audit(p, &bob)).collect();
        ok(&m.block(txs));
        let txs = panelists.iter_mut().map(|p| enroll(p, &bob)).collect();
        ok(&m.block(txs));
        m.empty_blocks(WARMUP);
        Self { m, panelists, lease }
    }

    fn dispute(&self, id: u64) -> spb::Dispute {
        let res: spb::QueryDisputeResponse = query(&self.m, "/agora.slashing.v1.Query/Dispute", &spb::QueryDisputeRequest { id });
        res.dispute.expect("dispute")
    }

    /// Alice opens a dispute of her lease: its id.
    fn open(&mut self) -> u64 {
        let tx = self.m.alice.tx_with_gas(&open(&self.m.alice, &self.lease, DEPOSIT), DISPUTE_GAS);
        let results = self.m.block(vec![tx]);
        ok(&results);
        attr(&results, "provider_dispute_opened", "id").parse().expect("id")
    }

    /// The panelist sitting in seat `seat` of the dispute's panel.
    fn seat(&mut self, id: u64, seat: usize) -> &mut Actor {
        let member = self.dispute(id).panel[seat].clone();
        self.panelists.iter_mut().find(|p| p.address().to_bech32() == member).expect("a panelist")
    }

    /// The enrolled auditor left off the dispute's panel.
    fn off_panel(&mut self, id: u64) -> &mut Actor {
        let panel = self.dispute(id).panel;
        self.panelists.iter_mut().find(|p| !panel.contains(&p.address().to_bech32())).expect("an auditor off the panel")
    }

    fn until(&mut self, height: u64) {
        while self.m.height() < height {
            self.m.empty_blocks(1);
        }
    }

    fn uagora(&self, address: &Address) -> u128 {
        self.m.uagora(address)
    }
}

fn status(d: &spb::Dispute) -> spb::DisputeStatus {
    spb::DisputeStatus::try_from(d.status).expect("status")
}

#[test]
fn an_upheld_dispute_refunds_the_tenant_pays_the_panel_and_burns_the_rest_after_the_appeal_window() {
    let mut t = Disputes::new(|_| {});
    let (alice, bob) = (t.m.alice.address(), t.m.bob.address());
    let bond_before = bond(&t.m);
    let alice_before = t.uagora(&alice);
    let supply_before = supply(&t.m);

    let id = t.open();
    let opened = t.dispute(id);
    assert_eq!(status(&opened), spb::DisputeStatus::AwaitingPanel);
    assert_eq!(t.uagora(&alice), alice_before - DEPOSIT - FEE_AMOUNT);
    // The lease's payments are held: bob cannot withdraw them.
    let tx = t.m.bob.tx(&mpb::MsgWithdrawLease { id: Some(t.lease.clone()) });
    assert_refused(&t.m.chain.raw_block(vec![tx])[0], "escrow", 13, "held by a dispute");

    // The panel: three of the four auditors, never alice or bob.
    let voting = t.dispute(id);
    assert_eq!(status(&voting), spb::DisputeStatus::Voting);
    assert_eq!(voting.panel.len(), PANEL as usize);
    assert!(!voting.panel.contains(&alice.to_bech32()) && !voting.panel.contains(&bob.to_bech32()));
    assert_eq!(voting.voting_ends, opened.opened_height + 1 + WINDOW);

    // Bob answers with his evidence; two panelists side with alice, one with bob.
    let evidence = vec![7u8; 32];
    let tx = t.m.bob.tx(&spb::MsgAnswerDispute { provider: bob.to_bech32(), dispute_id: id, evidence_hash: evidence.clone(), operator: String::new() });
    ok(&t.m.block(vec![tx]));
    let txs = vec![
        vote(t.seat(id, 0), id, spb::DisputeVoteOption::Tenant),
        vote(t.seat(id, 1), id, spb::DisputeVoteOption::Tenant),
        vote(t.seat(id, 2), id, spb::DisputeVoteOption::Provider),
    ];
    ok(&t.m.block(txs));
    let (winner_a, winner_b, loser) = (t.seat(id, 0).address(), t.seat(id, 1).address(), t.seat(id, 2).address());
    let before = |t: &Disputes, a: &Address| t.uagora(a);
    let (a0, b0, l0) = (before(&t, &winner_a), before(&t, &winner_b), before(&t, &loser));
    assert_eq!(t.dispute(id).provider_evidence, evidence);

    // The block after the window upholds it: a tenth of bob's bond and the held payments are
    // held for the appeal window.
    t.until(voting.voting_ends + 1);
    let upheld = t.dispute(id);
    assert_eq!(status(&upheld), spb::DisputeStatus::Appealable);
    let slashed = bond_before / 10;
    assert_eq!(bond(&t.m), bond_before - slashed);
    assert_eq!(upheld.slashed.as_ref().map(|c| c.amount.as_str()), Some(slashed.to_string().as_str()));
    let refund = PRICE * u128::from(upheld.decided_height - upheld.opened_height);
    assert_eq!(upheld.refund.as_ref().map(|c| c.amount.as_str()), Some(refund.to_string().as_str()));
    assert_eq!(upheld.appeal_ends, upheld.decided_height + APPEAL);
    // Too late to vote now.
    let tx = vote(t.seat(id, 2), id, spb::DisputeVoteOption::Tenant);
    assert_refused(&t.m.chain.raw_block(vec![tx])[0], "slashing", 118, "not open to votes");
    let l0 = l0 - FEE_AMOUNT;
    // The lease pays bob again from the verdict on.
    let tx = t.m.bob.tx(&mpb::MsgWithdrawLease { id: Some(t.lease.clone()) });
    ok(&t.m.block(vec![tx]));

    // The window closes: alice receives the refund, her deposit and half the slash; the two
    // who voted for her share a tenth of it; the rest is burned.
    t.until(upheld.appeal_ends + 1);
    let paid = t.dispute(id);
    assert_eq!(status(&paid), spb::DisputeStatus::Upheld);
    let victim = slashed / 2;
    let fee = slashed / 10;
    assert_eq!(t.uagora(&alice), alice_before - FEE_AMOUNT + refund + victim);
    assert_eq!(t.uagora(&winner_a), a0 + fee / 2);
    assert_eq!(t.uagora(&winner_b), b0 + fee / 2);
    assert_eq!(t.uagora(&loser), l0, "the panelist who voted with the minority earns nothing");
    let burned = slashed - victim - fee + fee % 2;
    assert_eq!(supply(&t.m), supply_before - burned);
    let account = Address::module(agora_slashing::provider::dispute::DISPUTES_MODULE);
    assert_eq!(t.uagora(&account), 4 * PANEL_BOND, "the disputes account keeps only the panel bonds");
    // The lease may be disputed again.
    let again = t.open();
    assert_eq!(status(&t.dispute(again)), spb::DisputeStatus::AwaitingPanel);
}

#[test]
fn a_rejected_dispute_pays_the_deposit_to_the_provider_and_the_panel_and_releases_the_payments() {
    let mut t = Disputes::new(|_| {});
    let bob = t.m.bob.address();
    let bond_before = bond(&t.m);
    let id = t.open();
    t.m.empty_blocks(1);
    let voting = t.dispute(id);
    let txs = vec![vote(t.seat(id, 0), id, spb::DisputeVoteOption::Provider), vote(t.seat(id, 1), id, spb::DisputeVoteOption::Tenant)];
    ok(&t.m.block(txs));
    let winner = t.seat(id, 0).address();
    let (winner_before, bob_before) = (t.uagora(&winner), t.uagora(&bob));
    t.until(voting.voting_ends + 1);
    let rejected = t.dispute(id);
    assert_eq!(status(&rejected), spb::DisputeStatus::Rejected);
    assert_eq!(bond(&t.m), bond_before, "nothing is taken from the bond");
    // The one who voted for bob takes the whole panel fee (a tenth of the deposit); bob the
    // rest of the deposit and the held payments, less the 2 % take.
    let fee = DEPOSIT / 10;
    assert_eq!(t.uagora(&winner), winner_before + fee);
    let held = PRICE * u128::from(rejected.decided_height - rejected.opened_height);
    assert_eq!(t.uagora(&bob), bob_before + DEPOSIT - fee + held - held * 2 / 100);
    // The panelist who did not vote lost a tenth of its seat's bond, burned, and with it its
    // seat in the draw; it takes the rest back.
    let silent = t.seat(id, 2).address();
    let seat = panelist(&t.m, &silent);
    assert_eq!((seat.bond.expect("bond").amount, seat.missed_votes, seat.in_draw), ((PANEL_BOND - PANEL_BOND / 10).to_string(), 1, false));
    let member = t.seat(id, 2);
    let tx = member.tx(&spb::MsgLeavePanel { auditor: silent.to_bech32() });
    let balance = t.uagora(&silent);
    ok(&t.m.block(vec![tx]));
    assert_eq!(t.uagora(&silent), balance - FEE_AMOUNT + PANEL_BOND - PANEL_BOND / 10);
    // The rejected lease waits a vote's length before alice may dispute it again.
    let tx = t.m.alice.tx_with_gas(&open(&t.m.alice, &t.lease, DEPOSIT), DISPUTE_GAS);
    assert_refused(&t.m.chain.raw_block(vec![tx])[0], "slashing", 126, "disputed again from height");
    t.until(rejected.decided_height + WINDOW);
    let again = t.open();
    assert_eq!(status(&t.dispute(again)), spb::DisputeStatus::AwaitingPanel);
}

fn panelist(m: &Market, auditor: &Address) -> spb::Panelist {
    let res: spb::QueryPanelistResponse = query(m, "/agora.slashing.v1.Query/Panelist", &spb::QueryPanelistRequest { auditor: auditor.to_bech32() });
    res.panelist.expect("panelist")
}

/// Passes a governance proposal carrying `msg` by the validator's vote; the proposal's final
/// status.
fn pass(m: &mut Market, msg: cosmos_sdk_proto::Any) -> i32 {
    use cosmos_sdk_proto::cosmos::gov::v1 as gov;
    let mut validator = actor(m, VALIDATOR_SEED);
    let submit = gov::MsgSubmitProposal {
        messages: vec![msg],
        initial_deposit: vec![pb_coin("uagora", "10000000")],
        proposer: validator.address().to_bech32(),
        metadata: String::new(),
        title: "Reverse a dispute".into(),
        summary: "The panel erred".into(),
        expedited: false,
    };
    let tx = validator.tx_with_gas(&submit, 1_000_000);
    let results = m.block(vec![tx]);
    ok(&results);
    let proposal: u64 = attr(&results, "submit_proposal", "proposal_id").parse().expect("id");
    let tx = validator.tx(&gov::MsgVote { proposal_id: proposal, voter: validator.address().to_bech32(), option: 1, metadata: String::new() });
    ok(&m.block(vec![tx]));
    for _ in 0..=VOTING_PERIOD + 1 {
        m.empty_blocks(1);
    }
    let res: gov::QueryProposalResponse = query(m, "/cosmos.gov.v1.Query/Proposal", &gov::QueryProposalRequest { proposal_id: proposal });
    res.proposal.expect("proposal").status
}

fn reverse(id: u64) -> cosmos_sdk_proto::Any {
    agora_tx::to_any(&spb::MsgReverseDispute { authority: Address::module("gov").to_bech32(), dispute_id: id })
}

/// Upholds a dispute of alice's lease by two votes; the upheld record.
fn upheld(t: &mut Disputes) -> spb::Dispute {
    let id = t.open();
    t.m.empty_blocks(1);
    let voting = t.dispute(id);
    let txs = vec![vote(t.seat(id, 0), id, spb::DisputeVoteOption::Tenant), vote(t.seat(id, 1), id, spb::DisputeVoteOption::Tenant)];
    ok(&t.m.block(txs));
    t.until(voting.voting_ends + 1);
    let upheld = t.dispute(id);
    assert_eq!(status(&upheld), spb::DisputeStatus::Appealable);
    upheld
}

#[test]
fn governance_reverses_an_upheld_dispute_inside_its_appeal_window_and_not_after() {
    // A window longer than the vote: the reversal passes in time.
    let mut t = Disputes::new(|p| p.appeal_blocks = 40);
    let (alice, bob) = (t.m.alice.address(), t.m.bob.address());
    let bond_before = bond(&t.m);
    let alice_before = t.uagora(&alice);
    let dispute = upheld(&mut t);
    let bob_before = t.uagora(&bob);
    assert_eq!(pass(&mut t.m, reverse(dispute.id)), cosmos_sdk_proto::cosmos::gov::v1::ProposalStatus::Passed as i32);
    let reversed = t.dispute(dispute.id);
    assert_eq!(status(&reversed), spb::DisputeStatus::Reversed);
    // The bond is whole again; bob receives the held payments and alice's deposit; alice gets
    // nothing back but what the lease's escrow still holds for her.
    assert_eq!(bond(&t.m), bond_before);
    let refund: u128 = dispute.refund.as_ref().expect("refund").amount.parse().expect("amount");
    assert_eq!(t.uagora(&bob), bob_before + refund + DEPOSIT);
    assert_eq!(t.uagora(&alice), alice_before - FEE_AMOUNT - DEPOSIT);
    // Its step at the end of the window is gone: nothing is paid then.
    t.until(dispute.appeal_ends + 2);
    assert_eq!(status(&t.dispute(dispute.id)), spb::DisputeStatus::Reversed);
    assert_eq!(t.uagora(&alice), alice_before - FEE_AMOUNT - DEPOSIT);

    // A window shorter than the vote: the proposal passes after it and fails to execute.
    let mut t = Disputes::new(|_| {});
    let dispute = upheld(&mut t);
    let status_of = pass(&mut t.m, reverse(dispute.id));
    assert_eq!(status_of, cosmos_sdk_proto::cosmos::gov::v1::ProposalStatus::Failed as i32, "reversing after the window fails");
    assert_eq!(status(&t.dispute(dispute.id)), spb::DisputeStatus::Upheld);
    // And no one but governance may reverse.
    let tx = t.m.bob.tx(&spb::MsgReverseDispute { authority: t.m.bob.address().to_bech32(), dispute_id: dispute.id });
    assert_refused(&t.m.chain.raw_block(vec![tx])[0], "gov", 13, "invalid authority");
}

#[test]
fn disputes_votes_and_panel_seats_are_refused_unless_they_hold() {
    // Voting stays open through every refusal below.
    let mut t = Disputes::new(|p| p.dispute_window = 50);
    let lease = t.lease.clone();
    let refused = |t: &mut Disputes, tx: Vec<u8>, codespace: &str, code: u32, needle: &str| {
        assert_refused(&t.m.chain.raw_block(vec![tx])[0], codespace, code, needle);
    };
    // Carol disputing alice's lease.
    let mut msg = open(&t.m.alice, &lease, DEPOSIT);
    msg.tenant = t.m.carol.address().to_bech32();
    let tx = t.m.carol.tx_with_gas(&msg, DISPUTE_GAS);
    refused(&mut t, tx, "slashing", 110, "only its owner may");
    // A deposit below the minimum, or in another denom.
    let tx = t.m.alice.tx_with_gas(&open(&t.m.alice, &lease, DEPOSIT - 1), DISPUTE_GAS);
    refused(&mut t, tx, "slashing", 113, "deposits at least");
    let mut msg = open(&t.m.alice, &lease, DEPOSIT);
    msg.deposit = Some(pb_coin("uusdc", &DEPOSIT.to_string()));
    let tx = t.m.alice.tx_with_gas(&msg, DISPUTE_GAS);
    refused(&mut t, tx, "slashing", 113, "deposits at least");
    // A lease that does not exist.
    let mut other = lease.clone();
    other.dseq = 99;
    let tx = t.m.alice.tx_with_gas(&open(&t.m.alice, &other, DEPOSIT), DISPUTE_GAS);
    refused(&mut t, tx, "slashing", 111, "no such lease");

    // A vote in the block that opens the dispute, before its panel is drawn (the first
    // dispute's id is 1).
    let id = 1;
    let txs = vec![t.m.alice.tx_with_gas(&open(&t.m.alice, &lease, DEPOSIT), DISPUTE_GAS), vote(&mut t.panelists[0], id, spb::DisputeVoteOption::Tenant)];
    let results = t.m.chain.raw_block(txs);
    ok(&results[..1]);
    assert_refused(&results[1], "slashing", 118, "panel is drawn in the next block");
    // A second dispute of the same lease while the first runs.
    let tx = t.m.alice.tx_with_gas(&open(&t.m.alice, &lease, DEPOSIT), DISPUTE_GAS);
    refused(&mut t, tx, "slashing", 112, "open already");
    // An auditor off the panel, alice and bob may not vote; a panelist votes once.
    let tx = vote(t.off_panel(id), id, spb::DisputeVoteOption::Tenant);
    refused(&mut t, tx, "slashing", 116, "not on the panel");
    let alice = t.m.alice.address().to_bech32();
    let tx = t.m.alice.tx(&spb::MsgVoteDispute { panelist: alice, dispute_id: id, option: spb::DisputeVoteOption::Tenant as i32 });
    refused(&mut t, tx, "slashing", 116, "not on the panel");
    let tx = vote(t.seat(id, 0), id, spb::DisputeVoteOption::Tenant);
    ok(&t.m.block(vec![tx]));
    let tx = vote(t.seat(id, 0), id, spb::DisputeVoteOption::Provider);
    refused(&mut t, tx, "slashing", 117, "voted on dispute");
    // Only the disputed provider answers.
    let carol = t.m.carol.address().to_bech32();
    let tx = t.m.carol.tx(&spb::MsgAnswerDispute { provider: carol, dispute_id: id, evidence_hash: vec![1; 32], operator: String::new() });
    refused(&mut t, tx, "slashing", 124, "is not the provider of dispute");
    // A panelist leaves the draw at once, but its bond stays while its panel votes (and for
    // the cool-down); an auditor enrolls once, and only with an audit.
    let member = t.seat(id, 0);
    let address = member.address().to_bech32();
    let tx = member.tx(&spb::MsgLeavePanel { auditor: address.clone() });
    ok(&t.m.block(vec![tx]));
    t.m.empty_blocks(COOLDOWN);
    let member = t.seat(id, 0);
    let tx = member.tx(&spb::MsgLeavePanel { auditor: address });
    refused(&mut t, tx, "slashing", 122, "none of its panels is voting (1 are)");
    // Bob may not start unbonding while the dispute awaits its verdict.
    let bob_address = t.m.bob.address().to_bech32();
    let tx = t.m.bob.tx(&agora_proto::provider::v1::MsgDeleteProvider { owner: bob_address });
    refused(&mut t, tx, "provider", 37, "awaiting their verdict");
    let bob = t.m.bob.address();
    let tx = enroll(t.seat(id, 0), &bob);
    refused(&mut t, tx, "slashing", 120, "sits on panels already");
    let tx = enroll(&mut t.m.carol, &bob);
    refused(&mut t, tx, "slashing", 121, "holds no audit");
    let carol = t.m.carol.address().to_bech32();
    let tx = t.m.carol.tx(&spb::MsgLeavePanel { auditor: carol });
    refused(&mut t, tx, "slashing", 123, "does not sit on panels");
    // A dispute that does not exist.
    let tx = vote(t.seat(id, 1), 999, spb::DisputeVoteOption::Tenant);
    refused(&mut t, tx, "slashing", 115, "not found");
}

#[test]
fn too_few_auditors_besides_the_parties_dismiss_the_dispute_and_return_the_deposit() {
    // Three seats are enrolled, as a panel needs, but one of them is alice's own.
    let mut t = Disputes::new(|p| p.panel_size = 3);
    for _ in 0..2 {
        let mut auditor = t.panelists.pop().expect("panelist");
        let address = auditor.address().to_bech32();
        let tx = auditor.tx(&spb::MsgLeavePanel { auditor: address });
        ok(&t.m.block(vec![tx]));
    }
    let bob = t.m.bob.address();
    let txs = vec![audit(&mut t.m.alice, &bob)];
    ok(&t.m.block(txs));
    let tx = enroll(&mut t.m.alice, &bob);
    ok(&t.m.block(vec![tx]));
    // A new seat is not drawn before its warm-up has passed: two seats for now.
    let tx = t.m.alice.tx_with_gas(&open(&t.m.alice, &t.lease, DEPOSIT), DISPUTE_GAS);
    assert_refused(&t.m.chain.raw_block(vec![tx])[0], "slashing", 114, "2 auditors sit on panels");
    t.m.empty_blocks(WARMUP);
    let alice = t.m.alice.address();
    let alice_before = t.uagora(&alice);
    let id = t.open();
    // Opening paid bob what the lease had accrued until then.
    let bob_before = t.uagora(&bob);
    t.m.empty_blocks(1);
    let dismissed = t.dispute(id);
    assert_eq!(status(&dismissed), spb::DisputeStatus::Dismissed);
    assert!(dismissed.panel.is_empty());
    // The deposit came back; bob was paid what the lease accrued meanwhile, less the take.
    assert_eq!(t.uagora(&alice), alice_before - FEE_AMOUNT);
    let held = PRICE * u128::from(dismissed.decided_height - dismissed.opened_height);
    assert_eq!(t.uagora(&bob), bob_before + held - held * 2 / 100);
    // With too few seats at all, a dispute is refused outright.
    let tx = t.m.alice.tx(&spb::MsgLeavePanel { auditor: alice.to_bech32() });
    ok(&t.m.block(vec![tx]));
    let tx = t.m.alice.tx_with_gas(&open(&t.m.alice, &t.lease, DEPOSIT), DISPUTE_GAS);
    assert_refused(&t.m.chain.raw_block(vec![tx])[0], "slashing", 114, "a dispute needs 3");
}

/// The tenant closes the deployment while its dispute runs, and the market prunes the closed
/// order and deployment before the verdict: the held payments stay in escrow (the blocks from
/// the dispute to the close), the verdict refunds them, and the escrow records go with the last
/// release. Nothing is parked, and the invariants hold after every block.
#[test]
fn a_dispute_outlives_its_closed_and_pruned_deployment_and_still_refunds_the_tenant() {
    let mut t = Disputes::with_genesis(|p| p.dispute_window = 10, |market| market.retention_blocks = 1);
    let alice = t.m.alice.address();
    let id = t.open();
    let opened = t.dispute(id).opened_height;
    t.m.empty_blocks(1);
    let close = agora_proto::deployment::v1::MsgCloseDeployment {
        id: Some(agora_proto::deployment::v1::DeploymentId { owner: alice.to_bech32(), dseq: 1 }),
    };
    let tx = t.m.alice.tx(&close);
    ok(&t.m.block(vec![tx]));
    let closed_at = t.m.height();
    // The market prunes the order and the deployment; the held payment and its account stay.
    t.m.empty_blocks(3);
    let escrow_account = |t: &Disputes| {
        t.m.chain.node.query_proto::<_, agora_proto::escrow::v1::QueryAccountResponse>(
            "/agora.escrow.v1.Query/Account",
            &agora_proto::escrow::v1::QueryAccountRequest { id: Some(agora_proto::escrow::v1::AccountId { owner: alice.to_bech32(), dseq: 1 }) },
        )
    };
    let deployment = t.m.chain.node.query_proto::<_, agora_proto::deployment::v1::QueryDeploymentResponse>(
        "/agora.deployment.v1.Query/Deployment",
        &agora_proto::deployment::v1::QueryDeploymentRequest { id: close.id.clone() },
    );
    assert!(deployment.is_err(), "the market pruned the deployment: {deployment:?}");
    let kept = escrow_account(&t);
    assert!(kept.is_ok(), "the escrow account stays while the dispute holds its payment: {kept:?}");
    let voting = t.dispute(id);
    let txs = vec![vote(t.seat(id, 0), id, spb::DisputeVoteOption::Tenant), vote(t.seat(id, 1), id, spb::DisputeVoteOption::Tenant)];
    ok(&t.m.block(txs));
    t.until(voting.voting_ends + 1);
    let upheld = t.dispute(id);
    assert_eq!(status(&upheld), spb::DisputeStatus::Appealable);
    let refund: u128 = upheld.refund.expect("refund").amount.parse().expect("amount");
    assert_eq!(refund, PRICE * u128::from(closed_at - opened), "the lease paid until it closed");
    assert!(escrow_account(&t).is_err(), "the release took the closed account with its last payment");
    let events = t.m.chain.node.last_finalized().expect("block").events.clone();
    assert!(!events.iter().any(|e| e.kind == "end_block_entry_error" || e.kind == "begin_block_entry_error"), "{events:?}");
}
