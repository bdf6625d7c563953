//! `distribution` as a component: the allocation at the start of every block, its messages,
//! queries, genesis and the invariant that the distribution account holds exactly what the
//! validators' outstanding rewards and the community pool's remainder add up to.

use agora_component::{Authority, Component, ComponentMsg, ModuleAccount, Wiring};
use agora_store::{StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Event, TxError, VALOPER_PREFIX};
use cosmos_sdk_proto::Any;

use crate::keepers::{BankKeeper, StakingKeeper};
use crate::msg::{DistributionMsg, MESSAGE_TYPES};
use crate::state::{keys, DistributionRead, DistributionRecords, ValidatorRewards};
use crate::{rewards, DecCoins, DistributionError, GenesisState, COMMUNITY_POOL, DISTRIBUTION_MODULE};

pub struct DistributionComponent {
    bank: Box<dyn BankKeeper>,
    staking: Box<dyn StakingKeeper>,
    authority: Authority,
}

impl DistributionComponent {
    pub fn new(bank: impl BankKeeper + 'static, staking: impl StakingKeeper + 'static) -> Self {
        Self { bank: Box::new(bank), staking: Box::new(staking), authority: Authority::default() }
    }

    fn run(&self, mut state: &mut dyn StateWrite, msg: &DistributionMsg) -> Result<Vec<Event>, DistributionError> {
        let bank = self.bank.as_ref();
        match msg {
            DistributionMsg::SetWithdrawAddress { delegator, withdraw } => {
                if !state.distribution_params()?.withdraw_addr_enabled {
                    return Err(DistributionError::WithdrawAddrDisabled);
                }
                if bank.blocked(state, withdraw)? {
                    return Err(DistributionError::Blocked(withdraw.to_string()));
                }
                state.put_withdraw_address(delegator, withdraw);
                Ok(vec![Event::new("set_withdraw_address").attr("withdraw_address", withdraw)])
            }
            DistributionMsg::WithdrawDelegatorReward { delegator, validator } => {
                if self.staking.validator(state, validator)?.is_none() {
                    return Err(DistributionError::NoValidator(validator.to_bech32_with(VALOPER_PREFIX)));
                }
                Ok(rewards::withdraw_delegation(state, bank, self.staking.as_ref(), delegator, validator)?.1)
            }
            DistributionMsg::WithdrawValidatorCommission { operator } => {
                if self.staking.validator(state, operator)?.is_none() {
                    return Err(DistributionError::NoValidator(operator.to_bech32_with(VALOPER_PREFIX)));
                }
                Ok(rewards::withdraw_commission(state, bank, operator)?.1)
            }
            DistributionMsg::FundCommunityPool { depositor, amount } => bank.send_coins(state, depositor, &Address::module(COMMUNITY_POOL), amount),
            // The authority was checked by `execute`.
            DistributionMsg::CommunityPoolSpend { recipient, amount, .. } => {
                if bank.blocked(state, recipient)? {
                    return Err(DistributionError::Blocked(recipient.to_string()));
                }
                bank.send_coins(state, &Address::module(COMMUNITY_POOL), recipient, amount)
            }
            DistributionMsg::UpdateParams { params, .. } => {
                params.validate()?;
                state.put_distribution_params(params);
                Ok(Vec::new())
            }
        }
    }
}

impl ComponentMsg for DistributionMsg {
    fn type_url(&self) -> &str {
        DistributionMsg::type_url(self)
    }

    fn module(&self) -> &'static str {
        "distribution"
    }

    fn signers(&self) -> Vec<Address> {
        DistributionMsg::signers(self)
    }
}

impl Component for DistributionComponent {
    type Msg = DistributionMsg;
    type Genesis = GenesisState;

    fn name(&self) -> &'static str {
        "distribution"
    }

    /// The community pool receives through `MsgFundCommunityPool` (and the marketplace's
    /// take), never through plain bank sends.
    fn module_accounts(&self) -> Vec<ModuleAccount> {
        vec![ModuleAccount::new(DISTRIBUTION_MODULE), ModuleAccount::new(COMMUNITY_POOL)]
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

    fn begin_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext) -> Result<Vec<Event>, TxError> {
        Ok(crate::allocate::allocate(state, ctx, self.bank.as_ref(), self.staking.as_ref())?)
    }

    fn message_types(&self) -> &'static [&'static str] {
        MESSAGE_TYPES
    }

    fn decode_msg(&self, any: &Any) -> Result<DistributionMsg, TxError> {
        DistributionMsg::decode(any).map_err(|e| e.to_tx_error())
    }

    fn execute(&self, state: &mut dyn StateWrite, _ctx: &BlockContext, msg: &DistributionMsg) -> Result<Vec<Event>, TxError> {
        if let DistributionMsg::UpdateParams { authority, .. } | DistributionMsg::CommunityPoolSpend { authority, .. } = msg {
            self.authority.check(authority)?;
        }
        Ok(self.run(state, msg)?)
    }

    fn query_services(&self) -> &'static [&'static str] {
        &[crate::query::SERVICE]
    }

    fn query(&self, state: &dyn StateRead, _height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(state, self.bank.as_ref(), self.staking.as_ref(), path, data)
    }

    /// The distribution account holds exactly the validators' outstanding rewards plus the
    /// community pool's remainder; no outstanding reward is below the commission in it.
    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        let mut owed = state.community_remainder().map_err(|e| e.to_string())?;
        for item in state.prefix_raw(keys::VALIDATOR_PREFIX, None) {
            let (_, value) = item.map_err(|e| e.to_string())?;
            let rewards: ValidatorRewards = borsh::from_slice(&value).map_err(|e| e.to_string())?;
            for (denom, commission) in &rewards.commission.0 {
                if *commission > rewards.outstanding.get(denom) {
                    return Err(format!("a validator's commission {commission}{denom} exceeds its outstanding rewards"));
                }
            }
            owed.add(&rewards.outstanding).map_err(|e| e.to_string())?;
        }
        let held = DecCoins::from_coins(&self.bank.balances(state, &Address::module(DISTRIBUTION_MODULE)).map_err(|e| e.to_string())?);
        if held != owed {
            return Err(format!("the distribution account holds {held:?} but owes {owed:?}"));
        }
        Ok(())
    }
}
