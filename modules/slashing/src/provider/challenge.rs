//! Liveness challenges. Each block draws up to `challenges_per_block` providers, weighted by
//! capacity, from a seed no one chooses alone: the app hash the previous block committed
//! (FinalizeBlock carries no previous block hash; the last app hash is what the header
//! commits to it) with the height and the draw's index. A drawn provider answers with
//! `MsgChallengeResponse` by `drawn + response_window`; a miss takes
//! `missed_challenge_slash_bps` of its bond to the community pool and its "verified" status
//! for the incentive epoch, and `max_missed` misses in a row jail it for `jail_blocks` and
//! forfeit its unvested rewards.
//!
//! The draw is this module's own weighted set ([`DRAW`]): 1 + the provider's GPUs (at most
//! [`MAX_WEIGHTED_GPUS`]) while it offers capacity, and 0 from its draw until its challenge's
//! deadline, answered or not: no draw is wasted on a provider already challenged, and
//! answering early buys no extra draws. The registry's hooks keep weights current
//! ([`refresh_weight`]). A block's work is bounded: each draw reads O(log n) keys, and at
//! most a few blocks' worth of deadlines are judged per block (the rest wait).

use agora_component::{entry_failed, isolated};
use agora_proto::slashing::v1 as pb;
use agora_store::{StateRead, StateWrite, WeightedSet};
use agora_types::{Address, BlockContext, Coin, Coins, Event, TxError, TypedEvent};
use sha2::{Digest, Sha256};

use super::attestation::Attestation;
use super::event::{ChallengeAnswered, ChallengeDrawn, ChallengeMissed};
use super::keeper::{ProviderPenaltyKeeper, SlashTo};
use super::keys;
use super::params::ProviderParams;
use super::state::{ProviderPenaltyRead, ProviderPenaltyWrite};
use crate::SlashingError;

/// Deadlines judged per block, in multiples of `challenges_per_block` (so a shortened window,
/// which brings several blocks' deadlines together, is caught up within a few blocks).
const DEADLINES_PER_DRAW: usize = 4;

/// GPUs beyond this many add no weight: a provider declaring a huge capacity is drawn at most
/// 1,025 / total of the time, whatever it declares.
pub const MAX_WEIGHTED_GPUS: u64 = 1_024;

/// The providers that can be drawn, by weight.
pub const DRAW: WeightedSet = WeightedSet::new(b"slashing/provider/draw/");

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

/// Sets `owner`'s weight in the draw from what the registry says of it now: 1 + its GPUs
/// (capped) while it offers capacity and has no challenge running, else 0.
pub fn refresh_weight(state: &mut dyn StateWrite, keeper: &dyn ProviderPenaltyKeeper, owner: &Address) -> Result<(), TxError> {
    let Some(standing) = keeper.standing(state, owner)? else {
        // Gone from the registry: its slot goes back for the next provider, and a provider
        // that registers again later starts without the misses of this one.
        let mut liveness = state.liveness(owner)?;
        if liveness.missed_in_a_row != 0 && liveness.open_challenge == 0 {
            liveness.missed_in_a_row = 0;
            state.put_liveness(owner, &liveness);
        }
        // Its devices may be registered again, by whoever has them now.
        super::hardware::forget(state, owner)?;
        return DRAW.remove(state, owner.as_bytes().as_slice()).map_err(|e| SlashingError::from(e).into());
    };
    let challenged = state.liveness(owner)?.open_challenge != 0;
    DRAW.set(state, owner.as_bytes().as_slice(), expected_weight(&standing, challenged)).map_err(|e| SlashingError::from(e).into())
}

/// A provider's weight in the draw: 1 + its GPUs (capped) while it offers capacity and has no
/// challenge running, else 0.
pub fn expected_weight(standing: &super::ProviderStanding, challenged: bool) -> u128 {
    if standing.offering && !standing.tombstoned && !challenged {
        1 + u128::from(standing.gpus.min(MAX_WEIGHTED_GPUS))
    } else {
        0
    }
}

