//! The reward rules against hand-computed numbers, over the real bank module and the real
//! incentive component; the provider registry and escrow are stood in for by a table of GPU
//! counts and one take rate (the application tests wire the real ones).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use agora_bank::{BankComponent, BankRead, BankWrite};
use agora_component::{Authority, Component, Wiring};
use agora_store::{EmptyState, StateDelta, StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Coin, Coins, Dec, DecCoin, Denom, Event};
use proptest::prelude::*;

use crate::accrual;
use crate::epoch::FEE_COLLECTOR;
use crate::keepers::{BankKeeper, ClassCount, MarketKeeper, MintKeeper, ProviderGpus};
use crate::msg::IncentiveMsg;
use crate::state::IncentiveRead;
use crate::{ClassWeight, GenesisState, GpuClassId, IncentiveComponent, IncentiveError, Params};

fn d(s: &str) -> Dec {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn class(model: &str) -> GpuClassId {
    GpuClassId { vendor: "nvidia".into(), model: model.into(), vram_gib: 80, interface: "sxm".into() }
}

fn provider(i: u8) -> Address {
    Address::new([i; 20])
}

const DENOM: &str = "uagora";

struct TestBank;

impl BankKeeper for TestBank {
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, IncentiveError> {
        state.send_coins(from, to, amount).map_err(|e| IncentiveError::Internal(e.to_string()))
    }

    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &str) -> Result<u128, IncentiveError> {
        state.balance(address, &Denom::new(denom).unwrap()).map_err(|e| IncentiveError::Internal(e.to_string()))
    }
}

#[derive(Default)]
struct World {
    provision: u128,
    gpus: BTreeMap<Address, Vec<ClassCount>>,
    bond: u128,
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<World>>);

impl MintKeeper for Shared {
    fn block_provision(&self, _state: &dyn StateRead) -> Result<(String, u128), IncentiveError> {
        Ok((DENOM.into(), self.0.lock().unwrap().provision))
    }
}

impl MarketKeeper for Shared {
    fn provider_gpus(&self, _state: &dyn StateRead, owner: &Address) -> Result<ProviderGpus, IncentiveError> {
        let world = self.0.lock().unwrap();
        Ok(ProviderGpus { classes: world.gpus.get(owner).cloned().unwrap_or_default(), bond: world.bond })
    }

    fn provider_owners(&self, _state: &dyn StateRead) -> Result<Vec<Address>, IncentiveError> {
        Ok(self.0.lock().unwrap().gpus.keys().copied().collect())
    }

}

struct Sim {
    state: StateDelta<EmptyState>,
    incentive: IncentiveComponent,
    bank: BankComponent,
    world: Shared,
    height: u64,
    /// Every unit the pool was funded with.
    funded: u128,
}

/// One class `a100` of weight 1, epochs of 10 blocks, the whole provision to the pool, half of
/// each class budget for leased time, no vesting.
fn simple_params() -> Params {
    Params {
        epoch_blocks: 10,
        mint_share_bps: 10_000,
        take_share_bps: 0,
        class_weights: vec![ClassWeight { class: class("a100"), weight: 1 }],
        leased_share_bps: 5_000,
        idle_floor_bps: 4_000,
        idle_full_bps: 7_500,
        wash_cap_bps: 5_000,
        vest_fraction_bps: 0,
        vest_epochs: 0,
        min_lease_prices: vec![DecCoin::new(Denom::native(), d("1"))],
        idle_bond_per_gpu: 0,
    }
}

