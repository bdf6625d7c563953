//! Reads every JMT node a block's update will visit before jmt runs, level by level, in
//! batched RocksDB multi-gets spread over the cores.
//!
//! jmt reads one node at a time, each a separate RocksDB lookup whose cost grows with the
//! state; on a million-key state that was most of a commit. The nodes a set of key hashes
//! visits are known from the previous root alone: each internal node's children name their
//! versions, so the keys of one level's nodes follow from the level above. One multi-get per
//! level then reads them all, and jmt's update reads from memory.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use jmt::storage::{LeafNode, NibblePath, Node, NodeKey, TreeReader};
use jmt::{KeyHash, OwnedValue};
use rayon::prelude::*;

use crate::snapshot::TreeDb;
use crate::storage::root_node_key;
use crate::StoreError;

/// Below this many nodes a level is read on the calling thread.
const PARALLEL_NODES: usize = 256;

/// A tree reader that answers from the nodes read in advance, and from the database for
/// anything else (values, nodes off the prefetched paths).
pub(crate) struct Prefetched<'s> {
    nodes: HashMap<NodeKey, Node>,
    db: TreeDb<'s>,
    /// Nodes jmt asked for that were not read in advance.
    misses: AtomicUsize,
}

impl<'s> Prefetched<'s> {
    /// Reads the nodes on the paths to `hashes` (sorted ascending) that an update at
    /// `jmt_version` visits, from the previous version's root `root` (`borsh(node)`, which the
    /// caller holds; `None` for a tree's first version, which reads nothing).
    pub(crate) fn read(db: TreeDb<'s>, root: Option<&[u8]>, jmt_version: u64, hashes: &[KeyHash]) -> Result<Self, StoreError> {
        let mut nodes = HashMap::new();
        let (Some(root), Some(previous)) = (root, jmt_version.checked_sub(1)) else {
            return Ok(Self { nodes, db, misses: AtomicUsize::new(0) });
        };
        let root: Node = borsh::from_slice(root).map_err(|e| StoreError::Corrupt(format!("a tree's root node: {e}")))?;
        let root_key = root_node_key(previous);
        let mut level = vec![(root_key, root, 0..hashes.len())];
        let mut depth = 0;
        while !level.is_empty() {
            let mut wanted: Vec<(NodeKey, Range<usize>)> = Vec::new();
            for (key, node, range) in level {
                if let Node::Internal(internal) = &node {
                    let mut start = range.start;
                    while start < range.end {
                        let nibble = nibble_at(&hashes[start], depth);
                        let end = start + hashes[start..range.end].partition_point(|h| nibble_at(h, depth) == nibble);
                        if let Some(child) = internal.child(nibble.into()) {
                            let path: NibblePath = key.nibble_path().nibbles().chain([nibble.into()]).collect();
                            wanted.push((NodeKey::new(child.version, path), start..end));
                        }
                        start = end;
                    }
                }
                nodes.insert(key, node);
            }
            let keys: Vec<&NodeKey> = wanted.iter().map(|(key, _)| key).collect();
            let found = if keys.len() < PARALLEL_NODES {
                db.get_nodes(&keys)?
            } else {
                let chunk = keys.len().div_ceil(rayon::current_num_threads().max(1));
                let parts: Vec<Vec<Option<Node>>> =
                    keys.par_chunks(chunk).map(|part| db.get_nodes(part)).collect::<Result<_, _>>()?;
                parts.into_iter().flatten().collect()
            };
            // A child named by its parent but not stored is left for jmt to report.
            level = wanted.into_iter().zip(found).filter_map(|((key, range), node)| Some((key, node?, range))).collect();
            depth += 1;
        }
        Ok(Self { nodes, db, misses: AtomicUsize::new(0) })
    }

    /// How many nodes jmt read that were not read in advance.
    #[cfg(test)]
    pub(crate) fn misses(&self) -> usize {
        self.misses.load(Ordering::Relaxed)
    }
}

/// Nibble `depth` of a key hash (0 = the high half of the first byte).
fn nibble_at(hash: &KeyHash, depth: usize) -> u8 {
    let byte = hash.0.get(depth / 2).copied().unwrap_or(0);
    if depth.is_multiple_of(2) {
        byte >> 4
    } else {
        byte & 0x0f
    }
}

impl TreeReader for Prefetched<'_> {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        match self.nodes.get(node_key) {
            Some(node) => Ok(Some(node.clone())),
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                self.db.get_node_option(node_key)
            }
        }
    }

    fn get_value_option(&self, max_version: u64, key_hash: KeyHash) -> anyhow::Result<Option<OwnedValue>> {
        self.db.get_value_option(max_version, key_hash)
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        self.db.get_rightmost_leaf()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nibbles_are_read_high_half_first() {
        let mut bytes = [0u8; 32];
        bytes[0] = 0xab;
        bytes[1] = 0xcd;
        let hash = KeyHash(bytes);
        assert_eq!([0, 1, 2, 3].map(|d| nibble_at(&hash, d)), [0xa, 0xb, 0xc, 0xd]);
        assert_eq!(nibble_at(&hash, 64), 0, "past the end reads as zero instead of panicking");
    }
}
