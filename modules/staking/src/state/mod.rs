//! Typed access to `staking` state. Reads are public ([`StakingRead`]); records are written
//! only by this crate ([`StakingRecords`]), through operations that keep the indexes (power,
//! by consensus address, by validator) in step with the records.

pub mod keys;

use std::collections::BTreeSet;

use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt};
use agora_types::{Address, ConsensusAddress};

use crate::types::{Delegation, Redelegation, RedelegationEntry, UnbondingDelegation, UnbondingEntry, Validator};
use crate::{Params, StakingError};

pub trait StakingRead: StateRead {
    fn staking_params(&self) -> Result<Params, StakingError> {
        match self.get_proto::<cosmos_sdk_proto::cosmos::staking::v1beta1::Params>(keys::PARAMS)? {
            Some(proto) => Params::from_proto(&proto),
            None => Ok(Params::default()),
        }
    }

    fn validator(&self, operator: &Address) -> Result<Option<Validator>, StakingError> {
        Ok(self.get_borsh(&keys::validator(operator))?)
    }

    fn validator_by_consensus(&self, address: &ConsensusAddress) -> Result<Option<Validator>, StakingError> {
        match self.get_raw(&keys::by_consensus(address))? {
            Some(operator) => {
                let operator = Address::from_slice(&operator).map_err(|e| StakingError::Internal(e.to_string()))?;
                self.validator(&operator)
            }
            None => Ok(None),
        }
    }

    fn delegation(&self, delegator: &Address, validator: &Address) -> Result<Option<Delegation>, StakingError> {
        Ok(self.get_borsh(&keys::delegation(delegator, validator))?)
    }

    fn unbonding_delegation(&self, delegator: &Address, validator: &Address) -> Result<Option<UnbondingDelegation>, StakingError> {
        Ok(self.get_borsh(&keys::unbonding(delegator, validator))?)
    }

    fn redelegation(&self, delegator: &Address, src: &Address, dst: &Address) -> Result<Option<Redelegation>, StakingError> {
        Ok(self.get_borsh(&keys::redelegation(delegator, src, dst))?)
    }

    /// The power `operator` was last sent to CometBFT with (`None`: not in the active set).
    fn last_power(&self, operator: &Address) -> Result<Option<u64>, StakingError> {
        self.get_raw(&keys::last_power(operator))?.map(|bytes| decode_u64(&bytes)).transpose()
    }

    fn last_total_power(&self) -> Result<u64, StakingError> {
        Ok(self.get_raw(keys::LAST_TOTAL_POWER)?.map(|bytes| decode_u64(&bytes)).transpose()?.unwrap_or(0))
    }

    /// Whether `delegator` has a redelegation into `dst` that has not matured.
    fn has_receiving_redelegation(&self, delegator: &Address, dst: &Address) -> Result<bool, StakingError> {
        Ok(self.prefix_raw(&keys::redelegations_into(dst, delegator), None).next().transpose()?.is_some())
    }

    /// Every validator, in operator-address order.
    fn all_validators(&self) -> Result<Vec<Validator>, StakingError> {
        self.prefix_raw(keys::VALIDATOR_PREFIX, None)
            .map(|item| {
                let (_, value) = item?;
                borsh::from_slice(&value).map_err(|e| StakingError::Internal(format!("corrupt validator record: {e}")))
            })
            .collect()
    }

    /// Every delegation of `delegator`, in validator order.
    fn delegations_of(&self, delegator: &Address) -> Result<Vec<Delegation>, StakingError> {
        self.prefix_raw(&keys::delegations_of(delegator), None)
            .map(|item| {
                let (_, value) = item?;
                borsh::from_slice(&value).map_err(|e| StakingError::Internal(format!("corrupt delegation record: {e}")))
            })
            .collect()
    }

    /// Members of the active set with the power last sent for each, in operator order.
    fn last_powers(&self) -> Result<Vec<(Address, u64)>, StakingError> {
        let mut out = Vec::new();
        for item in self.prefix_raw(keys::LAST_POWER_PREFIX, None) {
            let (key, value) = item?;
            let [operator] = keys::addresses::<1>(&key[keys::LAST_POWER_PREFIX.len()..])
                .ok_or_else(|| StakingError::Internal("corrupt last-power key".into()))?;
            out.push((operator, decode_u64(&value)?));
        }
        Ok(out)
    }
}

impl<S: StateRead + ?Sized> StakingRead for S {}

pub(crate) fn decode_u64(bytes: &[u8]) -> Result<u64, StakingError> {
    Ok(u64::from_be_bytes(bytes.try_into().map_err(|_| StakingError::Internal("corrupt u64 record".into()))?))
}

/// The power-index key a validator has: only a validator that could be bonded (not jailed,
/// power above zero) is in the index.
pub(crate) fn power_index_key(validator: &Validator) -> Option<Vec<u8>> {
    (!validator.jailed && validator.power() > 0).then(|| keys::power_index(validator.power(), &validator.operator))
}

/// Record-level writes, private to staking.
pub(crate) trait StakingRecords: StateWrite + StakingRead + Sized {
    fn put_staking_params(&mut self, params: &Params) {
        self.put_proto(keys::PARAMS.to_vec(), &params.to_proto());
    }

    /// Stores a new validator and its consensus-address entry.
    fn create_validator_record(&mut self, validator: &Validator) -> Result<(), StakingError> {
        self.put_raw(keys::by_consensus(&validator.consensus_address()), validator.operator.as_bytes().to_vec());
        self.store_validator(validator, None)
    }

