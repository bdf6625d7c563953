//! RocksDB + Jellyfish Merkle trees.
//!
//! Column families:
//! * `state`: latest value of every key (full key), for fast reads and prefix iteration.
//! * `nodes`: JMT nodes, `tree prefix ++ borsh(NodeKey)`.
//! * `values`: value history, `tree prefix ++ key hash ++ jmt version (BE)` → `borsh(Option<value>)`,
//!   read with seek-for-prev for historical reads and proofs.
//! * `stale`: `stale-since jmt version (BE) ++ kind ++ location`: nodes and value versions no
//!   longer needed once every version before `stale-since` is pruned.
//! * `meta`: latest/earliest version, latest app hash, and the app's own metadata.
//!
//! Tree prefixes are `name ++ 0x00` for substores and `0x00` for the root tree. Block version
//! `v` (= height) is stored as JMT version `v - 1`, so the first block starts an empty tree.
//! Every tree gets a root at every version (an unchanged tree copies its root), so any kept
//! version can be read and proven.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use jmt::storage::{LeafNode, Node, NodeKey, TreeReader};
use jmt::{KeyHash, OwnedValue, Sha256Jmt};
use rocksdb::{ColumnFamilyDescriptor, Direction, IteratorMode, Options, WriteBatch, DB};
use sha2::Sha256;

use crate::{Changes, Key, StateRead, StoreError, Value};

/// The substore every key without a configured substore prefix lives in.
pub const MAIN_SUBSTORE: &str = "main";

const CF_STATE: &str = "state";
const CF_NODES: &str = "nodes";
const CF_VALUES: &str = "values";
const CF_STALE: &str = "stale";
const CF_META: &str = "meta";
/// Key preimages of key hashes, needed to build non-existence proofs.
const CF_PREIMAGES: &str = "preimages";

const META_LATEST: &[u8] = b"latest_version";
const META_EARLIEST: &[u8] = b"earliest_version";
const META_APP_HASH: &[u8] = b"app_hash";
const APP_META_PREFIX: &[u8] = b"app/";

const STALE_NODE: u8 = 0;
const STALE_VALUE: u8 = 1;

/// App hash reported before the first commit.
pub const EMPTY_APP_HASH: [u8; 32] = [0u8; 32];

#[derive(Clone, Debug)]
pub struct StorageConfig {
    /// Substores besides `main`; a key `<name>/rest` lives in substore `name` as `rest`.
    pub substores: Vec<String>,
    /// Versions kept queryable (older ones are pruned).
    pub keep_recent: u64,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self { substores: vec!["ibc".into()], keep_recent: 100 }
    }
}

/// The ICS-23 spec of both proof levels.
pub fn proof_spec() -> ics23::ProofSpec {
    jmt::ics23_spec()
}

/// Which substore a key belongs to, and its key inside that substore.
pub fn substore_of(key: &[u8]) -> (&str, &[u8]) {
    substore_of_in(key, &["ibc"])
}

fn substore_of_in<'k, 'n, N: AsRef<str>>(key: &'k [u8], names: &'n [N]) -> (&'n str, &'k [u8]) {
    for name in names {
        let name = name.as_ref();
        if key.len() > name.len() && key.starts_with(name.as_bytes()) && key[name.len()] == b'/' {
            return (name, &key[name.len() + 1..]);
        }
    }
    (MAIN_SUBSTORE, key)
}

fn tree_prefix(name: &str) -> Vec<u8> {
    [name.as_bytes(), &[0u8]].concat()
}

const ROOT_PREFIX: &[u8] = &[0u8];

struct Inner {
    db: DB,
    config: StorageConfig,
    /// Substore names in commitment order: `main`, then the configured ones.
    names: Vec<String>,
    latest: AtomicU64,
    earliest: AtomicU64,
    /// Odd while a commit is writing: readers of the latest state detect a concurrent commit.
    seq: AtomicU64,
    app_hash: RwLock<[u8; 32]>,
    commit_lock: Mutex<()>,
}

/// The store. Cheap to clone.
#[derive(Clone)]
pub struct Storage {
    inner: Arc<Inner>,
}

/// A block's writes, computed but not yet persisted.
pub struct PreparedCommit {
    pub version: u64,
    pub app_hash: [u8; 32],
    batch: WriteBatch,
}

impl std::fmt::Debug for PreparedCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedCommit").field("version", &self.version).finish_non_exhaustive()
    }
}

impl PreparedCommit {
    /// Adds non-verifiable app metadata written atomically with the block.
    pub fn put_meta(&mut self, storage: &Storage, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        let cf = storage.cf(CF_META)?;
        self.batch.put_cf(cf, [APP_META_PREFIX, key].concat(), value);
        Ok(())
    }
}

