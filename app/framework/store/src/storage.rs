//! RocksDB + Jellyfish Merkle trees: commits, pruning, metadata.
//!
//! Block version `v` (= height) is stored as JMT version `v - 1`, so block 1 starts from an
//! empty tree. Every tree (each substore and the root tree) gets a root node at every version:
//! a tree without changes in a block gets a copy of its previous root (jmt does this), and the
//! copied-from root is marked stale, so any kept version of any tree can be read and proven
//! without tracking per-tree "last written" versions. Each tree's latest root is also kept in
//! memory ([`TreeHead`]), so a block that leaves a tree unchanged copies its root without a
//! read: an empty block reads nothing from disk, whatever the size of the state.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use jmt::storage::{NibblePath, NodeKey, TreeUpdateBatch};
use jmt::{KeyHash, OwnedValue, Sha256Jmt};
use rocksdb::{
    BlockBasedIndexType, BlockBasedOptions, Cache, ColumnFamily, ColumnFamilyDescriptor, DBCompressionType,
    Options, WriteBatch, DB,
};
use sha2::Sha256;

use crate::layout::{
    encode_state, encode_value, hash_key, split_stale_count, stale_chunk_key, stale_entries, tree_prefix, u64_from, undo_key,
    value_key, StaleWriter, ALL_CFS, APP_META_PREFIX, CF_META, CF_NODES, CF_PREIMAGES, CF_STALE, CF_STATE, CF_UNDO,
    CF_VALUES, LAYOUT_VERSION, META_APP_HASH, META_EARLIEST, META_LATEST, META_UNPRUNED, META_LAYOUT, META_SUBSTORES, ROOT_PREFIX, STALE_NODE, STALE_PREIMAGE,
    STALE_UNDO, STALE_VALUE,
};
use crate::prefetch::Prefetched;
use crate::snapshot::History;
use crate::{Changes, Key, Snapshot, StoreError, Value};

/// The substore of every key without a configured substore prefix.
pub const MAIN_SUBSTORE: &str = "main";

/// The substores of [`StorageConfig::default`], used by the free function [`substore_of`].
pub const DEFAULT_SUBSTORES: &[&str] = &["ibc", "upgrade"];

/// App hash reported at version 0, before anything is committed. A constant rather than the
/// hash of an empty tree: nothing can be proven against it, and CometBFT never checks it.
pub const EMPTY_APP_HASH: [u8; 32] = [0u8; 32];

/// Which substores exist and how many versions to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageConfig {
    /// Substores besides `main`; a key `<name>/rest` lives in substore `name` as `rest`.
    /// Fixed for the life of a database: reopening with another list is refused.
    pub substores: Vec<String>,
    /// How many versions stay queryable; older ones are pruned after each commit (0 acts as 1).
    pub keep_recent: u64,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self { substores: DEFAULT_SUBSTORES.iter().map(|s| s.to_string()).collect(), keep_recent: 100 }
    }
}

/// The ICS-23 spec both proof levels (substore and root) verify with.
pub fn proof_spec() -> ics23::ProofSpec {
    jmt::ics23_spec()
}

/// Which substore a key belongs to under the default configuration (`ibc` + `main`), and its
/// key inside that substore. Use [`Storage::substore_of`] for other configurations.
pub fn substore_of(key: &[u8]) -> (&'static str, &[u8]) {
    let (index, inner) = route_in(DEFAULT_SUBSTORES, key);
    let name = match index {
        0 => MAIN_SUBSTORE,
        i => DEFAULT_SUBSTORES.get(i - 1).copied().unwrap_or(MAIN_SUBSTORE),
    };
    (name, inner)
}

/// Tree index (0 = main, i = `substores[i - 1]`) and inner key. The inner key must be
/// non-empty: `ibc/` alone stays in main, because ICS-23 cannot prove an empty key.
fn route_in<'k, N: AsRef<str>>(substores: &[N], key: &'k [u8]) -> (usize, &'k [u8]) {
    for (i, name) in substores.iter().enumerate() {
        let name = name.as_ref().as_bytes();
        if key.len() > name.len() + 1 && key.starts_with(name) && key[name.len()] == b'/' {
            return (i + 1, &key[name.len() + 1..]);
        }
    }
    (0, key)
}

fn validate(config: &StorageConfig) -> Result<(), StoreError> {
    for (i, name) in config.substores.iter().enumerate() {
        let bad = |why: &str| Err(StoreError::InvalidConfig(format!("substore name {name:?} {why}")));
        if name.is_empty() {
            return bad("is empty");
        }
        if name.contains('/') || name.contains('\0') {
            return bad("contains '/' or NUL");
        }
        if name == MAIN_SUBSTORE {
            return bad("is reserved");
        }
        if config.substores[..i].contains(name) {
            return bad("is repeated");
        }
    }
    Ok(())
}

/// One merkle tree: a substore, or the root tree.
struct Tree {
    name: String,
    prefix: Vec<u8>,
    name_hash: KeyHash,
}

/// What the last commit and prune left; read under a lock together with taking a RocksDB
/// snapshot, so a snapshot's version always matches its contents.
#[derive(Clone)]
struct Committed {
    latest: u64,
    earliest: u64,
    /// The oldest JMT version whose stale list is not yet pruned.
    unpruned: u64,
    app_hash: [u8; 32],
    /// Every tree's root at `latest` (the trees in order, then the root tree); empty at 0.
    heads: Arc<[TreeHead]>,
}

/// A tree's root at the latest version.
#[derive(Clone)]
struct TreeHead {
    hash: [u8; 32],
    /// `borsh(root node)`, copied as is to the next version if the tree does not change.
    node: Arc<[u8]>,
    /// For a substore: the JMT version of its newest entry in the root tree (when its root
    /// last changed), which a change of root marks stale.
    since: u64,
}

/// What a key holds before this block: the JMT version of its newest history entry and its
/// value; `None` if it is absent.
type Prior = Option<(u64, Value)>;

