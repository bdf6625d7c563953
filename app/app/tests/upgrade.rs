//! Software upgrades through the real application: governance schedules a plan; at its height
//! a binary without the plan's handler halts (the block is not committed) and leaves
//! `upgrade-info.json`; the binary that has the handler, restarted on the same store,
//! executes that block with the migration applied and the next app version; an older binary
//! then refuses to go on, and a newer one refuses to run before the height.

mod common;

use std::path::Path;

use agora_app::harness::TestNode;
use agora_app::AppConfig;
use agora_store::{StateRead, StateWrite};
use agora_tx::{to_any, TxBuilder};
use agora_types::BlockContext;
use agora_upgrade::{Plan, UpgradeHandlers};
use common::*;
use cosmos_sdk_proto::cosmos::gov::v1 as gov_pb;
use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as pb;
use cosmos_sdk_proto::Any;

const NAME: &str = "v2-rehearsal";
const VOTING_PERIOD: u64 = 10;
const MIGRATED_KEY: &[u8] = b"rehearsal/migrated_at";

/// The handler of the rehearsed upgrade: module migrations, plus a record of the height it ran
/// at (what a release's own state change would be).
fn rehearsal(
    state: &mut dyn StateWrite,
    ctx: &BlockContext,
    plan: &Plan,
    from: &agora_component::VersionMap,
    components: &agora_component::Components,
) -> Result<agora_component::VersionMap, String> {
    state.put_raw(MIGRATED_KEY.to_vec(), ctx.height.to_be_bytes().to_vec());
    agora_upgrade::run_module_migrations(state, ctx, plan, from, components)
}

fn new_binary() -> UpgradeHandlers {
    UpgradeHandlers::new().with(NAME, rehearsal)
}

fn config(dir: &Path) -> AppConfig {
    AppConfig { upgrade_info_dir: Some(dir.to_path_buf()), ..AppConfig::default() }
}

/// Starts (or resumes) the node on the store in `dir/db` with `upgrades`.
fn node(dir: &Path, upgrades: UpgradeHandlers, genesis: &[u8]) -> TestNode {
    let storage = agora_store::Storage::open(dir.join("db"), agora_app::app::storage_config(100)).expect("open");
    let app = agora_app::App::new(storage, config(dir)).expect("app").with_upgrades(upgrades);
    TestNode::start(std::sync::Arc::new(app), CHAIN_ID, genesis).expect("start")
}

fn genesis() -> Vec<u8> {
    let mut genesis = genesis_with_gentxs_funding(vec![gentx(&key(1), 21, 5_000_000, 0), gentx(&key(2), 22, 7_000_000, 0)], &[1, 2, 3]);
    let mut gov: agora_gov::GenesisState = genesis.section("gov").expect("gov");
    gov.params.max_deposit_period = VOTING_PERIOD;
    gov.params.voting_period = VOTING_PERIOD;
    gov.params.expedited_voting_period = VOTING_PERIOD / 2;
    genesis.set_section("gov", &gov).expect("gov");
    genesis.to_json().expect("json")
}

fn tx(node: &TestNode, seed: u8, msg: Any) -> Vec<u8> {
    use agora_auth::AuthRead;
    let k = key(seed);
    let account = node.app().storage().latest_snapshot().account(&k.address()).expect("read").expect("account");
    TxBuilder::new().any_message(msg).fee(coins(FEE)).gas_limit(1_000_000).sign(&k, CHAIN_ID, account.account_number, account.sequence)
}

fn ok(node: &mut TestNode, seed: u8, msg: Any) {
    let tx = tx(node, seed, msg);
    let result = node.make_block(vec![tx]).expect("block").remove(0);
    assert!(result.code.is_ok(), "{}", result.log);
}

/// Passes a proposal carrying `msg` by both validators' votes.
fn pass(node: &mut TestNode, msg: Any) {
    pass_expecting(node, msg, gov_pb::ProposalStatus::Passed);
}

/// Account 3's proposal of `msg`, with the whole deposit.
fn submit(msg: Any) -> Any {
    to_any(&gov_pb::MsgSubmitProposal {
        messages: vec![msg],
        initial_deposit: vec![pb_coin("uagora", "10000000")],
        proposer: key(3).address().to_bech32(),
        metadata: String::new(),
        title: "Upgrade".into(),
        summary: "Rehearse an upgrade".into(),
        expedited: false,
    })
}

