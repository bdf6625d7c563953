//! On-disk layout: column family names and key/value encodings, in one place.
//!
//! * `state`     full key → value, the latest version only (reads and prefix scans at latest).
//! * `nodes`     tree prefix ‖ borsh(NodeKey) → borsh(Node): every tree's JMT nodes.
//! * `values`    tree prefix ‖ key hash ‖ jmt version (BE) → tag ‖ value: value history, read
//!   with seek-for-prev (tag 1 = present, 0 = deleted).
//! * `preimages` tree prefix ‖ key hash → key inside the tree (needed for non-existence proofs).
//! * `stale`     stale-since jmt version (BE) ‖ kind ‖ location → empty: what pruning deletes once
//!   every version before stale-since is gone.
//! * `meta`      the store's own bookkeeping, plus the app's metadata under `app/`.
//!
//! A tree prefix is `name ‖ 0x00` for a substore and `0x00` for the root tree; names are
//! non-empty and contain no `0x00`, so prefixes never overlap.

use jmt::KeyHash;

use crate::StoreError;

pub(crate) const CF_STATE: &str = "state";
pub(crate) const CF_NODES: &str = "nodes";
pub(crate) const CF_VALUES: &str = "values";
pub(crate) const CF_PREIMAGES: &str = "preimages";
pub(crate) const CF_STALE: &str = "stale";
pub(crate) const CF_META: &str = "meta";
pub(crate) const ALL_CFS: [&str; 6] = [CF_STATE, CF_NODES, CF_VALUES, CF_PREIMAGES, CF_STALE, CF_META];

pub(crate) const META_LATEST: &[u8] = b"latest_version";
pub(crate) const META_EARLIEST: &[u8] = b"earliest_version";
pub(crate) const META_APP_HASH: &[u8] = b"app_hash";
pub(crate) const META_SUBSTORES: &[u8] = b"substores";
pub(crate) const APP_META_PREFIX: &[u8] = b"app/";

/// Stale entry kinds.
pub(crate) const STALE_NODE: u8 = 0;
pub(crate) const STALE_VALUE: u8 = 1;
pub(crate) const STALE_PREIMAGE: u8 = 2;

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

/// `stale_since ‖ kind ‖ location` into `buf`.
pub(crate) fn stale_key<'b>(buf: &'b mut Vec<u8>, stale_since: u64, kind: u8, location: &[u8]) -> &'b [u8] {
    buf.clear();
    buf.extend_from_slice(&stale_since.to_be_bytes());
    buf.push(kind);
    buf.extend_from_slice(location);
    buf
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
    fn value_encoding_round_trips_and_rejects_garbage() {
        assert_eq!(decode_value(&encode_value(Some(b"x"))).expect("ok"), Some(&b"x"[..]));
        assert_eq!(decode_value(&encode_value(Some(b""))).expect("ok"), Some(&b""[..]));
        assert_eq!(decode_value(&encode_value(None)).expect("ok"), None);
        assert!(decode_value(&[]).is_err());
        assert!(decode_value(&[0, 1]).is_err());
        assert!(decode_value(&[7]).is_err());
    }
}
