//! Authority and parameters: every module's `MsgUpdateParams` is applied when the authority
//! (the governance module account) executes it, refused for invalid values, and refused for
//! any other signer; consensus parameters changed that way reach CometBFT and bound the next
//! blocks' gas. A test component plays the authority (so a test needs no vote): the chain is
//! built with its module account as the authority, and it executes a message as that account
//! through the same router governance uses (governance itself is tested in `gov.rs`).

mod common;

use std::sync::Arc;

use agora_app::harness::{default_consensus_params, TestNode};
use agora_app::{App, AppConfig};
use agora_component::{Authority, Component, ComponentMsg, EndBlockOutcome, MsgRouter};
use agora_store::{StateRead, StateWrite, Storage};
use agora_types::{Address, BlockContext, Event, TxError};
use agora_tx::{to_any, TxBuilder};
use common::*;
use cosmos_sdk_proto::cosmos::auth::v1beta1 as auth_pb;
use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank_pb;
use cosmos_sdk_proto::Any;
use prost::Message;

/// `/agora.test.v1.MsgGovern`: "execute `msg` as the governance account at the end of this
/// block" (what a passed proposal will do).
#[derive(Clone, PartialEq, prost::Message)]
struct MsgGovern {
    #[prost(string, tag = "1")]
    sender: String,
    #[prost(message, optional, tag = "2")]
    msg: Option<Any>,
}

impl prost::Name for MsgGovern {
    const NAME: &'static str = "MsgGovern";
    const PACKAGE: &'static str = "agora.test.v1";
}

#[derive(Debug)]
struct Govern {
    sender: Address,
    msg: Any,
}

impl ComponentMsg for Govern {
    fn type_url(&self) -> &str {
        "/agora.test.v1.MsgGovern"
    }

    fn module(&self) -> &'static str {
        "governor"
    }

    fn signers(&self) -> Vec<Address> {
        vec![self.sender]
    }
}

const GOVERNOR: &str = "governor";
const PENDING: &[u8] = b"governor/pending";
const RESULT: &[u8] = b"governor/result";

struct Governor;

impl Component for Governor {
    /// Holds nothing a genesis section would carry.
    fn export_genesis(&self, _state: &dyn agora_store::StateRead, _height: u64) -> Result<Self::Genesis, String> {
        Ok(())
    }

    type Msg = Govern;
    type Genesis = ();

    fn name(&self) -> &'static str {
        "governor"
    }

    /// Executes as its own module account, the chain's authority in these tests.
    fn module_accounts(&self) -> Vec<agora_component::ModuleAccount> {
        vec![agora_component::ModuleAccount::new(GOVERNOR)]
    }

    fn init_genesis(&self, _state: &mut dyn StateWrite, _genesis: &()) -> Result<(), String> {
        Ok(())
    }

    fn message_types(&self) -> &'static [&'static str] {
        &["/agora.test.v1.MsgGovern"]
    }

    fn decode_msg(&self, any: &Any) -> Result<Govern, TxError> {
        let msg = MsgGovern::decode(any.value.as_slice()).map_err(|e| TxError::new("sdk", 2, e.to_string()))?;
        let sender = msg.sender.parse().map_err(|_| TxError::new("sdk", 7, "sender"))?;
        Ok(Govern { sender, msg: msg.msg.ok_or_else(|| TxError::new("sdk", 18, "no message"))? })
    }

    fn execute(&self, state: &mut dyn StateWrite, _ctx: &BlockContext, msg: &Govern) -> Result<Vec<Event>, TxError> {
        state.put_raw(PENDING.to_vec(), msg.msg.encode_to_vec());
        Ok(Vec::new())
    }

    fn end_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext, router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
        let Some(pending) = state.get_raw(PENDING).map_err(TxError::internal)? else {
            return Ok(EndBlockOutcome::default());
        };
        state.delete(PENDING.to_vec());
        let msg = Any::decode(pending.as_slice()).map_err(|e| TxError::internal(e.to_string()))?;
        let result = match router.execute_as(state, ctx, &gov(), &msg) {
            Ok(_) => "ok".to_string(),
            Err(error) => format!("{} {}: {}", error.codespace, error.code, error.log),
        };
        state.put_raw(RESULT.to_vec(), result.into_bytes());
        Ok(EndBlockOutcome::default())
    }
}

