//! On-disk layout: column family names and key/value encodings, in one place.
//!
//! * `state`     full key → jmt version (BE) ‖ value, the latest version only (reads and prefix
//!   scans at latest); the version names the key's newest value-history entry.
//! * `nodes`     tree prefix ‖ borsh(NodeKey) → borsh(Node): every tree's JMT nodes.
//! * `values`    tree prefix ‖ key hash ‖ jmt version (BE) → tag ‖ value: value history, read
//!   with seek-for-prev (tag 1 = present, 0 = deleted).
//! * `preimages` tree prefix ‖ key hash → key inside the tree (needed for non-existence proofs).
//! * `undo`      escaped full key ‖ 0x00 0x00 ‖ block version (BE) → tag ‖ value: what a key held
//!   just before that block changed it. Range reads at an older version overlay these on the
//!   flat state (see [`undo_key`]).
//! * `stale`     stale-since jmt version (BE) ‖ chunk (BE u32) → a list of `kind ‖ len ‖ location`:
//!   what pruning deletes once every version before stale-since is gone (see [`StaleWriter`]).
//! * `meta`      the store's own bookkeeping, plus the app's metadata under `app/`.
//!
//! A tree prefix is `name ‖ 0x00` for a substore and `0x00` for the root tree; names are
//! non-empty and contain no `0x00`, so prefixes never overlap.

use std::sync::Arc;

use jmt::KeyHash;
use rocksdb::{ColumnFamily, WriteBatch};

use crate::StoreError;

pub(crate) const CF_STATE: &str = "state";
pub(crate) const CF_NODES: &str = "nodes";
pub(crate) const CF_VALUES: &str = "values";
pub(crate) const CF_PREIMAGES: &str = "preimages";
pub(crate) const CF_UNDO: &str = "undo";
pub(crate) const CF_STALE: &str = "stale";
pub(crate) const CF_META: &str = "meta";
pub(crate) const ALL_CFS: [&str; 7] = [CF_STATE, CF_NODES, CF_VALUES, CF_PREIMAGES, CF_UNDO, CF_STALE, CF_META];

pub(crate) const META_LATEST: &[u8] = b"latest_version";
pub(crate) const META_EARLIEST: &[u8] = b"earliest_version";
/// The oldest JMT version whose stale list is not yet pruned (BE u64).
pub(crate) const META_UNPRUNED: &[u8] = b"unpruned_stale";
pub(crate) const META_APP_HASH: &[u8] = b"app_hash";
pub(crate) const META_SUBSTORES: &[u8] = b"substores";
pub(crate) const META_LAYOUT: &[u8] = b"layout_version";
/// Version of this layout, stored at creation; a database of another version is refused.
/// 2: stale lists as chunked values (1 had one `stale` key per entry).
/// 3: `state` values start with the JMT version they were written at.
pub(crate) const LAYOUT_VERSION: u64 = 3;
pub(crate) const APP_META_PREFIX: &[u8] = b"app/";

/// Stale entry kinds.
pub(crate) const STALE_NODE: u8 = 0;
pub(crate) const STALE_VALUE: u8 = 1;
pub(crate) const STALE_PREIMAGE: u8 = 2;
pub(crate) const STALE_UNDO: u8 = 3;

/// The root tree's prefix.
pub(crate) const ROOT_PREFIX: &[u8] = &[0u8];

pub(crate) fn tree_prefix(name: &str) -> Vec<u8> {
    let mut prefix = Vec::with_capacity(name.len() + 1);
    prefix.extend_from_slice(name.as_bytes());
    prefix.push(0);
    prefix
}

/// `prefix ‖ hash` into `buf` (reused to avoid an allocation per key).
pub(crate) fn hash_key<'b>(buf: &'b mut Vec<u8>, prefix: &[u8], hash: &KeyHash) -> &'b [u8] {
    buf.clear();
    buf.extend_from_slice(prefix);
    buf.extend_from_slice(&hash.0);
    buf
}

/// `prefix ‖ hash ‖ version` into `buf`: a value-history key.
pub(crate) fn value_key<'b>(buf: &'b mut Vec<u8>, prefix: &[u8], hash: &KeyHash, version: u64) -> &'b [u8] {
    hash_key(buf, prefix, hash);
    buf.extend_from_slice(&version.to_be_bytes());
    buf
}

/// `key` with every 0x00 written as 0x00 0xff, into `buf`. The escaping keeps byte order,
/// and a key's escape is a prefix of another's exactly when the key is a prefix of the other.
pub(crate) fn escape_into(buf: &mut Vec<u8>, key: &[u8]) {
    for &byte in key {
        buf.push(byte);
        if byte == 0 {
            buf.push(0xff);
        }
    }
}

