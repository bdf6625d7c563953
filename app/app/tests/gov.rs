//! Governance through the real application: proposals carrying messages, deposits, votes
//! with validator inheritance, the tally's exact arithmetic, execution as the governance
//! account (all or nothing), and every refusal with its codespace and code. Invariants
//! (supply, pools, the governance account equal to the open deposits) after every block.

mod common;

use agora_tx::{to_any, TxBuilder};
use common::*;
use cosmos_sdk_proto::cosmos::distribution::v1beta1 as dpb;
use cosmos_sdk_proto::cosmos::gov::v1 as pb;
use cosmos_sdk_proto::cosmos::staking::v1beta1 as spb;
use cosmos_sdk_proto::Any;
use tendermint::abci::types::ExecTxResult;

const YES: i32 = 1;
const ABSTAIN: i32 = 2;
const NO: i32 = 3;
const VETO: i32 = 4;
/// Deposit and voting periods of these chains, in seconds (blocks are 1 s apart).
const PERIOD: u64 = 10;
const MIN_DEPOSIT: u128 = 10_000_000;

fn gov_address() -> agora_types::Address {
    agora_types::Address::module("gov")
}

/// Validators 1 (5,000,000 staked) and 2 (7,000,000) from gentxs; accounts 1..=4 funded.
struct Gov {
    chain: Chain,
}

impl Gov {
    fn new(tune: impl FnOnce(&mut agora_gov::Params)) -> Self {
        Self::with_genesis(|gov| tune(&mut gov.params))
    }

    fn with_genesis(tune: impl FnOnce(&mut agora_gov::GenesisState)) -> Self {
        let mut genesis = genesis_with_gentxs_funding(vec![gentx(&key(1), 21, 5_000_000, 0), gentx(&key(2), 22, 7_000_000, 0)], &[1, 2, 3, 4]);
        let mut gov: agora_gov::GenesisState = genesis.section("gov").expect("gov");
        gov.params.max_deposit_period = PERIOD;
        gov.params.voting_period = PERIOD;
        gov.params.expedited_voting_period = PERIOD / 2;
        tune(&mut gov);
        genesis.set_section("gov", &gov).expect("set");
        let chain = chain_from_genesis(&genesis);
        chain.check_invariants();
        Self { chain }
    }

    fn tx_any(&mut self, seed: u8, msg: Any) -> Vec<u8> {
        let k = key(seed);
        let account = self.chain.account(&k.address()).expect("account");
        TxBuilder::new().any_message(msg).fee(coins(FEE)).gas_limit(1_000_000).sign(&k, CHAIN_ID, account.account_number, account.sequence)
    }

    /// Finalizes the transaction even if `CheckTx` would refuse it (a proposer may include
    /// anything), so refusals are seen as `FinalizeBlock` reports them.
    fn send(&mut self, seed: u8, msg: Any) -> ExecTxResult {
        let tx = self.tx_any(seed, msg);
        self.chain.raw_block(vec![tx]).remove(0)
    }

    fn ok(&mut self, seed: u8, msg: Any) -> ExecTxResult {
        let result = self.send(seed, msg);
        assert!(result.code.is_ok(), "{}", result.log);
        result
    }

    fn submit_msg(seed: u8, messages: Vec<Any>, deposit: u128, expedited: bool) -> Any {
        to_any(&pb::MsgSubmitProposal {
            messages,
            initial_deposit: if deposit == 0 { vec![] } else { vec![pb_coin("uagora", &deposit.to_string())] },
            proposer: key(seed).address().to_bech32(),
            metadata: String::new(),
            title: "Lower the community tax".into(),
            summary: "Half of it".into(),
            expedited,
        })
    }

    /// Submits; returns the new proposal's id.
    fn submit(&mut self, seed: u8, messages: Vec<Any>, deposit: u128, expedited: bool) -> u64 {
        let result = self.ok(seed, Self::submit_msg(seed, messages, deposit, expedited));
        let event = result.events.iter().find(|e| e.kind == "submit_proposal").expect("event");
        let id = event.attributes.iter().find(|a| a.key_str().ok() == Some("proposal_id")).and_then(|a| a.value_str().ok()).expect("id");
        id.parse().expect("id")
    }

    fn vote(&mut self, seed: u8, id: u64, option: i32) {
        let msg = pb::MsgVote { proposal_id: id, voter: key(seed).address().to_bech32(), option, metadata: String::new() };
        self.ok(seed, to_any(&msg));
    }

    fn proposal(&self, id: u64) -> Option<pb::Proposal> {
        let res: Result<pb::QueryProposalResponse, _> = self.chain.node.query_proto("/cosmos.gov.v1.Query/Proposal", &pb::QueryProposalRequest { proposal_id: id });
        res.ok().and_then(|r| r.proposal)
    }

    fn tally(&self, id: u64) -> pb::TallyResult {
        let res: pb::QueryTallyResultResponse = self.chain.node.query_proto("/cosmos.gov.v1.Query/TallyResult", &pb::QueryTallyResultRequest { proposal_id: id }).expect("tally");
        res.tally.expect("tally")
    }

