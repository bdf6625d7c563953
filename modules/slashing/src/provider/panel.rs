//! Dispute panels are drawn from auditors who took a seat: an auditor that holds an audit of
//! some provider locks `panelist_bond` (`MsgEnrollPanelist`) for one seat. A seat enters the
//! draw only after `panelist_warmup_blocks` (so no seat is bought for the dispute at hand), and
//! leaves it at once with `MsgLeavePanel`; the bond returns when the auditor asks again, from
//! `panelist_cooldown_blocks` later and once no panel it sits on is voting. Each vote a panelist
//! does not cast burns `absent_slash_bps` of its bond, so a seat that only waits to be drawn
//! and stays silent costs its holder; a bond left below `panelist_bond` takes the seat out of
//! the draw. Each seat in the draw weighs 1 in [`PANEL_DRAW`]; a panel is drawn without
//! replacement and without writing, never the parties to the dispute.

use agora_proto::slashing::v1 as pb;
use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt, WeightedSet};
use agora_types::{Address, BlockContext, Coin, Event, TxError, TypedEvent};

use super::event::{PanelistEnrolled, PanelistLeaving, PanelistLeft, PanelistMissedVote};
use super::params::share;

use super::dispute::disputes_account;
use super::keeper::ProviderPenaltyKeeper;
use super::keys;
use super::state::ProviderPenaltyRead;
use crate::SlashingError;

/// Enrolled auditors, one seat each.
pub const PANEL_DRAW: WeightedSet = WeightedSet::new(b"slashing/provider/panel_draw/");

pub trait PanelRead: StateRead {
    fn panelist(&self, auditor: &Address) -> Result<Option<pb::Panelist>, SlashingError> {
        Ok(self.get_proto(&keys::panelist(auditor))?)
    }
}

impl<S: StateRead + ?Sized> PanelRead for S {}

/// Seats in the draw (enrolled auditors).
pub fn seats(state: &dyn StateRead) -> Result<u128, SlashingError> {
    Ok(PANEL_DRAW.total(state)?)
}

fn id_of(auditor: &Address) -> Vec<u8> {
    auditor.as_bytes().to_vec()
}

/// Attempts a draw makes per seat before it gives up (collisions with the parties or with seats
/// already drawn are re-drawn; with a few seats more than the panel they are rare).
pub const ATTEMPTS_PER_SEAT: u32 = 4;

/// Draws up to `size` distinct panelists, none of `excluded`, reading the draw only:
/// `seed(attempt)` seeds each attempt; one that lands on a party or on a seat already drawn is
/// drawn again, at most [`ATTEMPTS_PER_SEAT`] times per seat in all.
pub fn draw(state: &dyn StateRead, excluded: &[Address], size: u32, seed: impl Fn(u32) -> [u8; 32]) -> Result<Vec<Address>, SlashingError> {
    let total = PANEL_DRAW.total(state)?;
    let mut panel: Vec<Address> = Vec::new();
    if total == 0 {
        return Ok(panel);
    }
    let attempts = size.saturating_mul(ATTEMPTS_PER_SEAT);
    for attempt in 0..attempts {
        if panel.len() >= usize::try_from(size).unwrap_or(usize::MAX) {
            break;
        }
        let bytes = seed(attempt);
        let mut point = [0u8; 16];
        point.copy_from_slice(&bytes[..16]);
        let Some(id) = PANEL_DRAW.pick(state, u128::from_be_bytes(point) % total)? else { break };
        let address = Address::from_slice(&id).map_err(|_| SlashingError::Internal("corrupt panel draw entry".into()))?;
        if !excluded.contains(&address) && !panel.contains(&address) {
            panel.push(address);
        }
    }
    Ok(panel)
}

fn load(state: &dyn StateRead, auditor: &Address) -> Result<pb::Panelist, SlashingError> {
    state.panelist(auditor)?.ok_or_else(|| SlashingError::Internal(format!("panelist {auditor} has no record")))
}

fn update(state: &mut dyn StateWrite, auditor: &Address, change: impl FnOnce(&mut pb::Panelist)) -> Result<(), SlashingError> {
    let mut record = load(state, auditor)?;
    change(&mut record);
    state.put_proto(keys::panelist(auditor), &record);
    Ok(())
}

/// The panelist sits on one more panel that is voting.
pub(crate) fn seat(state: &mut dyn StateWrite, auditor: &Address) -> Result<(), SlashingError> {
    update(state, auditor, |r| r.open_panels = r.open_panels.saturating_add(1))
}

/// One of its panels stopped voting.
pub(crate) fn unseat(state: &mut dyn StateWrite, auditor: &Address) -> Result<(), SlashingError> {
    update(state, auditor, |r| r.open_panels = r.open_panels.saturating_sub(1))
}

pub(crate) fn count_vote(state: &mut dyn StateWrite, auditor: &Address) -> Result<(), SlashingError> {
    update(state, auditor, |r| r.votes = r.votes.saturating_add(1))
}