struct Governed {
    node: TestNode,
    _dir: tempfile::TempDir,
    alice: agora_tx::SigningKey,
    sequence: u64,
}

fn governed_with(config: AppConfig, consensus: tendermint::consensus::Params) -> Governed {
    let alice = key(1);
    let dir = tempfile::tempdir().expect("tempdir");
    let storage = Storage::open(dir.path(), agora_app::app::storage_config(100)).expect("open");
    let components = agora_app::components_builder().authority(Authority::new(gov())).with(Governor).build().expect("components");
    let app = Arc::new(App::with_components(components, storage, config).expect("app"));
    let mut node = TestNode::start_with(app, CHAIN_ID, &genesis_json(&[alice.address()]), consensus).expect("start");
    node.make_block(vec![]).expect("first block");
    Governed { node, _dir: dir, alice, sequence: 0 }
}

fn governed() -> Governed {
    governed_with(AppConfig::default(), default_consensus_params())
}

/// The authority of these chains: the governor's module account.
fn gov() -> Address {
    Address::module(GOVERNOR)
}

impl Governed {
    fn next_sequence(&mut self) -> u64 {
        self.sequence += 1;
        self.sequence - 1
    }

    /// Has the governor execute `msg` as the governance account; returns its result.
    fn govern(&mut self, msg: Any) -> String {
        let govern = MsgGovern { sender: self.alice.address().to_bech32(), msg: Some(msg) };
        let sequence = self.next_sequence();
        let results = self.node.make_block(vec![signed(&self.alice, &govern, 1, sequence)]).expect("block");
        assert!(results[0].code.is_ok(), "{results:?}");
        let answer = self.node.query("/store/main/key", RESULT.to_vec(), 0, false).expect("query");
        String::from_utf8(answer.value.to_vec()).expect("utf8")
    }

    /// Sends `msg` signed by alice; returns its result.
    fn send(&mut self, msg: &impl prost::Name) -> tendermint::abci::types::ExecTxResult {
        let sequence = self.next_sequence();
        self.node.make_block(vec![signed(&self.alice, msg, 1, sequence)]).expect("block").remove(0)
    }

    fn query<Req: prost::Message, Res: prost::Message + Default>(&self, path: &str, req: &Req) -> Res {
        self.node.query_proto(path, req).expect("query")
    }
}

fn any<M: prost::Name>(msg: &M) -> Any {
    agora_tx::to_any(msg)
}

/// One module's update, with a valid and an invalid version, and the query that shows it.
fn check_module(chain: &mut Governed, valid: Any, invalid: Any, reason: &str, applied: impl Fn(&Governed) -> bool) {
    assert!(!applied(chain), "{}: already applied before the update", valid.type_url);
    assert_eq!(chain.govern(valid.clone()), "ok", "{}", valid.type_url);
    assert!(applied(chain), "{}: not applied", valid.type_url);
    let refused = chain.govern(invalid.clone());
    assert!(refused != "ok" && refused.contains(reason), "{}: {refused}", invalid.type_url);
    assert!(applied(chain), "{}: an invalid update changed the parameters", invalid.type_url);
}

