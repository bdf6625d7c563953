//! The reward index arithmetic; allocation and withdrawal run through the real application in
//! `app/app/tests/staking.rs`.

use agora_types::{Coin, Coins, Dec, Denom};

use crate::rewards::accrued;
use crate::DecCoins;

fn coins(amount: u128) -> DecCoins {
    DecCoins::from_coins(&Coins::from_list(vec![Coin::new(Denom::native(), amount)]).unwrap())
}

#[test]
fn a_delegation_earns_its_shares_times_the_index_gain_and_fractions_truncate() {
    let start = coins(0);
    // 7 tokens over 3 shares: 2.333… per share.
    let index = coins(7).mul_ratio(Dec::ONE, Dec::from_units(3)).unwrap();
    let one = accrued(Dec::from_units(1), &start, &index).unwrap();
    let two = accrued(Dec::from_units(2), &start, &index).unwrap();
    let mut sum = one.clone();
    sum.add(&two).unwrap();
    assert!(sum.get(&Denom::native()) <= Dec::from_units(7), "never more than was shared");
    let (whole, fraction) = two.truncate();
    assert_eq!(whole.amount_of(&Denom::native()), 4);
    assert!(fraction.get(&Denom::native()) < Dec::ONE);
}

mod property {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use agora_bank::{BankComponent, BankRead, BankWrite};
    use agora_component::{Authority, Component, Wiring};
    use agora_store::{EmptyState, StateDelta, StateRead, StateWrite};
    use agora_types::{Address, Coin, Coins, ConsensusAddress, Dec, Denom, Event};
    use proptest::prelude::*;

    use crate::keepers::{BankKeeper, StakingKeeper, ValidatorInfo};
    use crate::{allocate, rewards, DistributionComponent, DistributionError, DISTRIBUTION_MODULE};

    struct TestBank;

    impl BankKeeper for TestBank {
        fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, DistributionError> {
            state.send_coins(from, to, amount).map_err(|e| DistributionError::InsufficientFunds(e.to_string()))
        }

        fn balances(&self, state: &dyn StateRead, address: &Address) -> Result<Coins, DistributionError> {
            state.all_balances(address).map_err(|e| DistributionError::Internal(e.to_string()))
        }

        fn blocked(&self, _state: &dyn StateRead, _address: &Address) -> Result<bool, DistributionError> {
            Ok(false)
        }
    }

    /// Shares per (delegator, validator), as staking would hold them.
    #[derive(Default)]
    struct Shares(Mutex<BTreeMap<(Address, Address), Dec>>);

    impl Shares {
        fn info(&self, operator: &Address) -> ValidatorInfo {
            let total = self.0.lock().unwrap().iter().filter(|((_, v), _)| v == operator).fold(Dec::ZERO, |sum, (_, s)| sum.checked_add(*s).unwrap());
            ValidatorInfo { operator: *operator, commission_rate: "0.1".parse().unwrap(), delegator_shares: total }
        }
    }

    impl StakingKeeper for &Shares {
        fn validator(&self, _state: &dyn StateRead, operator: &Address) -> Result<Option<ValidatorInfo>, DistributionError> {
            Ok(Some(self.info(operator)))
        }

        fn validator_by_consensus(&self, _state: &dyn StateRead, _address: &ConsensusAddress) -> Result<Option<ValidatorInfo>, DistributionError> {
            Ok(None)
        }

        fn delegation_shares(&self, _state: &dyn StateRead, delegator: &Address, validator: &Address) -> Result<Option<Dec>, DistributionError> {
            Ok(self.0.lock().unwrap().get(&(*delegator, *validator)).copied())
        }

        fn delegations_of(&self, _state: &dyn StateRead, delegator: &Address) -> Result<Vec<(Address, Dec)>, DistributionError> {
            Ok(self.0.lock().unwrap().iter().filter(|((d, _), _)| d == delegator).map(|((_, v), s)| (*v, *s)).collect())
        }
    }

    fn validator(i: usize) -> Address {
        Address::new([10 + i as u8; 20])
    }

    fn delegator(i: usize) -> Address {
        Address::new([50 + i as u8; 20])
    }

