//! Consistent read views of committed state.

use std::sync::Arc;

use jmt::storage::{HasPreimage, LeafNode, Node, NodeKey, TreeReader};
use jmt::{KeyHash, OwnedValue, Sha256Jmt};
use rocksdb::{ColumnFamily, DBPinnableSlice, DBRawIteratorWithThreadMode, ReadOptions, SnapshotWithThreadMode, DB};
use sha2::Sha256;

use crate::delta::{range_start, Merge};
use crate::layout::{
    decode_state, decode_value, escape_into, hash_key, parse_undo_key, prefix_end, u64_from, undo_key, value_key, CF_NODES,
    CF_PREIMAGES, CF_STATE, CF_UNDO, CF_VALUES, ROOT_PREFIX,
};
use crate::storage::{node_location, Storage, EMPTY_APP_HASH};
use crate::{Key, StateRead, StoreError, Value};

/// A read view of the store at one version, backed by a RocksDB snapshot so later commits and
/// pruning never change what it sees. Cheap to clone.
///
/// Point reads, range reads and proofs work at any kept version. Range reads scan the flat
/// state column; at an older version the undo column (what each key held before each later
/// block) is merged over it.
#[derive(Clone)]
pub struct Snapshot(Arc<SnapshotInner>);

pub(crate) struct SnapshotInner {
    // Declared before `storage` so it is dropped first: it borrows the DB that `storage` owns.
    snap: SnapshotWithThreadMode<'static, DB>,
    storage: Storage,
    version: u64,
    /// Whether the flat `state` column in `snap` is exactly this version.
    flat: bool,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot").field("version", &self.0.version).finish_non_exhaustive()
    }
}

impl Snapshot {
    /// Takes a RocksDB snapshot now. The caller guarantees `version`/`flat` describe the
    /// database at this instant (it holds the storage's commit-state lock).
    pub(crate) fn new(storage: Storage, version: u64, flat: bool) -> Self {
        let db: *const DB = storage.db();
        // SAFETY: the DB lives inside the `Arc` that `storage` keeps alive for as long as this
        // snapshot exists, is never moved out of it, and `snap` is dropped before `storage`
        // (field order). The `'static` lifetime never escapes this module: every borrow handed
        // out is tied to `&self`.
        #[allow(unsafe_code)]
        let db: &'static DB = unsafe { &*db };
        let snap = db.snapshot();
        Self(Arc::new(SnapshotInner { snap, storage, version, flat }))
    }

    /// The block height this view shows (0 = nothing committed).
    pub fn version(&self) -> u64 {
        self.0.version
    }

    /// The app hash at this version.
    pub fn app_hash(&self) -> Result<[u8; 32], StoreError> {
        let Some(jmt_version) = self.jmt_version() else {
            return Ok(EMPTY_APP_HASH);
        };
        let reader = self.tree(ROOT_PREFIX);
        Ok(Sha256Jmt::new(&reader).get_root_hash(jmt_version)?.0)
    }

    /// The root hash of substore `name` at this version.
    pub fn substore_root(&self, name: &str) -> Result<[u8; 32], StoreError> {
        let index = self.0.storage.tree_index(name)?;
        let jmt_version = self.jmt_version().ok_or(StoreError::VersionNotFound(0))?;
        let reader = self.tree(self.0.storage.tree_prefix_at(index));
        Ok(Sha256Jmt::new(&reader).get_root_hash(jmt_version)?.0)
    }

    /// The value at `key` with exactly two ICS-23 proofs: `[inner key in its substore (existence
    /// or non-existence), substore name → substore root in the root tree (existence)]`. The root
    /// tree's root is the app hash; both verify with [`crate::proof_spec`].
    pub fn get_with_proof(&self, key: &[u8]) -> Result<(Option<Value>, Vec<ics23::CommitmentProof>), StoreError> {
        let jmt_version = self.jmt_version().ok_or(StoreError::VersionNotFound(0))?;
        let (index, inner_key) = self.0.storage.route(key);
        let reader = self.tree(self.0.storage.tree_prefix_at(index));
        let (value, inner_proof) = Sha256Jmt::new(&reader).get_with_ics23_proof(inner_key.to_vec(), jmt_version)?;
        let name = self.0.storage.tree_name_at(index);
        let root_reader = self.tree(ROOT_PREFIX);
        let (root, root_proof) =
            Sha256Jmt::new(&root_reader).get_with_ics23_proof(name.as_bytes().to_vec(), jmt_version)?;
        if root.is_none() {
            return Err(StoreError::Corrupt(format!("substore {name} missing from the root tree")));
        }
        Ok((value, vec![inner_proof, root_proof]))
    }

