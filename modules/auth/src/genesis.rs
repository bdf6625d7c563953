//! `auth` genesis: parameters and accounts that exist from the first block.

use agora_store::StateWrite;
use agora_types::Address;
use serde::{Deserialize, Serialize};

use crate::{AuthError, AuthWrite, Params, FEE_COLLECTOR};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    /// Accounts created at genesis, numbered in this order (accounts that only receive a
    /// genesis balance are created by `bank` after these).
    #[serde(default)]
    pub accounts: Vec<Address>,
}

impl GenesisState {
    pub fn validate(&self) -> Result<(), AuthError> {
        self.params.validate()?;
        let mut seen = std::collections::BTreeSet::new();
        for (i, address) in self.accounts.iter().enumerate() {
            if !seen.insert(*address) {
                return Err(AuthError::InvalidGenesis(format!("auth.accounts[{i}]: duplicate account {address}")));
            }
        }
        Ok(())
    }

    /// Writes the genesis state; the fee collector module account always exists.
    pub fn apply<S: StateWrite>(&self, state: &mut S) -> Result<(), AuthError> {
        self.validate()?;
        state.put_auth_params(&self.params);
        state.ensure_module_account(FEE_COLLECTOR, &[])?;
        for address in &self.accounts {
            state.ensure_account(*address)?;
        }
        Ok(())
    }
}
