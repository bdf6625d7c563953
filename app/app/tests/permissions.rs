//! Module-account permissions through the real application: every declared module account
//! exists in auth with the Cosmos permission names of what it may do, bank's table agrees, and
//! only a component whose account may mint (or burn) does so, with supply conserved.

mod common;

use std::sync::Arc;

use agora_app::harness::TestNode;
use agora_app::{App, AppConfig};
use agora_bank::{BankRead, BankWrite};
use agora_component::{Component, EndBlockOutcome, ModuleAccount, MsgRouter, NoMessages};
use agora_store::{StateRead, StateWrite, Storage};
use agora_types::{AbciError, Address, BlockContext, Denom, Event, TxError};
use common::*;

/// Mints 5 uagora into its account every block and burns 2 of them; its `other` account
/// tries the same without permissions, and records the refusals under `faucet/refused`.
struct Faucet;

impl Component for Faucet {
    /// Holds nothing a genesis section would carry.
    fn export_genesis(&self, _state: &dyn agora_store::StateRead, _height: u64) -> Result<Self::Genesis, String> {
        Ok(())
    }

    type Msg = NoMessages;
    type Genesis = ();

    fn name(&self) -> &'static str {
        "faucet"
    }

    fn module_accounts(&self) -> Vec<ModuleAccount> {
        vec![ModuleAccount::new("faucet").minter().burner(), ModuleAccount::new("faucet_plain")]
    }

    fn init_genesis(&self, _state: &mut dyn StateWrite, _genesis: &()) -> Result<(), String> {
        Ok(())
    }

    fn end_block(&self, state: &mut dyn StateWrite, _ctx: &BlockContext, _router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
        let to_tx = |e: agora_bank::BankError| e.to_tx_error();
        let mut events: Vec<Event> = state.mint_coins("faucet", &coins("5uagora")).map_err(to_tx)?;
        events.extend(state.burn_coins("faucet", &coins("2uagora")).map_err(to_tx)?);
        let refusals = [
            state.mint_coins("faucet_plain", &coins("5uagora")).map(|_| ()),
            state.burn_coins("faucet_plain", &coins("1uagora")).map(|_| ()),
        ];
        let logs: Vec<String> = refusals
            .into_iter()
            .map(|refused| match refused {
                Err(error) => format!("{} {} {error}", error.codespace(), error.code()),
                Ok(()) => "allowed".into(),
            })
            .collect();
        state.put_raw(b"faucet/refused".to_vec(), logs.join("\n").into_bytes());
        Ok(EndBlockOutcome::events(events))
    }
}

fn faucet_chain() -> (TestNode, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let storage = Storage::open(dir.path(), agora_app::app::storage_config(100)).expect("open");
    let components = agora_app::components_builder().with(Faucet).build().expect("components");
    let app = Arc::new(App::with_components(components, storage, AppConfig::default()).expect("app"));
    let mut node = TestNode::start(app, CHAIN_ID, &genesis_json(&[key(1).address()])).expect("start");
    // Genesis state is committed with the first block.
    node.make_block(vec![]).expect("first block");
    (node, dir)
}

#[test]
fn every_declared_module_account_exists_with_its_permissions() {
    use agora_auth::AuthRead;
    let (node, _dir) = faucet_chain();
    let state = node.app().storage().latest_snapshot();
    for declared in node.app().components().module_accounts() {
        let account = state.account(&declared.address()).expect("read").unwrap_or_else(|| panic!("no account for {}", declared.name));
        let (name, permissions) = account.module.expect("a module account");
        assert_eq!(name, declared.name);
        let p = declared.permissions;
        let expected: Vec<&str> = [(p.mint, "minter"), (p.burn, "burner")].into_iter().filter(|(has, _)| *has).map(|(_, name)| name).collect();
        assert_eq!(permissions, expected, "{name}");
        assert_eq!(state.module_permissions(&declared.address()).expect("read"), Some(declared.permissions), "{name}");
    }
    let genesis_account = state.account(&key(1).address()).expect("read").expect("alice");
    assert_eq!(genesis_account.account_number, 1, "genesis accounts are numbered before module accounts");
}

#[test]
fn only_a_minting_module_mints_and_supply_follows() {
    let (mut node, _dir) = faucet_chain();
    let uagora = Denom::new("uagora").expect("denom");
    let supply_before = node.app().storage().latest_snapshot().supply_of(&uagora).expect("supply");
    for _ in 0..3 {
        node.make_block(vec![]).expect("block");
        let snapshot = node.app().storage().latest_snapshot();
        node.app().components().check_invariants(&snapshot).expect("invariants");
    }
    let state = node.app().storage().latest_snapshot();
    let faucet = Address::module("faucet");
    assert_eq!(state.balance(&faucet, &uagora).expect("balance"), 12, "the first block and three more, each +5 −2");
    assert_eq!(state.supply_of(&uagora).expect("supply"), supply_before + 9, "three blocks since");
    assert_eq!(state.balance(&Address::module("faucet_plain"), &uagora).expect("balance"), 0);
    let refused = String::from_utf8(state.get_raw(b"faucet/refused").expect("read").expect("written")).expect("utf8");
    let lines: Vec<&str> = refused.lines().collect();
    assert!(lines[0].starts_with("sdk 4") && lines[0].contains("faucet_plain does not have permissions to mint"), "{refused}");
    assert!(lines[1].starts_with("sdk 4") && lines[1].contains("faucet_plain does not have permissions to burn"), "{refused}");
}
