//! The keepers each module declares for what it needs from others, implemented here over
//! those modules' own APIs. A module never names another's state traits; the application,
//! which knows every module, is where they meet (the Cosmos SDK's expected keepers, wired in
//! `app.go`).

use std::sync::Arc;

use agora_auth::{AuthError, FeeBank};
use agora_bank::{BankError, BankRead, BankWrite};
use crate::incentives::Incentives;
use agora_escrow::{query as escrow_query, AccountId, AccountState, EscrowError, EscrowRead, EscrowWrite, PaymentId};
use agora_market::{Allocation, Keepers, MarketError};
use agora_proto::base::v1::{Attribute, Resources};
use agora_proto::escrow::v1 as epb;
use agora_proto::provider::v1::Provider;
use agora_provider::{ProviderRead, ProviderWrite};
use agora_slashing::{SlashingError, ValidatorView};
use agora_staking::{StakingError, StakingHooks, StakingRead};
use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coin, Coins, Dec, Denom, Event};

/// Bank, as the ante handler and the market see it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Bank;

impl FeeBank for Bank {
    fn pay_fee<S: StateWrite>(&self, state: &mut S, payer: &Address, collector: &Address, fee: &Coins) -> Result<Vec<Event>, AuthError> {
        state.send_coins(payer, collector, fee).map_err(|e| match e {
            BankError::InsufficientFunds { available, needed } => {
                AuthError::InsufficientFunds(format!("{available} is smaller than {needed}: insufficient funds to pay the fee"))
            }
            other => AuthError::Internal(other.to_string()),
        })
    }
}

impl agora_market::BankKeeper for Bank {
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, MarketError> {
        Ok(state.send_coins(from, to, amount)?)
    }

    fn balances(&self, state: &dyn StateRead, address: &Address) -> Result<Coins, MarketError> {
        Ok(state.all_balances(address)?)
    }
}

impl agora_escrow::BankKeeper for Bank {
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, EscrowError> {
        Ok(state.send_coins(from, to, amount)?)
    }

    /// To the community pool, and from there the incentive pool's share; the provider is
    /// credited with the take its lease paid (its wash cap).
    fn collect_take(&self, state: &mut dyn StateWrite, from: &Address, provider: &Address, take: &Coins, height: u64) -> Result<Vec<Event>, EscrowError> {
        let community_pool = Address::module(agora_distribution::COMMUNITY_POOL);
        let mut events = state.send_coins(from, &community_pool, take)?;
        events.extend(
            crate::incentives::take_collected(state, &community_pool, provider, take, height).map_err(|e| EscrowError::Internal(format!("incentive: {e}")))?,
        );
        Ok(events)
    }

    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &Denom) -> Result<u128, EscrowError> {
        Ok(state.balance(address, denom)?)
    }
}

impl agora_staking::BankKeeper for Bank {
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, StakingError> {
        state.send_coins(from, to, amount).map_err(staking_error)
    }

    fn burn_coins(&self, state: &mut dyn StateWrite, module: &'static str, amount: &Coins) -> Result<Vec<Event>, StakingError> {
        state.burn_coins(module, amount).map_err(staking_error)
    }

    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &Denom) -> Result<u128, StakingError> {
        state.balance(address, denom).map_err(staking_error)
    }
}

/// A delegator short of tokens is told so (`sdk` 5); anything else bank refuses is not the
/// delegator's doing.
fn staking_error(error: BankError) -> StakingError {
    match error {
        BankError::InsufficientFunds { available, needed } => {
            StakingError::InsufficientFunds(format!("spendable balance {available} is smaller than {needed}"))
        }
        other => StakingError::Internal(other.to_string()),
    }
}

impl agora_provider::BankKeeper for Bank {
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, BankError> {
        state.send_coins(from, to, amount)
    }

    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &Denom) -> Result<u128, BankError> {
        state.balance(address, denom)
    }
}

/// The provider registry, as the market sees it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Providers;

impl agora_market::ProviderKeeper for Providers {
    fn provider(&self, state: &dyn StateRead, owner: &Address) -> Result<Option<Provider>, MarketError> {
        Ok(state.provider(owner)?)
    }

    fn audited_attributes(&self, state: &dyn StateRead, provider: &Address, auditor: &Address) -> Result<Vec<Attribute>, MarketError> {
        Ok(state.audited_attributes(provider, auditor)?)
    }

