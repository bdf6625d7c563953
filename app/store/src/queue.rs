//! Height queues: what falls due at a block height (funds running out, auctions closing,
//! orders expiring, bonds unlocking), for `EndBlock` to take.

use crate::{StateRead, StateWrite, StoreError};

/// Entries `(height, id)`, stored as `entries ‖ height (BE) ‖ id` so they sort by height,
/// and a lower bound on the earliest height at key `next` (absent when the queue is empty).
///
/// The bound makes a block with nothing due cost one point read: an iterator's seek costs
/// more the larger the state (one per level of the LSM tree), a point read barely does.
/// Removing an entry leaves the bound as it is (still a lower bound); the next
/// [`HeightQueue::take_due`] that reaches it finds the true earliest height and stores it.
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

    /// The stored lower bound on the earliest entry's height; `None` if the queue is empty.
    pub fn next_height<S: StateRead + ?Sized>(&self, state: &S) -> Result<Option<u64>, StoreError> {
        state.get_raw(self.next)?.map(|bytes| decode_height(&bytes)).transpose()
    }

    pub fn insert<S: StateWrite + ?Sized>(&self, state: &mut S, height: u64, id: &[u8]) -> Result<(), StoreError> {
        state.put_raw(self.key(height, id), Vec::new());
        if self.next_height(state)?.is_none_or(|next| height < next) {
            state.put_raw(self.next.to_vec(), height.to_be_bytes().to_vec());
        }
        Ok(())
    }

    pub fn remove<S: StateWrite + ?Sized>(&self, state: &mut S, height: u64, id: &[u8]) {
        state.delete(self.key(height, id));
    }

    /// Removes and returns every entry due at or before `height`, earliest first (ties in id
    /// order), and moves the bound to the earliest entry left.
    pub fn take_due<S: StateWrite + ?Sized>(&self, state: &mut S, height: u64) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        match self.next_height(state)? {
            Some(next) if next <= height => {}
            _ => return Ok(Vec::new()),
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
            if at > height {
                next = Some(at);
                break;
            }
            due.push((at, id.to_vec()));
        }
        for (at, id) in &due {
            self.remove(state, *at, id);
        }
        match next {
            Some(at) => state.put_raw(self.next.to_vec(), at.to_be_bytes().to_vec()),
            None => state.delete(self.next.to_vec()),
        }
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
        assert_eq!(QUEUE.next_height(&state).unwrap(), None);
        QUEUE.insert(&mut state, 9, b"late").unwrap();
        QUEUE.insert(&mut state, 5, b"b").unwrap();
        QUEUE.insert(&mut state, 5, b"a").unwrap();
        QUEUE.insert(&mut state, 7, b"mid").unwrap();
        assert_eq!(QUEUE.next_height(&state).unwrap(), Some(5));
        assert!(QUEUE.take_due(&mut state, 4).unwrap().is_empty());
        let due = QUEUE.take_due(&mut state, 7).unwrap();
        assert_eq!(due, vec![(5, b"a".to_vec()), (5, b"b".to_vec()), (7, b"mid".to_vec())]);
        assert_eq!(QUEUE.next_height(&state).unwrap(), Some(9));
        assert!(state.get_raw(&QUEUE.key(5, b"a")).unwrap().is_none(), "taken entries are removed");
        assert_eq!(QUEUE.take_due(&mut state, 100).unwrap(), vec![(9, b"late".to_vec())]);
        assert_eq!(QUEUE.next_height(&state).unwrap(), None, "an empty queue has no bound");
    }

    #[test]
    fn a_removed_entry_leaves_a_lower_bound_that_the_next_take_corrects() {
        let base = Memory::default();
        let mut state = StateDelta::new(&base);
        QUEUE.insert(&mut state, 3, b"gone").unwrap();
        QUEUE.insert(&mut state, 8, b"kept").unwrap();
        QUEUE.remove(&mut state, 3, b"gone");
        assert_eq!(QUEUE.next_height(&state).unwrap(), Some(3));
        assert!(QUEUE.take_due(&mut state, 5).unwrap().is_empty());
        assert_eq!(QUEUE.next_height(&state).unwrap(), Some(8));
        QUEUE.insert(&mut state, 6, b"sooner").unwrap();
        assert_eq!(QUEUE.next_height(&state).unwrap(), Some(6));
        QUEUE.insert(&mut state, 20, b"later").unwrap();
        assert_eq!(QUEUE.next_height(&state).unwrap(), Some(6), "a later entry keeps the bound");
    }

    #[test]
    fn corrupt_entries_and_bounds_are_errors_not_panics() {
        let mut base = Memory::default();
        base.0.insert(b"q/next".to_vec(), vec![1, 2]);
        assert!(QUEUE.next_height(&base).is_err());
        base.0.insert(b"q/next".to_vec(), 0u64.to_be_bytes().to_vec());
        base.0.insert(b"q/entries/abc".to_vec(), Vec::new());
        let mut state = StateDelta::new(&base);
        assert!(matches!(QUEUE.take_due(&mut state, 1), Err(StoreError::Corrupt(_))));
    }
}
