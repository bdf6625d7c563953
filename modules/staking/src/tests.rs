//! Staking's arithmetic and bookkeeping under random sequences of delegations, undelegations,
//! redelegations, cancellations, slashes and passing blocks, over the real bank module: after
//! every step the pools hold exactly what the records say, shares add up, and every token is
//! in an account, a pool, or counted as burned.

use agora_bank::{BankComponent, BankRead, BankWrite};
use agora_component::{isolated, Authority, Component, NoRouter, Wiring};
use agora_store::{EmptyState, StateDelta, StateRead, StateWrite};
use agora_types::{Address, BlockContext, Coin, Coins, Dec, Denom, Event, TxError};
use proptest::prelude::*;

use crate::msg::{CreateValidator, StakingMsg};
use crate::slash::StakingKeeper;
use crate::types::{consensus_address, CommissionRates, Description};
use crate::{BankKeeper, GenesisState, Params, StakingComponent, StakingError, StakingRead, BONDED_POOL, NOT_BONDED_POOL};

struct TestBank;

impl BankKeeper for TestBank {
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, StakingError> {
        state.send_coins(from, to, amount).map_err(|e| StakingError::InsufficientFunds(e.to_string()))
    }

    fn burn_coins(&self, state: &mut dyn StateWrite, module: &'static str, amount: &Coins) -> Result<Vec<Event>, StakingError> {
        state.burn_coins(module, amount).map_err(|e| StakingError::Internal(e.to_string()))
    }

    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &Denom) -> Result<u128, StakingError> {
        state.balance(address, denom).map_err(|e| StakingError::Internal(e.to_string()))
    }
}


const VALIDATORS: usize = 3;
const DELEGATORS: usize = 3;
const FUNDS: u128 = 1_000_000_000_000;

fn operator(i: usize) -> Address {
    Address::new([10 + i as u8; 20])
}

fn delegator(i: usize) -> Address {
    Address::new([50 + i as u8; 20])
}

struct Run {
    state: StateDelta<EmptyState>,
    staking: StakingComponent,
    ctx: BlockContext,
    burned: u128,
}

impl Run {
    fn new() -> Self {
        let mut state = StateDelta::new(EmptyState);
        let staking = StakingComponent::new(TestBank);
        let mut bank = BankComponent::default();
        bank.wire(&Wiring { module_accounts: staking.module_accounts(), authority: Authority::default(), module_versions: vec![] });
        bank.init_genesis(&mut state, &Default::default()).unwrap();
        let params = Params { unbonding_time: 5, max_validators: 2, max_entries: 3, ..Params::default() };
        staking.init_genesis(&mut state, &GenesisState { params, ..Default::default() }).unwrap();
        for address in (0..VALIDATORS).map(operator).chain((0..DELEGATORS).map(delegator)) {
            agora_bank::testing::fund(&mut state, &address, &coins(FUNDS));
        }
        let ctx = BlockContext { height: 1, time_unix_secs: 1_000, ..BlockContext::at("staking-test", 1) };
        let mut run = Self { state, staking, ctx, burned: 0 };
        for i in 0..VALIDATORS {
            let msg = StakingMsg::CreateValidator(CreateValidator {
                operator: operator(i),
                consensus_key: [i as u8 + 1; 32],
                description: Description { moniker: format!("v{i}"), ..Default::default() },
                commission: CommissionRates { rate: Dec::ZERO, max_rate: Dec::ONE, max_change_rate: Dec::ONE },
                min_self_delegation: 1,
                value: Coin::new(Denom::native(), 10_000_000 * (i as u128 + 1)),
            });
            run.execute(&msg).unwrap();
        }
        run.end_block();
        run
    }

    /// Runs a message as the app does: on a fork kept only if it succeeds.
    fn execute(&mut self, msg: &StakingMsg) -> Result<Vec<Event>, TxError> {
        let (staking, ctx) = (&self.staking, &self.ctx);
        isolated(&mut self.state, |fork| staking.execute(fork, ctx, msg))
    }

    fn end_block(&mut self) {
        self.staking.end_block(&mut self.state, &self.ctx, &NoRouter).unwrap();
        self.ctx.height += 1;
        self.ctx.time_unix_secs += 1;
        self.staking.begin_block(&mut self.state, &self.ctx).unwrap();
    }

