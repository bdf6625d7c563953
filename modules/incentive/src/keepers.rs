//! What incentives need from other modules, declared here and implemented by the application
//! over those modules' own APIs.

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coins, Event};

use crate::class::GpuClassId;
use crate::IncentiveError;

/// Moving the pool's funds.
pub trait BankKeeper: Send + Sync {
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, IncentiveError>;

    /// The balance of `address` in `denom` (the invariant).
    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &str) -> Result<u128, IncentiveError>;
}

/// The provision mint paid to the fee collector at the start of this block.
pub trait MintKeeper: Send + Sync {
    /// `(denom, amount)` of this block's provision.
    fn block_provision(&self, state: &dyn StateRead) -> Result<(String, u128), IncentiveError>;
}

/// One GPU class of a provider: GPUs under leases and free GPUs (zero unless the provider is
/// active and may take leases).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassCount {
    pub class: GpuClassId,
    pub leased: u64,
    pub free: u64,
}

/// A provider as the registry holds it now: its GPUs by class and its bond.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderGpus {
    pub classes: Vec<ClassCount>,
    /// The bond, in the registry's bond denom (zero once the provider is gone).
    pub bond: u128,
}

/// The provider registry, as incentives read it.
pub trait MarketKeeper: Send + Sync {
    /// A provider's GPUs by class and its bond (empty if it is gone).
    fn provider_gpus(&self, state: &dyn StateRead, owner: &Address) -> Result<ProviderGpus, IncentiveError>;

    /// Every registered provider (genesis: each gets its record).
    fn provider_owners(&self, state: &dyn StateRead) -> Result<Vec<Address>, IncentiveError>;
}
