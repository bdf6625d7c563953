//! Plans, the messages' rules, the queries, and what [`pre_block`] does at and before a
//! plan's height with and without the plan's handler, over a real component registry.

use agora_component::{Authority, Component, Components, NoMessages, VersionMap};
use agora_store::{EmptyState, StateDelta, StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, TxError};
use cosmos_sdk_proto::cosmos::upgrade::v1beta1 as pb;
use prost::Message;

use crate::msg::{MSG_CANCEL_UPGRADE_URL, MSG_SOFTWARE_UPGRADE_URL};
use crate::state::keys;
use crate::state::UpgradeRecords;
use crate::{pre_block, Plan, UpgradeComponent, UpgradeHalt, UpgradeHandlers, UpgradeMsg, UpgradeRead};

type State = StateDelta<EmptyState>;

/// A module at consensus version `version` whose migrations append the step they ran to
/// `notes/<name>`, and refuse to run from version 1 if `broken`.
struct Versioned {
    name: &'static str,
    version: u64,
    broken: bool,
}

impl Component for Versioned {
    type Msg = NoMessages;
    type Genesis = ();

    fn name(&self) -> &'static str {
        self.name
    }

    fn consensus_version(&self) -> u64 {
        self.version
    }

    fn migrate(&self, state: &mut dyn StateWrite, _ctx: &BlockContext, from_version: u64) -> Result<(), String> {
        if self.broken {
            return Err("the migration is broken".into());
        }
        let key = format!("notes/{}", self.name).into_bytes();
        let mut notes = state.get_raw(&key).map_err(|e| e.to_string())?.unwrap_or_default();
        notes.push(u8::try_from(from_version).map_err(|e| e.to_string())?);
        state.put_raw(key, notes);
        Ok(())
    }

    fn init_genesis(&self, state: &mut dyn StateWrite, _genesis: &()) -> Result<(), String> {
        state.put_raw(format!("notes/{}/genesis", self.name).into_bytes(), vec![1]);
        Ok(())
    }

    fn export_genesis(&self, _state: &dyn StateRead, _height: u64) -> Result<(), String> {
        Ok(())
    }
}

fn components(market_version: u64, broken: bool) -> Components {
    Components::builder()
        .with(UpgradeComponent::default())
        .with(Versioned { name: "bank", version: 1, broken: false })
        .with(Versioned { name: "market", version: market_version, broken })
        .build()
        .expect("components")
}

fn gov() -> Address {
    Authority::governance().address()
}

fn ctx(height: u64) -> BlockContext {
    BlockContext::at("test", height)
}

fn plan(name: &str, height: u64) -> Plan {
    Plan { name: name.into(), height, info: "{\"binaries\":{}}".into() }
}

/// A chain started by a binary whose `market` is at version 1.
fn genesis() -> State {
    let mut state = State::new(EmptyState);
    let components = components(1, false);
    components.init_genesis(&mut state, &Default::default(), &ctx(0)).expect("genesis");
    state
}

fn execute(state: &mut State, height: u64, msg: &UpgradeMsg) -> Result<(), TxError> {
    let components = components(1, false);
    let routed = components.decode_msg(&msg.to_any())?;
    components.execute(state, &ctx(height), &routed).map(|_| ())
}

fn schedule(state: &mut State, height: u64, plan: Plan) -> Result<(), TxError> {
    execute(state, height, &UpgradeMsg::SoftwareUpgrade { authority: gov(), plan })
}

fn code(error: &TxError) -> (&str, u32) {
    (error.codespace.as_str(), error.code)
}

/// The handler of the rehearsed upgrade: migrates modules, and records that it ran.
fn migrate_and_note(
    state: &mut dyn StateWrite,
    ctx: &BlockContext,
    plan: &Plan,
    from: &VersionMap,
    components: &Components,
) -> Result<VersionMap, String> {
    state.put_raw(b"notes/handler".to_vec(), plan.name.clone().into_bytes());
    components.run_migrations(state, ctx, from)
}

