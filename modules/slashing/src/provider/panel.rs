//! Dispute panels are drawn from auditors who enrolled: an auditor that holds an audit of some
//! provider locks `panelist_bond` (`MsgEnrollPanelist`) for one seat in the draw. The bond is
//! what a seat costs, so packing panels with one's own auditors costs a bond per seat; an
//! auditor leaves (`MsgLeavePanel`) with its bond once no panel it sits on is still voting.
//! Each seat weighs 1 in [`PANEL_DRAW`]; a panel is drawn without replacement, never the
//! parties to the dispute.

use agora_proto::slashing::v1 as pb;
use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt, WeightedSet};
use agora_types::{Address, BlockContext, Coin, Event, TxError, TypedEvent};

use super::event::{PanelistEnrolled, PanelistLeft};

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

/// Draws up to `size` distinct panelists, none of `excluded`; `seed(seat)` seeds each seat.
/// The draw is left as it was found.
pub fn draw(state: &mut dyn StateWrite, excluded: &[Address], size: u32, seed: impl Fn(u32) -> [u8; 32]) -> Result<Vec<Address>, SlashingError> {
    // Out of the draw while it runs: the parties, then each panelist drawn.
    let mut set_aside: Vec<(Vec<u8>, u128)> = Vec::new();
    for address in excluded {
        let id = id_of(address);
        let weight = PANEL_DRAW.weight(state, &id)?;
        if weight > 0 && !set_aside.iter().any(|(i, _)| *i == id) {
            PANEL_DRAW.set(state, &id, 0)?;
            set_aside.push((id, weight));
        }
    }
    let mut panel = Vec::new();
    for seat in 0..size {
        let total = PANEL_DRAW.total(state)?;
        if total == 0 {
            break;
        }
        let bytes = seed(seat);
        let mut point = [0u8; 16];
        point.copy_from_slice(&bytes[..16]);
        let Some(id) = PANEL_DRAW.pick(state, u128::from_be_bytes(point) % total)? else { break };
        let weight = PANEL_DRAW.weight(state, &id)?;
        PANEL_DRAW.set(state, &id, 0)?;
        panel.push(Address::from_slice(&id).map_err(|_| SlashingError::Internal("corrupt panel draw entry".into()))?);
        set_aside.push((id, weight));
    }
    for (id, weight) in set_aside {
        PANEL_DRAW.set(state, &id, weight)?;
    }
    Ok(panel)
}

fn load(state: &dyn StateRead, auditor: &Address) -> Result<pb::Panelist, SlashingError> {
    state.panelist(auditor)?.ok_or_else(|| SlashingError::Internal(format!("panelist {auditor} has no record")))
}

/// The panelist sits on one more panel that is voting.
pub(crate) fn seat(state: &mut dyn StateWrite, auditor: &Address) -> Result<(), SlashingError> {
    let mut record = load(state, auditor)?;
    record.open_panels = record.open_panels.saturating_add(1);
    state.put_proto(keys::panelist(auditor), &record);
    Ok(())
}

/// One of its panels stopped voting.
pub(crate) fn unseat(state: &mut dyn StateWrite, auditor: &Address) -> Result<(), SlashingError> {
    let mut record = load(state, auditor)?;
    record.open_panels = record.open_panels.saturating_sub(1);
    state.put_proto(keys::panelist(auditor), &record);
    Ok(())
}

pub(crate) fn count_vote(state: &mut dyn StateWrite, auditor: &Address) -> Result<(), SlashingError> {
    let mut record = load(state, auditor)?;
    record.votes = record.votes.saturating_add(1);
    state.put_proto(keys::panelist(auditor), &record);
    Ok(())
}

/// `MsgEnrollPanelist`: an auditor of `audited_provider` locks `panelist_bond` for a seat.
pub fn enroll(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, auditor: &Address, audited_provider: &Address) -> Result<Vec<Event>, TxError> {
    if state.panelist(auditor)?.is_some() {
        return Err(SlashingError::AlreadyPanelist(auditor.to_string()).into());
    }
    if !keeper.audited_by(state, audited_provider, auditor)? {
        return Err(SlashingError::NotAuditor { auditor: auditor.to_string(), provider: audited_provider.to_string() }.into());
    }
    let bond = state.provider_penalty_params()?.panelist_bond;
    let mut events = keeper.transfer(state, auditor, &disputes_account(), &bond)?;
    let record = pb::Panelist { auditor: auditor.to_string(), bond: Some(bond.to_proto()), enrolled_height: ctx.height, open_panels: 0, votes: 0 };
    state.put_proto(keys::panelist(auditor), &record);
    PANEL_DRAW.set(state, &id_of(auditor), 1).map_err(SlashingError::from)?;
    events.push(PanelistEnrolled { auditor, bond: &bond }.to_event());
    Ok(events)
}

/// `MsgLeavePanel`: the auditor takes its bond back, once no panel it sits on is voting.
pub fn leave(state: &mut dyn StateWrite, keeper: &dyn ProviderPenaltyKeeper, auditor: &Address) -> Result<Vec<Event>, TxError> {
    let record = state.panelist(auditor)?.ok_or_else(|| SlashingError::PanelistNotFound(auditor.to_string()))?;
    if record.open_panels > 0 {
        return Err(SlashingError::PanelistBusy { auditor: auditor.to_string(), open: record.open_panels }.into());
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