    fn allocate(&self, state: &mut dyn StateWrite, owner: &Address, resources: &Resources, height: u64) -> Result<Vec<Event>, MarketError> {
        state.allocate(owner, resources)?;
        incentive_error(agora_incentive::accrual::provider_changed(state, &Incentives, owner, height))
    }

    fn release(&self, state: &mut dyn StateWrite, owner: &Address, resources: &Resources, height: u64) -> Result<Vec<Event>, MarketError> {
        state.release(owner, resources)?;
        incentive_error(agora_incentive::accrual::provider_changed(state, &Incentives, owner, height))
    }

    fn bid_opened(&self, state: &mut dyn StateWrite, owner: &Address) -> Result<(), MarketError> {
        Ok(state.bid_opened(owner)?)
    }

    fn bid_closed(&self, state: &mut dyn StateWrite, owner: &Address) -> Result<(), MarketError> {
        Ok(state.bid_closed(owner)?)
    }

    fn allocations(&self, state: &dyn StateRead) -> Result<Vec<Allocation>, MarketError> {
        state
            .all_providers()?
            .into_iter()
            .map(|provider| {
                let owner = provider.owner.parse().map_err(|e| MarketError::Internal(format!("provider owner {:?}: {e}", provider.owner)))?;
                Ok(Allocation {
                    provider: owner,
                    capacity: provider.capacity.unwrap_or_default(),
                    allocated: provider.allocated.unwrap_or_default(),
                })
            })
            .collect()
    }
}

/// Escrow, as the market sees it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Escrow;

impl agora_market::EscrowKeeper for Escrow {
    fn open_account(&self, mut state: &mut dyn StateWrite, id: &AccountId, depositor: &Address, deposit: &Coin, height: u64) -> Result<Vec<Event>, MarketError> {
        Ok(state.open_account(&Bank, id, depositor, deposit, height)?)
    }

    fn deposit(&self, mut state: &mut dyn StateWrite, id: &AccountId, depositor: &Address, amount: &Coin, height: u64) -> Result<Vec<Event>, MarketError> {
        Ok(state.deposit(&Bank, id, depositor, amount, height)?)
    }

    fn is_funded(&self, state: &dyn StateRead, id: &AccountId) -> Result<bool, MarketError> {
        Ok(state.escrow_account(id)?.is_some_and(|account| account.state == AccountState::Open))
    }

    fn open_payment(&self, mut state: &mut dyn StateWrite, id: &AccountId, payment: &PaymentId, rate: Dec, height: u64) -> Result<Vec<Event>, MarketError> {
        let mut events = state.open_payment(id, payment, rate, height)?;
        events.extend(incentive_error(crate::incentives::payment_opened(state, id, payment, rate, height))?);
        Ok(events)
    }

    fn withdraw_payment(&self, mut state: &mut dyn StateWrite, id: &AccountId, payment: &PaymentId, height: u64) -> Result<Vec<Event>, MarketError> {
        Ok(state.withdraw_payment(&Bank, id, payment, height)?)
    }

    fn close_payment(&self, mut state: &mut dyn StateWrite, id: &AccountId, payment: &PaymentId, height: u64, overdrawn: bool) -> Result<Vec<Event>, MarketError> {
        // The last payout's take is credited first (it pays for blocks already accrued); then
        // the payment's rate stops counting for the provider's leased GPUs.
        let open = incentive_error(crate::incentives::open_payment(state, id, payment))?;
        let mut events = state.close_payment(&Bank, id, payment, height, overdrawn)?;
        if let Some((denom, rate)) = open {
            events.extend(incentive_error(agora_incentive::accrual::lease_rate_changed(
                state,
                &Incentives,
                &payment.provider,
                &denom,
                rate,
                false,
                height,
            ))?);
        }
        Ok(events)
    }

    fn close_account(&self, mut state: &mut dyn StateWrite, id: &AccountId, height: u64) -> Result<Vec<Event>, MarketError> {
        Ok(state.close_account(&Bank, id, height)?)
    }

    fn prune_payment(&self, mut state: &mut dyn StateWrite, id: &AccountId, payment: &PaymentId) -> Result<(), MarketError> {
        Ok(state.prune_payment(id, payment)?)
    }

    fn prune_account(&self, mut state: &mut dyn StateWrite, id: &AccountId) -> Result<(), MarketError> {
        Ok(state.prune_account(id)?)
    }

    fn settled_account(&self, state: &dyn StateRead, id: &AccountId, height: u64) -> Result<Option<epb::Account>, MarketError> {
        Ok(escrow_query::settled_account(&state, id, height)?)
    }