fn failing(_: &mut dyn StateWrite, _: &BlockContext, _: &Plan, _: &VersionMap, _: &Components) -> Result<VersionMap, String> {
    Err("no".into())
}

#[test]
#[allow(deprecated)]
fn a_plan_is_validated_as_the_sdk_validates_it() {
    let proto = |name: &str, height: i64| pb::Plan { name: name.into(), height, info: "i".into(), time: None, upgraded_client_state: None };
    assert_eq!(Plan::from_proto(&proto("v2", 10)).expect("valid"), Plan { name: "v2".into(), height: 10, info: "i".into() });
    let refused = |p: pb::Plan| Plan::from_proto(&p).expect_err("refused").to_string();
    assert!(refused(proto("", 10)).contains("name cannot be empty"));
    assert!(refused(proto("v2", 0)).contains("height must be greater than 0"));
    assert!(refused(proto("v2", -5)).contains("height must be greater than 0"));
    let timed = pb::Plan { time: Some(tendermint_proto::google::protobuf::Timestamp { seconds: 1, nanos: 0 }), ..proto("v2", 10) };
    assert!(refused(timed).contains("time-based upgrades"));
    let with_client = pb::Plan { upgraded_client_state: Some(Default::default()), ..proto("v2", 10) };
    assert!(refused(with_client).contains("IBC"));
    // What an SDK client sends for the non-nullable time (Go's zero time) is no time at all,
    // and the plan is answered that way too.
    let sdk_encoded = Plan { name: "v2".into(), height: 10, info: String::new() }.to_proto();
    assert_eq!(sdk_encoded.time.expect("time").seconds, -62_135_596_800);
    assert!(Plan::from_proto(&sdk_encoded).is_ok());

    let error = UpgradeMsg::decode(&cosmos_sdk_proto::Any {
        type_url: MSG_SOFTWARE_UPGRADE_URL.into(),
        value: pb::MsgSoftwareUpgrade { authority: gov().to_string(), plan: None }.encode_to_vec(),
    })
    .expect_err("no plan");
    assert_eq!((error.codespace(), error.code()), ("sdk", 18));
    let error = UpgradeMsg::decode(&cosmos_sdk_proto::Any {
        type_url: MSG_CANCEL_UPGRADE_URL.into(),
        value: pb::MsgCancelUpgrade { authority: "agora1nope".into() }.encode_to_vec(),
    })
    .expect_err("bad authority");
    assert_eq!((error.codespace(), error.code()), ("sdk", 7));
}

#[test]
fn the_upgrade_info_file_and_log_line_are_the_sdks() {
    let plan = plan("v2", 120);
    assert_eq!(plan.needed_message(), "UPGRADE \"v2\" NEEDED at height: 120: {\"binaries\":{}}");
    let info: serde_json::Value = serde_json::from_str(&plan.upgrade_info_json(121)).expect("json");
    let sdk = serde_json::json!({ "name": "v2", "time": "0001-01-01T00:00:00Z", "height": 121, "info": "{\"binaries\":{}}" });
    assert_eq!(info, sdk, "the height it halted at, as the SDK");
    let bare = Plan { info: String::new(), ..plan };
    let info: serde_json::Value = serde_json::from_str(&bare.upgrade_info_json(120)).expect("json");
    assert_eq!(info, serde_json::json!({ "name": "v2", "time": "0001-01-01T00:00:00Z", "height": 120 }), "no info: left out");
}

