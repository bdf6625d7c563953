//! Storage faults met while executing a block. A read that fails because the disk or the
//! database is broken says nothing about the transaction that made it: recorded as that
//! transaction's failure, it would make this node's app hash differ from the network's. So
//! every read of the block's base state goes through [`FaultWatch`], and a block that met a
//! fault is not committed: the node halts, and CometBFT replays the block once it restarts.

use std::sync::OnceLock;

use agora_store::{Key, StateRead, StoreError, Value};

/// `inner`, remembering the first error any read of it returned.
pub struct FaultWatch<S> {
    inner: S,
    fault: OnceLock<String>,
}

impl<S> FaultWatch<S> {
    pub fn new(inner: S) -> Self {
        Self { inner, fault: OnceLock::new() }
    }

    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The first storage error a read met, if any.
    pub fn fault(&self) -> Option<&str> {
        self.fault.get().map(String::as_str)
    }

    fn record(&self, error: &StoreError) {
        let _first = self.fault.set(error.to_string());
    }
}

impl<S: StateRead> StateRead for FaultWatch<S> {
    fn charge_gas(&self, gas: u64, what: &'static str) -> Result<(), StoreError> {
        self.inner.charge_gas(gas, what)
    }

    fn get_raw(&self, key: &[u8]) -> Result<Option<Value>, StoreError> {
        self.inner.get_raw(key).inspect_err(|error| self.record(error))
    }

    fn prefix_raw<'a>(
        &'a self,
        prefix: &[u8],
        start: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a> {
        Box::new(self.inner.prefix_raw(prefix, start).inspect(|item| {
            if let Err(error) = item {
                self.record(error);
            }
        }))
    }
}