#[test]
fn every_module_applies_valid_parameters_from_the_authority_and_refuses_invalid_ones() {
    let mut chain = governed();
    let gov = gov().to_bech32();

    let auth_params = |max_memo: u64, sig_limit: u64| auth_pb::MsgUpdateParams {
        authority: gov.clone(),
        params: Some(auth_pb::Params { max_memo_characters: max_memo, tx_sig_limit: sig_limit, ..agora_auth::Params::default().to_proto() }),
    };
    check_module(&mut chain, any(&auth_params(512, 7)), any(&auth_params(512, 0)), "tx_sig_limit", |c| {
        let res: auth_pb::QueryParamsResponse = c.query("/cosmos.auth.v1beta1.Query/Params", &auth_pb::QueryParamsRequest {});
        res.params.expect("params").max_memo_characters == 512
    });

    let send_enabled = |denom: &str| bank_pb::SendEnabled { denom: denom.into(), enabled: false };
    #[allow(deprecated)]
    let bank_params = |entries: Vec<bank_pb::SendEnabled>| bank_pb::MsgUpdateParams {
        authority: gov.clone(),
        params: Some(bank_pb::Params { send_enabled: entries, default_send_enabled: true }),
    };
    check_module(&mut chain, any(&bank_params(vec![send_enabled("ufoo")])), any(&bank_params(vec![send_enabled("ufoo"), send_enabled("ufoo")])), "twice", |c| {
        let res: bank_pb::QueryParamsResponse = c.query("/cosmos.bank.v1beta1.Query/Params", &bank_pb::QueryParamsRequest {});
        #[allow(deprecated)]
        let named = res.params.expect("params").send_enabled;
        named.iter().any(|s| s.denom == "ufoo" && !s.enabled)
    });
    // The new bank parameters hold: ufoo no longer moves.
    let result = chain.send(&msg_send(&chain.alice.address(), &key(2).address(), vec![pb_coin("ufoo", "1")]));
    assert_refused(&result, "bank", 5, "ufoo transfers are currently disabled");

    let provider_params = |unbonding: u64| agora_proto::provider::v1::MsgUpdateParams {
        authority: gov.clone(),
        params: Some(agora_proto::provider::v1::Params { unbonding_blocks: unbonding, ..agora_provider::Params::default().to_proto() }),
    };
    check_module(&mut chain, any(&provider_params(77)), any(&provider_params(0)), "unbonding_blocks", |c| {
        let res: agora_proto::provider::v1::QueryParamsResponse =
            c.query("/agora.provider.v1.Query/Params", &agora_proto::provider::v1::QueryParamsRequest {});
        res.params.expect("params").unbonding_blocks == 77
    });

    let deployment_params = |max_groups: u32| agora_proto::deployment::v1::MsgUpdateParams {
        authority: gov.clone(),
        params: Some(agora_proto::deployment::v1::Params { max_groups, ..agora_market::DeploymentParams::default().to_proto() }),
    };
    check_module(&mut chain, any(&deployment_params(3)), any(&deployment_params(0)), "max_groups", |c| {
        let res: agora_proto::deployment::v1::QueryParamsResponse =
            c.query("/agora.deployment.v1.Query/Params", &agora_proto::deployment::v1::QueryParamsRequest {});
        res.params.expect("params").max_groups == 3
    });

    let market_params = |ttl: u64| agora_proto::market::v1::MsgUpdateParams {
        authority: gov.clone(),
        params: Some(agora_proto::market::v1::Params { order_ttl_blocks: ttl, ..agora_market::MarketParams::default().to_proto() }),
    };
    check_module(&mut chain, any(&market_params(5_000)), any(&market_params(0)), "order_ttl_blocks", |c| {
        let res: agora_proto::market::v1::QueryParamsResponse =
            c.query("/agora.market.v1.Query/Params", &agora_proto::market::v1::QueryParamsRequest {});
        res.params.expect("params").order_ttl_blocks == 5_000
    });

    let escrow_params = |take: u32| agora_proto::escrow::v1::MsgUpdateParams {
        authority: gov.clone(),
        params: Some(agora_proto::escrow::v1::Params { default_take_rate_bps: take, ..agora_escrow::Params::default().to_proto() }),
    };
    check_module(&mut chain, any(&escrow_params(300)), any(&escrow_params(10_001)), "default_take_rate_bps", |c| {
        let res: agora_proto::escrow::v1::QueryParamsResponse =
            c.query("/agora.escrow.v1.Query/Params", &agora_proto::escrow::v1::QueryParamsRequest {});
        res.params.expect("params").default_take_rate_bps == 300
    });

    use cosmos_sdk_proto::cosmos::{distribution::v1beta1 as dpb, mint::v1beta1 as mpb, slashing::v1beta1 as spb, staking::v1beta1 as stpb};
    let staking_params = |max_validators: u32| stpb::MsgUpdateParams {
        authority: gov.clone(),
        params: Some(stpb::Params { max_validators, ..agora_staking::Params::default().to_proto() }),
    };
    check_module(&mut chain, any(&staking_params(50)), any(&staking_params(0)), "max_validators", |c| {
        let res: stpb::QueryParamsResponse = c.query("/cosmos.staking.v1beta1.Query/Params", &stpb::QueryParamsRequest {});
        res.params.expect("params").max_validators == 50
    });

    let slashing_params = |window: i64| spb::MsgUpdateParams {
        authority: gov.clone(),
        params: Some(spb::Params { signed_blocks_window: window, ..agora_slashing::Params::default().to_proto() }),
    };
    check_module(&mut chain, any(&slashing_params(200)), any(&slashing_params(0)), "signed_blocks_window", |c| {
        let res: spb::QueryParamsResponse = c.query("/cosmos.slashing.v1beta1.Query/Params", &spb::QueryParamsRequest {});
        res.params.expect("params").signed_blocks_window == 200
    });

    let mint_params = |blocks_per_year: u64| mpb::MsgUpdateParams {
        authority: gov.clone(),
        params: Some(mpb::Params { blocks_per_year, ..agora_mint::Params::default().to_proto() }),
    };
    check_module(&mut chain, any(&mint_params(1_000)), any(&mint_params(0)), "blocks_per_year", |c| {
        let res: mpb::QueryParamsResponse = c.query("/cosmos.mint.v1beta1.Query/Params", &mpb::QueryParamsRequest {});
        res.params.expect("params").blocks_per_year == 1_000
    });

    let distribution_params = |tax: &str| dpb::MsgUpdateParams {
        authority: gov.clone(),
        params: Some(dpb::Params { community_tax: tax.into(), ..agora_distribution::Params::default().to_proto() }),
    };
    check_module(&mut chain, any(&distribution_params("50000000000000000")), any(&distribution_params("1500000000000000000")), "community_tax", |c| {
        let res: dpb::QueryParamsResponse = c.query("/cosmos.distribution.v1beta1.Query/Params", &dpb::QueryParamsRequest {});
        res.params.expect("params").community_tax == "50000000000000000"
    });
}

