//! Module-account permissions: the table written at genesis from the declared module accounts
//! (checked by every mint and burn), and the same declarations checked by bank messages.

use agora_component::{Authority, Component, ModuleAccount, Wiring};
use agora_store::{EmptyState, StateDelta};
use agora_types::{AbciError, Address, BlockContext, Coins, Denom, TxError};

use crate::{BankComponent, BankMsg, BankRead, BankWrite, GenesisState, Send};

type State = StateDelta<EmptyState>;

fn coins(text: &str) -> Coins {
    text.parse().unwrap()
}

fn uagora() -> Denom {
    Denom::new("uagora").unwrap()
}

/// A bank wired with a minter, a burner, a receiver and a plain module account, after a
/// genesis that funds `alice` and the burner.
fn chain() -> (BankComponent, State) {
    let mut bank = BankComponent::default();
    bank.wire(&Wiring {
        module_accounts: vec![
            ModuleAccount::new("mint").minter(),
            ModuleAccount::new("burner").burner(),
            ModuleAccount::new("pool").receiver(),
            ModuleAccount::new("escrow"),
        ],
        authority: Authority::governance(), module_versions: vec![],
    });
    let mut genesis = GenesisState::default();
    genesis.add_balance(alice(), &coins("1000uagora")).unwrap();
    genesis.add_balance(Address::module("burner"), &coins("500uagora")).unwrap();
    let mut state = StateDelta::new(EmptyState);
    bank.init_genesis(&mut state, &genesis).unwrap();
    (bank, state)
}

fn alice() -> Address {
    Address::new([1; 20])
}

fn send(bank: &BankComponent, state: &mut State, to: Address) -> Result<(), TxError> {
    let msg = BankMsg::Send(Send { from: alice(), to, amount: coins("10uagora") });
    bank.execute(state, &BlockContext::default(), &msg).map(|_| ())
}

#[test]
fn genesis_writes_every_declared_permission_and_the_authority() {
    let (_, state) = chain();
    let of = |name: &str| state.module_permissions(&Address::module(name)).unwrap().unwrap();
    assert!(of("mint").mint && !of("mint").burn && !of("mint").receive);
    assert!(of("burner").burn && !of("burner").mint);
    assert!(of("pool").receive);
    assert_eq!(of("escrow"), Default::default());
    assert_eq!(of("gov"), Default::default(), "the authority is blocked even before governance declares it");
    assert_eq!(state.module_permissions(&alice()).unwrap(), None);
}

#[test]
fn only_a_minter_mints() {
    let (_, mut state) = chain();
    let error = state.mint_coins("escrow", &coins("5uagora")).unwrap_err();
    assert_eq!((error.codespace(), error.code()), ("sdk", 4));
    assert!(error.to_string().contains("escrow does not have permissions to mint"), "{error}");
    let error = state.mint_coins("nobody", &coins("5uagora")).unwrap_err();
    assert_eq!((error.codespace(), error.code()), ("sdk", 4), "an undeclared module mints nothing");
    assert_eq!(state.supply_of(&uagora()).unwrap(), 1500);

    let events = state.mint_coins("mint", &coins("5uagora")).unwrap();
    assert_eq!(events[0].kind, "coinbase");
    assert_eq!(state.balance(&Address::module("mint"), &uagora()).unwrap(), 5);
    assert_eq!(state.supply_of(&uagora()).unwrap(), 1505);
    crate::invariant::check_supply(&state).unwrap();
}

#[test]
fn only_a_burner_burns_and_only_what_it_holds() {
    let (_, mut state) = chain();
    let error = state.burn_coins("mint", &coins("1uagora")).unwrap_err();
    assert_eq!((error.codespace(), error.code()), ("sdk", 4));
    assert!(error.to_string().contains("mint does not have permissions to burn"), "{error}");
    let error = state.burn_coins("burner", &coins("501uagora")).unwrap_err();
    assert_eq!((error.codespace(), error.code()), ("sdk", 5));

    let events = state.burn_coins("burner", &coins("200uagora")).unwrap();
    assert_eq!(events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["coin_spent", "burn"]);
    assert_eq!(state.balance(&Address::module("burner"), &uagora()).unwrap(), 300);
    assert_eq!(state.supply_of(&uagora()).unwrap(), 1300);
    crate::invariant::check_supply(&state).unwrap();
}

