//! `gov` parameters, stored and queried as `cosmos.gov.v1.Params`.

use agora_types::time::NANOS_PER_SEC;
use agora_types::{Address, Coins, Dec, Denom};
use serde::{Deserialize, Serialize};
use tendermint_proto::google::protobuf::Duration;

use crate::{proto, GovError};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// Deposits that move a proposal into its voting period.
    pub min_deposit: Coins,
    #[serde(with = "agora_types::duration_secs")]
    pub max_deposit_period: u64,
    #[serde(with = "agora_types::duration_secs")]
    pub voting_period: u64,
    /// Share of all bonded stake that must vote (abstain included).
    pub quorum: Dec,
    /// Share of the non-abstaining votes that must be yes (strictly more).
    pub threshold: Dec,
    /// Share of all votes that rejects (strictly more) and may burn the deposits.
    pub veto_threshold: Dec,
    /// Share of the minimum deposit a proposal must bring when submitted.
    pub min_initial_deposit_ratio: Dec,
    /// Share of the deposits a cancelled proposal loses.
    pub proposal_cancel_ratio: Dec,
    /// Where that share goes: empty burns it.
    pub proposal_cancel_dest: String,
    #[serde(with = "agora_types::duration_secs")]
    pub expedited_voting_period: u64,
    pub expedited_threshold: Dec,
    pub expedited_min_deposit: Coins,
    pub burn_vote_quorum: bool,
    pub burn_proposal_deposit_prevote: bool,
    pub burn_vote_veto: bool,
    /// Share of the minimum deposit each single deposit must reach in some denom.
    pub min_deposit_ratio: Dec,
}

fn dec(text: &str) -> Dec {
    text.parse().unwrap_or(Dec::ZERO)
}

impl Default for Params {
    /// The Cosmos SDK v0.50 defaults, in `uagora`.
    fn default() -> Self {
        let coins = |amount: u128| {
            let mut coins = Coins::new();
            let _ = coins.add(&agora_types::Coin::new(Denom::native(), amount));
            coins
        };
        Self {
            min_deposit: coins(10_000_000),
            max_deposit_period: 2 * 24 * 3600,
            voting_period: 2 * 24 * 3600,
            quorum: dec("0.334"),
            threshold: dec("0.5"),
            veto_threshold: dec("0.334"),
            min_initial_deposit_ratio: Dec::ZERO,
            proposal_cancel_ratio: dec("0.5"),
            proposal_cancel_dest: String::new(),
            expedited_voting_period: 24 * 3600,
            expedited_threshold: dec("0.667"),
            expedited_min_deposit: coins(50_000_000),
            burn_vote_quorum: false,
            burn_proposal_deposit_prevote: false,
            burn_vote_veto: true,
            min_deposit_ratio: dec("0.01"),
        }
    }
}

/// Periods are kept in nanoseconds of a u64: a century at most.
const MAX_PERIOD_SECS: u64 = 100 * 365 * 24 * 3600;

fn duration(secs: u64) -> Option<Duration> {
    Some(Duration { seconds: i64::try_from(secs).unwrap_or(i64::MAX), nanos: 0 })
}

impl Params {
    pub fn min_deposit_for(&self, expedited: bool) -> &Coins {
        if expedited {
            &self.expedited_min_deposit
        } else {
            &self.min_deposit
        }
    }

    pub fn voting_period_nanos(&self, expedited: bool) -> u64 {
        let secs = if expedited { self.expedited_voting_period } else { self.voting_period };
        secs.saturating_mul(NANOS_PER_SEC)
    }

    pub fn threshold_for(&self, expedited: bool) -> Dec {
        if expedited {
            self.expedited_threshold
        } else {
            self.threshold
        }
    }

    /// Where a cancelled proposal's charge goes (`None`: burned).
    pub fn cancel_destination(&self) -> Result<Option<Address>, GovError> {
        if self.proposal_cancel_dest.is_empty() {
            return Ok(None);
        }
        self.proposal_cancel_dest
            .parse()
            .map(Some)
            .map_err(|e| GovError::InvalidParams(format!("deposits destination address is invalid: {}: {e}", self.proposal_cancel_dest)))
    }