    /// Block version `v` is JMT version `v - 1`; `None` for the empty version 0.
    fn jmt_version(&self) -> Option<u64> {
        self.0.version.checked_sub(1)
    }

    pub(crate) fn tree<'s>(&'s self, prefix: &'s [u8]) -> TreeDb<'s> {
        TreeDb { snap: &self.0, prefix }
    }

    /// For each key (full keys, in the flat state of this latest version): the JMT version of
    /// its newest value-history entry and its value, or `None` if absent. One batched
    /// multi-get instead of a seek per key.
    pub(crate) fn flat_entries(&self, keys: &[&[u8]]) -> Result<Vec<Option<(u64, Value)>>, StoreError> {
        if !self.0.flat {
            return Err(StoreError::Corrupt(format!("flat state read at the older version {}", self.0.version)));
        }
        self.0
            .multi_get(CF_STATE, keys)?
            .into_iter()
            .map(|found| match found? {
                Some(entry) => decode_state(&entry).map(|(version, value)| Some((version, value.to_vec()))),
                None => Ok(None),
            })
            .collect()
    }

    /// A cursor over the value history, reused across many lookups.
    pub(crate) fn history(&self) -> Result<History<'_>, StoreError> {
        let cf = self.0.cf(CF_VALUES)?;
        Ok(History::new(self.0.snap.raw_iterator_cf_opt(cf, ReadOptions::default())))
    }

    fn historical_get(&self, key: &[u8]) -> Result<Option<Value>, StoreError> {
        let Some(jmt_version) = self.jmt_version() else {
            return Ok(None);
        };
        let (index, inner_key) = self.0.storage.route(key);
        let hash = KeyHash::with::<Sha256>(inner_key);
        let mut history = self.history()?;
        Ok(history.latest(self.0.storage.tree_prefix_at(index), &hash, jmt_version)?.and_then(|(_, v)| v.map(<[u8]>::to_vec)))
    }
}

impl SnapshotInner {
    fn cf(&self, name: &str) -> Result<&ColumnFamily, StoreError> {
        self.storage.cf(name)
    }

    /// One batched RocksDB multi-get of `keys` in column `cf` through this snapshot.
    fn multi_get<K: AsRef<[u8]>>(
        &self,
        cf: &str,
        keys: &[K],
    ) -> Result<Vec<Result<Option<DBPinnableSlice<'_>>, rocksdb::Error>>, StoreError> {
        let mut opts = ReadOptions::default();
        opts.set_snapshot(&self.snap);
        Ok(self.storage.db().batched_multi_get_cf_opt(self.cf(cf)?, keys, false, &opts))
    }
}

impl StateRead for Snapshot {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Value>, StoreError> {
        self.0.storage.injected_read_fault(key)?;
        if let Some(value) = self.0.storage.cached(key, self.0.version) {
            return Ok(value);
        }
        let value = if self.0.flat {
            match self.0.snap.get_pinned_cf(self.0.cf(CF_STATE)?, key)? {
                Some(entry) => Some(decode_state(&entry)?.1.to_vec()),
                None => None,
            }
        } else {
            self.historical_get(key)?
        };
        self.0.storage.remember(key, self.0.version, &value);
        Ok(value)
    }

