use agora_store::StateWrite;
use agora_types::{Coin, Event, TypedEvent};

use crate::event::ProviderBondDeposited;
use crate::state::ProviderStore;
use crate::{bond, DepositBond, ProviderError, ProviderRead};

/// Adds to the bond, in its denom; an unbonding provider's bond is on its way back, so it takes
/// no more.
pub fn execute<S: StateWrite>(state: &mut S, bank: &dyn crate::keepers::BankKeeper, msg: &DepositBond) -> Result<Vec<Event>, ProviderError> {
    let owner = msg.owner.to_string();
    let mut provider = state.provider(&msg.owner)?.ok_or_else(|| ProviderError::ProviderNotFound { owner: owner.clone() })?;
    if crate::state::provider_state(&provider) != agora_proto::provider::v1::ProviderState::Active {
        return Err(ProviderError::ProviderNotActive { owner });
    }
    let held = bond::recorded(&provider)?;
    if msg.amount.denom != held.denom {
        return Err(ProviderError::BondDenomMismatch { denom: msg.amount.denom.to_string(), expected: held.denom.to_string() });
    }
    let total = held.amount.checked_add(msg.amount.amount).ok_or_else(|| ProviderError::InvalidBond("the bond would leave the u128 range".into()))?;
    let mut events = bond::lock(state, bank, &msg.owner, &msg.amount)?;
    let total = Coin::new(held.denom, total);
    provider.bond = Some(total.to_proto());
    state.put_provider(&msg.owner, &provider);
    events.push(ProviderBondDeposited { owner: &msg.owner, amount: &msg.amount, bond: &total }.to_event());
    Ok(events)
}
