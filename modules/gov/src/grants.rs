//! Milestone grants (`agora.gov.v1`): a community-pool spend paid in tranches.
//!
//! A passed proposal carrying `MsgCreateGrant` moves the whole budget from the community pool
//! to the `grants` account and pays the first tranche. Each later tranche is paid by a passed
//! release vote: a proposal made only of `MsgReleaseTranche`, which only the recipient may
//! submit, voted for `release_voting_period_seconds` with quorum `release_quorum`. A release
//! vote that is rejected, or a deadline that passes first, returns the rest to the pool. The
//! `grants` account always holds exactly the grants' pending tranches.

use agora_store::{HeightQueue, StateRead, StateWrite, StateWriteExt};
use agora_types::time::NANOS_PER_SEC;
use agora_types::{Address, Coins, Dec, Event, TxError};
use agora_proto::gov::v1 as gpb;
use prost::Message;

use crate::keepers::BankKeeper;
use crate::GovError;

pub const GRANTS_MODULE: &str = "grants";
/// The account that holds the community pool (the distribution module's).
pub const COMMUNITY_POOL: &str = "community_pool";
pub const MSG_CREATE_GRANT_URL: &str = "/agora.gov.v1.MsgCreateGrant";
pub const MSG_RELEASE_TRANCHE_URL: &str = "/agora.gov.v1.MsgReleaseTranche";
pub const MSG_UPDATE_GRANT_PARAMS_URL: &str = "/agora.gov.v1.MsgUpdateGrantParams";
pub const QUERY_SERVICE: &str = "agora.gov.v1.Query";
/// A grant has at most this many tranches; a milestone at most this many bytes.
pub const MAX_TRANCHES: usize = 20;
pub const MAX_MILESTONE_LEN: usize = 1_000;
const MAX_DEADLINE_SECS: u64 = 10 * 365 * 24 * 3600;

const PARAMS: &[u8] = b"gov/grant_params";
const NEXT_GRANT_ID: &[u8] = b"gov/next_grant_id";
const GRANT_PREFIX: &[u8] = b"gov/grant/";
/// Active grants by the deadline of their next tranche (nanoseconds): id.
pub const DEADLINE_QUEUE: HeightQueue = HeightQueue::new(b"gov/queue/grant_deadline/", b"gov/queue_next/grant_deadline");

fn grant_key(id: u64) -> Vec<u8> {
    [GRANT_PREFIX, &id.to_be_bytes()].concat()
}

pub fn default_params() -> gpb::GrantParams {
    gpb::GrantParams { release_voting_period_seconds: 24 * 3600, release_quorum: "0.2".into() }
}

/// Checks grant parameters: a positive period (a century at most), a quorum in [0, 1].
pub fn validate_params(p: &gpb::GrantParams) -> Result<Dec, GovError> {
    if p.release_voting_period_seconds == 0 || p.release_voting_period_seconds > 100 * 365 * 24 * 3600 {
        return Err(GovError::InvalidParams("grant release_voting_period_seconds must be positive and at most 100 years".into()));
    }
    let quorum: Dec = p.release_quorum.parse().map_err(|e| GovError::InvalidParams(format!("grant release_quorum {:?}: {e}", p.release_quorum)))?;
    if quorum > Dec::ONE {
        return Err(GovError::InvalidParams("grant release_quorum must be at most 1".into()));
    }
    Ok(quorum)
}

pub fn params(state: &dyn StateRead) -> Result<gpb::GrantParams, GovError> {
    match state.get_raw(PARAMS)? {
        Some(bytes) => gpb::GrantParams::decode(bytes.as_slice()).map_err(|e| GovError::Internal(format!("corrupt grant params: {e}"))),
        None => Ok(default_params()),
    }
}

pub fn put_params(state: &mut dyn StateWrite, p: &gpb::GrantParams) {
    state.put_proto(PARAMS.to_vec(), p);
}

pub fn grant(state: &dyn StateRead, id: u64) -> Result<Option<gpb::Grant>, GovError> {
    state.get_raw(&grant_key(id))?.map(|b| gpb::Grant::decode(b.as_slice()).map_err(|e| GovError::Internal(format!("corrupt grant: {e}")))).transpose()
}

