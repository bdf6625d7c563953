//! `incentive` as a component: the pool's funding and epochs at the start of every block,
//! `MsgClaimRewards` and `MsgUpdateParams`, the query service and genesis.

use agora_component::{invalid_params, Authority, Component, ComponentMsg, ModuleAccount, Wiring};
use agora_store::{StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::Any;

use crate::keepers::{BankKeeper, MarketKeeper, MintKeeper};
use crate::msg::{IncentiveMsg, MESSAGE_TYPES};
use crate::state::{IncentiveRead, IncentiveStore};
use crate::{GenesisState, MODULE_ACCOUNT};

pub struct IncentiveComponent {
    bank: Box<dyn BankKeeper>,
    mint: Box<dyn MintKeeper>,
    market: Box<dyn MarketKeeper>,
    authority: Authority,
}

impl IncentiveComponent {
    pub fn new(bank: impl BankKeeper + 'static, mint: impl MintKeeper + 'static, market: impl MarketKeeper + 'static) -> Self {
        Self { bank: Box::new(bank), mint: Box::new(mint), market: Box::new(market), authority: Authority::default() }
    }
}

impl ComponentMsg for IncentiveMsg {
    fn type_url(&self) -> &str {
        IncentiveMsg::type_url(self)
    }

    fn module(&self) -> &'static str {
        "incentive"
    }

    fn signers(&self) -> Vec<Address> {
        IncentiveMsg::signers(self)
    }
}

impl Component for IncentiveComponent {
    type Msg = IncentiveMsg;
    type Genesis = GenesisState;

    fn name(&self) -> &'static str {
        "incentive"
    }

    fn module_accounts(&self) -> Vec<ModuleAccount> {
        vec![ModuleAccount::new(MODULE_ACCOUNT)]
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

    /// Providers registered at genesis get their records (an imported export has them).
    fn finish_genesis(&self, state: &mut dyn StateWrite) -> Result<(), String> {
        let owners = self.market.provider_owners(&state).map_err(|e| e.to_string())?;
        for owner in owners {
            if state.position(&owner).map_err(|e| e.to_string())?.is_none() {
                crate::accrual::provider_changed(state, self.market.as_ref(), &owner, 0).map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }

    fn export_genesis(&self, state: &dyn StateRead, height: u64) -> Result<GenesisState, String> {
        GenesisState::export(state, height).map_err(|e| e.to_string())
    }

    fn begin_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext) -> Result<Vec<Event>, TxError> {
        crate::epoch::begin_block(state, self.bank.as_ref(), self.mint.as_ref(), ctx.height).map_err(|e| e.to_tx_error())
    }

    fn message_types(&self) -> &'static [&'static str] {
        MESSAGE_TYPES
    }

    fn decode_msg(&self, any: &Any) -> Result<IncentiveMsg, TxError> {
        IncentiveMsg::decode(any).map_err(|e| e.to_tx_error())
    }

    fn execute(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msg: &IncentiveMsg) -> Result<Vec<Event>, TxError> {
        match msg {
            IncentiveMsg::ClaimRewards { provider } => {
                crate::accrual::claim(state, self.bank.as_ref(), provider, ctx.height)
                    .map(|(_, events)| events)
                    .map_err(|e| e.to_tx_error())
            }
            IncentiveMsg::UpdateParams { authority, params } => {
                self.authority.check(authority)?;
                params.validate().map_err(|e| invalid_params("incentive", e))?;
                state.put_incentive_params(params);
                Ok(Vec::new())
            }
        }
    }

    fn query_services(&self) -> &'static [&'static str] {
        &[crate::query::SERVICE]
    }

    fn query(&self, state: &dyn StateRead, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(&state, height, path, data)
    }

    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        let height = state.current_epoch().ok().flatten().map_or(0, |e| e.start_height);
        crate::invariant::check(state, self.bank.as_ref(), height).map_err(|e| e.to_string())
    }
}
