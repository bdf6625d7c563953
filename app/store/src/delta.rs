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
    pub fn new(base: S) -> Self {
        Self { base, changes: Changes::new() }
    }

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

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

impl<S: StateRead> StateRead for StateDelta<S> {
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
        let from = start.unwrap_or(prefix).to_vec();
        let prefix_owned = prefix.to_vec();
        let overlay = self
            .changes
            .range::<[u8], _>((Bound::Included(from.as_slice()), Bound::Unbounded))
            .take_while(move |(k, _)| k.starts_with(&prefix_owned))
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

/// Merges two ascending streams; the overlay wins on equal keys and its deletions hide keys.
struct Merge<'a, B: Iterator<Item = Result<(Key, Value), StoreError>>, O: Iterator<Item = (&'a Key, &'a Option<Value>)>> {
    base: Peekable<B>,
    overlay: Peekable<O>,
}

impl<'a, B, O> Iterator for Merge<'a, B, O>
where
    B: Iterator<Item = Result<(Key, Value), StoreError>>,
    O: Iterator<Item = (&'a Key, &'a Option<Value>)>,
{
    type Item = Result<(Key, Value), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let take_overlay = match (self.base.peek(), self.overlay.peek()) {
                (None, None) => return None,
                (Some(Err(_)), _) => return self.base.next(),
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(Ok((bk, _))), Some((ok, _))) => {
                    if *ok == bk {
                        // The overlay shadows the base entry.
                        self.base.next();
                        true
                    } else {
                        ok.as_slice() < bk.as_slice()
                    }
                }
            };
            if take_overlay {
                let (key, value) = self.overlay.next()?;
                if let Some(value) = value {
                    return Some(Ok((key.clone(), value.clone())));
                }
                // A deletion: skip it.
            } else {
                return self.base.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain in-memory base for delta tests.
    #[derive(Default)]
    struct Mem(BTreeMap<Key, Value>);

    impl StateRead for Mem {
        fn get_raw(&self, key: &[u8]) -> Result<Option<Value>, StoreError> {
            Ok(self.0.get(key).cloned())
        }

        fn prefix_raw<'a>(
            &'a self,
            prefix: &[u8],
            start: Option<&[u8]>,
        ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a> {
            let from = start.unwrap_or(prefix).to_vec();
            let prefix = prefix.to_vec();
            Box::new(
                self.0
                    .range(from..)
                    .take_while(move |(k, _)| k.starts_with(&prefix))
                    .map(|(k, v)| Ok((k.clone(), v.clone()))),
            )
        }
    }

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
}