#[test]
fn bank_messages_reach_only_module_accounts_that_receive() {
    let (bank, mut state) = chain();
    for blocked in ["escrow", "mint", "gov"] {
        let before = state.balance(&alice(), &uagora()).unwrap();
        let error = send(&bank, &mut state, Address::module(blocked)).unwrap_err();
        assert_eq!((error.codespace.as_str(), error.code), ("sdk", 4), "{blocked}");
        assert!(error.log.contains("not allowed to receive funds"), "{}", error.log);
        assert_eq!(state.balance(&alice(), &uagora()).unwrap(), before);
    }
    send(&bank, &mut state, Address::module("pool")).unwrap();
    send(&bank, &mut state, Address::new([2; 20])).unwrap();
    assert_eq!(state.balance(&Address::module("pool"), &uagora()).unwrap(), 10);
}

/// An account a later version declares (an upgrade adds a module) has no entry in the table
/// written at genesis: the code's declaration blocks it all the same, and a custom authority
/// is blocked like the governance account.
#[test]
fn accounts_declared_after_genesis_and_a_custom_authority_are_blocked() {
    let (mut bank, mut state) = chain();
    let custom = Address::module("council");
    bank.wire(&Wiring {
        module_accounts: vec![ModuleAccount::new("mint").minter(), ModuleAccount::new("later")],
        authority: Authority::new(custom), module_versions: vec![],
    });
    assert_eq!(state.module_permissions(&Address::module("later")).unwrap(), None, "not in the table");
    for blocked in [Address::module("later"), custom] {
        let error = send(&bank, &mut state, blocked).unwrap_err();
        assert_eq!((error.codespace.as_str(), error.code), ("sdk", 4), "{blocked}");
    }
    let mut fresh = BankComponent::default();
    fresh.wire(&Wiring { module_accounts: vec![], authority: Authority::new(custom), module_versions: vec![] });
    let mut state = StateDelta::new(EmptyState);
    fresh.init_genesis(&mut state, &GenesisState::default()).unwrap();
    assert_eq!(state.module_permissions(&custom).unwrap(), Some(Default::default()), "the custom authority's entry");
}

/// `SendEnabled` lists only the denoms with their own setting, in denom order, by page.
#[test]
fn send_enabled_lists_the_denoms_with_their_own_setting() {
    use cosmos_sdk_proto::cosmos::bank::v1beta1 as pb;
    use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;
    use prost::Message;

    use crate::params::{Params, SendEnabled};
    use crate::state::BankRecords;

    let (_, mut state) = chain();
    let entry = |denom: &str, enabled| SendEnabled { denom: Denom::new(denom).unwrap(), enabled };
    state.put_bank_params(&Params { default_send_enabled: true, send_enabled: vec![entry("uzeta", false), entry("uatom", true), entry("ufoo", false)] });
    let ask = |req: pb::QuerySendEnabledRequest| -> pb::QuerySendEnabledResponse {
        let bytes = crate::query::query(&state, crate::query::SEND_ENABLED, &req.encode_to_vec()).unwrap().unwrap();
        pb::QuerySendEnabledResponse::decode(bytes.as_slice()).unwrap()
    };
    let named = ask(pb::QuerySendEnabledRequest { denoms: vec!["ufoo".into(), "uagora".into()], pagination: None });
    assert_eq!(named.send_enabled, vec![pb::SendEnabled { denom: "ufoo".into(), enabled: false }], "uagora follows the default");
    let first = ask(pb::QuerySendEnabledRequest { denoms: vec![], pagination: Some(PageRequest { limit: 2, ..Default::default() }) });
    let denoms: Vec<_> = first.send_enabled.iter().map(|s| s.denom.as_str()).collect();
    assert_eq!(denoms, ["uatom", "ufoo"]);
    let next_key = first.pagination.unwrap().next_key;
    assert_eq!(next_key, b"uzeta");
    let rest = ask(pb::QuerySendEnabledRequest { denoms: vec![], pagination: Some(PageRequest { key: next_key, limit: 2, ..Default::default() }) });
    assert_eq!(rest.send_enabled, vec![pb::SendEnabled { denom: "uzeta".into(), enabled: false }]);
}