    /// The SDK's checks, in its order, with its messages.
    pub fn validate(&self) -> Result<(), GovError> {
        let invalid = |m: String| Err(GovError::InvalidParams(m));
        if self.min_deposit.is_empty() {
            return invalid(format!("invalid minimum deposit: {}", self.min_deposit));
        }
        if self.expedited_min_deposit.is_empty() {
            return invalid(format!("invalid expedited minimum deposit: {}", self.expedited_min_deposit));
        }
        if all_gte(&self.min_deposit, &self.expedited_min_deposit) {
            return invalid(format!("expedited minimum deposit must be greater than minimum deposit: {}", self.expedited_min_deposit));
        }
        for (name, secs) in [("maximum deposit period", self.max_deposit_period), ("voting period", self.voting_period), ("expedited voting period", self.expedited_voting_period)] {
            if secs == 0 {
                return invalid(format!("{name} must be positive: {secs}s"));
            }
            if secs > MAX_PERIOD_SECS {
                return invalid(format!("{name} must be at most 100 years: {secs}s"));
            }
        }
        if self.quorum > Dec::ONE {
            return invalid(format!("quorom too large: {}", self.quorum));
        }
        for (name, value) in [("vote threshold", self.threshold), ("expedited vote threshold", self.expedited_threshold), ("veto threshold", self.veto_threshold)] {
            if value.is_zero() {
                return invalid(format!("{name} must be positive: {value}"));
            }
            if value > Dec::ONE {
                return invalid(format!("{name} too large: {value}"));
            }
        }
        if self.expedited_threshold <= self.threshold {
            return invalid(format!("expedited vote threshold {}, must be greater than the regular threshold {}", self.expedited_threshold, self.threshold));
        }
        if self.expedited_voting_period >= self.voting_period {
            return invalid(format!(
                "expedited voting period {}s must be strictly less that the regular voting period {}s",
                self.expedited_voting_period, self.voting_period
            ));
        }
        for (name, value) in [("mininum initial deposit ratio of proposal", self.min_initial_deposit_ratio), ("burn rate of cancel proposal", self.proposal_cancel_ratio), ("minimum deposit ratio", self.min_deposit_ratio)] {
            if value > Dec::ONE {
                return invalid(format!("{name} is too large: {value}"));
            }
        }
        self.cancel_destination()?;
        Ok(())
    }

    pub fn to_proto(&self) -> proto::Params {
        proto::Params {
            min_deposit: self.min_deposit.to_protos(),
            max_deposit_period: duration(self.max_deposit_period),
            voting_period: duration(self.voting_period),
            quorum: self.quorum.to_legacy_string(),
            threshold: self.threshold.to_legacy_string(),
            veto_threshold: self.veto_threshold.to_legacy_string(),
            min_initial_deposit_ratio: self.min_initial_deposit_ratio.to_legacy_string(),
            proposal_cancel_ratio: self.proposal_cancel_ratio.to_legacy_string(),
            proposal_cancel_dest: self.proposal_cancel_dest.clone(),
            expedited_voting_period: duration(self.expedited_voting_period),
            expedited_threshold: self.expedited_threshold.to_legacy_string(),
            expedited_min_deposit: self.expedited_min_deposit.to_protos(),
            burn_vote_quorum: self.burn_vote_quorum,
            burn_proposal_deposit_prevote: self.burn_proposal_deposit_prevote,
            burn_vote_veto: self.burn_vote_veto,
            min_deposit_ratio: self.min_deposit_ratio.to_legacy_string(),
        }
    }

    /// Parses and validates parameters a `MsgUpdateParams` carries.
    pub fn from_proto(p: &proto::Params) -> Result<Self, GovError> {
        let dec = |field: &str, text: &str| -> Result<Dec, GovError> {
            text.parse().map_err(|e| GovError::InvalidParams(format!("invalid {field} string: {text:?}: {e}")))
        };
        let coins = |field: &str, list: &[cosmos_sdk_proto::cosmos::base::v1beta1::Coin]| -> Result<Coins, GovError> {
            let coins = Coins::from_protos(list).map_err(|e| GovError::InvalidParams(format!("invalid {field}: {e}")))?;
            if coins.iter().count() != list.len() {
                return Err(GovError::InvalidParams(format!("invalid {field}: amounts must be positive")));
            }
            Ok(coins)
        };
        let secs = |field: &str, d: &Option<Duration>| -> Result<u64, GovError> {
            let d = d.as_ref().ok_or_else(|| GovError::InvalidParams(format!("{field} must not be nil")))?;
            if d.nanos != 0 {
                return Err(GovError::InvalidParams(format!("{field} must be whole seconds")));
            }
            u64::try_from(d.seconds).map_err(|_| GovError::InvalidParams(format!("{field} must be positive")))
        };
        let params = Self {
            min_deposit: coins("minimum deposit", &p.min_deposit)?,
            max_deposit_period: secs("maximum deposit period", &p.max_deposit_period)?,
            voting_period: secs("voting period", &p.voting_period)?,
            quorum: dec("quorum", &p.quorum)?,
            threshold: dec("threshold", &p.threshold)?,
            veto_threshold: dec("vetoThreshold", &p.veto_threshold)?,
            min_initial_deposit_ratio: dec("mininum initial deposit ratio", &p.min_initial_deposit_ratio)?,
            proposal_cancel_ratio: dec("burn rate of cancel proposal", &p.proposal_cancel_ratio)?,
            proposal_cancel_dest: p.proposal_cancel_dest.clone(),
            expedited_voting_period: secs("expedited voting period", &p.expedited_voting_period)?,
            expedited_threshold: dec("expedited threshold", &p.expedited_threshold)?,
            expedited_min_deposit: coins("expedited minimum deposit", &p.expedited_min_deposit)?,
            burn_vote_quorum: p.burn_vote_quorum,
            burn_proposal_deposit_prevote: p.burn_proposal_deposit_prevote,
            burn_vote_veto: p.burn_vote_veto,
            // Required: an update that left it out would silently drop the per-deposit minimum.
            min_deposit_ratio: dec("minimum deposit ratio", &p.min_deposit_ratio)?,
        };
        params.validate()?;
        Ok(params)
    }
}

/// Whether `coins` holds at least `wanted` of every denom of `wanted`.
pub fn all_gte(coins: &Coins, wanted: &Coins) -> bool {
    wanted.iter().all(|want| coins.amount_of(&want.denom) >= want.amount)
}