fn consensus_update(authority: &str, max_bytes: i64, max_gas: i64) -> agora_consensus::proto::MsgUpdateParams {
    let current = agora_consensus::ConsensusParams::from(default_consensus_params());
    agora_consensus::proto::MsgUpdateParams {
        authority: authority.into(),
        block: Some(tendermint_proto::v0_38::types::BlockParams { max_bytes, max_gas }),
        evidence: current.evidence,
        validator: current.validator,
        abci: None,
    }
}

#[test]
fn only_the_authority_may_update_parameters() {
    let mut chain = governed();
    let alice = chain.alice.address().to_bech32();
    let refusals = [
        (chain.send(&auth_pb::MsgUpdateParams { authority: alice.clone(), params: Some(agora_auth::Params::default().to_proto()) }), "auth"),
        (chain.send(&bank_pb::MsgUpdateParams { authority: alice.clone(), params: Some(agora_bank::Params::default().to_proto()) }), "bank"),
        (chain.send(&consensus_update(&alice, 1_000_000, 1)), "consensus"),
        (
            chain.send(&agora_proto::provider::v1::MsgUpdateParams {
                authority: alice.clone(),
                params: Some(agora_provider::Params::default().to_proto()),
            }),
            "provider",
        ),
        (
            chain.send(&agora_proto::deployment::v1::MsgUpdateParams {
                authority: alice.clone(),
                params: Some(agora_market::DeploymentParams::default().to_proto()),
            }),
            "deployment",
        ),
        (
            chain.send(&agora_proto::market::v1::MsgUpdateParams {
                authority: alice.clone(),
                params: Some(agora_market::MarketParams::default().to_proto()),
            }),
            "market",
        ),
        (
            chain.send(&agora_proto::escrow::v1::MsgUpdateParams { authority: alice.clone(), params: Some(agora_escrow::Params::default().to_proto()) }),
            "escrow",
        ),
        (
            chain.send(&cosmos_sdk_proto::cosmos::staking::v1beta1::MsgUpdateParams {
                authority: alice.clone(),
                params: Some(agora_staking::Params::default().to_proto()),
            }),
            "staking",
        ),
        (
            chain.send(&cosmos_sdk_proto::cosmos::slashing::v1beta1::MsgUpdateParams {
                authority: alice.clone(),
                params: Some(agora_slashing::Params::default().to_proto()),
            }),
            "slashing",
        ),
        (
            chain.send(&cosmos_sdk_proto::cosmos::mint::v1beta1::MsgUpdateParams { authority: alice.clone(), params: Some(agora_mint::Params::default().to_proto()) }),
            "mint",
        ),
        (
            chain.send(&cosmos_sdk_proto::cosmos::distribution::v1beta1::MsgUpdateParams {
                authority: alice.clone(),
                params: Some(agora_distribution::Params::default().to_proto()),
            }),
            "distribution",
        ),
        (
            chain.send(&cosmos_sdk_proto::cosmos::distribution::v1beta1::MsgCommunityPoolSpend {
                authority: alice.clone(),
                recipient: alice.clone(),
                amount: vec![pb_coin("uagora", "1")],
            }),
            "distribution spend",
        ),
    ];
    for (result, module) in refusals {
        assert_refused(&result, "gov", 13, "invalid authority");
        assert!(result.log.contains(&gov().to_bech32()), "{module}: {}", result.log);
    }
    // Naming the authority does not help: alice cannot sign for the governance account.
    let sequence = chain.next_sequence();
    let forged = signed(&chain.alice, &consensus_update(&gov().to_bech32(), 1_000_000, 1), 1, sequence);
    let result = chain.node.make_block(vec![forged]).expect("block").remove(0);
    assert!(!result.code.is_ok(), "a transaction alice signed in the authority's name must fail");
    assert_eq!(chain.governed_max_gas(), None, "the consensus parameters did not change");
}

