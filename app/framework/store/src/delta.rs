//! Fork-and-apply write buffers.

use std::collections::BTreeMap;
use std::iter::Peekable;
use std::ops::Bound;

use crate::{Key, StateRead, StateWrite, StoreError, Value};

/// Pending writes: `None` marks a deletion. Sorted, so applying them is deterministic.
pub type Changes = BTreeMap<Key, Option<Value>>;

/// A write buffer over a base view. Reads see the buffer first, then the base.
#[derive(Debug, Clone)]
pub struct StateDelta<S> {
    base: S,
    changes: Changes,
}

impl<S: StateRead> StateDelta<S> {
    /// A buffer with no writes over `base`.
    pub fn new(base: S) -> Self {
        Self { base, changes: Changes::new() }
    }

    /// The view this buffer reads through to.
    pub fn base(&self) -> &S {
        &self.base
    }

    /// The buffered writes, to apply to a parent or commit.
    pub fn into_changes(self) -> Changes {
        self.changes
    }

    /// Merges a child's writes into this buffer.
    pub fn apply(&mut self, changes: Changes) {
        self.changes.extend(changes);
    }

    /// The buffered writes, without consuming the buffer.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

impl<S: StateRead> StateRead for StateDelta<S> {
    fn charge_gas(&self, gas: u64, what: &'static str) -> Result<(), StoreError> {
        self.base.charge_gas(gas, what)
    }

    fn get_raw(&self, key: &[u8]) -> Result<Option<Value>, StoreError> {
        match self.changes.get(key) {
            Some(change) => Ok(change.clone()),
            None => self.base.get_raw(key),
        }
    }

    fn prefix_raw<'a>(
        &'a self,
        prefix: &[u8],
        start: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a> {
        let from = range_start(prefix, start);
        let prefix_owned = prefix.to_vec();
        let overlay = self
            .changes
            .range::<[u8], _>((Bound::Included(from), Bound::Unbounded))
            .take_while(move |(k, _)| k.starts_with(&prefix_owned))
            .map(Ok)
            .peekable();
        Box::new(Merge { base: self.base.prefix_raw(prefix, start).peekable(), overlay })
    }
}

impl<S: StateRead> StateWrite for StateDelta<S> {
    fn put_raw(&mut self, key: Key, value: Value) {
        self.changes.insert(key, Some(value));
    }

    fn delete(&mut self, key: Key) {
        self.changes.insert(key, None);
    }
}

/// Where a prefix scan begins: `start` if given, but never below the prefix itself.
pub(crate) fn range_start<'k>(prefix: &'k [u8], start: Option<&'k [u8]>) -> &'k [u8] {
    match start {
        Some(start) if start > prefix => start,
        _ => prefix,
    }
}

/// One overlay entry of a [`Merge`]: a key and its value there (`None` = deleted).
pub(crate) trait OverlayEntry {
    fn key(&self) -> &[u8];
    fn into_value(self) -> Option<(Key, Value)>;
}

/// A delta's pending write, borrowed (copied only if it is emitted).
impl OverlayEntry for (&Key, &Option<Value>) {
    fn key(&self) -> &[u8] {
        self.0
    }

    fn into_value(self) -> Option<(Key, Value)> {
        self.1.as_ref().map(|v| (self.0.clone(), v.clone()))
    }
}

/// An owned entry, e.g. what a key held at an older version.
impl OverlayEntry for (Key, Option<Value>) {
    fn key(&self) -> &[u8] {
        &self.0
    }