/// The block's provider-penalty work: judge the deadlines that passed, then draw.
pub fn begin_block(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper) -> Result<Vec<Event>, TxError> {
    let params = state.provider_penalty_params()?;
    let mut events = Vec::new();
    let budget = usize::try_from(params.challenges_per_block).unwrap_or(usize::MAX).max(1).saturating_mul(DEADLINES_PER_DRAW);
    // Challenges whose last answer height is below this block are closed.
    let due = keys::DEADLINE_QUEUE.take_due(state, ctx.height.saturating_sub(1), budget).map_err(SlashingError::from)?;
    for (deadline, id) in due {
        match isolated(state, |fork| close(fork, ctx, keeper, &params, &id)) {
            Ok(done) => events.extend(done),
            Err(error) => {
                events.push(entry_failed(state, "slashing", "provider_challenge", deadline, &id, ctx.height, &error));
                // The judgement failed (a bug, never input): the challenge still ends, without
                // a penalty, so the provider is neither exempt from draws for good nor asked
                // to answer it for ever. Ending it touches only this module's records; putting
                // the provider back in the draw asks the registry, and may fail on its own.
                match isolated(state, |fork| end_without_judgement(fork, &id)) {
                    Ok(Some(owner)) => {
                        if let Err(error) = isolated(state, |fork| refresh_weight(fork, keeper, &owner)) {
                            events.push(entry_failed(state, "slashing", "provider_challenge_reweigh", deadline, &id, ctx.height, &error));
                        }
                    }
                    Ok(None) => {}
                    Err(error) => events.push(entry_failed(state, "slashing", "provider_challenge_close", deadline, &id, ctx.height, &error)),
                }
            }
        }
    }
    events.extend(draw(state, ctx, &params)?);
    Ok(events)
}

fn draw(state: &mut dyn StateWrite, ctx: &BlockContext, params: &ProviderParams) -> Result<Vec<Event>, TxError> {
    let mut events = Vec::new();
    let first_id = state.next_challenge_id()?;
    let mut next_id = first_id;
    for index in 0..params.challenges_per_block {
        let total = DRAW.total(state).map_err(SlashingError::from)?;
        if total == 0 {
            break;
        }
        let seed = draw_seed(&ctx.last_app_hash, ctx.height, index);
        let mut point = [0u8; 16];
        point.copy_from_slice(&seed[..16]);
        // The bias of a 128-bit value modulo a total below 2^64 is far below 2^-64.
        let Some(id) = DRAW.pick(state, u128::from_be_bytes(point) % total).map_err(SlashingError::from)? else { break };
        let owner = Address::from_slice(&id).map_err(|_| SlashingError::Internal("corrupt challenge draw entry".into()))?;
        let deadline = ctx.height.saturating_add(params.response_window);
        let challenge =
            pb::Challenge { id: next_id, provider: owner.to_string(), drawn_height: ctx.height, deadline, nonce: seed.to_vec(), answered_height: 0 };
        state.put_challenge(&challenge)?;
        let mut liveness = state.liveness(&owner)?;
        liveness.open_challenge = next_id;
        state.put_liveness(&owner, &liveness);
        // Out of the draw until the deadline.
        DRAW.set(state, &id, 0).map_err(SlashingError::from)?;
        events.push(ChallengeDrawn { id: next_id, provider: &owner, deadline }.to_event());
        next_id = next_id.checked_add(1).ok_or_else(|| SlashingError::Internal("challenge ids ran out".into()))?;
    }
    // Written only when a challenge was drawn: an empty draw writes nothing.
    if next_id != first_id {
        state.put_next_challenge_id(next_id);
    }
    Ok(events)
}

fn challenge_id(id: &[u8]) -> Result<u64, SlashingError> {
    Ok(u64::from_be_bytes(id.try_into().map_err(|_| SlashingError::Internal("corrupt challenge deadline entry".into()))?))
}

/// Ends the challenge with no judgement; returns its provider (to put back in the draw).
fn end_without_judgement(state: &mut dyn StateWrite, id: &[u8]) -> Result<Option<Address>, TxError> {
    let Some((_, owner, liveness)) = end_challenge(state, id)? else { return Ok(None) };
    state.put_liveness(&owner, &liveness);
    Ok(Some(owner))
}

/// Deletes the challenge whose deadline entry is `id`; returns it, its provider, and the
/// provider's liveness record with the challenge no longer running (for the caller to store).
fn end_challenge(state: &mut dyn StateWrite, id: &[u8]) -> Result<Option<(pb::Challenge, Address, pb::ProviderLiveness)>, TxError> {
    let id = challenge_id(id)?;
    let Some(challenge) = state.challenge(id)? else { return Ok(None) };
    state.delete(keys::challenge(id));
    let owner = parse_owner(&challenge)?;
    let mut liveness = state.liveness(&owner)?;
    if liveness.open_challenge == id {
        liveness.open_challenge = 0;
    }
    Ok(Some((challenge, owner, liveness)))
}

