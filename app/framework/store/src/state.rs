//! The read/write interface every module is written against.

use crate::StoreError;

pub type Key = Vec<u8>;
pub type Value = Vec<u8>;

/// Read access to a consistent view of state.
///
/// Implemented by [`crate::Snapshot`], [`crate::StateDelta`], and by `&T` / `&mut T`, so a
/// delta can borrow its parent.
pub trait StateRead {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Value>, StoreError>;

    /// Ascending iteration over keys with `prefix`, starting at `start` (inclusive) if given.
    /// `start` should itself begin with `prefix`; a `start` below the prefix is treated as the
    /// prefix and one above every prefixed key yields nothing.
    fn prefix_raw<'a>(
        &'a self,
        prefix: &[u8],
        start: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a>;

    /// Charges `gas` for computation a handler is about to do or just did (`what` names it),
    /// so work that reads little but computes much is paid for too. Outside a transaction
    /// nothing is metered and this succeeds; inside one, it fails with
    /// [`StoreError::OutOfGas`] once the transaction's gas is spent, and the handler stops.
    /// Views that wrap another forward it.
    fn charge_gas(&self, _gas: u64, _what: &'static str) -> Result<(), StoreError> {
        Ok(())
    }
}

/// A state with nothing in it: the base of a delta that starts from nothing (genesis-only
/// unit tests of modules, tools).
#[derive(Clone, Copy, Debug, Default)]
pub struct EmptyState;

impl StateRead for EmptyState {
    fn get_raw(&self, _key: &[u8]) -> Result<Option<Value>, StoreError> {
        Ok(None)
    }

    fn prefix_raw<'a>(
        &'a self,
        _prefix: &[u8],
        _start: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a> {
        Box::new(std::iter::empty())
    }
}

/// Write access; only write buffers ([`crate::StateDelta`]) implement it, so committed state
/// can never be mutated behind the merkle trees' back.
pub trait StateWrite: StateRead {
    fn put_raw(&mut self, key: Key, value: Value);
    fn delete(&mut self, key: Key);
}

impl<S: StateRead + ?Sized> StateRead for &S {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Value>, StoreError> {
        (**self).get_raw(key)
    }

    fn charge_gas(&self, gas: u64, what: &'static str) -> Result<(), StoreError> {
        (**self).charge_gas(gas, what)
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

    fn charge_gas(&self, gas: u64, what: &'static str) -> Result<(), StoreError> {
        (**self).charge_gas(gas, what)
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

/// Typed reads (protobuf and borsh values) on top of [`StateRead`].
pub trait StateReadExt: StateRead {
    fn get_proto<M: prost::Message + Default>(&self, key: &[u8]) -> Result<Option<M>, StoreError> {
        self.get_raw(key)?
            .map(|bytes| M::decode(bytes.as_slice()).map_err(|e| StoreError::Decode(e.to_string())))
            .transpose()
    }

    fn get_borsh<T: borsh::BorshDeserialize>(&self, key: &[u8]) -> Result<Option<T>, StoreError> {
        self.get_raw(key)?
            .map(|bytes| borsh::from_slice(&bytes).map_err(|e| StoreError::Decode(e.to_string())))
            .transpose()
    }
}

impl<S: StateRead + ?Sized> StateReadExt for S {}

/// Typed writes (protobuf and borsh values) on top of [`StateWrite`].
pub trait StateWriteExt: StateWrite {
    fn put_proto<M: prost::Message>(&mut self, key: Key, value: &M) {
        self.put_raw(key, value.encode_to_vec());
    }

    /// Fails only if the value's own `BorshSerialize` impl fails (never for derived impls).
    fn put_borsh<T: borsh::BorshSerialize>(&mut self, key: Key, value: &T) -> Result<(), StoreError> {
        let bytes = borsh::to_vec(value).map_err(|e| StoreError::Encode(e.to_string()))?;
        self.put_raw(key, bytes);
        Ok(())
    }
}

impl<S: StateWrite + ?Sized> StateWriteExt for S {}
