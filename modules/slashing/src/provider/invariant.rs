//! The provider-penalty invariant (tests and `check_invariants`; it walks every record).

use agora_proto::slashing::v1 as pb;
use agora_store::StateRead;
use agora_types::Address;
use prost::Message;

use super::challenge::DRAW;
use super::keys;
use super::state::ProviderPenaltyRead;

/// Every running challenge is its provider's `open_challenge` and the other way round, and a
/// challenged provider has no weight in the draw.
pub fn challenges_match_liveness(state: &dyn StateRead) -> Result<(), String> {
    let mut challenges = 0usize;
    for item in state.prefix_raw(keys::CHALLENGES, None) {
        let (_, value) = item.map_err(|e| e.to_string())?;
        let challenge = pb::Challenge::decode(value.as_slice()).map_err(|e| format!("corrupt challenge: {e}"))?;
        let owner: Address = challenge.provider.parse().map_err(|e| format!("challenge {}: {e}", challenge.id))?;
        let open = state.liveness(&owner).map_err(|e| e.to_string())?.open_challenge;
        if open != challenge.id {
            return Err(format!("challenge {} runs, but {owner}'s open challenge is {open}", challenge.id));
        }
        let weight = DRAW.weight(state, owner.as_bytes().as_slice()).map_err(|e| e.to_string())?;
        if weight != 0 {
            return Err(format!("{owner} is challenged (challenge {}) yet weighs {weight} in the draw", challenge.id));
        }
        challenges += 1;
    }
    let mut open = 0usize;
    for item in state.prefix_raw(keys::LIVENESS, None) {
        let (_, value) = item.map_err(|e| e.to_string())?;
        let record = pb::ProviderLiveness::decode(value.as_slice()).map_err(|e| format!("corrupt liveness record: {e}"))?;
        if record.open_challenge != 0 {
            open += 1;
        }
    }
    if open != challenges {
        return Err(format!("{open} liveness records name a running challenge, but {challenges} challenges run"));
    }
    Ok(())
}

/// Every registered provider weighs in the draw exactly what it should now (its hooks kept the
/// draw current).
pub fn draw_matches_registry(state: &dyn StateRead, keeper: &dyn super::ProviderPenaltyKeeper) -> Result<(), String> {
    for owner in keeper.provider_owners(state).map_err(|e| e.log)? {
        let standing = keeper.standing(state, &owner).map_err(|e| e.log)?.ok_or_else(|| format!("{owner} vanished"))?;
        let challenged = state.liveness(&owner).map_err(|e| e.to_string())?.open_challenge != 0;
        let expected = super::challenge::expected_weight(&standing, challenged);
        let weight = DRAW.weight(state, owner.as_bytes().as_slice()).map_err(|e| e.to_string())?;
        if weight != expected {
            return Err(format!("{owner} weighs {weight} in the challenge draw, but should weigh {expected}"));
        }
    }
    Ok(())
}

/// The disputes module account holds exactly what it owes, per denom: every panelist's bond,
/// every undecided dispute's deposit, and each upheld dispute's slash and refund until its
/// appeal window closes. Each enrolled auditor has one seat in the panel draw, and its count of
/// voting panels matches the disputes.
pub fn disputes_hold_what_they_owe(state: &dyn StateRead, keeper: &dyn super::ProviderPenaltyKeeper) -> Result<(), String> {
    use std::collections::BTreeMap;
    let mut owed: BTreeMap<String, u128> = BTreeMap::new();
    let mut owe = |coin: Option<&cosmos_sdk_proto::cosmos::base::v1beta1::Coin>| -> Result<(), String> {
        if let Some(coin) = coin {
            let amount: u128 = coin.amount.parse().map_err(|e| format!("held coin {coin:?}: {e}"))?;
            let entry = owed.entry(coin.denom.clone()).or_default();
            *entry = entry.checked_add(amount).ok_or("held coins overflow")?;
        }
        Ok(())
    };
    let mut seated: BTreeMap<String, u32> = BTreeMap::new();
    let mut in_draw: u128 = 0;
    let mut undecided: BTreeMap<String, u32> = BTreeMap::new();
    for item in state.prefix_raw(keys::DISPUTES, None) {
        let (_, value) = item.map_err(|e| e.to_string())?;
        let d = pb::Dispute::decode(value.as_slice()).map_err(|e| format!("corrupt dispute: {e}"))?;
        if super::dispute::holds_deposit(d.status) {
            owe(d.deposit.as_ref())?;
        }
        if d.status == pb::DisputeStatus::Appealable as i32 {
            owe(d.slashed.as_ref())?;
            owe(d.refund.as_ref())?;
        }
        if d.status == pb::DisputeStatus::Voting as i32 {
            for member in &d.panel {
                *seated.entry(member.clone()).or_default() += 1;
            }
        }
        if super::dispute::awaits_verdict(d.status) {
            *undecided.entry(d.provider.clone()).or_default() += 1;
        }
    }
    for item in state.prefix_raw(keys::PANELISTS, None) {
        let (key, value) = item.map_err(|e| e.to_string())?;
        let p = pb::Panelist::decode(value.as_slice()).map_err(|e| format!("corrupt panelist: {e}"))?;
        owe(p.bond.as_ref())?;
        let expected = seated.remove(&p.auditor).unwrap_or(0);
        if p.open_panels != expected {
            return Err(format!("panelist {} counts {} voting panels, but sits on {expected}", p.auditor, p.open_panels));
        }
        let seat = super::panel::PANEL_DRAW.weight(state, &key[keys::PANELISTS.len()..]).map_err(|e| e.to_string())?;
        if seat != u128::from(p.in_draw) {
            return Err(format!("panelist {} weighs {seat} in the panel draw, but in_draw is {}", p.auditor, p.in_draw));
        }
        if p.in_draw {
            in_draw += 1;
        }
    }
    if let Some((auditor, _)) = seated.into_iter().next() {
        return Err(format!("{auditor} sits on a voting panel but is not enrolled"));
    }
    let seats = super::panel::seats(state).map_err(|e| e.to_string())?;
    if seats != in_draw {
        return Err(format!("the panel draw has {seats} seats for {in_draw} panelists in it"));
    }
    for item in state.prefix_raw(keys::UNDECIDED, None) {
        let (key, value) = item.map_err(|e| e.to_string())?;
        let provider = Address::from_slice(&key[keys::UNDECIDED.len()..]).map_err(|_| "corrupt undecided key".to_string())?.to_string();
        let count = u32::from_be_bytes(value.as_slice().try_into().map_err(|_| "corrupt undecided count".to_string())?);
        if undecided.remove(&provider) != Some(count) {
            return Err(format!("{provider} counts {count} disputes awaiting a verdict, which the disputes do not"));
        }
    }
    if let Some((provider, count)) = undecided.into_iter().next() {
        return Err(format!("{count} disputes against {provider} await a verdict, but it counts none"));
    }
    let account = super::dispute::disputes_account();
    for (denom, amount) in owed {
        let denom = agora_types::Denom::new(denom.clone()).map_err(|e| format!("held denom {denom}: {e}"))?;
        let held = keeper.balance(state, &account, &denom).map_err(|e| e.log)?;
        if held != amount {
            return Err(format!("the disputes account holds {held}{denom} but owes {amount}{denom}"));
        }
    }
    Ok(())
}