/// `MsgEnrollPanelist`: an auditor of `audited_provider` locks `panelist_bond` for a seat, in
/// the draw once its warm-up has passed.
pub fn enroll(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, auditor: &Address, audited_provider: &Address) -> Result<Vec<Event>, TxError> {
    if state.panelist(auditor)?.is_some() {
        return Err(SlashingError::AlreadyPanelist(auditor.to_string()).into());
    }
    if !keeper.audited_by(state, audited_provider, auditor)? {
        return Err(SlashingError::NotAuditor { auditor: auditor.to_string(), provider: audited_provider.to_string() }.into());
    }
    let params = state.provider_penalty_params()?;
    let bond = params.panelist_bond;
    let mut events = keeper.transfer(state, auditor, &disputes_account(), &bond)?;
    let active_height = ctx.height.saturating_add(params.panelist_warmup_blocks);
    let mut record = pb::Panelist { auditor: auditor.to_string(), bond: Some(bond.to_proto()), enrolled_height: ctx.height, active_height, ..Default::default() };
    if params.panelist_warmup_blocks == 0 {
        record.in_draw = true;
        PANEL_DRAW.set(state, &id_of(auditor), 1).map_err(SlashingError::from)?;
    } else {
        PANEL_DRAW.set(state, &id_of(auditor), 0).map_err(SlashingError::from)?;
        keys::SEAT_QUEUE.insert(state, active_height, &id_of(auditor)).map_err(SlashingError::from)?;
    }
    state.put_proto(keys::panelist(auditor), &record);
    events.push(PanelistEnrolled { auditor, bond: &bond, active_height }.to_event());
    Ok(events)
}

/// Seats whose warm-up ends at or before this block enter the draw (at most `budget`; the rest
/// wait), each on its own fork. A seat that left meanwhile stays out, and so does one taken
/// again since its entry was queued (its own entry comes at its own height).
pub(crate) fn activate_due(state: &mut dyn StateWrite, height: u64, budget: usize) -> Result<Vec<Event>, SlashingError> {
    let mut events = Vec::new();
    for (due, id) in keys::SEAT_QUEUE.take_due(state, height, budget)? {
        let activated = agora_component::isolated(state, |fork| -> Result<(), TxError> {
            let auditor = Address::from_slice(&id).map_err(|_| SlashingError::Internal("corrupt seat queue entry".into()))?;
            let Some(mut record) = fork.panelist(&auditor)? else { return Ok(()) };
            if record.leave_height == 0 && !record.in_draw && record.active_height == due {
                record.in_draw = true;
                fork.put_proto(keys::panelist(&auditor), &record);
                PANEL_DRAW.set(fork, &id, 1).map_err(SlashingError::from)?;
            }
            Ok(())
        });
        if let Err(error) = activated {
            events.push(agora_component::entry_failed(state, "slashing", "panel_seat", due, &id, height, &error));
        }
    }
    Ok(events)
}

/// Out of the draw for good: the seat is leaving, its bond returning from `leave_height`.
fn start_leaving(state: &mut dyn StateWrite, auditor: &Address, record: &mut pb::Panelist, leave_height: u64) -> Result<(), SlashingError> {
    record.in_draw = false;
    record.leave_height = leave_height.max(1);
    PANEL_DRAW.set(state, &id_of(auditor), 0)?;
    Ok(())
}

/// A panelist sat on a panel and did not vote: `absent_slash_bps` of its bond is burned; a bond
/// left below `panelist_bond` takes the seat out of the draw.
pub(crate) fn missed_vote(
    state: &mut dyn StateWrite,
    keeper: &dyn ProviderPenaltyKeeper,
    params: &super::ProviderParams,
    auditor: &Address,
    height: u64,
) -> Result<Vec<Event>, TxError> {
    let mut record = load(state, auditor)?;
    record.missed_votes = record.missed_votes.saturating_add(1);
    let bond = record.bond.as_ref().map(Coin::from_proto).transpose().map_err(|e| SlashingError::Internal(format!("panelist {auditor}'s bond: {e}")))?;
    let mut events = Vec::new();
    if let Some(mut bond) = bond {
        let burned = Coin::new(bond.denom.clone(), share(bond.amount, params.absent_slash_bps));
        if burned.amount > 0 {
            events.extend(keeper.burn_held(state, &burned)?);
            bond.amount -= burned.amount;
            record.bond = Some(bond.to_proto());
        }
        events.push(PanelistMissedVote { auditor, burned: &burned }.to_event());
        let short = bond.denom != params.panelist_bond.denom || bond.amount < params.panelist_bond.amount;
        if short && record.leave_height == 0 {
            start_leaving(state, auditor, &mut record, height)?;
        }
    }
    state.put_proto(keys::panelist(auditor), &record);
    Ok(events)
}

/// `MsgLeavePanel`: the first takes the seat out of the draw; one from `leave_height` on, once no
/// panel of the auditor is voting, returns its bond.
pub fn leave(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, auditor: &Address) -> Result<Vec<Event>, TxError> {
    let mut record = state.panelist(auditor)?.ok_or_else(|| SlashingError::PanelistNotFound(auditor.to_string()))?;
    if record.leave_height == 0 {
        let cooldown = state.provider_penalty_params()?.panelist_cooldown_blocks;
        start_leaving(state, auditor, &mut record, ctx.height.saturating_add(cooldown))?;
        state.put_proto(keys::panelist(auditor), &record);
        return Ok(vec![PanelistLeaving { auditor, bond_returns: record.leave_height }.to_event()]);
    }
    if ctx.height < record.leave_height || record.open_panels > 0 {
        return Err(SlashingError::PanelistBusy { auditor: auditor.to_string(), open: record.open_panels, leave_height: record.leave_height }.into());
    }
    let bond = record.bond.as_ref().map(Coin::from_proto).transpose().map_err(|e| SlashingError::Internal(format!("panelist {auditor}'s bond: {e}")))?;
    let mut events = Vec::new();
    if let Some(bond) = bond.filter(|b| b.amount > 0) {
        events.extend(keeper.transfer(state, &disputes_account(), auditor, &bond)?);
    }
    state.delete(keys::panelist(auditor));
    PANEL_DRAW.remove(state, &id_of(auditor)).map_err(SlashingError::from)?;
    events.push(PanelistLeft { auditor }.to_event());
    Ok(events)
}
