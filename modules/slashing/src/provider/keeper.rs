//! What provider penalties need from the provider registry and the incentive module, declared
//! here and implemented by the application over those modules' own APIs.

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coin, Denom, Event, TxError};

use super::dispute::LeaseRef;

/// Where slashed coins go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlashTo<'a> {
    CommunityPool,
    /// A reporter's reward.
    Account(&'a Address),
    /// Held by the disputes module account while a panel's slash may be appealed.
    Disputes,
}

/// A provider as the penalties see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderStanding {
    pub bond: Coin,
    /// Active (not unbonding) and not jailed.
    pub offering: bool,
    /// Its registered GPUs, all classes together.
    pub gpus: u64,
    pub tombstoned: bool,
    /// The key registered to answer challenges besides the owner.
    pub operator: Option<Address>,
}

pub trait ProviderPenaltyKeeper: Send + Sync {
    /// Every registered provider (genesis only: the draw is rebuilt from them).
    fn provider_owners(&self, state: &dyn StateRead) -> Result<Vec<Address>, TxError>;

    /// `None`: no such provider (it finished unbonding).
    fn standing(&self, state: &dyn StateRead, owner: &Address) -> Result<Option<ProviderStanding>, TxError>;

    /// Takes up to `amount` of the bond (never more than the bond) to `to`; a bond left below
    /// the minimum jails the provider until `jail_until`.
    fn slash_bond(&self, state: &mut dyn StateWrite, owner: &Address, amount: u128, to: SlashTo<'_>, jail_until: u64, height: u64) -> Result<(Coin, Vec<Event>), TxError>;

    /// `capacity` in the registry's canonical form (classes sorted and merged, zeros dropped),
    /// so two statements of one capacity compare equal however each was written.
    fn normalize_capacity(&self, capacity: &agora_proto::base::v1::Resources) -> Result<agora_proto::base::v1::Resources, TxError>;

    /// Whether `auditor` holds an audit record for `provider` (it may attest its hardware).
    fn audited_by(&self, state: &dyn StateRead, provider: &Address, auditor: &Address) -> Result<bool, TxError>;

    /// Proven fraud: jailed for ever.
    fn tombstone(&self, state: &mut dyn StateWrite, owner: &Address, reason: &str, height: u64) -> Result<Vec<Event>, TxError>;

    fn jail(&self, state: &mut dyn StateWrite, owner: &Address, until: u64, reason: &str, height: u64) -> Result<Vec<Event>, TxError>;

    /// Refused (the registry's typed errors) while the jail lasts, below the minimum bond, or
    /// for a tombstoned provider.
    fn unjail(&self, state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<Vec<Event>, TxError>;

    /// The provider's free GPUs earn no idle incentives this epoch.
    fn mark_unverified(&self, state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<Vec<Event>, TxError>;

    /// The provider's unvested incentive rewards go back to the pool.
    fn forfeit_unvested(&self, state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<Vec<Event>, TxError>;

    /// Whether the lease is active (`None`: no such lease).
    fn lease_active(&self, state: &dyn StateRead, lease: &LeaseRef) -> Result<Option<bool>, TxError>;

    /// A dispute opens: the lease's payments accrued so far go to the provider, and what
    /// accrues from now on is held in escrow.
    fn hold_lease_payments(&self, state: &mut dyn StateWrite, lease: &LeaseRef, height: u64) -> Result<Vec<Event>, TxError>;

    /// The dispute is decided: what was held goes to `refund_to`, or (`None`) to the provider
    /// as a withdrawal. Returns what left escrow.
    fn release_lease_payments(&self, state: &mut dyn StateWrite, lease: &LeaseRef, refund_to: Option<&Address>, height: u64) -> Result<(Coin, Vec<Event>), TxError>;

    /// Moves `amount` (deposits, panel bonds, fees, refunds) between accounts.
    fn transfer(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coin) -> Result<Vec<Event>, TxError>;

    /// Burns `amount` from the disputes module account.
    fn burn_held(&self, state: &mut dyn StateWrite, amount: &Coin) -> Result<Vec<Event>, TxError>;

    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &Denom) -> Result<u128, TxError>;

    /// Governance reversed a dispute: `amount` comes back from the disputes module account to
    /// the provider's bond (to its owner if it has left the registry).
    fn restore_bond(&self, state: &mut dyn StateWrite, owner: &Address, amount: &Coin, height: u64) -> Result<Vec<Event>, TxError>;
}

/// A message for `provider` signed by `operator` (when it is not the owner) must be signed by
/// the operator key the provider registered.
pub fn check_operator(state: &dyn StateRead, keeper: &dyn ProviderPenaltyKeeper, provider: &Address, operator: Option<&Address>) -> Result<(), TxError> {
    if let Some(operator) = operator.filter(|o| *o != provider) {
        let registered = keeper.standing(state, provider)?.and_then(|s| s.operator);
        if registered.as_ref() != Some(operator) {
            return Err(crate::SlashingError::NotOperator { operator: operator.to_string(), provider: provider.to_string() }.into());
        }
    }
    Ok(())
}
