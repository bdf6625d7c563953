//! What the provider registry needs from other modules, declared here and implemented by the
//! application over their own APIs: bank locks bonds in the `provider` module account and
//! returns them; the hooks tell the modules that follow a provider's capacity (incentives)
//! that it changed.

use agora_bank::BankError;
use agora_store::StateWrite;
use agora_types::{Address, Coins, Event};

use crate::ProviderError;

pub trait BankKeeper: Send + Sync {
    /// Moves coins between two accounts, all or nothing.
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, BankError>;

    /// What `address` holds of `denom` (the invariant: the module account holds every bond).
    fn balance(&self, state: &dyn agora_store::StateRead, address: &Address, denom: &agora_types::Denom) -> Result<u128, BankError>;
}

/// Told after a provider's capacity or state changed (registered, updated, unbonding), in the
/// same transaction: a refusal fails the message.
pub trait ProviderHooks: Send + Sync {
    fn provider_changed(&self, state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<Vec<Event>, ProviderError>;

    /// Asked before a provider starts unbonding: a follower that still has a claim on its bond
    /// (a dispute awaiting its verdict) refuses.
    fn may_unbond(&self, _state: &dyn agora_store::StateRead, _owner: &Address) -> Result<(), ProviderError> {
        Ok(())
    }
}

/// No module follows providers (a registry on its own, in tests).
pub struct NoHooks;

impl ProviderHooks for NoHooks {
    fn provider_changed(&self, _state: &mut dyn StateWrite, _owner: &Address, _height: u64) -> Result<Vec<Event>, ProviderError> {
        Ok(Vec::new())
    }
}