    fn blocks(&mut self, n: u64) {
        for _ in 0..n {
            self.chain.block(vec![]);
        }
    }

    /// Makes blocks until proposal `id`'s vote ends (within the voting period); returns the
    /// events of the block that decided it.
    fn until_decided(&mut self, id: u64) -> Vec<tendermint::abci::Event> {
        for _ in 0..=PERIOD {
            self.chain.block(vec![]);
            if self.proposal(id).is_none_or(|p| p.status != pb::ProposalStatus::VotingPeriod as i32) {
                return self.chain.node.last_finalized().expect("block").events.clone();
            }
        }
        panic!("proposal {id} still voting after the voting period")
    }

    fn community_tax(&self) -> String {
        let res: dpb::QueryParamsResponse = self.chain.node.query_proto("/cosmos.distribution.v1beta1.Query/Params", &dpb::QueryParamsRequest {}).expect("params");
        res.params.expect("params").community_tax
    }

    fn delegate(&mut self, seed: u8, validator: u8, amount: u128) {
        let msg = spb::MsgDelegate { delegator_address: key(seed).address().to_bech32(), validator_address: valoper(&key(validator)), amount: Some(pb_coin("uagora", &amount.to_string())) };
        self.ok(seed, to_any(&msg));
    }
}

#[allow(deprecated)]
fn community_tax_update(tax: &str) -> Any {
    let params = dpb::Params { community_tax: tax.into(), base_proposer_reward: "0".into(), bonus_proposer_reward: "0".into(), withdraw_addr_enabled: true };
    #[allow(deprecated)]
    let msg = dpb::MsgUpdateParams { authority: gov_address().to_bech32(), params: Some(params) };
    to_any(&msg)
}

#[test]
fn a_parameter_change_passes_by_validator_votes_and_applies_and_the_deposit_returns() {
    let mut g = Gov::new(|_| {});
    let before = g.chain.balance(&key(3).address(), "uagora");
    let id = g.submit(3, vec![community_tax_update("10000000000000000")], MIN_DEPOSIT, false);
    assert_eq!(id, 1);
    let p = g.proposal(id).expect("proposal");
    assert_eq!(p.status, pb::ProposalStatus::VotingPeriod as i32, "the full deposit starts the vote at once");
    assert_eq!(g.chain.balance(&gov_address(), "uagora"), MIN_DEPOSIT);
    g.vote(1, id, YES);
    g.vote(2, id, YES);
    assert_eq!(g.tally(id).yes_count, "12000000", "the live tally while the vote runs");
    let events = g.until_decided(id);
    let passed = events.iter().find(|e| e.kind == "active_proposal").expect("active_proposal event");
    let attr = |key: &str| passed.attributes.iter().find(|a| a.key_str().ok() == Some(key)).and_then(|a| a.value_str().ok()).map(str::to_string);
    assert_eq!((attr("proposal_id").as_deref(), attr("proposal_result").as_deref()), (Some("1"), Some("proposal_passed")));
    let p = g.proposal(id).expect("proposal");
    assert_eq!(p.status, pb::ProposalStatus::Passed as i32, "{}", p.failed_reason);
    assert_eq!(p.final_tally_result.expect("tally"), pb::TallyResult { yes_count: "12000000".into(), abstain_count: "0".into(), no_count: "0".into(), no_with_veto_count: "0".into() });
    assert_eq!(g.community_tax(), "10000000000000000", "the new value governs");
    // The legacy v1beta1 service shows it too, its one message as the content.
    use cosmos_sdk_proto::cosmos::gov::v1beta1 as legacy;
    let res: legacy::QueryProposalResponse =
        g.chain.node.query_proto("/cosmos.gov.v1beta1.Query/Proposal", &legacy::QueryProposalRequest { proposal_id: id }).expect("v1beta1 proposal");
    let old = res.proposal.expect("proposal");
    assert_eq!((old.proposal_id, old.status), (id, pb::ProposalStatus::Passed as i32));
    assert_eq!(old.content.expect("content").type_url, "/cosmos.distribution.v1beta1.MsgUpdateParams");
    assert_eq!(old.final_tally_result.expect("tally").yes, "12000000");
    let res: legacy::QueryParamsResponse =
        g.chain.node.query_proto("/cosmos.gov.v1beta1.Query/Params", &legacy::QueryParamsRequest { params_type: "tallying".into() }).expect("params");
    assert_eq!(res.tally_params.expect("tally").quorum, b"334000000000000000", "LegacyDec's wire form");
    assert_eq!(g.chain.balance(&key(3).address(), "uagora"), before - 5_000, "the deposit came back; only the fee was paid");
    assert_eq!(g.chain.balance(&gov_address(), "uagora"), 0);
}

