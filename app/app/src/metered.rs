//! A store view that charges gas for every access, with the Cosmos SDK's store gas costs.
//! Once the meter is past its limit, every further read fails, so a message stops where it
//! runs out instead of finishing work nobody pays for; the executor then reports out of gas
//! (whatever error the message made of the failed read) and drops the message's writes.

use agora_store::{Key, StateRead, StateWrite, StoreError, Value};
use agora_types::gas::costs;
use agora_types::GasMeter;

pub struct Metered<'g, S> {
    inner: S,
    gas: &'g GasMeter,
}

impl<'g, S> Metered<'g, S> {
    pub fn new(inner: S, gas: &'g GasMeter) -> Self {
        Self { inner, gas }
    }

    pub fn into_inner(self) -> S {
        self.inner
    }

    fn charge(&self, amount: u64) {
        // The result is read by the executor through `GasMeter::check`.
        let _ = self.gas.consume(amount, "store access");
    }

    /// The error every read returns once the meter is exhausted.
    fn exhausted(&self) -> Result<(), StoreError> {
        self.gas.check("store access").map_err(|out| StoreError::OutOfGas(out.to_string()))
    }
}

fn per_byte(len: usize, cost: u64) -> u64 {
    (len as u64).saturating_mul(cost)
}

impl<S: StateRead> StateRead for Metered<'_, S> {
    fn charge_gas(&self, gas: u64, what: &'static str) -> Result<(), StoreError> {
        self.gas.consume(gas, what).map_err(|out| StoreError::OutOfGas(out.to_string()))
    }

    fn get_raw(&self, key: &[u8]) -> Result<Option<Value>, StoreError> {
        self.exhausted()?;
        let value = self.inner.get_raw(key)?;
        let len = value.as_ref().map_or(0, Vec::len);
        self.charge(costs::READ_FLAT.saturating_add(per_byte(len, costs::READ_PER_BYTE)));
        Ok(value)
    }

    fn prefix_raw<'a>(
        &'a self,
        prefix: &[u8],
        start: Option<&[u8]>,
    ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a> {
        if let Err(out) = self.exhausted() {
            return Box::new(std::iter::once(Err(out)));
        }
        let mut items = self.inner.prefix_raw(prefix, start);
        // Each step is charged, and none is taken once the meter is exhausted.
        Box::new(std::iter::from_fn(move || {
            if let Err(out) = self.exhausted() {
                return Some(Err(out));
            }
            let item = items.next()?;
            let len = item.as_ref().map_or(0, |(k, v)| k.len() + v.len());
            self.charge(costs::ITER_NEXT_FLAT.saturating_add(per_byte(len, costs::READ_PER_BYTE)));
            Some(item)
        }))
    }
}

impl<S: StateWrite> StateWrite for Metered<'_, S> {
    fn put_raw(&mut self, key: Key, value: Value) {
        self.charge(costs::WRITE_FLAT.saturating_add(per_byte(key.len() + value.len(), costs::WRITE_PER_BYTE)));
        self.inner.put_raw(key, value);
    }

    fn delete(&mut self, key: Key) {
        self.charge(costs::DELETE);
        self.inner.delete(key);
    }
}
