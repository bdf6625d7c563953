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

/// Key of a parked entry: `<module>/failed/<work>/<due height BE><entry id>`.
pub fn parked_key(module: &str, work: &str, due: u64, id: &[u8]) -> Vec<u8> {
    [format!("{module}/failed/{work}/").as_bytes(), &due.to_be_bytes(), id].concat()
}

/// A due entry that failed (a bug, never bad input, so every node fails it the same way):
/// its writes were dropped; the entry is parked under [`parked_key`] with the error, so it is
/// neither lost (an upgrade that fixes the bug can run it) nor retried every block, and the
/// returned event (and a log line) reports it.
pub fn entry_failed<S: StateWrite + ?Sized>(state: &mut S, module: &str, work: &str, due: u64, id: &[u8], height: u64, error: &TxError) -> Event {
    let entry: String = id.iter().map(|b| format!("{b:02x}")).collect();
    tracing::error!(module, work, entry, height, %error, "block work on one entry failed; its changes are dropped and the entry parked");
    state.put_raw(parked_key(module, work, due, id), error.log.clone().into_bytes());
    Event::new("end_block_entry_error")
        .attr("module", module)
        .attr("work", work)
        .attr("entry", entry)
        .attr("due_height", due)
        .attr("error", &error.log)
}
