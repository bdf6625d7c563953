//! `provider` genesis: only parameters; providers register by transaction.

use agora_store::StateWrite;
use serde::{Deserialize, Serialize};

use crate::state::ProviderStore;
use crate::{Params, ProviderError};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
}

impl GenesisState {
    pub fn validate(&self) -> Result<(), ProviderError> {
        self.params.validate().map_err(|e| match e {
            ProviderError::InvalidParams(msg) => ProviderError::InvalidGenesis(msg),
            other => other,
        })
    }

    /// Writes the params (auth creates the `provider` module account, which holds bonds).
    pub fn apply<S: StateWrite>(&self, state: &mut S) -> Result<(), ProviderError> {
        self.validate()?;
        state.put_provider_params(&self.params);
        Ok(())
    }
}
