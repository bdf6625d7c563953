//! The registry's side of provider penalties, for the slashing module (which decides them) to
//! call through its keeper: taking part of a bond, jailing, tombstoning and unjailing. A slash
//! never takes more than the bond; a bond left below `min_bond` jails the provider; a jailed
//! provider opens no bid and takes no new lease, and its free GPUs earn no incentives. Every
//! change is told to the `hooks` (incentives recount the provider at `height`).

use agora_proto::provider::v1::Provider;
use agora_store::StateWrite;
use agora_types::{Address, Coin, Coins, Event, TypedEvent};

use crate::event::{ProviderBondRestored, ProviderJailed, ProviderSlashed, ProviderUnjailed};
use crate::keepers::{BankKeeper, ProviderHooks};
use crate::state::ProviderStore;
use crate::{bond, module_address, ProviderError, ProviderRead};

/// Jailed for ever.
pub const TOMBSTONED: u64 = u64::MAX;

fn load<S: ProviderRead + ?Sized>(state: &S, owner: &Address) -> Result<Provider, ProviderError> {
    state.provider(owner)?.ok_or_else(|| ProviderError::ProviderNotFound { owner: owner.to_string() })
}

/// Whether the provider is jailed.
pub fn is_jailed(provider: &Provider) -> bool {
    provider.jailed_until > 0 || provider.tombstoned
}

/// Takes up to `amount` of `owner`'s bond and sends it to `to` (never more than the bond); a
/// bond left below `min_bond` jails the provider until `jail_until` at least. Returns the coin
/// taken (zero if the bond was already empty).
#[allow(clippy::too_many_arguments)]
pub fn slash_bond<S: StateWrite + ProviderRead>(
    state: &mut S,
    bank: &dyn BankKeeper,
    hooks: &dyn ProviderHooks,
    owner: &Address,
    amount: u128,
    to: &Address,
    jail_until: u64,
    height: u64,
) -> Result<(Coin, Vec<Event>), ProviderError> {
    let mut provider = load(state, owner)?;
    let held = bond::recorded(&provider)?;
    let taken = Coin::new(held.denom.clone(), amount.min(held.amount));
    let mut events = Vec::new();
    if taken.amount > 0 {
        let coins = Coins::from_list(vec![taken.clone()]).map_err(|e| ProviderError::Internal(e.to_string()))?;
        events.extend(
            bank.send_coins(state, &module_address(), to, &coins)
                .map_err(|e| ProviderError::Internal(format!("slashing the bond of {owner}: {e}")))?,
        );
        provider.bond = Some(Coin::new(held.denom.clone(), held.amount - taken.amount).to_proto());
        events.push(ProviderSlashed { owner, amount: &taken, to }.to_event());
    }
    let min = state.provider_params()?.min_bond;
    if held.amount - taken.amount < min.amount && provider.jailed_until < jail_until {
        provider.jailed_until = jail_until;
        events.push(ProviderJailed { owner, until: jail_until, reason: "bond below the minimum" }.to_event());
    }
    state.put_provider(owner, &provider);
    events.extend(hooks.provider_changed(state, owner, height)?);
    Ok((taken, events))
}

/// Governance reversed a slash: `amount` comes back from `from` (which held it) to `owner`'s
/// bond, or to `owner` itself if the provider has finished unbonding since. A jail the slash
/// caused stays until the provider unjails.
#[allow(clippy::too_many_arguments)]
pub fn restore_bond<S: StateWrite + ProviderRead>(
    state: &mut S,
    bank: &dyn BankKeeper,
    hooks: &dyn ProviderHooks,
    owner: &Address,
    amount: &Coin,
    from: &Address,
    height: u64,
) -> Result<Vec<Event>, ProviderError> {
    if amount.amount == 0 {
        return Ok(Vec::new());
    }
    let coins = Coins::from_list(vec![amount.clone()]).map_err(|e| ProviderError::Internal(e.to_string()))?;
    let Some(mut provider) = state.provider(owner)? else {
        return bank.send_coins(state, from, owner, &coins).map_err(|e| ProviderError::Internal(format!("returning {amount} to {owner}: {e}")));
    };
    let held = bond::recorded(&provider)?;
    if held.denom != amount.denom {
        return Err(ProviderError::Internal(format!("restoring {amount} to a bond in {}", held.denom)));
    }
    let total = held.amount.checked_add(amount.amount).ok_or_else(|| ProviderError::Internal("restored bond beyond u128".into()))?;
    let mut events = bank
        .send_coins(state, from, &module_address(), &coins)
        .map_err(|e| ProviderError::Internal(format!("restoring the bond of {owner}: {e}")))?;
    provider.bond = Some(Coin::new(held.denom, total).to_proto());
    state.put_provider(owner, &provider);
    events.push(ProviderBondRestored { owner, amount, from }.to_event());
    events.extend(hooks.provider_changed(state, owner, height)?);
    Ok(events)
}

/// Jails `owner` until `until` (or longer, if it already is).
pub fn jail<S: StateWrite + ProviderRead>(
    state: &mut S,
    hooks: &dyn ProviderHooks,
    owner: &Address,
    until: u64,
    reason: &str,
    height: u64,
) -> Result<Vec<Event>, ProviderError> {
    let mut provider = load(state, owner)?;
    if provider.jailed_until >= until {
        return Ok(Vec::new());
    }
    provider.jailed_until = until;
    state.put_provider(owner, &provider);
    let mut events = vec![ProviderJailed { owner, until, reason }.to_event()];
    events.extend(hooks.provider_changed(state, owner, height)?);
    Ok(events)
}

/// Proven fraud: jailed for ever.
pub fn tombstone<S: StateWrite + ProviderRead>(state: &mut S, hooks: &dyn ProviderHooks, owner: &Address, reason: &str, height: u64) -> Result<Vec<Event>, ProviderError> {
    let mut provider = load(state, owner)?;
    provider.tombstoned = true;
    provider.jailed_until = TOMBSTONED;
    state.put_provider(owner, &provider);
    let mut events = vec![ProviderJailed { owner, until: TOMBSTONED, reason }.to_event()];
    events.extend(hooks.provider_changed(state, owner, height)?);
    Ok(events)
}

/// Lets a jailed provider bid again, at or after its jail's end and with at least `min_bond`
/// bonded; never a tombstoned one.
pub fn unjail<S: StateWrite + ProviderRead>(state: &mut S, hooks: &dyn ProviderHooks, owner: &Address, height: u64) -> Result<Vec<Event>, ProviderError> {
    let mut provider = load(state, owner)?;
    if !is_jailed(&provider) {
        return Err(ProviderError::ProviderNotJailed { owner: owner.to_string() });
    }
    if provider.tombstoned || height < provider.jailed_until {
        return Err(ProviderError::ProviderJailed { owner: owner.to_string(), until: provider.jailed_until });
    }
    let held = bond::recorded(&provider)?;
    let min = state.provider_params()?.min_bond;
    if held.amount < min.amount {
        return Err(ProviderError::BondBelowMinimumToUnjail { owner: owner.to_string(), bond: held.to_string(), min: min.to_string() });
    }
    provider.jailed_until = 0;
    state.put_provider(owner, &provider);
    let mut events = vec![ProviderUnjailed { owner }.to_event()];
    events.extend(hooks.provider_changed(state, owner, height)?);
    Ok(events)
}