/// A challenge's deadline passed: an answered one just ends; an unanswered one is a miss.
/// Either way the provider goes back into the draw (if it still offers capacity).
fn close(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, params: &ProviderParams, id: &[u8]) -> Result<Vec<Event>, TxError> {
    let Some((challenge, owner, mut liveness)) = end_challenge(state, id)? else { return Ok(Vec::new()) };
    let id = challenge.id;
    let mut events = Vec::new();
    // A provider that left the registry since it was drawn has nothing left to judge.
    let standing = keeper.standing(state, &owner)?;
    if let (0, Some(standing)) = (challenge.answered_height, standing) {
        liveness.missed = liveness.missed.saturating_add(1);
        liveness.missed_in_a_row = liveness.missed_in_a_row.saturating_add(1);
        let jail_until = ctx.height.saturating_add(params.jail_blocks);
        let (slashed, slash_events) = if standing.tombstoned {
            (Coin::new(standing.bond.denom.clone(), 0), Vec::new())
        } else {
            keeper.slash_bond(state, &owner, params.miss_slash(standing.bond.amount), SlashTo::CommunityPool, jail_until, ctx.height)?
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
    }
    state.put_liveness(&owner, &liveness);
    refresh_weight(state, keeper, &owner)?;
    Ok(events)
}

/// A `MsgChallengeResponse`, as the checks see it.
pub struct Answer<'a> {
    pub provider: &'a Address,
    /// The signer when it is not the owner: the provider's registered operator key.
    pub operator: Option<&'a Address>,
    pub id: u64,
    pub nonce: &'a [u8],
    pub attestation: Option<&'a Attestation>,
}

/// The checks of an answer, which CheckTx runs too (so an answer that would fail never pays
/// for a block's space): the challenge is open and unanswered, it is `provider`'s, the signer
/// is its owner or registered operator, the deadline has not passed, the nonce matches, and an
/// attestation (if any) is by an auditor of the provider, over this challenge.
pub fn check_answer(state: &dyn StateRead, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, answer: &Answer<'_>) -> Result<pb::Challenge, TxError> {
    let Answer { provider, operator, id, nonce, attestation } = *answer;
    let height = ctx.height;
    let challenge = state.challenge(id)?.ok_or(SlashingError::ChallengeNotFound(id))?;
    if challenge.provider != provider.to_string() {
        return Err(SlashingError::NotChallenged { id, provider: provider.to_string() }.into());
    }
    super::keeper::check_operator(state, keeper, provider, operator)?;
    if challenge.answered_height != 0 {
        return Err(SlashingError::ChallengeAnswered { id, height: challenge.answered_height }.into());
    }
    if height > challenge.deadline {
        return Err(SlashingError::ChallengeExpired { id, deadline: challenge.deadline }.into());
    }
    if challenge.nonce != nonce {
        return Err(SlashingError::WrongNonce(id).into());
    }
    if let Some(attestation) = attestation {
        attestation.verify(state, keeper, provider, &ctx.chain_id, &challenge)?;
    }
    Ok(challenge)
}

/// `MsgChallengeResponse`: the drawn provider (its owner, or `operator` if that is the key it
/// registered) answers in time with the challenge's nonce. The challenge stays (answered) until
/// its deadline, and the provider out of the draw with it.
pub fn answer(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, answer: &Answer<'_>) -> Result<Vec<Event>, TxError> {
    let (provider, id) = (answer.provider, answer.id);
    let mut challenge = check_answer(state, ctx, keeper, answer)?;
    challenge.answered_height = ctx.height;
    state.update_challenge(&challenge);
    let mut liveness = state.liveness(provider)?;
    liveness.missed_in_a_row = 0;
    liveness.answered = liveness.answered.saturating_add(1);
    liveness.last_answered_height = ctx.height;
    if let Some(attestation) = answer.attestation {
        liveness.attested = liveness.attested.saturating_add(1);
        liveness.last_attested_height = ctx.height;
        liveness.last_attester = attestation.auditor.to_string();
    }
    state.put_liveness(provider, &liveness);
    Ok(vec![ChallengeAnswered { id, provider, attester: answer.attestation.map(|a| &a.auditor) }.to_event()])
}