#[test]
fn delegators_override_their_validators_vote_for_their_own_shares_and_others_inherit() {
    let mut g = Gov::new(|_| {});
    g.delegate(3, 1, 3_000_000);
    g.delegate(4, 2, 1_000_000);
    let id = g.submit(3, vec![community_tax_update("10000000000000000")], MIN_DEPOSIT, false);
    // Validator 1 (5M own + 3M of account 3) votes yes; account 3 overrides with no.
    // Validator 2 (7M own + 1M of account 4) abstains; account 4 inherits the abstention.
    g.vote(1, id, YES);
    g.vote(3, id, NO);
    g.vote(2, id, ABSTAIN);
    let tally = g.tally(id);
    assert_eq!((tally.yes_count.as_str(), tally.no_count.as_str(), tally.abstain_count.as_str()), ("5000000", "3000000", "8000000"));
    g.blocks(PERIOD);
    // Quorum 16M of 16M; yes 5M of the 8M that did not abstain: 0.625 > 0.5.
    assert_eq!(g.proposal(id).expect("p").status, pb::ProposalStatus::Passed as i32);
    // Votes are removed once counted; the final tally stays on the proposal.
    let res: pb::QueryVotesResponse = g.chain.node.query_proto("/cosmos.gov.v1.Query/Votes", &pb::QueryVotesRequest { proposal_id: id, pagination: None }).expect("votes");
    assert!(res.votes.is_empty());
}

/// Validator 1 alone votes: 5M of 12M bonded, 0.416666666666666666 in 18 decimals.
fn quorum_case(quorum: &str) -> i32 {
    let mut g = Gov::new(|p| p.quorum = quorum.parse().expect("dec"));
    let id = g.submit(3, vec![community_tax_update("10000000000000000")], MIN_DEPOSIT, false);
    g.vote(1, id, YES);
    g.blocks(PERIOD);
    g.proposal(id).expect("p").status
}

#[test]
fn quorum_is_met_at_exactly_the_share_that_voted_and_missed_just_above_it() {
    assert_eq!(quorum_case("0.416666666666666666"), pb::ProposalStatus::Passed as i32);
    assert_eq!(quorum_case("0.416666666666666667"), pb::ProposalStatus::Rejected as i32);
}

#[test]
fn a_veto_above_its_threshold_rejects_and_burns_the_deposits() {
    let mut g = Gov::new(|_| {});
    let supply_before = g.chain.balance(&gov_address(), "uagora");
    assert_eq!(supply_before, 0);
    let id = g.submit(3, vec![community_tax_update("10000000000000000")], MIN_DEPOSIT, false);
    g.vote(1, id, YES);
    g.vote(2, id, VETO);
    g.blocks(PERIOD);
    let p = g.proposal(id).expect("p");
    assert_eq!(p.status, pb::ProposalStatus::Rejected as i32);
    assert_eq!(p.failed_reason, "proposal did not get enough votes to pass");
    assert_eq!(g.chain.balance(&gov_address(), "uagora"), 0, "burned, not refunded");
    assert_eq!(g.community_tax(), "20000000000000000", "nothing applied");
}

#[test]
fn an_expedited_proposal_that_misses_its_threshold_is_voted_again_as_a_regular_one() {
    let mut g = Gov::new(|_| {});
    let id = g.submit(3, vec![community_tax_update("10000000000000000")], 50_000_000, true);
    // 7M yes of 12M: 0.583, below the expedited 0.667 but above the regular 0.5.
    g.vote(2, id, YES);
    g.vote(1, id, NO);
    g.blocks(PERIOD / 2);
    let p = g.proposal(id).expect("p");
    assert_eq!(p.status, pb::ProposalStatus::VotingPeriod as i32, "converted, still voting");
    assert!(!p.expedited);
    assert_eq!(g.chain.balance(&gov_address(), "uagora"), 50_000_000, "the deposit stays");
    // The votes were counted and removed: voters vote again.
    g.vote(2, id, YES);
    g.blocks(PERIOD / 2);
    let p = g.proposal(id).expect("p");
    assert_eq!(p.status, pb::ProposalStatus::Passed as i32, "{}", p.failed_reason);
    assert_eq!(g.community_tax(), "10000000000000000");
}

#[test]
fn a_passed_proposal_whose_second_message_fails_is_failed_and_its_first_message_undone() {
    let mut g = Gov::new(|_| {});
    let fund = dpb::MsgFundCommunityPool { amount: vec![pb_coin("uagora", "1000")], depositor: key(4).address().to_bech32() };
    g.ok(4, to_any(&fund));
    let recipient = key(9).address();
    #[allow(deprecated)]
    let spend = |amount: &str| {
        to_any(&dpb::MsgCommunityPoolSpend { authority: gov_address().to_bech32(), recipient: recipient.to_bech32(), amount: vec![pb_coin("uagora", amount)] })
    };
    let id = g.submit(3, vec![spend("600"), spend("1000000000000")], MIN_DEPOSIT, false);
    // Two messages cannot be shown as one v1beta1 content: refused as the SDK refuses it.
    let legacy = g.chain.node.query(
        "/cosmos.gov.v1beta1.Query/Proposal",
        prost::Message::encode_to_vec(&cosmos_sdk_proto::cosmos::gov::v1beta1::QueryProposalRequest { proposal_id: id }),
        0,
        false,
    );
    let legacy = legacy.expect("query");
    assert_eq!((legacy.codespace.as_str(), legacy.code.value()), ("sdk", 29), "{}", legacy.log);
    g.vote(1, id, YES);
    g.vote(2, id, YES);
    let events = g.until_decided(id);
    let p = g.proposal(id).expect("p");
    assert_eq!(p.status, pb::ProposalStatus::Failed as i32);
    assert!(p.failed_reason.contains("insufficient"), "{}", p.failed_reason);
    assert_eq!(g.chain.balance(&recipient, "uagora"), 0, "the first spend was undone");
    assert!(events.iter().any(|e| e.kind == "active_proposal"
        && e.attributes.iter().any(|a| a.value_str().ok() == Some("proposal_failed"))));
}

