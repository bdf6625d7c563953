//! `distribution` genesis: parameters and, in an exported state, the community pool's
//! remainder, withdraw addresses, every validator's rewards and every delegation's start.

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, VALOPER_PREFIX};
use serde::{Deserialize, Serialize};

use crate::state::{keys, DistributionRead, DistributionRecords, ValidatorRewards};
use crate::{DecCoins, DistributionError, Params};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    #[serde(default)]
    pub community_remainder: DecCoins,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withdraw_addresses: Vec<(Address, Address)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validators: Vec<GenesisValidatorRewards>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delegation_starts: Vec<GenesisDelegationStart>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisValidatorRewards {
    pub validator_address: String,
    pub index: DecCoins,
    pub carry: DecCoins,
    pub commission: DecCoins,
    pub outstanding: DecCoins,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisDelegationStart {
    pub delegator_address: Address,
    pub validator_address: String,
    pub index: DecCoins,
}

fn operator(field: String, value: &str) -> Result<Address, DistributionError> {
    Address::from_bech32_with(value, VALOPER_PREFIX).map_err(|e| DistributionError::InvalidRequest(format!("{field}: {e}")))
}

impl GenesisState {
    pub fn validate(&self) -> Result<(), DistributionError> {
        self.params.validate()?;
        for (i, v) in self.validators.iter().enumerate() {
            operator(format!("distribution.validators[{i}].validator_address"), &v.validator_address)?;
        }
        for (i, d) in self.delegation_starts.iter().enumerate() {
            operator(format!("distribution.delegation_starts[{i}].validator_address"), &d.validator_address)?;
        }
        Ok(())
    }

    pub fn apply(&self, mut state: &mut dyn StateWrite) -> Result<(), DistributionError> {
        self.validate()?;
        state.put_distribution_params(&self.params);
        state.put_community_remainder(&self.community_remainder)?;
        for (delegator, to) in &self.withdraw_addresses {
            state.put_withdraw_address(delegator, to);
        }
        for (i, v) in self.validators.iter().enumerate() {
            let address = operator(format!("distribution.validators[{i}].validator_address"), &v.validator_address)?;
            let rewards = ValidatorRewards { index: v.index.clone(), carry: v.carry.clone(), commission: v.commission.clone(), outstanding: v.outstanding.clone() };
            state.put_validator_rewards(&address, &rewards)?;
        }
        for (i, d) in self.delegation_starts.iter().enumerate() {
            let validator = operator(format!("distribution.delegation_starts[{i}].validator_address"), &d.validator_address)?;
            state.put_delegation_start(&d.delegator_address, &validator, &d.index)?;
        }
        Ok(())
    }

    pub fn export(state: &dyn StateRead) -> Result<Self, DistributionError> {
        let mut genesis = GenesisState { params: state.distribution_params()?, community_remainder: state.community_remainder()?, ..Default::default() };
        for item in state.prefix_raw(keys::WITHDRAW_ADDR_PREFIX, None) {
            let (key, value) = item?;
            let delegator = Address::from_slice(&key[keys::WITHDRAW_ADDR_PREFIX.len()..]).map_err(|e| DistributionError::Internal(e.to_string()))?;
            let to = Address::from_slice(&value).map_err(|e| DistributionError::Internal(e.to_string()))?;
            genesis.withdraw_addresses.push((delegator, to));
        }
        for item in state.prefix_raw(keys::VALIDATOR_PREFIX, None) {
            let (key, value) = item?;
            let address = Address::from_slice(&key[keys::VALIDATOR_PREFIX.len()..]).map_err(|e| DistributionError::Internal(e.to_string()))?;
            let r: ValidatorRewards = borsh::from_slice(&value).map_err(|e| DistributionError::Internal(e.to_string()))?;
            genesis.validators.push(GenesisValidatorRewards {
                validator_address: address.to_bech32_with(VALOPER_PREFIX),
                index: r.index,
                carry: r.carry,
                commission: r.commission,
                outstanding: r.outstanding,
            });
        }
        for item in state.prefix_raw(keys::START_PREFIX, None) {
            let (key, value) = item?;
            let tail = &key[keys::START_PREFIX.len()..];
            let (delegator, validator) = (Address::from_slice(tail.get(..20).unwrap_or_default()), Address::from_slice(tail.get(20..).unwrap_or_default()));
            let (delegator, validator) = (delegator.map_err(|e| DistributionError::Internal(e.to_string()))?, validator.map_err(|e| DistributionError::Internal(e.to_string()))?);
            let index: DecCoins = borsh::from_slice(&value).map_err(|e| DistributionError::Internal(e.to_string()))?;
            genesis.delegation_starts.push(GenesisDelegationStart { delegator_address: delegator, validator_address: validator.to_bech32_with(VALOPER_PREFIX), index });
        }
        Ok(genesis)
    }
}
