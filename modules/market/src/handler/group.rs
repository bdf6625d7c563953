use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_store::StateWrite;
use agora_types::Event;

use super::deployment::active;
use crate::ids::GroupId;
use crate::keepers::Keepers;
use crate::lifecycle::{self, group_state_name};
use crate::state::MarketRead;
use crate::MarketError;

fn load<S: StateWrite>(state: &S, id: &GroupId) -> Result<dpb::Group, MarketError> {
    active(state, &id.deployment())?;
    state.group(id)?.ok_or_else(|| MarketError::GroupNotFound(id.to_string()))
}

fn refuse(id: &GroupId, group: &dpb::Group, action: &str) -> MarketError {
    let state = dpb::GroupState::try_from(group.state).unwrap_or(dpb::GroupState::Unspecified);
    MarketError::GroupState { id: id.to_string(), state: group_state_name(state).into(), action: action.into() }
}

pub fn close<S: StateWrite>(state: &mut S, k: &Keepers, id: &GroupId, height: u64) -> Result<Vec<Event>, MarketError> {
    let group = load(state, id)?;
    if group.state == dpb::GroupState::Closed as i32 {
        return Err(refuse(id, &group, "closing it"));
    }
    lifecycle::stop_group(state, k, id, dpb::GroupState::Closed, mpb::LeaseCloseReason::Owner, "group_closed", height)
}

pub fn pause<S: StateWrite>(state: &mut S, k: &Keepers, id: &GroupId, height: u64) -> Result<Vec<Event>, MarketError> {
    let group = load(state, id)?;
    if group.state != dpb::GroupState::Open as i32 {
        return Err(refuse(id, &group, "pausing it"));
    }
    lifecycle::stop_group(state, k, id, dpb::GroupState::Paused, mpb::LeaseCloseReason::Owner, "group_paused", height)
}

pub fn start<S: StateWrite>(state: &mut S, k: &Keepers, id: &GroupId, height: u64) -> Result<Vec<Event>, MarketError> {
    let mut group = load(state, id)?;
    let restartable = [dpb::GroupState::Paused as i32, dpb::GroupState::InsufficientFunds as i32];
    if !restartable.contains(&group.state) {
        return Err(refuse(id, &group, "starting it"));
    }
    let funded = k.escrow.is_funded(state, &id.deployment().escrow_account())?;
    if !funded {
        return Err(MarketError::Other(agora_types::TxError::new(
            "sdk",
            5,
            format!("deployment {} is out of funds: deposit before starting group {}", id.deployment(), id.gseq),
        )));
    }
    lifecycle::start_group(state, id, &mut group, height)
}
