//! The component framework inside the real ABCI application: the block context a component
//! sees is what CometBFT's request said; validator and consensus-parameter updates reach
//! `InitChain` and `FinalizeBlock`'s answers; a failing block hook leaves the others' work;
//! a storage fault halts the block instead of becoming a transaction's result.

mod common;

use std::sync::{Arc, Mutex};

use agora_app::abci::AbciService;
use agora_app::{App, AppConfig};
use agora_component::{Component, MsgRouter, Components, ConsensusParams, EndBlockOutcome, NoMessages, ValidatorKey, ValidatorUpdate};
use agora_store::{StateRead, StateWrite, Storage};
use agora_types::{BlockContext, CommitFlag, Event, MisbehaviorKind, TxError};
use bytes::Bytes;
use common::*;
use tendermint::abci::request;
use tendermint::abci::types::{BlockSignatureInfo, CommitInfo, Misbehavior, Validator, VoteInfo};
use tendermint::v0_38::abci::{ConsensusRequest, ConsensusResponse};
use tendermint_proto::v0_38::types as tm_types;

/// Records every block context it is given and makes updates at chosen heights.
#[derive(Clone, Default)]
struct Probe {
    seen: Arc<Mutex<Vec<BlockContext>>>,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct ProbeGenesis {
    power: u64,
}

const VALIDATOR: [u8; 32] = [7; 32];
/// At this height the probe's `end_block` fails after writing.
const FAILING_HEIGHT: u64 = 4;

fn consensus_params(max_gas: i64) -> ConsensusParams {
    tm_types::ConsensusParams {
        block: Some(tm_types::BlockParams { max_bytes: 22_020_096, max_gas }),
        evidence: Some(tm_types::EvidenceParams {
            max_age_num_blocks: 100_000,
            max_age_duration: Some(tendermint_proto::google::protobuf::Duration { seconds: 172_800, nanos: 0 }),
            max_bytes: 1_048_576,
        }),
        validator: Some(tm_types::ValidatorParams { pub_key_types: vec!["ed25519".into()] }),
        version: None,
        abci: None,
    }
}

impl Component for Probe {
    /// Holds nothing a genesis section would carry.
    fn export_genesis(&self, _state: &dyn agora_store::StateRead, _height: u64) -> Result<Self::Genesis, String> {
        Ok(Default::default())
    }

    type Msg = NoMessages;
    type Genesis = ProbeGenesis;

    fn name(&self) -> &'static str {
        "probe"
    }

    fn init_genesis(&self, state: &mut dyn StateWrite, genesis: &ProbeGenesis) -> Result<(), String> {
        state.put_raw(b"probe/power".to_vec(), genesis.power.to_be_bytes().to_vec());
        Ok(())
    }

    fn genesis_validators(&self, state: &mut dyn StateWrite, _ctx: &BlockContext) -> Result<Vec<ValidatorUpdate>, String> {
        let power = state.get_raw(b"probe/power").map_err(|e| e.to_string())?.ok_or("no power")?;
        let power = u64::from_be_bytes(power.try_into().map_err(|_| "bad power")?);
        Ok(vec![ValidatorUpdate { key: ValidatorKey::Ed25519(VALIDATOR), power }])
    }

    fn begin_block(&self, _state: &mut dyn StateWrite, ctx: &BlockContext) -> Result<Vec<Event>, TxError> {
        self.seen.lock().expect("lock").push(ctx.clone());
        Ok(vec![Event::new("probe_begin").attr("height", ctx.height)])
    }

    fn end_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext, _router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
        state.put_raw(format!("probe/end/{}", ctx.height).into_bytes(), vec![1]);
        match ctx.height {
            3 => Ok(EndBlockOutcome {
                events: vec![Event::new("probe_end")],
                validator_updates: vec![ValidatorUpdate { key: ValidatorKey::Ed25519(VALIDATOR), power: 0 }],
                consensus_param_updates: Some(consensus_params(50_000_000)),
            }),
            FAILING_HEIGHT => Err(TxError::new("probe", 1, "the probe fails on purpose")),
            _ => Ok(EndBlockOutcome::default()),
        }
    }
}

/// Writes a key in every `end_block`, after the probe.
struct Counter;

impl Component for Counter {
    /// Holds nothing a genesis section would carry.
    fn export_genesis(&self, _state: &dyn agora_store::StateRead, _height: u64) -> Result<Self::Genesis, String> {
        Ok(Default::default())
    }

    type Msg = NoMessages;
    type Genesis = ProbeGenesis;

    fn name(&self) -> &'static str {
        "counter"
    }

    fn init_genesis(&self, _state: &mut dyn StateWrite, _genesis: &ProbeGenesis) -> Result<(), String> {
        Ok(())
    }

    fn end_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext, _router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
        state.put_raw(format!("counter/{}", ctx.height).into_bytes(), vec![1]);
        Ok(EndBlockOutcome::default())
    }
}

