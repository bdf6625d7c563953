//! Staking through the real application: signed `cosmos.staking.v1beta1` messages in blocks,
//! the validator updates `FinalizeBlock` returns to CometBFT, the time queues, the standard
//! queries, and every refusal with its codespace and code. Invariants (pools equal to the
//! records, shares adding up, supply) are checked after every block.

mod common;

use agora_tx::SigningKey;
use common::*;
use cosmos_sdk_proto::cosmos::staking::v1beta1 as pb;
use cosmos_sdk_proto::Any;
use prost::Message;
use tendermint::abci::types::ExecTxResult;

const UNBONDING_SECS: u64 = 10;

fn coin(amount: u128) -> cosmos_sdk_proto::cosmos::base::v1beta1::Coin {
    pb_coin("uagora", &amount.to_string())
}

/// Eighteen-decimal atto form of a whole number, as LegacyDec travels in protobuf.
fn dec(units: u128) -> String {
    format!("{units}000000000000000000")
}

/// A chain whose staking unbonds in 10 s (blocks are 1 s apart), with two active seats and two
/// entries per pair, and funded accounts 1..=4.
struct Staking {
    chain: Chain,
    keys: Vec<SigningKey>,
    sequences: Vec<u64>,
}

impl Staking {
    fn new() -> Self {
        let keys: Vec<SigningKey> = (1..=4).map(key).collect();
        let mut genesis = agora_app::genesis::new_chain().expect("genesis");
        for k in &keys {
            agora_app::genesis::add_account(&mut genesis, k.address(), &coins("1000000000000uagora,500ufoo")).expect("add");
        }
        without_inflation(&mut genesis);
        let mut staking: agora_staking::GenesisState = genesis.section("staking").expect("staking");
        staking.params.unbonding_time = UNBONDING_SECS;
        staking.params.max_validators = 2;
        staking.params.max_entries = 2;
        genesis.set_section("staking", &staking).expect("set");
        Self { chain: chain_from_genesis(&genesis), keys, sequences: vec![0; 4] }
    }

    /// Account `i` (0-based) signs `msg`.
    fn tx<M: prost::Name>(&mut self, i: usize, msg: &M) -> Vec<u8> {
        let tx = signed(&self.keys[i], msg, i as u64 + 1, self.sequences[i]);
        self.sequences[i] += 1;
        tx
    }

    fn block(&mut self, txs: Vec<Vec<u8>>) -> Vec<ExecTxResult> {
        self.chain.block(txs)
    }

    fn ok(&mut self, i: usize, msg: &(impl prost::Name + Clone)) -> ExecTxResult {
        let tx = self.tx(i, msg);
        let result = self.block(vec![tx]).remove(0);
        assert_eq!(result.code.value(), 0, "{}", result.log);
        result
    }

    fn refused(&mut self, i: usize, msg: &(impl prost::Name + Clone), codespace: &str, code: u32, needle: &str) {
        let tx = self.tx(i, msg);
        let before = self.chain.balance(&self.keys[i].address(), "uagora");
        let result = self.block(vec![tx]).remove(0);
        assert_refused(&result, codespace, code, needle);
        // Only the fee was taken.
        assert_eq!(self.chain.balance(&self.keys[i].address(), "uagora"), before - 5_000);
    }

    /// A message refused before execution (decoding, stateless checks): a proposer drops
    /// such a transaction, so it is finalized as given; nothing is charged or changed.
    fn malformed(&mut self, i: usize, msg: &(impl prost::Name + Clone), codespace: &str, code: u32, needle: &str) {
        let tx = signed(&self.keys[i], msg, i as u64 + 1, self.sequences[i]);
        // An empty block first: it moves any fees of earlier blocks on to their recipients.
        self.chain.block(vec![]);
        let before = self.chain.state_without_block_records();
        let result = self.chain.raw_block(vec![tx]).remove(0);
        assert_refused(&result, codespace, code, needle);
        assert_eq!(self.chain.state_without_block_records(), before);
    }

    fn updates(&self) -> Vec<(Vec<u8>, i64)> {
        let finalized = self.chain.node.last_finalized().expect("a block");
        finalized.validator_updates.iter().map(|u| (u.pub_key.to_bytes(), u.power.value() as i64)).collect()
    }

    fn query<Req: prost::Message, Res: prost::Message + Default>(&self, method: &str, req: &Req) -> Res {
        self.chain.node.query_proto(&format!("/cosmos.staking.v1beta1.Query/{method}"), req).expect(method)
    }

    fn validator(&self, i: usize) -> pb::Validator {
        let res: pb::QueryValidatorResponse =
            self.query("Validator", &pb::QueryValidatorRequest { validator_addr: valoper(&self.keys[i]) });
        res.validator.expect("validator")
    }

    fn pool(&self) -> (u128, u128) {
        let res: pb::QueryPoolResponse = self.query("Pool", &pb::QueryPoolRequest {});
        let pool = res.pool.expect("pool");
        (pool.bonded_tokens.parse().expect("amount"), pool.not_bonded_tokens.parse().expect("amount"))
    }

    fn empty_blocks(&mut self, n: u64) {
        for _ in 0..n {
            self.block(vec![]);
        }
    }
}