#[test]
fn a_proposal_short_of_its_deposit_is_dropped_and_refunded_and_can_no_longer_be_deposited_to() {
    let mut g = Gov::new(|_| {});
    let before = g.chain.balance(&key(3).address(), "uagora");
    let id = g.submit(3, vec![community_tax_update("10000000000000000")], 1_000_000, false);
    assert_eq!(g.proposal(id).expect("p").status, pb::ProposalStatus::DepositPeriod as i32);
    // A vote in the deposit period: inactive.
    let vote = pb::MsgVote { proposal_id: id, voter: key(1).address().to_bech32(), option: YES, metadata: String::new() };
    assert_refused(&g.send(1, to_any(&vote)), "gov", 3, "inactive proposal");
    g.blocks(PERIOD);
    assert!(g.proposal(id).is_none(), "dropped");
    assert_eq!(g.chain.balance(&key(3).address(), "uagora"), before - 5_000, "refunded; only the fee was paid");
    let deposit = pb::MsgDeposit { proposal_id: id, depositor: key(4).address().to_bech32(), amount: vec![pb_coin("uagora", "10000000")] };
    assert_refused(&g.send(4, to_any(&deposit)), "sdk", 38, "doesn't exist");
}

#[test]
fn deposits_from_several_accounts_start_the_vote_and_cancel_charges_half() {
    let mut g = Gov::new(|_| {});
    let id = g.submit(3, vec![community_tax_update("10000000000000000")], 4_000_000, false);
    let deposit = pb::MsgDeposit { proposal_id: id, depositor: key(4).address().to_bech32(), amount: vec![pb_coin("uagora", "6000000")] };
    let result = g.ok(4, to_any(&deposit));
    assert!(result.events.iter().any(|e| e.kind == "proposal_deposit" && e.attributes.iter().any(|a| a.key_str().ok() == Some("voting_period_start"))));
    assert_eq!(g.proposal(id).expect("p").status, pb::ProposalStatus::VotingPeriod as i32);
    // Only the proposer may cancel.
    let cancel = |seed: u8| to_any(&pb::MsgCancelProposal { proposal_id: id, proposer: key(seed).address().to_bech32() });
    assert_refused(&g.send(4, cancel(4)), "gov", 18, "invalid proposer");
    let (b3, b4) = (g.chain.balance(&key(3).address(), "uagora"), g.chain.balance(&key(4).address(), "uagora"));
    g.ok(3, cancel(3));
    assert!(g.proposal(id).is_none());
    // Half of each deposit is burned, half refunded.
    assert_eq!(g.chain.balance(&key(3).address(), "uagora"), b3 - 5_000 + 2_000_000);
    assert_eq!(g.chain.balance(&key(4).address(), "uagora"), b4 + 3_000_000);
    assert_eq!(g.chain.balance(&gov_address(), "uagora"), 0);
}