impl Sim {
    fn new(params: Params) -> Self {
        let mut state = StateDelta::new(EmptyState);
        let world = Shared::default();
        world.0.lock().unwrap().bond = 1_000_000;
        let mut incentive = IncentiveComponent::new(TestBank, world.clone(), world.clone());
        let wiring = Wiring { module_accounts: incentive.module_accounts(), authority: Authority::default(), module_versions: vec![] };
        let mut bank = BankComponent::default();
        bank.wire(&wiring);
        incentive.wire(&wiring);
        bank.init_genesis(&mut state, &Default::default()).unwrap();
        let genesis = GenesisState { params, ..GenesisState::default() };
        incentive.validate_genesis(&genesis).unwrap();
        incentive.init_genesis(&mut state, &genesis).unwrap();
        incentive.finish_genesis(&mut state).unwrap();
        Self { state, incentive, bank, world, height: 0, funded: 0 }
    }

    /// The next block starts: mint pays `provision` to the fee collector, incentive runs.
    fn block(&mut self, provision: u128) -> Vec<Event> {
        self.height += 1;
        self.world.0.lock().unwrap().provision = provision;
        if provision > 0 {
            agora_bank::testing::fund(&mut self.state, &Address::module(FEE_COLLECTOR), &coins(provision));
        }
        let before = self.pool_balance();
        let events = self.incentive.begin_block(&mut self.state, &BlockContext::at("incentive-test", self.height)).unwrap();
        self.funded += self.pool_balance() - before;
        self.check();
        events
    }

    fn blocks(&mut self, n: u64, provision: u128) {
        for _ in 0..n {
            self.block(provision);
        }
    }

    fn check(&self) {
        self.bank.check_invariants(&self.state).unwrap();
        self.incentive.check_invariants(&self.state).unwrap();
        crate::invariant::check(&self.state, &TestBank, self.height).unwrap();
    }

    fn pool_balance(&self) -> u128 {
        self.state.balance(&crate::module_address(), &Denom::native()).unwrap()
    }

    /// The registry now holds `leased` and `free` GPUs of `model` for provider `i`.
    fn set_gpus(&mut self, i: u8, counts: &[(&str, u64, u64)]) {
        let counts = counts.iter().map(|(m, leased, free)| ClassCount { class: class(m), leased: *leased, free: *free }).collect();
        self.world.0.lock().unwrap().gpus.insert(provider(i), counts);
        accrual::provider_changed(&mut self.state, &self.world, &provider(i), self.height).unwrap();
        self.check();
    }

    fn lease(&mut self, i: u8, rate: &str, opened: bool) {
        accrual::lease_rate_changed(&mut self.state, &self.world, &provider(i), DENOM, d(rate), opened, self.height).unwrap();
        self.check();
    }

    /// Provider `i` paid `amount` of take (a lease withdrawal).
    fn pay_take(&mut self, i: u8, amount: u128) {
        accrual::take_paid(&mut self.state, &provider(i), DENOM, amount, self.height).unwrap();
        self.check();
    }

    fn claim(&mut self, i: u8) -> Result<u128, IncentiveError> {
        // A refused message leaves no write behind, as in a block.
        let (coins, _) = agora_component::isolated(&mut self.state, |fork| accrual::claim(fork, &TestBank, &provider(i), self.height))?;
        self.check();
        Ok(coins.amount_of(&Denom::native()))
    }

    fn unallocated(&self) -> Dec {
        self.state.pool().unwrap().unallocated.get(DENOM).copied().unwrap_or(Dec::ZERO)
    }

    fn owed(&self) -> Dec {
        self.state.pool().unwrap().owed.get(DENOM).copied().unwrap_or(Dec::ZERO)
    }
}

fn coins(amount: u128) -> Coins {
    Coins::from_list(vec![Coin::new(Denom::native(), amount)]).unwrap()
}

/// Provider 1 leases 6 GPUs (at 1,000 a block) and pays `take`, provider 2 has 4 free, for a
/// whole epoch of 10 blocks funded with 100 a block.
fn one_epoch(params: Params, take: u128) -> Sim {
    let mut sim = Sim::new(params);
    sim.block(100); // height 1: epoch 0 is [1, 11)
    sim.set_gpus(1, &[("a100", 6, 0)]);
    sim.lease(1, "1000", true);
    sim.pay_take(1, take);
    sim.set_gpus(2, &[("a100", 0, 4)]);
    sim.blocks(10, 100); // heights 2..=11; the epoch ends at the start of 11
    sim
}