    fn prefix_raw<'a>(
        &'a self,
        prefix: &[u8],
        start: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a> {
        if let Err(fault) = self.0.storage.injected_read_fault(prefix) {
            return Box::new(std::iter::once(Err(fault)));
        }
        let state_cf = match self.0.cf(CF_STATE) {
            Ok(cf) => cf,
            Err(e) => return Box::new(std::iter::once(Err(e))),
        };
        let mut opts = ReadOptions::default();
        if let Some(end) = prefix_end(prefix) {
            opts.set_iterate_upper_bound(end);
        }
        let mut iter = self.0.snap.raw_iterator_cf_opt(state_cf, opts);
        iter.seek(range_start(prefix, start));
        let flat = PrefixIter { iter, prefix: prefix.to_vec(), done: false };
        if self.0.flat {
            return Box::new(flat);
        }

        // The flat column is newer than this version: every key changed since is undone.
        let undo_cf = match self.0.cf(CF_UNDO) {
            Ok(cf) => cf,
            Err(e) => return Box::new(std::iter::once(Err(e))),
        };
        let mut escaped = Vec::with_capacity(prefix.len() + 1);
        escape_into(&mut escaped, prefix);
        let mut opts = ReadOptions::default();
        if let Some(end) = prefix_end(&escaped) {
            opts.set_iterate_upper_bound(end);
        }
        let mut iter = self.0.snap.raw_iterator_cf_opt(undo_cf, opts);
        let mut from = Vec::new();
        escape_into(&mut from, range_start(prefix, start));
        iter.seek(&from);
        let undone = UndoIter { iter, escaped_prefix: escaped, version: self.0.version, done: false };
        // The undone keys win over the flat state; an absent one hides its flat entry.
        Box::new(Merge { base: flat.peekable(), overlay: undone.peekable() })
    }
}

/// The keys changed after `version`, ascending, each with what it held at `version` (`None`:
/// absent): for each key, the first undo entry above `version`.
struct UndoIter<'a> {
    iter: DBRawIteratorWithThreadMode<'a, DB>,
    escaped_prefix: Vec<u8>,
    version: u64,
    done: bool,
}

impl Iterator for UndoIter<'_> {
    type Item = Result<(Key, Option<Value>), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let Some(raw) = self.iter.key().filter(|k| k.starts_with(&self.escaped_prefix)) else {
                self.done = true;
                return self.iter.status().err().map(|e| Err(e.into()));
            };
            let (key, changed_at) = match parse_undo_key(raw) {
                Ok(parsed) => parsed,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if changed_at <= self.version {
                self.iter.next();
                continue;
            }
            let held = match self.iter.value().map(decode_value) {
                Some(Ok(value)) => value.map(<[u8]>::to_vec),
                Some(Err(e)) => return Some(Err(e)),
                None => None,
            };
            // Later entries of the same key are newer; skip them.
            let mut last = Vec::with_capacity(raw.len());
            undo_key(&mut last, &key, u64::MAX);
            self.iter.seek_for_prev(&last);
            self.iter.next();
            return Some(Ok((key, held)));
        }
        None
    }
}

/// Ascending scan of the flat state column while keys carry the prefix.
struct PrefixIter<'a> {
    iter: DBRawIteratorWithThreadMode<'a, DB>,
    prefix: Vec<u8>,
    done: bool,
}

impl Iterator for PrefixIter<'_> {
    type Item = Result<(Key, Value), StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = match (self.iter.key(), self.iter.value()) {
            (Some(k), Some(v)) if k.starts_with(&self.prefix) => match decode_state(v) {
                Ok((_, value)) => (k.to_vec(), value.to_vec()),
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            },
            _ => {
                self.done = true;
                return self.iter.status().err().map(|e| Err(e.into()));
            }
        };
        self.iter.next();
        Some(Ok(item))
    }
}

/// A value-history entry: the JMT version it was written at, and the value (`None` = deleted).
pub(crate) type HistoryEntry<'a> = (u64, Option<&'a [u8]>);

/// Seek-for-prev lookups in the value history.
pub(crate) struct History<'a> {
    iter: DBRawIteratorWithThreadMode<'a, DB>,
    buf: Vec<u8>,
}

impl<'a> History<'a> {
    /// Lookups through `iter`, an iterator over the `values` column.
    pub(crate) fn new(iter: DBRawIteratorWithThreadMode<'a, DB>) -> Self {
        Self { iter, buf: Vec::new() }
    }

