//! Height queues: what falls due at a block height (funds running out, auctions closing,
//! orders expiring, bonds unlocking), for `EndBlock` to take.

use crate::{StateRead, StateWrite, StoreError};

/// Entries `(height, id)`, stored as `entries ‖ height (BE) ‖ id` so they sort by height,
/// and at key `next` a bound: no entry is below it (`u64::MAX` when the queue is empty).
///
/// The bound makes a block with nothing due cost one point read: an iterator's seek costs
/// more the larger the state (one per level of the LSM tree), a point read barely does.
/// Removing an entry leaves the bound as it is (still a lower bound); the next
/// [`HeightQueue::take_due`] that reaches it finds the true earliest height and stores it.
/// A missing bound (state written before queues kept one) means "unknown": the next
/// `take_due` scans and stores it.
#[derive(Clone, Copy, Debug)]
pub struct HeightQueue {
    entries: &'static [u8],
    next: &'static [u8],
}

impl HeightQueue {
    /// `next` must not start with `entries`, so the bound is not read as an entry.
    pub const fn new(entries: &'static [u8], next: &'static [u8]) -> Self {
        Self { entries, next }
    }

    /// The key of one entry.
    pub fn key(&self, height: u64, id: &[u8]) -> Vec<u8> {
        [self.entries, &height.to_be_bytes(), id].concat()
    }

    /// The stored bound (no entry is below it); `None` if unknown.
    pub fn bound<S: StateRead + ?Sized>(&self, state: &S) -> Result<Option<u64>, StoreError> {
        state.get_raw(self.next)?.map(|bytes| decode_height(&bytes)).transpose()
    }

    pub fn insert<S: StateWrite + ?Sized>(&self, state: &mut S, height: u64, id: &[u8]) -> Result<(), StoreError> {
        state.put_raw(self.key(height, id), Vec::new());
        if self.bound(state)?.is_some_and(|bound| height < bound) {
            self.set_bound(state, height);
        }
        Ok(())
    }

    fn set_bound<S: StateWrite + ?Sized>(&self, state: &mut S, height: u64) {
        state.put_raw(self.next.to_vec(), height.to_be_bytes().to_vec());
    }

    pub fn remove<S: StateWrite + ?Sized>(&self, state: &mut S, height: u64, id: &[u8]) {
        state.delete(self.key(height, id));
    }

    /// Removes and returns the entries due at or before `height`, earliest first (ties in id
    /// order), at most `limit` of them, and moves the bound to the earliest entry left. Due
    /// entries beyond `limit` stay, and come first in the next call: a block's work is
    /// bounded however many entries fall due at one height, and none is skipped.
    pub fn take_due<S: StateWrite + ?Sized>(
        &self,
        state: &mut S,
        height: u64,
        limit: usize,
    ) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        if self.bound(state)?.is_some_and(|bound| bound > height) {
            return Ok(Vec::new());
        }
        let mut due = Vec::new();
        let mut next = None;
        for item in state.prefix_raw(self.entries, None) {
            let (key, _) = item?;
            let (at, id) = key
                .strip_prefix(self.entries)
                .and_then(|rest| rest.split_at_checked(8))
                .ok_or_else(|| StoreError::Corrupt(format!("short height-queue key {key:?}")))?;
            let at = decode_height(at)?;
            if at > height || due.len() >= limit {
                next = Some(at);
                break;
            }
            due.push((at, id.to_vec()));
        }
        for (at, id) in &due {
            self.remove(state, *at, id);
        }
        self.set_bound(state, next.unwrap_or(u64::MAX));
        Ok(due)
    }
}