/// Votes a proposal carrying `msg` through; it ends in `status`.
fn pass_expecting(node: &mut TestNode, msg: Any, status: gov_pb::ProposalStatus) {
    ok(node, 3, submit(msg));
    let proposals: gov_pb::QueryProposalsResponse = node.query_proto("/cosmos.gov.v1.Query/Proposals", &gov_pb::QueryProposalsRequest::default()).expect("proposals");
    let id = proposals.proposals.last().expect("proposal").id;
    for seed in [1, 2] {
        let vote = gov_pb::MsgVote { proposal_id: id, voter: key(seed).address().to_bech32(), option: 1, metadata: String::new() };
        ok(node, seed, to_any(&vote));
    }
    for _ in 0..=VOTING_PERIOD {
        node.make_block(vec![]).expect("block");
    }
    let proposal: gov_pb::QueryProposalResponse = node.query_proto("/cosmos.gov.v1.Query/Proposal", &gov_pb::QueryProposalRequest { proposal_id: id }).expect("proposal");
    assert_eq!(proposal.proposal.expect("proposal").status, status as i32);
}

fn software_upgrade(height: u64) -> Any {
    let plan = Plan { name: NAME.into(), height, info: "rehearsal".into() };
    #[allow(deprecated)]
    let msg = pb::MsgSoftwareUpgrade { authority: agora_types::Address::module("gov").to_bech32(), plan: Some(plan.to_proto()) };
    to_any(&msg)
}

fn current_plan(node: &TestNode) -> Option<pb::Plan> {
    let res: pb::QueryCurrentPlanResponse = node.query_proto("/cosmos.upgrade.v1beta1.Query/CurrentPlan", &pb::QueryCurrentPlanRequest {}).expect("plan");
    res.plan
}

fn applied_at(node: &TestNode, name: &str) -> i64 {
    let res: pb::QueryAppliedPlanResponse =
        node.query_proto("/cosmos.upgrade.v1beta1.Query/AppliedPlan", &pb::QueryAppliedPlanRequest { name: name.into() }).expect("applied");
    res.height
}

/// A chain (its store in the returned directory, started from the returned genesis by the
/// release binary) that passed a plan for `NAME` at the returned height, `margin` blocks after
/// the vote; the node is stopped.
fn scheduled(margin: u64) -> (tempfile::TempDir, Vec<u8>, u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let genesis = genesis();
    let mut old = node(dir.path(), UpgradeHandlers::new(), &genesis);
    old.make_block(vec![]).expect("block 1");
    let height = old.height() + 2 * VOTING_PERIOD + margin;
    pass(&mut old, software_upgrade(height));
    (dir, genesis, height)
}

#[test]
fn a_plan_halts_the_old_binary_at_its_height_and_the_new_binary_applies_it_there() {
    let (dir, genesis, height) = scheduled(10);
    let mut old = node(dir.path(), UpgradeHandlers::new(), &genesis);
    assert_eq!(current_plan(&old).expect("scheduled").height, i64::try_from(height).expect("height"));
    let versions: pb::QueryModuleVersionsResponse =
        old.query_proto("/cosmos.upgrade.v1beta1.Query/ModuleVersions", &pb::QueryModuleVersionsRequest::default()).expect("versions");
    let names: Vec<&str> = versions.module_versions.iter().map(|v| v.name.as_str()).collect();
    assert!(names.contains(&"market") && names.contains(&"upgrade") && versions.module_versions.iter().all(|v| v.version == 1), "{names:?}");

    while old.height() + 1 < height {
        old.make_block(vec![]).expect("block");
    }
    let before = old.app().last_block();
    let error = old.make_block(vec![]).expect_err("halts at the plan's height").to_string();
    assert!(error.contains(&format!("UPGRADE \"{NAME}\" NEEDED at height: {height}: rehearsal")), "{error}");
    assert_eq!(old.app().last_block(), before, "nothing of the halted block is committed");
    let info: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join("upgrade-info.json")).expect("upgrade-info.json")).expect("json");
    assert_eq!(info, serde_json::json!({ "name": NAME, "time": "0001-01-01T00:00:00Z", "height": height, "info": "rehearsal" }));
    // Restarted as it was, it halts again: the chain cannot skip the upgrade.
    drop(old);
    let mut old = node(dir.path(), UpgradeHandlers::new(), &genesis);
    assert!(old.make_block(vec![]).expect_err("halts again").to_string().contains("NEEDED"));
    drop(old);

    let mut new = node(dir.path(), new_binary(), &genesis);
    assert_eq!(new.height(), height - 1);
    new.make_block(vec![]).expect("the new binary executes the plan's block");
    let finalized = new.last_finalized().expect("finalized");
    assert!(finalized.events.iter().any(|e| e.kind == "upgrade_applied"), "{:?}", finalized.events);
    let version = finalized.consensus_param_updates.as_ref().expect("params reported").version.as_ref().expect("version");
    assert_eq!(version.app, 2, "headers carry the next app version from the next block");
    assert_eq!(new.app().app_version(), 2);
    let migrated = new.app().storage().latest_snapshot().get_raw(MIGRATED_KEY).expect("read");
    assert_eq!(migrated, Some(height.to_be_bytes().to_vec()), "the migration ran at the plan's height");
    assert_eq!(current_plan(&new), None);
    assert_eq!(applied_at(&new, NAME), i64::try_from(height).expect("height"));
    for _ in 0..3 {
        new.make_block(vec![]).expect("the chain carries on");
    }
    let after = new.height();
    drop(new);

    // The old binary cannot run the upgraded chain.
    let mut old = node(dir.path(), UpgradeHandlers::new(), &genesis);
    let error = old.make_block(vec![]).expect_err("older than the chain").to_string();
    assert!(error.contains(&format!("upgrade handler is missing for {NAME} upgrade plan")), "{error}");
    assert_eq!(old.app().last_block().0, after);
}