pub fn put_grant(state: &mut dyn StateWrite, g: &gpb::Grant) {
    state.put_proto(grant_key(g.id), g);
}

pub fn next_grant_id(state: &dyn StateRead) -> Result<u64, GovError> {
    Ok(state.get_raw(NEXT_GRANT_ID)?.and_then(|b| b.try_into().ok()).map_or(1, u64::from_be_bytes))
}

pub fn set_next_grant_id(state: &mut dyn StateWrite, id: u64) {
    state.put_raw(NEXT_GRANT_ID.to_vec(), id.to_be_bytes().to_vec());
}

/// Every grant, in id order.
pub fn all_grants(state: &dyn StateRead) -> Result<Vec<gpb::Grant>, GovError> {
    state
        .prefix_raw(GRANT_PREFIX, None)
        .map(|item| {
            let (_, value) = item?;
            gpb::Grant::decode(value.as_slice()).map_err(|e| GovError::Internal(format!("corrupt grant: {e}")))
        })
        .collect()
}

fn coins(list: &[cosmos_sdk_proto::cosmos::base::v1beta1::Coin]) -> Result<Coins, GovError> {
    Coins::from_protos(list).map_err(|e| GovError::InvalidCoins(e.to_string()))
}

fn sum<'a>(amounts: impl Iterator<Item = &'a [cosmos_sdk_proto::cosmos::base::v1beta1::Coin]>) -> Result<Coins, GovError> {
    let mut total = Coins::new();
    for list in amounts {
        for coin in coins(list)?.iter() {
            total.add(&coin).map_err(|e| GovError::InvalidCoins(e.to_string()))?;
        }
    }
    Ok(total)
}

/// A grant with its paid, pending and returned amounts filled in from its tranches.
pub fn with_totals(mut g: gpb::Grant) -> Result<gpb::Grant, GovError> {
    let total = |wanted: gpb::TrancheState| -> Result<Coins, GovError> {
        sum(g.tranches.iter().filter(|t| t.state == wanted as i32).filter_map(|t| t.tranche.as_ref()).map(|t| t.amount.as_slice()))
    };
    let (paid, pending, returned) = (total(gpb::TrancheState::Paid)?, total(gpb::TrancheState::Pending)?, total(gpb::TrancheState::Returned)?);
    g.paid = paid.to_protos();
    g.pending = pending.to_protos();
    g.returned = returned.to_protos();
    Ok(g)
}

/// What the `grants` account must hold: every pending tranche of every grant.
pub fn pending_total(state: &dyn StateRead) -> Result<Coins, GovError> {
    let grants = all_grants(state)?;
    sum(grants.iter().flat_map(|g| g.tranches.iter()).filter(|t| t.state == gpb::TrancheState::Pending as i32).filter_map(|t| t.tranche.as_ref()).map(|t| t.amount.as_slice()))
}

/// Checks a `MsgCreateGrant`'s content (stateless).
pub fn validate_create(m: &gpb::MsgCreateGrant) -> Result<Address, GovError> {
    let recipient: Address = m.recipient.parse().map_err(|e: agora_types::AddressError| GovError::InvalidAddress(format!("recipient: {e}")))?;
    if m.tranches.is_empty() || m.tranches.len() > MAX_TRANCHES {
        return Err(GovError::InvalidRequest(format!("a grant has 1 to {MAX_TRANCHES} tranches, not {}", m.tranches.len())));
    }
    if m.title.len() > crate::MAX_TITLE_LEN {
        return Err(GovError::MetadataTooLong(format!("grant title of length {}", m.title.len())));
    }
    for (i, t) in m.tranches.iter().enumerate() {
        let amount = coins(&t.amount)?;
        if amount.is_empty() || amount.iter().count() != t.amount.len() {
            return Err(GovError::InvalidCoins(format!("tranche {i}: its amount must be positive")));
        }
        if t.milestone.is_empty() || t.milestone.len() > MAX_MILESTONE_LEN {
            return Err(GovError::InvalidRequest(format!("tranche {i}: a milestone of 1 to {MAX_MILESTONE_LEN} bytes")));
        }
        if i > 0 && (t.deadline_seconds == 0 || t.deadline_seconds > MAX_DEADLINE_SECS) {
            return Err(GovError::InvalidRequest(format!("tranche {i}: a deadline of 1 s to 10 years")));
        }
    }
    Ok(recipient)
}

