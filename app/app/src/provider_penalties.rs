//! Provider penalties, as the slashing module reaches them: the registry's challenge draw,
//! bonds and jail, and the incentives a penalty takes away. Slashed bonds go to the community
//! pool.

use agora_incentive::accrual;
use agora_provider::{bond, penalty, ProviderError, ProviderRead};
use agora_slashing::provider::{ProviderPenaltyKeeper, ProviderStanding};
use agora_store::{StateRead, StateWrite};
use agora_types::{AbciError, Address, Coin, Event, TxError};

use crate::incentives::Incentives;
use crate::keepers::Bank;

#[derive(Clone, Copy, Debug, Default)]
pub struct ProviderPenalties;

fn tx_error(error: ProviderError) -> TxError {
    error.to_tx_error()
}

impl ProviderPenaltyKeeper for ProviderPenalties {
    fn challenge_weight_total(&self, state: &dyn StateRead) -> Result<u128, TxError> {
        agora_provider::challenge_weight_total(state).map_err(tx_error)
    }

    fn draw(&self, state: &dyn StateRead, point: u128) -> Result<Option<Address>, TxError> {
        agora_provider::draw_challenged(state, point).map_err(tx_error)
    }

    fn standing(&self, state: &dyn StateRead, owner: &Address) -> Result<Option<ProviderStanding>, TxError> {
        let Some(provider) = state.provider(owner).map_err(tx_error)? else { return Ok(None) };
        let operator = match provider.operator.as_str() {
            "" => None,
            text => Some(text.parse().map_err(|e| TxError::internal(format!("operator of provider {owner}: {e}")))?),
        };
        Ok(Some(ProviderStanding { bond: bond::recorded(&provider).map_err(tx_error)?, tombstoned: provider.tombstoned, operator }))
    }

    fn slash_bond(&self, mut state: &mut dyn StateWrite, owner: &Address, amount: u128, jail_until: u64, height: u64) -> Result<(Coin, Vec<Event>), TxError> {
        let community_pool = Address::module(agora_distribution::COMMUNITY_POOL);
        penalty::slash_bond(&mut state, &Bank, &Incentives, owner, amount, &community_pool, jail_until, height).map_err(tx_error)
    }

    fn jail(&self, mut state: &mut dyn StateWrite, owner: &Address, until: u64, reason: &str, height: u64) -> Result<Vec<Event>, TxError> {
        penalty::jail(&mut state, &Incentives, owner, until, reason, height).map_err(tx_error)
    }

    fn unjail(&self, mut state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<Vec<Event>, TxError> {
        penalty::unjail(&mut state, &Incentives, owner, height).map_err(tx_error)
    }

    fn mark_unverified(&self, state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<Vec<Event>, TxError> {
        accrual::mark_unverified(state, owner, height).map_err(|e| e.to_tx_error())
    }

    fn forfeit_unvested(&self, state: &mut dyn StateWrite, owner: &Address, height: u64) -> Result<Vec<Event>, TxError> {
        accrual::forfeit_unvested(state, owner, height).map(|(_, events)| events).map_err(|e| e.to_tx_error())
    }
}
