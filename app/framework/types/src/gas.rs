//! Gas accounting for one transaction. Interior mutability lets the metered store wrapper and
//! the handlers charge the same meter while the state is mutably borrowed.

use std::cell::Cell;

/// Gas consumed versus the limit the signer set in the fee.
#[derive(Debug)]
pub struct GasMeter {
    limit: u64,
    used: Cell<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("out of gas in location: {location}; gasWanted: {limit}, gasUsed: {used}")]
pub struct OutOfGas {
    pub location: &'static str,
    pub limit: u64,
    pub used: u64,
}

impl GasMeter {
    pub fn new(limit: u64) -> Self {
        Self { limit, used: Cell::new(0) }
    }

    /// A meter that only counts (genesis, block hooks, simulation).
    pub fn infinite() -> Self {
        Self::new(u64::MAX)
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    pub fn used(&self) -> u64 {
        self.used.get()
    }

    /// Charges `amount`; saturates instead of overflowing so a huge charge is still reported.
    pub fn consume(&self, amount: u64, location: &'static str) -> Result<(), OutOfGas> {
        let used = self.used.get().saturating_add(amount);
        self.used.set(used);
        self.check(location)
    }

    pub fn check(&self, location: &'static str) -> Result<(), OutOfGas> {
        let used = self.used.get();
        if used > self.limit {
            Err(OutOfGas { location, limit: self.limit, used })
        } else {
            Ok(())
        }
    }
}

/// Gas prices of store access, the Cosmos SDK's `KVGasConfig` defaults, so gas estimates
/// from Cosmos tooling stay in the right range.
pub mod costs {
    pub const READ_FLAT: u64 = 1_000;
    pub const READ_PER_BYTE: u64 = 3;
    pub const WRITE_FLAT: u64 = 2_000;
    pub const WRITE_PER_BYTE: u64 = 30;
    pub const DELETE: u64 = 1_000;
    pub const ITER_NEXT_FLAT: u64 = 30;
}
