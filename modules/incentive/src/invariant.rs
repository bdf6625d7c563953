//! The pool owes exactly what it holds: for every denom, the `incentive` module account's
//! balance equals `unallocated + owed`, and `owed` equals what every provider record holds
//! (vested and vesting) once settled, less the settlements' wash-cap excess.

use agora_store::StateRead;
use agora_types::Dec;

use crate::accrual::{book, settle};
use crate::keepers::BankKeeper;
use crate::math::{self, DecMap};
use crate::state::IncentiveRead;
use crate::IncentiveError;

pub fn check(state: &dyn StateRead, bank: &dyn BankKeeper, height: u64) -> Result<(), IncentiveError> {
    let pool = state.pool()?;
    let mut held = pool.unallocated.clone();
    math::add_all(&mut held, &pool.owed)?;
    for (denom, amount) in &held {
        let balance = bank.balance(state, &crate::module_address(), denom)?;
        if Dec::from_units(balance) != *amount {
            return Err(IncentiveError::Internal(format!(
                "the incentive account holds {balance}{denom}, but unallocated + owed is {amount}{denom}"
            )));
        }
    }
    let Some(epoch) = state.current_epoch()? else {
        return Ok(());
    };
    let params = state.incentive_params()?;
    let mut owed = pool.owed.clone();
    let mut records = DecMap::new();
    for (_, mut position) in state.all_positions()? {
        let settled = settle(&state, &params, &mut position, &epoch, height)?;
        book(&mut position, &params, &settled, epoch.number)?;
        math::sub_all(&mut owed, &settled.returned()?)?;
        math::add_all(&mut records, &position.vested)?;
        math::add_all(&mut records, &position.unvested()?)?;
    }
    if owed != records {
        return Err(IncentiveError::Internal(format!(
            "the pool owes {} but provider records hold {}",
            math::display(&owed),
            math::display(&records)
        )));
    }
    Ok(())
}