    /// The newest entry for `hash` in tree `prefix` at a JMT version `<= max_version`:
    /// `(version, Some(value))`, or `(version, None)` for a recorded deletion.
    pub(crate) fn latest(
        &mut self,
        prefix: &[u8],
        hash: &KeyHash,
        max_version: u64,
    ) -> Result<Option<HistoryEntry<'_>>, StoreError> {
        value_key(&mut self.buf, prefix, hash, max_version);
        self.newest_below_buf(prefix.len() + hash.0.len())
    }

    /// Like [`Self::latest`], for a location `prefix ‖ hash` given whole (as stale lists hold it).
    pub(crate) fn latest_at(&mut self, location: &[u8], max_version: u64) -> Result<Option<HistoryEntry<'_>>, StoreError> {
        self.buf.clear();
        self.buf.extend_from_slice(location);
        self.buf.extend_from_slice(&max_version.to_be_bytes());
        self.newest_below_buf(location.len())
    }

    /// Seeks for the newest entry at or below `buf` (`location ‖ max version`) whose first
    /// `head` bytes, the location, are `buf`'s.
    fn newest_below_buf(&mut self, head: usize) -> Result<Option<HistoryEntry<'_>>, StoreError> {
        self.iter.seek_for_prev(&self.buf);
        let (Some(key), Some(value)) = (self.iter.key(), self.iter.value()) else {
            self.iter.status()?;
            return Ok(None);
        };
        if key.len() != head + 8 || key[..head] != self.buf[..head] {
            return Ok(None);
        }
        Ok(Some((u64_from(&key[head..])?, decode_value(value)?)))
    }
}

/// One tree's JMT storage, read through a snapshot.
pub(crate) struct TreeDb<'s> {
    snap: &'s SnapshotInner,
    prefix: &'s [u8],
}

impl TreeDb<'_> {
    /// Reads many nodes in one batched multi-get (`None` where a node is not stored).
    pub(crate) fn get_nodes(&self, keys: &[&NodeKey]) -> Result<Vec<Option<Node>>, StoreError> {
        let locations = keys
            .iter()
            .map(|key| {
                let mut location = Vec::with_capacity(self.prefix.len() + 48);
                node_location(&mut location, self.prefix, key)?;
                Ok(location)
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        self.snap
            .multi_get(CF_NODES, &locations)?
            .into_iter()
            .map(|found| match found? {
                Some(bytes) => borsh::from_slice(&bytes).map(Some).map_err(|e| StoreError::Corrupt(format!("a JMT node: {e}"))),
                None => Ok(None),
            })
            .collect()
    }
}

impl TreeReader for TreeDb<'_> {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        let mut key = Vec::with_capacity(self.prefix.len() + 48);
        node_location(&mut key, self.prefix, node_key)?;
        match self.snap.snap.get_pinned_cf(self.snap.cf(CF_NODES)?, key)? {
            Some(bytes) => Ok(Some(borsh::from_slice(&bytes)?)),
            None => Ok(None),
        }
    }

    fn get_value_option(&self, max_version: u64, key_hash: KeyHash) -> anyhow::Result<Option<OwnedValue>> {
        let cf = self.snap.cf(CF_VALUES)?;
        let mut history = History::new(self.snap.snap.raw_iterator_cf_opt(cf, ReadOptions::default()));
        Ok(history.latest(self.prefix, &key_hash, max_version)?.and_then(|(_, v)| v.map(<[u8]>::to_vec)))
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        // Only tree restoration (state sync) uses this, which Agora does not do.
        anyhow::bail!("get_rightmost_leaf is not supported")
    }
}

impl HasPreimage for TreeDb<'_> {
    fn preimage(&self, key_hash: KeyHash) -> anyhow::Result<Option<Vec<u8>>> {
        let mut buf = Vec::new();
        let key = hash_key(&mut buf, self.prefix, &key_hash);
        Ok(self.snap.snap.get_cf(self.snap.cf(CF_PREIMAGES)?, key)?)
    }
}
