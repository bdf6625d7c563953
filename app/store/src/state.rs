//! The read/write interface every module is written against.

use crate::StoreError;

pub type Key = Vec<u8>;
pub type Value = Vec<u8>;

/// Read access to a consistent view of state.
pub trait StateRead {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Value>, StoreError>;

    /// Ascending iteration over keys starting with `prefix`, from `start` (inclusive) if given.
    fn prefix_raw<'a>(
        &'a self,
        prefix: &[u8],
        start: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a>;
}

/// Write access; only write buffers ([`crate::StateDelta`]) implement it.
pub trait StateWrite: StateRead {
    fn put_raw(&mut self, key: Key, value: Value);
    fn delete(&mut self, key: Key);
}

impl<S: StateRead + ?Sized> StateRead for &S {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Value>, StoreError> {
        (**self).get_raw(key)
    }

    fn prefix_raw<'a>(
        &'a self,
        prefix: &[u8],
        start: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a> {
        (**self).prefix_raw(prefix, start)
    }
}

impl<S: StateRead + ?Sized> StateRead for &mut S {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Value>, StoreError> {
        (**self).get_raw(key)
    }

    fn prefix_raw<'a>(
        &'a self,
        prefix: &[u8],
        start: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a> {
        (**self).prefix_raw(prefix, start)
    }
}

impl<S: StateWrite + ?Sized> StateWrite for &mut S {
    fn put_raw(&mut self, key: Key, value: Value) {
        (**self).put_raw(key, value)
    }

    fn delete(&mut self, key: Key) {
        (**self).delete(key)
    }
}

/// Typed reads of protobuf values.
pub trait StateReadExt: StateRead {
    fn get_proto<M: prost::Message + Default>(&self, key: &[u8]) -> Result<Option<M>, StoreError> {
        match self.get_raw(key)? {
            Some(bytes) => M::decode(bytes.as_slice()).map(Some).map_err(|e| StoreError::Decode(e.to_string())),
            None => Ok(None),
        }
    }
}

impl<S: StateRead + ?Sized> StateReadExt for S {}

/// Typed writes of protobuf values.
pub trait StateWriteExt: StateWrite {
    fn put_proto<M: prost::Message>(&mut self, key: Key, value: &M) {
        self.put_raw(key, value.encode_to_vec());
    }
}

impl<S: StateWrite + ?Sized> StateWriteExt for S {}
