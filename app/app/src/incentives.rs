//! Where incentives meet the modules they follow: the provider registry tells them when a
//! provider's GPUs change, the market's keepers when a lease opens or closes, escrow when it
//! collects a take; incentives read GPU counts from the registry, take rates from escrow and
//! the block's provision from mint.

use agora_bank::{BankRead, BankWrite};
use agora_escrow::{AccountId, EscrowRead, PaymentId, PaymentState};
use agora_incentive::{accrual, ClassCount, GpuClassId, IncentiveError, ProviderGpus};
use agora_mint::MintRead;
use agora_proto::provider::v1::ProviderState;
use agora_provider::{resources, ProviderError, ProviderRead};
use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coins, Dec, Denom, Event};

use crate::keepers::Bank;

/// Incentives' view of the other modules.
#[derive(Clone, Copy, Debug, Default)]
pub struct Incentives;

fn internal(e: impl std::fmt::Display) -> IncentiveError {
    IncentiveError::Internal(e.to_string())
}

impl agora_incentive::BankKeeper for Bank {
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, IncentiveError> {
        state.send_coins(from, to, amount).map_err(internal)
    }

    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &str) -> Result<u128, IncentiveError> {
        state.balance(address, &Denom::new(denom).map_err(internal)?).map_err(internal)
    }
}

impl agora_incentive::MintKeeper for Incentives {
    fn block_provision(&self, state: &dyn StateRead) -> Result<(String, u128), IncentiveError> {
        let params = state.mint_params().map_err(internal)?;
        let provision = state.minter().map_err(internal)?.block_provision(&params).map_err(internal)?;
        Ok((provision.denom.to_string(), provision.amount))
    }
}

impl agora_incentive::MarketKeeper for Incentives {
    /// Leased: the GPUs its active leases hold. Free: the rest of its capacity, only while it
    /// is active (an unbonding provider offers nothing).
    fn provider_gpus(&self, state: &dyn StateRead, owner: &Address) -> Result<ProviderGpus, IncentiveError> {
        let Some(provider) = state.provider(owner).map_err(internal)? else {
            return Ok(ProviderGpus::default());
        };
        let bond = match &provider.bond {
            Some(coin) => coin.amount.parse().map_err(|e| internal(format!("bond of {owner}: {e}")))?,
            None => 0,
        };
        // A jailed provider offers nothing new: its free GPUs earn no idle time.
        let active = ProviderState::try_from(provider.state) == Ok(ProviderState::Active) && !agora_provider::penalty::is_jailed(&provider);
        // The registry keeps both in canonical form (one entry per class), and its own
        // arithmetic gives what is free.
        let capacity = provider.capacity.unwrap_or_default();
        let allocated = provider.allocated.unwrap_or_default();
        let free = if active { resources::checked_sub(&capacity, &allocated).map_err(internal)?.gpus } else { Vec::new() };
        let mut counts: Vec<ClassCount> =
            allocated.gpus.iter().map(|g| ClassCount { class: GpuClassId::of(g), leased: u64::from(g.count), free: 0 }).collect();
        for g in &free {
            let class = GpuClassId::of(g);
            match counts.iter_mut().find(|c| c.class == class) {
                Some(count) => count.free = u64::from(g.count),
                None => counts.push(ClassCount { class, leased: 0, free: u64::from(g.count) }),
            }
        }
        Ok(ProviderGpus { classes: counts, bond })
    }

    fn provider_owners(&self, state: &dyn StateRead) -> Result<Vec<Address>, IncentiveError> {
        state
            .all_providers()
            .map_err(internal)?
            .iter()
            .map(|p| p.owner.parse().map_err(|e| internal(format!("provider owner {:?}: {e}", p.owner))))
            .collect()
    }

}

impl agora_provider::ProviderHooks for Incentives {
    fn provider_changed(&self, state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<Vec<Event>, ProviderError> {
        accrual::provider_changed(state, &Incentives, owner, height).map_err(|e| ProviderError::Internal(e.to_string()))
    }
}

/// The denom and rate of a payment while it is open.
pub fn open_payment(state: &dyn StateRead, id: &AccountId, payment: &PaymentId) -> Result<Option<(String, Dec)>, IncentiveError> {
    let account = state.escrow_account(id).map_err(internal)?.ok_or_else(|| internal(format!("escrow account {id} not found")))?;
    Ok(state
        .escrow_payment(id, payment)
        .map_err(internal)?
        .filter(|record| record.state == PaymentState::Open)
        .map(|record| (account.denom.to_string(), record.rate)))
}

/// A lease payment opened at `rate`: it pays for its provider's leased GPUs.
pub fn payment_opened(state: &mut dyn StateWrite, id: &AccountId, payment: &PaymentId, rate: Dec, height: u64) -> Result<Vec<Event>, IncentiveError> {
    let account = state.escrow_account(id).map_err(internal)?.ok_or_else(|| internal(format!("escrow account {id} not found")))?;
    accrual::lease_rate_changed(state, &Incentives, &payment.provider, account.denom.as_str(), rate, true, height)
}

/// Escrow's take of a payment to `provider` went to the community pool: the incentive pool's
/// share moves on, and the provider is credited with the take it paid.
pub fn take_collected(state: &mut dyn StateWrite, community_pool: &Address, provider: &Address, take: &Coins, height: u64) -> Result<Vec<Event>, IncentiveError> {
    let mut events = Vec::new();
    for coin in take.iter() {
        events.extend(accrual::take_collected(state, &Bank, community_pool, coin.denom.as_str(), coin.amount)?);
        events.extend(accrual::take_paid(state, provider, coin.denom.as_str(), coin.amount, height)?);
    }
    Ok(events)
}