/// `escape(key) ‖ 0x00 0x00 ‖ version` into `buf`: an undo entry. The terminator sorts below
/// any escaped byte, so each key's entries are contiguous, ordered by version, and every key
/// with a given prefix lies in the range of `escape(prefix)`.
pub(crate) fn undo_key<'b>(buf: &'b mut Vec<u8>, key: &[u8], version: u64) -> &'b [u8] {
    buf.clear();
    escape_into(buf, key);
    buf.extend_from_slice(&[0, 0]);
    buf.extend_from_slice(&version.to_be_bytes());
    buf
}

/// Splits an undo entry's key into the full key and the block version.
pub(crate) fn parse_undo_key(raw: &[u8]) -> Result<(Vec<u8>, u64), StoreError> {
    let corrupt = || StoreError::Corrupt("bad undo entry key".into());
    let split = raw.len().checked_sub(10).ok_or_else(corrupt)?;
    let (escaped, tail) = raw.split_at(split);
    if tail[..2] != [0, 0] {
        return Err(corrupt());
    }
    let mut key = Vec::with_capacity(escaped.len());
    let mut bytes = escaped.iter();
    while let Some(&byte) = bytes.next() {
        key.push(byte);
        if byte == 0 && bytes.next() != Some(&0xff) {
            return Err(corrupt());
        }
    }
    Ok((key, u64_from(&tail[2..])?))
}

/// Writes one JMT version's stale list into a block's write batch, in chunks of about
/// [`STALE_CHUNK_BYTES`]: `version ‖ chunk` → entries `kind ‖ len (BE u32) ‖ location`.
/// Chunk 0 is written last and starts with the chunk count, so pruning a version is a few
/// point reads: no iterator, whose cost grows with the column's files.
pub(crate) struct StaleWriter<'a> {
    cf: &'a ColumnFamily,
    version: u64,
    chunk: Vec<u8>,
    /// Chunks written so far, chunk 0 (still open) included.
    chunks: u32,
}

pub(crate) const STALE_CHUNK_BYTES: usize = 64 << 10;

impl<'a> StaleWriter<'a> {
    pub(crate) fn new(cf: &'a ColumnFamily, version: u64) -> Self {
        Self { cf, version, chunk: Vec::new(), chunks: 1 }
    }

    pub(crate) fn push(&mut self, batch: &mut WriteBatch, kind: u8, location: &[u8]) -> Result<(), StoreError> {
        if self.chunk.len() >= STALE_CHUNK_BYTES {
            batch.put_cf(self.cf, stale_chunk_key(self.version, self.chunks), &self.chunk);
            self.chunks += 1;
            self.chunk.clear();
        }
        let len = u32::try_from(location.len()).map_err(|_| StoreError::Corrupt("stale location too long".into()))?;
        self.chunk.push(kind);
        self.chunk.extend_from_slice(&len.to_be_bytes());
        self.chunk.extend_from_slice(location);
        Ok(())
    }

    /// Writes chunk 0 and returns it.
    pub(crate) fn finish(self, batch: &mut WriteBatch) -> Arc<[u8]> {
        let mut first = Vec::with_capacity(4 + self.chunk.len());
        first.extend_from_slice(&self.chunks.to_be_bytes());
        first.extend_from_slice(&self.chunk);
        batch.put_cf(self.cf, stale_chunk_key(self.version, 0), &first);
        first.into()
    }
}

/// `stale_since ‖ chunk`: one chunk of a version's stale list.
pub(crate) fn stale_chunk_key(stale_since: u64, chunk: u32) -> [u8; 12] {
    let mut key = [0u8; 12];
    key[..8].copy_from_slice(&stale_since.to_be_bytes());
    key[8..].copy_from_slice(&chunk.to_be_bytes());
    key
}

/// Chunk 0's chunk count and the rest of its bytes.
pub(crate) fn split_stale_count(first: &[u8]) -> Result<(u32, &[u8]), StoreError> {
    let (count, rest) = first.split_at_checked(4).ok_or_else(|| StoreError::Corrupt("short stale chunk".into()))?;
    let count = u32::from_be_bytes(count.try_into().map_err(|_| StoreError::Corrupt("short stale chunk".into()))?);
    Ok((count, rest))
}

/// The `(kind, location)` entries of one stale chunk.
pub(crate) fn stale_entries(mut chunk: &[u8]) -> impl Iterator<Item = Result<(u8, &[u8]), StoreError>> {
    std::iter::from_fn(move || {
        let (&kind, rest) = chunk.split_first()?;
        let entry = rest
            .split_at_checked(4)
            .and_then(|(len, rest)| {
                let len = u32::from_be_bytes(len.try_into().ok()?) as usize;
                rest.split_at_checked(len)
            })
            .map(|(location, rest)| {
                chunk = rest;
                (kind, location)
            });
        if entry.is_none() {
            chunk = &[];
        }
        Some(entry.ok_or_else(|| StoreError::Corrupt("truncated stale entry".into())))
    })
}

