//! The keeper API the market module calls: allocate / release and bid counting.

use agora_types::AbciError;

use super::*;
use crate::resources;

fn lease(cpu: u64, gpus: Vec<GpuClass>) -> Resources {
    Resources { cpu_millis: cpu, memory_bytes: 1 << 30, storage: vec![StorageCapacity { class: "nvme".into(), bytes: 1 << 30 }], gpus }
}

fn util(state: &State) -> Vec<(String, u64, u64)> {
    state.gpu_utilization().unwrap().into_iter().map(|u| (u.model, u.registered, u.leased)).collect()
}

#[test]
fn allocate_and_release_track_allocation_leases_and_utilization() {
    let mut state = genesis();
    let (p1, p2) = (addr(1), addr(2));
    registered(&mut state, &p1);
    registered(&mut state, &p2);
    assert_eq!(util(&state), vec![("a100".into(), 8, 0), ("h100".into(), 16, 0)]);

    let l1 = lease(1000, vec![gpu("h100", 80, 4)]);
    let l2 = lease(2000, vec![gpu("h100", 80, 2), gpu("a100", 80, 1)]);
    state.allocate(&p1, &l1).unwrap();
    state.allocate(&p1, &l2).unwrap();
    state.allocate(&p2, &l1).unwrap();

    let p = provider(&state, &p1);
    assert_eq!(p.active_leases, 2);
    assert_eq!(p.allocated.unwrap(), resources::checked_add(&l1, &l2).unwrap());
    assert_eq!(util(&state), vec![("a100".into(), 8, 1), ("h100".into(), 16, 10)]);

    state.release(&p1, &l1).unwrap();
    let p = provider(&state, &p1);
    assert_eq!(p.active_leases, 1);
    assert_eq!(p.allocated.unwrap(), resources::normalize(&l2).unwrap());
    assert_eq!(util(&state), vec![("a100".into(), 8, 1), ("h100".into(), 16, 6)]);

    state.release(&p1, &l2).unwrap();
    state.release(&p2, &l1).unwrap();
    assert_eq!(provider(&state, &p1).allocated, Some(Resources::default()));
    assert_eq!(util(&state), vec![("a100".into(), 8, 0), ("h100".into(), 16, 0)]);
}

#[test]
fn allocate_is_refused_beyond_capacity_naming_the_shortfall() {
    let mut state = genesis();
    let owner = addr(1);
    registered(&mut state, &owner);
    state.allocate(&owner, &lease(1000, vec![gpu("h100", 80, 6)])).unwrap();
    let err = state.allocate(&owner, &lease(1000, vec![gpu("h100", 80, 4)])).unwrap_err();
    assert_eq!(err.to_string(), format!("provider {owner} has insufficient capacity: gpu nvidia/h100/80/sxm: need 4, have 2"));
    assert_eq!((err.codespace(), err.code()), ("provider", 28));
    let err = state.allocate(&owner, &lease(64_000, vec![])).unwrap_err();
    assert!(err.to_string().ends_with("cpu_millis: need 64000, have 63000"), "{err}");
    let err = state.allocate(&owner, &lease(1, vec![gpu("b200", 192, 1)])).unwrap_err();
    assert!(matches!(err, ProviderError::InsufficientCapacity { .. }));
    let other_storage = Resources { storage: vec![StorageCapacity { class: "ram".into(), bytes: 1 }], ..Resources::default() };
    assert!(matches!(state.allocate(&owner, &other_storage), Err(ProviderError::InsufficientCapacity { .. })));
    // Refusals changed nothing.
    let p = provider(&state, &owner);
    assert_eq!(p.active_leases, 1);
    assert_eq!(p.allocated.unwrap().gpus, vec![gpu("h100", 80, 6)]);
    assert!(matches!(state.allocate(&addr(9), &lease(1, vec![])), Err(ProviderError::ProviderNotFound { .. })));
}

#[test]
fn releasing_more_than_allocated_is_an_internal_error() {
    let mut state = genesis();
    let owner = addr(1);
    registered(&mut state, &owner);
    let err = state.release(&owner, &lease(1, vec![])).unwrap_err();
    assert!(matches!(err, ProviderError::Internal(_)), "{err}");
    state.allocate(&owner, &lease(1, vec![gpu("h100", 80, 1)])).unwrap();
    let err = state.release(&owner, &lease(1, vec![gpu("h100", 80, 2)])).unwrap_err();
    assert!(matches!(err, ProviderError::Internal(_)), "{err}");
    // A lease count of zero cannot go lower, even for an empty release.
    state.release(&owner, &lease(1, vec![gpu("h100", 80, 1)])).unwrap();
    assert!(matches!(state.release(&owner, &Resources::default()), Err(ProviderError::Internal(_))));
}

#[test]
fn bids_are_counted_and_never_go_negative() {
    let mut state = genesis();
    let owner = addr(1);
    assert!(matches!(state.bid_opened(&owner), Err(ProviderError::ProviderNotFound { .. })));
    registered(&mut state, &owner);
    state.bid_opened(&owner).unwrap();
    state.bid_opened(&owner).unwrap();
    assert_eq!(provider(&state, &owner).open_bids, 2);
    state.bid_closed(&owner).unwrap();
    state.bid_closed(&owner).unwrap();
    assert_eq!(provider(&state, &owner).open_bids, 0);
    assert!(matches!(state.bid_closed(&owner), Err(ProviderError::Internal(_))));
}

#[test]
fn plan_against_free_capacity_then_allocate_succeeds() {
    let mut state = genesis();
    let owner = addr(1);
    registered(&mut state, &owner);
    state.allocate(&owner, &lease(1000, vec![gpu("h100", 80, 7)])).unwrap();
    let p = provider(&state, &owner);
    let free = resources::checked_sub(p.capacity.as_ref().unwrap(), p.allocated.as_ref().unwrap()).unwrap();
    let demand = [resources::ReplicaDemand {
        cpu_millis: 500,
        memory_bytes: 1 << 30,
        storage: vec![],
        gpu: Some(resources::GpuDemand { count: 2, vendor: "nvidia".into(), min_vram_gib: 80, ..Default::default() }),
        replicas: 2,
    }];
    // The H100 class has only 1 free, so both replicas land on the A100s.
    let planned = resources::plan(&free, &demand).unwrap();
    assert_eq!(planned.gpus, vec![gpu("a100", 80, 4)]);
    state.allocate(&owner, &planned).unwrap();
    assert!(resources::plan(&free, &[demand[0].clone(), demand[0].clone()]).is_none());
}
