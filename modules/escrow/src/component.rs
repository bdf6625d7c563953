//! `escrow` block hook. There is no per-block scan of leases: the depletion index holds each
//! open account under the last height its funds pay for, so `EndBlock` reads only the entries
//! due now (a single point read when none is). A block's cost depends on what happens in it,
//! not on how many leases exist.

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
    let mut outcome = EndBlockOutcome::default();
    for (at, suffix) in keys::DEPLETION_QUEUE.take_due(state, height)? {
        let id = keys::parse_account_suffix(&suffix).ok_or_else(|| EscrowError::Internal("corrupt depletion key".into()))?;
        let mut loaded = state.settle_to(&id, height)?;
        // Its index entry was just taken: storing the account indexes it again if it lasts.
        if loaded.indexed_at == Some(at) {
            loaded.indexed_at = None;
        }
        if loaded.account.is_exhausted() {
            outcome.events.push(state.mark_overdrawn(&mut loaded)?);
            outcome.overdrawn.push(id);
        } else {
            state.store_account(&loaded)?;
        }
    }
    Ok(outcome)
}