#[test]
fn a_binary_with_the_handler_refuses_to_run_before_the_height_and_a_cancelled_plan_never_halts() {
    let (dir, genesis, height) = scheduled(20);
    let mut early = node(dir.path(), new_binary(), &genesis);
    let error = early.make_block(vec![]).expect_err("too early").to_string();
    assert!(error.contains(&format!("BINARY UPDATED BEFORE TRIGGER! UPGRADE \"{NAME}\"")), "{error}");
    drop(early);

    let mut old = node(dir.path(), UpgradeHandlers::new(), &genesis);
    #[allow(deprecated)]
    let cancel = to_any(&pb::MsgCancelUpgrade { authority: agora_types::Address::module("gov").to_bech32() });
    pass(&mut old, cancel);
    assert_eq!(current_plan(&old), None);
    while old.height() <= height + 1 {
        old.make_block(vec![]).expect("no halt");
    }
    assert_eq!(applied_at(&old, NAME), 0);
}

#[test]
fn upgrade_messages_outside_governance_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let genesis = genesis();
    let mut node = node(dir.path(), UpgradeHandlers::new(), &genesis);
    node.make_block(vec![]).expect("block 1");
    // Signed by an account for itself: the authority is governance alone.
    let plan = Plan { name: NAME.into(), height: 100, info: String::new() };
    #[allow(deprecated)]
    let msg = to_any(&pb::MsgSoftwareUpgrade { authority: key(3).address().to_bech32(), plan: Some(plan.to_proto()) });
    let tx = tx(&node, 3, msg);
    let result = node.make_block(vec![tx]).expect("block").remove(0);
    assert_refused(&result, "gov", 13, "invalid authority");
    assert_eq!(current_plan(&node), None);
}

/// A module the new binary adds: a minter account, like an incentives module would have.
struct Incentives;

impl agora_component::Component for Incentives {
    type Msg = agora_component::NoMessages;
    type Genesis = ();

    fn name(&self) -> &'static str {
        "incentives"
    }

    fn module_accounts(&self) -> Vec<agora_component::ModuleAccount> {
        vec![agora_component::ModuleAccount::new("incentives").minter()]
    }

    fn init_genesis(&self, state: &mut dyn StateWrite, _genesis: &()) -> Result<(), String> {
        state.put_raw(b"incentives/started".to_vec(), vec![1]);
        Ok(())
    }

    fn export_genesis(&self, _state: &dyn StateRead, _height: u64) -> Result<(), String> {
        Ok(())
    }
}

