//! `MsgEditValidator`: description, commission rate (within the validator's own bounds, at
//! most once a day) and minimum self-delegation (which may only rise).

use agora_store::StateWrite;
use agora_types::{Event, TxError};

use super::{load_validator, tx, Env};
use crate::msg::EditValidator;
use crate::state::{power_index_key, StakingRecords};
use crate::{event, StakingError};

const DAY_NANOS: u64 = 24 * 3600 * crate::params::NANOS_PER_SEC;

pub(super) fn execute(mut state: &mut dyn StateWrite, env: &Env<'_>, msg: &EditValidator) -> Result<Vec<Event>, TxError> {
    let mut run = || -> Result<Vec<Event>, StakingError> {
        let mut validator = load_validator(state, &msg.operator)?;
        let indexed = power_index_key(&validator);
        let description = validator.description.updated(&msg.description);
        description.validate()?;
        validator.description = description;
        if let Some(rate) = msg.commission_rate {
            let now = env.now();
            if now.saturating_sub(validator.commission_update_time) < DAY_NANOS {
                return Err(StakingError::CommissionUpdateTime);
            }
            let rates = validator.commission;
            if rate > rates.max_rate {
                return Err(StakingError::CommissionAboveMaxRate(format!("{rate} > {}", rates.max_rate)));
            }
            // Only a rise is limited (as the SDK): a validator may cut its commission at once.
            let rise = rate.checked_sub(rates.rate);
            if rise.is_some_and(|rise| rise > rates.max_change_rate) {
                return Err(StakingError::CommissionAboveMaxChangeRate(format!(
                    "{} to {rate} changes by more than {}",
                    rates.rate, rates.max_change_rate
                )));
            }
            if rate < env.params.min_commission_rate {
                return Err(StakingError::CommissionBelowMinRate(env.params.min_commission_rate.to_string()));
            }
            validator.commission.rate = rate;
            validator.commission_update_time = now;
        }
        if let Some(minimum) = msg.min_self_delegation {
            // As the SDK: a new minimum must be strictly greater.
            if minimum <= validator.min_self_delegation {
                return Err(StakingError::MinSelfDelegationDecreased(format!("{minimum} <= {}", validator.min_self_delegation)));
            }
            if minimum > validator.tokens {
                return Err(StakingError::SelfDelegationBelowMinimum(format!(
                    "the validator's {} tokens are below the new minimum {minimum}",
                    validator.tokens
                )));
            }
            validator.min_self_delegation = minimum;
        }
        state.store_validator(&validator, indexed)?;
        Ok(vec![event::edit_validator(
            &validator.operator,
            &validator.commission.rate.to_string(),
            validator.min_self_delegation,
        )])
    };
    run().map_err(|e| tx(&e))
}
