//! `escrow` genesis: parameters, and the module accounts that hold escrowed funds and the take.

use agora_store::StateWrite;
use serde::{Deserialize, Serialize};

use crate::state::EscrowRecords;
use crate::{EscrowError, Params};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
}

impl GenesisState {
    pub fn validate(&self) -> Result<(), EscrowError> {
        self.params.validate()
    }

    pub fn apply<S: StateWrite>(&self, state: &mut S) -> Result<(), EscrowError> {
        self.validate()?;
        state.put_escrow_params(&self.params);
        Ok(())
    }
}
