//! Create, update, delete and the bond's return, with exact balances.

use agora_store::StateRead;
use agora_types::{AbciError, TypedEvent};

use super::*;
use crate::state::keys;
use crate::state::ProviderStore;
use crate::{end_block, module_address, Params};

#[test]
fn create_locks_the_bond_and_registers_capacity() {
    let mut state = genesis();
    let owner = addr(1);
    fund(&mut state, &owner, BOND + 7);
    let events = run(&mut state, 5, &create_msg(&owner, vec![gpu("h100", 80, 8)])).unwrap();

    assert_eq!(balance(&state, &owner), 7);
    assert_eq!(balance(&state, &module_address()), BOND);
    let created = event(&events, "provider_created");
    assert_eq!(created.get("owner"), Some(owner.to_string().as_str()));
    assert_eq!(created.get("host_uri"), Some("https://provider.example.com"));
    assert_eq!(created.get("bond"), Some("100000000uagora"));
    assert_eq!(event(&events, "transfer").get("recipient"), Some(module_address().to_string().as_str()));

    let p = provider(&state, &owner);
    assert_eq!(p.owner, owner.to_string());
    assert_eq!(p.state, pb::ProviderState::Active as i32);
    assert_eq!(p.created_height, 5);
    assert_eq!(p.bond.as_ref().map(|c| c.amount.as_str()), Some("100000000"));
    assert_eq!(p.allocated, Some(Resources::default()));
    assert_eq!(p.attributes, vec![attr("region", "eu-west"), attr("tier", "gold")]);

    let util = state.gpu_utilization().unwrap();
    assert_eq!(util.len(), 1);
    assert_eq!((util[0].model.as_str(), util[0].registered, util[0].leased), ("h100", 8, 0));
}

#[test]
fn create_is_refused_for_an_existing_or_unbonding_provider() {
    let mut state = genesis();
    let owner = addr(1);
    registered(&mut state, &owner);
    fund(&mut state, &owner, BOND);
    let err = run(&mut state, 2, &create_msg(&owner, vec![])).unwrap_err();
    assert!(matches!(err, ProviderError::ProviderExists { .. }), "{err}");

    run(&mut state, 10, &delete_msg(&owner)).unwrap();
    let err = run(&mut state, 11, &create_msg(&owner, vec![])).unwrap_err();
    assert_eq!(err.to_string(), format!("provider {owner} is unbonding until height {}", 10 + 100_800));
    assert_eq!((err.codespace(), err.code()), ("provider", 22));
}

#[test]
fn create_checks_the_bond_against_params() {
    let mut state = genesis();
    let owner = addr(1);
    fund(&mut state, &owner, 10 * BOND);

    let mut low = create_proto(&owner, vec![]);
    low.bond = Some(cosmos_sdk_proto::cosmos::base::v1beta1::Coin { denom: "uagora".into(), amount: (BOND - 1).to_string() });
    let err = run(&mut state, 1, &ProviderMsg::CreateProvider(low.try_into().unwrap())).unwrap_err();
    assert_eq!(err.to_string(), "bond 99999999uagora is below the minimum bond 100000000uagora");

    let mut other = create_proto(&owner, vec![]);
    other.bond = Some(cosmos_sdk_proto::cosmos::base::v1beta1::Coin { denom: "uatom".into(), amount: BOND.to_string() });
    let err = run(&mut state, 1, &ProviderMsg::CreateProvider(other.try_into().unwrap())).unwrap_err();
    assert!(matches!(err, ProviderError::BondDenomMismatch { .. }), "{err}");

    // Nothing moved.
    assert_eq!(balance(&state, &owner), 10 * BOND);
    assert!(state.provider(&owner).unwrap().is_none());
}

#[test]
fn create_without_funds_says_what_was_short() {
    let mut state = genesis();
    let owner = addr(1);
    fund(&mut state, &owner, 5);
    let err = run(&mut state, 1, &create_msg(&owner, vec![])).unwrap_err();
    assert_eq!((err.codespace(), err.code()), ("sdk", 5));
    assert_eq!(err.to_string(), format!("bond needs 100000000uagora but {owner} has only 5uagora: insufficient funds"));
}