#[test]
fn one_epoch_pays_leased_and_idle_time_exactly() {
    let mut sim = one_epoch(simple_params(), 2_000);
    // Pool at the end: 11 provisions of 100. Budget 1,100: 550 leased, 550 idle.
    // Leased: 60 GPU-blocks, rate 550/60 = 9.166666666666666666 → 549.99999999999999996.
    // Utilization 60/100 = 0.6: idle earns (0.6 - 0.4)/(0.75 - 0.4) = 4/7 of 550 =
    // 314.285714285714285714 over 40 GPU-blocks: rate 7.857142857142857142 → 314.28571428571428568.
    let record = sim.state.class_epoch(0, &class("a100")).unwrap().expect("epoch 0 priced");
    assert_eq!(record.leased_blocks, 60);
    assert_eq!(record.idle_blocks, 40);
    assert_eq!(record.utilization, d("0.6"));
    assert_eq!(record.leased_rate[DENOM], d("9.166666666666666666"));
    assert_eq!(record.idle_rate[DENOM], d("7.857142857142857142"));
    assert_eq!(sim.owed(), d("549.99999999999999996").checked_add(d("314.28571428571428568")).unwrap());
    assert_eq!(sim.unallocated(), d("1100").checked_sub(sim.owed()).unwrap(), "the rest stays for later epochs");
    // Provider 1 paid 2,000 of take: the cap (50 %) of 1,000 does not bind.
    assert_eq!(sim.claim(1).unwrap(), 549);
    assert_eq!(sim.claim(2).unwrap(), 314);
    let position = sim.state.position(&provider(1)).unwrap().unwrap();
    assert_eq!(position.vested[DENOM], d("0.99999999999999996"), "the fraction stays for a later claim");
}

#[test]
fn the_wash_cap_limits_leased_rewards_to_a_share_of_the_take_and_returns_the_rest() {
    // 20 of take paid: the cap is 50 % of it.
    let mut sim = one_epoch(simple_params(), 20);
    let unallocated = sim.unallocated();
    assert_eq!(sim.claim(1).unwrap(), 10);
    let over = d("549.99999999999999996").checked_sub(d("10")).unwrap();
    assert_eq!(sim.unallocated(), unallocated.checked_add(over).unwrap(), "the excess goes back to the pool");
    let position = sim.state.position(&provider(1)).unwrap().unwrap();
    assert_eq!(position.forfeited[DENOM], over);
    // Provider 2 leases nothing: idle time is not capped.
    assert_eq!(sim.claim(2).unwrap(), 314);
}

#[test]
fn a_providers_own_leases_do_not_lift_its_own_idle_pay() {
    let mut sim = Sim::new(simple_params());
    sim.block(100);
    // Provider 1: 6 leased and 2 free; provider 2: 2 free. U = 0.6, but without provider 1's
    // own leases the class would have been idle: its free GPUs earn nothing.
    sim.set_gpus(1, &[("a100", 6, 2)]);
    sim.lease(1, "1000", true);
    sim.pay_take(1, 1_000_000);
    sim.set_gpus(2, &[("a100", 0, 2)]);
    sim.blocks(10, 100);
    let unallocated = sim.unallocated();
    // Idle pay 314.285714285714285714 over 40 GPU-blocks: 7.857142857142857142 each.
    assert_eq!(sim.claim(2).unwrap(), 157, "20 GPU-blocks × 7.857142857142857142");
    assert_eq!(sim.claim(1).unwrap(), 549, "leased time only");
    let lifted = d("157.14285714285714284");
    assert_eq!(sim.unallocated(), unallocated.checked_add(lifted).unwrap(), "its idle pay goes back to the pool");
    // Whole epochs caught up later are priced the same way.
    sim.blocks(30, 100);
    let before = sim.unallocated();
    let paid = sim.claim(1).unwrap();
    assert!(paid > 0 && sim.unallocated() > before, "leased rewards paid, lifted idle pay returned");
}