struct Inner {
    db: DB,
    config: StorageConfig,
    /// `main` first, then the configured substores in config order.
    trees: Vec<Tree>,
    committed: RwLock<Committed>,
    /// Serializes commits.
    commit_lock: Mutex<()>,
    /// Inter-block cache: recently read keys → (the version from which the value has held, the
    /// value). A commit drops the keys it writes, so an entry holds from its version up to the
    /// latest; entries are added only for the latest version. Hot keys (the chain id,
    /// parameters, queue bounds) are then read from memory, not from an LSM tree whose depth
    /// grows with the state.
    hot: Mutex<HotCache>,
    recent_stale: Mutex<RecentStale>,
    /// Reads of keys under this prefix fail (`Storage::inject_read_faults`).
    #[cfg(feature = "fault-injection")]
    read_faults: Mutex<Option<Vec<u8>>>,
}

/// Chunk 0 of the newest stale lists not yet pruned, up to [`RecentStale::MAX_BYTES`]: pruning
/// a block's list then reads nothing from disk. Empty after a reopen; lists not here are read
/// from disk.
#[derive(Default)]
struct RecentStale {
    /// JMT version → chunk 0 of its stale list.
    lists: BTreeMap<u64, Arc<[u8]>>,
    bytes: usize,
}

impl RecentStale {
    /// A list's chunk 0 is at most ~64 KiB; an empty block's is ~100 bytes.
    const MAX_BYTES: usize = 16 << 20;

    fn insert(&mut self, since: u64, list: Arc<[u8]>) {
        self.bytes += list.len();
        if let Some(old) = self.lists.insert(since, list) {
            self.bytes -= old.len();
        }
        while self.bytes > Self::MAX_BYTES {
            let Some((_, oldest)) = self.lists.pop_first() else { break };
            self.bytes -= oldest.len();
        }
    }

    /// Forgets the lists below `unpruned` (pruned).
    fn remove_below(&mut self, unpruned: u64) {
        while let Some(entry) = self.lists.first_entry().filter(|entry| *entry.key() < unpruned) {
            self.bytes -= entry.remove().len();
        }
    }
}

/// Entries the inter-block cache holds at most.
const HOT_KEYS: usize = 65_536;

/// A key's value in the inter-block cache, and the version from which it has held.
type HotEntry = (u64, Option<Value>);

/// The inter-block cache's entries in two generations of at most `HOT_KEYS / 2`: new entries
/// go into `young`; when it is full it becomes `old` and the previous `old` is dropped. A hit
/// in `old` moves the entry back to `young`, so a key read every block or two (the chain id,
/// parameters) survives a block that reads tens of thousands of other keys.
#[derive(Default)]
struct HotCache {
    young: BTreeMap<Key, HotEntry>,
    old: BTreeMap<Key, HotEntry>,
}

impl HotCache {
    const GENERATION: usize = HOT_KEYS / 2;

    fn get(&mut self, key: &[u8]) -> Option<&HotEntry> {
        if !self.young.contains_key(key) {
            let (key, entry) = self.old.remove_entry(key)?;
            self.insert(key, entry);
        }
        self.young.get(key)
    }

    /// Adds an entry unless the key has one.
    fn insert(&mut self, key: Key, entry: HotEntry) {
        if self.young.contains_key(&key) || self.old.contains_key(&key) {
            return;
        }
        if self.young.len() >= Self::GENERATION {
            self.old = std::mem::take(&mut self.young);
        }
        self.young.insert(key, entry);
    }

    fn remove(&mut self, key: &[u8]) {
        self.young.remove(key);
        self.old.remove(key);
    }
}

/// The store. Cheap to clone (an `Arc` inside); `Send + Sync`.
#[derive(Clone)]
pub struct Storage {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage").field("latest", &self.latest_version()).finish_non_exhaustive()
    }
}

/// A block's writes, computed but not persisted: dropping it leaves the store unchanged.
pub struct PreparedCommit {
    /// The version (height) this commit creates.
    pub version: u64,
    /// The app hash at `version`.
    pub app_hash: [u8; 32],
    /// Each substore's root at `version`, `main` first.
    pub substore_roots: Vec<(String, [u8; 32])>,
    batch: WriteBatch,
    extra_meta: Vec<(Key, Value)>,
    heads: Arc<[TreeHead]>,
    /// Every key the block writes (for the inter-block cache).
    written: Vec<Key>,
    /// The earliest kept version and the oldest unpruned stale list once this block is
    /// committed.
    earliest: u64,
    unpruned: u64,
    /// Chunk 0 of this block's stale list.
    stale_list: Arc<[u8]>,
}

impl std::fmt::Debug for PreparedCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedCommit")
            .field("version", &self.version)
            .field("app_hash", &self.app_hash)
            .finish_non_exhaustive()
    }
}

impl PreparedCommit {
    /// Adds non-verifiable app metadata, written atomically with the block.
    pub fn with_meta(mut self, key: impl Into<Key>, value: impl Into<Value>) -> Self {
        self.put_meta(key, value);
        self
    }

    /// Like [`Self::with_meta`], in place.
    pub fn put_meta(&mut self, key: impl Into<Key>, value: impl Into<Value>) {
        self.extra_meta.push((key.into(), value.into()));
    }
}

fn app_meta_key(key: &[u8]) -> Vec<u8> {
    [APP_META_PREFIX, key].concat()
}

fn encode_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Encode(e.to_string())
}

/// One write for [`Storage::update_tree`]: key hash, key (full key for substores), offset of
/// the inner key in it, and the new value (`None` deletes).
type TreeWrite = (KeyHash, Key, usize, Option<Value>);

/// Column family handles used while preparing a commit.
struct Cfs<'a> {
    state: &'a ColumnFamily,
    nodes: &'a ColumnFamily,
    values: &'a ColumnFamily,
    preimages: &'a ColumnFamily,
    undo: &'a ColumnFamily,
}