#[test]
fn scheduling_refuses_the_past_a_completed_name_and_any_signer_but_the_authority() {
    let mut state = genesis();
    let error = schedule(&mut state, 10, plan("v2", 9)).expect_err("past");
    assert_eq!(code(&error), ("sdk", 18));
    assert!(error.log.contains("in the past"), "{}", error.log);
    let stranger = Address::new([7; 20]);
    let error = execute(&mut state, 10, &UpgradeMsg::SoftwareUpgrade { authority: stranger, plan: plan("v2", 20) }).expect_err("signer");
    assert_eq!(code(&error), ("gov", 13));
    let error = execute(&mut state, 10, &UpgradeMsg::CancelUpgrade { authority: stranger }).expect_err("signer");
    assert_eq!(code(&error), ("gov", 13));
    assert_eq!(state.upgrade_plan().expect("plan"), None, "nothing was scheduled");

    // This very height is allowed (applied at the next block's start); a later plan replaces it.
    schedule(&mut state, 10, plan("v2", 10)).expect("now");
    schedule(&mut state, 10, plan("v3", 30)).expect("replaces");
    assert_eq!(state.upgrade_plan().expect("plan"), Some(plan("v3", 30)));

    state.mark_applied("v1", 5);
    let error = schedule(&mut state, 10, plan("v1", 40)).expect_err("done");
    assert_eq!(code(&error), ("sdk", 18));
    assert!(error.log.contains("already been completed"), "{}", error.log);

    execute(&mut state, 11, &UpgradeMsg::CancelUpgrade { authority: gov() }).expect("cancel");
    assert_eq!(state.upgrade_plan().expect("plan"), None);
    execute(&mut state, 11, &UpgradeMsg::CancelUpgrade { authority: gov() }).expect("cancelling nothing is fine, as in the SDK");
}

#[test]
fn replacing_or_cancelling_a_plan_clears_what_ibc_stored_for_it() {
    let mut state = genesis();
    schedule(&mut state, 10, plan("v2", 50)).expect("schedule");
    state.put_raw(keys::upgraded_client(50), vec![1]);
    state.put_raw(keys::upgraded_consensus_state(50), vec![2]);
    schedule(&mut state, 11, plan("v3", 60)).expect("replace");
    assert_eq!(state.get_raw(&keys::upgraded_client(50)).expect("read"), None);
    assert_eq!(state.get_raw(&keys::upgraded_consensus_state(50)).expect("read"), None);
    state.put_raw(keys::upgraded_client(60), vec![1]);
    execute(&mut state, 12, &UpgradeMsg::CancelUpgrade { authority: gov() }).expect("cancel");
    assert_eq!(state.get_raw(&keys::upgraded_client(60)).expect("read"), None);
}

#[test]
fn without_the_handler_a_due_plan_halts_and_an_early_one_does_not() {
    let mut state = genesis();
    schedule(&mut state, 10, plan("v2", 20)).expect("schedule");
    let old = components(1, false);
    let none = UpgradeHandlers::new();
    assert_eq!(pre_block(&mut state, &ctx(19), &none, &old, true).expect("not due"), None);
    match pre_block(&mut state, &ctx(20), &none, &old, false) {
        Err(UpgradeHalt::Needed(needed)) => assert_eq!(needed, plan("v2", 20)),
        other => panic!("expected a halt, got {other:?}"),
    }
    assert_eq!(state.upgrade_plan().expect("plan"), Some(plan("v2", 20)), "a halt changes nothing");
}

#[test]
fn a_binary_with_the_handler_before_the_height_halts() {
    let mut state = genesis();
    schedule(&mut state, 10, plan("v2", 20)).expect("schedule");
    let handlers = UpgradeHandlers::new().with("v2", migrate_and_note);
    let error = pre_block(&mut state, &ctx(15), &handlers, &components(2, false), true).expect_err("too early");
    assert!(matches!(error, UpgradeHalt::TooEarly(_)));
    assert!(error.to_string().contains("BINARY UPDATED BEFORE TRIGGER"), "{error}");
}