#[test]
fn refusals_carry_the_sdk_codes_and_change_nothing_but_the_fee() {
    let mut g = Gov::new(|_| {});
    // A message whose signer is not the governance account.
    let send = to_any(&msg_send(&key(3).address(), &key(4).address(), vec![pb_coin("uagora", "1")]));
    assert_refused(&g.send(3, Gov::submit_msg(3, vec![send], MIN_DEPOSIT, false)), "gov", 13, "expected gov account");
    // Governance taking part in governance as itself (it would move or count depositors' coins).
    let gov_deposit = to_any(&pb::MsgDeposit { proposal_id: 1, depositor: gov_address().to_bech32(), amount: vec![pb_coin("uagora", "1")] });
    assert_refused(&g.send(3, Gov::submit_msg(3, vec![gov_deposit], MIN_DEPOSIT, false)), "gov", 12, "cannot take part");
    // A type no module routes.
    let unknown = Any { type_url: "/agora.nothing.v1.MsgNothing".into(), value: vec![] };
    assert_refused(&g.send(3, Gov::submit_msg(3, vec![unknown], MIN_DEPOSIT, false)), "gov", 10, "not recognized");
    // An invalid parameter value: refused when proposed.
    assert_refused(&g.send(3, Gov::submit_msg(3, vec![community_tax_update("2000000000000000000")], MIN_DEPOSIT, false)), "gov", 12, "community_tax");
    // No messages and no metadata.
    assert_refused(&g.send(3, Gov::submit_msg(3, vec![], MIN_DEPOSIT, false)), "gov", 11, "no messages proposed");
    // An initial deposit below 1% of the minimum, and one in another denom.
    assert_refused(&g.send(3, Gov::submit_msg(3, vec![community_tax_update("0")], 99_999, false)), "gov", 16, "at least one of");
    let mut other = Gov::submit_msg(3, vec![community_tax_update("0")], 0, false);
    let mut m: pb::MsgSubmitProposal = prost::Message::decode(other.value.as_slice()).expect("decode");
    m.initial_deposit = vec![pb_coin("ufoo", "100")];
    other.value = prost::Message::encode_to_vec(&m);
    assert_refused(&g.send(3, other), "gov", 23, "accepts only");
    let id = g.submit(3, vec![community_tax_update("0")], MIN_DEPOSIT, false);
    // Bad votes: an unknown option, weights not adding to one.
    let vote = pb::MsgVote { proposal_id: id, voter: key(1).address().to_bech32(), option: 0, metadata: String::new() };
    assert_refused(&g.send(1, to_any(&vote)), "gov", 7, "VOTE_OPTION_UNSPECIFIED");
    let weighted = pb::MsgVoteWeighted {
        proposal_id: id,
        voter: key(1).address().to_bech32(),
        options: vec![pb::WeightedVoteOption { option: YES, weight: "0.5".into() }, pb::WeightedVoteOption { option: NO, weight: "0.4".into() }],
        metadata: String::new(),
    };
    assert_refused(&g.send(1, to_any(&weighted)), "gov", 7, "lower than 1.00");
    // A vote on a proposal that does not exist.
    let vote = pb::MsgVote { proposal_id: 99, voter: key(1).address().to_bech32(), option: YES, metadata: String::new() };
    assert_refused(&g.send(1, to_any(&vote)), "gov", 3, "inactive");
    // Parameters from anyone but the authority.
    let params = agora_gov::Params::default().to_proto();
    let update = agora_gov::proto::MsgUpdateParams { authority: key(3).address().to_bech32(), params: Some(params) };
    assert_refused(&g.send(3, to_any(&update)), "gov", 13, "invalid authority");
}

#[test]
fn a_weighted_vote_splits_the_voters_power() {
    let mut g = Gov::new(|_| {});
    let id = g.submit(3, vec![community_tax_update("10000000000000000")], MIN_DEPOSIT, false);
    let weighted = pb::MsgVoteWeighted {
        proposal_id: id,
        voter: key(2).address().to_bech32(),
        options: vec![pb::WeightedVoteOption { option: YES, weight: "0.7".into() }, pb::WeightedVoteOption { option: NO, weight: "0.3".into() }],
        metadata: String::new(),
    };
    g.ok(2, to_any(&weighted));
    let tally = g.tally(id);
    assert_eq!((tally.yes_count.as_str(), tally.no_count.as_str()), ("4900000", "2100000"));
    // v1beta1 shows the weights as LegacyDec travels (atto); its tally is v1's.
    use cosmos_sdk_proto::cosmos::gov::v1beta1 as legacy;
    let res: legacy::QueryVoteResponse = g
        .chain
        .node
        .query_proto("/cosmos.gov.v1beta1.Query/Vote", &legacy::QueryVoteRequest { proposal_id: id, voter: key(2).address().to_bech32() })
        .expect("vote");
    let weights: Vec<String> = res.vote.expect("vote").options.into_iter().map(|o| o.weight).collect();
    assert_eq!(weights, ["700000000000000000", "300000000000000000"]);
    let res: legacy::QueryTallyResultResponse =
        g.chain.node.query_proto("/cosmos.gov.v1beta1.Query/TallyResult", &legacy::QueryTallyResultRequest { proposal_id: id }).expect("tally");
    assert_eq!(res.tally.expect("tally").yes, "4900000");
}