#[test]
fn a_created_validator_is_bonded_at_the_end_of_its_block_and_cometbft_is_told_its_power() {
    let mut s = Staking::new();
    let msg = create_validator(&s.keys[0].clone(), 11, 5_000_000);
    let result = s.ok(0, &msg);
    assert!(result.events.iter().any(|e| e.kind == "create_validator"));
    assert_eq!(s.updates(), vec![(vec![11u8; 32], 5)], "power = tokens / 10^6");
    let v = s.validator(0);
    assert_eq!(v.status, pb::BondStatus::Bonded as i32);
    assert_eq!(v.tokens, "5000000");
    assert_eq!(v.delegator_shares, dec(5_000_000));
    assert_eq!(s.pool(), (5_000_000, 0));

    // A delegation raises the power; only the change is sent.
    let delegate = pb::MsgDelegate { delegator_address: s.keys[1].address().to_bech32(), validator_address: valoper(&s.keys[0]), amount: Some(coin(2_000_000)) };
    s.ok(1, &delegate);
    assert_eq!(s.updates(), vec![(vec![11u8; 32], 7)]);
    let res: pb::QueryDelegationResponse = s.query(
        "Delegation",
        &pb::QueryDelegationRequest { delegator_addr: s.keys[1].address().to_bech32(), validator_addr: valoper(&s.keys[0]) },
    );
    let response = res.delegation_response.expect("delegation");
    assert_eq!(response.delegation.expect("d").shares, dec(2_000_000));
    assert_eq!(response.balance.expect("balance").amount, "2000000");
    // A block without staking changes sends nothing.
    s.empty_blocks(1);
    assert!(s.updates().is_empty());

    let res: pb::QueryValidatorsResponse = s.query("Validators", &pb::QueryValidatorsRequest { status: "BOND_STATUS_BONDED".into(), pagination: None });
    assert_eq!(res.validators.len(), 1);
    let res: pb::QueryValidatorsResponse = s.query("Validators", &pb::QueryValidatorsRequest { status: "BOND_STATUS_UNBONDED".into(), pagination: None });
    assert!(res.validators.is_empty());
    let unspecified: Result<pb::QueryValidatorsResponse, _> = s
        .chain
        .node
        .query_proto("/cosmos.staking.v1beta1.Query/Validators", &pb::QueryValidatorsRequest { status: "BOND_STATUS_UNSPECIFIED".into(), pagination: None });
    assert!(unspecified.is_err(), "as the SDK, an unspecified status is refused");
    let res: pb::QueryParamsResponse = s.query("Params", &pb::QueryParamsRequest {});
    let params = res.params.expect("params");
    assert_eq!(params.unbonding_time.expect("time").seconds, UNBONDING_SECS as i64);
    assert_eq!(params.historical_entries, 10_000);
    let res: pb::QueryHistoricalInfoResponse = s.query("HistoricalInfo", &pb::QueryHistoricalInfoRequest { height: s.chain.node.height() as i64 });
    let hist = res.hist.expect("historical info");
    let header = hist.header.expect("header");
    assert_eq!(header.chain_id, CHAIN_ID);
    assert_eq!(header.height, s.chain.node.height() as i64);
    // As CometBFT's header has it: the app hash after the block before.
    let app_hash = s.chain.node.last_app_hash().to_vec();
    s.chain.block(vec![]);
    let res: pb::QueryHistoricalInfoResponse = s.query("HistoricalInfo", &pb::QueryHistoricalInfoRequest { height: s.chain.node.height() as i64 });
    assert_eq!(res.hist.expect("historical info").header.expect("header").app_hash, app_hash);
    assert_eq!(hist.valset.len(), 1);
    assert_eq!(hist.valset[0].tokens, "7000000");
}

#[test]
fn the_top_validators_by_power_are_the_active_set_and_the_others_wait() {
    let mut s = Staking::new();
    for (i, seed, amount) in [(0usize, 11u8, 3_000_000u128), (1, 12, 2_000_000), (2, 13, 1_000_000)] {
        let msg = create_validator(&s.keys[i].clone(), seed, amount);
        s.ok(i, &msg);
    }
    // Two seats: the third waits unbonded.
    assert_eq!(s.validator(2).status, pb::BondStatus::Unbonded as i32);
    assert_eq!(s.pool(), (5_000_000, 1_000_000));
    // It overtakes the second: the second leaves (power 0) and starts unbonding.
    let delegate = pb::MsgDelegate { delegator_address: s.keys[3].address().to_bech32(), validator_address: valoper(&s.keys[2]), amount: Some(coin(4_000_000)) };
    s.ok(3, &delegate);
    let mut updates = s.updates();
    updates.sort();
    assert_eq!(updates, vec![(vec![12u8; 32], 0), (vec![13u8; 32], 5)]);
    assert_eq!(s.validator(1).status, pb::BondStatus::Unbonding as i32);
    assert_eq!(s.pool(), (8_000_000, 2_000_000));
    // Its unbonding ends after the unbonding time.
    s.empty_blocks(UNBONDING_SECS + 1);
    assert_eq!(s.validator(1).status, pb::BondStatus::Unbonded as i32);
}

#[test]
fn undelegated_tokens_wait_the_unbonding_time_and_can_be_cancelled() {
    let mut s = Staking::new();
    let msg = create_validator(&s.keys[0].clone(), 11, 5_000_000);
    s.ok(0, &msg);
    let delegator = s.keys[1].address();
    let delegate = pb::MsgDelegate { delegator_address: delegator.to_bech32(), validator_address: valoper(&s.keys[0]), amount: Some(coin(3_000_000)) };
    s.ok(1, &delegate);
    let balance = s.chain.balance(&delegator, "uagora");
    let undelegate = pb::MsgUndelegate { delegator_address: delegator.to_bech32(), validator_address: valoper(&s.keys[0]), amount: Some(coin(2_000_000)) };
    let result = s.ok(1, &undelegate);
    assert!(result.events.iter().any(|e| e.kind == "unbond"));
    let unbonded_at = s.chain.node.height();
    assert_eq!(s.updates(), vec![(vec![11u8; 32], 6)]);
    assert_eq!(s.pool(), (6_000_000, 2_000_000));

    // Cancel half of it back into the delegation.
    let cancel = pb::MsgCancelUnbondingDelegation {
        delegator_address: delegator.to_bech32(),
        validator_address: valoper(&s.keys[0]),
        amount: Some(coin(500_000)),
        creation_height: unbonded_at as i64,
    };
    s.ok(1, &cancel);
    assert_eq!(s.pool(), (6_500_000, 1_500_000));
    let res: pb::QueryUnbondingDelegationResponse = s.query(
        "UnbondingDelegation",
        &pb::QueryUnbondingDelegationRequest { delegator_addr: delegator.to_bech32(), validator_addr: valoper(&s.keys[0]) },
    );
    assert_eq!(res.unbond.expect("unbonding").entries[0].balance, "1500000");
    // A cancellation at a height with no entry is refused.
    let wrong = pb::MsgCancelUnbondingDelegation { creation_height: 1, ..cancel.clone() };
    s.refused(1, &wrong, "sdk", 38, "not found at block height 1");

    s.empty_blocks(UNBONDING_SECS);
    assert_eq!(s.chain.balance(&delegator, "uagora"), balance - 3 * 5_000 + 1_500_000);
    assert_eq!(s.pool(), (6_500_000, 0));
    let res: pb::QueryDelegatorUnbondingDelegationsResponse = s.query(
        "DelegatorUnbondingDelegations",
        &pb::QueryDelegatorUnbondingDelegationsRequest { delegator_addr: delegator.to_bech32(), pagination: None },
    );
    assert!(res.unbonding_responses.is_empty(), "paid out and removed");
}