#[test]
fn a_module_added_by_an_upgrade_starts_from_its_genesis_with_its_account_and_permissions() {
    use agora_auth::AuthRead;
    use agora_bank::BankRead;
    let (dir, genesis, height) = scheduled(10);
    let mut old = node(dir.path(), UpgradeHandlers::new(), &genesis);
    while old.height() + 1 < height {
        old.make_block(vec![]).expect("block");
    }
    drop(old);

    let storage = agora_store::Storage::open(dir.path().join("db"), agora_app::app::storage_config(100)).expect("open");
    let components = agora_app::components_builder().with(Incentives).build().expect("components");
    let app = agora_app::App::with_components(components, storage, config(dir.path()))
        .expect("app")
        .with_upgrades(UpgradeHandlers::new().with(NAME, agora_upgrade::run_module_migrations));
    let mut new = TestNode::start(std::sync::Arc::new(app), CHAIN_ID, &genesis).expect("start");
    new.make_block(vec![]).expect("the upgrade block");
    new.make_block(vec![]).expect("the next");
    let state = new.app().storage().latest_snapshot();
    let incentives = agora_types::Address::module("incentives");
    assert_eq!(state.get_raw(b"incentives/started").expect("read"), Some(vec![1]), "its genesis ran");
    let account = state.account(&incentives).expect("read").expect("its module account exists");
    assert_eq!(account.module, Some(("incentives".to_string(), vec!["minter".to_string()])));
    let permissions = state.module_permissions(&incentives).expect("read").expect("in bank's table");
    assert!(permissions.mint && !permissions.burn && !permissions.receive, "{permissions:?}");
    new.app().components().check_invariants(&state).expect("invariants");
    let versions: pb::QueryModuleVersionsResponse = new
        .query_proto("/cosmos.upgrade.v1beta1.Query/ModuleVersions", &pb::QueryModuleVersionsRequest { module_name: "incentives".into() })
        .expect("versions");
    assert_eq!(versions.module_versions, vec![pb::ModuleVersion { name: "incentives".into(), version: 1 }]);
    // Info and the consensus parameters in state carry the new app version.
    let tendermint::v0_38::abci::InfoResponse::Info(info) = new
        .service()
        .info(tendermint::v0_38::abci::InfoRequest::Info(tendermint::abci::request::Info {
            version: String::new(),
            block_version: 0,
            p2p_version: 0,
            abci_version: String::new(),
        }))
        .expect("info")
    else {
        panic!("info")
    };
    assert_eq!(info.app_version, 2);
    let params: agora_consensus::proto::QueryParamsResponse =
        new.query_proto("/cosmos.consensus.v1.Query/Params", &agora_consensus::proto::QueryParamsRequest {}).expect("params");
    assert_eq!(params.params.expect("params").version.expect("version").app, 2);
}

#[test]
fn proposals_carrying_invalid_plans_are_refused_at_submission_and_a_plan_past_its_height_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let genesis = genesis();
    let mut node = node(dir.path(), UpgradeHandlers::new(), &genesis);
    node.make_block(vec![]).expect("block 1");
    let refused = |node: &mut TestNode, msg: Any| {
        let tx = tx(node, 3, submit(msg));
        node.make_block(vec![tx]).expect("block").remove(0)
    };
    #[allow(deprecated)]
    let zero_height = to_any(&pb::MsgSoftwareUpgrade {
        authority: agora_types::Address::module("gov").to_bech32(),
        plan: Some(pb::Plan { name: NAME.into(), height: 0, ..Default::default() }),
    });
    assert_refused(&refused(&mut node, zero_height), "gov", 12, "height must be greater than 0");
    #[allow(deprecated)]
    let not_gov = to_any(&pb::MsgSoftwareUpgrade {
        authority: key(3).address().to_bech32(),
        plan: Some(Plan { name: NAME.into(), height: 500, info: String::new() }.to_proto()),
    });
    let result = refused(&mut node, not_gov);
    assert!(result.code.is_err(), "a message not signed by governance is refused: {}", result.log);
    assert_eq!(result.codespace, "gov", "{}", result.log);
    #[allow(deprecated)]
    let cancel = to_any(&pb::MsgCancelUpgrade { authority: key(3).address().to_bech32() });
    let direct = tx(&node, 3, cancel);
    assert_refused(&node.make_block(vec![direct]).expect("block").remove(0), "gov", 13, "invalid authority");

    // A plan whose height has passed by the time the vote ends: the proposal fails, no plan.
    let soon = node.height() + 2;
    pass_expecting(&mut node, software_upgrade(soon), gov_pb::ProposalStatus::Failed);
    assert_eq!(current_plan(&node), None);
}