#[test]
fn leases_below_the_minimum_price_and_gpus_beyond_the_bond_do_not_count() {
    let mut params = simple_params();
    params.min_lease_prices = vec![DecCoin::new(Denom::native(), d("100"))];
    params.idle_bond_per_gpu = 250_000; // the test bond (1,000,000) covers 4 GPUs
    let mut sim = Sim::new(params);
    sim.block(100);
    // 6 leased at 300 a block pay for 3 GPUs at 100 each; 10 free, 4 of them bonded.
    sim.set_gpus(1, &[("a100", 6, 0)]);
    sim.lease(1, "300", true);
    sim.set_gpus(2, &[("a100", 0, 10)]);
    sim.blocks(10, 100);
    let record = sim.state.class_epoch(0, &class("a100")).unwrap().unwrap();
    assert_eq!((record.leased_blocks, record.free_blocks), (30, 40));
    // More leases paying their way count again from then on.
    sim.lease(1, "300", true);
    sim.blocks(10, 100);
    let record = sim.state.class_epoch(1, &class("a100")).unwrap().unwrap();
    assert_eq!(record.leased_blocks, 60);
}

#[test]
fn a_longer_vesting_set_later_never_takes_back_what_vested() {
    let mut params = simple_params();
    params.vest_fraction_bps = 10_000;
    params.vest_epochs = 2;
    let mut sim = one_epoch(params.clone(), 2_000);
    sim.set_gpus(1, &[("a100", 6, 0)]); // settles epoch 0: a tranche vesting over 2 epochs
    sim.blocks(10, 0); // half of it vested
    let ctx = BlockContext::at("incentive-test", sim.height);
    let longer = IncentiveMsg::UpdateParams { authority: Authority::default().address(), params: Params { vest_epochs: 50, ..params } };
    sim.incentive.execute(&mut sim.state, &ctx, &longer).unwrap();
    assert!(sim.claim(1).unwrap() > 0, "what vested under the old span is claimable");
    sim.blocks(10, 0);
    assert!(sim.claim(1).unwrap() > 0, "the tranche keeps its own span");
    sim.set_gpus(2, &[("a100", 1, 0)]);
}

#[test]
fn take_paid_after_the_epoch_ended_counts_for_it() {
    let mut sim = Sim::new(simple_params());
    sim.block(100);
    sim.set_gpus(1, &[("a100", 6, 0)]);
    sim.lease(1, "1000", true);
    sim.blocks(10, 100); // epoch 0 ended at 11; the withdrawal comes in epoch 1
    sim.pay_take(1, 2_000);
    assert_eq!(sim.claim(1).unwrap(), 549, "the take paid for epoch 0's blocks covers epoch 0");
}

#[test]
fn a_lease_without_take_earns_no_leased_reward() {
    let mut sim = Sim::new(simple_params());
    sim.block(100);
    sim.set_gpus(1, &[("a100", 6, 0)]);
    sim.blocks(10, 100);
    let err = sim.claim(1).unwrap_err();
    assert_eq!((err.codespace(), err.code()), ("incentive", 5), "{err}");
}

#[test]
fn idle_time_below_the_utilization_floor_earns_nothing_and_its_budget_stays() {
    let mut sim = Sim::new(simple_params());
    sim.block(100);
    sim.set_gpus(1, &[("a100", 3, 0)]);
    sim.lease(1, "1000", true);
    sim.pay_take(1, 2_000);
    sim.set_gpus(2, &[("a100", 0, 7)]);
    sim.blocks(10, 100);
    let record = sim.state.class_epoch(0, &class("a100")).unwrap().unwrap();
    assert_eq!(record.utilization, d("0.3"));
    assert_eq!(record.idle_rate.get(DENOM), None, "no idle rate below the floor");
    assert_eq!(sim.claim(1).unwrap(), 549, "30 GPU-blocks at 550/30 = 18.333333333333333333");
    assert!(sim.claim(2).is_err());
    assert_eq!(sim.owed(), d("0.99999999999999999"));
}

