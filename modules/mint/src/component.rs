//! `mint` as a component: inflation at the start of every block, `MsgUpdateParams`, the
//! `cosmos.mint.v1beta1.Query` service and genesis.

use agora_component::{Authority, Component, ComponentMsg, ModuleAccount, Wiring};
use agora_store::{StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::Any;

use crate::keepers::{BankKeeper, StakingKeeper};
use crate::msg::{MintMsg, MESSAGE_TYPES};
use crate::state::MintRecords;
use crate::{GenesisState, MINT_MODULE};

pub struct MintComponent {
    bank: Box<dyn BankKeeper>,
    staking: Box<dyn StakingKeeper>,
    authority: Authority,
}

impl MintComponent {
    pub fn new(bank: impl BankKeeper + 'static, staking: impl StakingKeeper + 'static) -> Self {
        Self { bank: Box::new(bank), staking: Box::new(staking), authority: Authority::default() }
    }
}

impl ComponentMsg for MintMsg {
    fn type_url(&self) -> &str {
        MintMsg::type_url(self)
    }

    fn module(&self) -> &'static str {
        "mint"
    }

    fn signers(&self) -> Vec<Address> {
        MintMsg::signers(self)
    }
}

impl Component for MintComponent {
    type Msg = MintMsg;
    type Genesis = GenesisState;

    fn name(&self) -> &'static str {
        "mint"
    }

    fn module_accounts(&self) -> Vec<ModuleAccount> {
        vec![ModuleAccount::new(MINT_MODULE).minter()]
    }

    fn wire(&mut self, wiring: &Wiring) {
        self.authority = wiring.authority;
    }

    fn validate_genesis(&self, genesis: &GenesisState) -> Result<(), String> {
        genesis.validate().map_err(|e| e.to_string())
    }

    fn init_genesis(&self, state: &mut dyn StateWrite, genesis: &GenesisState) -> Result<(), String> {
        genesis.apply(state).map_err(|e| e.to_string())
    }

    fn export_genesis(&self, state: &dyn StateRead, _height: u64) -> Result<GenesisState, String> {
        GenesisState::export(state).map_err(|e| e.to_string())
    }

    fn begin_block(&self, state: &mut dyn StateWrite, _ctx: &BlockContext) -> Result<Vec<Event>, TxError> {
        crate::block::begin_block(state, self.bank.as_ref(), self.staking.as_ref()).map_err(|e| e.to_tx_error())
    }

    fn message_types(&self) -> &'static [&'static str] {
        MESSAGE_TYPES
    }

    fn decode_msg(&self, any: &Any) -> Result<MintMsg, TxError> {
        MintMsg::decode(any).map_err(|e| e.to_tx_error())
    }

    fn execute(&self, state: &mut dyn StateWrite, _ctx: &BlockContext, msg: &MintMsg) -> Result<Vec<Event>, TxError> {
        match msg {
            MintMsg::UpdateParams { authority, params } => {
                self.authority.check(authority)?;
                params.validate().map_err(|e| e.to_tx_error())?;
                state.put_mint_params(params);
                Ok(Vec::new())
            }
        }
    }

    fn query_services(&self) -> &'static [&'static str] {
        &[crate::query::SERVICE]
    }

    fn query(&self, state: &dyn StateRead, _height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(state, path, data)
    }

    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        crate::invariant::check(state)
    }
}
