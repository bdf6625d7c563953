//! The keepers each module declares for what it needs from others, implemented here over
//! those modules' own APIs. A module never names another's state traits; the application,
//! which knows every module, is where they meet (the Cosmos SDK's expected keepers, wired in
//! `app.go`).

use std::sync::Arc;

use agora_auth::{AuthError, FeeBank};
use agora_bank::{BankError, BankRead, BankWrite};
use agora_escrow::{query as escrow_query, AccountId, AccountState, EscrowError, EscrowRead, EscrowWrite, PaymentId};
use agora_market::{Allocation, Keepers, MarketError};
use agora_proto::base::v1::{Attribute, Resources};
use agora_proto::escrow::v1 as epb;
use agora_proto::provider::v1::Provider;
use agora_provider::{ProviderRead, ProviderWrite};
use agora_staking::StakingError;
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

    fn allocate(&self, state: &mut dyn StateWrite, owner: &Address, resources: &Resources) -> Result<(), MarketError> {
        Ok(state.allocate(owner, resources)?)
    }

    fn release(&self, state: &mut dyn StateWrite, owner: &Address, resources: &Resources) -> Result<(), MarketError> {
        Ok(state.release(owner, resources)?)
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
        Ok(state.open_payment(id, payment, rate, height)?)
    }

    fn withdraw_payment(&self, mut state: &mut dyn StateWrite, id: &AccountId, payment: &PaymentId, height: u64) -> Result<Vec<Event>, MarketError> {
        Ok(state.withdraw_payment(&Bank, id, payment, height)?)
    }

    fn close_payment(&self, mut state: &mut dyn StateWrite, id: &AccountId, payment: &PaymentId, height: u64, overdrawn: bool) -> Result<Vec<Event>, MarketError> {
        Ok(state.close_payment(&Bank, id, payment, height, overdrawn)?)
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