#[test]
fn a_class_without_weight_earns_nothing() {
    let mut sim = Sim::new(simple_params());
    sim.block(100);
    sim.set_gpus(1, &[("h100", 6, 0)]);
    sim.lease(1, "1000", true);
    sim.pay_take(1, 2_000);
    sim.set_gpus(2, &[("h100", 0, 4)]);
    sim.blocks(10, 100);
    assert!(sim.state.class_epoch(0, &class("h100")).unwrap().is_none());
    assert!(sim.claim(1).is_err());
    assert!(sim.claim(2).is_err());
    assert_eq!(sim.unallocated(), d("1100"));
}

#[test]
fn a_record_left_alone_for_epochs_earns_what_one_brought_up_to_date_every_block_earns() {
    let mut params = simple_params();
    params.leased_share_bps = 10_000;
    let mut sim = Sim::new(params);
    sim.block(100);
    for i in [1, 2] {
        sim.set_gpus(i, &[("a100", 2, 0)]);
        sim.lease(i, "1000", true);
        sim.pay_take(i, 1_000_000);
    }
    for _ in 0..35 {
        sim.block(100);
        // Provider 1 is touched every block with the same counts; provider 2 never.
        sim.set_gpus(1, &[("a100", 2, 0)]);
    }
    let (a, b) = (sim.claim(1).unwrap(), sim.claim(2).unwrap());
    assert_eq!(a, b);
    // Three epochs ended (at 11, 21, 31): each paid its whole budget to 40 leased GPU-blocks.
    assert!(sim.owed() < d("2"), "only fractions stay owed: {}", sim.owed());
    let held = Dec::from_units(a + b).checked_add(sim.unallocated()).unwrap().checked_add(sim.owed()).unwrap();
    assert_eq!(held, Dec::from_units(sim.funded));
}

#[test]
fn rewards_vest_linearly_and_a_slash_forfeits_what_has_not() {
    let mut params = simple_params();
    params.vest_fraction_bps = 7_500;
    params.vest_epochs = 4;
    let mut sim = one_epoch(params, 2_000);
    sim.set_gpus(1, &[]); // nothing more to earn after epoch 0
    // Settled at height 11 (epoch 1) when claimed: 549.99999999999999996 leased:
    // 25 % liquid = 137.49999999999999999, 75 % vests over epochs 2..=5.
    assert_eq!(sim.claim(1).unwrap(), 137);
    sim.blocks(10, 0); // epoch 2: a quarter of the tranche (103.124999999999999992) vests
    assert_eq!(sim.claim(1).unwrap(), 103);
    let unvested = sim.state.position(&provider(1)).unwrap().unwrap().unvested().unwrap()[DENOM];
    assert_eq!(unvested, d("309.374999999999999978"));
    let before = sim.unallocated();
    let (forfeited, _) = accrual::forfeit_unvested(&mut sim.state, &provider(1), sim.height).unwrap();
    sim.check();
    assert_eq!(forfeited[DENOM], unvested);
    assert_eq!(sim.unallocated(), before.checked_add(unvested).unwrap());
    sim.blocks(30, 0);
    assert!(sim.claim(1).is_err(), "nothing vests after the slash but the fraction left over");
}

