//! Weighted sets: ids with integer weights, from which an id is drawn with probability
//! weight / total in O(log n) point reads, whatever the number of ids (liveness challenges
//! draw providers by capacity each block without walking them).

use crate::{StateRead, StateWrite, StoreError};

/// Levels of the tree: slots are `1 ..= 2^24` (an id keeps its slot for good, so this is how
/// many ids a set ever holds; a change or a draw touches at most 25 nodes).
const LEVELS: u32 = 24;

/// A Fenwick tree of weights over slots `1 ..= 2^24`, stored sparsely (a missing node is 0):
/// `prefix ‖ "t" ‖ slot (u64 BE)` → the node's sum (u128 BE). Each id holds one slot from its
/// first weight on (`prefix ‖ "s" ‖ id` → slot; `prefix ‖ "i" ‖ slot` → its weight (u128 BE)
/// then the id), so an id whose weight goes to 0 and back reuses it; `prefix ‖ "n"` is the next
/// free slot and `prefix ‖ "w"` the total. A weight change writes at most 25 nodes; a draw
/// reads at most 25.
#[derive(Clone, Copy, Debug)]
pub struct WeightedSet {
    prefix: &'static [u8],
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("weighted set: {what}"))
}

fn u128_of(bytes: &[u8]) -> Result<u128, StoreError> {
    Ok(u128::from_be_bytes(bytes.try_into().map_err(|_| corrupt("bad weight"))?))
}

impl WeightedSet {
    pub const fn new(prefix: &'static [u8]) -> Self {
        Self { prefix }
    }

    fn key(&self, tag: u8, rest: &[u8]) -> Vec<u8> {
        [self.prefix, &[tag], rest].concat()
    }

    fn node(&self, index: u64) -> Vec<u8> {
        self.key(b't', &index.to_be_bytes())
    }

    fn read_u128<S: StateRead + ?Sized>(&self, state: &S, key: &[u8]) -> Result<u128, StoreError> {
        state.get_raw(key)?.map_or(Ok(0), |bytes| u128_of(&bytes))
    }

    /// The sum of every weight.
    pub fn total<S: StateRead + ?Sized>(&self, state: &S) -> Result<u128, StoreError> {
        self.read_u128(state, &self.key(b'w', &[]))
    }

    fn slot<S: StateRead + ?Sized>(&self, state: &S, id: &[u8]) -> Result<Option<u64>, StoreError> {
        state
            .get_raw(&self.key(b's', id))?
            .map(|bytes| Ok(u64::from_be_bytes(bytes.as_slice().try_into().map_err(|_| corrupt("bad slot"))?)))
            .transpose()
    }

    /// The weight of `id` (0 if it is not in the set).
    pub fn weight<S: StateRead + ?Sized>(&self, state: &S, id: &[u8]) -> Result<u128, StoreError> {
        match self.slot(state, id)? {
            Some(slot) => {
                let entry = state.get_raw(&self.key(b'i', &slot.to_be_bytes()))?.ok_or_else(|| corrupt("slot without entry"))?;
                u128_of(entry.get(..16).ok_or_else(|| corrupt("short entry"))?)
            }
            None => Ok(0),
        }
    }

    /// The lowest slot a removed id gave back, if any.
    fn free_slot<S: StateRead + ?Sized>(&self, state: &S) -> Result<Option<u64>, StoreError> {
        let prefix = self.key(b'f', &[]);
        match state.prefix_raw(&prefix, None).next() {
            Some(item) => {
                let (key, _) = item?;
                Ok(Some(u64::from_be_bytes(key[prefix.len()..].try_into().map_err(|_| corrupt("bad free slot"))?)))
            }
            None => Ok(None),
        }
    }

