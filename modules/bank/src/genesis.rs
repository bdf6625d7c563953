//! `bank` genesis: parameters, initial balances (which define the supply) and denom metadata.

use std::collections::BTreeSet;

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coins};
use cosmos_sdk_proto::cosmos::bank::v1beta1 as pb;
use serde::{Deserialize, Serialize};

use crate::state::{keys, BankRecords};
use crate::BankRead;
use crate::{BankError, Params};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    #[serde(default)]
    pub balances: Vec<Balance>,
    /// If non-empty, must equal the sum of `balances` per denom (a cross-check for hand-edited files).
    #[serde(default)]
    pub supply: Coins,
    #[serde(default)]
    pub denom_metadata: Vec<DenomMetadata>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Balance {
    pub address: Address,
    pub coins: Coins,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DenomUnit {
    pub denom: String,
    pub exponent: u32,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Display information of a denom (`cosmos.bank.v1beta1.Metadata`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DenomMetadata {
    #[serde(default)]
    pub description: String,
    pub base: agora_types::Denom,
    pub display: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub symbol: String,
    pub denom_units: Vec<DenomUnit>,
}

impl DenomMetadata {
    pub fn to_proto(&self) -> pb::Metadata {
        pb::Metadata {
            description: self.description.clone(),
            denom_units: self
                .denom_units
                .iter()
                .map(|u| pb::DenomUnit { denom: u.denom.clone(), exponent: u.exponent, aliases: u.aliases.clone() })
                .collect(),
            base: self.base.to_string(),
            display: self.display.clone(),
            name: self.name.clone(),
            symbol: self.symbol.clone(),
            uri: String::new(),
            uri_hash: String::new(),
        }
    }
}

impl DenomMetadata {
    pub fn from_proto(proto: &pb::Metadata) -> Result<Self, BankError> {
        Ok(Self {
            description: proto.description.clone(),
            base: agora_types::Denom::new(&proto.base).map_err(|e| BankError::Internal(format!("denom metadata {:?}: {e}", proto.base)))?,
            display: proto.display.clone(),
            name: proto.name.clone(),
            symbol: proto.symbol.clone(),
            denom_units: proto
                .denom_units
                .iter()
                .map(|u| DenomUnit { denom: u.denom.clone(), exponent: u.exponent, aliases: u.aliases.clone() })
                .collect(),
        })
    }
}

impl GenesisState {
    /// Every balance, the supply, the metadata and the parameters, as `apply` takes them back.
    pub fn export<S: StateRead + ?Sized>(state: &S) -> Result<Self, BankError> {
        let mut balances: Vec<Balance> = Vec::new();
        for item in state.prefix_raw(keys::BALANCES_PREFIX, None) {
            let (key, value) = item?;
            let rest = &key[keys::BALANCES_PREFIX.len()..];
            let corrupt = || BankError::Internal("corrupt balance key".into());
            let address = Address::from_slice(rest.get(..20).ok_or_else(corrupt)?).map_err(|_| corrupt())?;
            let denom = std::str::from_utf8(rest.get(21..).ok_or_else(corrupt)?).ok().and_then(|d| agora_types::Denom::new(d).ok()).ok_or_else(corrupt)?;
            let amount = u128::from_be_bytes(value.as_slice().try_into().map_err(|_| corrupt())?);
            let coin = agora_types::Coin::new(denom, amount);
            // Keys are in address order, so one account's balances are consecutive.
            match balances.last_mut() {
                Some(last) if last.address == address => last.coins.add(&coin).map_err(|e| BankError::Internal(e.to_string()))?,
                _ => balances.push(Balance { address, coins: Coins::from_list(vec![coin]).map_err(|e| BankError::Internal(e.to_string()))? }),
            }
        }
        let mut denom_metadata = Vec::new();
        for item in state.prefix_raw(keys::DENOM_METADATA_PREFIX, None) {
            let (_, value) = item?;
            let proto = <pb::Metadata as prost::Message>::decode(value.as_slice()).map_err(|e| BankError::Internal(format!("corrupt denom metadata: {e}")))?;
            denom_metadata.push(DenomMetadata::from_proto(&proto)?);
        }
        Ok(Self { params: state.bank_params()?, balances, supply: state.total_supply()?, denom_metadata })
    }

    /// Checks the state and returns the supply it implies.
    pub fn validate(&self) -> Result<Coins, BankError> {
        let invalid = |msg: String| BankError::InvalidGenesis(msg);
        self.params.validate().map_err(|e| invalid(format!("bank.params: {e}")))?;
        let mut seen = BTreeSet::new();
        let mut supply = Coins::new();
        for (i, balance) in self.balances.iter().enumerate() {
            if !seen.insert(balance.address) {
                return Err(invalid(format!("bank.balances[{i}]: duplicate balance for {}", balance.address)));
            }
            for coin in balance.coins.iter() {
                supply.add(&coin).map_err(|e| invalid(format!("bank.balances[{i}]: {e}")))?;
            }
        }
        if !self.supply.is_empty() && self.supply != supply {
            return Err(invalid(format!("bank.supply is {} but balances add up to {supply}", self.supply)));
        }
        let mut bases = BTreeSet::new();
        for (i, meta) in self.denom_metadata.iter().enumerate() {
            if !bases.insert(meta.base.clone()) {
                return Err(invalid(format!("bank.denom_metadata[{i}]: duplicate metadata for {}", meta.base)));
            }
            if !meta.denom_units.iter().any(|u| u.denom == meta.base.as_str() && u.exponent == 0) {
                return Err(invalid(format!(
                    "bank.denom_metadata[{i}]: denom_units must contain the base denom {} with exponent 0",
                    meta.base
                )));
            }
            if !meta.denom_units.iter().any(|u| u.denom == meta.display) {
                return Err(invalid(format!(
                    "bank.denom_metadata[{i}]: display denom {:?} is not one of denom_units",
                    meta.display
                )));
            }
        }
        Ok(supply)
    }

    /// Adds `coins` to `address`'s genesis balance, creating the entry if needed; the supply
    /// cross-check is cleared, since it is recomputed from balances.
    pub fn add_balance(&mut self, address: Address, coins: &Coins) -> Result<(), BankError> {
        match self.balances.iter_mut().find(|b| b.address == address) {
            Some(existing) => {
                for coin in coins.iter() {
                    existing.coins.add(&coin).map_err(|e| BankError::InvalidGenesis(format!("{address}: {e}")))?;
                }
            }
            None => self.balances.push(Balance { address, coins: coins.clone() }),
        }
        self.supply = Coins::new();
        Ok(())
    }

    pub fn apply<S: StateWrite>(&self, state: &mut S) -> Result<(), BankError> {
        self.validate()?;
        state.put_bank_params(&self.params);
        for meta in &self.denom_metadata {
            state.put_denom_metadata(&meta.to_proto());
        }
        for balance in &self.balances {
            state.issue(&balance.address, &balance.coins)?;
        }
        Ok(())
    }
}