    fn settled_payment(&self, state: &dyn StateRead, id: &AccountId, payment: &PaymentId, height: u64) -> Result<Option<epb::Payment>, MarketError> {
        Ok(escrow_query::settled_payment(&state, id, payment, height)?)
    }
}

fn incentive_error<T>(result: Result<T, agora_incentive::IncentiveError>) -> Result<T, MarketError> {
    result.map_err(|e| MarketError::Internal(format!("incentive: {e}")))
}

/// The market's keepers.
pub fn market_keepers() -> Keepers {
    Keepers { bank: Arc::new(Bank), providers: Arc::new(Providers), escrow: Arc::new(Escrow) }
}

#[cfg(test)]
mod tests {
    use agora_proto::market::v1 as mpb;
    use agora_store::{EmptyState, StateDelta};
    use agora_types::Address;

    use super::*;

    /// A bid that already ended got its deposit back then: ending it again is refused and
    /// writes nothing (no second refund).
    #[test]
    fn an_ended_bid_cannot_be_ended_again() {
        let owner = Address::new([1; 20]);
        let id = agora_market::OrderId { owner, dseq: 1, gseq: 1, oseq: 1 }.bid(Address::new([2; 20]));
        for ended in [mpb::BidState::Closed, mpb::BidState::Lost] {
            let mut state = StateDelta::new(EmptyState);
            let mut bid = mpb::Bid { state: ended as i32, ..Default::default() };
            let error = agora_market::lifecycle::end_bid(&mut state, &market_keepers(), &id, &mut bid, mpb::BidState::Closed)
                .expect_err("already ended");
            assert!(matches!(error, MarketError::BidState { .. }), "{error}");
            assert!(state.into_changes().is_empty(), "nothing written");
        }
    }
}

/// What follows stake: slashing starts judging a validator's liveness when it is bonded.
#[derive(Clone, Copy, Debug, Default)]
pub struct AppStakingHooks;

impl StakingHooks for AppStakingHooks {
    fn after_validator_created(&self, state: &mut dyn StateWrite, validator: &agora_staking::Validator) -> Result<Vec<Event>, agora_types::TxError> {
        if agora_slashing::is_tombstoned(state, &validator.consensus_address())? {
            return Err(SlashingError::ValidatorJailed("its consensus key is tombstoned for double signing; use a new key".into()).into());
        }
        agora_distribution::validator_created(state, &validator.operator)?;
        Ok(Vec::new())
    }

    fn after_validator_bonded(&self, state: &mut dyn StateWrite, validator: &agora_staking::Validator, height: u64) -> Result<Vec<Event>, agora_types::TxError> {
        agora_slashing::validator_bonded(state, &validator.consensus_address(), height)?;
        Ok(Vec::new())
    }

    fn before_validator_removed(&self, state: &mut dyn StateWrite, validator: &agora_staking::Validator) -> Result<Vec<Event>, agora_types::TxError> {
        Ok(agora_distribution::before_validator_removed(state, &Bank, &validator.operator)?)
    }

    fn before_validator_slashed(&self, state: &mut dyn StateWrite, validator: &agora_staking::Validator, fraction: Dec, infraction_height: u64) -> Result<Vec<Event>, agora_types::TxError> {
        agora_distribution::validator_slashed(state, &validator.operator, infraction_height, fraction)?;
        Ok(Vec::new())
    }

    fn before_delegation_modified(&self, state: &mut dyn StateWrite, delegator: &Address, validator: &agora_staking::Validator) -> Result<Vec<Event>, agora_types::TxError> {
        Ok(agora_distribution::before_delegation_modified(state, &Bank, &Staking, delegator, &validator.operator)?)
    }

    fn after_delegation_modified(&self, state: &mut dyn StateWrite, delegator: &Address, validator: &agora_staking::Validator) -> Result<Vec<Event>, agora_types::TxError> {
        agora_distribution::after_delegation_modified(state, &Staking, delegator, &validator.operator)?;
        Ok(Vec::new())
    }
}

/// Staking, as slashing sees it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Staking;

fn slashing_error(error: StakingError) -> SlashingError {
    SlashingError::Internal(error.to_string())
}