    /// A slot never used before, for `id`.
    fn new_slot<S: StateWrite + ?Sized>(&self, state: &mut S, id: &[u8]) -> Result<u64, StoreError> {
        let next = state
            .get_raw(&self.key(b'n', &[]))?
            .map(|b| Ok::<u64, StoreError>(u64::from_be_bytes(b.as_slice().try_into().map_err(|_| corrupt("bad next slot"))?)))
            .transpose()?
            .unwrap_or(1);
        if next > 1u64 << LEVELS {
            return Err(corrupt("no slot left"));
        }
        state.put_raw(self.key(b'n', &[]), (next + 1).to_be_bytes().to_vec());
        state.put_raw(self.key(b's', id), next.to_be_bytes().to_vec());
        Ok(next)
    }

    /// Takes `id` out for good: its weight goes to 0 and its slot back to the free list, for
    /// the next new id (so ids that come and go never run the slots out).
    pub fn remove<S: StateWrite + ?Sized>(&self, state: &mut S, id: &[u8]) -> Result<(), StoreError> {
        self.set(state, id, 0)?;
        if let Some(slot) = self.slot(state, id)? {
            state.delete(self.key(b's', id));
            state.delete(self.key(b'i', &slot.to_be_bytes()));
            state.put_raw(self.key(b'f', &slot.to_be_bytes()), Vec::new());
        }
        Ok(())
    }

    /// Sets the weight of `id`; at 0 it is never drawn (it keeps its slot for when it comes
    /// back; [`Self::remove`] gives the slot up).
    pub fn set<S: StateWrite + ?Sized>(&self, state: &mut S, id: &[u8], weight: u128) -> Result<(), StoreError> {
        let old = self.weight(state, id)?;
        if old == weight {
            return Ok(());
        }
        let total = self.total(state)?;
        let total = total.checked_sub(old).and_then(|t| t.checked_add(weight)).ok_or_else(|| corrupt("total out of range"))?;
        let slot = match self.slot(state, id)? {
            Some(slot) => slot,
            None => match self.free_slot(state)? {
                Some(slot) => {
                    state.delete(self.key(b'f', &slot.to_be_bytes()));
                    state.put_raw(self.key(b's', id), slot.to_be_bytes().to_vec());
                    slot
                }
                None => self.new_slot(state, id)?,
            },
        };
        state.put_raw(self.key(b'i', &slot.to_be_bytes()), [weight.to_be_bytes().as_slice(), id].concat());
        // Every node covering the slot moves by the difference.
        let mut index = slot;
        while index <= 1u64 << LEVELS {
            let key = self.node(index);
            let value = self.read_u128(state, &key)?;
            let value = value.checked_sub(old).and_then(|v| v.checked_add(weight)).ok_or_else(|| corrupt("node out of range"))?;
            if value == 0 {
                state.delete(key);
            } else {
                state.put_raw(key, value.to_be_bytes().to_vec());
            }
            index += index & index.wrapping_neg();
        }
        if total == 0 {
            state.delete(self.key(b'w', &[]));
        } else {
            state.put_raw(self.key(b'w', &[]), total.to_be_bytes().to_vec());
        }
        Ok(())
    }