#[test]
fn a_text_proposal_in_v1beta1_form_passes_by_v1beta1_votes_and_shows_as_its_content() {
    use cosmos_sdk_proto::cosmos::gov::v1beta1 as legacy;
    let mut g = Gov::new(|_| {});
    let text = to_any(&legacy::TextProposal { title: "Adopt the roadmap".into(), description: "Phase one: GPU classes".into() });
    let submit = |content: Any, deposit: &str| {
        to_any(&legacy::MsgSubmitProposal { content: Some(content), initial_deposit: vec![pb_coin("uagora", deposit)], proposer: key(3).address().to_bech32() })
    };
    // A content type nothing handles is refused (`gov` 9), as is a blank title.
    let other = Any { type_url: "/cosmos.params.v1beta1.ParameterChangeProposal".into(), value: vec![] };
    assert_refused(&g.send(3, submit(other, "10000000")), "gov", 9, "no handler exists");
    let blank = to_any(&legacy::TextProposal { title: " ".into(), description: "x".into() });
    assert_refused(&g.send(3, submit(blank, "10000000")), "gov", 5, "title cannot be blank");

    let result = g.ok(3, submit(text.clone(), "10000000"));
    assert!(result.events.iter().any(|e| e.kind == "submit_proposal"));
    let id = 1;
    let p = g.proposal(id).expect("proposal");
    assert_eq!((p.title.as_str(), p.summary.as_str()), ("Adopt the roadmap", "Phase one: GPU classes"));
    assert_eq!(p.messages[0].type_url, "/cosmos.gov.v1.MsgExecLegacyContent");
    for seed in [1, 2] {
        let vote = legacy::MsgVote { proposal_id: id, voter: key(seed).address().to_bech32(), option: YES };
        g.ok(seed, to_any(&vote));
    }
    // A v1beta1 weighted vote carries its weights in LegacyDec's wire form.
    let weighted = legacy::MsgVoteWeighted {
        proposal_id: id,
        voter: key(2).address().to_bech32(),
        options: vec![
            legacy::WeightedVoteOption { option: YES, weight: "600000000000000000".into() },
            legacy::WeightedVoteOption { option: NO, weight: "400000000000000000".into() },
        ],
    };
    g.ok(2, to_any(&weighted));
    let tally = g.tally(id);
    assert_eq!((tally.yes_count.as_str(), tally.no_count.as_str()), ("9200000", "2800000"));
    g.until_decided(id);
    assert_eq!(g.proposal(id).expect("p").status, pb::ProposalStatus::Passed as i32);
    let res: legacy::QueryProposalResponse =
        g.chain.node.query_proto("/cosmos.gov.v1beta1.Query/Proposal", &legacy::QueryProposalRequest { proposal_id: id }).expect("v1beta1");
    assert_eq!(res.proposal.expect("proposal").content, Some(text));
}

#[test]
fn a_passed_proposal_cannot_spend_the_deposits_the_governance_account_holds() {
    let mut g = Gov::new(|_| {});
    let recipient = key(9).address();
    let send = to_any(&msg_send(&gov_address(), &recipient, vec![pb_coin("uagora", "1000000")]));
    let id = g.submit(3, vec![send], MIN_DEPOSIT, false);
    g.vote(1, id, YES);
    g.vote(2, id, YES);
    // Another proposal waits for deposits meanwhile: the governance account holds its 1,000,000.
    let waiting = g.submit(4, vec![community_tax_update("0")], 1_000_000, false);
    g.until_decided(id);
    let p = g.proposal(id).expect("p");
    assert_eq!(p.status, pb::ProposalStatus::Failed as i32);
    assert!(p.failed_reason.contains("may not move the governance account's coins"), "{}", p.failed_reason);
    assert_eq!(g.chain.balance(&recipient, "uagora"), 0);
    assert_eq!(g.chain.balance(&gov_address(), "uagora"), 1_000_000, "proposal {waiting}'s deposit is intact");
}

// ---- Milestone grants ------------------------------------------------------------------------

fn grant_query(g: &Gov, id: u64) -> agora_proto::gov::v1::Grant {
    let res: agora_proto::gov::v1::QueryGrantResponse =
        g.chain.node.query_proto("/agora.gov.v1.Query/Grant", &agora_proto::gov::v1::QueryGrantRequest { grant_id: id }).expect("grant");
    res.grant.expect("grant")
}

fn release(grant_id: u64, tranche: u32) -> Any {
    to_any(&agora_proto::gov::v1::MsgReleaseTranche { authority: gov_address().to_bech32(), grant_id, tranche })
}

/// A chain whose release votes last 4 s with a 30% quorum (regular votes: 50%), a community
/// pool of 3,000, and a
/// grant to account 9 of three 1,000 tranches (20 s to each deadline), made by proposal 1.
fn granted() -> (Gov, u64) {
    let mut g = Gov::with_genesis(|gov| {
        gov.grant_params.release_voting_period_seconds = 4;
        gov.grant_params.release_quorum = "0.3".into();
        gov.params.quorum = "0.5".parse().expect("dec");
    });
    let fund = cosmos_sdk_proto::cosmos::distribution::v1beta1::MsgFundCommunityPool { amount: vec![pb_coin("uagora", "3000")], depositor: key(4).address().to_bech32() };
    g.ok(4, to_any(&fund));
    let tranche = |milestone: &str| agora_proto::gov::v1::Tranche { amount: vec![pb_coin("uagora", "1000")], milestone: milestone.into(), deadline_seconds: 20 };
    let create = agora_proto::gov::v1::MsgCreateGrant {
        authority: gov_address().to_bech32(),
        recipient: key(9).address().to_bech32(),
        title: "GPU-class dashboard".into(),
        tranches: vec![tranche("design"), tranche("prototype"), tranche("launch")],
    };
    let id = g.submit(3, vec![to_any(&create)], MIN_DEPOSIT, false);
    g.vote(1, id, YES);
    g.vote(2, id, YES);
    g.until_decided(id);
    assert_eq!(g.proposal(id).expect("p").status, pb::ProposalStatus::Passed as i32, "{}", g.proposal(id).expect("p").failed_reason);
    (g, 1)
}

