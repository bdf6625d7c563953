//! Incentive figures, in memory over the real incentive and bank code (no disk store): the
//! end of an epoch with 64 weighted classes must cost the same with 10,000 or 100,000 provider
//! records (`incentive_epoch_end_ms_64_classes_{10k,100k}_providers`), and bringing one record
//! up to date across an epoch's end (`incentive_provider_update_us`). One JSON line per figure.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use agora_bank::BankWrite;
use agora_incentive::{accrual, BankKeeper, ClassCount, ClassWeight, GpuClassId, IncentiveError, MarketKeeper, MintKeeper, Params, ProviderGpus};
use agora_store::{EmptyState, StateDelta, StateRead, StateWrite};
use agora_types::{Address, Coins, Dec, DecCoin, Denom, Event};

struct Bank;

impl BankKeeper for Bank {
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, IncentiveError> {
        state.send_coins(from, to, amount).map_err(|e| IncentiveError::Internal(e.to_string()))
    }

    fn balance(&self, _state: &dyn StateRead, _address: &Address, _denom: &str) -> Result<u128, IncentiveError> {
        Ok(0)
    }
}

#[derive(Clone, Default)]
struct World(Arc<Mutex<BTreeMap<Address, Vec<ClassCount>>>>);

impl MintKeeper for World {
    fn block_provision(&self, _state: &dyn StateRead) -> Result<(String, u128), IncentiveError> {
        Ok(("uagora".into(), 0))
    }
}

impl MarketKeeper for World {
    fn provider_gpus(&self, _state: &dyn StateRead, owner: &Address) -> Result<ProviderGpus, IncentiveError> {
        Ok(ProviderGpus { classes: self.0.lock().map_err(|e| IncentiveError::Internal(e.to_string()))?.get(owner).cloned().unwrap_or_default(), bond: u128::MAX })
    }

    fn provider_owners(&self, _state: &dyn StateRead) -> Result<Vec<Address>, IncentiveError> {
        Ok(Vec::new())
    }
}

fn class(i: usize) -> GpuClassId {
    GpuClassId { vendor: "nvidia".into(), model: format!("m{i}"), vram_gib: 80, interface: "sxm".into() }
}

fn owner(i: usize) -> Address {
    let mut bytes = [7u8; 20];
    bytes[..8].copy_from_slice(&(i as u64).to_be_bytes());
    Address::new(bytes)
}

const EPOCH: u64 = 100;

/// A state with `providers` records over 64 weighted classes, in epoch 0 at height 50.
fn state(providers: usize, world: &World) -> StateDelta<EmptyState> {
    let mut state = StateDelta::new(EmptyState);
    let params = Params {
        epoch_blocks: EPOCH,
        class_weights: (0..64).map(|i| ClassWeight { class: class(i), weight: 1 }).collect(),
        min_lease_prices: vec![DecCoin::new(Denom::native(), Dec::ONE)],
        idle_bond_per_gpu: 0,
        ..Params::default()
    };
    let mut pool = agora_incentive::state::PoolState::default();
    pool.unallocated.insert("uagora".into(), Dec::from_units(1_000_000_000_000));
    let genesis = agora_incentive::GenesisState { params, pool, ..Default::default() };
    genesis.apply(&mut state).expect("genesis");
    let coins = Coins::from_list(vec![agora_types::Coin::new(Denom::native(), 1_000_000_000_000)]).expect("coins");
    agora_bank::testing::fund(&mut state, &agora_incentive::module_address(), &coins);
    agora_incentive::epoch::begin_block(&mut state, &Bank, world, 1).expect("epoch 0");
    for i in 0..providers {
        world.0.lock().expect("lock").insert(owner(i), vec![ClassCount { class: class(i % 64), leased: 0, free: 8 }]);
        accrual::provider_changed(&mut state, world, &owner(i), 50).expect("provider");
    }
    state
}

fn main() {
    for (providers, label) in [(10_000, "10k"), (100_000, "100k")] {
        let world = World::default();
        let mut state = state(providers, &world);
        let start = Instant::now();
        agora_incentive::epoch::begin_block(&mut state, &Bank, &world, 1 + EPOCH).expect("epoch end");
        let ms = start.elapsed().as_secs_f64() * 1e3;
        println!(r#"{{"name":"incentive_epoch_end_ms_64_classes_{label}_providers","value":{ms:.3},"unit":"ms"}}"#);
        if providers == 10_000 {
            // Each record crosses the epoch's end when next touched.
            let start = Instant::now();
            for i in 0..providers {
                accrual::provider_changed(&mut state, &world, &owner(i), 2 + EPOCH).expect("update");
            }
            let us = start.elapsed().as_secs_f64() * 1e6 / providers as f64;
            println!(r#"{{"name":"incentive_provider_update_us","value":{us:.2},"unit":"us"}}"#);
        }
    }
}