    /// The id whose weight covers `point` when the weights are laid end to end in slot order
    /// (`point` below the total; `None` if it is not). A uniform `point` draws each id with
    /// probability weight / total.
    pub fn pick<S: StateRead + ?Sized>(&self, state: &S, point: u128) -> Result<Option<Vec<u8>>, StoreError> {
        if point >= self.total(state)? {
            return Ok(None);
        }
        let (mut position, mut rest) = (0u64, point);
        for level in (0..=LEVELS).rev() {
            let next = position + (1u64 << level);
            if next > 1u64 << LEVELS {
                continue;
            }
            let sum = self.read_u128(state, &self.node(next))?;
            if sum <= rest {
                rest -= sum;
                position = next;
            }
        }
        let slot = position + 1;
        let entry = state.get_raw(&self.key(b'i', &slot.to_be_bytes()))?.ok_or_else(|| corrupt("picked an empty slot"))?;
        Ok(Some(entry.get(16..).ok_or_else(|| corrupt("short entry"))?.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::Mem as Memory;
    use crate::StateDelta;

    const SET: WeightedSet = WeightedSet::new(b"ws/");

    /// Who covers each point from 0 to the total.
    fn layout<S: StateRead>(state: &S) -> Vec<Vec<u8>> {
        let total = SET.total(state).unwrap();
        (0..total).map(|p| SET.pick(state, p).unwrap().unwrap()).collect()
    }

    #[test]
    fn each_id_covers_exactly_its_weight_in_slot_order() {
        let base = Memory::default();
        let mut state = StateDelta::new(&base);
        SET.set(&mut state, b"a", 3).unwrap();
        SET.set(&mut state, b"b", 1).unwrap();
        SET.set(&mut state, b"c", 2).unwrap();
        assert_eq!(SET.total(&state).unwrap(), 6);
        assert_eq!(layout(&state), [&b"a"[..], b"a", b"a", b"b", b"c", b"c"]);
        assert_eq!(SET.pick(&state, 6).unwrap(), None, "past the total");
        // A weight change moves only that id's share; a removed id is never picked again.
        SET.set(&mut state, b"a", 1).unwrap();
        SET.set(&mut state, b"b", 0).unwrap();
        assert_eq!(layout(&state), [&b"a"[..], b"c", b"c"]);
        assert_eq!(SET.weight(&state, b"b").unwrap(), 0);
        SET.set(&mut state, b"b", 2).unwrap();
        assert_eq!(layout(&state), [&b"a"[..], b"b", b"b", b"c", b"c"], "a returning id takes its old slot");
        assert_eq!(SET.set(&mut state, b"never", 0).map(|_| SET.weight(&state, b"never").unwrap()).unwrap(), 0);
        assert_eq!(state.get_raw(&SET.key(b's', b"never")).unwrap(), None, "an id never weighted takes no slot");
        // A removed id's slot serves the next new id.
        SET.remove(&mut state, b"b").unwrap();
        assert_eq!(SET.weight(&state, b"b").unwrap(), 0);
        SET.set(&mut state, b"d", 4).unwrap();
        assert_eq!(layout(&state), [&b"a"[..], b"d", b"d", b"d", b"d", b"c", b"c"], "d took b's slot");
        SET.remove(&mut state, b"never").unwrap();
        for id in [&b"a"[..], b"c", b"d"] {
            SET.set(&mut state, id, 0).unwrap();
        }
        assert_eq!(SET.total(&state).unwrap(), 0);
        assert_eq!(SET.pick(&state, 0).unwrap(), None);
        let leftover: Vec<_> = state.prefix_raw(b"ws/t", None).collect::<Result<_, _>>().unwrap();
        assert!(leftover.is_empty(), "an empty set keeps no tree node");
    }

    #[test]
    fn many_ids_with_large_weights_are_laid_out_exactly() {
        let base = Memory::default();
        let mut state = StateDelta::new(&base);
        let weights: Vec<u128> = (0..300u128).map(|i| (i * 7919) % 13 + 1).collect();
        for (i, w) in weights.iter().enumerate() {
            SET.set(&mut state, &(i as u32).to_be_bytes(), *w).unwrap();
        }
        let mut start = 0u128;
        for (i, w) in weights.iter().enumerate() {
            for point in [start, start + w - 1] {
                assert_eq!(SET.pick(&state, point).unwrap().unwrap(), (i as u32).to_be_bytes().to_vec(), "point {point}");
            }
            start += w;
        }
        assert_eq!(SET.total(&state).unwrap(), start);
        let big = WeightedSet::new(b"big/");
        big.set(&mut state, b"x", u128::MAX / 4).unwrap();
        big.set(&mut state, b"y", u128::MAX / 4).unwrap();
        assert_eq!(big.pick(&state, u128::MAX / 4).unwrap().unwrap(), b"y");
    }
}