/// A zeroed 07-tendermint client state of the chain after the upgrade (`agora-2`).
fn upgraded_client_state() -> ibc_proto::google::protobuf::Any {
    use ibc_proto::ibc::lightclients::tendermint::v1 as tm;
    let state = agora_ibc::msg::zero_custom_fields(&tm::ClientState {
        chain_id: "agora-2".into(),
        unbonding_period: Some(ibc_proto::google::protobuf::Duration { seconds: 1_814_400, nanos: 0 }),
        latest_height: Some(ibc_proto::ibc::core::client::v1::Height { revision_number: 2, revision_height: 1 }),
        upgrade_path: vec!["upgrade".into(), "upgradedIBCState".into()],
        ..Default::default()
    });
    ibc_proto::google::protobuf::Any { type_url: agora_ibc::msg::TENDERMINT_CLIENT_STATE.into(), value: prost::Message::encode_to_vec(&state) }
}

fn ibc_software_upgrade(height: u64, client: ibc_proto::google::protobuf::Any) -> Any {
    let plan = Plan { name: NAME.into(), height, info: "rehearsal".into() }.to_proto();
    let plan = <ibc_proto::cosmos::upgrade::v1beta1::Plan as prost::Message>::decode(prost::Message::encode_to_vec(&plan).as_slice()).expect("plan");
    to_any(&ibc_proto::ibc::core::client::v1::MsgIbcSoftwareUpgrade {
        plan: Some(plan),
        upgraded_client_state: Some(client),
        signer: agora_types::Address::module("gov").to_bech32(),
    })
}

/// ibc-go's IBC software upgrade: governance schedules the plan with the client state
/// counterparties will upgrade to; it is in the `upgrade` store (where their light clients
/// prove it) from then on, and the block before the plan's height adds the consensus state to
/// upgrade to (that block's time and next validators). A client state with a counterparty's
/// own choices in it is refused at submission.
#[test]
fn an_ibc_software_upgrade_commits_to_the_upgraded_client_and_then_its_consensus_state() {
    let dir = tempfile::tempdir().expect("tempdir");
    let genesis = genesis();
    let mut node = node(dir.path(), UpgradeHandlers::new(), &genesis);
    node.make_block(vec![]).expect("block 1");

    let mut custom = upgraded_client_state();
    let mut state: ibc_proto::ibc::lightclients::tendermint::v1::ClientState = prost::Message::decode(custom.value.as_slice()).expect("state");
    state.trusting_period = Some(ibc_proto::google::protobuf::Duration { seconds: 100, nanos: 0 });
    custom.value = prost::Message::encode_to_vec(&state);
    let tx = tx(&node, 3, submit(ibc_software_upgrade(500, custom)));
    let refused = node.make_block(vec![tx]).expect("block").remove(0);
    assert!(refused.code.is_err() && refused.log.contains("upgraded client state is not zeroed out"), "{}", refused.log);

    let height = node.height() + 2 * VOTING_PERIOD + 6;
    let client = upgraded_client_state();
    pass(&mut node, ibc_software_upgrade(height, client.clone()));
    assert_eq!(current_plan(&node).map(|p| p.height), Some(height as i64));
    let stored = |node: &TestNode, key: Vec<u8>| node.app().storage().latest_snapshot().get_raw(&key).expect("read");
    assert_eq!(stored(&node, agora_upgrade::state::keys::upgraded_client(height)), Some(prost::Message::encode_to_vec(&client)));
    assert_eq!(stored(&node, agora_upgrade::state::keys::upgraded_consensus_state(height)), None, "not before the last block");

    while node.height() + 1 < height {
        node.make_block(vec![]).expect("block");
    }
    let consensus = stored(&node, agora_upgrade::state::keys::upgraded_consensus_state(height)).expect("written at height − 1");
    let any: ibc_proto::google::protobuf::Any = prost::Message::decode(consensus.as_slice()).expect("any");
    assert_eq!(any.type_url, "/ibc.lightclients.tendermint.v1.ConsensusState");
    let consensus: ibc_proto::ibc::lightclients::tendermint::v1::ConsensusState = prost::Message::decode(any.value.as_slice()).expect("consensus");
    assert!(consensus.timestamp.is_some_and(|t| t.seconds > 0), "the block's time");
    let answered: pb::QueryUpgradedConsensusStateResponse = node
        .query_proto("/cosmos.upgrade.v1beta1.Query/UpgradedConsensusState", &{
            #[allow(deprecated)]
            pb::QueryUpgradedConsensusStateRequest { last_height: height as i64 }
        })
        .expect("query");
    #[allow(deprecated)]
    let bytes = answered.upgraded_consensus_state;
    assert_eq!(bytes, prost::Message::encode_to_vec(&any));
}
