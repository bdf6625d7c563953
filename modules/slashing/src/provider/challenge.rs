//! Liveness challenges. Each block draws up to `challenges_per_block` providers, weighted by
//! capacity, from a seed no one chooses alone: the app hash the previous block committed
//! (FinalizeBlock carries no previous block hash; the last app hash is what the header
//! commits to it) with the height and the draw's index. A drawn provider answers with
//! `MsgChallengeResponse` by `drawn + response_window`; a miss takes
//! `missed_challenge_slash_bps` of its bond to the community pool and its "verified" status
//! for the incentive epoch, and `max_missed` misses in a row jail it for `jail_blocks` and
//! forfeit its unvested rewards. A block's work is bounded: draws read O(log n) keys each,
//! and at most a few blocks' worth of deadlines are judged per block (the rest wait).

use agora_component::{entry_failed, isolated};
use agora_proto::slashing::v1 as pb;
use agora_store::StateWrite;
use agora_types::{Address, BlockContext, Coin, Coins, Event, TxError, TypedEvent};
use sha2::{Digest, Sha256};

use super::event::{ChallengeAnswered, ChallengeDrawn, ChallengeMissed};
use super::keeper::ProviderPenaltyKeeper;
use super::keys;
use super::params::ProviderParams;
use super::state::{ProviderPenaltyRead, ProviderPenaltyWrite};
use crate::SlashingError;

/// Deadlines judged per block, in multiples of `challenges_per_block` (so a shortened window,
/// which brings several blocks' deadlines together, is caught up within a few blocks).
const DEADLINES_PER_DRAW: usize = 4;

/// The seed of draw `index` at `height`.
pub fn draw_seed(last_app_hash: &[u8], height: u64, index: u32) -> [u8; 32] {
    Sha256::new()
        .chain_update(b"agora/provider-challenge/v1")
        .chain_update(last_app_hash)
        .chain_update(height.to_be_bytes())
        .chain_update(index.to_be_bytes())
        .finalize()
        .into()
}

fn parse_owner(record: &pb::Challenge) -> Result<Address, SlashingError> {
    record.provider.parse().map_err(|e| SlashingError::Internal(format!("challenge {}: provider: {e}", record.id)))
}

/// The block's provider-penalty work: judge the deadlines that passed, then draw.
pub fn begin_block(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper) -> Result<Vec<Event>, TxError> {
    let params = state.provider_penalty_params()?;
    let mut events = Vec::new();
    let budget = usize::try_from(params.challenges_per_block).unwrap_or(usize::MAX).max(1).saturating_mul(DEADLINES_PER_DRAW);
    // Challenges whose last answer height is below this block are missed.
    let due = keys::DEADLINE_QUEUE.take_due(state, ctx.height.saturating_sub(1), budget).map_err(SlashingError::from)?;
    for (deadline, id) in due {
        match isolated(state, |fork| judge_miss(fork, ctx, keeper, &params, &id)) {
            Ok(done) => events.extend(done),
            Err(error) => events.push(entry_failed(state, "slashing", "provider_challenge", deadline, &id, ctx.height, &error)),
        }
    }
    events.extend(draw(state, ctx, keeper, &params)?);
    Ok(events)
}

fn draw(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, params: &ProviderParams) -> Result<Vec<Event>, TxError> {
    let mut events = Vec::new();
    if params.challenges_per_block == 0 {
        return Ok(events);
    }
    let total = keeper.challenge_weight_total(state)?;
    if total == 0 {
        return Ok(events);
    }
    let mut next_id = state.next_challenge_id()?;
    for index in 0..params.challenges_per_block {
        let seed = draw_seed(&ctx.last_app_hash, ctx.height, index);
        let mut point = [0u8; 16];
        point.copy_from_slice(&seed[..16]);
        // The bias of a 128-bit value modulo a total below 2^64 is far below 2^-64.
        let Some(owner) = keeper.draw(state, u128::from_be_bytes(point) % total)? else { continue };
        let mut liveness = state.liveness(&owner)?;
        // One open challenge per provider: a second draw of it in the window is skipped.
        if liveness.open_challenge != 0 {
            continue;
        }
        let deadline = ctx.height.saturating_add(params.response_window);
        let challenge = pb::Challenge { id: next_id, provider: owner.to_string(), drawn_height: ctx.height, deadline, nonce: seed.to_vec() };
        state.put_challenge(&challenge)?;
        liveness.open_challenge = next_id;
        state.put_liveness(&owner, &liveness);
        events.push(ChallengeDrawn { id: next_id, provider: &owner, deadline }.to_event());
        next_id = next_id.checked_add(1).ok_or_else(|| SlashingError::Internal("challenge ids ran out".into()))?;
    }
    state.put_next_challenge_id(next_id);
    Ok(events)
}

