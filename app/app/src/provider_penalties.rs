//! Provider penalties, as the slashing module reaches them: the registry's records, bonds and
//! jail, and the incentives a penalty takes away. Slashed bonds go to the community pool. And
//! what follows every change of a provider: incentives recount it, and the challenge draw
//! reweighs it.

use agora_incentive::accrual;
use agora_provider::{bond, penalty, ProviderError, ProviderHooks, ProviderRead};
use agora_bank::{BankRead, BankWrite};
use agora_escrow::{EscrowWrite, PaymentId};
use agora_market::{BidId, MarketRead};
use agora_slashing::provider::dispute::{self, LeaseRef};
use agora_slashing::provider::{challenge, ProviderPenaltyKeeper, ProviderStanding, SlashTo};
use agora_store::{StateRead, StateWrite};
use agora_types::{AbciError, Address, Coin, Coins, Denom, Event, TxError};

use crate::incentives::Incentives;
use crate::keepers::Bank;

#[derive(Clone, Copy, Debug, Default)]
pub struct ProviderPenalties;

fn tx_error(error: ProviderError) -> TxError {
    error.to_tx_error()
}

/// The registry's hooks: incentives bring the provider's GPU-time up to date, and the
/// challenge draw takes its new weight.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProviderFollowers;

impl ProviderHooks for ProviderFollowers {
    fn provider_changed(&self, state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<Vec<Event>, ProviderError> {
        let events = Incentives.provider_changed(state, owner, height)?;
        challenge::refresh_weight(state, &ProviderPenalties, owner).map_err(|e| ProviderError::Internal(format!("challenge draw: {}", e.log)))?;
        Ok(events)
    }

    /// A provider with a dispute awaiting its verdict keeps its bond where the verdict can take
    /// it.
    fn may_unbond(&self, state: &dyn StateRead, owner: &Address) -> Result<(), ProviderError> {
        use agora_slashing::provider::dispute::DisputeRead;
        match state.undecided_disputes(owner).map_err(|e| ProviderError::Internal(e.to_string()))? {
            0 => Ok(()),
            count => Err(ProviderError::DisputesUndecided { owner: owner.to_string(), count }),
        }
    }
}

impl ProviderPenaltyKeeper for ProviderPenalties {
    fn provider_owners(&self, state: &dyn StateRead) -> Result<Vec<Address>, TxError> {
        state
            .all_providers()
            .map_err(tx_error)?
            .iter()
            .map(|p| p.owner.parse().map_err(|e| TxError::internal(format!("provider owner {:?}: {e}", p.owner))))
            .collect()
    }

    fn standing(&self, state: &dyn StateRead, owner: &Address) -> Result<Option<ProviderStanding>, TxError> {
        let Some(provider) = state.provider(owner).map_err(tx_error)? else { return Ok(None) };
        let operator = match provider.operator.as_str() {
            "" => None,
            text => Some(text.parse().map_err(|e| TxError::internal(format!("operator of provider {owner}: {e}")))?),
        };
        Ok(Some(ProviderStanding {
            bond: bond::recorded(&provider).map_err(tx_error)?,
            offering: agora_provider::is_offering(&provider),
            gpus: agora_provider::registered_gpus(&provider),
            tombstoned: provider.tombstoned,
            operator,
        }))
    }

    fn slash_bond(&self, mut state: &mut dyn StateWrite, owner: &Address, amount: u128, to: SlashTo<'_>, jail_until: u64, height: u64) -> Result<(Coin, Vec<Event>), TxError> {
        let to = match to {
            SlashTo::CommunityPool => Address::module(agora_distribution::COMMUNITY_POOL),
            SlashTo::Account(address) => *address,
            SlashTo::Disputes => dispute::disputes_account(),
        };
        penalty::slash_bond(&mut state, &Bank, &ProviderFollowers, owner, amount, &to, jail_until, height).map_err(tx_error)
    }

    fn audited_by(&self, state: &dyn StateRead, provider: &Address, auditor: &Address) -> Result<bool, TxError> {
        Ok(state.audited_record(provider, auditor).map_err(tx_error)?.is_some())
    }

