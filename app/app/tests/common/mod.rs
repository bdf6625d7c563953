//! Shared fixtures of the in-process app tests.
#![allow(dead_code)]

pub mod market;

use std::sync::Arc;

use agora_app::harness::TestNode;
use agora_app::{App, AppConfig};
use agora_genesis::AppState;
use agora_store::Storage;
use agora_tx::{to_any, SigningKey, TxBuilder};
use agora_types::{Address, Coins};
use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank_pb;
use cosmos_sdk_proto::cosmos::staking::v1beta1 as staking_pb;
use prost::Message as _;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as PbCoin;
use tendermint::abci::types::ExecTxResult;

pub const CHAIN_ID: &str = "agora-test-1";
pub const FEE: &str = "5000uagora";
pub const GAS: u64 = 200_000;

pub fn key(seed: u8) -> SigningKey {
    SigningKey::secp256k1_from_bytes(&[seed; 32]).expect("valid secret")
}

pub fn ed_key(seed: u8) -> SigningKey {
    SigningKey::ed25519_from_bytes(&[seed; 32])
}

pub fn coins(s: &str) -> Coins {
    s.parse().expect("coins")
}

pub fn pb_coin(denom: &str, amount: &str) -> PbCoin {
    PbCoin { denom: denom.into(), amount: amount.into() }
}

/// A chain whose genesis funds each of `funded` with 1,000,000,000 uagora (and 500 ufoo).
pub struct Chain {
    pub node: TestNode,
    pub dir: tempfile::TempDir,
}

/// Turns inflation off (no provision is minted), for tests whose point is that a block changes
/// nothing it should not: each block would otherwise mint into the fee collector. Minting has
/// its own tests.
pub fn without_inflation(genesis: &mut AppState) {
    let mut mint: agora_mint::GenesisState = genesis.section("mint").expect("mint");
    mint.minter.inflation = agora_types::Dec::ZERO;
    mint.params.inflation_min = agora_types::Dec::ZERO;
    mint.params.inflation_max = agora_types::Dec::ZERO;
    mint.params.inflation_rate_change = agora_types::Dec::ZERO;
    genesis.set_section("mint", &mint).expect("mint");
}

pub fn genesis_json(funded: &[Address]) -> Vec<u8> {
    let mut genesis = agora_app::genesis::new_chain().expect("genesis");
    without_inflation(&mut genesis);
    for addr in funded {
        agora_app::genesis::add_account(&mut genesis, *addr, &coins("1000000000uagora,500ufoo")).expect("add");
    }
    genesis.to_json().expect("json")
}

pub fn open_app(dir: &std::path::Path, config: AppConfig) -> Arc<App> {
    let storage = Storage::open(dir, agora_app::app::storage_config(100)).expect("open");
    Arc::new(App::new(storage, config).expect("app"))
}

pub fn chain_with(funded: &[Address], config: AppConfig) -> Chain {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_app(dir.path(), config);
    let mut node = TestNode::start(app, CHAIN_ID, &genesis_json(funded)).expect("start");
    // Block 1 commits genesis, so every test starts from committed state.
    node.make_block(vec![]).expect("first block");
    Chain { node, dir }
}

/// A chain started from the given genesis app state.
pub fn chain_from_genesis(genesis: &AppState) -> Chain {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_app(dir.path(), AppConfig::default());
    let json = genesis.to_json().expect("json");
    let mut node = TestNode::start(app, CHAIN_ID, &json).expect("start");
    node.make_block(vec![]).expect("first block");
    Chain { node, dir }
}

pub fn chain(funded: &[Address]) -> Chain {
    chain_with(funded, AppConfig::default())
}

pub fn msg_send(from: &Address, to: &Address, amount: Vec<PbCoin>) -> bank_pb::MsgSend {
    bank_pb::MsgSend { from_address: from.to_bech32(), to_address: to.to_bech32(), amount }
}

/// A signed single-message transaction.
pub fn signed<M: prost::Name>(key: &SigningKey, msg: &M, account_number: u64, sequence: u64) -> Vec<u8> {
    signed_with(key, msg, account_number, sequence, CHAIN_ID, FEE)
}

pub fn signed_with<M: prost::Name>(
    key: &SigningKey,
    msg: &M,
    account_number: u64,
    sequence: u64,
    chain_id: &str,
    fee: &str,
) -> Vec<u8> {
    TxBuilder::new()
        .any_message(to_any(msg))
        .fee(coins(fee))
        .gas_limit(GAS)
        .sign(key, chain_id, account_number, sequence)
}

pub fn send_tx(key: &SigningKey, to: &Address, amount: &str, account_number: u64, sequence: u64) -> Vec<u8> {
    let c: agora_types::Coin = amount.parse().expect("coin");
    signed(key, &msg_send(&key.address(), to, vec![c.to_proto()]), account_number, sequence)
}