impl Governed {
    fn governed_max_gas(&self) -> Option<i64> {
        let res: agora_consensus::proto::QueryParamsResponse =
            self.query("/cosmos.consensus.v1.Query/Params", &agora_consensus::proto::QueryParamsRequest {});
        let max_gas = res.params.expect("params").block.expect("block").max_gas;
        (max_gas >= 0).then_some(max_gas)
    }
}

/// A new block gas limit reaches CometBFT in the block that set it and bounds every later
/// block: CheckTx refuses a transaction that could never fit, ProcessProposal a block whose
/// gas limits add up to more, PrepareProposal leaves out what does not fit, and FinalizeBlock
/// (had a proposal over the limit been decided anyway) runs only what fits.
#[test]
fn the_block_gas_limit_is_a_consensus_parameter_the_authority_sets() {
    const MAX_GAS: u64 = 10_000_000;
    const TX_GAS: u64 = 4_000_000;
    let mut chain = governed();
    let gov = gov().to_bech32();
    let invalid = chain.govern(any(&consensus_update(&gov, 0, MAX_GAS as i64)));
    assert!(invalid.starts_with("sdk 18") && invalid.contains("block.max_bytes"), "{invalid}");
    let too_small = chain.govern(any(&consensus_update(&gov, 22_020_096, 500_000)));
    assert!(too_small.starts_with("sdk 18") && too_small.contains("block.max_gas"), "{too_small}");
    assert_eq!(chain.govern(any(&consensus_update(&gov, 22_020_096, MAX_GAS as i64))), "ok");
    let update = chain.node.last_finalized().expect("finalized").consensus_param_updates.clone().expect("update sent to CometBFT");
    assert_eq!(update.block.max_gas, MAX_GAS as i64);
    assert_eq!(update.version.expect("version").app, agora_app::abci::APP_VERSION, "the header keeps the app version");
    assert_eq!(chain.governed_max_gas(), Some(MAX_GAS as i64));

    // Two sends of 4,000,000 gas fit a block, a third does not.
    let bob = key(2).address();
    let alice = chain.alice.clone();
    let base = chain.sequence;
    let send = |sequence: u64, gas: u64| {
        TxBuilder::new()
            .any_message(to_any(&msg_send(&alice.address(), &bob, vec![pb_coin("uagora", "1")])))
            .fee(coins(FEE))
            .gas_limit(gas)
            .sign(&alice, CHAIN_ID, 1, sequence)
    };
    let sends: Vec<Vec<u8>> = (0..3).map(|i| send(base + i, TX_GAS)).collect();
    let check = chain.node.check_tx(&send(base, MAX_GAS + 1));
    assert_eq!((check.codespace.as_str(), check.code.value()), ("sdk", 41), "{}", check.log);

    assert!(chain.node.process_proposal(sends[..2].to_vec()).expect("verdict"));
    assert!(!chain.node.process_proposal(sends.clone()).expect("verdict"), "12,000,000 gas in a 10,000,000 block");

    let before = chain.balance_of(&alice.address());
    let results = chain.node.make_raw_block(sends.clone()).expect("block");
    assert!(results[0].code.is_ok() && results[1].code.is_ok(), "{results:?}");
    assert_eq!((results[2].codespace.as_str(), results[2].code.value()), ("sdk", 11), "{}", results[2].log);
    assert!(results[2].log.contains("block gas meter"), "{}", results[2].log);
    let fee = coins(FEE).amount_of(&agora_types::Denom::native());
    assert_eq!(chain.balance_of(&alice.address()), before - 2 * (fee + 1), "the third send paid no fee");

    // PrepareProposal leaves out what does not fit.
    let next: Vec<Vec<u8>> = (0..3).map(|i| send(base + 2 + i, TX_GAS)).collect();
    let results = chain.node.make_block(next).expect("block");
    assert_eq!(results.len(), 2, "only two sends were proposed");
}