    /// Stores `validator`, whose power-index key was `indexed_before` (from
    /// [`power_index_key`] on the record as loaded): the index follows power and jailing,
    /// and any change of it marks the active set for recomputation at the end of the block.
    fn store_validator(&mut self, validator: &Validator, indexed_before: Option<Vec<u8>>) -> Result<(), StakingError> {
        let indexed_now = power_index_key(validator);
        if indexed_before != indexed_now {
            if let Some(old) = indexed_before {
                self.delete(old);
            }
            if let Some(new) = indexed_now {
                self.put_raw(new, Vec::new());
            }
            self.put_raw(keys::SET_CHANGED.to_vec(), Vec::new());
        }
        Ok(self.put_borsh(keys::validator(&validator.operator), validator)?)
    }

    /// Deletes a validator that has no shares left and is unbonded. `indexed_before` is the
    /// power-index key of the record as loaded (its tokens may have changed since).
    fn remove_validator_record(&mut self, validator: &Validator, indexed_before: Option<Vec<u8>>) {
        for key in [indexed_before, power_index_key(validator)].into_iter().flatten() {
            self.delete(key);
            self.put_raw(keys::SET_CHANGED.to_vec(), Vec::new());
        }
        self.delete(keys::by_consensus(&validator.consensus_address()));
        self.delete(keys::validator(&validator.operator));
    }

    /// Stores a delegation, or deletes it once it has no shares.
    fn store_delegation(&mut self, delegation: &Delegation) -> Result<(), StakingError> {
        let key = keys::delegation(&delegation.delegator, &delegation.validator);
        let by_validator = keys::delegation_by_validator(&delegation.validator, &delegation.delegator);
        if delegation.shares.is_zero() {
            self.delete(key);
            self.delete(by_validator);
            return Ok(());
        }
        self.put_raw(by_validator, Vec::new());
        Ok(self.put_borsh(key, delegation)?)
    }

    /// Stores an unbonding delegation, or deletes it once it has no entries.
    fn store_unbonding(&mut self, ubd: &UnbondingDelegation) -> Result<(), StakingError> {
        let key = keys::unbonding(&ubd.delegator, &ubd.validator);
        let by_validator = keys::unbonding_by_validator(&ubd.validator, &ubd.delegator);
        let before = self.unbonding_delegation(&ubd.delegator, &ubd.validator)?;
        let heights = |entries: &[UnbondingEntry]| entries.iter().map(|e| e.creation_height).collect::<BTreeSet<u64>>();
        let (old, new) = (before.map(|b| heights(&b.entries)).unwrap_or_default(), heights(&ubd.entries));
        for height in old.difference(&new) {
            self.delete(keys::unbonding_by_height(&ubd.validator, *height, &ubd.delegator));
        }
        for height in new.difference(&old) {
            self.put_raw(keys::unbonding_by_height(&ubd.validator, *height, &ubd.delegator), Vec::new());
        }
        if ubd.entries.is_empty() {
            self.delete(key);
            self.delete(by_validator);
            return Ok(());
        }
        self.put_raw(by_validator, Vec::new());
        Ok(self.put_borsh(key, ubd)?)
    }

    /// Stores a redelegation, or deletes it once it has no entries.
    fn store_redelegation(&mut self, red: &Redelegation) -> Result<(), StakingError> {
        let key = keys::redelegation(&red.delegator, &red.src, &red.dst);
        let by_src = keys::redelegation_by_src(&red.src, &red.delegator, &red.dst);
        let by_dst = keys::redelegation_by_dst(&red.dst, &red.delegator, &red.src);
        let before = self.redelegation(&red.delegator, &red.src, &red.dst)?;
        let heights = |entries: &[RedelegationEntry]| entries.iter().map(|e| e.creation_height).collect::<BTreeSet<u64>>();
        let (old, new) = (before.map(|b| heights(&b.entries)).unwrap_or_default(), heights(&red.entries));
        for height in old.difference(&new) {
            self.delete(keys::redelegation_by_height(&red.src, *height, &red.delegator, &red.dst));
        }
        for height in new.difference(&old) {
            self.put_raw(keys::redelegation_by_height(&red.src, *height, &red.delegator, &red.dst), Vec::new());
        }
        if red.entries.is_empty() {
            self.delete(key);
            self.delete(by_src);
            self.delete(by_dst);
            return Ok(());
        }
        self.put_raw(by_src, Vec::new());
        self.put_raw(by_dst, Vec::new());
        Ok(self.put_borsh(key, red)?)
    }

    fn next_unbonding_id(&mut self) -> Result<u64, StakingError> {
        let id = self.get_raw(keys::NEXT_UNBONDING_ID)?.map(|b| decode_u64(&b)).transpose()?.unwrap_or(1);
        self.put_raw(keys::NEXT_UNBONDING_ID.to_vec(), id.saturating_add(1).to_be_bytes().to_vec());
        Ok(id)
    }

    fn set_last_power(&mut self, operator: &Address, power: Option<u64>) {
        match power {
            Some(power) => self.put_raw(keys::last_power(operator), power.to_be_bytes().to_vec()),
            None => self.delete(keys::last_power(operator)),
        }
    }

    fn set_last_total_power(&mut self, power: u64) {
        self.put_raw(keys::LAST_TOTAL_POWER.to_vec(), power.to_be_bytes().to_vec());
    }
}

impl<S: StateWrite + StakingRead + Sized> StakingRecords for S {}
