//! `mint` genesis: the minter and the parameters, with decimals as decimal strings
//! (`"0.13"`; the SDK's `"0.130000000000000000"` reads the same). Nothing in it depends on
//! the height, so an export is the state as it is.

use agora_store::{StateRead, StateWrite};
use cosmos_sdk_proto::cosmos::mint::v1beta1 as pb;
use serde::{Deserialize, Serialize};

use crate::state::{MintRead, MintRecords};
use crate::{MintError, Minter, Params};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub minter: Minter,
    #[serde(default)]
    pub params: Params,
}

impl GenesisState {
    /// The parameters' rules (a minter is any pair of non-negative decimals, as in the SDK).
    pub fn validate(&self) -> Result<(), MintError> {
        self.params.validate()
    }

    pub fn apply<S: StateWrite + ?Sized>(&self, state: &mut S) -> Result<(), MintError> {
        self.validate()?;
        state.put_mint_params(&self.params);
        state.put_minter(&self.minter);
        Ok(())
    }

    pub fn export<S: StateRead + ?Sized>(state: &S) -> Result<Self, MintError> {
        Ok(Self { minter: state.minter()?, params: state.mint_params()? })
    }

    pub fn to_proto(&self) -> pb::GenesisState {
        pb::GenesisState { minter: Some(self.minter.to_proto()), params: Some(self.params.to_proto()) }
    }

    pub fn from_proto(proto: &pb::GenesisState) -> Result<Self, MintError> {
        Ok(Self {
            minter: proto.minter.as_ref().map(Minter::from_proto).transpose()?.unwrap_or_default(),
            params: proto.params.as_ref().map(Params::from_proto).transpose()?.unwrap_or_default(),
        })
    }
}
