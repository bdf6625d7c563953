//! Block work entry by entry: each due entry (an unbonding, an account running dry, an
//! auction, an expiry) runs on its own fork, so one that fails leaves no partial writes and
//! does not stop the others.

use agora_store::{StateDelta, StateWrite};
use agora_types::{Event, TxError};

/// Runs `work` on a fork of `state` and keeps its writes only if it succeeds.
pub fn isolated<S, T, E>(state: &mut S, work: impl FnOnce(&mut StateDelta<&S>) -> Result<T, E>) -> Result<T, E>
where
    S: StateWrite + ?Sized,
{
    let mut fork = StateDelta::new(&*state);
    let value = work(&mut fork)?;
    let changes = fork.into_changes();
    for (key, value) in changes {
        match value {
            Some(value) => state.put_raw(key, value),
            None => state.delete(key),
        }
    }
    Ok(value)
}

/// The event (and log line) of a due entry that failed: a bug, never bad input, so every
/// node fails it the same way; its writes were dropped and it is not retried.
pub fn entry_failed(module: &str, work: &str, entry: &str, height: u64, error: &TxError) -> Event {
    tracing::error!(module, work, entry, height, %error, "block work on one entry failed; its changes are dropped");
    Event::new("end_block_entry_error").attr("module", module).attr("work", work).attr("entry", entry).attr("error", &error.log)
}