#[test]
fn a_missed_check_takes_the_epochs_idle_time_and_the_others_share_the_budget() {
    let mut sim = Sim::new(simple_params());
    sim.block(100);
    sim.set_gpus(1, &[("a100", 6, 0)]);
    sim.lease(1, "1000", true);
    sim.pay_take(1, 2_000);
    sim.set_gpus(2, &[("a100", 0, 2)]);
    sim.set_gpus(3, &[("a100", 0, 2)]);
    sim.blocks(5, 100);
    accrual::mark_unverified(&mut sim.state, &provider(3), sim.height).unwrap();
    sim.check();
    sim.blocks(5, 100);
    let record = sim.state.class_epoch(0, &class("a100")).unwrap().unwrap();
    assert_eq!((record.idle_blocks, record.free_blocks), (20, 40), "utilization still counts all free GPUs");
    assert_eq!(sim.claim(2).unwrap(), 314, "provider 2's 20 GPU-blocks take the whole idle pay");
    assert!(sim.claim(3).is_err());
    // The next epoch provider 3 counts again.
    sim.blocks(10, 100);
    assert!(sim.claim(3).unwrap() > 0);
}

#[test]
fn the_pools_shares_carry_their_fractions() {
    let mut params = simple_params();
    params.mint_share_bps = 3_333;
    let mut sim = Sim::new(params);
    sim.blocks(10, 7); // 7 × 0.3333 = 2.3331 a block
    assert_eq!(sim.pool_balance(), 23);
    assert_eq!(sim.state.pool().unwrap().mint_carry, d("0.331"));
    assert_eq!(sim.state.balance(&Address::module(FEE_COLLECTOR), &Denom::native()).unwrap(), 70 - 23);
}

#[test]
fn take_share_moves_from_the_community_pool() {
    let mut params = simple_params();
    params.take_share_bps = 5_000;
    let mut sim = Sim::new(params);
    let community = Address::module("community_pool");
    agora_bank::testing::fund(&mut sim.state, &community, &coins(101));
    accrual::take_collected(&mut sim.state, &TestBank, &community, DENOM, 101).unwrap();
    assert_eq!(sim.pool_balance(), 50);
    assert_eq!(sim.state.pool().unwrap().take_carry[DENOM], d("0.5"));
    sim.check();
}

#[test]
fn claims_and_params_are_refused_with_typed_errors() {
    let mut sim = Sim::new(simple_params());
    sim.block(100);
    let err = sim.claim(9).unwrap_err();
    assert_eq!((err.codespace(), err.code()), ("incentive", 4), "{err}");
    let ctx = BlockContext::at("incentive-test", sim.height);
    let not_gov = IncentiveMsg::UpdateParams { authority: provider(1), params: simple_params() };
    assert!(sim.incentive.execute(&mut sim.state, &ctx, &not_gov).is_err());
    for (bad, what) in [
        (Params { epoch_blocks: 9, ..simple_params() }, "epoch_blocks"),
        (Params { min_lease_prices: vec![DecCoin::new(Denom::native(), Dec::ZERO)], ..simple_params() }, "min_lease_prices"),
        (Params { wash_cap_bps: 10_000, ..simple_params() }, "wash_cap_bps"),
        (Params { idle_floor_bps: 8_000, ..simple_params() }, "idle_floor_bps"),
        (Params { vest_fraction_bps: 1, vest_epochs: 0, ..simple_params() }, "vest_epochs"),
        (Params { class_weights: vec![ClassWeight { class: class("a100"), weight: 1 }; 2], ..simple_params() }, "duplicate"),
        (Params { class_weights: vec![ClassWeight { class: class("A100"), weight: 1 }], ..simple_params() }, "model"),
    ] {
        let err = bad.validate().unwrap_err();
        assert!(err.to_string().contains(what), "{what}: {err}");
        assert_eq!((err.codespace(), err.code()), ("incentive", 3));
    }
}