    fn slash(&mut self, validator: usize, fraction: Dec, blocks_ago: u64) {
        let Some(v) = self.state.validator(&operator(validator)).unwrap() else { return };
        let keeper = StakingKeeper { bank: &TestBank, hooks: &() };
        let infraction = self.ctx.height.saturating_sub(blocks_ago).max(1);
        let (state, ctx) = (&mut self.state, &self.ctx);
        let (burned, _) = isolated(state, |fork| keeper.slash(fork, ctx, &consensus_address(&v.consensus_key), infraction, v.power(), fraction)).unwrap();
        self.burned += burned.amount;
    }

    fn check(&self) {
        crate::invariant::check(&self.state, &TestBank).unwrap();
        let denom = Denom::native();
        let held = |a: &Address| self.state.balance(a, &denom).unwrap();
        let liquid: u128 = (0..VALIDATORS).map(|i| held(&operator(i))).sum::<u128>() + (0..DELEGATORS).map(|i| held(&delegator(i))).sum::<u128>();
        let pools = held(&Address::module(BONDED_POOL)) + held(&Address::module(NOT_BONDED_POOL));
        assert_eq!(liquid + pools + self.burned, FUNDS * (VALIDATORS + DELEGATORS) as u128, "every token accounted for");
        assert_eq!(self.state.supply_of(&denom).unwrap() + self.burned, FUNDS * (VALIDATORS + DELEGATORS) as u128, "supply falls by what was burned");
        // No delegation is worth more than its validator holds.
        for v in self.state.all_validators().unwrap() {
            for d in 0..DELEGATORS {
                if let Some(delegation) = self.state.delegation(&delegator(d), &v.operator).unwrap() {
                    assert!(v.tokens_for_shares(delegation.shares) <= Dec::from_units(v.tokens));
                }
            }
        }
    }
}

fn coins(amount: u128) -> Coins {
    Coins::from_list(vec![Coin::new(Denom::native(), amount)]).unwrap()
}

#[derive(Clone, Debug)]
enum Op {
    Delegate { d: usize, v: usize, amount: u128 },
    Undelegate { d: usize, v: usize, amount: u128 },
    Redelegate { d: usize, src: usize, dst: usize, amount: u128 },
    Cancel { d: usize, v: usize, amount: u128 },
    Slash { v: usize, percent: u128, blocks_ago: u64 },
    Blocks(u64),
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0..DELEGATORS;
    let which = 0..VALIDATORS;
    let amount = prop_oneof![1u128..1_000, 1_000_000u128..50_000_000];
    prop_oneof![
        (who.clone(), which.clone(), amount.clone()).prop_map(|(d, v, amount)| Op::Delegate { d, v, amount }),
        (who.clone(), which.clone(), amount.clone()).prop_map(|(d, v, amount)| Op::Undelegate { d, v, amount }),
        (who.clone(), which.clone(), which.clone(), amount.clone()).prop_map(|(d, src, dst, amount)| Op::Redelegate { d, src, dst, amount }),
        (who, which.clone(), amount).prop_map(|(d, v, amount)| Op::Cancel { d, v, amount }),
        (which, 1u128..60, 0u64..4).prop_map(|(v, percent, blocks_ago)| Op::Slash { v, percent, blocks_ago }),
        (1u64..4).prop_map(Op::Blocks),
    ]
}

fn valoper_coin(amount: u128) -> Coin {
    Coin::new(Denom::native(), amount)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_token_is_accounted_for(ops in proptest::collection::vec(op(), 1..40)) {
        let mut run = Run::new();
        run.check();
        for op in ops {
            match op {
                Op::Delegate { d, v, amount } => {
                    let _ = run.execute(&StakingMsg::Delegate { delegator: delegator(d), validator: operator(v), amount: valoper_coin(amount) });
                }
                Op::Undelegate { d, v, amount } => {
                    let _ = run.execute(&StakingMsg::Undelegate { delegator: delegator(d), validator: operator(v), amount: valoper_coin(amount) });
                }
                Op::Redelegate { d, src, dst, amount } => {
                    if src != dst {
                        let _ = run.execute(&StakingMsg::BeginRedelegate { delegator: delegator(d), src: operator(src), dst: operator(dst), amount: valoper_coin(amount) });
                    }
                }
                Op::Cancel { d, v, amount } => {
                    let height = run.state.unbonding_delegation(&delegator(d), &operator(v)).unwrap().and_then(|u| u.entries.first().map(|e| e.creation_height));
                    if let Some(creation_height) = height {
                        let _ = run.execute(&StakingMsg::CancelUnbonding { delegator: delegator(d), validator: operator(v), amount: valoper_coin(amount), creation_height });
                    }
                }
                Op::Slash { v, percent, blocks_ago } => run.slash(v, Dec::from_units(percent).mul_ratio_floor(Dec::ONE, Dec::from_units(100)).unwrap(), blocks_ago),
                Op::Blocks(n) => {
                    for _ in 0..n {
                        run.end_block();
                    }
                }
            }
            run.end_block();
            run.check();
        }
        // Everything unbonding eventually pays out.
        for _ in 0..10 {
            run.end_block();
        }
        run.check();
        prop_assert!(run.state.prefix_raw(crate::state::keys::UNBONDING_PREFIX, None).next().is_none());
    }
}

