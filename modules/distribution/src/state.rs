//! Typed access to `distribution` state.

use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt};
use agora_types::Address;
use borsh::{BorshDeserialize, BorshSerialize};
use cosmos_sdk_proto::cosmos::distribution::v1beta1 as pb;

use crate::{DecCoins, DistributionError, Params};

pub mod keys {
    use agora_types::Address;

    pub const PARAMS: &[u8] = b"distribution/params";
    pub const VALIDATOR_PREFIX: &[u8] = b"distribution/validator/";
    pub const START_PREFIX: &[u8] = b"distribution/delegator_start/";
    pub const WITHDRAW_ADDR_PREFIX: &[u8] = b"distribution/withdraw_addr/";
    pub const COMMUNITY_REMAINDER: &[u8] = b"distribution/community_remainder";
    /// A validator's slashes, `validator ‖ infraction height ‖ ordinal`.
    pub const SLASH_PREFIX: &[u8] = b"distribution/slash/";
    /// How many slashes each validator has had (the ordinal of the next).
    pub const SLASH_COUNT_PREFIX: &[u8] = b"distribution/slash_count/";

    pub fn validator(operator: &Address) -> Vec<u8> {
        [VALIDATOR_PREFIX, operator.as_bytes()].concat()
    }

    pub fn start(delegator: &Address, validator: &Address) -> Vec<u8> {
        [START_PREFIX, delegator.as_bytes(), validator.as_bytes()].concat()
    }

    pub fn withdraw_addr(delegator: &Address) -> Vec<u8> {
        [WITHDRAW_ADDR_PREFIX, delegator.as_bytes()].concat()
    }

    pub fn slashes_of(validator: &Address) -> Vec<u8> {
        [SLASH_PREFIX, validator.as_bytes()].concat()
    }

    pub fn slash(validator: &Address, height: u64, ordinal: u64) -> Vec<u8> {
        [SLASH_PREFIX, validator.as_bytes(), &height.to_be_bytes(), &ordinal.to_be_bytes()].concat()
    }

    pub fn slash_count(validator: &Address) -> Vec<u8> {
        [SLASH_COUNT_PREFIX, validator.as_bytes()].concat()
    }
}

/// A validator's rewards: the cumulative reward per share of its delegators, what a block's
/// allocation could not spread exactly (carried to the next), its commission, and everything
/// not yet withdrawn (`outstanding`, held by the distribution module account).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct ValidatorRewards {
    pub index: DecCoins,
    pub carry: DecCoins,
    pub commission: DecCoins,
    pub outstanding: DecCoins,
}

pub trait DistributionRead: StateRead {
    fn distribution_params(&self) -> Result<Params, DistributionError> {
        match self.get_proto::<pb::Params>(keys::PARAMS)? {
            Some(proto) => Params::from_proto(&proto),
            None => Ok(Params::default()),
        }
    }

    fn validator_rewards(&self, operator: &Address) -> Result<Option<ValidatorRewards>, DistributionError> {
        Ok(self.get_borsh(&keys::validator(operator))?)
    }

    /// The index a delegation's rewards count from.
    fn delegation_start(&self, delegator: &Address, validator: &Address) -> Result<Option<DecCoins>, DistributionError> {
        Ok(self.get_borsh(&keys::start(delegator, validator))?)
    }

    /// Where `delegator`'s rewards are paid (itself unless it set another).
    fn withdraw_address(&self, delegator: &Address) -> Result<Address, DistributionError> {
        match self.get_raw(&keys::withdraw_addr(delegator))? {
            Some(bytes) => Address::from_slice(&bytes).map_err(|e| DistributionError::Internal(e.to_string())),
            None => Ok(*delegator),
        }
    }

    /// The community pool's part below one unit of each denom (the whole coins are in the
    /// `community_pool` account).
    fn community_remainder(&self) -> Result<DecCoins, DistributionError> {
        Ok(self.get_borsh(keys::COMMUNITY_REMAINDER)?.unwrap_or_default())
    }

    /// How many slashes `validator` has had.
    fn slash_count(&self, validator: &Address) -> Result<u64, DistributionError> {
        let bytes = self.get_raw(&keys::slash_count(validator))?;
        Ok(bytes.and_then(|b| b.try_into().ok()).map_or(0, u64::from_be_bytes))
    }
}

impl<S: StateRead + ?Sized> DistributionRead for S {}

pub(crate) trait DistributionRecords: StateWrite + DistributionRead + Sized {
    fn put_distribution_params(&mut self, params: &Params) {
        self.put_proto(keys::PARAMS.to_vec(), &params.to_proto());
    }

    fn put_validator_rewards(&mut self, operator: &Address, rewards: &ValidatorRewards) -> Result<(), DistributionError> {
        Ok(self.put_borsh(keys::validator(operator), rewards)?)
    }

    fn put_delegation_start(&mut self, delegator: &Address, validator: &Address, index: &DecCoins) -> Result<(), DistributionError> {
        Ok(self.put_borsh(keys::start(delegator, validator), index)?)
    }

    fn put_withdraw_address(&mut self, delegator: &Address, to: &Address) {
        if to == delegator {
            self.delete(keys::withdraw_addr(delegator));
        } else {
            self.put_raw(keys::withdraw_addr(delegator), to.as_bytes().to_vec());
        }
    }

    fn put_community_remainder(&mut self, remainder: &DecCoins) -> Result<(), DistributionError> {
        Ok(self.put_borsh(keys::COMMUNITY_REMAINDER.to_vec(), remainder)?)
    }
}

impl<S: StateWrite + DistributionRead + Sized> DistributionRecords for S {}