/// The recipient (account 9, funded by a send) asks for `tranche`'s release.
fn ask_release(g: &mut Gov, grant_id: u64, tranche: u32) -> u64 {
    if g.chain.account(&key(9).address()).is_none_or(|a| g.chain.balance(&a.address, "uagora") < 20_000_000) {
        g.ok(4, to_any(&msg_send(&key(4).address(), &key(9).address(), vec![pb_coin("uagora", "20000000")])));
    }
    g.submit(9, vec![release(grant_id, tranche)], MIN_DEPOSIT, false)
}

#[test]
fn a_milestone_grant_pays_its_first_tranche_then_one_per_release_vote_and_returns_the_rest_after_a_failed_one() {
    let (mut g, grant_id) = granted();
    let grant = grant_query(&g, grant_id);
    let amount = |list: &[cosmos_sdk_proto::cosmos::base::v1beta1::Coin]| list.first().map_or(0u128, |c| c.amount.parse().expect("amount"));
    assert_eq!((amount(&grant.paid), amount(&grant.pending), amount(&grant.returned)), (1000, 2000, 0));
    assert_eq!(g.chain.balance(&key(9).address(), "uagora"), 1000, "the first tranche is paid when the grant passes");
    assert_eq!(g.chain.balance(&agora_types::Address::module("grants"), "uagora"), 2000);

    // Only the recipient asks for a release, of the tranche due, in a vote of its own.
    assert_refused(&g.send(3, Gov::submit_msg(3, vec![release(grant_id, 1)], MIN_DEPOSIT, false)), "gov", 18, "recipient");
    g.ok(4, to_any(&msg_send(&key(4).address(), &key(9).address(), vec![pb_coin("uagora", "20000000")])));
    assert_refused(&g.send(9, Gov::submit_msg(9, vec![release(grant_id, 2)], MIN_DEPOSIT, false)), "gov", 12, "not the one due");
    let mixed = vec![release(grant_id, 1), community_tax_update("0")];
    assert_refused(&g.send(9, Gov::submit_msg(9, mixed, MIN_DEPOSIT, false)), "gov", 12, "a vote of its own");
    // The second tranche: a release vote that passes with validator 1 alone (5 of 12 bonded:
    // above the release quorum of 30%, below the regular 50%).
    let vote = ask_release(&mut g, grant_id, 1);
    g.vote(1, vote, YES);
    g.until_decided(vote);
    assert_eq!(g.proposal(vote).expect("p").status, pb::ProposalStatus::Passed as i32, "{}", g.proposal(vote).expect("p").failed_reason);
    let grant = grant_query(&g, grant_id);
    assert_eq!((amount(&grant.paid), amount(&grant.pending)), (2000, 1000));
    // The third: a release vote rejected; the rest goes back to the community pool.
    let pool_before = g.chain.balance(&agora_types::Address::module("community_pool"), "uagora");
    let vote = ask_release(&mut g, grant_id, 2);
    g.vote(1, vote, NO);
    g.vote(2, vote, NO);
    g.until_decided(vote);
    assert_eq!(g.proposal(vote).expect("p").status, pb::ProposalStatus::Rejected as i32);
    let grant = grant_query(&g, grant_id);
    assert_eq!((amount(&grant.paid), amount(&grant.pending), amount(&grant.returned)), (2000, 0, 1000));
    assert_eq!(grant.state, agora_proto::gov::v1::GrantState::Closed as i32);
    assert!(g.chain.balance(&agora_types::Address::module("community_pool"), "uagora") >= pool_before + 1000);
    assert_eq!(g.chain.balance(&agora_types::Address::module("grants"), "uagora"), 0);
}

#[test]
fn a_missed_release_deadline_returns_the_rest_of_the_grant() {
    let (mut g, grant_id) = granted();
    g.blocks(25);
    let grant = grant_query(&g, grant_id);
    assert_eq!(grant.state, agora_proto::gov::v1::GrantState::Closed as i32);
    assert_eq!(grant.returned.first().map(|c| c.amount.as_str()), Some("2000"));
    assert_eq!(g.chain.balance(&agora_types::Address::module("grants"), "uagora"), 0);
    // Nothing is left to release.
    g.ok(4, to_any(&msg_send(&key(4).address(), &key(9).address(), vec![pb_coin("uagora", "20000000")])));
    assert_refused(&g.send(9, Gov::submit_msg(9, vec![release(grant_id, 1)], MIN_DEPOSIT, false)), "gov", 12, "nothing left");
}

