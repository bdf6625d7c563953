//! `auth` genesis: parameters and the accounts that exist from the first block. An account is
//! either a bare address (numbered in order, after any numbered ones) or a whole exported
//! record (number, sequence, public key, module), as `export_genesis` writes it.

use agora_store::{StateRead, StateWrite};
use agora_types::Address;
use cosmos_sdk_proto::Any;
use serde::{Deserialize, Serialize};

use crate::state::keys;
use crate::{Account, AuthError, AuthRead, AuthWrite, Params, FEE_COLLECTOR};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    /// Accounts created at genesis. Bare addresses are numbered in this order after the
    /// exported records (accounts that only receive a genesis balance are created by `bank`
    /// after these).
    #[serde(default)]
    pub accounts: Vec<GenesisAccount>,
    /// The number the next new account gets (exported; at least one above every record's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_account_number: Option<u64>,
}

/// An account in genesis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum GenesisAccount {
    Address(Address),
    Record(AccountRecord),
}

/// A whole account, as exported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRecord {
    pub address: Address,
    pub account_number: u64,
    pub sequence: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pub_key: Option<PubKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<ModuleRecord>,
}

/// A public key as its Cosmos `Any`: the type URL and the key message's bytes in hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PubKey {
    pub type_url: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleRecord {
    pub name: String,
    #[serde(default)]
    pub permissions: Vec<String>,
}

impl GenesisAccount {
    pub fn address(&self) -> Address {
        match self {
            Self::Address(address) => *address,
            Self::Record(record) => record.address,
        }
    }
}

impl AccountRecord {
    fn from_account(account: Account) -> Self {
        Self {
            address: account.address,
            account_number: account.account_number,
            sequence: account.sequence,
            pub_key: account.pub_key.map(|any| PubKey { type_url: any.type_url, value: hex::encode(any.value) }),
            module: account.module.map(|(name, permissions)| ModuleRecord { name, permissions }),
        }
    }

    fn to_account(&self, field: &str) -> Result<Account, AuthError> {
        let pub_key = match &self.pub_key {
            Some(key) => Some(Any {
                type_url: key.type_url.clone(),
                value: hex::decode(&key.value).map_err(|e| AuthError::InvalidGenesis(format!("{field}.pub_key.value: {e}")))?,
            }),
            None => None,
        };
        Ok(Account {
            address: self.address,
            pub_key,
            account_number: self.account_number,
            sequence: self.sequence,
            module: self.module.as_ref().map(|m| (m.name.clone(), m.permissions.clone())),
        })
    }
}

impl GenesisState {
    pub fn validate(&self) -> Result<(), AuthError> {
        self.params.validate()?;
        let mut addresses = std::collections::BTreeSet::new();
        let mut numbers = std::collections::BTreeSet::new();
        for (i, account) in self.accounts.iter().enumerate() {
            if !addresses.insert(account.address()) {
                return Err(AuthError::InvalidGenesis(format!("auth.accounts[{i}]: duplicate account {}", account.address())));
            }
            if let GenesisAccount::Record(record) = account {
                if !numbers.insert(record.account_number) {
                    return Err(AuthError::InvalidGenesis(format!(
                        "auth.accounts[{i}]: account number {} used twice",
                        record.account_number
                    )));
                }
                if let Some(next) = self.next_account_number {
                    if record.account_number >= next {
                        return Err(AuthError::InvalidGenesis(format!(
                            "auth.accounts[{i}]: account number {} is not below next_account_number {next}",
                            record.account_number
                        )));
                    }
                }
                record.to_account(&format!("auth.accounts[{i}]"))?;
            }
        }
        Ok(())
    }

    /// Writes the genesis state: the exported records with their numbers, then the bare
    /// addresses with the next numbers; the fee collector module account always exists.
    pub fn apply<S: StateWrite>(&self, state: &mut S) -> Result<(), AuthError> {
        self.validate()?;
        state.put_auth_params(&self.params);
        let mut next = 0u64;
        for (i, account) in self.accounts.iter().enumerate() {
            if let GenesisAccount::Record(record) = account {
                state.put_new_account(&record.to_account(&format!("auth.accounts[{i}]"))?);
                next = next.max(record.account_number.saturating_add(1));
            }
        }
        let next = self.next_account_number.unwrap_or(0).max(next);
        state.put_raw(keys::NEXT_ACCOUNT_NUMBER.to_vec(), next.to_be_bytes().to_vec());
        state.ensure_module_account(FEE_COLLECTOR, &[])?;
        for account in &self.accounts {
            if let GenesisAccount::Address(address) = account {
                state.ensure_account(*address)?;
            }
        }
        Ok(())
    }

    /// Every account and the parameters, as `apply` takes them back.
    pub fn export<S: StateRead + ?Sized>(state: &S) -> Result<Self, AuthError> {
        let mut accounts = Vec::new();
        for item in state.prefix_raw(keys::ACCOUNTS_PREFIX, None) {
            let (key, _) = item?;
            let address = Address::from_slice(&key[keys::ACCOUNTS_PREFIX.len()..])
                .map_err(|_| AuthError::Internal("corrupt account key".into()))?;
            let account = state.account(&address)?.ok_or_else(|| AuthError::Internal(format!("account {address} vanished")))?;
            accounts.push(GenesisAccount::Record(AccountRecord::from_account(account)));
        }
        // Exported in account-number order, so that reading the file is reading the chain's history.
        accounts.sort_by_key(|account| match account {
            GenesisAccount::Record(record) => record.account_number,
            GenesisAccount::Address(_) => u64::MAX,
        });
        Ok(Self { params: state.auth_params()?, accounts, next_account_number: Some(state.next_account_number()?) })
    }
}