pub(crate) fn encode_value(value: Option<&[u8]>) -> Vec<u8> {
    match value {
        Some(v) => {
            let mut out = Vec::with_capacity(v.len() + 1);
            out.push(1);
            out.extend_from_slice(v);
            out
        }
        None => vec![0],
    }
}

/// A `state` entry: the JMT version it was written at, then the value.
pub(crate) fn encode_state(jmt_version: u64, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + value.len());
    out.extend_from_slice(&jmt_version.to_be_bytes());
    out.extend_from_slice(value);
    out
}

/// A `state` entry's JMT version and value.
pub(crate) fn decode_state(bytes: &[u8]) -> Result<(u64, &[u8]), StoreError> {
    if bytes.len() < 8 {
        return Err(StoreError::Corrupt("a state entry shorter than its version".into()));
    }
    let (version, value) = bytes.split_at(8);
    Ok((u64_from(version)?, value))
}

/// A value-history entry: `Some(bytes)` if present, `None` if it records a deletion.
pub(crate) fn decode_value(bytes: &[u8]) -> Result<Option<&[u8]>, StoreError> {
    match bytes.split_first() {
        Some((1, rest)) => Ok(Some(rest)),
        Some((0, [])) => Ok(None),
        _ => Err(StoreError::Corrupt("bad value-history entry".into())),
    }
}

pub(crate) fn u64_from(bytes: &[u8]) -> Result<u64, StoreError> {
    let arr: [u8; 8] = bytes.try_into().map_err(|_| StoreError::Corrupt("bad u64".into()))?;
    Ok(u64::from_be_bytes(arr))
}

/// The smallest key greater than every key starting with `prefix`, if there is one.
pub(crate) fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_is_the_successor_of_the_prefix_range() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(&[1, 0xff]), Some(vec![2]));
        assert_eq!(prefix_end(&[0xff, 0xff]), None);
        assert_eq!(prefix_end(b""), None);
    }

    #[test]
    fn undo_keys_keep_key_order_and_group_each_key() {
        let keys: [&[u8]; 6] = [b"", b"a", &[b'a', 0], &[b'a', 0, 0], &[b'a', 1], b"b"];
        let mut encoded = Vec::new();
        for key in keys {
            for version in [1u64, 7, u64::MAX] {
                let mut buf = Vec::new();
                encoded.push(undo_key(&mut buf, key, version).to_vec());
                assert_eq!(parse_undo_key(&buf).expect("parse"), (key.to_vec(), version));
            }
        }
        let mut sorted = encoded.clone();
        sorted.sort();
        assert_eq!(sorted, encoded, "entries sort by key, then version");
        let mut prefix = Vec::new();
        escape_into(&mut prefix, b"a");
        let under_a = encoded.iter().filter(|e| e.starts_with(&prefix)).count();
        assert_eq!(under_a, 4 * 3, "all of a, a\\0, a\\0\\0 and a\\1 lie in the range of a");
        assert!(parse_undo_key(&[0, 1]).is_err());
        assert!(parse_undo_key(&[b'a', 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]).is_err());
    }

    #[test]
    fn stale_entries_round_trip_and_reject_truncation() {
        let mut chunk = Vec::new();
        for (kind, location) in [(STALE_NODE, &b"node"[..]), (STALE_UNDO, b""), (STALE_VALUE, &[0u8; 300][..])] {
            chunk.push(kind);
            chunk.extend_from_slice(&(location.len() as u32).to_be_bytes());
            chunk.extend_from_slice(location);
        }
        let parsed: Vec<_> = stale_entries(&chunk).collect::<Result<_, _>>().expect("parses");
        assert_eq!(parsed, vec![(STALE_NODE, &b"node"[..]), (STALE_UNDO, b""), (STALE_VALUE, &[0u8; 300][..])]);
        let truncated: Vec<_> = stale_entries(&chunk[..chunk.len() - 1]).collect();
        assert_eq!(truncated.len(), 3);
        assert!(truncated[2].is_err(), "a cut-off entry is an error, not a shorter location");
        assert!(split_stale_count(&[0, 0, 1]).is_err());
        assert_eq!(split_stale_count(&[0, 0, 0, 2, 9]).expect("ok"), (2, &[9u8][..]));
        assert!(stale_chunk_key(1, 0) < stale_chunk_key(1, 1) && stale_chunk_key(1, u32::MAX) < stale_chunk_key(2, 0));
    }

    #[test]
    fn value_encoding_round_trips_and_rejects_garbage() {
        assert_eq!(decode_value(&encode_value(Some(b"x"))).expect("ok"), Some(&b"x"[..]));
        assert_eq!(decode_value(&encode_value(Some(b""))).expect("ok"), Some(&b""[..]));
        assert_eq!(decode_value(&encode_value(None)).expect("ok"), None);
        assert!(decode_value(&[]).is_err());
        assert!(decode_value(&[0, 1]).is_err());
        assert!(decode_value(&[7]).is_err());
    }
}