    fn into_value(self) -> Option<(Key, Value)> {
        self.1.map(|v| (self.0, v))
    }
}

/// Merges two ascending streams; the overlay wins on equal keys and its deletions hide keys.
pub(crate) struct Merge<B: Iterator, O: Iterator> {
    pub(crate) base: Peekable<B>,
    pub(crate) overlay: Peekable<O>,
}

impl<B, O, E> Iterator for Merge<B, O>
where
    B: Iterator<Item = Result<(Key, Value), StoreError>>,
    O: Iterator<Item = Result<E, StoreError>>,
    E: OverlayEntry,
{
    type Item = Result<(Key, Value), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let take_overlay = match (self.base.peek(), self.overlay.peek()) {
                (None, None) => return None,
                (Some(Err(_)), _) => return self.base.next(),
                (_, Some(Err(_))) => return self.overlay.next().and_then(|r| r.err()).map(Err),
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(Ok((base_key, _))), Some(Ok(entry))) => {
                    if entry.key() == base_key.as_slice() {
                        // The overlay shadows the base entry.
                        self.base.next();
                        true
                    } else {
                        entry.key() < base_key.as_slice()
                    }
                }
            };
            if !take_overlay {
                return self.base.next();
            }
            match self.overlay.next()? {
                Ok(entry) => {
                    if let Some(item) = entry.into_value() {
                        return Some(Ok(item));
                    }
                    // A deletion: skip it.
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::Mem;

    fn base() -> Mem {
        let mut m = Mem::default();
        for k in ["a/1", "a/2", "a/4", "b/1"] {
            m.0.insert(k.as_bytes().to_vec(), k.as_bytes().to_vec());
        }
        m
    }

    fn keys(state: &impl StateRead, prefix: &str, start: Option<&str>) -> Vec<String> {
        state
            .prefix_raw(prefix.as_bytes(), start.map(str::as_bytes))
            .map(|r| String::from_utf8(r.expect("item").0).expect("utf8"))
            .collect()
    }

    #[test]
    fn overlay_reads_and_deletes_shadow_the_base() {
        let mut d = StateDelta::new(base());
        d.put_raw(b"a/2".to_vec(), b"new".to_vec());
        d.delete(b"a/4".to_vec());
        d.put_raw(b"a/3".to_vec(), b"x".to_vec());
        assert_eq!(d.get_raw(b"a/2").expect("get"), Some(b"new".to_vec()));
        assert_eq!(d.get_raw(b"a/4").expect("get"), None);
        assert_eq!(keys(&d, "a/", None), vec!["a/1", "a/2", "a/3"]);
        assert_eq!(keys(&d, "a/", Some("a/2")), vec!["a/2", "a/3"]);
        assert_eq!(keys(&d, "b/", None), vec!["b/1"]);
    }

    #[test]
    fn a_discarded_fork_leaves_the_parent_untouched_and_an_applied_one_merges() {
        let mut parent = StateDelta::new(base());
        parent.put_raw(b"p".to_vec(), b"1".to_vec());
        {
            let mut child = StateDelta::new(&parent);
            child.put_raw(b"c".to_vec(), b"2".to_vec());
            child.delete(b"p".to_vec());
            assert_eq!(child.get_raw(b"p").expect("get"), None);
        }
        assert_eq!(parent.get_raw(b"p").expect("get"), Some(b"1".to_vec()));
        assert_eq!(parent.get_raw(b"c").expect("get"), None);
        let changes = {
            let mut child = StateDelta::new(&parent);
            child.put_raw(b"c".to_vec(), b"2".to_vec());
            child.delete(b"a/1".to_vec());
            child.into_changes()
        };
        parent.apply(changes);
        assert_eq!(parent.get_raw(b"c").expect("get"), Some(b"2".to_vec()));
        assert_eq!(keys(&parent, "a/", None), vec!["a/2", "a/4"]);
    }

    #[test]
    fn nested_forks_apply_level_by_level() {
        let mut block = StateDelta::new(base());
        {
            let mut tx = StateDelta::new(&block);
            tx.put_raw(b"a/3".to_vec(), b"tx".to_vec());
            {
                let mut call = StateDelta::new(&tx);
                call.delete(b"a/1".to_vec());
                call.put_raw(b"a/3".to_vec(), b"call".to_vec());
                assert_eq!(keys(&call, "a/", None), vec!["a/2", "a/3", "a/4"]);
                let changes = call.into_changes();
                tx.apply(changes);
            }
            assert_eq!(tx.get_raw(b"a/3").expect("get"), Some(b"call".to_vec()));
            // The block has seen nothing yet.
            assert_eq!(keys(&block, "a/", None), vec!["a/1", "a/2", "a/4"]);
            let changes = tx.into_changes();
            block.apply(changes);
        }
        assert_eq!(keys(&block, "a/", None), vec!["a/2", "a/3", "a/4"]);
        assert_eq!(block.changes().len(), 2);
        // A later apply wins over an earlier one, including a re-put after a delete.
        block.apply([(b"a/1".to_vec(), Some(b"back".to_vec())), (b"a/3".to_vec(), None)].into_iter().collect());
        assert_eq!(keys(&block, "a/", None), vec!["a/1", "a/2", "a/4"]);
        assert_eq!(block.get_raw(b"a/1").expect("get"), Some(b"back".to_vec()));
    }

    #[test]
    fn prefix_scans_respect_start_and_bounds() {
        let mut d = StateDelta::new(base());
        d.put_raw(b"a".to_vec(), b"bare".to_vec());
        d.put_raw(b"a/0".to_vec(), b"x".to_vec());
        d.put_raw(b"b/0".to_vec(), b"x".to_vec());
        d.delete(b"b/1".to_vec());
        assert_eq!(keys(&d, "a/", Some("0")), vec!["a/0", "a/1", "a/2", "a/4"]);
        assert_eq!(keys(&d, "a/", Some("a/3")), vec!["a/4"]);
        assert!(keys(&d, "a/", Some("a/5")).is_empty());
        assert_eq!(keys(&d, "b/", None), vec!["b/0"]);
        assert_eq!(keys(&d, "", None), vec!["a", "a/0", "a/1", "a/2", "a/4", "b/0"]);
        assert!(StateDelta::new(base()).is_empty());
    }

    /// A base whose scans fail, to check errors reach the caller.
    struct Failing;

    impl StateRead for Failing {
        fn get_raw(&self, _key: &[u8]) -> Result<Option<Value>, StoreError> {
            Err(StoreError::Corrupt("boom".into()))
        }

        fn prefix_raw<'a>(
            &'a self,
            _prefix: &[u8],
            _start: Option<&[u8]>,
        ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a> {
            Box::new(std::iter::once(Err(StoreError::Corrupt("boom".into()))))
        }
    }

    #[test]
    fn base_errors_propagate_and_the_overlay_still_answers() {
        let mut d = StateDelta::new(Failing);
        d.put_raw(b"k".to_vec(), b"v".to_vec());
        assert_eq!(d.get_raw(b"k").expect("overlay"), Some(b"v".to_vec()));
        assert!(d.get_raw(b"other").is_err());
        assert!(d.prefix_raw(b"", None).any(|item| item.is_err()));
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Merged scans equal a scan of the model map with the overlay applied.
        #[test]
        fn merged_scans_match_a_model(
            base_keys in proptest::collection::btree_set(proptest::collection::vec(0u8..4, 0..4), 0..20),
            ops in proptest::collection::vec((proptest::collection::vec(0u8..4, 0..4), any::<bool>()), 0..20),
            prefix in proptest::collection::vec(0u8..4, 0..2),
            start in proptest::option::of(proptest::collection::vec(0u8..4, 0..4)),
        ) {
            let mut mem = Mem::default();
            for k in &base_keys {
                mem.0.insert(k.clone(), b"base".to_vec());
            }
            let mut model = mem.0.clone();
            let mut d = StateDelta::new(mem);
            for (k, put) in &ops {
                if *put {
                    d.put_raw(k.clone(), b"new".to_vec());
                    model.insert(k.clone(), b"new".to_vec());
                } else {
                    d.delete(k.clone());
                    model.remove(k);
                }
            }
            let from = range_start(&prefix, start.as_deref()).to_vec();
            let expected: Vec<(Key, Value)> = model
                .range(from..)
                .take_while(|(k, _)| k.starts_with(&prefix))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let got: Vec<(Key, Value)> = d.prefix_raw(&prefix, start.as_deref()).collect::<Result<_, _>>().expect("scan");
            prop_assert_eq!(got, expected);
        }
    }
}