impl Governed {
    fn balance_of(&self, address: &Address) -> u128 {
        let res: bank_pb::QueryBalanceResponse = self.query(
            "/cosmos.bank.v1beta1.Query/Balance",
            &bank_pb::QueryBalanceRequest { address: address.to_bech32(), denom: "uagora".into() },
        );
        res.balance.expect("balance").amount.parse().expect("amount")
    }
}

/// A message that would write 10,000 balances stops at the read where its gas runs out: it
/// writes none of them, and the gas it burned exceeds its limit by at most one store access.
#[test]
fn an_out_of_gas_message_stops_where_it_runs_out_and_writes_nothing() {
    let mut chain = governed();
    let alice = chain.alice.clone();
    let outputs: Vec<bank_pb::Output> = (0..10_000u32)
        .map(|i| {
            let mut bytes = [7u8; 20];
            bytes[..4].copy_from_slice(&i.to_be_bytes());
            bank_pb::Output { address: Address::new(bytes).to_bech32(), coins: vec![pb_coin("uagora", "1")] }
        })
        .collect();
    let multi = bank_pb::MsgMultiSend {
        inputs: vec![bank_pb::Input { address: alice.address().to_bech32(), coins: vec![pb_coin("uagora", "10000")] }],
        outputs,
    };
    // Above the transaction's size cost (10 gas per byte of about 700 kB), far below the
    // 10,000 outputs' reads and writes.
    const LIMIT: u64 = 10_000_000;
    let tx = TxBuilder::new().any_message(to_any(&multi)).fee(coins(FEE)).gas_limit(LIMIT).sign(&alice, CHAIN_ID, 1, 0);
    let result = chain.node.make_raw_block(vec![tx]).expect("block").remove(0);
    assert_eq!((result.codespace.as_str(), result.code.value()), ("sdk", 11), "{}", result.log);
    let used = u64::try_from(result.gas_used).expect("gas");
    // The largest single charge is one balance write: flat 2,000 plus 30 per byte.
    assert!(used > LIMIT && used <= LIMIT + 5_000, "gas used {used}: work went on after the limit");
    let first = Address::new({
        let mut bytes = [7u8; 20];
        bytes[..4].copy_from_slice(&0u32.to_be_bytes());
        bytes
    });
    assert_eq!(chain.balance_or_zero(&first), 0, "no output was paid");
}