#[test]
fn redelegation_moves_stake_at_once_but_not_onward_until_it_matures() {
    let mut s = Staking::new();
    for (i, seed) in [(0usize, 11u8), (1, 12)] {
        let msg = create_validator(&s.keys[i].clone(), seed, 5_000_000);
        s.ok(i, &msg);
    }
    let msg = create_validator(&s.keys[2].clone(), 13, 1_000_000);
    s.ok(2, &msg);
    let d = s.keys[3].address().to_bech32();
    s.ok(3, &pb::MsgDelegate { delegator_address: d.clone(), validator_address: valoper(&s.keys[0]), amount: Some(coin(2_000_000)) });
    let redelegate = |src: &SigningKey, dst: &SigningKey, amount: u128| pb::MsgBeginRedelegate {
        delegator_address: d.clone(),
        validator_src_address: valoper(src),
        validator_dst_address: valoper(dst),
        amount: Some(coin(amount)),
    };
    let (k0, k1, k2) = (s.keys[0].clone(), s.keys[1].clone(), s.keys[2].clone());
    s.ok(3, &redelegate(&k0, &k1, 1_000_000));
    let mut updates = s.updates();
    updates.sort();
    assert_eq!(updates, vec![(vec![11u8; 32], 6), (vec![12u8; 32], 6)]);
    // Onward from the destination before the entry matures: refused.
    s.refused(3, &redelegate(&k1, &k2, 500_000), "staking", 32, "already in progress");
    // Two entries per pair at most.
    s.ok(3, &redelegate(&k0, &k1, 100_000));
    s.refused(3, &redelegate(&k0, &k1, 100_000), "staking", 33, "at most 2");
    let res: pb::QueryRedelegationsResponse = s.query("Redelegations", &pb::QueryRedelegationsRequest { delegator_addr: d.clone(), ..Default::default() });
    assert_eq!(res.redelegation_responses[0].entries.len(), 2);
    // Once matured, the stake may move on.
    s.empty_blocks(UNBONDING_SECS + 1);
    s.ok(3, &redelegate(&k1, &k2, 500_000));
}

#[test]
fn refusals_carry_the_sdk_codes_and_change_nothing_but_the_fee() {
    let mut s = Staking::new();
    let (k0, k1) = (s.keys[0].clone(), s.keys[1].clone());
    let msg = create_validator(&k0, 11, 5_000_000);
    s.ok(0, &msg);

    // Validator creation.
    s.refused(0, &create_validator(&k0, 12, 5_000_000), "staking", 4, "already exist");
    s.refused(1, &create_validator(&k1, 11, 5_000_000), "staking", 5, "pubkey");
    let mut wrong_key = create_validator(&k1, 12, 5_000_000);
    wrong_key.pubkey = Some(Any { type_url: "/cosmos.crypto.secp256k1.PubKey".into(), value: vec![] });
    s.malformed(1, &wrong_key, "staking", 6, "not supported");
    let mut below_minimum = create_validator(&k1, 12, 500_000);
    below_minimum.min_self_delegation = "1000000".into();
    s.malformed(1, &below_minimum, "staking", 16, "minimum self delegation");
    let mut greedy = create_validator(&k1, 12, 5_000_000);
    greedy.commission = Some(pb::CommissionRates { rate: "300000000000000000".into(), max_rate: "200000000000000000".into(), max_change_rate: "0".into() });
    s.malformed(1, &greedy, "staking", 11, "max rate");
    let mut foreign = create_validator(&k1, 12, 5_000_000);
    foreign.value = Some(pb_coin("ufoo", "5000000"));
    s.refused(1, &foreign, "sdk", 18, "invalid coin denomination");

    // Delegations.
    let delegate = |amount: cosmos_sdk_proto::cosmos::base::v1beta1::Coin, validator: String| pb::MsgDelegate {
        delegator_address: k1.address().to_bech32(),
        validator_address: validator,
        amount: Some(amount),
    };
    s.malformed(1, &delegate(coin(0), valoper(&k0)), "sdk", 18, "must be positive");
    s.refused(1, &delegate(coin(1), valoper(&s.keys[3].clone())), "staking", 3, "does not exist");
    s.malformed(1, &delegate(coin(1), k0.address().to_bech32()), "sdk", 7, "agoravaloper");
    s.refused(1, &delegate(coin(10_000_000_000_000), valoper(&k0)), "sdk", 5, "insufficient funds");
    // Signed by someone else than the delegator.
    let tx = s.tx(2, &delegate(coin(1), valoper(&k0)));
    let result = s.block(vec![tx]).remove(0);
    assert_refused(&result, "sdk", 8, "");

    // Undelegations.
    let undelegate = |amount: u128| pb::MsgUndelegate { delegator_address: k1.address().to_bech32(), validator_address: valoper(&k0), amount: Some(coin(amount)) };
    s.refused(1, &undelegate(1), "staking", 19, "no delegation");
    s.ok(1, &delegate(coin(3_000_000), valoper(&k0)));
    s.refused(1, &undelegate(3_000_001), "sdk", 18, "invalid shares amount");
    s.ok(1, &undelegate(1_000_000));
    s.ok(1, &undelegate(1_000_000));
    s.refused(1, &undelegate(1_000_000), "staking", 27, "at most 2");

    // Editing.
    let edit = |rate: &str, min: &str| pb::MsgEditValidator {
        description: Some(pb::Description { moniker: "[do-not-modify]".into(), identity: "[do-not-modify]".into(), website: "[do-not-modify]".into(), security_contact: "[do-not-modify]".into(), details: "renamed".into() }),
        validator_address: valoper(&k0),
        commission_rate: rate.into(),
        min_self_delegation: min.into(),
    };
    s.refused(0, &edit("110000000000000000", ""), "staking", 12, "once in 24h");
    s.refused(0, &edit("", "999999"), "staking", 17, "cannot be decrease");
    s.ok(0, &edit("", "2000000"));
    // As the SDK: the same minimum again is not an increase.
    s.refused(0, &edit("", "2000000"), "staking", 17, "cannot be decrease");
    let v = s.validator(0);
    assert_eq!(v.description.expect("description").details, "renamed");
    assert_eq!(v.min_self_delegation, "2000000");
}

