//! The tally against a brute-force reference: every delegation counted on its own, as its
//! delegator voted or else as its validator's operator voted. (The flow through the real
//! application is tested in `app/app/tests/gov.rs`.)

use std::collections::BTreeMap;

use agora_store::{EmptyState, StateDelta, StateRead};
use agora_types::{Address, Dec, TxError};
use cosmos_sdk_proto::cosmos::gov::v1 as pb;
use proptest::prelude::*;

use crate::keepers::{BondedValidator, StakingKeeper};
use crate::msg::VoteOption;
use crate::state::GovWrite;
use crate::tally::{count, Tally};

struct Staking {
    validators: Vec<BondedValidator>,
    delegations: BTreeMap<Address, Vec<(Address, Dec)>>,
}

impl StakingKeeper for Staking {
    fn bonded_validators(&self, _: &dyn StateRead) -> Result<Vec<BondedValidator>, TxError> {
        Ok(self.validators.clone())
    }

    fn total_bonded_tokens(&self, _: &dyn StateRead) -> Result<u128, TxError> {
        Ok(self.validators.iter().map(|v| v.tokens).sum())
    }

    fn delegations_of(&self, _: &dyn StateRead, delegator: &Address) -> Result<Vec<(Address, Dec)>, TxError> {
        Ok(self.delegations.get(delegator).cloned().unwrap_or_default())
    }
}

fn account(i: usize) -> Address {
    Address::new([i as u8 + 1; 20])
}

/// Options of a vote: a single option, or two with weights `w` and `1 − w` (tenths).
fn options(option: u8, split: Option<(u8, u8)>) -> Vec<(VoteOption, Dec)> {
    let o = |n: u8| VoteOption::from_i32(i32::from(n % 4) + 1).unwrap();
    match split {
        Some((other, tenths)) if o(other) != o(option) => {
            let w = Dec::from_atto(u128::from(tenths % 9 + 1) * 100_000_000_000_000_000);
            vec![(o(option), w), (o(other), Dec::ONE.checked_sub(w).unwrap())]
        }
        _ => vec![(o(option), Dec::ONE)],
    }
}

fn add(t: &mut Tally, options: &[(VoteOption, Dec)], power: Dec) {
    for (option, weight) in options {
        let part = power.checked_mul(*weight).unwrap();
        let slot = match option {
            VoteOption::Yes => &mut t.yes,
            VoteOption::Abstain => &mut t.abstain,
            VoteOption::No => &mut t.no,
            VoteOption::NoWithVeto => &mut t.no_with_veto,
        };
        *slot = slot.checked_add(part).unwrap();
    }
    t.total = t.total.checked_add(power).unwrap();
}

fn gap(a: Dec, b: Dec) -> Dec {
    if a > b { a.checked_sub(b).unwrap() } else { b.checked_sub(a).unwrap() }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn the_tally_counts_every_delegation_as_its_delegator_or_else_its_validator_voted(
        tokens in prop::collection::vec(1u128..1_000_000_000_000, 1..4),
        // Per validator: shares per token, in 1/1000 (a slashed validator has more shares than tokens).
        rates in prop::collection::vec(1_000u128..3_000, 4),
        // (delegator, validator, shares in units)
        delegations in prop::collection::vec((0usize..6, 0usize..4, 1u128..1_000_000_000), 1..12),
        // (voter: 0..6 delegators, 6..10 operators, option, optional split)
        votes in prop::collection::vec((0usize..10, 0u8..4, prop::option::of((0u8..4, 0u8..9))), 0..10),
    ) {
        let n = tokens.len();
        let operator = |v: usize| account(100 + v);
        let mut by_delegator: BTreeMap<Address, BTreeMap<Address, Dec>> = BTreeMap::new();
        for (d, v, shares) in &delegations {
            let entry = by_delegator.entry(account(*d)).or_default().entry(operator(v % n)).or_insert(Dec::ZERO);
            *entry = entry.checked_add(Dec::from_units(*shares)).unwrap();
        }
        // Each validator's shares are its delegations' (plus its operator's, if it has none).
        let mut validators = Vec::new();
        for v in 0..n {
            let mut shares = Dec::ZERO;
            for delegations in by_delegator.values() {
                shares = shares.checked_add(delegations.get(&operator(v)).copied().unwrap_or(Dec::ZERO)).unwrap();
            }
            if shares.is_zero() {
                shares = Dec::from_units(1);
                by_delegator.entry(operator(v)).or_default().insert(operator(v), shares);
            }
            let tokens = tokens[v].min(shares.floor().unwrap().saturating_mul(1000) / rates[v]).max(1);
            validators.push(BondedValidator { operator: operator(v), tokens, delegator_shares: shares });
        }
        let staking = Staking {
            validators: validators.clone(),
            delegations: by_delegator.iter().map(|(d, list)| (*d, list.iter().map(|(v, s)| (*v, *s)).collect())).collect(),
        };

        let mut state = StateDelta::new(EmptyState);
        let mut cast: BTreeMap<Address, Vec<(VoteOption, Dec)>> = BTreeMap::new();
        for (voter, option, split) in &votes {
            let voter = if *voter < 6 { account(*voter) } else { operator((voter - 6) % n) };
            let chosen = options(*option, *split);
            let vote = pb::Vote {
                proposal_id: 1,
                voter: voter.to_string(),
                options: chosen.iter().map(|(o, w)| pb::WeightedVoteOption { option: *o as i32, weight: w.to_string() }).collect(),
                metadata: String::new(),
            };
            state.put_vote(&voter, &vote);
            cast.insert(voter, chosen);
        }
        let (tally, voters) = count(&state, &staking, 1).unwrap();
        prop_assert_eq!(voters, cast.keys().copied().collect::<Vec<_>>());

        // Brute force: each delegation on its own.
        let mut reference = Tally::default();
        let mut terms = 0u128;
        for (delegator, list) in &by_delegator {
            for (validator, shares) in list {
                let v = validators.iter().find(|v| v.operator == *validator).unwrap();
                let vote = cast.get(delegator).or_else(|| cast.get(validator));
                if let Some(options) = vote {
                    let power = shares.mul_ratio_floor(Dec::from_units(v.tokens), v.delegator_shares).unwrap();
                    add(&mut reference, options, power);
                    terms += 1;
                }
            }
        }
        // Each term is rounded down once here and once per validator there: within a few
        // 10^-18 per term and option.
        let tolerance = Dec::from_atto(4 * (terms + n as u128 + 1));
        for (got, want) in [(tally.yes, reference.yes), (tally.no, reference.no), (tally.abstain, reference.abstain), (tally.no_with_veto, reference.no_with_veto), (tally.total, reference.total)] {
            prop_assert!(gap(got, want) <= tolerance, "tally {got} vs reference {want}");
        }
    }
}

/// The initial deposit a proposal needs rounds half to even, as the SDK's `RoundInt`:
/// 5 × 0.5 = 2.5 needs 2, 5 × 0.7 = 3.5 needs 4, 5 × 0.3 = 1.5 needs 2, 10 × 0.25 = 2.5 needs 2.
#[test]
fn the_minimum_initial_deposit_rounds_half_to_even() {
    let d = |s: &str| -> Dec { s.parse().expect("dec") };
    let needed = |amount, ratio| crate::component::min_initial_deposit(amount, d(ratio));
    assert_eq!([needed(5, "0.5"), needed(5, "0.7"), needed(5, "0.3"), needed(10, "0.25"), needed(10, "0.26")], [2, 4, 2, 2, 3]);
    assert_eq!(needed(10_000_000, "0.25"), 2_500_000);
}