impl Storage {
    /// Opens (or creates) the store at `path`. Reopening restores the latest version and app
    /// hash; the substore list must match the one the database was created with.
    pub fn open(path: impl AsRef<Path>, config: StorageConfig) -> Result<Self, StoreError> {
        validate(&config)?;
        let cache = Cache::new_lru_cache(256 << 20)?;
        let mut table = BlockBasedOptions::default();
        table.set_block_cache(&cache);
        table.set_block_size(16 << 10);
        table.set_bloom_filter(10.0, false);
        // Partitioned indexes and filters, cached with their top level pinned: a cache miss
        // loads one small partition. With whole-file index blocks, a large state (a million
        // leases) spent most of each read decompressing evicted index blocks.
        table.set_index_type(BlockBasedIndexType::TwoLevelIndexSearch);
        table.set_partition_filters(true);
        table.set_metadata_block_size(4 << 10);
        table.set_cache_index_and_filter_blocks(true);
        table.set_pin_top_level_index_and_filter(true);
        table.set_pin_l0_filter_and_index_blocks_in_cache(true);
        let mut cf_opts = Options::default();
        cf_opts.set_block_based_table_factory(&table);
        cf_opts.set_compression_type(DBCompressionType::Lz4);
        let mut db_opts = Options::default();
        db_opts.create_if_missing(true);
        db_opts.create_missing_column_families(true);
        db_opts.increase_parallelism(2);
        // JMT nodes are mostly SHA-256 hashes, which do not compress: LZ4 would only cost a
        // decompression on every block read.
        let mut node_opts = cf_opts.clone();
        node_opts.set_compression_type(DBCompressionType::None);
        let cfs = ALL_CFS.iter().map(|name| {
            ColumnFamilyDescriptor::new(*name, if *name == CF_NODES { node_opts.clone() } else { cf_opts.clone() })
        });
        let db = DB::open_cf_descriptors(&db_opts, path.as_ref(), cfs)
            .map_err(|reason| StoreError::Open { path: path.as_ref().display().to_string(), reason })?;

        let meta = db.cf_handle(CF_META).ok_or_else(|| StoreError::Corrupt("no meta column family".into()))?;
        let latest = db.get_cf(meta, META_LATEST)?.map(|b| u64_from(&b)).transpose()?.unwrap_or(0);
        let earliest = db.get_cf(meta, META_EARLIEST)?.map(|b| u64_from(&b)).transpose()?.unwrap_or(1);
        // Without the key (written by every prune since it exists), start where the lists may
        // begin: a list already pruned is simply not found.
        let unpruned = db.get_cf(meta, META_UNPRUNED)?.map(|b| u64_from(&b)).transpose()?.unwrap_or(earliest.saturating_sub(1));
        let app_hash = match db.get_cf(meta, META_APP_HASH)? {
            Some(b) => b.as_slice().try_into().map_err(|_| StoreError::Corrupt("bad app hash".into()))?,
            None => EMPTY_APP_HASH,
        };
        let names = config.substores.join("/").into_bytes();
        match db.get_cf(meta, META_SUBSTORES)? {
            Some(stored) if stored != names => {
                return Err(StoreError::InvalidConfig(format!(
                    "database has substores {:?}, this build has {:?}: start from an empty data directory (the \
                     localnet: scripts/localnet.sh reset)",
                    String::from_utf8_lossy(&stored),
                    config.substores
                )))
            }
            Some(_) => {}
            None => db.put_cf(meta, META_SUBSTORES, &names)?,
        }
        match db.get_cf(meta, META_LAYOUT)?.map(|b| u64_from(&b)).transpose()? {
            Some(LAYOUT_VERSION) => {}
            None if latest == 0 => db.put_cf(meta, META_LAYOUT, LAYOUT_VERSION.to_be_bytes())?,
            found => {
                return Err(StoreError::InvalidConfig(format!(
                    "the database's layout is version {}, this build reads version {LAYOUT_VERSION}: start from an \
                     empty data directory (the localnet: scripts/localnet.sh reset)",
                    found.unwrap_or(1)
                )))
            }
        }

        let trees = std::iter::once(MAIN_SUBSTORE)
            .chain(config.substores.iter().map(String::as_str))
            .map(|name| Tree {
                name: name.to_string(),
                prefix: tree_prefix(name),
                name_hash: KeyHash::with::<Sha256>(name.as_bytes()),
            })
            .collect();
        let storage = Self {
            inner: Arc::new(Inner {
                db,
                config,
                trees,
                committed: RwLock::new(Committed { latest, earliest, unpruned, app_hash, heads: Arc::from([]) }),
                commit_lock: Mutex::new(()),
                hot: Mutex::new(HotCache::default()),
                recent_stale: Mutex::new(RecentStale::default()),
                #[cfg(feature = "fault-injection")]
                read_faults: Mutex::new(None),
            }),
        };
        storage.load_heads()?;
        Ok(storage)
    }

    /// Reads every tree's latest root into memory (see [`TreeHead`]).
    fn load_heads(&self) -> Result<(), StoreError> {
        let snapshot = self.latest_snapshot();
        let Some(jmt_version) = snapshot.version().checked_sub(1) else {
            return Ok(());
        };
        let nodes = self.cf(CF_NODES)?;
        let mut history = snapshot.history()?;
        let mut buf = Vec::new();
        let trees = self.inner.trees.iter().map(|t| (t.prefix.as_slice(), Some(&t.name_hash)));
        let mut heads = Vec::with_capacity(self.inner.trees.len() + 1);
        for (prefix, name_hash) in trees.chain([(ROOT_PREFIX, None)]) {
            node_location(&mut buf, prefix, &root_node_key(jmt_version))?;
            let node = self
                .inner
                .db
                .get_cf(nodes, &buf)?
                .ok_or_else(|| StoreError::Corrupt(format!("no root node at version {}", snapshot.version())))?;
            let hash = Sha256Jmt::new(&snapshot.tree(prefix)).get_root_hash(jmt_version)?.0;
            let since = match name_hash {
                Some(name_hash) => match history.latest(ROOT_PREFIX, name_hash, jmt_version)? {
                    Some((since, Some(_))) => since,
                    _ => return Err(StoreError::Corrupt("a substore is missing from the root tree".into())),
                },
                None => jmt_version,
            };
            heads.push(TreeHead { hash, node: node.into(), since });
        }
        drop(history);
        self.inner.committed.write().unwrap_or_else(PoisonError::into_inner).heads = heads.into();
        Ok(())
    }

    pub(crate) fn db(&self) -> &DB {
        &self.inner.db
    }

    pub(crate) fn cf(&self, name: &str) -> Result<&ColumnFamily, StoreError> {
        self.inner.db.cf_handle(name).ok_or_else(|| StoreError::Corrupt(format!("no column family {name}")))
    }

    fn committed(&self) -> Committed {
        self.inner.committed.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Tree index and inner key of `key` (see [`Storage::substore_of`]).
    pub(crate) fn route<'k>(&self, key: &'k [u8]) -> (usize, &'k [u8]) {
        route_in(&self.inner.config.substores, key)
    }