impl Governed {
    fn balance_or_zero(&self, address: &Address) -> u128 {
        let res: bank_pb::QueryBalanceResponse = self.query(
            "/cosmos.bank.v1beta1.Query/Balance",
            &bank_pb::QueryBalanceRequest { address: address.to_bech32(), denom: "uagora".into() },
        );
        res.balance.map_or(0, |c| c.amount.parse().expect("amount"))
    }
}

/// `Simulate` is a public query: it runs no more gas than the node allows, whatever the
/// transaction asks for.
#[test]
fn simulate_stops_at_the_node_gas_cap() {
    let config = AppConfig { query_gas_limit: 300_000, ..AppConfig::default() };
    let chain = governed_with(config, default_consensus_params());
    let alice = chain.alice.clone();
    let outputs: Vec<bank_pb::Output> = (0..1_000u32)
        .map(|i| bank_pb::Output { address: Address::new([i as u8; 20]).to_bech32(), coins: vec![pb_coin("uagora", "1")] })
        .collect();
    let multi = bank_pb::MsgMultiSend {
        inputs: vec![bank_pb::Input { address: alice.address().to_bech32(), coins: vec![pb_coin("uagora", "1000")] }],
        outputs,
    };
    let tx = TxBuilder::new().any_message(to_any(&multi)).fee(coins(FEE)).gas_limit(u64::MAX / 2).sign(&alice, CHAIN_ID, 1, 0);
    let error = chain.node.app().simulate(&tx).expect("decodes").result.expect_err("capped");
    assert_eq!((error.codespace.as_str(), error.code), ("sdk", 11), "{}", error.log);
    let small = send_tx(&alice, &key(2).address(), "1uagora", 1, 0);
    assert!(chain.node.app().simulate(&small).expect("decodes").result.is_ok());
}

/// A component without the governance account cannot execute as it: each `end_block` gets a
/// router scoped to the component's own module accounts.
#[test]
fn a_component_executes_only_as_its_own_module_accounts() {
    const RESULT: &[u8] = b"impostor/result";

    struct Impostor;

    impl Component for Impostor {
        /// Holds nothing a genesis section would carry.
        fn export_genesis(&self, _state: &dyn agora_store::StateRead, _height: u64) -> Result<Self::Genesis, String> {
            Ok(())
        }

        type Msg = agora_component::NoMessages;
        type Genesis = ();

        fn name(&self) -> &'static str {
            "impostor"
        }

        fn init_genesis(&self, _state: &mut dyn StateWrite, _genesis: &()) -> Result<(), String> {
            Ok(())
        }

        fn end_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext, router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
            let update = auth_pb::MsgUpdateParams {
                authority: gov().to_bech32(),
                params: Some(auth_pb::Params { max_memo_characters: 1, ..agora_auth::Params::default().to_proto() }),
            };
            let result = match router.execute_as(state, ctx, &gov(), &any(&update)) {
                Ok(_) => "ok".to_string(),
                Err(error) => format!("{} {}: {}", error.codespace, error.code, error.log),
            };
            state.put_raw(RESULT.to_vec(), result.into_bytes());
            Ok(EndBlockOutcome::default())
        }
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let storage = Storage::open(dir.path(), agora_app::app::storage_config(100)).expect("open");
    let components = agora_app::components_builder().with(Impostor).build().expect("components");
    let app = Arc::new(App::with_components(components, storage, AppConfig::default()).expect("app"));
    let mut node = TestNode::start(app, CHAIN_ID, &genesis_json(&[])).expect("start");
    node.make_block(vec![]).expect("block");
    let answer = node.query("/store/main/key", RESULT.to_vec(), 0, false).expect("query");
    let result = String::from_utf8(answer.value.to_vec()).expect("utf8");
    assert!(result.starts_with("sdk 4") && result.contains("not a module account"), "{result}");
    let params: auth_pb::QueryParamsResponse = node.query_proto("/cosmos.auth.v1beta1.Query/Params", &auth_pb::QueryParamsRequest {}).expect("params");
    assert_eq!(params.params.expect("params").max_memo_characters, 256, "nothing changed");
}
