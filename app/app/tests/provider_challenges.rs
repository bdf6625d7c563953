//! In-process app tests of provider liveness challenges over the real registry, market,
//! incentives and bank: providers are drawn by capacity each block, an answer in time keeps
//! the bond, a miss takes a slice of it to the community pool and the provider's verified
//! status, misses in a row jail it (its bids refused, its open bids closed at auction), and
//! `MsgUnjailProvider` frees it once the jail time has passed. Every refusal is typed.

mod common;

use agora_genesis::AppState;
use agora_proto::market::v1 as mpb;
use agora_proto::slashing::v1 as spb;
use agora_slashing::provider::ProviderParams;
use agora_types::{Address, Coin, Denom};
use common::market::*;
use common::*;

const WINDOW: u64 = 3;
const JAIL_BLOCKS: u64 = 6;

/// Challenges on: 2 draws a block, 3 blocks to answer, 1 % per miss, jailed after 2 misses.
fn challenge_genesis(genesis: &mut AppState) {
    genesis
        .update_section::<agora_slashing::GenesisState, String>("slashing", |slashing| {
            slashing.provider_penalties.params = ProviderParams {
                challenges_per_block: 2,
                response_window: WINDOW,
                missed_challenge_slash_bps: 100,
                max_missed: 2,
                jail_blocks: JAIL_BLOCKS,
                ..ProviderParams::default()
            };
            Ok(())
        })
        .expect("slashing");
}