#[test]
fn a_grant_whose_deadlines_leave_no_time_for_a_release_vote_fails() {
    let mut g = Gov::with_genesis(|gov| gov.grant_params.release_voting_period_seconds = 4);
    let fund = cosmos_sdk_proto::cosmos::distribution::v1beta1::MsgFundCommunityPool { amount: vec![pb_coin("uagora", "2000")], depositor: key(4).address().to_bech32() };
    g.ok(4, to_any(&fund));
    let tranche = |deadline_seconds: u64| agora_proto::gov::v1::Tranche { amount: vec![pb_coin("uagora", "1000")], milestone: "m".into(), deadline_seconds };
    let create = agora_proto::gov::v1::MsgCreateGrant {
        authority: gov_address().to_bech32(),
        recipient: key(9).address().to_bech32(),
        title: "too fast".into(),
        tranches: vec![tranche(0), tranche(4)],
    };
    let id = g.submit(3, vec![to_any(&create)], MIN_DEPOSIT, false);
    g.vote(1, id, YES);
    g.vote(2, id, YES);
    g.until_decided(id);
    let p = g.proposal(id).expect("p");
    assert_eq!(p.status, pb::ProposalStatus::Failed as i32);
    assert!(p.failed_reason.contains("longer than a release vote"), "{}", p.failed_reason);
    assert_eq!(g.chain.balance(&agora_types::Address::module("grants"), "uagora"), 0);
}

#[test]
fn grant_parameters_change_by_proposal_and_invalid_ones_are_refused_at_submission() {
    let mut g = Gov::new(|_| {});
    let update = |seconds: u64, quorum: &str| {
        to_any(&agora_proto::gov::v1::MsgUpdateGrantParams {
            authority: gov_address().to_bech32(),
            params: Some(agora_proto::gov::v1::GrantParams { release_voting_period_seconds: seconds, release_quorum: quorum.into() }),
        })
    };
    let refused = g.send(3, Gov::submit_msg(3, vec![update(3600, "1.5")], MIN_DEPOSIT, false));
    assert_refused(&refused, "gov", 12, "release_quorum must be at most 1");
    let refused = g.send(3, Gov::submit_msg(3, vec![update(0, "0.1")], MIN_DEPOSIT, false));
    assert_refused(&refused, "gov", 12, "release_voting_period_seconds must be positive");
    // Sent directly, not through a proposal: only governance may.
    let direct = agora_proto::gov::v1::MsgUpdateGrantParams {
        authority: key(3).address().to_bech32(),
        params: Some(agora_proto::gov::v1::GrantParams { release_voting_period_seconds: 3600, release_quorum: "0.1".into() }),
    };
    assert_refused(&g.send(3, to_any(&direct)), "gov", 13, "invalid authority");

    let id = g.submit(3, vec![update(3600, "0.1")], MIN_DEPOSIT, false);
    g.vote(1, id, YES);
    g.vote(2, id, YES);
    g.until_decided(id);
    assert_eq!(g.proposal(id).expect("p").status, pb::ProposalStatus::Passed as i32, "{}", g.proposal(id).expect("p").failed_reason);
    let params: agora_proto::gov::v1::QueryGrantParamsResponse =
        g.chain.node.query_proto("/agora.gov.v1.Query/Params", &agora_proto::gov::v1::QueryGrantParamsRequest {}).expect("params");
    let params = params.params.expect("params");
    assert_eq!((params.release_voting_period_seconds, params.release_quorum.as_str()), (3600, "0.1"));
}

#[test]
fn a_proposal_switches_ibc_transfers_off_and_a_bad_client_parameter_is_refused_at_submission() {
    use ibc_proto::ibc::applications::transfer::v1 as transfer_pb;
    use prost::Message as _;
    let mut g = Gov::new(|_| {});
    let switch_off = transfer_pb::MsgUpdateParams {
        signer: gov_address().to_bech32(),
        params: Some(transfer_pb::Params { send_enabled: false, receive_enabled: true }),
    };
    let msg = Any { type_url: "/ibc.applications.transfer.v1.MsgUpdateParams".into(), value: switch_off.encode_to_vec() };
    let id = g.submit(3, vec![msg], MIN_DEPOSIT, false);
    g.vote(1, id, YES);
    g.vote(2, id, YES);
    g.until_decided(id);
    let p = g.proposal(id).expect("proposal");
    assert_eq!(p.status, pb::ProposalStatus::Passed as i32, "{}", p.failed_reason);
    let params: transfer_pb::QueryParamsResponse =
        g.chain.node.query_proto("/ibc.applications.transfer.v1.Query/Params", &transfer_pb::QueryParamsRequest {}).expect("params");
    assert_eq!(params.params, Some(transfer_pb::Params { send_enabled: false, receive_enabled: true }));

    // A client type this chain cannot host is refused when the proposal is submitted.
    let bad = ibc_proto::ibc::core::client::v1::MsgUpdateParams {
        signer: gov_address().to_bech32(),
        params: Some(ibc_proto::ibc::core::client::v1::Params { allowed_clients: vec!["06-solomachine".into()] }),
    };
    let msg = Any { type_url: "/ibc.core.client.v1.MsgUpdateParams".into(), value: bad.encode_to_vec() };
    let refused = g.send(3, Gov::submit_msg(3, vec![msg], MIN_DEPOSIT, false));
    assert_ne!(refused.code.value(), 0, "refused at submission");
    assert!(refused.log.contains("06-solomachine"), "{}", refused.log);
}