    pub(crate) fn tree_prefix_at(&self, index: usize) -> &[u8] {
        self.inner.trees.get(index).map_or(ROOT_PREFIX, |t| t.prefix.as_slice())
    }

    pub(crate) fn tree_name_at(&self, index: usize) -> &str {
        self.inner.trees.get(index).map_or(MAIN_SUBSTORE, |t| t.name.as_str())
    }

    pub(crate) fn tree_index(&self, name: &str) -> Result<usize, StoreError> {
        self.inner
            .trees
            .iter()
            .position(|t| t.name == name)
            .ok_or_else(|| StoreError::InvalidConfig(format!("no substore {name:?}")))
    }

    /// Which substore `key` lives in under this store's configuration, and its inner key.
    pub fn substore_of<'k>(&self, key: &'k [u8]) -> (&str, &'k [u8]) {
        let (index, inner) = self.route(key);
        (self.tree_name_at(index), inner)
    }

    /// Substore names, `main` first.
    pub fn substores(&self) -> Vec<&str> {
        self.inner.trees.iter().map(|t| t.name.as_str()).collect()
    }

    /// The latest committed version (block height); 0 before the first commit.
    pub fn latest_version(&self) -> u64 {
        self.committed().latest
    }

    /// The oldest version still readable (1 until something is pruned).
    /// How many versions this store keeps queryable.
    pub fn keep_recent(&self) -> u64 {
        self.inner.config.keep_recent
    }

    pub fn earliest_version(&self) -> u64 {
        self.committed().earliest
    }

    /// The app hash at the latest version, or [`EMPTY_APP_HASH`] at version 0.
    pub fn latest_app_hash(&self) -> [u8; 32] {
        self.committed().app_hash
    }

    /// App metadata written with [`PreparedCommit::with_meta`] (latest value; not versioned).
    pub fn get_meta(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.inner.db.get_cf(self.cf(CF_META)?, app_meta_key(key))?)
    }

    /// A consistent view of the latest committed version (range reads supported).
    pub fn latest_snapshot(&self) -> Snapshot {
        let committed = self.inner.committed.read().unwrap_or_else(PoisonError::into_inner);
        Snapshot::new(self.clone(), committed.latest, true)
    }

    /// A consistent view of `version` (point reads and proofs; range reads only if `version`
    /// is the latest).
    pub fn snapshot_at(&self, version: u64) -> Result<Snapshot, StoreError> {
        let committed = self.inner.committed.read().unwrap_or_else(PoisonError::into_inner);
        if version == 0 || version > committed.latest {
            return Err(StoreError::VersionNotFound(version));
        }
        if version < committed.earliest {
            return Err(StoreError::VersionPruned { requested: version, earliest: committed.earliest });
        }
        Ok(Snapshot::new(self.clone(), version, version == committed.latest))
    }

    /// Computes the next version's trees and app hash from `changes`, and the pruning that
    /// committing it makes due, into one write batch, writing nothing.
    pub fn prepare_commit(&self, changes: Changes) -> Result<PreparedCommit, StoreError> {
        let (snapshot, heads, pruned) = {
            let committed = self.inner.committed.read().unwrap_or_else(PoisonError::into_inner);
            let snapshot = Snapshot::new(self.clone(), committed.latest, true);
            (snapshot, committed.heads.clone(), (committed.earliest, committed.unpruned))
        };
        let version = snapshot.version() + 1;
        let jmt_version = snapshot.version();
        let mut batch = WriteBatch::default();
        // Pruning's deletes go first: a preimage one of them removes may be written again by
        // this block, and the later write wins.
        let (earliest, unpruned) = match self.prune_into(&mut batch, version, pruned) {
            Ok(after) => after,
            Err(error) => {
                // The block is still good; the next block's pruning covers these lists too.
                tracing::warn!(%error, version, "pruning old versions failed");
                batch = WriteBatch::default();
                pruned
            }
        };
        let cfs = Cfs {
            state: self.cf(CF_STATE)?,
            nodes: self.cf(CF_NODES)?,
            values: self.cf(CF_VALUES)?,
            preimages: self.cf(CF_PREIMAGES)?,
            undo: self.cf(CF_UNDO)?,
        };
        let mut stale = StaleWriter::new(self.cf(CF_STALE)?, jmt_version);

        let written: Vec<Key> = changes.keys().cloned().collect();
        let mut per_tree: Vec<Vec<TreeWrite>> = self.inner.trees.iter().map(|_| Vec::new()).collect();
        for (key, value) in changes {
            let (index, inner) = self.route(&key);
            let offset = key.len() - inner.len();
            let hash = KeyHash::with::<Sha256>(inner);
            if let Some(writes) = per_tree.get_mut(index) {
                writes.push((hash, key, offset, value));
            }
        }

        let mut roots = Vec::with_capacity(self.inner.trees.len());
        let mut new_heads = Vec::with_capacity(self.inner.trees.len() + 1);
        let mut root_writes = Vec::new();
        for (index, (tree, mut writes)) in self.inner.trees.iter().zip(per_tree).enumerate() {
            let previous = heads.get(index);
            let head = match previous {
                Some(head) if writes.is_empty() => {
                    self.copy_root(&tree.prefix, head, jmt_version, &cfs, &mut batch, &mut stale)?
                }
                _ => {
                    // In key-hash order: the order jmt visits them, and how the nodes are read.
                    writes.sort_unstable_by_key(|write| write.0 .0);
                    let hashes: Vec<KeyHash> = writes.iter().map(|write| write.0).collect();
                    let db = snapshot.tree(&tree.prefix);
                    let (writes, reader) = rayon::join(
                        || with_priors(&snapshot, writes),
                        || Prefetched::read(db, previous.map(|head| &*head.node), jmt_version, &hashes),
                    );
                    let (writes, reader) = (writes?, reader?);
                    let (hash, node) =
                        self.update_tree(&reader, &tree.prefix, true, writes, jmt_version, &cfs, &mut batch, &mut stale)?;
                    let since = match previous {
                        Some(head) if head.hash == hash => head.since,
                        _ => {
                            // The root tree's entry for this substore changes; its prior is
                            // known from memory, so the root tree needs no history reads.
                            let prior = previous.map(|head| (head.since, head.hash.to_vec()));
                            let name = tree.name.clone().into_bytes();
                            root_writes.push(((tree.name_hash, name, 0, Some(hash.to_vec())), prior));
                            jmt_version
                        }
                    };
                    TreeHead { hash, node, since }
                }
            };
            roots.push((tree.name.clone(), head.hash));
            new_heads.push(head);
        }
        let root_head = match heads.get(self.inner.trees.len()) {
            Some(head) if root_writes.is_empty() => {
                self.copy_root(ROOT_PREFIX, head, jmt_version, &cfs, &mut batch, &mut stale)?
            }
            _ => {
                let mut hashes: Vec<KeyHash> = root_writes.iter().map(|(write, _)| write.0).collect();
                hashes.sort_unstable();
                let root = heads.get(self.inner.trees.len()).map(|head| &*head.node);
                let reader = Prefetched::read(snapshot.tree(ROOT_PREFIX), root, jmt_version, &hashes)?;
                let (hash, node) =
                    self.update_tree(&reader, ROOT_PREFIX, false, root_writes, jmt_version, &cfs, &mut batch, &mut stale)?;
                TreeHead { hash, node, since: jmt_version }
            }
        };
        let app_hash = root_head.hash;
        new_heads.push(root_head);
        let stale_list = stale.finish(&mut batch);

        let meta = self.cf(CF_META)?;
        batch.put_cf(meta, META_LATEST, version.to_be_bytes());
        batch.put_cf(meta, META_APP_HASH, app_hash);
        if (earliest, unpruned) != pruned {
            batch.put_cf(meta, META_EARLIEST, earliest.to_be_bytes());
            batch.put_cf(meta, META_UNPRUNED, unpruned.to_be_bytes());
        }
        Ok(PreparedCommit {
            version,
            app_hash,
            substore_roots: roots,
            batch,
            extra_meta: Vec::new(),
            heads: new_heads.into(),
            written,
            earliest,
            unpruned,
            stale_list,
        })
    }

    /// A tree without writes in this block: its root, copied from memory to the new version,
    /// and the copied-from root marked stale.
    fn copy_root(
        &self,
        prefix: &[u8],
        head: &TreeHead,
        jmt_version: u64,
        cfs: &Cfs<'_>,
        batch: &mut WriteBatch,
        stale: &mut StaleWriter<'_>,
    ) -> Result<TreeHead, StoreError> {
        let previous = jmt_version.checked_sub(1).ok_or_else(|| StoreError::Corrupt("a root before version 0".into()))?;
        let mut buf = Vec::with_capacity(prefix.len() + 24);
        node_location(&mut buf, prefix, &root_node_key(jmt_version))?;
        batch.put_cf(cfs.nodes, &buf, &head.node);
        node_location(&mut buf, prefix, &root_node_key(previous))?;
        stale.push(batch, STALE_NODE, &buf)?;
        Ok(head.clone())
    }

    /// Applies `writes` to one tree at `jmt_version`, adding nodes, value history, preimages,
    /// stale entries and (if `flat`) the flat state to `batch`. Returns the new root's hash
    /// and encoded node.
    #[allow(clippy::too_many_arguments)]
    fn update_tree(
        &self,
        reader: &Prefetched<'_>,
        prefix: &[u8],
        flat: bool,
        writes: Vec<(TreeWrite, Prior)>,
        jmt_version: u64,
        cfs: &Cfs<'_>,
        batch: &mut WriteBatch,
        stale: &mut StaleWriter<'_>,
    ) -> Result<([u8; 32], Arc<[u8]>), StoreError> {
        let mut buf = Vec::with_capacity(prefix.len() + 48);
        let mut undo = Vec::new();
        let mut value_set: Vec<(KeyHash, Option<OwnedValue>)> = Vec::with_capacity(writes.len());
        for ((hash, key, offset, value), prior) in writes {
            let (prior_version, prior_value) = prior.unzip();
            match (&prior_value, &value) {
                // Rewriting the same value or deleting an absent key changes nothing: skipping
                // it keeps history small and the hash is the same either way.
                (Some(old), Some(new)) if old == new => continue,
                (None, None) => continue,
                _ => {}
            }
            let was_present = prior_value.is_some();
            if flat {
                // What the key held before this block, for range reads at older versions;
                // needed until the block before this one is pruned.
                let location = undo_key(&mut undo, &key, jmt_version + 1);
                batch.put_cf(cfs.undo, location, encode_value(prior_value.as_deref()));
                stale.push(batch, STALE_UNDO, location)?;
            }
            if let Some(prior_version) = prior_version {
                // The superseded entry serves reads below `jmt_version` only.
                stale.push(batch, STALE_VALUE, value_key(&mut buf, prefix, &hash, prior_version))?;
            }
            match &value {
                Some(v) => {
                    if !was_present {
                        batch.put_cf(cfs.preimages, hash_key(&mut buf, prefix, &hash), &key[offset..]);
                    }
                    if flat {
                        batch.put_cf(cfs.state, &key, encode_state(jmt_version, v));
                    }
                }
                None => {
                    // A deletion record is only needed while older values are kept; then the
                    // key is simply absent, and its preimage is unneeded unless it reappears.
                    stale.push(batch, STALE_VALUE, value_key(&mut buf, prefix, &hash, jmt_version))?;
                    stale.push(batch, STALE_PREIMAGE, hash_key(&mut buf, prefix, &hash))?;
                    if flat {
                        batch.delete_cf(cfs.state, &key);
                    }
                }
            }
            value_set.push((hash, value));
        }

        let (root, update) = apply_to_tree(reader, value_set, jmt_version)?;
        let node = self.write_tree_update(prefix, jmt_version, &update, cfs, batch, stale)?;
        Ok((root, node))
    }

    /// Adds jmt's new nodes, values and stale nodes to `batch`; returns the new root node.
    fn write_tree_update(
        &self,
        prefix: &[u8],
        jmt_version: u64,
        update: &TreeUpdateBatch,
        cfs: &Cfs<'_>,
        batch: &mut WriteBatch,
        stale: &mut StaleWriter<'_>,
    ) -> Result<Arc<[u8]>, StoreError> {
        let mut buf = Vec::with_capacity(prefix.len() + 64);
        let mut root = None;
        for (node_key, node) in update.node_batch.nodes() {
            node_location(&mut buf, prefix, node_key)?;
            let encoded = borsh::to_vec(node).map_err(encode_err)?;
            batch.put_cf(cfs.nodes, &buf, &encoded);
            if node_key.nibble_path().num_nibbles() == 0 && node_key.version() == jmt_version {
                root = Some(encoded);
            }
        }
        for ((version, hash), value) in update.node_batch.values() {
            batch.put_cf(cfs.values, value_key(&mut buf, prefix, hash, *version), encode_value(value.as_deref()));
        }
        for entry in &update.stale_node_index_batch {
            if entry.stale_since_version != jmt_version {
                let since = entry.stale_since_version;
                return Err(StoreError::Jmt(format!("a node stale since {since} in the update of {jmt_version}")));
            }
            node_location(&mut buf, prefix, &entry.node_key)?;
            stale.push(batch, STALE_NODE, &buf)?;
        }
        if update.stale_node_index_batch.is_empty() && jmt_version > 0 {
            // No change: jmt copied the previous root to this version without marking the
            // original stale. Mark it, so an idle tree does not keep a root per block.
            node_location(&mut buf, prefix, &root_node_key(jmt_version - 1))?;
            stale.push(batch, STALE_NODE, &buf)?;
        }
        root.map(Arc::from).ok_or_else(|| StoreError::Jmt(format!("the update of version {jmt_version} wrote no root")))
    }

    /// Persists a prepared block, and the pruning it makes due, in one atomic write. Refuses a
    /// commit that is not for `latest + 1`.
    pub fn commit(&self, prepared: PreparedCommit) -> Result<[u8; 32], StoreError> {
        let _serial = self.inner.commit_lock.lock().unwrap_or_else(PoisonError::into_inner);
        let PreparedCommit { version, app_hash, mut batch, extra_meta, heads, written, earliest, unpruned, stale_list, .. } =
            prepared;
        let meta = self.cf(CF_META)?;
        for (key, value) in extra_meta {
            batch.put_cf(meta, app_meta_key(&key), value);
        }
        {
            let mut committed = self.inner.committed.write().unwrap_or_else(PoisonError::into_inner);
            let expected = committed.latest + 1;
            if version != expected {
                return Err(StoreError::OutOfOrder { got: version, expected });
            }
            // Under the lock snapshots are taken with: a snapshot of a pruned version is either
            // refused or was taken before this write (and RocksDB keeps what it sees).
            self.inner.db.write(batch)?;
            committed.latest = version;
            committed.app_hash = app_hash;
            committed.heads = heads;
            committed.earliest = earliest;
            committed.unpruned = unpruned;
            let mut hot = self.inner.hot.lock().unwrap_or_else(PoisonError::into_inner);
            for key in &written {
                hot.remove(key);
            }
        }
        let mut recent = self.inner.recent_stale.lock().unwrap_or_else(PoisonError::into_inner);
        recent.remove_below(unpruned);
        recent.insert(version - 1, stale_list);
        Ok(app_hash)
    }

    /// Adds to `batch` the deletions that committing `version` makes due. Takes and returns
    /// `(earliest kept version, oldest unpruned stale list)`, as they stand before and after.
    fn prune_into(&self, batch: &mut WriteBatch, version: u64, (earliest, unpruned): (u64, u64)) -> Result<(u64, u64), StoreError> {
        let keep = self.inner.config.keep_recent.max(1);
        // `earliest` never moves back, even if `keep_recent` grew since.
        let new_earliest = version.checked_sub(keep).map_or(earliest, |gone| (gone + 1).max(earliest));
        // Whatever became stale at a JMT version s is reachable from block versions <= s only,
        // so the lists up to `new_earliest - 1` are due. But a list is pruned at the earliest by
        // the block after its own (with `keep_recent = 1`, its later chunks are in this batch, not
        // yet on disk).
        let Some(last) = version.checked_sub(2).map(|before_last| before_last.min(new_earliest.saturating_sub(1))) else {
            return Ok((new_earliest, unpruned));
        };
        if unpruned > last {
            return Ok((new_earliest, unpruned));
        }
        let recent = self.inner.recent_stale.lock().unwrap_or_else(PoisonError::into_inner);
        let cf_stale = self.cf(CF_STALE)?;
        let mut pruning = Pruning {
            db: &self.inner.db,
            nodes: self.cf(CF_NODES)?,
            values: self.cf(CF_VALUES)?,
            preimages: self.cf(CF_PREIMAGES)?,
            undo: self.cf(CF_UNDO)?,
            earliest: new_earliest,
            batch,
            history: None,
        };
        for since in unpruned..=last {
            let first_key = stale_chunk_key(since, 0);
            let mut from_disk = None;
            let chunk0: &[u8] = match recent.lists.get(&since) {
                Some(list) => list,
                None => match self.inner.db.get_pinned_cf(cf_stale, first_key)? {
                    Some(list) => &*from_disk.insert(list),
                    None => continue,
                },
            };
            let (count, entries) = split_stale_count(chunk0)?;
            pruning.delete(entries)?;
            // Point deletes, never a range delete: every read RocksDB does on a column
            // re-fragments all range tombstones still in its memtable.
            pruning.batch.delete_cf(cf_stale, first_key);
            for chunk in 1..count {
                let key = stale_chunk_key(since, chunk);
                let entries = self
                    .inner
                    .db
                    .get_pinned_cf(cf_stale, key)?
                    .ok_or_else(|| StoreError::Corrupt(format!("stale list {since} lacks chunk {chunk}")))?;
                pruning.delete(&entries)?;
                pruning.batch.delete_cf(cf_stale, key);
            }
        }
        Ok((new_earliest, last + 1))
    }

    /// Flushes every column family's memtable to disk (e.g. before shutdown or after a bulk
    /// load); commits are durable without it, through RocksDB's write-ahead log.
    pub fn flush(&self) -> Result<(), StoreError> {
        for name in crate::layout::ALL_CFS {
            self.inner.db.flush_cf(self.cf(name)?)?;
        }
        Ok(())
    }

    /// Flushes every memtable and waits until RocksDB's background compactions are done: after
    /// a bulk load, so that what is measured next is not sharing the CPU with them.
    pub fn flush_and_wait_for_compactions(&self) -> Result<(), StoreError> {
        self.flush()?;
        // RocksDB 7 has no blocking wait in its C API: poll its counters of pending work.
        const BUSY: [&str; 3] = ["rocksdb.num-running-compactions", "rocksdb.num-running-flushes", "rocksdb.compaction-pending"];
        const TIMEOUT_S: u64 = 1800;
        let start = std::time::Instant::now();
        loop {
            let mut busy = false;
            for name in crate::layout::ALL_CFS {
                let cf = self.cf(name)?;
                for property in BUSY {
                    busy |= self.inner.db.property_int_value_cf(cf, property)?.unwrap_or(0) > 0;
                }
            }
            if !busy {
                return Ok(());
            }
            if start.elapsed().as_secs() >= TIMEOUT_S {
                return Err(StoreError::CompactionWait(TIMEOUT_S));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// While set, every snapshot read of a key under `prefix` (every key, for an empty one)
    /// fails as a failing disk would (tests of halting); `None` ends it.
    #[cfg(feature = "fault-injection")]
    pub fn inject_read_faults(&self, prefix: Option<&[u8]>) {
        *self.inner.read_faults.lock().unwrap_or_else(PoisonError::into_inner) = prefix.map(<[u8]>::to_vec);
    }

    /// An injected read fault for `key` (or a prefix iteration from it), if one is set.
    pub(crate) fn injected_read_fault(&self, _key: &[u8]) -> Result<(), StoreError> {
        #[cfg(feature = "fault-injection")]
        if let Some(prefix) = &*self.inner.read_faults.lock().unwrap_or_else(PoisonError::into_inner) {
            if _key.starts_with(prefix) || prefix.starts_with(_key) {
                return Err(StoreError::Corrupt("injected read fault".into()));
            }
        }
        Ok(())
    }

    /// `key`'s value at `version` if the inter-block cache knows it.
    pub(crate) fn cached(&self, key: &[u8], version: u64) -> Option<Option<Value>> {
        let mut hot = self.inner.hot.lock().unwrap_or_else(PoisonError::into_inner);
        hot.get(key).filter(|(from, _)| *from <= version).map(|(_, value)| value.clone())
    }

    /// Caches `key`'s value read at `version`, if `version` is still the latest (checked under
    /// the lock a commit takes to drop the keys it writes).
    pub(crate) fn remember(&self, key: &[u8], version: u64, value: &Option<Value>) {
        let committed = self.inner.committed.read().unwrap_or_else(PoisonError::into_inner);
        if committed.latest != version {
            return;
        }
        let mut hot = self.inner.hot.lock().unwrap_or_else(PoisonError::into_inner);
        hot.insert(key.to_vec(), (version, value.clone()));
    }

    /// Number of entries in a column family (`state`, `nodes`, `values`, `preimages`, `stale`,
    /// `meta`); for tests and operators. Walks the whole column.
    pub fn count_entries(&self, column: &str) -> Result<u64, StoreError> {
        let mut iter = self.inner.db.raw_iterator_cf(self.cf(column)?);
        iter.seek_to_first();
        let mut n = 0;
        while iter.valid() {
            n += 1;
            iter.next();
        }
        iter.status()?;
        Ok(n)
    }

    /// Number of stored JMT nodes.
    pub fn node_count(&self) -> Result<u64, StoreError> {
        self.count_entries(CF_NODES)
    }
}

/// Runs one version's writes through a tree. Insert-only sets take jmt's batch path, which
/// builds each new node once (per-key puts rehash the upper levels once per key, ~5x slower
/// for 10k keys); sets with deletions take the per-key path, the only one that deletes. Both
/// build the same canonical tree, so the root is the same either way.
pub(crate) fn apply_to_tree<R: jmt::storage::TreeReader>(
    reader: &R,
    value_set: Vec<(KeyHash, Option<OwnedValue>)>,
    jmt_version: u64,
) -> Result<([u8; 32], TreeUpdateBatch), StoreError> {
    let tree = Sha256Jmt::new(reader);
    if value_set.is_empty() || value_set.iter().any(|(_, v)| v.is_none()) {
        let (root, update) = tree.put_value_set(value_set, jmt_version)?;
        return Ok((root.0, update));
    }
    let inserts = value_set.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect();
    let (roots, update) = tree.batch_put_value_sets(vec![inserts], None, jmt_version)?;
    let root = roots.first().ok_or_else(|| StoreError::Jmt("batch update returned no root".into()))?;
    Ok((root.0, update))
}

/// Looks up each write's [`Prior`] in the flat state, in one batched read.
fn with_priors(snapshot: &Snapshot, writes: Vec<TreeWrite>) -> Result<Vec<(TreeWrite, Prior)>, StoreError> {
    let keys: Vec<&[u8]> = writes.iter().map(|write| write.1.as_slice()).collect();
    let priors = snapshot.flat_entries(&keys)?;
    Ok(writes.into_iter().zip(priors).collect())
}

/// Deletes what stale lists name, into one write batch.
struct Pruning<'a> {
    db: &'a DB,
    nodes: &'a ColumnFamily,
    values: &'a ColumnFamily,
    preimages: &'a ColumnFamily,
    undo: &'a ColumnFamily,
    earliest: u64,
    batch: &'a mut WriteBatch,
    /// Opened on the first stale preimage (only deletions leave one).
    history: Option<History<'a>>,
}

impl Pruning<'_> {
    fn delete(&mut self, chunk: &[u8]) -> Result<(), StoreError> {
        for entry in stale_entries(chunk) {
            let (kind, location) = entry?;
            match kind {
                STALE_NODE => self.batch.delete_cf(self.nodes, location),
                STALE_VALUE => self.batch.delete_cf(self.values, location),
                STALE_UNDO => self.batch.delete_cf(self.undo, location),
                STALE_PREIMAGE => {
                    if !self.rewritten(location)? {
                        self.batch.delete_cf(self.preimages, location);
                    }
                }
                other => return Err(StoreError::Corrupt(format!("unknown stale kind {other}"))),
            }
        }
        Ok(())
    }

    /// Whether a deleted key was written again after its deletion, so its preimage stays.
    fn rewritten(&mut self, location: &[u8]) -> Result<bool, StoreError> {
        let (db, values) = (self.db, self.values);
        let history = self.history.get_or_insert_with(|| History::new(db.raw_iterator_cf(values)));
        let earliest = self.earliest;
        Ok(matches!(history.latest_at(location, u64::MAX)?, Some((version, value)) if version >= earliest || value.is_some()))
    }
}