#[test]
fn params_limits_are_enforced_by_the_handlers() {
    let mut state = genesis();
    let owner = addr(1);
    fund(&mut state, &owner, BOND);
    let tight = Params { max_attributes: 1, max_attribute_value_len: 4, max_gpu_classes: 1, max_storage_classes: 1, ..Params::default() };
    state.put_provider_params(&tight);

    let err = run(&mut state, 1, &create_msg(&owner, vec![])).unwrap_err();
    assert!(matches!(err, ProviderError::TooManyAttributes { count: 2, max: 1 }), "{err}");

    let mut long = create_proto(&owner, vec![]);
    long.attributes = vec![attr("region", "eu-west")];
    let err = run(&mut state, 1, &ProviderMsg::CreateProvider(long.try_into().unwrap())).unwrap_err();
    assert!(matches!(err, ProviderError::AttributeValueTooLong { len: 7, max: 4, .. }), "{err}");

    let mut gpus = create_proto(&owner, vec![gpu("h100", 80, 1), gpu("a100", 80, 1)]);
    gpus.attributes = vec![];
    let err = run(&mut state, 1, &ProviderMsg::CreateProvider(gpus.try_into().unwrap())).unwrap_err();
    assert!(matches!(err, ProviderError::TooManyGpuClasses { count: 2, max: 1 }), "{err}");

    let mut storage = create_proto(&owner, vec![]);
    storage.attributes = vec![];
    storage.capacity.as_mut().unwrap().storage.push(StorageCapacity { class: "hdd".into(), bytes: 1 });
    let err = run(&mut state, 1, &ProviderMsg::CreateProvider(storage.try_into().unwrap())).unwrap_err();
    assert!(matches!(err, ProviderError::TooManyStorageClasses { count: 2, max: 1 }), "{err}");
}

#[test]
fn update_replaces_fields_and_moves_registered_gpus() {
    let mut state = genesis();
    let owner = addr(1);
    registered(&mut state, &owner);
    let mut msg = create_proto(&owner, vec![gpu("h100", 80, 2), gpu("l4", 24, 1)]);
    msg.host_uri = "https://new.example.com/".into();
    msg.attributes = vec![attr("region", "us-east")];
    let update = pb::MsgUpdateProvider {
        owner: msg.owner,
        host_uri: msg.host_uri,
        attributes: msg.attributes,
        info: None,
        capacity: msg.capacity,
        operator: String::new(),
    };
    let events = run(&mut state, 3, &ProviderMsg::UpdateProvider(update.try_into().unwrap())).unwrap();
    assert_eq!(event(&events, "provider_updated").get("owner"), Some(owner.to_string().as_str()));

    let p = provider(&state, &owner);
    assert_eq!(p.host_uri, "https://new.example.com/");
    assert_eq!(p.attributes, vec![attr("region", "us-east")]);
    assert_eq!(p.info, Some(pb::ProviderInfo::default()));
    assert_eq!(p.capacity.unwrap().gpus, vec![gpu("h100", 80, 2), gpu("l4", 24, 1)]);
    assert_eq!(p.created_height, 1);
    let util: Vec<_> = state.gpu_utilization().unwrap().into_iter().map(|u| (u.model, u.registered, u.leased)).collect();
    // The A100 row is gone: nothing registered, nothing leased.
    assert_eq!(util, vec![("h100".to_string(), 2, 0), ("l4".to_string(), 1, 0)]);
    assert_eq!(balance(&state, &module_address()), BOND);
}

#[test]
fn update_is_refused_below_what_leases_hold() {
    let mut state = genesis();
    let owner = addr(1);
    registered(&mut state, &owner);
    let lease = Resources { cpu_millis: 1000, memory_bytes: 1 << 30, storage: vec![], gpus: vec![gpu("h100", 80, 6)] };
    state.allocate(&owner, &lease).unwrap();

    let err = run(&mut state, 2, &update_msg(&owner, vec![gpu("h100", 80, 4)])).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("new capacity of provider {owner} is below what its leases hold: gpu nvidia/h100/80/sxm: need 6, have 4")
    );
    assert!(matches!(err, ProviderError::CapacityBelowAllocated { .. }));
    // Exactly what is held is fine.
    run(&mut state, 2, &update_msg(&owner, vec![gpu("h100", 80, 6)])).unwrap();
    let h100 = state.gpu_utilization().unwrap().into_iter().find(|u| u.model == "h100").unwrap();
    assert_eq!((h100.registered, h100.leased), (6, 6));
}

