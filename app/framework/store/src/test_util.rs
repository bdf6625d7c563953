//! Test helpers shared by the crate's unit tests.

use std::collections::BTreeMap;

use crate::delta::range_start;
use crate::{Key, StateRead, StoreError, Value};

/// A plain in-memory state, as the base of a delta.
#[derive(Default)]
pub(crate) struct Mem(pub(crate) BTreeMap<Key, Value>);

impl StateRead for Mem {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Value>, StoreError> {
        Ok(self.0.get(key).cloned())
    }

    fn prefix_raw<'a>(
        &'a self,
        prefix: &[u8],
        start: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a> {
        let from = range_start(prefix, start).to_vec();
        let prefix = prefix.to_vec();
        Box::new(
            self.0
                .range(from..)
                .take_while(move |(k, _)| k.starts_with(&prefix))
                .map(|(k, v)| Ok((k.clone(), v.clone()))),
        )
    }
}