fn probe_app(probe: &Probe) -> (AbciService, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let storage = Storage::open(dir.path(), agora_app::app::storage_config(100)).expect("open");
    let components = Components::builder().with(probe.clone()).with(Counter).build().expect("components");
    let app = Arc::new(App::with_components(components, storage, AppConfig::default()).expect("app"));
    (AbciService::new(app), dir)
}

fn init_chain_request(app_state: &str) -> ConsensusRequest {
    ConsensusRequest::InitChain(request::InitChain {
        time: tendermint::Time::unix_epoch(),
        chain_id: "probe-1".into(),
        consensus_params: tendermint::consensus::Params::try_from(consensus_params(-1)).expect("params"),
        validators: Vec::new(),
        app_state_bytes: Bytes::copy_from_slice(app_state.as_bytes()),
        initial_height: 1u32.into(),
    })
}

fn init_chain(service: &AbciService, app_state: &str) -> Vec<tendermint::validator::Update> {
    let ConsensusResponse::InitChain(res) = service.consensus(init_chain_request(app_state)).expect("init chain") else {
        panic!("not an InitChain answer")
    };
    res.validators
}

fn finalize_request(height: u64) -> request::FinalizeBlock {
    let vote = |address: u8, power: u32, sig_info| VoteInfo {
        validator: Validator { address: [address; 20], power: power.into() },
        sig_info,
    };
    request::FinalizeBlock {
        txs: Vec::new(),
        decided_last_commit: CommitInfo {
            round: 0u8.into(),
            votes: vec![
                vote(1, 10, BlockSignatureInfo::Flag(tendermint::block::BlockIdFlag::Commit)),
                vote(2, 5, BlockSignatureInfo::Flag(tendermint::block::BlockIdFlag::Absent)),
                vote(3, 1, BlockSignatureInfo::Flag(tendermint::block::BlockIdFlag::Nil)),
            ],
        },
        misbehavior: vec![Misbehavior {
            kind: tendermint::abci::types::MisbehaviorKind::DuplicateVote,
            validator: Validator { address: [2; 20], power: 5u32.into() },
            height: (height - 1).try_into().expect("height"),
            time: tendermint::Time::from_unix_timestamp(1_767_225_600, 0).expect("time"),
            total_voting_power: 16u32.into(),
        }],
        hash: Default::default(),
        height: height.try_into().expect("height"),
        time: tendermint::Time::from_unix_timestamp(1_767_225_600 + height as i64, 500).expect("time"),
        next_validators_hash: tendermint::Hash::Sha256([9; 32]),
        proposer_address: tendermint::account::Id::new([1; 20]),
    }
}

fn finalize(service: &AbciService, height: u64) -> tendermint::abci::response::FinalizeBlock {
    let ConsensusResponse::FinalizeBlock(res) =
        service.consensus(ConsensusRequest::FinalizeBlock(finalize_request(height))).expect("finalize")
    else {
        panic!("not a FinalizeBlock answer")
    };
    service.consensus(ConsensusRequest::Commit).expect("commit");
    res
}