fn deadline_after(now: u64, g: &gpb::Grant) -> Option<u64> {
    let next = g.tranches.get(g.next_tranche as usize)?.tranche.as_ref()?;
    Some(now.saturating_add(next.deadline_seconds.saturating_mul(NANOS_PER_SEC)))
}

fn unix(nanos: u64) -> i64 {
    i64::try_from(nanos / NANOS_PER_SEC).unwrap_or(i64::MAX)
}

/// When the next tranche's release is missed: the end of its deadline's second (the record
/// keeps whole seconds; the queue and the release check both use this).
pub fn missed_at(g: &gpb::Grant) -> u64 {
    u64::try_from(g.next_deadline).unwrap_or(0).saturating_add(1).saturating_mul(NANOS_PER_SEC)
}

/// Moves on to the next tranche after one was paid: its deadline, or the grant completed.
fn advance(state: &mut dyn StateWrite, g: &mut gpb::Grant, now: u64) -> Result<(), GovError> {
    g.next_tranche = g.next_tranche.saturating_add(1);
    match deadline_after(now, g) {
        Some(deadline) => {
            g.next_deadline = unix(deadline);
            DEADLINE_QUEUE.insert(state, missed_at(g), &g.id.to_be_bytes())?;
        }
        None => {
            g.state = gpb::GrantState::Completed as i32;
            g.next_deadline = 0;
        }
    }
    Ok(())
}

/// Executes a passed `MsgCreateGrant`: the budget leaves the community pool, the first
/// tranche is paid.
pub fn create(state: &mut dyn StateWrite, bank: &dyn BankKeeper, height: u64, now: u64, m: &gpb::MsgCreateGrant) -> Result<Vec<Event>, TxError> {
    let recipient = validate_create(m)?;
    // Every later tranche leaves time for its release vote.
    let vote = params(state)?.release_voting_period_seconds;
    if let Some((i, _)) = m.tranches.iter().enumerate().skip(1).find(|(_, t)| t.deadline_seconds <= vote) {
        return Err(GovError::InvalidRequest(format!("tranche {i}: its deadline must be longer than a release vote ({vote} s)")).into());
    }
    if bank.blocked(state, &recipient)? {
        return Err(GovError::InvalidRequest(format!("recipient {recipient} is a module account that does not receive coins")).into());
    }
    let budget = sum(m.tranches.iter().map(|t| t.amount.as_slice()))?;
    let grants = Address::module(GRANTS_MODULE);
    let mut events = bank.send_coins(state, &Address::module(COMMUNITY_POOL), &grants, &budget)?;
    let id = next_grant_id(state)?;
    set_next_grant_id(state, id.saturating_add(1));
    let first = coins(&m.tranches.first().map(|t| t.amount.clone()).unwrap_or_default())?;
    events.extend(bank.send_coins(state, &grants, &recipient, &first)?);
    let mut g = gpb::Grant {
        id,
        recipient: recipient.to_string(),
        title: m.title.clone(),
        tranches: m
            .tranches
            .iter()
            .enumerate()
            .map(|(i, t)| gpb::GrantTranche {
                tranche: Some(t.clone()),
                state: if i == 0 { gpb::TrancheState::Paid } else { gpb::TrancheState::Pending } as i32,
                settled_height: if i == 0 { height } else { 0 },
            })
            .collect(),
        state: gpb::GrantState::Active as i32,
        next_tranche: 0,
        next_deadline: 0,
        paid: Vec::new(),
        pending: Vec::new(),
        returned: Vec::new(),
    };
    advance(state, &mut g, now)?;
    put_grant(state, &g);
    events.push(Event::new("create_grant").attr("grant_id", id).attr("recipient", &g.recipient).attr("budget", budget).attr("paid", first));
    Ok(events)
}

