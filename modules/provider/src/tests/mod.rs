//! Component tests on a `StateDelta` over an empty in-memory base: genesis, the full message
//! lifecycle with exact balances, the keeper API, block hooks and queries.

mod audit;
mod keeper;
mod lifecycle;
mod penalty;
mod queries;

use agora_bank::BankRead;
use agora_proto::base::v1::{Attribute, GpuClass, Resources, StorageCapacity};
use agora_proto::provider::v1 as pb;
use agora_store::StateDelta;
use agora_types::{AbciError, Address, BlockContext, Coins, Denom, Event};

use crate::{execute, GenesisState, ProviderError, ProviderMsg, ProviderRead, ProviderWrite};

pub(crate) use agora_store::EmptyState as Empty;

pub(crate) type State = StateDelta<Empty>;

/// Bank as the application wires it, over bank's own API.
pub(crate) struct TestBank;

impl crate::BankKeeper for TestBank {
    fn send_coins(&self, state: &mut dyn agora_store::StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, agora_bank::BankError> {
        agora_bank::BankWrite::send_coins(state, from, to, amount)
    }

    fn balance(&self, state: &dyn agora_store::StateRead, address: &Address, denom: &agora_types::Denom) -> Result<u128, agora_bank::BankError> {
        agora_bank::BankRead::balance(state, address, denom)
    }
}

pub(crate) const BOND: u128 = 100_000_000;

/// A state after the default genesis.
pub(crate) fn genesis() -> State {
    let mut state = StateDelta::new(Empty);
    GenesisState::default().apply(&mut state).unwrap();
    state
}

pub(crate) fn ctx(height: u64) -> BlockContext {
    BlockContext { chain_id: "agora-test".into(), height, ..BlockContext::default() }
}

pub(crate) fn addr(n: u8) -> Address {
    Address::new([n; 20])
}

pub(crate) fn uagora() -> Denom {
    Denom::new("uagora").unwrap()
}

pub(crate) fn fund(state: &mut State, who: &Address, amount: u128) {
    agora_bank::testing::fund(state, who, &format!("{amount}uagora").parse::<Coins>().unwrap());
}

pub(crate) fn balance(state: &State, who: &Address) -> u128 {
    state.balance(who, &uagora()).unwrap()
}

pub(crate) fn gpu(model: &str, vram: u32, count: u32) -> GpuClass {
    GpuClass { vendor: "nvidia".into(), model: model.into(), vram_gib: vram, interface: "sxm".into(), count }
}

pub(crate) fn attr(k: &str, v: &str) -> Attribute {
    Attribute { key: k.into(), value: v.into() }
}

pub(crate) fn capacity(gpus: Vec<GpuClass>) -> Resources {
    Resources {
        cpu_millis: 64_000,
        memory_bytes: 512 << 30,
        storage: vec![StorageCapacity { class: "nvme".into(), bytes: 4 << 40 }],
        gpus,
    }
}

pub(crate) fn create_proto(owner: &Address, gpus: Vec<GpuClass>) -> pb::MsgCreateProvider {
    pb::MsgCreateProvider {
        owner: owner.to_string(),
        host_uri: "https://provider.example.com".into(),
        attributes: vec![attr("region", "eu-west"), attr("tier", "gold")],
        info: Some(pb::ProviderInfo { email: "ops@example.com".into(), website: String::new() }),
        capacity: Some(capacity(gpus)),
        bond: Some(cosmos_sdk_proto::cosmos::base::v1beta1::Coin { denom: "uagora".into(), amount: BOND.to_string() }),
        operator: String::new(),
    }
}

pub(crate) fn create_msg(owner: &Address, gpus: Vec<GpuClass>) -> ProviderMsg {
    ProviderMsg::CreateProvider(create_proto(owner, gpus).try_into().unwrap())
}

pub(crate) fn update_msg(owner: &Address, gpus: Vec<GpuClass>) -> ProviderMsg {
    let c = create_proto(owner, gpus);
    let m = pb::MsgUpdateProvider {
        owner: c.owner,
        host_uri: c.host_uri,
        attributes: c.attributes,
        info: c.info,
        capacity: c.capacity,
        operator: c.operator,
    };
    ProviderMsg::UpdateProvider(m.try_into().unwrap())
}

pub(crate) fn delete_msg(owner: &Address) -> ProviderMsg {
    ProviderMsg::DeleteProvider(pb::MsgDeleteProvider { owner: owner.to_string() }.try_into().unwrap())
}

/// A funded, registered provider with 8 H100s and 4 A100s.
pub(crate) fn registered(state: &mut State, owner: &Address) {
    fund(state, owner, BOND);
    run(state, 1, &create_msg(owner, vec![gpu("h100", 80, 8), gpu("a100", 80, 4)])).unwrap();
}

pub(crate) fn run(state: &mut State, height: u64, msg: &ProviderMsg) -> Result<Vec<Event>, ProviderError> {
    execute(state, &TestBank, &ctx(height), msg)
}

pub(crate) fn provider(state: &State, owner: &Address) -> pb::Provider {
    state.provider(owner).unwrap().expect("provider exists")
}

pub(crate) fn event<'a>(events: &'a [Event], kind: &str) -> &'a Event {
    events.iter().find(|e| e.kind == kind).unwrap_or_else(|| panic!("no {kind} event in {events:?}"))
}

#[test]
fn genesis_writes_params() {
    let state = genesis();
    assert_eq!(state.provider_params().unwrap(), crate::Params::default());

    let json = r#"{"params": {"unbonding_blocks": 10, "min_bond": {"denom": "uagora", "amount": "5"}}}"#;
    let custom: GenesisState = serde_json::from_str(json).unwrap();
    let mut state = StateDelta::new(Empty);
    custom.apply(&mut state).unwrap();
    let params = state.provider_params().unwrap();
    assert_eq!(params.unbonding_blocks, 10);
    assert_eq!(params.min_bond.amount, 5);
    assert_eq!(params.max_attributes, 64);

    assert!(serde_json::from_str::<GenesisState>(r#"{"params": {}, "validators": []}"#).is_err(), "unknown fields are refused");
    let bad: GenesisState = serde_json::from_str(r#"{"params": {"unbonding_blocks": 0}}"#).unwrap();
    let err = bad.apply(&mut StateDelta::new(Empty)).unwrap_err();
    assert!(matches!(&err, ProviderError::InvalidGenesis(m) if m == "provider.params.unbonding_blocks must be positive"), "{err}");
    assert_eq!(err.codespace(), "provider");
}
