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