    fn normalize_capacity(&self, capacity: &agora_proto::base::v1::Resources) -> Result<agora_proto::base::v1::Resources, TxError> {
        agora_provider::resources::normalize(capacity).map_err(tx_error)
    }

    fn tombstone(&self, mut state: &mut dyn StateWrite, owner: &Address, reason: &str, height: u64) -> Result<Vec<Event>, TxError> {
        penalty::tombstone(&mut state, &ProviderFollowers, owner, reason, height).map_err(tx_error)
    }

    fn jail(&self, mut state: &mut dyn StateWrite, owner: &Address, until: u64, reason: &str, height: u64) -> Result<Vec<Event>, TxError> {
        penalty::jail(&mut state, &ProviderFollowers, owner, until, reason, height).map_err(tx_error)
    }

    fn unjail(&self, mut state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<Vec<Event>, TxError> {
        penalty::unjail(&mut state, &ProviderFollowers, owner, height).map_err(tx_error)
    }

    fn mark_unverified(&self, state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<Vec<Event>, TxError> {
        accrual::mark_unverified(state, owner, height).map_err(|e| e.to_tx_error())
    }

    fn forfeit_unvested(&self, state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<Vec<Event>, TxError> {
        accrual::forfeit_unvested(state, owner, height).map(|(_, events)| events).map_err(|e| e.to_tx_error())
    }

    fn lease_active(&self, state: &dyn StateRead, lease: &LeaseRef) -> Result<Option<bool>, TxError> {
        let lease = state.lease(&bid_id(lease)).map_err(|e| e.to_tx_error())?;
        Ok(lease.map(|l| l.state == agora_proto::market::v1::LeaseState::Active as i32))
    }

    fn hold_lease_payments(&self, mut state: &mut dyn StateWrite, lease: &LeaseRef, height: u64) -> Result<Vec<Event>, TxError> {
        let (account, payment) = payment_of(lease);
        state.hold_payment(&Bank, &account, &payment, height).map_err(|e| e.to_tx_error())
    }

    fn release_lease_payments(&self, mut state: &mut dyn StateWrite, lease: &LeaseRef, refund_to: Option<&Address>, height: u64) -> Result<(Coin, Vec<Event>), TxError> {
        let (account, payment) = payment_of(lease);
        state.release_payment(&Bank, &account, &payment, height, refund_to).map_err(|e| e.to_tx_error())
    }

    fn transfer(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coin) -> Result<Vec<Event>, TxError> {
        let coins = Coins::from_list(vec![amount.clone()]).map_err(|e| TxError::internal(e.to_string()))?;
        state.send_coins(from, to, &coins).map_err(|e| e.to_tx_error())
    }

    fn burn_held(&self, state: &mut dyn StateWrite, amount: &Coin) -> Result<Vec<Event>, TxError> {
        let coins = Coins::from_list(vec![amount.clone()]).map_err(|e| TxError::internal(e.to_string()))?;
        state.burn_coins(dispute::DISPUTES_MODULE, &coins).map_err(|e| e.to_tx_error())
    }

    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &Denom) -> Result<u128, TxError> {
        state.balance(address, denom).map_err(|e| e.to_tx_error())
    }

    fn restore_bond(&self, mut state: &mut dyn StateWrite, owner: &Address, amount: &Coin, height: u64) -> Result<Vec<Event>, TxError> {
        penalty::restore_bond(&mut state, &Bank, &ProviderFollowers, owner, amount, &dispute::disputes_account(), height).map_err(tx_error)
    }
}

fn bid_id(lease: &LeaseRef) -> BidId {
    BidId { owner: lease.owner, dseq: lease.dseq, gseq: lease.gseq, oseq: lease.oseq, provider: lease.provider }
}

/// The escrow payment of a lease.
fn payment_of(lease: &LeaseRef) -> (agora_escrow::AccountId, PaymentId) {
    let id = bid_id(lease);
    (id.deployment().escrow_account(), id.payment())
}
