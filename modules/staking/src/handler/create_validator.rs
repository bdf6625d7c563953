//! `MsgCreateValidator`: a new, unbonded validator and its operator's self-delegation; it
//! joins the active set at the end of the block if its power ranks among the top.

use agora_store::StateWrite;
use agora_types::{Event, TxError};

use super::{delegate, tx, Env, TokenSource};
use crate::msg::CreateValidator;
use crate::state::{StakingRead, StakingRecords};
use crate::types::{BondStatus, Validator};
use crate::{event, StakingError};

pub(super) fn execute(mut state: &mut dyn StateWrite, env: &Env<'_>, msg: &CreateValidator) -> Result<Vec<Event>, TxError> {
    env.check_denom(&msg.value).map_err(|e| tx(&e))?;
    if state.validator(&msg.operator).map_err(|e| tx(&e))?.is_some() {
        return Err(tx(&StakingError::ValidatorExists(event::valoper(&msg.operator))));
    }
    if state.validator_by_consensus(&crate::types::consensus_address(&msg.consensus_key)).map_err(|e| tx(&e))?.is_some() {
        return Err(tx(&StakingError::PubKeyExists));
    }
    if msg.commission.rate < env.params.min_commission_rate {
        return Err(tx(&StakingError::CommissionBelowMinRate(env.params.min_commission_rate.to_string())));
    }
    let mut validator = Validator {
        operator: msg.operator,
        consensus_key: msg.consensus_key,
        jailed: false,
        status: BondStatus::Unbonded,
        tokens: 0,
        delegator_shares: agora_types::Dec::ZERO,
        description: msg.description.clone(),
        unbonding_height: 0,
        unbonding_time: 0,
        commission: msg.commission,
        commission_update_time: env.now(),
        min_self_delegation: msg.min_self_delegation,
    };
    state.create_validator_record(&validator).map_err(|e| tx(&e))?;
    let mut events = env.hooks.after_validator_created(state, &validator)?;
    let (_, delegated) = delegate(state, env, &msg.operator, &mut validator, msg.value.amount, TokenSource::Account)?;
    events.extend(delegated);
    events.push(event::create_validator(&msg.operator, &msg.value));
    Ok(events)
}