fn query<Resp: prost::Message + Default>(m: &Market, path: &str, req: &impl prost::Message) -> Resp {
    m.chain.node.query_proto(path, req).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The provider's running challenge, answered or not.
fn running_challenge(m: &Market, provider: &Address) -> Option<spb::Challenge> {
    let res: spb::QueryChallengesResponse =
        query(m, "/agora.slashing.v1.Query/Challenges", &spb::QueryChallengesRequest { provider: provider.to_bech32(), pagination: None });
    res.challenges.into_iter().next()
}

/// The provider's challenge still waiting for an answer.
fn open_challenge(m: &Market, provider: &Address) -> Option<spb::Challenge> {
    running_challenge(m, provider).filter(|c| c.answered_height == 0)
}

/// Makes empty blocks until the provider has a challenge to answer.
fn next_challenge(m: &mut Market, provider: &Address) -> spb::Challenge {
    loop {
        if let Some(challenge) = open_challenge(m, provider) {
            return challenge;
        }
        assert!(m.height() < 1_000, "{provider} should have been drawn by now");
        m.empty_blocks(1);
    }
}

fn liveness(m: &Market, provider: &Address) -> spb::ProviderLiveness {
    let res: spb::QueryProviderLivenessResponse =
        query(m, "/agora.slashing.v1.Query/ProviderLiveness", &spb::QueryProviderLivenessRequest { provider: provider.to_bech32() });
    res.liveness.expect("liveness")
}

fn answer(provider: &Actor, challenge: &spb::Challenge) -> spb::MsgChallengeResponse {
    spb::MsgChallengeResponse {
        provider: provider.address().to_bech32(),
        challenge_id: challenge.id,
        nonce: challenge.nonce.clone(),
        operator: String::new(),
        attestation: None,
    }
}

fn bond(m: &Market, owner: &Actor) -> u128 {
    m.provider(owner).bond.expect("bond").amount.parse().expect("amount")
}

/// One replica without GPUs at 10 uagora a block: carol (who has none) can bid on it.
fn cpu_group(auction: bool) -> agora_proto::deployment::v1::GroupSpec {
    let mut group = gpu_group("cpu", 1, "10", auction);
    group.resources[0].gpu = None;
    group
}

/// Bob registers 8 A100s and carol none, each with twice the minimum bond.
fn providers(m: &mut Market) {
    let mut b = create_provider(&m.bob, 8);
    let mut c = create_provider(&m.carol, 0);
    c.capacity.as_mut().expect("capacity").gpus.clear();
    for msg in [&mut b, &mut c] {
        msg.bond = Some(Coin::new(Denom::native(), 2 * BOND).to_proto());
    }
    let txs = vec![m.bob.tx(&b), m.carol.tx(&c)];
    ok(&m.block(txs));
}

#[test]
fn an_answered_challenge_keeps_the_bond_and_missed_ones_slash_then_jail() {
    let mut m = market_from_genesis(challenge_genesis);
    providers(&mut m);
    let (bob, carol) = (m.bob.address(), m.carol.address());
    let pool_before = m.uagora(&community_pool());

    // Bob answers every challenge the block after it is drawn; carol never answers.
    let mut bob_answered = 0;
    let mut carol_drawn = std::collections::BTreeSet::new();
    while liveness(&m, &carol).missed < 2 {
        assert!(m.height() < 200, "carol should have missed twice by now: {:?}", liveness(&m, &carol));
        if let Some(challenge) = open_challenge(&m, &carol) {
            carol_drawn.insert(challenge.id);
            assert_eq!(challenge.deadline, challenge.drawn_height + WINDOW);
        }
        let txs = match open_challenge(&m, &bob) {
            Some(challenge) => vec![m.bob.tx(&answer(&m.bob, &challenge))],
            None => Vec::new(),
        };
        let answering = !txs.is_empty();
        let results = m.block(txs);
        ok(&results);
        if answering {
            bob_answered += 1;
            assert!(results[0].events.iter().any(|e| e.kind == "provider_challenge_answered"));
        }
    }
    assert!(bob_answered >= 1, "bob (9 of 10 weight) is drawn far more often than carol");
    assert_eq!(carol_drawn.len(), 2, "each miss is one challenge");

    // Bob: answered each, nothing taken.
    let bob_record = liveness(&m, &bob);
    assert_eq!((bob_record.answered, bob_record.missed, bob_record.missed_in_a_row), (bob_answered, 0, 0));
    assert_eq!(bond(&m, &m.bob), 2 * BOND);

    // Carol: 1 % of the bond per miss, to the community pool; jailed after the second.
    let first = 2 * BOND / 100;
    let second = (2 * BOND - first) / 100;
    assert_eq!(bond(&m, &m.carol), 2 * BOND - first - second);
    let carol_record = liveness(&m, &carol);
    assert_eq!(carol_record.slashed, vec![Coin::new(Denom::native(), first + second).to_proto()]);
    assert_eq!(carol_record.missed_in_a_row, 0, "reset when jailed");
    assert!(m.uagora(&community_pool()) >= pool_before + first + second);
    let jailed_until = m.provider(&m.carol).jailed_until;
    assert_eq!(jailed_until, m.height() + JAIL_BLOCKS, "jailed at the second miss, this block");

    // A jailed provider is never drawn again, and its bids are refused.
    m.empty_blocks(2);
    assert_eq!(open_challenge(&m, &carol), None);
    let tx = m.alice.tx(&create_deployment(&m.alice, 1, vec![cpu_group(false)], 1_000_000));
    ok(&m.block(vec![tx]));
    let tx = m.carol.tx(&create_bid(order_id(&m.alice, 1, 1, 1), &m.carol, "10"));
    assert_refused(&m.block(vec![tx])[0], "provider", 34, "jailed");

    // Unjail: refused while the jail lasts, accepted after it.
    let unjail = spb::MsgUnjailProvider { provider: carol.to_bech32() };
    let tx = m.carol.tx(&unjail);
    assert_refused(&m.block(vec![tx])[0], "provider", 34, "jailed");
    while m.height() + 1 < jailed_until {
        m.empty_blocks(1);
    }
    let tx = m.carol.tx(&unjail);
    ok(&m.block(vec![tx]));
    assert_eq!(m.provider(&m.carol).jailed_until, 0);
    let tx = m.carol.tx(&unjail);
    assert_refused(&m.block(vec![tx])[0], "provider", 35, "not jailed");
}

#[test]
fn answers_are_refused_unless_the_drawn_provider_answers_in_time_with_the_nonce() {
    let mut m = market_from_genesis(challenge_genesis);
    providers(&mut m);
    let bob = m.bob.address();
    let challenge = next_challenge(&mut m, &bob);

    // Each refusal is CheckTx's (the answer never takes a block's space) and, if a proposer
    // includes it anyway, the block's, with the same code.
    let refused = |m: &mut Market, tx: Vec<u8>, code: u32, needle: &str| {
        let checked = m.chain.node.check_tx(&tx);
        assert_eq!((checked.codespace.as_str(), checked.code.value()), ("slashing", code), "{}", checked.log);
        assert_refused(&m.chain.raw_block(vec![tx])[0], "slashing", code, needle);
    };
    // Someone else answering bob's challenge: as herself, or as bob's operator (he has none).
    let mut msg = answer(&m.carol, &challenge);
    let tx = m.carol.tx(&msg);
    refused(&mut m, tx, 102, "was not drawn for");
    msg = answer(&m.bob, &challenge);
    msg.operator = m.carol.address().to_bech32();
    let tx = m.carol.tx(&msg);
    refused(&mut m, tx, 105, "is not the operator key of provider");
    // The wrong nonce.
    msg = answer(&m.bob, &challenge);
    msg.nonce[0] ^= 1;
    let tx = m.bob.tx(&msg);
    refused(&mut m, tx, 104, "nonce");
    // An id never drawn.
    msg = answer(&m.bob, &challenge);
    msg.challenge_id = 1_000_000;
    let tx = m.bob.tx(&msg);
    refused(&mut m, tx, 101, "not open");
    // Too late: the challenge was judged a miss at the block after its deadline.
    while m.height() <= challenge.deadline {
        m.empty_blocks(1);
    }
    let tx = m.bob.tx(&answer(&m.bob, &challenge));
    refused(&mut m, tx, 101, "not open");
    assert_eq!(liveness(&m, &bob).missed, 1);
    // Answered twice: the second is refused, and the challenge runs on, answered, to its
    // deadline, bob out of the draw until then.
    let next = next_challenge(&mut m, &bob);
    let tx = m.bob.tx(&answer(&m.bob, &next));
    ok(&m.block(vec![tx]));
    let tx = m.bob.tx(&answer(&m.bob, &next));
    refused(&mut m, tx, 106, "answered already");
    assert_eq!(running_challenge(&m, &bob).map(|c| c.id), Some(next.id), "still running until its deadline");
    while m.height() <= next.deadline {
        m.empty_blocks(1);
    }
    assert_ne!(running_challenge(&m, &bob).map(|c| c.id), Some(next.id));
    assert_eq!((liveness(&m, &bob).answered, liveness(&m, &bob).missed), (1, 1));
    // Only governance changes the parameters.
    let tx = m.bob.tx(&spb::MsgUpdateParams { authority: bob.to_bech32(), params: Some(ProviderParams::default().to_proto()) });
    let results = m.chain.raw_block(vec![tx]);
    assert_refused(&results[0], "gov", 13, "invalid authority");
    // Invalid parameters never pass decoding.
    let bad = ProviderParams { response_window: 1, ..ProviderParams::default() };
    let tx = m.bob.tx(&spb::MsgUpdateParams { authority: bob.to_bech32(), params: Some(bad.to_proto()) });
    assert_refused(&m.chain.raw_block(vec![tx])[0], "sdk", 18, "response_window");
}

#[test]
fn a_jailed_providers_open_bid_is_closed_at_auction_and_its_deposit_returned() {
    // An auction long enough for carol to be jailed before it runs.
    let mut m = market_from_genesis(|genesis| {
        challenge_genesis(genesis);
        genesis
            .update_section::<agora_market::genesis::MarketGenesis, String>("market", |market| {
                market.params.auction_window_blocks = 150;
                market.params.order_ttl_blocks = 300;
                Ok(())
            })
            .expect("market");
    });
    providers(&mut m);
    let carol = m.carol.address();
    let tx = m.alice.tx(&create_deployment(&m.alice, 1, vec![cpu_group(true)], 1_000_000));
    ok(&m.block(vec![tx]));
    let tx = m.carol.tx(&create_bid(order_id(&m.alice, 1, 1, 1), &m.carol, "10"));
    ok(&m.block(vec![tx]));
    let auction_height = m.height() + 150;
    let balance = m.uagora(&carol);
    // Carol misses until she is jailed; then the auction closes her bid.
    while m.provider(&m.carol).jailed_until == 0 {
        assert!(m.height() + 1 < auction_height, "carol should be jailed before the auction");
        m.empty_blocks(1);
    }
    while m.height() <= auction_height {
        m.empty_blocks(1);
    }
    let bid: mpb::QueryBidResponse =
        query(&m, "/agora.market.v1.Query/Bid", &mpb::QueryBidRequest { id: Some(bid_id(&m.alice, 1, 1, 1, &m.carol)) });
    assert_eq!(bid.bid.expect("bid").state, mpb::BidState::Closed as i32);
    assert_eq!(m.uagora(&carol), balance + BID_DEPOSIT, "the deposit came back");
    assert_eq!(m.provider(&m.carol).open_bids, 0);
}

#[test]
fn a_registered_operator_key_answers_for_its_provider_and_can_be_replaced() {
    let mut m = market_from_genesis(challenge_genesis);
    let operator = m.auditor.address();
    let mut b = create_provider(&m.bob, 8);
    b.operator = operator.to_bech32();
    let tx = m.bob.tx(&b);
    ok(&m.block(vec![tx]));
    assert_eq!(m.provider(&m.bob).operator, operator.to_bech32());
    let bob = m.bob.address();
    let mut answered = 0;
    while answered < 2 {
        assert!(m.height() < 100, "bob is the only provider: drawn every window");
        if let Some(challenge) = open_challenge(&m, &bob) {
            let mut msg = answer(&m.bob, &challenge);
            msg.operator = operator.to_bech32();
            let tx = m.auditor.tx(&msg);
            ok(&m.block(vec![tx]));
            answered += 1;
        } else {
            m.empty_blocks(1);
        }
    }
    assert_eq!((liveness(&m, &bob).answered, liveness(&m, &bob).missed), (2, 0));

    // An update that leaves the field empty keeps the operator; bob's own address removes it,
    // and its answers are refused from then on.
    let mut update = agora_proto::provider::v1::MsgUpdateProvider {
        owner: bob.to_bech32(),
        host_uri: b.host_uri.clone(),
        attributes: b.attributes.clone(),
        info: b.info.clone(),
        capacity: b.capacity.clone(),
        operator: String::new(),
    };
    let tx = m.bob.tx(&update);
    ok(&m.block(vec![tx]));
    assert_eq!(m.provider(&m.bob).operator, operator.to_bech32(), "kept");
    update.operator = bob.to_bech32();
    let tx = m.bob.tx(&update);
    ok(&m.block(vec![tx]));
    assert_eq!(m.provider(&m.bob).operator, "", "removed");
    let challenge = next_challenge(&mut m, &bob);
    let mut msg = answer(&m.bob, &challenge);
    msg.operator = operator.to_bech32();
    let tx = m.auditor.tx(&msg);
    assert_refused(&m.block(vec![tx])[0], "slashing", 105, "is not the operator key");
    // A malformed operator address never passes decoding.
    let mut bad = update.clone();
    bad.operator = "agora1bad".into();
    let tx = m.bob.tx(&bad);
    let results = m.chain.raw_block(vec![tx]);
    assert_refused(&results[0], "provider", 2, "operator");
}

// ---- Provable fraud --------------------------------------------------------------------------

fn statement(provider: &Actor, chain_id: &str, epoch: u64, gpus: u32) -> spb::SignedCapacityStatement {
    let bytes = prost::Message::encode_to_vec(&spb::CapacityStatement {
        chain_id: chain_id.into(),
        provider: provider.address().to_bech32(),
        epoch,
        capacity: Some(capacity(gpus)),
    });
    let signature = provider.key.sign(&agora_slashing::provider::fraud::sign_bytes(&bytes));
    spb::SignedCapacityStatement { statement: bytes, signature }
}

fn report(reporter: &Actor, key_of: &Actor, first: spb::SignedCapacityStatement, second: spb::SignedCapacityStatement) -> spb::MsgReportConflictingStatements {
    spb::MsgReportConflictingStatements {
        reporter: reporter.address().to_bech32(),
        pub_key: Some(key_of.key.public_key().to_any()),
        first: Some(first),
        second: Some(second),
    }
}

/// Two capacity statements bob signed for one epoch that differ: carol's report slashes half
/// his bond (a tenth of it hers, the rest to the community pool), tombstones him and records
/// the fraud; evidence that proves nothing is refused, and nobody is reported twice.
#[test]
fn conflicting_capacity_statements_tombstone_the_provider_and_reward_the_reporter() {
    let mut m = market();
    let tx = m.bob.tx(&create_provider(&m.bob, 8));
    ok(&m.block(vec![tx]));
    let (bob, carol) = (m.bob.address(), m.carol.address());
    // Evidence that proves nothing is refused when decoded (before the sequence moves, as
    // the SDK's `ValidateBasic`), the rest when executed; carol's sequence follows the chain's.
    let refused = |m: &mut Market, msg: spb::MsgReportConflictingStatements, code: u32, needle: &str| {
        let tx = m.carol.tx(&msg);
        assert_refused(&m.chain.raw_block(vec![tx])[0], "slashing", code, needle);
        m.carol.sequence = m.chain.account(&m.carol.address()).expect("account").sequence;
    };
    let a = statement(&m.bob, CHAIN_ID, 7, 8);
    let msg = report(&m.carol, &m.bob, a.clone(), statement(&m.bob, CHAIN_ID, 7, 8));
    refused(&mut m, msg, 107, "same capacity");
    // The same capacity written another way (classes in another order, a class of zero) is
    // no conflict either: capacities are compared in canonical form.
    let written = |gpus: Vec<agora_proto::base::v1::GpuClass>| {
        let mut c = capacity(0);
        c.gpus = gpus;
        let bytes = prost::Message::encode_to_vec(&spb::CapacityStatement {
            chain_id: CHAIN_ID.into(),
            provider: m.bob.address().to_bech32(),
            epoch: 9,
            capacity: Some(c),
        });
        let signature = m.bob.key.sign(&agora_slashing::provider::fraud::sign_bytes(&bytes));
        spb::SignedCapacityStatement { statement: bytes, signature }
    };
    let mut h100 = a100s(2);
    h100.model = "h100".into();
    let mut none = a100s(0);
    none.model = "v100".into();
    let msg = report(&m.carol, &m.bob, written(vec![a100s(4), h100.clone()]), written(vec![h100, none, a100s(4)]));
    refused(&mut m, msg, 107, "same capacity");
    let msg = report(&m.carol, &m.bob, a.clone(), statement(&m.bob, CHAIN_ID, 8, 4));
    refused(&mut m, msg, 107, "different chains or epochs");
    let msg = report(&m.carol, &m.carol, a.clone(), statement(&m.bob, CHAIN_ID, 7, 4));
    refused(&mut m, msg, 107, "not provider");
    let mut forged = statement(&m.bob, CHAIN_ID, 7, 4);
    forged.signature[5] ^= 1;
    let msg = report(&m.carol, &m.bob, a.clone(), forged);
    refused(&mut m, msg, 107, "signature");
    let elsewhere = (statement(&m.bob, "other-chain", 7, 8), statement(&m.bob, "other-chain", 7, 4));
    let msg = report(&m.carol, &m.bob, elsewhere.0, elsewhere.1);
    refused(&mut m, msg, 107, "signed for chain");
    assert!(!m.provider(&m.bob).tombstoned, "no refusal changed anything");

    let (carol_before, pool_before) = (m.uagora(&carol), m.uagora(&community_pool()));
    let tx = m.carol.tx(&report(&m.carol, &m.bob, a.clone(), statement(&m.bob, CHAIN_ID, 7, 4)));
    let results = m.block(vec![tx]);
    ok(&results);
    assert!(results[0].events.iter().any(|e| e.kind == "provider_fraud"));
    let slashed = BOND / 2;
    let reward = slashed / 10;
    assert_eq!(m.uagora(&carol), carol_before + reward - FEE_AMOUNT);
    assert!(m.uagora(&community_pool()) >= pool_before + slashed - reward);
    let record = m.provider(&m.bob);
    assert!(record.tombstoned);
    assert_eq!(record.bond.expect("bond").amount, (BOND - slashed).to_string());
    let fraud: spb::QueryProviderFraudResponse =
        query(&m, "/agora.slashing.v1.Query/ProviderFraud", &spb::QueryProviderFraudRequest { provider: bob.to_bech32() });
    let fraud = fraud.fraud.expect("fraud");
    assert_eq!((fraud.reporter.as_str(), fraud.slashed[0].amount.as_str()), (carol.to_bech32().as_str(), slashed.to_string().as_str()));

    // Tombstoned for good: no bid, no unjail, no second report.
    let unjail = spb::MsgUnjailProvider { provider: bob.to_bech32() };
    let tx = m.bob.tx(&unjail);
    assert_refused(&m.chain.raw_block(vec![tx])[0], "provider", 34, "for ever");
    let msg = report(&m.carol, &m.bob, a, statement(&m.bob, CHAIN_ID, 7, 2));
    refused(&mut m, msg, 108, "tombstoned already");
}

/// A provider reporting its own fraud (here through its operator key) earns nothing back: the
/// whole slash goes to the community pool.
#[test]
fn a_self_report_earns_no_reward() {
    let mut m = market();
    let mut b = create_provider(&m.bob, 8);
    b.operator = m.carol.address().to_bech32();
    let tx = m.bob.tx(&b);
    ok(&m.block(vec![tx]));
    let (carol, pool_before) = (m.carol.address(), m.uagora(&community_pool()));
    let carol_before = m.uagora(&carol);
    let tx = m.carol.tx(&report(&m.carol, &m.bob, statement(&m.bob, CHAIN_ID, 1, 8), statement(&m.bob, CHAIN_ID, 1, 2)));
    ok(&m.block(vec![tx]));
    assert_eq!(m.uagora(&carol), carol_before - FEE_AMOUNT, "no reward for the provider's own operator");
    assert!(m.uagora(&community_pool()) >= pool_before + BOND / 2);
    assert!(m.provider(&m.bob).tombstoned);
}

// ---- Hardware attestations -------------------------------------------------------------------

fn attestation(auditor: &Actor, key_of: &Actor, challenge: &spb::Challenge) -> spb::HardwareAttestation {
    let signature = key_of.key.sign(&agora_slashing::provider::attestation::sign_bytes(CHAIN_ID, challenge.id, &challenge.nonce));
    spb::HardwareAttestation { auditor: auditor.address().to_bech32(), pub_key: Some(key_of.key.public_key().to_any()), signature }
}

/// An answer may carry the hardware attestation of an auditor that audited the provider: it is
/// counted on the provider's record; one by anyone else, or with a bad signature, is refused.
#[test]
fn an_answer_carries_an_auditors_hardware_attestation() {
    // Time to refuse three answers before the good one.
    let mut m = market_from_genesis(|genesis| {
        challenge_genesis(genesis);
        genesis
            .update_section::<agora_slashing::GenesisState, String>("slashing", |slashing| {
                slashing.provider_penalties.params.response_window = 20;
                Ok(())
            })
            .expect("slashing");
    });
    providers(&mut m);
    let sign = agora_proto::audit::v1::MsgSignProviderAttributes {
        auditor: m.auditor.address().to_bech32(),
        provider: m.bob.address().to_bech32(),
        attributes: vec![agora_proto::base::v1::Attribute { key: "region".into(), value: "eu".into() }],
    };
    let tx = m.auditor.tx(&sign);
    ok(&m.block(vec![tx]));
    let bob = m.bob.address();
    let challenge = next_challenge(&mut m, &bob);
    let refused = |m: &mut Market, msg: spb::MsgChallengeResponse, code: u32, needle: &str| {
        let tx = m.bob.tx(&msg);
        assert_refused(&m.chain.raw_block(vec![tx])[0], "slashing", code, needle);
        m.bob.sequence = m.chain.account(&m.bob.address()).expect("account").sequence;
    };
    // Carol never audited bob.
    let mut msg = answer(&m.bob, &challenge);
    msg.attestation = Some(attestation(&m.carol, &m.carol, &challenge));
    refused(&mut m, msg, 109, "has not audited");
    // The auditor's name with carol's key.
    let mut msg = answer(&m.bob, &challenge);
    msg.attestation = Some(attestation(&m.auditor, &m.carol, &challenge));
    refused(&mut m, msg, 109, "not auditor");
    // A signature over something else.
    let mut msg = answer(&m.bob, &challenge);
    let mut forged = attestation(&m.auditor, &m.auditor, &challenge);
    forged.signature[3] ^= 1;
    msg.attestation = Some(forged);
    refused(&mut m, msg, 109, "signature");

    let mut msg = answer(&m.bob, &challenge);
    msg.attestation = Some(attestation(&m.auditor, &m.auditor, &challenge));
    let tx = m.bob.tx(&msg);
    let results = m.block(vec![tx]);
    ok(&results);
    let answered = results[0].events.iter().find(|e| e.kind == "provider_challenge_answered").expect("event");
    assert!(answered.attributes.iter().any(|a| a.key_str().ok() == Some("attester")));
    let record = liveness(&m, &bob);
    assert_eq!((record.attested, record.last_attester.as_str()), (1, m.auditor.address().to_bech32().as_str()));
    assert_eq!(record.last_attested_height, m.height());
}

/// A provider that finishes unbonding leaves the draw for good (its slot freed for the next
/// one); registering again puts it back, without the misses of before.
#[test]
fn a_provider_that_leaves_gives_its_draw_slot_back_and_may_return() {
    let mut m = market_from_genesis(challenge_genesis);
    providers(&mut m);
    let carol = m.carol.address();
    let slot_key = [b"slashing/provider/draw/s".as_slice(), carol.as_bytes().as_slice()].concat();
    let slot = |m: &Market| {
        use agora_store::StateRead;
        m.chain.node.app().storage().latest_snapshot().get_raw(&slot_key).expect("read")
    };
    assert!(slot(&m).is_some(), "carol is in the draw");
    // Carol unbonds; once her record is gone (and any challenge of hers closed) her slot is
    // free.
    let tx = m.carol.tx(&agora_proto::provider::v1::MsgDeleteProvider { owner: carol.to_bech32() });
    ok(&m.block(vec![tx]));
    while m.chain.node.query_proto::<_, agora_proto::provider::v1::QueryProviderResponse>(
        "/agora.provider.v1.Query/Provider",
        &agora_proto::provider::v1::QueryProviderRequest { owner: carol.to_bech32() },
    )
    .is_ok()
    {
        assert!(m.height() < 100, "carol's unbonding should have finished");
        m.empty_blocks(1);
    }
    m.empty_blocks(WINDOW + 1);
    assert_eq!(slot(&m), None, "the slot went back");
    assert_eq!(liveness(&m, &carol).missed_in_a_row, 0);
    let mut c = create_provider(&m.carol, 0);
    c.capacity.as_mut().expect("capacity").gpus.clear();
    let tx = m.carol.tx(&c);
    ok(&m.block(vec![tx]));
    assert!(slot(&m).is_some(), "back in the draw");
}

/// The provider's own operator key attests nothing about it, even with an audit record.
#[test]
fn an_attestation_by_the_providers_own_operator_is_refused() {
    let mut m = market_from_genesis(challenge_genesis);
    let mut b = create_provider(&m.bob, 8);
    b.operator = m.carol.address().to_bech32();
    let tx = m.bob.tx(&b);
    ok(&m.block(vec![tx]));
    let sign = agora_proto::audit::v1::MsgSignProviderAttributes {
        auditor: m.carol.address().to_bech32(),
        provider: m.bob.address().to_bech32(),
        attributes: vec![agora_proto::base::v1::Attribute { key: "region".into(), value: "eu".into() }],
    };
    let tx = m.carol.tx(&sign);
    ok(&m.block(vec![tx]));
    let bob = m.bob.address();
    let challenge = next_challenge(&mut m, &bob);
    let mut msg = answer(&m.bob, &challenge);
    msg.attestation = Some(attestation(&m.carol, &m.carol, &challenge));
    let tx = m.bob.tx(&msg);
    assert_refused(&m.chain.raw_block(vec![tx])[0], "slashing", 109, "own operator key");
}

// ---- Hardware identities ---------------------------------------------------------------------

/// A device key's signature that it is `provider`'s, on `chain_id`.
fn possession(device: &agora_tx::SigningKey, provider: &Address, chain_id: &str) -> Vec<u8> {
    device.sign(&agora_slashing::provider::hardware::sign_bytes(chain_id, provider))
}

/// A device key's claim that it is `provider`'s, over a registration's nonce.
fn claim(device: &agora_tx::SigningKey, provider: &Address, nonce: &[u8]) -> Vec<u8> {
    device.sign(&agora_slashing::provider::hardware::claim_sign_bytes(CHAIN_ID, provider, nonce))
}

/// Bob registers a device that proved it is his; the same device's claim, over the nonce of
/// bob's registration, that it is carol's, shown by anyone, convicts bob of fraud (half his
/// bond, a tenth of it to the reporter, tombstoned). A registration without the device's
/// proof, of a device already registered, or evidence that proves nothing (a signature made
/// before bob's registration among them) are refused, each with its code; a tombstoned
/// provider keeps its devices.
#[test]
fn a_device_registered_to_one_provider_that_signs_for_another_convicts_the_registered_one() {
    let mut m = market();
    providers(&mut m);
    let (bob, carol, alice) = (m.bob.address(), m.carol.address(), m.alice.address());
    let device = key(60);
    let register = |provider: &Address, signature: Vec<u8>| spb::MsgRegisterHardware {
        provider: provider.to_bech32(),
        pub_key: Some(device.public_key().to_any()),
        signature,
    };
    // The device's signature for another chain, or for carol, does not register it to bob.
    let tx = m.bob.tx(&register(&bob, possession(&device, &bob, "other-chain")));
    assert_refused(&m.chain.raw_block(vec![tx])[0], "slashing", 127, "signature");
    let tx = m.bob.tx(&register(&bob, possession(&device, &carol, CHAIN_ID)));
    assert_refused(&m.chain.raw_block(vec![tx])[0], "slashing", 127, "signature");
    let tx = m.bob.tx(&register(&bob, possession(&device, &bob, CHAIN_ID)));
    let results = m.block(vec![tx]);
    ok(&results);
    assert!(results[0].events.iter().any(|e| e.kind == "provider_hardware_registered"));
    let devices: spb::QueryProviderHardwareResponse =
        query(&m, "/agora.slashing.v1.Query/ProviderHardware", &spb::QueryProviderHardwareRequest { provider: bob.to_bech32() });
    assert_eq!(devices.devices.len(), 1);
    let nonce = devices.devices[0].nonce.clone();
    assert_eq!(nonce.len(), 32);
    // Carol cannot register it too, even with the device's signature for her.
    let tx = m.carol.tx(&register(&carol, possession(&device, &carol, CHAIN_ID)));
    assert_refused(&m.chain.raw_block(vec![tx])[0], "slashing", 128, "registered to provider");

    let report = |reporter: &Actor, claimed_for: &Address, signature: Vec<u8>| spb::MsgReportDuplicateHardware {
        reporter: reporter.address().to_bech32(),
        pub_key: Some(device.public_key().to_any()),
        claimed_for: claimed_for.to_bech32(),
        signature,
    };
    // The device's claim for bob himself, a forged one, or one made before bob registered it
    // (its registration statement for carol, which needs no nonce) proves nothing.
    let tx = m.alice.tx(&report(&m.alice, &bob, claim(&device, &bob, &nonce)));
    assert_refused(&m.chain.raw_block(vec![tx])[0], "slashing", 107, "no duplicate");
    let mut forged = claim(&device, &carol, &nonce);
    forged[3] ^= 1;
    let tx = m.alice.tx(&report(&m.alice, &carol, forged));
    assert_refused(&m.chain.raw_block(vec![tx])[0], "slashing", 107, "signature");
    let tx = m.alice.tx(&report(&m.alice, &carol, possession(&device, &carol, CHAIN_ID)));
    assert_refused(&m.chain.raw_block(vec![tx])[0], "slashing", 107, "signature");
    assert!(!m.provider(&m.bob).tombstoned);

    let alice_before = m.uagora(&alice);
    let tx = m.alice.tx(&report(&m.alice, &carol, claim(&device, &carol, &nonce)));
    let results = m.block(vec![tx]);
    ok(&results);
    assert!(results[0].events.iter().any(|e| e.kind == "provider_hardware_duplicate"));
    let slashed = 2 * BOND / 2;
    assert_eq!(m.uagora(&alice), alice_before + slashed / 10 - FEE_AMOUNT);
    assert!(m.provider(&m.bob).tombstoned);
    let fraud: spb::QueryProviderFraudResponse =
        query(&m, "/agora.slashing.v1.Query/ProviderFraud", &spb::QueryProviderFraudRequest { provider: bob.to_bech32() });
    assert_eq!(fraud.fraud.expect("fraud").reason, "hardware claimed by another provider");

    // Carol removes nothing she does not hold; bob, tombstoned, keeps his device (he cannot
    // take it to another address).
    let remove = |provider: &Address| spb::MsgRemoveHardware { provider: provider.to_bech32(), pub_key: Some(device.public_key().to_any()) };
    let tx = m.carol.tx(&remove(&carol));
    assert_refused(&m.chain.raw_block(vec![tx])[0], "slashing", 129, "not registered to provider");
    let tx = m.bob.tx(&remove(&bob));
    assert_refused(&m.chain.raw_block(vec![tx])[0], "slashing", 108, "tombstoned");
    let devices: spb::QueryProviderHardwareResponse =
        query(&m, "/agora.slashing.v1.Query/ProviderHardware", &spb::QueryProviderHardwareRequest { provider: bob.to_bech32() });
    assert_eq!(devices.devices.len(), 1);
}

/// A device changes hands: its first holder removes it, and what it had the device sign
/// meanwhile (a claim for another address over its own registration's nonce) proves nothing
/// against the next holder, whose registration draws a new nonce.
#[test]
fn a_former_holders_signatures_do_not_convict_the_next_holder_of_a_device() {
    let mut m = market();
    providers(&mut m);
    let (bob, carol) = (m.bob.address(), m.carol.address());
    let device = key(61);
    let register = |provider: &Address| spb::MsgRegisterHardware {
        provider: provider.to_bech32(),
        pub_key: Some(device.public_key().to_any()),
        signature: possession(&device, provider, CHAIN_ID),
    };
    let devices = |m: &Market, provider: &Address| -> Vec<spb::HardwareIdentity> {
        let res: spb::QueryProviderHardwareResponse =
            query(m, "/agora.slashing.v1.Query/ProviderHardware", &spb::QueryProviderHardwareRequest { provider: provider.to_bech32() });
        res.devices
    };
    let tx = m.bob.tx(&register(&bob));
    ok(&m.block(vec![tx]));
    let bobs_nonce = devices(&m, &bob)[0].nonce.clone();
    // Before handing it over, bob has it sign for an address of his own, over his nonce.
    let stale = claim(&device, &m.alice.address(), &bobs_nonce);
    let tx = m.bob.tx(&spb::MsgRemoveHardware { provider: bob.to_bech32(), pub_key: Some(device.public_key().to_any()) });
    ok(&m.block(vec![tx]));
    let tx = m.carol.tx(&register(&carol));
    ok(&m.block(vec![tx]));
    let carols_nonce = devices(&m, &carol)[0].nonce.clone();
    assert_ne!(carols_nonce, bobs_nonce, "each registration draws its own nonce");
    let report = spb::MsgReportDuplicateHardware {
        reporter: bob.to_bech32(),
        pub_key: Some(device.public_key().to_any()),
        claimed_for: m.alice.address().to_bech32(),
        signature: stale,
    };
    let tx = m.bob.tx(&report);
    assert_refused(&m.chain.raw_block(vec![tx])[0], "slashing", 107, "signature");
    assert!(!m.provider(&m.carol).tombstoned);
}