#[test]
fn the_handler_migrates_each_module_from_its_recorded_version_and_the_chain_carries_on() {
    let mut state = genesis();
    assert_eq!(state.module_versions().expect("versions"), [("bank".to_string(), 1), ("market".to_string(), 1), ("upgrade".to_string(), 1)].into());
    assert_eq!(state.app_version().expect("version"), 1);
    schedule(&mut state, 10, plan("v2", 20)).expect("schedule");

    // The new binary: market at version 3, and a module the chain has never run.
    let new = Components::builder()
        .with(UpgradeComponent::default())
        .with(Versioned { name: "bank", version: 1, broken: false })
        .with(Versioned { name: "market", version: 3, broken: false })
        .with(Versioned { name: "incentives", version: 1, broken: false })
        .build()
        .expect("components");
    let handlers = UpgradeHandlers::new().with("v2", migrate_and_note);
    let applied = pre_block(&mut state, &ctx(20), &handlers, &new, false).expect("applies").expect("applied");
    assert_eq!(applied.plan, plan("v2", 20));
    assert_eq!(applied.app_version, 2);
    assert_eq!(state.get_raw(b"notes/handler").expect("read"), Some(b"v2".to_vec()));
    assert_eq!(state.get_raw(b"notes/market").expect("read"), Some(vec![1, 2]), "steps 1→2 and 2→3, in order");
    assert_eq!(state.get_raw(b"notes/bank").expect("read"), None, "bank did not change version");
    assert_eq!(state.get_raw(b"notes/incentives/genesis").expect("read"), Some(vec![1]), "a new module starts from its genesis");
    let expected: VersionMap = [("bank".to_string(), 1), ("incentives".to_string(), 1), ("market".to_string(), 3), ("upgrade".to_string(), 1)].into();
    assert_eq!(state.module_versions().expect("versions"), expected);
    assert_eq!(state.app_version().expect("version"), 2);
    assert_eq!(state.upgrade_plan().expect("plan"), None);
    assert_eq!(state.applied_upgrade("v2").expect("applied"), Some(20));
    assert_eq!(state.last_applied_upgrade().expect("last"), Some(("v2".to_string(), 20)));

    // The next block goes on; a restarted binary that still has the handler starts fine, an
    // old one (without it) refuses to execute.
    assert_eq!(pre_block(&mut state, &ctx(21), &handlers, &new, true).expect("next"), None);
    let error = pre_block(&mut state, &ctx(21), &UpgradeHandlers::new(), &new, true).expect_err("old binary");
    assert!(matches!(error, UpgradeHalt::MissingHandler { ref name, height: 20, app_version: 2 } if name == "v2"), "{error}");
    assert_eq!(pre_block(&mut state, &ctx(22), &UpgradeHandlers::new(), &new, false).expect("checked once per process"), None);
}

#[test]
fn a_binary_of_another_release_refuses_to_run_when_no_upgrade_is_due() {
    let mut state = genesis();
    // A newer release (market at version 2) started before any plan for it.
    let error = pre_block(&mut state, &ctx(5), &UpgradeHandlers::new(), &components(2, false), true).expect_err("wrong release");
    assert!(matches!(error, UpgradeHalt::WrongVersions { .. }), "{error}");
    assert!(error.to_string().contains("market: chain Some(1), binary Some(2)"), "{error}");
    assert_eq!(pre_block(&mut state, &ctx(5), &UpgradeHandlers::new(), &components(1, false), true).expect("the chain's release"), None);
}

#[test]
fn a_failing_handler_or_migration_halts_and_writes_nothing() {
    for (handlers, components) in [
        (UpgradeHandlers::new().with("v2", failing), components(2, false)),
        (UpgradeHandlers::new().with("v2", migrate_and_note), components(2, true)),
        // A chain recorded at a newer version than the binary's.
        (UpgradeHandlers::new().with("v2", migrate_and_note), components(0, false)),
    ] {
        let mut state = genesis();
        schedule(&mut state, 10, plan("v2", 20)).expect("schedule");
        let before = state.module_versions().expect("versions");
        let error = pre_block(&mut state, &ctx(20), &handlers, &components, false).expect_err("fails");
        assert!(matches!(error, UpgradeHalt::Failed { .. }), "{error}");
        assert_eq!(state.get_raw(b"notes/handler").expect("read"), None);
        assert_eq!(state.module_versions().expect("versions"), before);
        assert_eq!(state.upgrade_plan().expect("plan"), Some(plan("v2", 20)));
    }
}