/// A challenge passed its deadline unanswered.
fn judge_miss(
    state: &mut dyn StateWrite,
    ctx: &BlockContext,
    keeper: &dyn ProviderPenaltyKeeper,
    params: &ProviderParams,
    id: &[u8],
) -> Result<Vec<Event>, TxError> {
    let id = u64::from_be_bytes(id.try_into().map_err(|_| SlashingError::Internal("corrupt challenge deadline entry".into()))?);
    let Some(challenge) = state.challenge(id)? else { return Ok(Vec::new()) };
    state.delete(keys::challenge(id));
    let owner = parse_owner(&challenge)?;
    let mut liveness = state.liveness(&owner)?;
    if liveness.open_challenge == id {
        liveness.open_challenge = 0;
    }
    // A provider that left the registry since it was drawn has nothing left to judge.
    let Some(standing) = keeper.standing(state, &owner)? else {
        state.put_liveness(&owner, &liveness);
        return Ok(Vec::new());
    };
    liveness.missed = liveness.missed.saturating_add(1);
    liveness.missed_in_a_row = liveness.missed_in_a_row.saturating_add(1);
    let mut events = Vec::new();
    let jail_until = ctx.height.saturating_add(params.jail_blocks);
    let (slashed, slash_events) = if standing.tombstoned {
        (Coin::new(standing.bond.denom.clone(), 0), Vec::new())
    } else {
        keeper.slash_bond(state, &owner, params.miss_slash(standing.bond.amount), jail_until, ctx.height)?
    };
    events.extend(slash_events);
    if slashed.amount > 0 {
        let mut total = Coins::from_protos(&liveness.slashed).map_err(|e| SlashingError::Internal(format!("liveness of {owner}: {e}")))?;
        total.add(&slashed).map_err(|e| SlashingError::Internal(e.to_string()))?;
        liveness.slashed = total.to_protos();
    }
    events.push(ChallengeMissed { id, provider: &owner, missed_in_a_row: liveness.missed_in_a_row, slashed: &slashed }.to_event());
    events.extend(keeper.mark_unverified(state, &owner, ctx.height)?);
    if liveness.missed_in_a_row >= params.max_missed {
        events.extend(keeper.jail(state, &owner, jail_until, "missed liveness challenges", ctx.height)?);
        events.extend(keeper.forfeit_unvested(state, &owner, ctx.height)?);
        liveness.missed_in_a_row = 0;
    }
    state.put_liveness(&owner, &liveness);
    Ok(events)
}

/// `MsgChallengeResponse`: the drawn provider (its owner, or `operator` if that is the key it
/// registered) answers in time with the challenge's nonce.
pub fn answer(
    state: &mut dyn StateWrite,
    ctx: &BlockContext,
    keeper: &dyn ProviderPenaltyKeeper,
    provider: &Address,
    operator: Option<&Address>,
    id: u64,
    nonce: &[u8],
) -> Result<Vec<Event>, TxError> {
    let challenge = state.challenge(id)?.ok_or(SlashingError::ChallengeNotFound(id))?;
    if challenge.provider != provider.to_string() {
        return Err(SlashingError::NotChallenged { id, provider: provider.to_string() }.into());
    }
    if let Some(operator) = operator.filter(|o| *o != provider) {
        let registered = keeper.standing(state, provider)?.and_then(|s| s.operator);
        if registered.as_ref() != Some(operator) {
            return Err(SlashingError::NotOperator { operator: operator.to_string(), provider: provider.to_string() }.into());
        }
    }
    if ctx.height > challenge.deadline {
        return Err(SlashingError::ChallengeExpired { id, deadline: challenge.deadline }.into());
    }
    if challenge.nonce != nonce {
        return Err(SlashingError::WrongNonce(id).into());
    }
    state.remove_challenge(&challenge);
    let mut liveness = state.liveness(provider)?;
    liveness.open_challenge = 0;
    liveness.missed_in_a_row = 0;
    liveness.answered = liveness.answered.saturating_add(1);
    liveness.last_answered_height = ctx.height;
    state.put_liveness(provider, &liveness);
    Ok(vec![ChallengeAnswered { id, provider }.to_event()])
}
