//! `staking` genesis: parameters and, in an exported state, every validator, delegation,
//! unbonding delegation, redelegation and the last active set. The indexes (power, consensus
//! address, by validator) and the time queues are rebuilt from the records; the tokens
//! themselves are in bank's genesis, in the two pools. A new chain's validators come from
//! gentxs (`MsgCreateValidator`s delivered at genesis), so its staking section is usually
//! just the parameters.

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Dec, VALOPER_PREFIX};
use serde::{Deserialize, Serialize};

use crate::state::{keys, StakingRead, StakingRecords};
use crate::types::{
    consensus_address, BondStatus, CommissionRates, Delegation, Description, Redelegation, RedelegationEntry, TimeNanos,
    UnbondingDelegation, UnbondingEntry, Validator,
};
use crate::{Params, StakingError};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validators: Vec<GenesisValidator>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delegations: Vec<GenesisDelegation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unbonding_delegations: Vec<GenesisUnbonding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redelegations: Vec<GenesisRedelegation>,
    /// The active set as last sent to CometBFT.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub last_validator_powers: Vec<LastValidatorPower>,
}

/// A consensus key as the SDK writes it in JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PubKeyJson {
    #[serde(rename = "@type")]
    pub type_url: String,
    /// Base64 of the 32 key bytes.
    pub key: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisCommission {
    pub commission_rates: CommissionRates,
    pub update_time: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisValidator {
    pub operator_address: String,
    pub consensus_pubkey: PubKeyJson,
    pub jailed: bool,
    pub status: String,
    pub tokens: String,
    pub delegator_shares: Dec,
    pub description: Description,
    pub unbonding_height: u64,
    pub unbonding_time: String,
    pub commission: GenesisCommission,
    pub min_self_delegation: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisDelegation {
    pub delegator_address: String,
    pub validator_address: String,
    pub shares: Dec,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisUnbondingEntry {
    pub creation_height: u64,
    pub completion_time: String,
    pub initial_balance: String,
    pub balance: String,
    pub unbonding_id: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisUnbonding {
    pub delegator_address: String,
    pub validator_address: String,
    pub entries: Vec<GenesisUnbondingEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisRedelegationEntry {
    pub creation_height: u64,
    pub completion_time: String,
    pub initial_balance: String,
    pub shares_dst: Dec,
    pub unbonding_id: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisRedelegation {
    pub delegator_address: String,
    pub validator_src_address: String,
    pub validator_dst_address: String,
    pub entries: Vec<GenesisRedelegationEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LastValidatorPower {
    pub address: String,
    pub power: u64,
}

fn invalid(what: String) -> StakingError {
    StakingError::InvalidRequest(format!("staking genesis: {what}"))
}

fn account(field: &str, s: &str) -> Result<Address, StakingError> {
    s.parse().map_err(|e| invalid(format!("{field}: {e}")))
}

fn operator(field: &str, s: &str) -> Result<Address, StakingError> {
    Address::from_bech32_with(s, VALOPER_PREFIX).map_err(|e| invalid(format!("{field}: {e}")))
}

fn amount(field: &str, s: &str) -> Result<u128, StakingError> {
    s.parse().map_err(|_| invalid(format!("{field}: {s:?} is not an amount")))
}

fn time(field: &str, s: &str) -> Result<TimeNanos, StakingError> {
    let parsed = tendermint::Time::parse_from_rfc3339(s).map_err(|e| invalid(format!("{field}: {e}")))?;
    u64::try_from(parsed.unix_timestamp_nanos()).map_err(|_| invalid(format!("{field}: {s} is before 1970")))
}

fn time_string(nanos: TimeNanos) -> String {
    crate::event::rfc3339(nanos)
}

fn status_name(status: BondStatus) -> &'static str {
    match status {
        BondStatus::Unbonded => "BOND_STATUS_UNBONDED",
        BondStatus::Unbonding => "BOND_STATUS_UNBONDING",
        BondStatus::Bonded => "BOND_STATUS_BONDED",
    }
}

impl GenesisValidator {
    pub fn parse(&self, at: &str) -> Result<Validator, StakingError> {
        let field = |name: &str| format!("{at}.{name}");
        if self.consensus_pubkey.type_url != crate::types::ED25519_PUBKEY_URL {
            return Err(invalid(format!("{}: only {} is supported", field("consensus_pubkey"), crate::types::ED25519_PUBKEY_URL)));
        }
        use base64::Engine as _;
        let key = base64::engine::general_purpose::STANDARD
            .decode(&self.consensus_pubkey.key)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| invalid(format!("{}: not a base64 ed25519 key", field("consensus_pubkey.key"))))?;
        self.description.validate().map_err(|e| invalid(format!("{}: {e}", field("description"))))?;
        self.commission.commission_rates.validate().map_err(|e| invalid(format!("{}: {e}", field("commission"))))?;
        Ok(Validator {
            operator: operator(&field("operator_address"), &self.operator_address)?,
            consensus_key: key,
            jailed: self.jailed,
            status: BondStatus::from_name(&self.status).ok_or_else(|| invalid(format!("{}: unknown status {:?}", field("status"), self.status)))?,
            tokens: amount(&field("tokens"), &self.tokens)?,
            delegator_shares: self.delegator_shares,
            description: self.description.clone(),
            unbonding_height: self.unbonding_height,
            unbonding_time: time(&field("unbonding_time"), &self.unbonding_time)?,
            commission: self.commission.commission_rates,
            commission_update_time: time(&field("commission.update_time"), &self.commission.update_time)?,
            min_self_delegation: amount(&field("min_self_delegation"), &self.min_self_delegation)?,
        })
    }

    pub fn from_validator(v: &Validator, height: u64) -> Self {
        use base64::Engine as _;
        Self {
            operator_address: v.operator.to_bech32_with(VALOPER_PREFIX),
            consensus_pubkey: PubKeyJson {
                type_url: crate::types::ED25519_PUBKEY_URL.to_string(),
                key: base64::engine::general_purpose::STANDARD.encode(v.consensus_key),
            },
            jailed: v.jailed,
            status: status_name(v.status).to_string(),
            tokens: v.tokens.to_string(),
            delegator_shares: v.delegator_shares,
            description: v.description.clone(),
            unbonding_height: rebase(v.unbonding_height, height),
            unbonding_time: time_string(v.unbonding_time),
            commission: GenesisCommission { commission_rates: v.commission, update_time: time_string(v.commission_update_time) },
            min_self_delegation: v.min_self_delegation.to_string(),
        }
    }
}

/// A height of the exported chain as the new chain sees it: everything up to the export
/// happened "before block 1".
fn rebase(h: u64, height: u64) -> u64 {
    h.saturating_sub(height)
}

impl GenesisState {
    pub fn validate(&self) -> Result<(), StakingError> {
        self.params.validate()?;
        for (i, v) in self.validators.iter().enumerate() {
            v.parse(&format!("validators[{i}]"))?;
        }
        Ok(())
    }

    /// Writes the records and rebuilds the indexes and queues. Consistency between records
    /// (shares adding up, pools holding the tokens) is checked by the invariants after every
    /// section is written.
    pub fn apply(&self, mut state: &mut dyn StateWrite) -> Result<(), StakingError> {
        self.params.validate()?;
        state.put_staking_params(&self.params);
        let mut next_id = 1u64;
        for (i, v) in self.validators.iter().enumerate() {
            let validator = v.parse(&format!("validators[{i}]"))?;
            if state.validator(&validator.operator)?.is_some() {
                return Err(invalid(format!("validators[{i}]: operator {} appears twice", v.operator_address)));
            }
            if state.validator_by_consensus(&consensus_address(&validator.consensus_key))?.is_some() {
                return Err(invalid(format!("validators[{i}]: its consensus key is another validator's")));
            }
            state.create_validator_record(&validator)?;
            if validator.status == BondStatus::Unbonding {
                keys::VALIDATOR_QUEUE.insert(&mut state, validator.unbonding_time, validator.operator.as_bytes())?;
            }
        }
        for (i, d) in self.delegations.iter().enumerate() {
            let at = format!("delegations[{i}]");
            let delegation = Delegation {
                delegator: account(&format!("{at}.delegator_address"), &d.delegator_address)?,
                validator: operator(&format!("{at}.validator_address"), &d.validator_address)?,
                shares: d.shares,
            };
            if state.validator(&delegation.validator)?.is_none() {
                return Err(invalid(format!("{at}: validator {} does not exist", d.validator_address)));
            }
            if delegation.shares.is_zero() || state.delegation(&delegation.delegator, &delegation.validator)?.is_some() {
                return Err(invalid(format!("{at}: zero shares or a duplicate delegation")));
            }
            state.store_delegation(&delegation)?;
        }
        for (i, u) in self.unbonding_delegations.iter().enumerate() {
            let at = format!("unbonding_delegations[{i}]");
            let mut ubd = UnbondingDelegation {
                delegator: account(&format!("{at}.delegator_address"), &u.delegator_address)?,
                validator: operator(&format!("{at}.validator_address"), &u.validator_address)?,
                entries: Vec::new(),
            };
            for (j, e) in u.entries.iter().enumerate() {
                let at = format!("{at}.entries[{j}]");
                let entry = UnbondingEntry {
                    creation_height: e.creation_height,
                    completion_time: time(&format!("{at}.completion_time"), &e.completion_time)?,
                    initial_balance: amount(&format!("{at}.initial_balance"), &e.initial_balance)?,
                    balance: amount(&format!("{at}.balance"), &e.balance)?,
                    unbonding_id: e.unbonding_id,
                };
                next_id = next_id.max(entry.unbonding_id.saturating_add(1));
                let id = [ubd.delegator.as_bytes().as_slice(), ubd.validator.as_bytes()].concat();
                keys::UNBONDING_QUEUE.insert(&mut state, entry.completion_time, &id)?;
                ubd.entries.push(entry);
            }
            if ubd.entries.is_empty() || state.unbonding_delegation(&ubd.delegator, &ubd.validator)?.is_some() {
                return Err(invalid(format!("{at}: no entries, or a duplicate pair")));
            }
            state.store_unbonding(&ubd)?;
        }
        for (i, r) in self.redelegations.iter().enumerate() {
            let at = format!("redelegations[{i}]");
            let mut red = Redelegation {
                delegator: account(&format!("{at}.delegator_address"), &r.delegator_address)?,
                src: operator(&format!("{at}.validator_src_address"), &r.validator_src_address)?,
                dst: operator(&format!("{at}.validator_dst_address"), &r.validator_dst_address)?,
                entries: Vec::new(),
            };
            for (j, e) in r.entries.iter().enumerate() {
                let at = format!("{at}.entries[{j}]");
                let entry = RedelegationEntry {
                    creation_height: e.creation_height,
                    completion_time: time(&format!("{at}.completion_time"), &e.completion_time)?,
                    initial_balance: amount(&format!("{at}.initial_balance"), &e.initial_balance)?,
                    shares_dst: e.shares_dst,
                    unbonding_id: e.unbonding_id,
                };
                next_id = next_id.max(entry.unbonding_id.saturating_add(1));
                let id = [red.delegator.as_bytes().as_slice(), red.src.as_bytes(), red.dst.as_bytes()].concat();
                keys::REDELEGATION_QUEUE.insert(&mut state, entry.completion_time, &id)?;
                red.entries.push(entry);
            }
            if red.entries.is_empty() || red.src == red.dst || state.redelegation(&red.delegator, &red.src, &red.dst)?.is_some() {
                return Err(invalid(format!("{at}: no entries, the same validator twice, or a duplicate")));
            }
            state.store_redelegation(&red)?;
        }
        let mut total = 0u64;
        for (i, p) in self.last_validator_powers.iter().enumerate() {
            let at = format!("last_validator_powers[{i}]");
            let address = operator(&format!("{at}.address"), &p.address)?;
            let validator = state.validator(&address)?.ok_or_else(|| invalid(format!("{at}: validator {} does not exist", p.address)))?;
            if validator.status != BondStatus::Bonded || state.last_power(&address)?.is_some() {
                return Err(invalid(format!("{at}: validator {} is not bonded, or listed twice", p.address)));
            }
            state.set_last_power(&address, Some(p.power));
            total = total.saturating_add(p.power);
        }
        state.set_last_total_power(total);
        state.put_raw(keys::NEXT_UNBONDING_ID.to_vec(), next_id.to_be_bytes().to_vec());
        // The active set is recomputed (and returned to CometBFT) once every section is in.
        state.put_raw(keys::SET_CHANGED.to_vec(), Vec::new());
        Ok(())
    }

    /// Every record as of `height`, heights rebased for a chain whose block 1 follows it.
    pub fn export(state: &dyn StateRead, height: u64) -> Result<Self, StakingError> {
        let params = state.staking_params()?;
        let validators = state.all_validators()?;
        let mut genesis = GenesisState { params, ..Default::default() };
        for v in &validators {
            genesis.validators.push(GenesisValidator::from_validator(v, height));
        }
        for item in state.prefix_raw(keys::DELEGATION_PREFIX, None) {
            let (_, value) = item?;
            let d: Delegation = borsh::from_slice(&value).map_err(|e| StakingError::Internal(e.to_string()))?;
            genesis.delegations.push(GenesisDelegation {
                delegator_address: d.delegator.to_string(),
                validator_address: d.validator.to_bech32_with(VALOPER_PREFIX),
                shares: d.shares,
            });
        }
        for item in state.prefix_raw(keys::UNBONDING_PREFIX, None) {
            let (_, value) = item?;
            let u: UnbondingDelegation = borsh::from_slice(&value).map_err(|e| StakingError::Internal(e.to_string()))?;
            genesis.unbonding_delegations.push(GenesisUnbonding {
                delegator_address: u.delegator.to_string(),
                validator_address: u.validator.to_bech32_with(VALOPER_PREFIX),
                entries: u
                    .entries
                    .iter()
                    .map(|e| GenesisUnbondingEntry {
                        creation_height: rebase(e.creation_height, height),
                        completion_time: time_string(e.completion_time),
                        initial_balance: e.initial_balance.to_string(),
                        balance: e.balance.to_string(),
                        unbonding_id: e.unbonding_id,
                    })
                    .collect(),
            });
        }
        for item in state.prefix_raw(keys::REDELEGATION_PREFIX, None) {
            let (_, value) = item?;
            let r: Redelegation = borsh::from_slice(&value).map_err(|e| StakingError::Internal(e.to_string()))?;
            genesis.redelegations.push(GenesisRedelegation {
                delegator_address: r.delegator.to_string(),
                validator_src_address: r.src.to_bech32_with(VALOPER_PREFIX),
                validator_dst_address: r.dst.to_bech32_with(VALOPER_PREFIX),
                entries: r
                    .entries
                    .iter()
                    .map(|e| GenesisRedelegationEntry {
                        creation_height: rebase(e.creation_height, height),
                        completion_time: time_string(e.completion_time),
                        initial_balance: e.initial_balance.to_string(),
                        shares_dst: e.shares_dst,
                        unbonding_id: e.unbonding_id,
                    })
                    .collect(),
            });
        }
        for (address, power) in state.last_powers()? {
            genesis.last_validator_powers.push(LastValidatorPower { address: address.to_bech32_with(VALOPER_PREFIX), power });
        }
        Ok(genesis)
    }
}