#[test]
fn an_operator_below_its_minimum_self_delegation_is_jailed_and_leaves_the_set() {
    let mut s = Staking::new();
    // A second validator, so the set is never emptied (that is refused: CometBFT would halt).
    let other = create_validator(&s.keys[1].clone(), 12, 3_000_000);
    s.ok(1, &other);
    let msg = create_validator(&s.keys[0].clone(), 11, 5_000_000);
    s.ok(0, &msg);
    let undelegate = pb::MsgUndelegate { delegator_address: s.keys[0].address().to_bech32(), validator_address: valoper(&s.keys[0]), amount: Some(coin(4_500_000)) };
    s.ok(0, &undelegate);
    assert!(s.validator(0).jailed);
    assert_eq!(s.updates(), vec![(vec![11u8; 32], 0)]);
    assert_eq!(s.validator(0).status, pb::BondStatus::Unbonding as i32);
    // Its delegators' undelegations wait for the validator's own unbonding to end.
    s.empty_blocks(UNBONDING_SECS + 1);
    assert_eq!(s.validator(0).status, pb::BondStatus::Unbonded as i32);
    assert_eq!(s.pool(), (3_000_000, 500_000));
}

#[test]
fn the_last_validator_cannot_leave_the_set_empty() {
    let mut s = Staking::new();
    let msg = create_validator(&s.keys[0].clone(), 11, 5_000_000);
    s.ok(0, &msg);
    let undelegate = pb::MsgUndelegate { delegator_address: s.keys[0].address().to_bech32(), validator_address: valoper(&s.keys[0]), amount: Some(coin(4_500_000)) };
    s.ok(0, &undelegate);
    assert!(s.validator(0).jailed);
    // The update that would empty the set is not sent; the validator stays bonded.
    assert!(s.updates().is_empty());
    let events = &s.chain.node.last_finalized().expect("block").events;
    assert!(events.iter().any(|e| e.kind == "end_block_entry_error"), "reported");
    assert_eq!(s.validator(0).status, pb::BondStatus::Bonded as i32);
}

fn genesis_doc(app_state: &agora_genesis::AppState) -> serde_json::Value {
    serde_json::json!({
        "chain_id": CHAIN_ID,
        "genesis_time": "2026-01-01T00:00:00Z",
        "consensus_params": serde_json::to_value(agora_app::harness::default_consensus_params()).expect("params"),
        "app_state": serde_json::from_slice::<serde_json::Value>(&app_state.to_json().expect("json")).expect("json"),
    })
}

#[test]
fn gentxs_create_the_validators_the_chain_starts_with() {
    let genesis = genesis_with_gentxs(vec![gentx(&key(1), 21, 5_000_000, 0), gentx(&key(2), 22, 7_000_000, 0)]);
    let mut validators = agora_app::genesis::dry_run(&genesis_doc(&genesis)).expect("starts");
    validators.sort_by_key(|v| v.power);
    let powers: Vec<u64> = validators.iter().map(|v| v.power).collect();
    assert_eq!(powers, [5, 7]);
    let chain = chain_from_genesis(&genesis);
    let res: pb::QueryValidatorsResponse = chain
        .node
        .query_proto("/cosmos.staking.v1beta1.Query/Validators", &pb::QueryValidatorsRequest { status: "BOND_STATUS_BONDED".into(), pagination: None })
        .expect("validators");
    assert_eq!(res.validators.len(), 2);
    chain.check_invariants();
}

#[test]
fn a_gentx_that_would_fail_refuses_the_genesis_and_names_it() {
    let refused = |gen_txs: Vec<String>| agora_app::genesis::dry_run(&genesis_doc(&genesis_with_gentxs(gen_txs))).expect_err("refused").to_string();
    let err = refused(vec![gentx(&key(1), 21, 5_000_000, 0), gentx(&key(2), 22, 5_000_000, 7)]);
    assert!(err.contains("genutil.gen_txs[1]") && err.contains("signature verification failed"), "{err}");
    let err = refused(vec![gentx(&key(3), 21, 5_000_000, 0)]);
    assert!(err.contains("genutil.gen_txs[0]") && err.contains("does not exist"), "{err}");
    let send = {
        use base64::Engine as _;
        let msg = msg_send(&key(1).address(), &key(2).address(), vec![coin(1)]);
        let tx = agora_tx::TxBuilder::new().any_message(agora_tx::to_any(&msg)).gas_limit(1_000_000).sign(&key(1), CHAIN_ID, 0, 0);
        base64::engine::general_purpose::STANDARD.encode(tx)
    };
    let err = refused(vec![send]);
    assert!(err.contains("may carry only /cosmos.staking.v1beta1.MsgCreateValidator"), "{err}");
    let err = refused(vec!["not base64!".into()]);
    assert!(err.contains("genutil.gen_txs[0] is not base64"), "{err}");
}