#[test]
fn update_needs_an_active_provider() {
    let mut state = genesis();
    let owner = addr(1);
    let err = run(&mut state, 1, &update_msg(&owner, vec![])).unwrap_err();
    assert!(matches!(err, ProviderError::ProviderNotFound { .. }), "{err}");
    registered(&mut state, &owner);
    run(&mut state, 2, &delete_msg(&owner)).unwrap();
    let err = run(&mut state, 3, &update_msg(&owner, vec![])).unwrap_err();
    assert!(matches!(err, ProviderError::ProviderNotActive { .. }), "{err}");
}

#[test]
fn delete_is_refused_with_an_open_bid_or_an_active_lease() {
    let mut state = genesis();
    let owner = addr(1);
    registered(&mut state, &owner);
    state.bid_opened(&owner).unwrap();
    let err = run(&mut state, 2, &delete_msg(&owner)).unwrap_err();
    assert_eq!(err.to_string(), format!("provider {owner} has 1 open bids"));
    state.bid_closed(&owner).unwrap();

    let lease = Resources { cpu_millis: 1, ..Resources::default() };
    state.allocate(&owner, &lease).unwrap();
    let err = run(&mut state, 2, &delete_msg(&owner)).unwrap_err();
    assert!(matches!(err, ProviderError::HasActiveLeases { count: 1, .. }), "{err}");
    state.release(&owner, &lease).unwrap();
    run(&mut state, 2, &delete_msg(&owner)).unwrap();

    let err = run(&mut state, 3, &delete_msg(&addr(9))).unwrap_err();
    assert!(matches!(err, ProviderError::ProviderNotFound { .. }), "{err}");
    let err = run(&mut state, 3, &delete_msg(&owner)).unwrap_err();
    assert!(matches!(err, ProviderError::ProviderUnbonding { .. }), "{err}");
}

#[test]
fn the_bond_comes_back_at_the_unbonding_height_and_the_record_goes() {
    let mut state = genesis();
    let owner = addr(1);
    state.put_provider_params(&Params { unbonding_blocks: 10, ..Params::default() });
    registered(&mut state, &owner);
    assert_eq!(balance(&state, &owner), 0);

    let events = run(&mut state, 20, &delete_msg(&owner)).unwrap();
    let deleted = event(&events, "provider_deleted");
    assert_eq!(deleted.get("unbonding_height"), Some("30"));
    let p = provider(&state, &owner);
    assert_eq!(p.state, pb::ProviderState::Unbonding as i32);
    assert_eq!(p.unbonding_height, 30);
    assert!(state.get_raw(&keys::unbonding(30, &owner)).unwrap().is_some());
    // Its GPUs no longer count.
    assert!(state.gpu_utilization().unwrap().is_empty());
    // Unbonding providers take no new bids or leases.
    assert!(matches!(state.bid_opened(&owner), Err(ProviderError::ProviderNotActive { .. })));
    assert!(matches!(state.allocate(&owner, &Resources::default()), Err(ProviderError::ProviderNotActive { .. })));

    assert!(end_block(&mut state, &super::TestBank, &crate::NoHooks, &ctx(29)).unwrap().is_empty());
    assert_eq!(balance(&state, &owner), 0);
    assert!(state.provider(&owner).unwrap().is_some());

    let events = end_block(&mut state, &super::TestBank, &crate::NoHooks, &ctx(30)).unwrap();
    let returned = event(&events, "provider_bond_returned");
    assert_eq!(returned.get("owner"), Some(owner.to_string().as_str()));
    assert_eq!(returned.get("amount"), Some("100000000uagora"));
    assert_eq!(balance(&state, &owner), BOND);
    assert_eq!(balance(&state, &module_address()), 0);
    assert!(state.provider(&owner).unwrap().is_none());
    assert!(state.get_raw(&keys::unbonding(30, &owner)).unwrap().is_none());
    assert!(end_block(&mut state, &super::TestBank, &crate::NoHooks, &ctx(31)).unwrap().is_empty());

    // The owner may register again.
    run(&mut state, 32, &create_msg(&owner, vec![])).unwrap();
    assert_eq!(balance(&state, &owner), 0);
    agora_bank::invariant::check_supply(&state).unwrap();
}