fn validator_view(state: &dyn StateRead, validator: agora_staking::Validator) -> Result<ValidatorView, SlashingError> {
    let own = state.delegation(&validator.operator, &validator.operator).map_err(slashing_error)?;
    Ok(ValidatorView {
        operator: validator.operator,
        consensus_address: validator.consensus_address(),
        jailed: validator.jailed,
        unbonded: validator.status == agora_staking::BondStatus::Unbonded,
        self_delegation: own.map(|d| validator.tokens_for_shares(d.shares).floor().unwrap_or(u128::MAX)),
        min_self_delegation: validator.min_self_delegation,
    })
}

impl agora_slashing::StakingKeeper for Staking {
    fn validator_by_consensus(&self, state: &dyn StateRead, address: &agora_types::ConsensusAddress) -> Result<Option<ValidatorView>, SlashingError> {
        state.validator_by_consensus(address).map_err(slashing_error)?.map(|v| validator_view(state, v)).transpose()
    }

    fn validator(&self, state: &dyn StateRead, operator: &Address) -> Result<Option<ValidatorView>, SlashingError> {
        StakingRead::validator(state, operator).map_err(slashing_error)?.map(|v| validator_view(state, v)).transpose()
    }

    fn slash(
        &self,
        state: &mut dyn StateWrite,
        ctx: &agora_types::BlockContext,
        address: &agora_types::ConsensusAddress,
        infraction_height: u64,
        power: u64,
        fraction: Dec,
    ) -> Result<(Coin, Vec<Event>), agora_types::TxError> {
        let keeper = agora_staking::slash::StakingKeeper { bank: &Bank, hooks: &AppStakingHooks };
        keeper.slash(state, ctx, address, infraction_height, power, fraction)
    }

    fn jail(&self, state: &mut dyn StateWrite, address: &agora_types::ConsensusAddress) -> Result<(), SlashingError> {
        agora_staking::slash::StakingKeeper { bank: &Bank, hooks: &AppStakingHooks }.jail(state, address).map_err(slashing_error)
    }

    fn unjail(&self, state: &mut dyn StateWrite, operator: &Address) -> Result<(), SlashingError> {
        agora_staking::slash::StakingKeeper { bank: &Bank, hooks: &AppStakingHooks }.unjail(state, operator).map_err(slashing_error)
    }
}

/// The consensus parameters, as slashing reads the evidence age from them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Consensus;

impl agora_slashing::ConsensusKeeper for Consensus {
    fn evidence_max_age(&self, state: &dyn StateRead) -> Result<(u64, u64), SlashingError> {
        use agora_consensus::ConsensusRead;
        let params = state.consensus_params().map_err(|e| SlashingError::Internal(e.to_string()))?;
        let evidence = params.and_then(|p| p.evidence).ok_or_else(|| SlashingError::Internal("no evidence parameters in state".into()))?;
        let blocks = u64::try_from(evidence.max_age_num_blocks).unwrap_or(0);
        let nanos = evidence.max_age_duration.map_or(0, |d| {
            u64::try_from(d.seconds).unwrap_or(0).saturating_mul(1_000_000_000).saturating_add(u64::try_from(d.nanos).unwrap_or(0))
        });
        Ok((blocks, nanos))
    }
}

impl agora_mint::BankKeeper for Bank {
    fn mint_coins(&self, state: &mut dyn StateWrite, module: &'static str, amount: &Coins) -> Result<Vec<Event>, agora_mint::MintError> {
        state.mint_coins(module, amount).map_err(|e| agora_mint::MintError::Internal(e.to_string()))
    }

    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, agora_mint::MintError> {
        state.send_coins(from, to, amount).map_err(|e| agora_mint::MintError::Internal(e.to_string()))
    }

    fn supply_of(&self, state: &dyn StateRead, denom: &Denom) -> Result<u128, agora_mint::MintError> {
        state.supply_of(denom).map_err(|e| agora_mint::MintError::Internal(e.to_string()))
    }
}

impl agora_mint::StakingKeeper for Staking {
    /// What the bonded pool holds in the bond denom (the SDK's `TotalBondedTokens`).
    fn bonded_tokens(&self, state: &dyn StateRead) -> Result<u128, agora_mint::MintError> {
        let internal = |e: String| agora_mint::MintError::Internal(e);
        let denom = state.staking_params().map_err(|e| internal(e.to_string()))?.bond_denom;
        state.balance(&Address::module(agora_staking::BONDED_POOL), &denom).map_err(|e| internal(e.to_string()))
    }
}

fn distribution_error(error: impl std::fmt::Display) -> agora_distribution::DistributionError {
    agora_distribution::DistributionError::Internal(error.to_string())
}