// ---- Slashing: liveness, evidence, unjail -------------------------------------------------

fn consensus_address(seed: u8) -> [u8; 20] {
    agora_staking::types::consensus_address(&[seed; 32])
}

/// Two validators from gentxs (seed 21 with power 5, seed 22 with power 7), a liveness window
/// of 10 blocks of which 5 must be signed, a 60 s downtime jail, and an evidence age of 5
/// blocks and 3 s.
fn slashing_chain() -> Chain {
    let mut genesis = genesis_with_gentxs(vec![gentx(&key(1), 21, 5_000_000, 0), gentx(&key(2), 22, 7_000_000, 0)]);
    let mut slashing: agora_slashing::GenesisState = genesis.section("slashing").expect("slashing");
    slashing.params.signed_blocks_window = 10;
    slashing.params.downtime_jail_duration = 60;
    genesis.set_section("slashing", &slashing).expect("set");
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_app(dir.path(), agora_app::AppConfig::default());
    let mut params = agora_app::harness::default_consensus_params();
    params.evidence.max_age_num_blocks = 5;
    params.evidence.max_age_duration = tendermint::evidence::Duration(std::time::Duration::from_secs(3));
    let node = agora_app::harness::TestNode::start_with(app, CHAIN_ID, &genesis.to_json().expect("json"), params).expect("start");
    let mut chain = Chain { node, dir };
    chain.block(vec![]);
    chain
}

fn commit_block(chain: &mut Chain, txs: Vec<Vec<u8>>, a_signs: bool, b_signs: bool) -> Vec<ExecTxResult> {
    let votes = [(consensus_address(21), 5, a_signs), (consensus_address(22), 7, b_signs)];
    let results = chain.node.make_block_with_commit(txs, &votes, Vec::new()).expect("block");
    chain.check_invariants();
    results
}

fn staking_validator(chain: &Chain, seed: u8) -> pb::Validator {
    let res: pb::QueryValidatorResponse = chain
        .node
        .query_proto("/cosmos.staking.v1beta1.Query/Validator", &pb::QueryValidatorRequest { validator_addr: valoper(&key(seed)) })
        .expect("validator");
    res.validator.expect("validator")
}

fn signing_info(chain: &Chain, seed: u8) -> cosmos_sdk_proto::cosmos::slashing::v1beta1::ValidatorSigningInfo {
    use cosmos_sdk_proto::cosmos::slashing::v1beta1 as spb;
    let address = agora_types::Address::new(consensus_address(seed)).to_bech32_with(agora_types::VALCONS_PREFIX);
    let res: spb::QuerySigningInfoResponse =
        chain.node.query_proto("/cosmos.slashing.v1beta1.Query/SigningInfo", &spb::QuerySigningInfoRequest { cons_address: address }).expect("info");
    res.val_signing_info.expect("info")
}

fn unjail(seed: u8, sequence: u64) -> Vec<u8> {
    let msg = cosmos_sdk_proto::cosmos::slashing::v1beta1::MsgUnjail { validator_addr: valoper(&key(seed)) };
    signed(&key(seed), &msg, u64::from(seed), sequence)
}

#[test]
fn a_validator_that_misses_too_many_blocks_is_slashed_jailed_and_may_unjail_after_its_time() {
    let mut chain = slashing_chain();
    let b = consensus_address(22);
    // The first window is not judged; afterwards more than 5 misses out of 10 jail.
    let mut jailed_at = None;
    for _ in 0..20 {
        commit_block(&mut chain, vec![], true, false);
        let updates = &chain.node.last_finalized().expect("block").validator_updates;
        if let Some(update) = updates.iter().find(|u| u.pub_key.to_bytes() == vec![22u8; 32]) {
            assert_eq!(update.power.value(), 0, "removed from the set");
            jailed_at = Some(chain.node.height());
            break;
        }
    }
    let jailed_at = jailed_at.expect("jailed for downtime");
    assert_eq!(jailed_at, 11, "judged only after start height + window");
    let v = staking_validator(&chain, 2);
    assert!(v.jailed);
    assert_eq!(v.tokens, (7_000_000 - 70_000).to_string(), "1% of the stake at the infraction");
    let info = signing_info(&chain, 22);
    assert_eq!(info.missed_blocks_counter, 0, "the window is reset");
    assert!(info.jailed_until.expect("until").seconds > 0);
    let _ = b;

    // Too early: refused. Not jailed (the other validator): refused.
    // (Each gentx used its signer's sequence 0.)
    let results = commit_block(&mut chain, vec![unjail(2, 1)], true, false);
    assert_refused(&results[0], "slashing", 4, "still jailed");
    let results = commit_block(&mut chain, vec![unjail(1, 1)], true, false);
    assert_refused(&results[0], "slashing", 5, "not jailed");
    for _ in 0..60 {
        commit_block(&mut chain, vec![], true, false);
    }
    let results = commit_block(&mut chain, vec![unjail(2, 2)], true, false);
    assert_eq!(results[0].code.value(), 0, "{}", results[0].log);
    let updates = &chain.node.last_finalized().expect("block").validator_updates;
    assert!(updates.iter().any(|u| u.pub_key.to_bytes() == vec![22u8; 32] && u.power.value() == 6), "back in the set: {updates:?}");
    assert!(!staking_validator(&chain, 2).jailed);
}