impl Chain {
    /// Makes a block and checks the invariants after it.
    pub fn block(&mut self, txs: Vec<Vec<u8>>) -> Vec<ExecTxResult> {
        let results = self.node.make_block(txs).expect("block");
        self.check_invariants();
        results
    }

    /// Finalizes txs exactly as given (a proposer could have included anything).
    pub fn raw_block(&mut self, txs: Vec<Vec<u8>>) -> Vec<ExecTxResult> {
        let results = self.node.make_raw_block(txs).expect("block");
        self.check_invariants();
        results
    }

    pub fn check_invariants(&self) {
        let snapshot = self.node.app().storage().latest_snapshot();
        self.node.app().components().check_invariants(&snapshot).expect("invariants");
    }

    pub fn balance(&self, addr: &Address, denom: &str) -> u128 {
        let res: bank_pb::QueryBalanceResponse = self
            .node
            .query_proto(
                "/cosmos.bank.v1beta1.Query/Balance",
                &bank_pb::QueryBalanceRequest { address: addr.to_bech32(), denom: denom.into() },
            )
            .expect("balance");
        res.balance.expect("coin").amount.parse().expect("amount")
    }

    pub fn account(&self, addr: &Address) -> Option<agora_auth::Account> {
        use agora_auth::AuthRead;
        self.node.app().storage().latest_snapshot().account(addr).expect("read")
    }

    pub fn app_hash(&self) -> Vec<u8> {
        self.node.last_app_hash().to_vec()
    }

    /// Every key and value of the latest state, but for what every block writes whatever it
    /// holds (the header staking keeps for `HistoricalInfo`, and which validator-set snapshot
    /// is in force at it).
    pub fn state_without_block_records(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        use agora_store::StateRead;
        let snapshot = self.node.app().storage().latest_snapshot();
        snapshot
            .prefix_raw(b"", None)
            .map(|item| item.expect("read"))
            .filter(|(key, _)| !key.starts_with(b"staking/historical/") && !key.starts_with(b"staking/historical_valset_of/"))
            .collect()
    }
}

/// Asserts a refusal with the given codespace and code whose log mentions `needle`.
pub fn assert_refused(result: &ExecTxResult, codespace: &str, code: u32, needle: &str) {
    assert_eq!(result.code.value(), code, "code; log: {}", result.log);
    assert_eq!(result.codespace, codespace, "codespace; log: {}", result.log);
    assert!(result.log.contains(needle), "log {:?} should mention {needle:?}", result.log);
}

// ---- Validators from gentxs (staking, gov) -------------------------------------------------

pub fn valoper(key: &SigningKey) -> String {
    key.address().to_bech32_with(agora_types::VALOPER_PREFIX)
}

pub fn consensus_key(seed: u8) -> cosmos_sdk_proto::Any {
    cosmos_sdk_proto::Any {
        type_url: "/cosmos.crypto.ed25519.PubKey".into(),
        value: cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey { key: vec![seed; 32] }.encode_to_vec(),
    }
}

pub fn create_validator(key: &SigningKey, seed: u8, amount: u128) -> staking_pb::MsgCreateValidator {
    staking_pb::MsgCreateValidator {
        description: Some(staking_pb::Description { moniker: format!("validator-{seed}"), ..Default::default() }),
        commission: Some(staking_pb::CommissionRates { rate: "100000000000000000".into(), max_rate: "200000000000000000".into(), max_change_rate: "10000000000000000".into() }),
        min_self_delegation: "1000000".into(),
        #[allow(deprecated)]
        delegator_address: String::new(),
        validator_address: valoper(key),
        pubkey: Some(consensus_key(seed)),
        value: Some(pb_coin("uagora", &amount.to_string())),
    }
}

/// A gentx: `MsgCreateValidator` signed with account number 0, as `agorad genesis gentx`
/// signs it, base64 as `genutil.gen_txs` holds it.
pub fn gentx(key: &SigningKey, seed: u8, amount: u128, account_number: u64) -> String {
    use base64::Engine as _;
    let tx = agora_tx::TxBuilder::new()
        .any_message(agora_tx::to_any(&create_validator(key, seed, amount)))
        .gas_limit(1_000_000)
        .sign(key, CHAIN_ID, account_number, 0);
    base64::engine::general_purpose::STANDARD.encode(tx)
}

/// A genesis whose validators are `gen_txs`, with accounts 1 and 2 funded.
pub fn genesis_with_gentxs(gen_txs: Vec<String>) -> agora_genesis::AppState {
    genesis_with_gentxs_funding(gen_txs, &[1, 2])
}

pub fn genesis_with_gentxs_funding(gen_txs: Vec<String>, funded: &[u8]) -> agora_genesis::AppState {
    let mut genesis = agora_app::genesis::new_chain().expect("genesis");
    without_inflation(&mut genesis);
    for &seed in funded {
        agora_app::genesis::add_account(&mut genesis, key(seed).address(), &coins("1000000000uagora")).expect("add");
    }
    genesis.set_section("genutil", &agora_app::genutil::GenesisState { gen_txs }).expect("set");
    genesis
}

