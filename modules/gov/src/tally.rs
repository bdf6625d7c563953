//! The tally: stake-weighted votes with validator inheritance, and the decision.
//!
//! Each bonded validator's vote counts for its delegators' shares, except the shares of
//! delegators who voted themselves (theirs count as they voted). Voting power is shares ×
//! tokens / delegator shares, in 18-decimal fixed point rounded down (the SDK rounds half to
//! even at the 18th decimal: a difference of at most 10^-18 per term).

use std::collections::BTreeMap;

use agora_store::StateRead;
use agora_types::{Address, Dec, TxError};
use cosmos_sdk_proto::cosmos::gov::v1 as pb;
use prost::Message;

use crate::keepers::StakingKeeper;
use crate::msg::VoteOption;
use crate::state::keys;
use crate::Params;

/// Voting power per option, and in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub yes: Dec,
    pub abstain: Dec,
    pub no: Dec,
    pub no_with_veto: Dec,
    pub total: Dec,
}

impl Tally {
    fn add(&mut self, option: VoteOption, power: Dec) {
        let slot = match option {
            VoteOption::Yes => &mut self.yes,
            VoteOption::Abstain => &mut self.abstain,
            VoteOption::No => &mut self.no,
            VoteOption::NoWithVeto => &mut self.no_with_veto,
        };
        *slot = slot.checked_add(power).unwrap_or(Dec::MAX);
    }

    fn add_vote(&mut self, options: &[(VoteOption, Dec)], power: Dec) {
        for (option, weight) in options {
            self.add(*option, power.checked_mul(*weight).unwrap_or(Dec::ZERO));
        }
        self.total = self.total.checked_add(power).unwrap_or(Dec::MAX);
    }

    /// The counts as `TallyResult` carries them: whole tokens, rounded down.
    pub fn to_proto(&self) -> pb::TallyResult {
        let whole = |d: Dec| d.floor().unwrap_or(u128::MAX).to_string();
        pb::TallyResult { yes_count: whole(self.yes), abstain_count: whole(self.abstain), no_count: whole(self.no), no_with_veto_count: whole(self.no_with_veto) }
    }
}

/// What the tally decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub passes: bool,
    /// Whether the deposits are burned (quorum missed or vetoed, when the parameters say so).
    pub burn_deposits: bool,
}

/// A vote's options, decoded from its stored form.
pub(crate) fn vote_options(vote: &pb::Vote) -> Vec<(VoteOption, Dec)> {
    vote.options
        .iter()
        .filter_map(|o| Some((VoteOption::from_i32(o.option)?, o.weight.parse::<Dec>().ok()?)))
        .collect()
}

struct ValidatorTally {
    tokens: u128,
    shares: Dec,
    deducted: Dec,
    vote: Option<Vec<(VoteOption, Dec)>>,
}

/// `shares` of a validator with `tokens` and `total_shares`, in tokens.
fn power(shares: Dec, tokens: u128, total_shares: Dec) -> Dec {
    shares.mul_ratio_floor(Dec::from_units(tokens), total_shares).unwrap_or(Dec::ZERO)
}

/// Counts the votes on proposal `id`; returns the tally and the voters (whose votes the
/// caller deletes once the proposal is decided).
pub fn count(state: &dyn StateRead, staking: &dyn StakingKeeper, id: u64) -> Result<(Tally, Vec<Address>), TxError> {
    let mut validators: BTreeMap<Address, ValidatorTally> = staking
        .bonded_validators(state)?
        .into_iter()
        .map(|v| (v.operator, ValidatorTally { tokens: v.tokens, shares: v.delegator_shares, deducted: Dec::ZERO, vote: None }))
        .collect();
    let mut tally = Tally::default();
    let mut voters = Vec::new();
    let prefix = keys::votes_of(id);
    for item in state.prefix_raw(&prefix, None) {
        let (key, value) = item.map_err(TxError::internal)?;
        let voter = Address::from_slice(&key[prefix.len()..]).map_err(|e| TxError::internal(format!("corrupt vote key: {e}")))?;
        let vote = pb::Vote::decode(value.as_slice()).map_err(|e| TxError::internal(format!("corrupt vote: {e}")))?;
        let options = vote_options(&vote);
        voters.push(voter);
        // A validator's operator votes for the validator (its delegators inherit the vote).
        if let Some(validator) = validators.get_mut(&voter) {
            validator.vote = Some(options.clone());
        }
        for (validator, shares) in staking.delegations_of(state, &voter)? {
            let Some(v) = validators.get_mut(&validator) else { continue };
            v.deducted = v.deducted.checked_add(shares).unwrap_or(Dec::MAX);
            tally.add_vote(&options, power(shares, v.tokens, v.shares));
        }
    }
    for v in validators.values() {
        let Some(options) = &v.vote else { continue };
        let inherited = v.shares.checked_sub(v.deducted).unwrap_or(Dec::ZERO);
        tally.add_vote(options, power(inherited, v.tokens, v.shares));
    }
    Ok((tally, voters))
}

/// The SDK's decision: quorum over all bonded tokens (abstain counts), veto over all votes,
/// threshold over the votes that did not abstain; both comparisons strict.
pub fn decide(tally: &Tally, total_bonded: u128, params: &Params, expedited: bool) -> Outcome {
    let no = |burn: bool| Outcome { passes: false, burn_deposits: burn };
    if total_bonded == 0 {
        return no(false);
    }
    let ratio = |part: Dec, whole: Dec| part.mul_ratio_floor(Dec::ONE, whole).unwrap_or(Dec::ZERO);
    if ratio(tally.total, Dec::from_units(total_bonded)) < params.quorum {
        return no(params.burn_vote_quorum);
    }
    let counted = tally.total.checked_sub(tally.abstain).unwrap_or(Dec::ZERO);
    if counted.is_zero() {
        return no(false);
    }
    if ratio(tally.no_with_veto, tally.total) > params.veto_threshold {
        return no(params.burn_vote_veto);
    }
    if ratio(tally.yes, counted) > params.threshold_for(expedited) {
        return Outcome { passes: true, burn_deposits: false };
    }
    no(false)
}