fn u64_from(bytes: &[u8]) -> Result<u64, StoreError> {
    let arr: [u8; 8] = bytes.try_into().map_err(|_| StoreError::Corrupt("bad u64".into()))?;
    Ok(u64::from_be_bytes(arr))
}

impl Storage {
    pub fn open(path: impl AsRef<Path>, config: StorageConfig) -> Result<Self, StoreError> {
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.create_missing_column_families(true);
        opts.set_compression_type(rocksdb::DBCompressionType::Lz4);
        let cfs = [CF_STATE, CF_NODES, CF_VALUES, CF_STALE, CF_META, CF_PREIMAGES]
            .into_iter()
            .map(|name| ColumnFamilyDescriptor::new(name, Options::default()));
        let db = DB::open_cf_descriptors(&opts, path, cfs)?;
        let meta = db.cf_handle(CF_META).ok_or_else(|| StoreError::Corrupt("no meta column family".into()))?;
        let latest = db.get_cf(meta, META_LATEST)?.map(|b| u64_from(&b)).transpose()?.unwrap_or(0);
        let earliest = db.get_cf(meta, META_EARLIEST)?.map(|b| u64_from(&b)).transpose()?.unwrap_or(1);
        let app_hash = match db.get_cf(meta, META_APP_HASH)? {
            Some(b) => b.as_slice().try_into().map_err(|_| StoreError::Corrupt("bad app hash".into()))?,
            None => EMPTY_APP_HASH,
        };
        let mut names = vec![MAIN_SUBSTORE.to_string()];
        names.extend(config.substores.iter().cloned());
        Ok(Self {
            inner: Arc::new(Inner {
                db,
                config,
                names,
                latest: AtomicU64::new(latest),
                earliest: AtomicU64::new(earliest),
                seq: AtomicU64::new(0),
                app_hash: RwLock::new(app_hash),
                commit_lock: Mutex::new(()),
            }),
        })
    }

    fn cf(&self, name: &str) -> Result<&rocksdb::ColumnFamily, StoreError> {
        self.inner.db.cf_handle(name).ok_or_else(|| StoreError::Corrupt(format!("no column family {name}")))
    }

    pub fn latest_version(&self) -> u64 {
        self.inner.latest.load(Ordering::SeqCst)
    }

    pub fn earliest_version(&self) -> u64 {
        self.inner.earliest.load(Ordering::SeqCst)
    }

    pub fn latest_app_hash(&self) -> [u8; 32] {
        self.inner.app_hash.read().map(|h| *h).unwrap_or(EMPTY_APP_HASH)
    }