#[test]
fn components_see_the_whole_block_and_their_updates_reach_cometbft() {
    let probe = Probe::default();
    let (service, _dir) = probe_app(&probe);
    let validators = init_chain(&service, r#"{"probe":{"power":42}}"#);
    assert_eq!(validators.len(), 1);
    assert_eq!(validators[0].power.value(), 42);
    assert_eq!(validators[0].pub_key, tendermint::PublicKey::from_raw_ed25519(&VALIDATOR).expect("key"));

    let first = finalize(&service, 1);
    assert!(first.validator_updates.is_empty() && first.consensus_param_updates.is_none());
    assert_eq!(first.events.iter().filter(|e| e.kind == "probe_begin").count(), 1);

    let seen = probe.seen.lock().expect("lock")[0].clone();
    assert_eq!(seen.chain_id, "probe-1");
    assert_eq!(seen.height, 1);
    assert_eq!((seen.time_unix_secs, seen.time_nanos), (1_767_225_601, 500));
    assert_eq!(seen.proposer_address, [1; 20]);
    assert_eq!(seen.next_validators_hash, vec![9; 32]);
    let flags: Vec<(u8, u64, CommitFlag)> = seen.last_commit.iter().map(|v| (v.validator_address[0], v.power, v.flag)).collect();
    assert_eq!(flags, vec![(1, 10, CommitFlag::Commit), (2, 5, CommitFlag::Absent), (3, 1, CommitFlag::Nil)]);
    assert_eq!(seen.last_commit_power(), 16);
    assert_eq!(seen.misbehavior.len(), 1);
    let evidence = &seen.misbehavior[0];
    assert_eq!(evidence.kind, MisbehaviorKind::DuplicateVote);
    assert_eq!((evidence.validator_address, evidence.power, evidence.height), ([2; 20], 5, 0));
    assert_eq!((evidence.time_unix_secs, evidence.total_voting_power), (1_767_225_600, 16));

    finalize(&service, 2);
    let third = finalize(&service, 3);
    assert_eq!(third.validator_updates.len(), 1);
    assert_eq!(third.validator_updates[0].power.value(), 0, "the probe removes its validator");
    let params = third.consensus_param_updates.expect("consensus params");
    assert_eq!(params.block.max_gas, 50_000_000);
    assert!(third.events.iter().any(|e| e.kind == "probe_end"));
}

#[test]
fn a_failing_end_block_drops_only_its_own_changes() {
    let probe = Probe::default();
    let (service, _dir) = probe_app(&probe);
    init_chain(&service, r#"{"probe":{"power":1}}"#);
    for height in 1..FAILING_HEIGHT {
        finalize(&service, height);
    }
    let failing = finalize(&service, FAILING_HEIGHT);
    let error = failing.events.iter().find(|e| e.kind == "end_block_error").expect("error event");
    let attrs: Vec<(String, String)> =
        error.attributes.iter().map(|a| (a.key_str().expect("key").into(), a.value_str().expect("value").into())).collect();
    assert!(attrs.contains(&("module".into(), "probe".into())), "{attrs:?}");

    let snapshot = service.app().storage().latest_snapshot();
    let key = |k: String| snapshot.get_raw(k.as_bytes()).expect("read");
    assert_eq!(key(format!("probe/end/{}", FAILING_HEIGHT - 1)), Some(vec![1]));
    assert_eq!(key(format!("probe/end/{FAILING_HEIGHT}")), None, "the failed hook's write is dropped");
    assert_eq!(key(format!("counter/{FAILING_HEIGHT}")), Some(vec![1]), "the next component still ran");
    let next = finalize(&service, FAILING_HEIGHT + 1);
    assert!(!next.events.iter().any(|e| e.kind == "end_block_error"), "the next block runs normally");
}

#[test]
fn unknown_genesis_sections_and_invalid_ones_are_refused_at_init_chain() {
    let probe = Probe::default();
    let (service, _dir) = probe_app(&probe);
    let refused = |app_state: &str| service.consensus(init_chain_request(app_state)).expect_err("refused").to_string();
    assert!(refused(r#"{"staking":{}}"#).contains("\"staking\" belongs to no module"));
    assert!(refused(r#"{"probe":{"power":"many"}}"#).contains("invalid genesis section probe"));
}

/// A read that fails in FinalizeBlock halts the block: no result, no commit, the halt
/// reported to the node's owner; the same block, replayed on repaired storage, gives the app
/// hash of a node that never failed.
#[test]
fn a_storage_fault_in_finalize_block_halts_instead_of_failing_a_transaction() {
    let (alice, bob) = (key(1), key(2));
    let mut healthy = chain(&[alice.address()]);
    let mut faulty = chain(&[alice.address()]);
    let send = send_tx(&alice, &bob.address(), "5uagora", 1, 0);
    healthy.block(vec![send.clone()]);

    let app = Arc::clone(faulty.node.app());
    let (halt_tx, mut halt_rx) = tokio::sync::mpsc::unbounded_channel();
    let service = AbciService::with_halt(Arc::clone(&app), halt_tx);
    let height = faulty.node.height() + 1;
    let mut request = finalize_request(height);
    request.txs = vec![Bytes::from(send.clone())];
    request.misbehavior.clear();
    request.decided_last_commit.votes.clear();
    request.proposer_address = tendermint::account::Id::new([0; 20]);

    // Balances only: the chain id and the account read fine, and the fee's balance read fails
    // inside bank, which would report it as the transaction's failure.
    app.storage().inject_read_faults(Some(agora_bank::state::keys::BALANCES_PREFIX));
    let error = service.consensus(ConsensusRequest::FinalizeBlock(request)).expect_err("halts").to_string();
    assert!(error.contains(&format!("halting at height {height}")) && error.contains("injected read fault"), "{error}");
    let reported = halt_rx.try_recv().expect("halt reported");
    assert!(reported.contains("storage read failed"), "{reported}");
    assert_eq!(app.last_block().0, height - 1, "nothing committed");
    assert!(service.consensus(ConsensusRequest::Commit).is_err(), "no block waits for Commit");

    app.storage().inject_read_faults(None);
    let results = faulty.node.make_raw_block(vec![send]).expect("replayed");
    assert!(results[0].code.is_ok(), "{results:?}");
    assert_eq!(faulty.node.last_app_hash(), healthy.node.last_app_hash());
}