#[test]
fn a_slash_takes_its_share_from_unbonding_entries_created_after_the_fault() {
    let mut run = Run::new();
    let d = delegator(0);
    run.execute(&StakingMsg::Delegate { delegator: d, validator: operator(2), amount: valoper_coin(10_000_000) }).unwrap();
    run.end_block();
    let fault_height = run.ctx.height;
    run.end_block();
    run.execute(&StakingMsg::Undelegate { delegator: d, validator: operator(2), amount: valoper_coin(4_000_000) }).unwrap();
    run.end_block();
    let before = run.state.validator(&operator(2)).unwrap().unwrap();
    let power = before.power();
    let keeper = StakingKeeper { bank: &TestBank, hooks: &() };
    let ctx = run.ctx.clone();
    let (burned, _) = keeper.slash(&mut run.state, &ctx, &consensus_address(&before.consensus_key), fault_height, power, "0.1".parse().unwrap()).unwrap();
    run.burned += burned.amount;
    // The unbonding entry answers for 10% of its 4,000,000; the validator for the rest.
    let ubd = run.state.unbonding_delegation(&d, &operator(2)).unwrap().unwrap();
    assert_eq!(ubd.entries[0].balance, 3_600_000);
    let owed = u128::from(power) * 1_000_000 / 10;
    let after = run.state.validator(&operator(2)).unwrap().unwrap();
    assert_eq!(before.tokens - after.tokens, owed - 400_000);
    assert_eq!(burned.amount, owed);
    run.check();
}

#[test]
fn redelegated_stake_that_left_the_destination_still_answers_for_the_fault() {
    let mut run = Run::new();
    let d = delegator(1);
    run.execute(&StakingMsg::Delegate { delegator: d, validator: operator(2), amount: valoper_coin(10_000_000) }).unwrap();
    run.end_block();
    let fault_height = run.ctx.height;
    run.end_block();
    // Moved away from the faulty validator, then unbonded from the destination.
    run.execute(&StakingMsg::BeginRedelegate { delegator: d, src: operator(2), dst: operator(0), amount: valoper_coin(10_000_000) }).unwrap();
    run.execute(&StakingMsg::Undelegate { delegator: d, validator: operator(0), amount: valoper_coin(10_000_000) }).unwrap();
    run.end_block();
    let before = run.state.validator(&operator(2)).unwrap().unwrap();
    let keeper = StakingKeeper { bank: &TestBank, hooks: &() };
    let ctx = run.ctx.clone();
    let power = before.power();
    let (burned, _) = keeper.slash(&mut run.state, &ctx, &consensus_address(&before.consensus_key), fault_height, power, "0.1".parse().unwrap()).unwrap();
    run.burned += burned.amount;
    let ubd = run.state.unbonding_delegation(&d, &operator(0)).unwrap().unwrap();
    assert_eq!(ubd.entries[0].balance, 9_000_000, "10% of the moved stake, from its unbonding entry");
    assert_eq!(burned.amount, u128::from(power) * 100_000, "the whole 10% of the stake behind the fault is burned");
    run.check();
}

#[test]
fn lowering_historical_entries_drops_every_header_that_fell_out_of_the_window() {
    let mut state = StateDelta::new(EmptyState);
    let kept = |state: &StateDelta<EmptyState>| (1..=12).filter(|h| crate::historical::historical_info(state, *h).unwrap().is_some()).collect::<Vec<u64>>();
    for height in 1..=10 {
        crate::historical::track(&mut state, &BlockContext::at("test", height), 10);
    }
    assert_eq!(kept(&state), (1..=10).collect::<Vec<_>>());
    crate::historical::track(&mut state, &BlockContext::at("test", 11), 3);
    assert_eq!(kept(&state), vec![9, 10, 11]);
    crate::historical::track(&mut state, &BlockContext::at("test", 12), 3);
    assert_eq!(kept(&state), vec![10, 11, 12]);
}
