//! `consensus` as a component: `MsgUpdateParams` and the `Params` query. The application
//! reports changed parameters to CometBFT after every component's `end_block`
//! ([`crate::ConsensusWrite::take_consensus_update`]).

use agora_component::{invalid_params, parse_authority, Authority, Component, ComponentMsg, Wiring};
use agora_store::{StateRead, StateWrite};
use agora_types::{Address, BlockContext, Event, TxError};
use crate::proto as pb;
use cosmos_sdk_proto::Any;
use prost::Message;
use tendermint_proto::v0_38::types::ConsensusParams;

use crate::state::{ConsensusRead, ConsensusWrite};

pub const MSG_UPDATE_PARAMS_URL: &str = "/cosmos.consensus.v1.MsgUpdateParams";
const QUERY_PARAMS: &str = "/cosmos.consensus.v1.Query/Params";

#[derive(Clone, Debug, PartialEq)]
pub enum ConsensusMsg {
    /// New block, evidence and validator parameters (and ABCI ones, if given).
    UpdateParams { authority: Address, update: pb::MsgUpdateParams },
}

impl ComponentMsg for ConsensusMsg {
    fn type_url(&self) -> &str {
        MSG_UPDATE_PARAMS_URL
    }

    fn module(&self) -> &'static str {
        "consensus"
    }

    fn signers(&self) -> Vec<Address> {
        match self {
            Self::UpdateParams { authority, .. } => vec![*authority],
        }
    }
}

/// The consensus section of genesis is `genesis.json`'s own `consensus_params`; this one is
/// empty, and exists so the section names every component.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsensusGenesis {}

#[derive(Debug, Default)]
pub struct ConsensusComponent {
    authority: Authority,
}

impl Component for ConsensusComponent {
    type Msg = ConsensusMsg;
    type Genesis = ConsensusGenesis;

    fn name(&self) -> &'static str {
        "consensus"
    }

    fn wire(&mut self, wiring: &Wiring) {
        self.authority = wiring.authority;
    }

    fn init_genesis(&self, state: &mut dyn StateWrite, _genesis: &ConsensusGenesis) -> Result<(), String> {
        // InitChain wrote CometBFT's parameters before any section; they must be valid.
        let params = state.consensus_params().map_err(|e| e.to_string())?.ok_or("InitChain carried no consensus parameters")?;
        crate::validate(&params).map_err(|e| format!("genesis.json consensus_params: {e}"))
    }

    /// The parameters go to the exported `genesis.json`'s own `consensus_params`
    /// (`agorad export` writes them there), not into this section.
    fn export_genesis(&self, _state: &dyn StateRead, _height: u64) -> Result<ConsensusGenesis, String> {
        Ok(ConsensusGenesis {})
    }

    fn message_types(&self) -> &'static [&'static str] {
        &[MSG_UPDATE_PARAMS_URL]
    }

    fn decode_msg(&self, any: &Any) -> Result<ConsensusMsg, TxError> {
        let update = pb::MsgUpdateParams::decode(any.value.as_slice())
            .map_err(|e| TxError::new("sdk", 2, format!("cannot decode {}: {e}", any.type_url)))?;
        let authority = parse_authority(&update.authority)?;
        Ok(ConsensusMsg::UpdateParams { authority, update })
    }

    fn execute(&self, state: &mut dyn StateWrite, _ctx: &BlockContext, msg: &ConsensusMsg) -> Result<Vec<Event>, TxError> {
        let ConsensusMsg::UpdateParams { authority, update } = msg;
        self.authority.check(authority)?;
        let current = state.consensus_params().map_err(TxError::internal)?.ok_or_else(|| TxError::internal("no consensus parameters in state"))?;
        let params = merged(&current, update).map_err(|e| invalid_params("consensus", e))?;
        crate::validate(&params).map_err(|e| invalid_params("consensus", e))?;
        state.update_consensus_params(&params);
        Ok(Vec::new())
    }

    fn query_services(&self) -> &'static [&'static str] {
        &["cosmos.consensus.v1.Query"]
    }

    fn query(&self, state: &dyn StateRead, _height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        if path != QUERY_PARAMS {
            return None;
        }
        Some(
            pb::QueryParamsRequest::decode(data)
                .map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))
                .and_then(|_| state.consensus_params().map_err(TxError::internal))
                .map(|params| pb::QueryParamsResponse { params }.encode_to_vec()),
        )
    }
}

/// The parameters after `update`: block, evidence and validator sections are required, as in
/// the Cosmos SDK; ABCI ones may be left out, and may not change (Agora uses no vote
/// extensions, and CometBFT forbids moving their height once reached).
fn merged(current: &ConsensusParams, update: &pb::MsgUpdateParams) -> Result<ConsensusParams, String> {
    let block = update.block.ok_or("block parameters are missing")?;
    let evidence = update.evidence.ok_or("evidence parameters are missing")?;
    let validator = update.validator.clone().ok_or("validator parameters are missing")?;
    if let Some(abci) = &update.abci {
        let current_height = current.abci.as_ref().map_or(0, |a| a.vote_extensions_enable_height);
        if abci.vote_extensions_enable_height != current_height {
            return Err(format!(
                "abci.vote_extensions_enable_height cannot change (it is {current_height}); leave abci out"
            ));
        }
    }
    Ok(ConsensusParams {
        block: Some(block),
        evidence: Some(evidence),
        validator: Some(validator),
        version: current.version,
        abci: current.abci,
    })
}