fn double_sign(seed: u8, power: u64, height: u64) -> tendermint::abci::types::Misbehavior {
    tendermint::abci::types::Misbehavior {
        kind: tendermint::abci::types::MisbehaviorKind::DuplicateVote,
        validator: tendermint::abci::types::Validator { address: consensus_address(seed), power: power.try_into().expect("power") },
        height: height.try_into().expect("height"),
        time: agora_app::harness::TestNode::time_at(height),
        total_voting_power: 12u32.into(),
    }
}

#[test]
fn double_signing_slashes_at_the_infraction_tombstones_and_old_evidence_is_ignored() {
    let mut chain = slashing_chain();
    for _ in 0..3 {
        commit_block(&mut chain, vec![], true, true);
    }
    // Evidence older than both 5 blocks and 3 s: ignored.
    let stale = double_sign(22, 7, 1);
    for _ in 0..6 {
        commit_block(&mut chain, vec![], true, true);
    }
    chain.node.make_block_with_commit(vec![], &[], vec![stale]).expect("block");
    assert!(!staking_validator(&chain, 2).jailed, "stale evidence changes nothing");

    // The operator unbonds 500,000 two blocks before the fault and 1,000,000 in its block. As
    // in the SDK, the slash applies from the height before the fault (power changes take
    // effect one block late), so only the second entry answers for it.
    let undelegate = |amount: u128, sequence: u64| {
        let msg = pb::MsgUndelegate { delegator_address: key(1).address().to_bech32(), validator_address: valoper(&key(1)), amount: Some(coin(amount)) };
        signed(&key(1), &msg, 1, sequence)
    };
    let results = commit_block(&mut chain, vec![undelegate(500_000, 1)], true, true);
    assert!(results[0].code.is_ok(), "{}", results[0].log);
    commit_block(&mut chain, vec![], true, true);
    let results = commit_block(&mut chain, vec![undelegate(1_000_000, 2)], true, true);
    assert!(results[0].code.is_ok(), "{}", results[0].log);
    let h = chain.node.height();
    chain.node.make_block_with_commit(vec![], &[], vec![double_sign(21, 5, h)]).expect("block");
    chain.check_invariants();
    // One `slash` event, as the SDK's: the consensus address and the coins burned.
    let events = &chain.node.last_finalized().expect("block").events;
    let slashes: Vec<_> = events.iter().filter(|e| e.kind == "slash").collect();
    assert_eq!(slashes.len(), 1);
    let attr = |key: &str| slashes[0].attributes.iter().find(|a| a.key_str().ok() == Some(key)).and_then(|a| a.value_str().ok()).map(str::to_string);
    assert!(attr("address").is_some_and(|a| a.starts_with("agoravalcons1")));
    assert_eq!(attr("burned_coins").as_deref(), Some("250000uagora"));
    assert_eq!(attr("reason").as_deref(), Some("double_sign"));
    let v = staking_validator(&chain, 1);
    assert!(v.jailed);
    // 5% of the 5,000,000 behind the fault: 50,000 from the entry created at the fault, the
    // rest from the tokens; the entry created before it keeps its whole balance.
    let res: pb::QueryUnbondingDelegationResponse = chain
        .node
        .query_proto(
            "/cosmos.staking.v1beta1.Query/UnbondingDelegation",
            &pb::QueryUnbondingDelegationRequest { delegator_addr: key(1).address().to_bech32(), validator_addr: valoper(&key(1)) },
        )
        .expect("unbonding");
    let balances: Vec<String> = res.unbond.expect("unbonding").entries.iter().map(|e| e.balance.clone()).collect();
    assert_eq!(v.tokens, (3_500_000 - 200_000).to_string(), "5% of the stake behind the fault");
    assert_eq!(balances, ["500000", "950000"]);
    // The slash is on record for the distribution query, under its infraction height.
    use cosmos_sdk_proto::cosmos::distribution::v1beta1 as dpb;
    let slashes = |from: u64, to: u64| -> dpb::QueryValidatorSlashesResponse {
        let req = dpb::QueryValidatorSlashesRequest { validator_address: valoper(&key(1)), starting_height: from, ending_height: to, pagination: None };
        chain.node.query_proto("/cosmos.distribution.v1beta1.Query/ValidatorSlashes", &req).expect("slashes")
    };
    let recorded = slashes(h - 1, h - 1).slashes;
    assert_eq!(recorded.len(), 1);
    assert_eq!((recorded[0].validator_period, recorded[0].fraction.as_str()), (1, "50000000000000000"));
    assert!(slashes(0, h - 2).slashes.is_empty() && slashes(h, 0).slashes.is_empty());
    let info = signing_info(&chain, 21);
    assert!(info.tombstoned);
    assert_eq!(info.jailed_until.expect("until").seconds, 253_402_300_799, "9999-12-31T23:59:59Z");
    // Evidence of the same fault again: already tombstoned, nothing more is burned.
    chain.node.make_block_with_commit(vec![], &[], vec![double_sign(21, 5, h)]).expect("block");
    assert_eq!(staking_validator(&chain, 1).tokens, "3300000");
    // Evidence of a kind nobody knows is not judged (as the SDK's evidence module).
    let mut unknown = double_sign(22, 7, chain.node.height());
    unknown.kind = tendermint::abci::types::MisbehaviorKind::Unknown;
    chain.node.make_block_with_commit(vec![], &[], vec![unknown]).expect("block");
    assert!(!staking_validator(&chain, 2).jailed && !signing_info(&chain, 22).tombstoned);
    // A tombstoned validator never unjails.
    let results = commit_block(&mut chain, vec![unjail(1, 3)], false, true);
    assert_refused(&results[0], "slashing", 4, "tombstoned");
}

// ---- Mint --------------------------------------------------------------------------------

