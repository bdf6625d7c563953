//! Market genesis: deployment and market parameters, and the module account holding bid
//! deposits.

use agora_auth::AuthWrite;
use agora_store::StateWrite;
use serde::{Deserialize, Serialize};

use crate::params::{DeploymentParams, MarketParams};
use crate::state::MarketWrite;
use crate::{MarketError, MARKET_MODULE};

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

pub fn validate(deployment: &DeploymentGenesis, market: &MarketGenesis) -> Result<(), MarketError> {
    deployment.params.validate()?;
    market.params.validate()
}

pub fn apply<S: StateWrite>(state: &mut S, deployment: &DeploymentGenesis, market: &MarketGenesis) -> Result<(), MarketError> {
    validate(deployment, market)?;
    state.put_deployment_params(&deployment.params);
    state.put_market_params(&market.params);
    state.ensure_module_account(MARKET_MODULE, &[]).map_err(|e| MarketError::Internal(e.to_string()))?;
    Ok(())
}