    /// App metadata written with [`PreparedCommit::put_meta`].
    pub fn get_meta(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.inner.db.get_cf(self.cf(CF_META)?, [APP_META_PREFIX, key].concat())?)
    }

    /// A view of the latest committed state.
    pub fn latest_snapshot(&self) -> Snapshot {
        Snapshot { storage: self.clone(), version: self.latest_version() }
    }

    /// A view of state as of `version` (point reads and proofs; no range queries unless latest).
    pub fn snapshot_at(&self, version: u64) -> Result<Snapshot, StoreError> {
        let latest = self.latest_version();
        if version > latest || version == 0 {
            return Err(StoreError::VersionNotFound(version));
        }
        let earliest = self.earliest_version();
        if version < earliest {
            return Err(StoreError::VersionPruned { requested: version, earliest });
        }
        Ok(Snapshot { storage: self.clone(), version })
    }

    fn tree_reader(&self, prefix: Vec<u8>) -> TreeDb<'_> {
        TreeDb { storage: self, prefix }
    }

    /// Computes the next version's trees and app hash from `changes`, writing nothing.
    pub fn prepare_commit(&self, changes: Changes) -> Result<PreparedCommit, StoreError> {
        let version = self.latest_version() + 1;
        let jmt_version = version - 1;
        let mut batch = WriteBatch::default();
        let (cf_state, cf_nodes, cf_values, cf_stale) =
            (self.cf(CF_STATE)?, self.cf(CF_NODES)?, self.cf(CF_VALUES)?, self.cf(CF_STALE)?);

        let cf_preimages = self.cf(CF_PREIMAGES)?;
        let mut per_store: BTreeMap<&str, Vec<(KeyHash, Option<OwnedValue>)>> =
            self.inner.names.iter().map(|n| (n.as_str(), Vec::new())).collect();
        for (key, value) in changes {
            let (name, inner_key) = substore_of_in(&key, &self.inner.config.substores);
            let hash = KeyHash::with::<Sha256>(inner_key);
            if let Some(set) = per_store.get_mut(name) {
                set.push((hash, value.clone()));
            }
            if value.is_some() {
                batch.put_cf(cf_preimages, [tree_prefix(name).as_slice(), &hash.0].concat(), inner_key);
            }
            match value {
                Some(v) => batch.put_cf(cf_state, &key, v),
                None => batch.delete_cf(cf_state, &key),
            }
        }

        let mut roots = Vec::with_capacity(self.inner.names.len());
        for name in &self.inner.names {
            let set = per_store.remove(name.as_str()).unwrap_or_default();
            let prefix = tree_prefix(name);
            let root = self.update_tree(&prefix, set, jmt_version, &mut batch, cf_nodes, cf_values, cf_stale)?;
            let name_hash = KeyHash::with::<Sha256>(name.as_bytes());
            batch.put_cf(cf_preimages, [ROOT_PREFIX, &name_hash.0].concat(), name.as_bytes());
            roots.push((name_hash, Some(root.to_vec())));
        }
        let app_hash = self.update_tree(ROOT_PREFIX, roots, jmt_version, &mut batch, cf_nodes, cf_values, cf_stale)?;

        let cf_meta = self.cf(CF_META)?;
        batch.put_cf(cf_meta, META_LATEST, version.to_be_bytes());
        batch.put_cf(cf_meta, META_APP_HASH, app_hash);
        Ok(PreparedCommit { version, app_hash, batch })
    }

    #[allow(clippy::too_many_arguments)]
    fn update_tree(
        &self,
        prefix: &[u8],
        set: Vec<(KeyHash, Option<OwnedValue>)>,
        jmt_version: u64,
        batch: &mut WriteBatch,
        cf_nodes: &rocksdb::ColumnFamily,
        cf_values: &rocksdb::ColumnFamily,
        cf_stale: &rocksdb::ColumnFamily,
    ) -> Result<[u8; 32], StoreError> {
        let reader = self.tree_reader(prefix.to_vec());
        // Value versions this write supersedes become stale at this version.
        for (hash, _) in &set {
            if jmt_version > 0 {
                if let Some(previous) = reader.latest_value_version(jmt_version - 1, hash)? {
                    let location = [prefix, &hash.0, &previous.to_be_bytes()].concat();
                    batch.put_cf(cf_stale, [&jmt_version.to_be_bytes()[..], &[STALE_VALUE], &location].concat(), []);
                }
            }
        }
        let tree = Sha256Jmt::new(&reader);
        let (root, update) = tree.put_value_set(set, jmt_version)?;
        for (node_key, node) in update.node_batch.nodes() {
            let key = [prefix, &borsh::to_vec(node_key).map_err(|e| StoreError::Decode(e.to_string()))?].concat();
            batch.put_cf(cf_nodes, key, borsh::to_vec(node).map_err(|e| StoreError::Decode(e.to_string()))?);
        }
        for ((version, hash), value) in update.node_batch.values() {
            let key = [prefix, &hash.0, &version.to_be_bytes()].concat();
            batch.put_cf(cf_values, key, borsh::to_vec(value).map_err(|e| StoreError::Decode(e.to_string()))?);
        }
        if update.stale_node_index_batch.is_empty() && jmt_version > 0 {
            // Nothing changed, so jmt copied the previous root to this version without marking
            // the old copy stale; mark it here so unchanged trees do not grow a root per block.
            // The root's key is borsh(version u64 LE, empty nibble path): rewrite its version.
            let new_root = update.node_batch.nodes().keys().find(|k| k.nibble_path().num_nibbles() == 0);
            if let Some(new_root) = new_root {
                let mut node_key = borsh::to_vec(new_root).map_err(|e| StoreError::Decode(e.to_string()))?;
                node_key[..8].copy_from_slice(&(jmt_version - 1).to_le_bytes());
                let key = [&jmt_version.to_be_bytes()[..], &[STALE_NODE], prefix, &node_key].concat();
                batch.put_cf(cf_stale, key, []);
            }
        }
        for stale in &update.stale_node_index_batch {
            let node_key = borsh::to_vec(&stale.node_key).map_err(|e| StoreError::Decode(e.to_string()))?;
            let key = [&stale.stale_since_version.to_be_bytes()[..], &[STALE_NODE], prefix, &node_key].concat();
            batch.put_cf(cf_stale, key, []);
        }
        Ok(root.0)
    }

    /// Persists a prepared block in one atomic write, then prunes old versions.
    pub fn commit(&self, prepared: PreparedCommit) -> Result<[u8; 32], StoreError> {
        let _guard = self.inner.commit_lock.lock().map_err(|_| StoreError::Corrupt("commit lock poisoned".into()))?;
        let expected = self.latest_version() + 1;
        if prepared.version != expected {
            return Err(StoreError::OutOfOrder { got: prepared.version, expected });
        }
        self.inner.seq.fetch_add(1, Ordering::SeqCst);
        let written = self.inner.db.write(prepared.batch);
        if written.is_ok() {
            self.inner.latest.store(prepared.version, Ordering::SeqCst);
            if let Ok(mut hash) = self.inner.app_hash.write() {
                *hash = prepared.app_hash;
            }
        }
        self.inner.seq.fetch_add(1, Ordering::SeqCst);
        written?;
        self.prune()?;
        Ok(prepared.app_hash)
    }

    /// Deletes nodes and value versions that no kept version needs.
    fn prune(&self) -> Result<(), StoreError> {
        let latest = self.latest_version();
        let keep = self.inner.config.keep_recent.max(1);
        if latest <= keep {
            return Ok(());
        }
        let earliest = latest - keep + 1;
        if earliest <= self.earliest_version() {
            return Ok(());
        }
        // Entries stale since jmt version <= earliest-1 are unreachable from versions >= earliest.
        let bound = earliest - 1;
        let (cf_stale, cf_nodes, cf_values, cf_meta) =
            (self.cf(CF_STALE)?, self.cf(CF_NODES)?, self.cf(CF_VALUES)?, self.cf(CF_META)?);
        let mut batch = WriteBatch::default();
        for item in self.inner.db.iterator_cf(cf_stale, IteratorMode::Start) {
            let (key, _) = item?;
            if key.len() < 9 || u64_from(&key[..8])? > bound {
                break;
            }
            let location = &key[9..];
            match key[8] {
                STALE_NODE => batch.delete_cf(cf_nodes, location),
                _ => batch.delete_cf(cf_values, location),
            }
            batch.delete_cf(cf_stale, &key);
        }
        batch.put_cf(cf_meta, META_EARLIEST, earliest.to_be_bytes());
        self.inner.db.write(batch)?;
        self.inner.earliest.store(earliest, Ordering::SeqCst);
        Ok(())
    }

    /// Number of stored JMT nodes (for tests and operators).
    pub fn node_count(&self) -> Result<usize, StoreError> {
        let mut n = 0;
        for item in self.inner.db.iterator_cf(self.cf(CF_NODES)?, IteratorMode::Start) {
            item?;
            n += 1;
        }
        Ok(n)
    }
}