fn decode_height(bytes: &[u8]) -> Result<u64, StoreError> {
    let bytes: [u8; 8] = bytes.try_into().map_err(|_| StoreError::Corrupt("bad height in a height queue".into()))?;
    Ok(u64::from_be_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::Mem as Memory;
    use crate::StateDelta;

    const QUEUE: HeightQueue = HeightQueue::new(b"q/entries/", b"q/next");

    #[test]
    fn due_entries_come_out_in_height_order_and_the_bound_follows() {
        let base = Memory::default();
        let mut state = StateDelta::new(&base);
        assert!(QUEUE.take_due(&mut state, 1, usize::MAX).unwrap().is_empty());
        assert_eq!(QUEUE.bound(&state).unwrap(), Some(u64::MAX), "an empty queue's bound is the maximum");
        QUEUE.insert(&mut state, 9, b"late").unwrap();
        QUEUE.insert(&mut state, 5, b"b").unwrap();
        QUEUE.insert(&mut state, 5, b"a").unwrap();
        QUEUE.insert(&mut state, 7, b"mid").unwrap();
        assert_eq!(QUEUE.bound(&state).unwrap(), Some(5));
        assert!(QUEUE.take_due(&mut state, 4, usize::MAX).unwrap().is_empty());
        let due = QUEUE.take_due(&mut state, 7, usize::MAX).unwrap();
        assert_eq!(due, vec![(5, b"a".to_vec()), (5, b"b".to_vec()), (7, b"mid".to_vec())]);
        assert_eq!(QUEUE.bound(&state).unwrap(), Some(9));
        assert!(state.get_raw(&QUEUE.key(5, b"a")).unwrap().is_none(), "taken entries are removed");
        assert_eq!(QUEUE.take_due(&mut state, 100, usize::MAX).unwrap(), vec![(9, b"late".to_vec())]);
        assert_eq!(QUEUE.bound(&state).unwrap(), Some(u64::MAX));
        QUEUE.insert(&mut state, u64::MAX, b"never").unwrap();
        assert!(QUEUE.take_due(&mut state, u64::MAX - 1, usize::MAX).unwrap().is_empty());
        assert_eq!(QUEUE.take_due(&mut state, u64::MAX, usize::MAX).unwrap(), vec![(u64::MAX, b"never".to_vec())]);
    }

    #[test]
    fn a_removed_entry_leaves_a_lower_bound_that_the_next_take_corrects() {
        let base = Memory::default();
        let mut state = StateDelta::new(&base);
        QUEUE.take_due(&mut state, 0, usize::MAX).unwrap();
        QUEUE.insert(&mut state, 3, b"gone").unwrap();
        QUEUE.insert(&mut state, 8, b"kept").unwrap();
        QUEUE.remove(&mut state, 3, b"gone");
        assert_eq!(QUEUE.bound(&state).unwrap(), Some(3));
        assert!(QUEUE.take_due(&mut state, 5, usize::MAX).unwrap().is_empty());
        assert_eq!(QUEUE.bound(&state).unwrap(), Some(8));
        QUEUE.insert(&mut state, 6, b"sooner").unwrap();
        assert_eq!(QUEUE.bound(&state).unwrap(), Some(6));
        QUEUE.insert(&mut state, 20, b"later").unwrap();
        assert_eq!(QUEUE.bound(&state).unwrap(), Some(6), "a later entry keeps the bound");
    }

    #[test]
    fn entries_written_without_a_bound_are_found_by_the_first_take() {
        // State from before the queue kept a bound: entries, no bound key.
        let mut base = Memory::default();
        base.0.insert(QUEUE.key(4, b"old"), Vec::new());
        base.0.insert(QUEUE.key(12, b"older_later"), Vec::new());
        let mut state = StateDelta::new(&base);
        QUEUE.insert(&mut state, 10, b"new").unwrap();
        assert_eq!(QUEUE.bound(&state).unwrap(), None, "an insert does not guess a bound it cannot know");
        assert_eq!(QUEUE.take_due(&mut state, 6, usize::MAX).unwrap(), vec![(4, b"old".to_vec())]);
        assert_eq!(QUEUE.bound(&state).unwrap(), Some(10));
    }

    #[test]
    fn corrupt_entries_and_bounds_are_errors_not_panics() {
        let mut base = Memory::default();
        base.0.insert(b"q/next".to_vec(), vec![1, 2]);
        assert!(QUEUE.bound(&base).is_err());
        base.0.insert(b"q/next".to_vec(), 0u64.to_be_bytes().to_vec());
        base.0.insert(b"q/entries/abc".to_vec(), Vec::new());
        let mut state = StateDelta::new(&base);
        assert!(matches!(QUEUE.take_due(&mut state, 1, usize::MAX), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn a_limit_takes_the_earliest_due_entries_and_leaves_the_rest_first_in_line() {
        let base = Memory::default();
        let mut state = StateDelta::new(&base);
        for id in [b"a", b"b", b"c", b"d"] {
            QUEUE.insert(&mut state, 5, id).unwrap();
        }
        QUEUE.insert(&mut state, 3, b"z").unwrap();
        QUEUE.insert(&mut state, 9, b"late").unwrap();
        assert_eq!(QUEUE.take_due(&mut state, 6, 2).unwrap(), vec![(3, b"z".to_vec()), (5, b"a".to_vec())]);
        assert_eq!(QUEUE.bound(&state).unwrap(), Some(5), "the untaken due entries keep the bound at their height");
        assert_eq!(QUEUE.take_due(&mut state, 7, 2).unwrap(), vec![(5, b"b".to_vec()), (5, b"c".to_vec())]);
        assert_eq!(QUEUE.take_due(&mut state, 8, 2).unwrap(), vec![(5, b"d".to_vec())]);
        assert_eq!(QUEUE.bound(&state).unwrap(), Some(9));
        assert!(QUEUE.take_due(&mut state, 8, 2).unwrap().is_empty());
        assert!(QUEUE.take_due(&mut state, 9, 0).unwrap().is_empty(), "a zero limit takes nothing");
        assert_eq!(QUEUE.bound(&state).unwrap(), Some(9));
    }
}