impl agora_distribution::BankKeeper for Bank {
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, agora_distribution::DistributionError> {
        state.send_coins(from, to, amount).map_err(|e| match e {
            BankError::InsufficientFunds { available, needed } => {
                agora_distribution::DistributionError::InsufficientFunds(format!("spendable balance {available} is smaller than {needed}"))
            }
            other => distribution_error(other),
        })
    }

    fn balances(&self, state: &dyn StateRead, address: &Address) -> Result<Coins, agora_distribution::DistributionError> {
        state.all_balances(address).map_err(distribution_error)
    }

    /// A module account that did not declare it receives (bank's permission table).
    fn blocked(&self, state: &dyn StateRead, address: &Address) -> Result<bool, agora_distribution::DistributionError> {
        Ok(state.module_permissions(address).map_err(distribution_error)?.is_some_and(|p| !p.receive))
    }
}

fn validator_info(validator: agora_staking::Validator) -> agora_distribution::ValidatorInfo {
    agora_distribution::ValidatorInfo {
        operator: validator.operator,
        commission_rate: validator.commission.rate,
        delegator_shares: validator.delegator_shares,
    }
}

impl agora_distribution::StakingKeeper for Staking {
    fn validator(&self, state: &dyn StateRead, operator: &Address) -> Result<Option<agora_distribution::ValidatorInfo>, agora_distribution::DistributionError> {
        Ok(StakingRead::validator(state, operator).map_err(distribution_error)?.map(validator_info))
    }

    fn validator_by_consensus(&self, state: &dyn StateRead, address: &agora_types::ConsensusAddress) -> Result<Option<agora_distribution::ValidatorInfo>, agora_distribution::DistributionError> {
        Ok(state.validator_by_consensus(address).map_err(distribution_error)?.map(validator_info))
    }

    fn delegation_shares(&self, state: &dyn StateRead, delegator: &Address, validator: &Address) -> Result<Option<Dec>, agora_distribution::DistributionError> {
        Ok(state.delegation(delegator, validator).map_err(distribution_error)?.map(|d| d.shares))
    }

    fn delegations_of(&self, state: &dyn StateRead, delegator: &Address) -> Result<Vec<(Address, Dec)>, agora_distribution::DistributionError> {
        Ok(StakingRead::delegations_of(state, delegator).map_err(distribution_error)?.into_iter().map(|d| (d.validator, d.shares)).collect())
    }
}

/// Bank refusals as governance reports them: a depositor short of coins is told so (`sdk` 5).
fn gov_bank_error(error: BankError) -> agora_types::TxError {
    match error {
        BankError::InsufficientFunds { available, needed } => {
            agora_types::TxError::new("sdk", 5, format!("spendable balance {available} is smaller than {needed}: insufficient funds"))
        }
        other => agora_types::TxError::internal(other),
    }
}

impl agora_gov::BankKeeper for Bank {
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, agora_types::TxError> {
        state.send_coins(from, to, amount).map_err(gov_bank_error)
    }

    fn burn_coins(&self, state: &mut dyn StateWrite, module: &'static str, amount: &Coins) -> Result<Vec<Event>, agora_types::TxError> {
        state.burn_coins(module, amount).map_err(gov_bank_error)
    }

    fn balances(&self, state: &dyn StateRead, address: &Address) -> Result<Coins, agora_types::TxError> {
        state.all_balances(address).map_err(agora_types::TxError::internal)
    }

    fn blocked(&self, state: &dyn StateRead, address: &Address) -> Result<bool, agora_types::TxError> {
        Ok(state.module_permissions(address).map_err(agora_types::TxError::internal)?.is_some_and(|p| !p.receive))
    }
}

impl agora_gov::StakingKeeper for Staking {
    /// The active set's members that are bonded, in operator order.
    fn bonded_validators(&self, state: &dyn StateRead) -> Result<Vec<agora_gov::BondedValidator>, agora_types::TxError> {
        let mut out = Vec::new();
        for (operator, _) in state.last_powers().map_err(agora_types::TxError::internal)? {
            let Some(v) = StakingRead::validator(state, &operator).map_err(agora_types::TxError::internal)? else { continue };
            if v.status == agora_staking::BondStatus::Bonded {
                out.push(agora_gov::BondedValidator { operator, tokens: v.tokens, delegator_shares: v.delegator_shares });
            }
        }
        Ok(out)
    }

    fn total_bonded_tokens(&self, state: &dyn StateRead) -> Result<u128, agora_types::TxError> {
        agora_mint::StakingKeeper::bonded_tokens(self, state).map_err(agora_types::TxError::internal)
    }

