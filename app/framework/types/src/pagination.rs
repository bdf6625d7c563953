//! Cosmos `PageRequest` semantics over an ordered key iterator, shared by every query service.

use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};

/// Page size when the client sets none (the Cosmos SDK default).
pub const DEFAULT_LIMIT: u64 = 100;
/// Upper bound on a page, so one query cannot walk the whole state.
pub const MAX_LIMIT: u64 = 1_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PageError {
    #[error("invalid request: either offset or key is expected, got both")]
    KeyAndOffset,
    #[error("invalid request: reverse pagination is not supported")]
    Reverse,
}

/// A validated page request: start at `key` (inclusive, relative to the prefix) or skip `offset` items.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub key: Vec<u8>,
    pub offset: u64,
    pub limit: u64,
    pub count_total: bool,
}

impl Page {
    /// As the Cosmos SDK reads it: no limit means the default page and a counted total on the
    /// first page (explorers show the total without asking for it).
    pub fn from_request(req: Option<&PageRequest>) -> Result<Self, PageError> {
        let Some(req) = req else {
            return Ok(Self { limit: DEFAULT_LIMIT, count_total: true, ..Self::default() });
        };
        if !req.key.is_empty() && req.offset > 0 {
            return Err(PageError::KeyAndOffset);
        }
        if req.reverse {
            return Err(PageError::Reverse);
        }
        let limit = match req.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        };
        let count_total = req.count_total || (req.limit == 0 && req.key.is_empty());
        Ok(Self { key: req.key.clone(), offset: req.offset, limit, count_total })
    }

    /// Walks `items` (keys relative to the queried prefix, ascending, already starting at
    /// `self.key` if set), maps each through `decode`, and builds the page response.
    pub fn collect<T, E>(
        &self,
        items: impl Iterator<Item = Result<(Vec<u8>, Vec<u8>), E>>,
        mut decode: impl FnMut(&[u8], &[u8]) -> Result<T, E>,
    ) -> Result<(Vec<T>, PageResponse), E> {
        let mut out = Vec::new();
        let mut next_key = Vec::new();
        let mut seen: u64 = 0;
        for item in items {
            let (key, value) = item?;
            seen += 1;
            if seen <= self.offset {
                continue;
            }
            if out.len() as u64 == self.limit {
                if next_key.is_empty() {
                    next_key = key;
                }
                if !self.count_total {
                    break;
                }
                continue;
            }
            out.push(decode(&key, &value)?);
        }
        let total = if self.count_total { seen } else { 0 };
        Ok((out, PageResponse { next_key, total }))
    }
}
