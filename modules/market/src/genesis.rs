//! Market genesis: deployment and market parameters, and the module account holding bid
//! deposits.

use agora_store::StateWrite;
use serde::{Deserialize, Serialize};

use crate::params::{DeploymentParams, MarketParams};
use crate::state::MarketWrite;
use crate::MarketError;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentGenesis {
    #[serde(default)]
    pub params: DeploymentParams,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketGenesis {
    #[serde(default)]
    pub params: MarketParams,
}

/// Writes the deployment parameters.
pub fn init_deployment<S: StateWrite>(state: &mut S, genesis: &DeploymentGenesis) -> Result<(), MarketError> {
    genesis.params.validate()?;
    state.put_deployment_params(&genesis.params);
    Ok(())
}

/// Writes the market parameters.
pub fn init_market<S: StateWrite>(state: &mut S, genesis: &MarketGenesis) -> Result<(), MarketError> {
    genesis.params.validate()?;
    state.put_market_params(&genesis.params);
    Ok(())
}
