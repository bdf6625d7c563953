//! `genutil`: the genesis transactions (gentxs) a new chain's validators signed, each a
//! `MsgCreateValidator` of a funded genesis account, signed with account number 0 as the
//! Cosmos SDK's are. The section is `app_state.genutil.gen_txs`, each the base64 of the
//! signed `TxRaw`; `InitChain` delivers them through the transaction pipeline (signatures
//! checked) after every other section is written and before staking picks the validator set.

use agora_component::{Component, NoMessages};
use agora_store::{StateRead, StateWrite};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// The only message a gentx may carry.
pub const GENTX_MESSAGE: &str = "/cosmos.staking.v1beta1.MsgCreateValidator";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub gen_txs: Vec<String>,
}

impl GenesisState {
    /// The signed transactions, decoded from base64; the error names the entry.
    pub fn transactions(&self) -> Result<Vec<Vec<u8>>, String> {
        self.gen_txs
            .iter()
            .enumerate()
            .map(|(i, text)| {
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .map_err(|e| format!("genutil.gen_txs[{i}] is not base64: {e}"))
            })
            .collect()
    }
}

/// Holds the section; the application delivers the transactions (it owns the pipeline).
#[derive(Default)]
pub struct GenutilComponent;

impl Component for GenutilComponent {
    type Msg = NoMessages;
    type Genesis = GenesisState;

    fn name(&self) -> &'static str {
        "genutil"
    }

    fn validate_genesis(&self, genesis: &GenesisState) -> Result<(), String> {
        genesis.transactions().map(|_| ())
    }

    fn init_genesis(&self, _state: &mut dyn StateWrite, _genesis: &GenesisState) -> Result<(), String> {
        Ok(())
    }

    /// Delivered at genesis and gone: an export's validators are in staking's section.
    fn export_genesis(&self, _state: &dyn StateRead, _height: u64) -> Result<GenesisState, String> {
        Ok(GenesisState::default())
    }
}