/// Executes a passed `MsgReleaseTranche`: the next tranche, before its deadline.
pub fn release(state: &mut dyn StateWrite, bank: &dyn BankKeeper, height: u64, now: u64, grant_id: u64, tranche: u32) -> Result<Vec<Event>, TxError> {
    let mut g = grant(state, grant_id)?.ok_or_else(|| TxError::not_found(format!("grant {grant_id} does not exist")))?;
    if g.state != gpb::GrantState::Active as i32 || tranche != g.next_tranche {
        return Err(GovError::InvalidRequest(format!("grant {grant_id}: tranche {tranche} is not the one due (next: {}, state {})", g.next_tranche, g.state)).into());
    }
    // The deadline is enforced in one place, the deadline queue, which runs after the block's
    // votes are decided: a vote that ended in time is paid even if its block came late.
    let slot = g.tranches.get_mut(tranche as usize).ok_or_else(|| TxError::internal("grant without its tranche"))?;
    let amount = coins(&slot.tranche.as_ref().map(|t| t.amount.clone()).unwrap_or_default())?;
    slot.state = gpb::TrancheState::Paid as i32;
    slot.settled_height = height;
    let recipient: Address = g.recipient.parse().map_err(|e: agora_types::AddressError| TxError::internal(e.to_string()))?;
    let mut events = bank.send_coins(state, &Address::module(GRANTS_MODULE), &recipient, &amount)?;
    remove_deadline(state, &g);
    advance(state, &mut g, now)?;
    put_grant(state, &g);
    events.push(Event::new("release_tranche").attr("grant_id", grant_id).attr("tranche", tranche).attr("amount", amount));
    Ok(events)
}

fn remove_deadline(state: &mut dyn StateWrite, g: &gpb::Grant) {
    if g.next_deadline > 0 {
        DEADLINE_QUEUE.remove(state, missed_at(g), &g.id.to_be_bytes());
    }
}

/// Closes an active grant: its pending tranches go back to the community pool.
pub fn close(state: &mut dyn StateWrite, bank: &dyn BankKeeper, height: u64, grant_id: u64, why: &str) -> Result<Vec<Event>, TxError> {
    let Some(mut g) = grant(state, grant_id)? else { return Ok(Vec::new()) };
    if g.state != gpb::GrantState::Active as i32 {
        return Ok(Vec::new());
    }
    let mut back = Coins::new();
    for slot in g.tranches.iter_mut().filter(|t| t.state == gpb::TrancheState::Pending as i32) {
        for coin in coins(&slot.tranche.as_ref().map(|t| t.amount.clone()).unwrap_or_default())?.iter() {
            back.add(&coin).map_err(|e| TxError::internal(e.to_string()))?;
        }
        slot.state = gpb::TrancheState::Returned as i32;
        slot.settled_height = height;
    }
    let mut events = if back.is_empty() { Vec::new() } else { bank.send_coins(state, &Address::module(GRANTS_MODULE), &Address::module(COMMUNITY_POOL), &back)? };
    remove_deadline(state, &g);
    g.state = gpb::GrantState::Closed as i32;
    g.next_deadline = 0;
    put_grant(state, &g);
    events.push(Event::new("close_grant").attr("grant_id", grant_id).attr("returned", back).attr("reason", why));
    Ok(events)
}

/// The (grant, tranche) a release vote releases: `Some` for a proposal whose one message is
/// a `MsgReleaseTranche` (a release vote pays one milestone of one grant).
pub fn release_target(messages: &[cosmos_sdk_proto::Any]) -> Option<(u64, u32)> {
    let [message] = messages else { return None };
    if message.type_url != MSG_RELEASE_TRANCHE_URL {
        return None;
    }
    gpb::MsgReleaseTranche::decode(message.value.as_slice()).ok().map(|r| (r.grant_id, r.tranche))
}

/// Whether `messages` carry a `MsgReleaseTranche` at all (a release must be a vote of its own).
pub fn carries_release(messages: &[cosmos_sdk_proto::Any]) -> bool {
    messages.iter().any(|m| m.type_url == MSG_RELEASE_TRANCHE_URL)
}