#[test]
fn end_block_returns_only_what_is_due_in_height_order() {
    let mut state = genesis();
    state.put_provider_params(&Params { unbonding_blocks: 5, ..Params::default() });
    let (a, b, c) = (addr(3), addr(2), addr(1));
    for who in [&a, &b, &c] {
        registered(&mut state, who);
    }
    run(&mut state, 10, &delete_msg(&a)).unwrap(); // due at 15
    run(&mut state, 12, &delete_msg(&b)).unwrap(); // due at 17
    run(&mut state, 10, &delete_msg(&c)).unwrap(); // due at 15

    // A late EndBlock returns everything due up to its height.
    let events = end_block(&mut state, &super::TestBank, &crate::NoHooks, &ctx(16)).unwrap();
    let owners: Vec<_> = events.iter().filter(|e| e.kind == "provider_bond_returned").map(|e| e.get("owner").unwrap().to_string()).collect();
    // Same height: owner byte order.
    assert_eq!(owners, vec![c.to_string(), a.to_string()]);
    assert_eq!(balance(&state, &b), 0);
    assert!(state.provider(&b).unwrap().is_some());
    let events = end_block(&mut state, &super::TestBank, &crate::NoHooks, &ctx(17)).unwrap();
    assert_eq!(event(&events, "provider_bond_returned").get("owner"), Some(b.to_string().as_str()));
    assert_eq!(balance(&state, &module_address()), 0);
}

#[test]
fn events_render_with_snake_case_kinds() {
    let owner = addr(1);
    let keys = vec!["a1".to_string(), "b2".to_string()];
    let e = crate::event::ProviderAttributesSigned { provider: &owner, auditor: &addr(2), keys: &keys }.to_event();
    assert_eq!(e.kind, "provider_attributes_signed");
    assert_eq!(e.get("keys"), Some("a1,b2"));
}

#[test]
fn unbondings_due_beyond_the_per_block_budget_wait_for_the_next_blocks() {
    let mut state = genesis();
    state.put_provider_params(&Params { unbonding_blocks: 5, max_unbondings_per_block: 2, ..Params::default() });
    let owners: Vec<Address> = (1..=5).map(addr).collect();
    for who in &owners {
        registered(&mut state, who);
        run(&mut state, 10, &delete_msg(who)).unwrap(); // all due at 15
    }
    let returned = |events: &[Event]| events.iter().filter(|e| e.kind == "provider_bond_returned").count();
    assert_eq!(returned(&end_block(&mut state, &super::TestBank, &crate::NoHooks, &ctx(15)).unwrap()), 2);
    assert_eq!(returned(&end_block(&mut state, &super::TestBank, &crate::NoHooks, &ctx(16)).unwrap()), 2);
    assert_eq!(returned(&end_block(&mut state, &super::TestBank, &crate::NoHooks, &ctx(17)).unwrap()), 1, "the last one, a block later");
    assert!(end_block(&mut state, &super::TestBank, &crate::NoHooks, &ctx(18)).unwrap().is_empty());
    for who in &owners {
        assert_eq!(balance(&state, who), BOND, "{who} got its bond back");
    }
}

/// A due entry that fails (here a corrupt index entry, as a bug could write) is reported and
/// dropped with its writes; the entries after it are still completed in the same block.
#[test]
fn a_failing_unbonding_leaves_the_others_completed() {
    let mut state = genesis();
    state.put_provider_params(&Params { unbonding_blocks: 5, ..Params::default() });
    let owner = addr(9);
    registered(&mut state, &owner);
    run(&mut state, 10, &delete_msg(&owner)).unwrap(); // due at 15
    // Sorts before the real entry (same height, smaller id), and is no address.
    keys::UNBONDING_QUEUE.insert(&mut state, 15, &[0u8; 3]).unwrap();

    let events = end_block(&mut state, &super::TestBank, &crate::NoHooks, &ctx(15)).unwrap();
    let failed = event(&events, "end_block_entry_error");
    assert_eq!(failed.get("module"), Some("provider"));
    assert_eq!(failed.get("entry"), Some("000000"));
    assert!(failed.get("error").unwrap().contains("corrupt unbonding index entry"), "{failed:?}");
    assert_eq!(event(&events, "provider_bond_returned").get("owner"), Some(owner.to_string().as_str()));
    assert_eq!(balance(&state, &owner), BOND);
    assert!(end_block(&mut state, &super::TestBank, &crate::NoHooks, &ctx(16)).unwrap().is_empty(), "the failed entry is not retried every block");
    let parked = agora_component::parked_key("provider", "unbonding", 15, &[0u8; 3]);
    let error = String::from_utf8(state.get_raw(&parked).unwrap().expect("parked, not lost")).unwrap();
    assert!(error.contains("corrupt unbonding index entry"), "{error}");
}