    fn delegations_of(&self, state: &dyn StateRead, delegator: &Address) -> Result<Vec<(Address, Dec)>, agora_types::TxError> {
        Ok(StakingRead::delegations_of(state, delegator).map_err(agora_types::TxError::internal)?.into_iter().map(|d| (d.validator, d.shares)).collect())
    }
}

fn ibc_bank_error(error: BankError) -> agora_ibc::IbcError {
    agora_ibc::IbcError::Bank(error)
}

impl agora_ibc::BankKeeper for Bank {
    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &Denom) -> Result<u128, agora_ibc::IbcError> {
        state.balance(address, denom).map_err(ibc_bank_error)
    }

    fn all_balances(&self, state: &dyn StateRead, address: &Address) -> Result<Coins, agora_ibc::IbcError> {
        state.all_balances(address).map_err(ibc_bank_error)
    }

    /// A module account without the `receive` permission, or the governance authority (bank's
    /// permission table holds both).
    fn blocked(&self, state: &dyn StateRead, address: &Address) -> Result<bool, agora_ibc::IbcError> {
        Ok(state.module_permissions(address).map_err(ibc_bank_error)?.is_some_and(|permissions| !permissions.receive))
    }

    fn send_enabled(&self, state: &dyn StateRead, denom: &Denom) -> Result<bool, agora_ibc::IbcError> {
        Ok(state.bank_params().map_err(ibc_bank_error)?.is_send_enabled(denom))
    }

    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, agora_ibc::IbcError> {
        state.send_coins(from, to, amount).map_err(ibc_bank_error)
    }

    fn mint_coins(&self, state: &mut dyn StateWrite, module: &'static str, amount: &Coins) -> Result<Vec<Event>, agora_ibc::IbcError> {
        state.mint_coins(module, amount).map_err(ibc_bank_error)
    }

    fn burn_coins(&self, state: &mut dyn StateWrite, module: &'static str, amount: &Coins) -> Result<Vec<Event>, agora_ibc::IbcError> {
        state.burn_coins(module, amount).map_err(ibc_bank_error)
    }
}

impl agora_ibc::StakingKeeper for Staking {
    fn unbonding_nanos(&self, state: &dyn StateRead) -> Result<u64, agora_ibc::IbcError> {
        state.staking_params().map(|params| params.unbonding_nanos()).map_err(|e| agora_ibc::IbcError::Internal(e.to_string()))
    }

    fn historical_header(&self, state: &dyn StateRead, height: u64) -> Result<Option<tendermint_proto::types::Header>, agora_ibc::IbcError> {
        agora_staking::historical::historical_info(state, height)
            .map(|info| info.and_then(|info| info.header))
            .map_err(|e| agora_ibc::IbcError::Internal(e.to_string()))
    }
}

/// The upgrade module, as IBC's software upgrades reach it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Upgrades;

impl agora_ibc::UpgradeKeeper for Upgrades {
    fn schedule(&self, state: &mut dyn StateWrite, height: u64, plan: &[u8]) -> Result<u64, agora_types::TxError> {
        use agora_types::AbciError;
        let proto = <cosmos_sdk_proto::cosmos::upgrade::v1beta1::Plan as prost::Message>::decode(plan)
            .map_err(|e| agora_types::TxError::invalid_request(format!("plan: {e}")))?;
        let plan = agora_upgrade::Plan::from_proto(&proto).map_err(|e| e.to_tx_error())?;
        agora_upgrade::schedule(state, height, &plan).map_err(|e| e.to_tx_error())?;
        Ok(plan.height)
    }

    fn plan_height(&self, state: &dyn StateRead) -> Result<Option<u64>, agora_ibc::IbcError> {
        use agora_upgrade::UpgradeRead;
        Ok(state.upgrade_plan().map_err(|e| agora_ibc::IbcError::Internal(e.to_string()))?.map(|plan| plan.height))
    }

    fn has_upgraded_client(&self, state: &dyn StateRead, height: u64) -> Result<bool, agora_ibc::IbcError> {
        Ok(state.get_raw(&agora_upgrade::state::keys::upgraded_client(height))?.is_some())
    }

    fn put_upgraded_ibc_state(&self, state: &mut dyn StateWrite, height: u64, client: Option<Vec<u8>>, consensus: Option<Vec<u8>>) {
        agora_upgrade::put_upgraded_ibc_state(state, height, client, consensus);
    }
}