/// The key of a tree's root node at `version`.
pub(crate) fn root_node_key(version: u64) -> NodeKey {
    NodeKey::new(version, NibblePath::from_iter(std::iter::empty()))
}

/// `prefix ‖ borsh(node_key)` into `buf`.
pub(crate) fn node_location(buf: &mut Vec<u8>, prefix: &[u8], node_key: &NodeKey) -> Result<(), StoreError> {
    buf.clear();
    buf.extend_from_slice(prefix);
    borsh::to_writer(&mut *buf, node_key).map_err(encode_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit_one(storage: &Storage) {
        let changes = [(b"k".to_vec(), Some(b"v".to_vec()))].into_iter().collect();
        let prepared = storage.prepare_commit(changes).expect("prepare");
        storage.commit(prepared).expect("commit");
    }

    #[test]
    fn a_database_of_another_layout_is_refused_with_what_to_do() {
        let dir = tempfile::tempdir().expect("dir");
        {
            let storage = Storage::open(dir.path(), StorageConfig::default()).expect("open");
            commit_one(&storage);
            let meta = storage.cf(CF_META).expect("meta");
            // As written before the layout had a version.
            storage.db().delete_cf(meta, META_LAYOUT).expect("delete");
        }
        let refused = Storage::open(dir.path(), StorageConfig::default()).expect_err("an old layout is refused");
        let message = refused.to_string();
        assert!(message.contains("layout is version 1") && message.contains("empty data directory"), "{message}");

        let fresh = tempfile::tempdir().expect("dir");
        let storage = Storage::open(fresh.path(), StorageConfig::default()).expect("open");
        commit_one(&storage);
        drop(storage);
        Storage::open(fresh.path(), StorageConfig::default()).expect("a database of this layout reopens");
    }

    /// Every node jmt visits while inserting and updating keys is read in advance, so the
    /// update itself reads nothing from RocksDB; and the tree it builds is the one a plain
    /// reader builds.
    #[test]
    fn prefetching_reads_every_node_an_update_visits() {
        let dir = tempfile::tempdir().expect("dir");
        let storage = Storage::open(dir.path(), StorageConfig::default()).expect("open");
        let key = |i: u32| format!("k{}", i.wrapping_mul(2_654_435_761)).into_bytes();
        for block in 0..4u32 {
            let changes = (block * 500..(block + 1) * 500).map(|i| (key(i), Some(vec![block as u8; 40]))).collect();
            storage.commit(storage.prepare_commit(changes).expect("prepare")).expect("commit");
        }
        let snapshot = storage.latest_snapshot();
        let jmt_version = snapshot.version();
        let head = storage.committed().heads[0].clone();
        let prefix = tree_prefix(MAIN_SUBSTORE);
        // The update through the prefetched reader: its root, the plain reader's root, and
        // how many nodes jmt read that were not prefetched.
        let update = |mut writes: Vec<(KeyHash, Option<Value>)>| {
            writes.sort_unstable_by_key(|(hash, _)| hash.0);
            let hashes: Vec<KeyHash> = writes.iter().map(|(hash, _)| *hash).collect();
            let prefetched =
                Prefetched::read(snapshot.tree(&prefix), Some(&head.node), jmt_version, &hashes).expect("prefetch");
            let (root, _) = apply_to_tree(&prefetched, writes.clone(), jmt_version).expect("update");
            let (plain_root, _) = apply_to_tree(&snapshot.tree(&prefix), writes, jmt_version).expect("update");
            (root, plain_root, prefetched.misses())
        };

        // Updates spread over the state, and new keys.
        let (root, plain_root, misses) =
            update((0..2_500u32).step_by(7).map(|i| (KeyHash::with::<Sha256>(key(i)), Some(vec![9; 40]))).collect());
        assert_eq!(misses, 0, "jmt read nodes that were not prefetched");
        assert_eq!(root, plain_root);

        // Deletions: jmt may read a deleted leaf's sibling to collapse the subtree, which the
        // prefetch leaves to the database; the tree is the same either way.
        let (root, plain_root, _) = update(
            (0..2_000u32).step_by(3).map(|i| (KeyHash::with::<Sha256>(key(i)), (i % 2 == 0).then(|| vec![7; 40]))).collect(),
        );
        assert_eq!(root, plain_root, "deleting through the prefetched reader builds the same tree");
    }

    #[test]
    fn the_inter_block_cache_keeps_keys_read_again_and_drops_the_rest_a_generation_later() {
        let mut cache = HotCache::default();
        let key = |i: usize| format!("k{i}").into_bytes();
        cache.insert(b"params".to_vec(), (1, Some(b"p".to_vec())));
        for i in 0..HotCache::GENERATION * 3 {
            cache.insert(key(i), (1, None));
            if i % 1_000 == 0 {
                assert!(cache.get(b"params").is_some(), "a key read again survives");
            }
        }
        assert!(cache.get(&key(0)).is_none(), "a key never read again is gone after two generations");
        assert!(cache.get(&key(HotCache::GENERATION * 3 - 1)).is_some());
        assert!(cache.young.len() + cache.old.len() <= HOT_KEYS);
        cache.insert(b"params".to_vec(), (2, None));
        assert_eq!(cache.get(b"params").map(|e| e.0), Some(1), "an existing entry is not replaced");
        cache.remove(b"params");
        assert!(cache.get(b"params").is_none());
    }

    #[test]
    fn recent_stale_lists_stay_within_their_byte_budget_and_forget_what_is_pruned() {
        let list = |len: usize| Arc::<[u8]>::from(vec![0u8; len]);
        let mut recent = RecentStale::default();
        let big = RecentStale::MAX_BYTES / 4;
        for since in 0..6 {
            recent.insert(since, list(big));
        }
        assert_eq!(recent.lists.keys().copied().collect::<Vec<_>>(), vec![2, 3, 4, 5], "the oldest go first");
        assert_eq!(recent.bytes, 4 * big);
        recent.insert(5, list(10));
        assert_eq!(recent.bytes, 3 * big + 10, "a replaced list no longer counts");
        recent.remove_below(4);
        assert_eq!(recent.lists.keys().copied().collect::<Vec<_>>(), vec![4, 5]);
        assert_eq!(recent.bytes, big + 10);
        recent.remove_below(u64::MAX);
        assert_eq!((recent.lists.len(), recent.bytes), (0, 0));
    }
}