    #[derive(Clone, Debug)]
    enum Op {
        Allocate { v: usize, amount: u128 },
        Withdraw { d: usize, v: usize },
        Reshare { d: usize, v: usize, shares: u128 },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..3usize, 1u128..10_000_000).prop_map(|(v, amount)| Op::Allocate { v, amount }),
            (0..4usize, 0..3usize).prop_map(|(d, v)| Op::Withdraw { d, v }),
            (0..4usize, 0..3usize, 0u128..5_000_000).prop_map(|(d, v, shares)| Op::Reshare { d, v, shares }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        /// Whatever is allocated, withdrawn and re-shared, the distribution account holds
        /// exactly what is owed, and no one is paid more than was allocated to them.
        #[test]
        fn rewards_are_conserved(ops in proptest::collection::vec(op(), 1..60)) {
            let shares = Shares::default();
            let mut state = StateDelta::new(EmptyState);
            let distribution = DistributionComponent::new(TestBank, NoStaking);
            let mut bank = BankComponent::default();
            bank.wire(&Wiring { module_accounts: distribution.module_accounts(), authority: Authority::default(), module_versions: vec![] });
            bank.init_genesis(&mut state, &Default::default()).unwrap();
            distribution.init_genesis(&mut state, &Default::default()).unwrap();
            for v in 0..3 {
                rewards::validator_created(&mut state, &validator(v)).unwrap();
                for d in 0..4 {
                    shares.0.lock().unwrap().insert((delegator(d), validator(v)), Dec::from_units(1_000_000));
                    rewards::after_delegation_modified(&mut state, &&shares, &delegator(d), &validator(v)).unwrap();
                }
            }
            let denom = Denom::native();
            let mut allocated = 0u128;
            for op in ops {
                match op {
                    Op::Allocate { v, amount } => {
                        let coins = Coins::from_list(vec![Coin::new(denom.clone(), amount)]).unwrap();
                        agora_bank::testing::fund(&mut state, &Address::module(DISTRIBUTION_MODULE), &coins);
                        allocate::allocate_to_validator(&mut state, &shares.info(&validator(v)), &crate::DecCoins::from_coins(&coins)).unwrap();
                        allocated += amount;
                    }
                    Op::Withdraw { d, v } => {
                        if shares.0.lock().unwrap().contains_key(&(delegator(d), validator(v))) {
                            rewards::withdraw_delegation(&mut state, &TestBank, &&shares, &delegator(d), &validator(v)).unwrap();
                        }
                    }
                    Op::Reshare { d, v, shares: new } => {
                        rewards::before_delegation_modified(&mut state, &TestBank, &&shares, &delegator(d), &validator(v)).unwrap();
                        if new == 0 {
                            shares.0.lock().unwrap().remove(&(delegator(d), validator(v)));
                        } else {
                            shares.0.lock().unwrap().insert((delegator(d), validator(v)), Dec::from_units(new));
                        }
                        rewards::after_delegation_modified(&mut state, &&shares, &delegator(d), &validator(v)).unwrap();
                    }
                }
                distribution.check_invariants(&state).map_err(TestCaseError::fail)?;
            }
            let paid: u128 = (0..4).map(|d| state.balance(&delegator(d), &denom).unwrap()).sum();
            prop_assert!(paid <= allocated, "paid {paid} of {allocated}");
        }
    }

    /// The component itself is used only for genesis and its invariant, which need no stake.
    struct NoStaking;

    impl StakingKeeper for NoStaking {
        fn validator(&self, _: &dyn StateRead, _: &Address) -> Result<Option<ValidatorInfo>, DistributionError> {
            Ok(None)
        }
        fn validator_by_consensus(&self, _: &dyn StateRead, _: &ConsensusAddress) -> Result<Option<ValidatorInfo>, DistributionError> {
            Ok(None)
        }
        fn delegation_shares(&self, _: &dyn StateRead, _: &Address, _: &Address) -> Result<Option<Dec>, DistributionError> {
            Ok(None)
        }
        fn delegations_of(&self, _: &dyn StateRead, _: &Address) -> Result<Vec<(Address, Dec)>, DistributionError> {
            Ok(Vec::new())
        }
    }
}