#[test]
fn every_block_mints_its_provision_into_the_fee_collector_and_supply_follows() {
    let mut genesis = agora_app::genesis::new_chain().expect("genesis");
    agora_app::genesis::add_account(&mut genesis, key(1).address(), &coins("1000000000uagora")).expect("add");
    genesis.set_section("genutil", &agora_app::genutil::GenesisState { gen_txs: vec![gentx(&key(1), 21, 500_000_000, 0)] }).expect("set");
    let mut chain = chain_from_genesis(&genesis);
    let supply = |chain: &Chain| -> u128 {
        let res: cosmos_sdk_proto::cosmos::bank::v1beta1::QuerySupplyOfResponse = chain
            .node
            .query_proto("/cosmos.bank.v1beta1.Query/SupplyOf", &cosmos_sdk_proto::cosmos::bank::v1beta1::QuerySupplyOfRequest { denom: "uagora".into() })
            .expect("supply");
        res.amount.expect("coin").amount.parse().expect("amount")
    };
    // The harness reports no votes, so distribution sends everything to the community pool.
    let community = |chain: &Chain| -> agora_types::Dec {
        let res: cosmos_sdk_proto::cosmos::distribution::v1beta1::QueryCommunityPoolResponse = chain
            .node
            .query_proto("/cosmos.distribution.v1beta1.Query/CommunityPool", &cosmos_sdk_proto::cosmos::distribution::v1beta1::QueryCommunityPoolRequest {})
            .expect("pool");
        res.pool.iter().find(|c| c.denom == "uagora").map_or(agora_types::Dec::ZERO, |c| agora_types::Dec::from_atto_str(&c.amount).expect("dec"))
    };
    let incentive_pool = |chain: &Chain| chain.balance(&agora_types::Address::module("incentive"), "uagora");
    let (supply_before, collected_before, incentive_before) = (supply(&chain), community(&chain), incentive_pool(&chain));
    let mut minted = 0u128;
    for _ in 0..5 {
        chain.block(vec![]);
        let events = &chain.node.last_finalized().expect("block").events;
        let mint = events.iter().find(|e| e.kind == "mint").expect("a mint event every block");
        let amount = mint.attributes.iter().find(|a| a.key_str().ok() == Some("amount")).expect("amount");
        minted += amount.value_str().expect("text").parse::<u128>().expect("number");
    }
    assert!(minted > 0);
    assert_eq!(supply(&chain), supply_before + minted, "supply grows by exactly what was minted");
    // Each provision goes through the fee collector: the incentive pool takes its share
    // (10 %), distribution the rest, in the same block.
    let incentive = incentive_pool(&chain) - incentive_before;
    assert!(incentive > 0 && incentive <= minted / 10, "{incentive} of {minted}");
    assert_eq!(
        community(&chain),
        collected_before.checked_add(agora_types::Dec::from_units(minted - incentive)).expect("sum"),
        "all the rest shared out"
    );
    let res: cosmos_sdk_proto::cosmos::mint::v1beta1::QueryInflationResponse = chain
        .node
        .query_proto("/cosmos.mint.v1beta1.Query/Inflation", &cosmos_sdk_proto::cosmos::mint::v1beta1::QueryInflationRequest {})
        .expect("inflation");
    let inflation = agora_types::Dec::from_atto_str(std::str::from_utf8(&res.inflation).expect("utf8")).expect("dec");
    // Half the supply is bonded, below the 67% goal: inflation rises from 13%.
    assert!(inflation > "0.13".parse().expect("dec"), "{inflation}");
}

// ---- Distribution ------------------------------------------------------------------------

fn dec_of(coins: &[cosmos_sdk_proto::cosmos::base::v1beta1::DecCoin], denom: &str) -> agora_types::Dec {
    coins.iter().find(|c| c.denom == denom).map_or(agora_types::Dec::ZERO, |c| agora_types::Dec::from_atto_str(&c.amount).expect("dec"))
}