#[test]
fn an_export_settles_every_record_and_a_new_chain_continues_it() {
    let mut sim = one_epoch(simple_params(), 2_000);
    sim.blocks(3, 100);
    let exported = sim.incentive.export_genesis(&sim.state, sim.height).unwrap();
    let json = serde_json::to_string(&exported).unwrap();
    let imported: GenesisState = serde_json::from_str(&json).unwrap();
    assert_eq!(imported, exported);
    assert_eq!(exported.epoch.unwrap().start_height, 0, "heights rebased");
    assert!(exported.positions.iter().all(|p| p.position.last_height == 0 && p.position.epoch == 1));
    // What provider 1 can claim is the same before and after.
    let claimable = |state: &dyn StateRead, height: u64| {
        let q = crate::query::query(&state, height, crate::query::PROVIDER_REWARDS, &prost::Message::encode_to_vec(&agora_proto::incentive::v1::QueryProviderRewardsRequest { provider: provider(1).to_string() }));
        let res: agora_proto::incentive::v1::QueryProviderRewardsResponse = prost::Message::decode(q.unwrap().unwrap().as_slice()).unwrap();
        res.rewards.unwrap().vested
    };
    let before = claimable(&sim.state, sim.height);
    let mut fresh = StateDelta::new(EmptyState);
    sim.incentive.init_genesis(&mut fresh, &imported).unwrap();
    assert_eq!(claimable(&fresh, 0), before);
}

// ---- property: every unit is paid, owed, or in the pool ----

#[derive(Clone, Debug)]
enum Op {
    Blocks(u8, u16),
    Gpus(u8, u8, u8, u8),
    Lease(u8, u16, bool),
    Claim(u8),
    Take(u8, u16),
    Miss(u8),
    Slash(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u8..15, 0u16..5_000).prop_map(|(n, p)| Op::Blocks(n, p)),
        (0u8..4, 0u8..3, 0u8..9, 0u8..9).prop_map(|(i, m, l, f)| Op::Gpus(i, m, l, f)),
        (0u8..4, 1u16..2_000, any::<bool>()).prop_map(|(i, r, o)| Op::Lease(i, r, o)),
        (0u8..4).prop_map(Op::Claim),
        (0u8..4, 0u16..3_000).prop_map(|(i, t)| Op::Take(i, t)),
        (0u8..4).prop_map(Op::Miss),
        (0u8..4).prop_map(Op::Slash),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn every_funded_unit_is_claimed_owed_or_in_the_pool(ops in proptest::collection::vec(op(), 1..40)) {
        let mut params = simple_params();
        params.class_weights.push(ClassWeight { class: class("h100"), weight: 3 });
        params.vest_fraction_bps = 5_000;
        params.vest_epochs = 3;
        let mut sim = Sim::new(params);
        sim.block(1_000);
        let mut rates: BTreeMap<u8, Vec<u16>> = BTreeMap::new();
        let mut claimed = 0u128;
        for op in ops {
            match op {
                Op::Blocks(n, p) => sim.blocks(u64::from(n), u128::from(p)),
                Op::Gpus(i, m, l, f) => {
                    let model = ["a100", "h100", "l40"][usize::from(m)];
                    sim.set_gpus(i + 1, &[(model, u64::from(l), u64::from(f))]);
                }
                Op::Lease(i, r, open) => {
                    let open_rates = rates.entry(i).or_default();
                    if open {
                        open_rates.push(r);
                        sim.lease(i + 1, &r.to_string(), true);
                    } else if let Some(r) = open_rates.pop() {
                        sim.lease(i + 1, &r.to_string(), false);
                    }
                }
                Op::Claim(i) => claimed += sim.claim(i + 1).unwrap_or(0),
                Op::Take(i, t) => sim.pay_take(i + 1, u128::from(t)),
                Op::Miss(i) => {
                    if sim.state.position(&provider(i + 1)).unwrap().is_some() {
                        accrual::mark_unverified(&mut sim.state, &provider(i + 1), sim.height).unwrap();
                        sim.check();
                    }
                }
                Op::Slash(i) => {
                    accrual::forfeit_unvested(&mut sim.state, &provider(i + 1), sim.height).unwrap();
                    sim.check();
                }
            }
            let held = sim.unallocated().checked_add(sim.owed()).unwrap();
            prop_assert_eq!(Dec::from_units(sim.funded - claimed), held);
        }
    }
}