/// JMT storage access for one tree (prefix) of the committed database.
struct TreeDb<'a> {
    storage: &'a Storage,
    prefix: Vec<u8>,
}

impl TreeDb<'_> {
    /// The newest jmt version <= `max_version` at which `hash` was written, and the value.
    fn latest_value(&self, max_version: u64, hash: &KeyHash) -> Result<Option<(u64, Option<OwnedValue>)>, StoreError> {
        let cf = self.storage.cf(CF_VALUES)?;
        let head = [self.prefix.as_slice(), &hash.0].concat();
        let seek = [head.as_slice(), &max_version.to_be_bytes()].concat();
        let mut iter = self.storage.inner.db.raw_iterator_cf(cf);
        iter.seek_for_prev(&seek);
        iter.status()?;
        let (Some(key), Some(value)) = (iter.key(), iter.value()) else {
            return Ok(None);
        };
        if key.len() != head.len() + 8 || !key.starts_with(&head) {
            return Ok(None);
        }
        let version = u64_from(&key[head.len()..])?;
        let value: Option<OwnedValue> = borsh::from_slice(value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Some((version, value)))
    }

    fn latest_value_version(&self, max_version: u64, hash: &KeyHash) -> Result<Option<u64>, StoreError> {
        Ok(self.latest_value(max_version, hash)?.map(|(v, _)| v))
    }
}

impl TreeReader for TreeDb<'_> {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        let cf = self.storage.cf(CF_NODES)?;
        let key = [self.prefix.as_slice(), &borsh::to_vec(node_key)?].concat();
        match self.storage.inner.db.get_pinned_cf(cf, key)? {
            Some(bytes) => Ok(Some(borsh::from_slice(&bytes)?)),
            None => Ok(None),
        }
    }

    fn get_value_option(&self, max_version: u64, key_hash: KeyHash) -> anyhow::Result<Option<OwnedValue>> {
        Ok(self.latest_value(max_version, &key_hash)?.and_then(|(_, v)| v))
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        // Only used by tree restoration (state sync), which Agora does not do yet.
        anyhow::bail!("get_rightmost_leaf is not supported")
    }
}

