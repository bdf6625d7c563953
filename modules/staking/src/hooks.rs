//! What staking tells the modules that follow stake (distribution settles rewards before a
//! delegation's shares change; slashing starts a validator's signing record when it is
//! bonded). Wired by the application; every hook runs inside the message or block step that
//! caused it, so its writes commit or roll back with it.

use agora_store::StateWrite;
use agora_types::{Address, Event, TxError};

use crate::types::Validator;

pub trait StakingHooks: Send + Sync + 'static {
    /// A validator was created (before its self-delegation).
    fn after_validator_created(&self, _state: &mut dyn StateWrite, _validator: &Validator) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    /// A validator entered the active set.
    fn after_validator_bonded(&self, _state: &mut dyn StateWrite, _validator: &Validator, _height: u64) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    /// A validator with no shares left, unbonded, is about to be deleted.
    fn before_validator_removed(&self, _state: &mut dyn StateWrite, _validator: &Validator) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    /// `validator` is being slashed `fraction` of its stake for a fault at `infraction_height`.
    fn before_validator_slashed(&self, _state: &mut dyn StateWrite, _validator: &Validator, _fraction: agora_types::Dec, _infraction_height: u64) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    /// `delegator`'s shares of `validator` are about to change (or be created): the shares
    /// and the validator are as they were before the change.
    fn before_delegation_modified(&self, _state: &mut dyn StateWrite, _delegator: &Address, _validator: &Validator) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    /// `delegator`'s shares of `validator` changed (they may now be zero: removed).
    fn after_delegation_modified(&self, _state: &mut dyn StateWrite, _delegator: &Address, _validator: &Validator) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }
}

/// No module follows stake.
impl StakingHooks for () {}