#[test]
fn fees_reach_signers_and_delegators_and_withdrawals_match_the_queries_to_the_unit() {
    use cosmos_sdk_proto::cosmos::distribution::v1beta1 as dpb;
    let mut chain = slashing_chain();
    // A validator that does not exist has no rewards to show (`distribution` 12).
    let missing = chain.node.query(
        "/cosmos.distribution.v1beta1.Query/ValidatorCommission",
        prost::Message::encode_to_vec(&dpb::QueryValidatorCommissionRequest { validator_address: valoper(&key(9)) }),
        0,
        false,
    );
    let missing = missing.expect("query");
    assert_eq!((missing.codespace.as_str(), missing.code.value()), ("distribution", 12), "{}", missing.log);
    // The operator of A (power 5) also delegates to B (power 7).
    let delegate = pb::MsgDelegate { delegator_address: key(1).address().to_bech32(), validator_address: valoper(&key(2)), amount: Some(coin(1_000_000)) };
    let results = commit_block(&mut chain, vec![signed(&key(1), &delegate, 1, 1)], true, true);
    assert_eq!(results[0].code.value(), 0, "{}", results[0].log);
    // Fee-paying blocks signed by both, then an empty block that allocates the last fees.
    for seq in 2..6 {
        commit_block(&mut chain, vec![send_tx(&key(1), &key(2).address(), "1uagora", 1, seq)], true, true);
    }
    commit_block(&mut chain, vec![], true, true);

    let query = |chain: &Chain, method: &str, req: &dyn Fn() -> Vec<u8>| -> Vec<u8> {
        chain.node.query(&format!("/cosmos.distribution.v1beta1.Query/{method}"), req(), 0, false).expect(method).value.to_vec()
    };
    let rewards = dpb::QueryDelegationRewardsResponse::decode(
        query(&chain, "DelegationRewards", &|| dpb::QueryDelegationRewardsRequest { delegator_address: key(1).address().to_bech32(), validator_address: valoper(&key(2)) }.encode_to_vec())
            .as_slice(),
    )
    .expect("decode");
    let owed = dec_of(&rewards.rewards, "uagora");
    assert!(owed > agora_types::Dec::ZERO, "the delegation earned part of B's share");
    let total = dpb::QueryDelegationTotalRewardsResponse::decode(
        query(&chain, "DelegationTotalRewards", &|| dpb::QueryDelegationTotalRewardsRequest { delegator_address: key(1).address().to_bech32() }.encode_to_vec()).as_slice(),
    )
    .expect("decode");
    assert_eq!(total.rewards.len(), 2, "its self-delegation to A and its delegation to B");

    let before = chain.balance(&key(1).address(), "uagora");
    let withdraw = dpb::MsgWithdrawDelegatorReward { delegator_address: key(1).address().to_bech32(), validator_address: valoper(&key(2)) };
    let results = commit_block(&mut chain, vec![signed(&key(1), &withdraw, 1, 6)], true, true);
    assert_eq!(results[0].code.value(), 0, "{}", results[0].log);
    assert!(results[0].events.iter().any(|e| e.kind == "withdraw_rewards"));
    assert_eq!(chain.balance(&key(1).address(), "uagora"), before - 5_000 + owed.floor().expect("units"), "paid to the unit");

    // Commission: B's operator withdraws what the query shows, in whole units.
    let commission = dpb::QueryValidatorCommissionResponse::decode(
        query(&chain, "ValidatorCommission", &|| dpb::QueryValidatorCommissionRequest { validator_address: valoper(&key(2)) }.encode_to_vec()).as_slice(),
    )
    .expect("decode");
    let commission = dec_of(&commission.commission.expect("commission").commission, "uagora");
    assert!(commission > agora_types::Dec::ZERO);
    let before = chain.balance(&key(2).address(), "uagora");
    let take = dpb::MsgWithdrawValidatorCommission { validator_address: valoper(&key(2)) };
    // Its block allocates the last block's withdrawal fee first: the commission grows by that
    // block's share, so compare with the record after the block.
    let results = commit_block(&mut chain, vec![signed(&key(2), &take, 2, 1)], true, true);
    assert_eq!(results[0].code.value(), 0, "{}", results[0].log);
    let paid = chain.balance(&key(2).address(), "uagora") + 5_000 - before;
    assert!(paid >= commission.floor().expect("units"), "at least what was queried before the block");

    // Refusals.
    let nobody = dpb::MsgWithdrawDelegatorReward { delegator_address: key(2).address().to_bech32(), validator_address: valoper(&key(1)) };
    let results = commit_block(&mut chain, vec![signed(&key(2), &nobody, 2, 2)], true, true);
    assert_refused(&results[0], "distribution", 5, "no delegation distribution info");
    let blocked = dpb::MsgSetWithdrawAddress { delegator_address: key(1).address().to_bech32(), withdraw_address: agora_types::Address::module("bonded_tokens_pool").to_bech32() };
    let results = commit_block(&mut chain, vec![signed(&key(1), &blocked, 1, 7)], true, true);
    assert_refused(&results[0], "sdk", 4, "not allowed to receive");
    let pool = dpb::QueryCommunityPoolResponse::decode(query(&chain, "CommunityPool", &|| dpb::QueryCommunityPoolRequest {}.encode_to_vec()).as_slice()).expect("decode");
    assert!(dec_of(&pool.pool, "uagora") > agora_types::Dec::ZERO, "the community tax");
}

// ---- Review regressions ------------------------------------------------------------------

#[test]
fn a_validator_emptied_in_its_first_block_is_deleted_cleanly_and_the_set_goes_on() {
    let mut s = Staking::new();
    let (k0, k1) = (s.keys[0].clone(), s.keys[1].clone());
    // Created and fully undelegated in one block: deleted while unbonded, index entry and all.
    let create = s.tx(0, &create_validator(&k0, 11, 1_000_000));
    let undelegate = s.tx(0, &pb::MsgUndelegate { delegator_address: k0.address().to_bech32(), validator_address: valoper(&k0), amount: Some(coin(1_000_000)) });
    let results = s.block(vec![create, undelegate]);
    assert!(results.iter().all(|r| r.code.value() == 0), "{results:?}");
    let res: pb::QueryValidatorsResponse = s.query("Validators", &pb::QueryValidatorsRequest { status: String::new(), pagination: None });
    assert!(res.validators.is_empty(), "deleted");
    // The set still updates: a new validator is bonded and CometBFT told.
    s.ok(1, &create_validator(&k1, 12, 3_000_000));
    assert_eq!(s.updates(), vec![(vec![12u8; 32], 3)]);
    // Its unbonding still pays out.
    s.empty_blocks(UNBONDING_SECS + 1);
    assert_eq!(s.pool(), (3_000_000, 0));
}

#[test]
fn a_validator_jailed_before_it_was_ever_bonded_unjails_once_it_meets_its_minimum() {
    let mut s = Staking::new();
    let (k0, k1, k2) = (s.keys[0].clone(), s.keys[1].clone(), s.keys[2].clone());
    s.ok(0, &create_validator(&k0, 11, 5_000_000));
    s.ok(1, &create_validator(&k1, 12, 6_000_000));
    // The third waits unbonded (two seats), then falls below its minimum: jailed, never bonded.
    let mut third = create_validator(&k2, 13, 2_000_000);
    third.min_self_delegation = "2000000".into();
    s.ok(2, &third);
    s.ok(2, &pb::MsgUndelegate { delegator_address: k2.address().to_bech32(), validator_address: valoper(&k2), amount: Some(coin(1)) });
    assert!(s.validator(2).jailed);
    let unjail = cosmos_sdk_proto::cosmos::slashing::v1beta1::MsgUnjail { validator_addr: valoper(&k2) };
    s.refused(2, &unjail, "slashing", 7, "less than minimum");
    s.ok(2, &pb::MsgDelegate { delegator_address: k2.address().to_bech32(), validator_address: valoper(&k2), amount: Some(coin(10)) });
    s.ok(2, &unjail);
    assert!(!s.validator(2).jailed);
}