impl jmt::storage::HasPreimage for TreeDb<'_> {
    fn preimage(&self, key_hash: KeyHash) -> anyhow::Result<Option<Vec<u8>>> {
        let cf = self.storage.cf(CF_PREIMAGES)?;
        Ok(self.storage.inner.db.get_cf(cf, [self.prefix.as_slice(), &key_hash.0].concat())?)
    }
}

/// A read view of the store at one version.
#[derive(Clone)]
pub struct Snapshot {
    storage: Storage,
    version: u64,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot").field("version", &self.version).finish()
    }
}

impl Snapshot {
    pub fn version(&self) -> u64 {
        self.version
    }

    fn inner(&self) -> &Inner {
        &self.storage.inner
    }

    /// Whether the flat latest-state column still holds exactly this version.
    fn is_current(&self, seq_before: u64) -> bool {
        seq_before % 2 == 0
            && self.inner().seq.load(Ordering::SeqCst) == seq_before
            && self.inner().latest.load(Ordering::SeqCst) == self.version
    }

    fn historical_get(&self, key: &[u8]) -> Result<Option<Value>, StoreError> {
        if self.version == 0 {
            return Ok(None);
        }
        let (name, inner_key) = substore_of_in(key, &self.inner().config.substores);
        let reader = self.storage.tree_reader(tree_prefix(name));
        Ok(reader.latest_value(self.version - 1, &KeyHash::with::<Sha256>(inner_key))?.and_then(|(_, v)| v))
    }

    /// The value at `key` with two ICS-23 proofs: the key in its substore, then the substore's
    /// root under its name in the root tree (whose root is the app hash).
    pub fn get_with_proof(&self, key: &[u8]) -> Result<(Option<Value>, Vec<ics23::CommitmentProof>), StoreError> {
        if self.version == 0 {
            return Err(StoreError::VersionNotFound(0));
        }
        let jmt_version = self.version - 1;
        let (name, inner_key) = substore_of_in(key, &self.inner().config.substores);
        let reader = self.storage.tree_reader(tree_prefix(name));
        let (value, inner_proof) = Sha256Jmt::new(&reader).get_with_ics23_proof(inner_key.to_vec(), jmt_version)?;
        let root_reader = self.storage.tree_reader(ROOT_PREFIX.to_vec());
        let (_, root_proof) = Sha256Jmt::new(&root_reader).get_with_ics23_proof(name.as_bytes().to_vec(), jmt_version)?;
        Ok((value, vec![inner_proof, root_proof]))
    }

    /// The app hash at this version.
    pub fn app_hash(&self) -> Result<[u8; 32], StoreError> {
        if self.version == 0 {
            return Ok(EMPTY_APP_HASH);
        }
        let reader = self.storage.tree_reader(ROOT_PREFIX.to_vec());
        Ok(Sha256Jmt::new(&reader).get_root_hash(self.version - 1)?.0)
    }
}

impl StateRead for Snapshot {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Value>, StoreError> {
        let seq = self.inner().seq.load(Ordering::SeqCst);
        if self.is_current(seq) {
            let value = self.inner().db.get_cf(self.storage.cf(CF_STATE)?, key)?;
            if self.is_current(seq) {
                return Ok(value);
            }
        }
        self.historical_get(key)
    }

    fn prefix_raw<'a>(
        &'a self,
        prefix: &[u8],
        start: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a> {
        let seq = self.inner().seq.load(Ordering::SeqCst);
        if !self.is_current(seq) {
            return Box::new(std::iter::once(Err(StoreError::HistoricalRangeUnsupported)));
        }
        let cf = match self.storage.cf(CF_STATE) {
            Ok(cf) => cf,
            Err(e) => return Box::new(std::iter::once(Err(e))),
        };
        let from = start.unwrap_or(prefix).to_vec();
        let prefix = prefix.to_vec();
        let iter = self.inner().db.iterator_cf(cf, IteratorMode::From(&from, Direction::Forward));
        let mut superseded = false;
        Box::new(
            iter.map_while(move |item| {
                if superseded {
                    return None;
                }
                match item {
                    Ok((k, v)) if k.starts_with(&prefix) => {
                        if self.is_current(seq) {
                            Some(Ok((k.to_vec(), v.to_vec())))
                        } else {
                            superseded = true;
                            Some(Err(StoreError::SnapshotSuperseded(self.version)))
                        }
                    }
                    Ok(_) => None,
                    Err(e) => {
                        superseded = true;
                        Some(Err(e.into()))
                    }
                }
            }),
        )
    }
}