#[test]
fn queries_answer_the_plan_applied_heights_versions_and_authority() {
    let mut state = genesis();
    let components = components(1, false);
    let ask = |state: &State, method: &str, request: Vec<u8>| {
        components.query(state, 1, &format!("/cosmos.upgrade.v1beta1.Query/{method}"), &request).expect("served")
    };
    let current = pb::QueryCurrentPlanResponse::decode(ask(&state, "CurrentPlan", vec![]).expect("ok").as_slice()).expect("decode");
    assert_eq!(current.plan, None);
    schedule(&mut state, 10, plan("v2", 20)).expect("schedule");
    let current = pb::QueryCurrentPlanResponse::decode(ask(&state, "CurrentPlan", vec![]).expect("ok").as_slice()).expect("decode");
    assert_eq!(current.plan, Some(plan("v2", 20).to_proto()));

    state.mark_applied("v1", 7);
    let applied = |state: &State, name: &str| {
        let request = pb::QueryAppliedPlanRequest { name: name.into() }.encode_to_vec();
        pb::QueryAppliedPlanResponse::decode(ask(state, "AppliedPlan", request).expect("ok").as_slice()).expect("decode").height
    };
    assert_eq!(applied(&state, "v1"), 7);
    assert_eq!(applied(&state, "never"), 0, "an upgrade never applied is height 0, as in the SDK");

    let versions = |state: &State, name: &str| {
        let request = pb::QueryModuleVersionsRequest { module_name: name.into() }.encode_to_vec();
        ask(state, "ModuleVersions", request).map(|bytes| pb::QueryModuleVersionsResponse::decode(bytes.as_slice()).expect("decode").module_versions)
    };
    let all = versions(&state, "").expect("all");
    assert_eq!(all.iter().map(|v| (v.name.as_str(), v.version)).collect::<Vec<_>>(), [("bank", 1), ("market", 1), ("upgrade", 1)]);
    assert_eq!(versions(&state, "market").expect("one"), vec![pb::ModuleVersion { name: "market".into(), version: 1 }]);
    let error = versions(&state, "nope").expect_err("unknown module");
    assert_eq!(code(&error), ("sdk", 38));

    let authority = pb::QueryAuthorityResponse::decode(ask(&state, "Authority", vec![]).expect("ok").as_slice()).expect("decode");
    assert_eq!(authority.address, gov().to_string());
    #[allow(deprecated)]
    let request = pb::QueryUpgradedConsensusStateRequest { last_height: 20 }.encode_to_vec();
    let none = ask(&state, "UpgradedConsensusState", request.clone()).expect("answered");
    #[allow(deprecated)]
    let decoded = pb::QueryUpgradedConsensusStateResponse::decode(none.as_slice()).expect("decode");
    #[allow(deprecated)]
    let stored = decoded.upgraded_consensus_state;
    assert!(stored.is_empty(), "nothing stored: empty, as the SDK");
    state.put_raw(keys::upgraded_consensus_state(20), vec![7, 7]);
    #[allow(deprecated)]
    let found = pb::QueryUpgradedConsensusStateResponse::decode(ask(&state, "UpgradedConsensusState", request).expect("ok").as_slice()).expect("decode").upgraded_consensus_state;
    assert_eq!(found, vec![7, 7]);
    assert!(ask(&state, "CurrentPlan", vec![0xff, 0xff]).is_err(), "a malformed request is refused");
}

#[test]
fn the_invariant_refuses_a_scheduled_plan_that_was_already_applied() {
    let mut state = genesis();
    state.put_upgrade_plan(&plan("v2", 20));
    state.mark_applied("v2", 5);
    let error = UpgradeComponent::default().check_invariants(&state).expect_err("broken");
    assert!(error.contains("already applied"), "{error}");
}
