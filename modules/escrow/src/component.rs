//! `escrow` block hook. There is no per-block scan of leases: the depletion index holds each
//! open account under the last height its funds pay for, so `EndBlock` reads only the entries
//! due now. A block's cost depends on what happens in it, not on how many leases exist.

use agora_store::StateWrite;
use agora_types::Event;

use crate::account::AccountId;
use crate::state::{keys, EscrowWrite};
use crate::EscrowError;

/// What `end_block` did: accounts that ran dry (the market closes their leases) and events.
#[derive(Debug, Default)]
pub struct EndBlockOutcome {
    pub overdrawn: Vec<AccountId>,
    pub events: Vec<Event>,
}

pub fn end_block<S: StateWrite>(state: &mut S, height: u64) -> Result<EndBlockOutcome, EscrowError> {
    let mut due = Vec::new();
    for item in state.prefix_raw(keys::DEPLETION, None) {
        let (key, _) = item?;
        let (at, id) = keys::parse_depletion(&key).ok_or_else(|| EscrowError::Internal("corrupt depletion key".into()))?;
        if at > height {
            break;
        }
        due.push(id);
    }
    let mut outcome = EndBlockOutcome::default();
    for id in due {
        let mut loaded = state.settle_to(&id, height)?;
        if loaded.account.is_exhausted() {
            outcome.events.push(state.mark_overdrawn(&mut loaded));
            outcome.overdrawn.push(id);
        } else {
            state.store_account(&loaded);
        }
    }
    Ok(outcome)
}
