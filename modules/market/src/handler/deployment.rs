use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_store::StateWrite;
use agora_types::{Address, Coin, Event, TypedEvent};

use crate::event::MarketEvent;
use crate::ids::DeploymentId;
use crate::keepers::Keepers;
use crate::lifecycle;
use crate::msg::CreateDeployment;
use crate::state::{MarketRead, MarketWrite};
use crate::MarketError;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An active deployment of `id`.
pub(super) fn active<S: StateWrite>(state: &S, id: &DeploymentId) -> Result<dpb::Deployment, MarketError> {
    let deployment = state.deployment(id)?.ok_or_else(|| MarketError::DeploymentNotFound(id.to_string()))?;
    if deployment.state != dpb::DeploymentState::Active as i32 {
        return Err(MarketError::DeploymentClosed(id.to_string()));
    }
    Ok(deployment)
}

pub fn create<S: StateWrite>(state: &mut S, k: &Keepers, msg: &CreateDeployment, height: u64) -> Result<Vec<Event>, MarketError> {
    let id = msg.id;
    if state.deployment(&id)?.is_some() {
        return Err(MarketError::DeploymentExists(id.to_string()));
    }
    // A pruned deployment's ids (groups, orders, leases, payments) are never reused.
    let pruned = state.pruned_dseq(&id.owner)?;
    if id.dseq <= pruned {
        return Err(MarketError::DeploymentExists(format!("{id} (dseq {} or below of this owner was used and pruned; pick a higher dseq)", pruned)));
    }
    let params = state.deployment_params()?;
    if !params.allowed_payment_denoms.contains(&msg.deposit.denom) {
        return Err(MarketError::DenomNotAllowed(msg.deposit.denom.to_string()));
    }
    let min = params.min_deposit_of(&msg.deposit.denom);
    if msg.deposit.amount < min {
        return Err(MarketError::DepositTooSmall { got: msg.deposit.to_string(), min: Coin::new(msg.deposit.denom.clone(), min).to_string() });
    }
    if msg.groups.len() > params.max_groups as usize {
        return Err(MarketError::TooMany { what: format!("{} groups", msg.groups.len()), max: params.max_groups });
    }
    for (i, group) in msg.groups.iter().enumerate() {
        let units = &group.proto.resources;
        if units.len() > params.max_units_per_group as usize {
            return Err(MarketError::TooMany { what: format!("groups[{i}]: {} resource units", units.len()), max: params.max_units_per_group });
        }
        if let Some(unit) = units.iter().find(|u| u.count > params.max_replicas_per_unit) {
            return Err(MarketError::TooMany { what: format!("groups[{i}]: {} replicas", unit.count), max: params.max_replicas_per_unit });
        }
    }
    let mut events = k.escrow.open_account(state, &id.escrow_account(), &id.owner, &msg.deposit, height)?;
    state.put_deployment(
        &id,
        &dpb::Deployment {
            id: Some(id.to_proto()),
            state: dpb::DeploymentState::Active as i32,
            version_hash: msg.version_hash.clone(),
            created_height: height,
        },
    );
    events.push(MarketEvent::DeploymentCreated { id, version: hex(&msg.version_hash) }.to_event());
    for (index, spec) in msg.groups.iter().enumerate() {
        let gseq = u32::try_from(index + 1).map_err(|_| MarketError::Internal("too many groups".into()))?;
        let gid = id.group(gseq);
        let mut group = dpb::Group {
            id: Some(gid.to_proto()),
            state: dpb::GroupState::Open as i32,
            spec: Some(spec.proto.clone()),
            created_height: height,
            last_oseq: 0,
        };
        events.extend(lifecycle::open_order(state, &gid, &mut group, height)?);
        state.put_group(&gid, &group);
    }
    Ok(events)
}

pub fn update<S: StateWrite>(state: &mut S, id: &DeploymentId, version_hash: &[u8]) -> Result<Vec<Event>, MarketError> {
    let mut deployment = active(state, id)?;
    if deployment.version_hash == version_hash {
        return Err(MarketError::InvalidVersion("the deployment already has this version".into()));
    }
    deployment.version_hash = version_hash.to_vec();
    state.put_deployment(id, &deployment);
    Ok(vec![MarketEvent::DeploymentUpdated { id: *id, version: hex(version_hash) }.to_event()])
}

pub fn close<S: StateWrite>(state: &mut S, k: &Keepers, id: &DeploymentId, height: u64) -> Result<Vec<Event>, MarketError> {
    let mut deployment = active(state, id)?;
    let mut events = Vec::new();
    for group in state.groups(id)? {
        if group.state == dpb::GroupState::Closed as i32 {
            continue;
        }
        let gid = crate::ids::GroupId::from_proto("group.id", group.id.as_ref())?;
        events.extend(lifecycle::stop_group(
            state,
            k,
            &gid,
            dpb::GroupState::Closed,
            mpb::LeaseCloseReason::Owner,
            "deployment_closed",
            height,
        )?);
    }
    events.extend(k.escrow.close_account(state, &id.escrow_account(), height)?);
    deployment.state = dpb::DeploymentState::Closed as i32;
    state.put_deployment(id, &deployment);
    lifecycle::schedule_prune(state, crate::state::keys::PRUNE_DEPLOYMENT, &id.to_bytes(), height)?;
    events.push(MarketEvent::DeploymentClosed { id: *id }.to_event());
    Ok(events)
}

/// Anyone may top up; groups stopped for lack of funds go back on the market.
pub fn deposit<S: StateWrite>(state: &mut S, k: &Keepers, id: &DeploymentId, amount: &Coin, depositor: &Address, height: u64) -> Result<Vec<Event>, MarketError> {
    active(state, id)?;
    let mut events = k.escrow.deposit(state, &id.escrow_account(), depositor, amount, height)?;
    // Anyone may top up an account; only the owner's own deposit restarts groups that ran dry
    // (a restart opens orders, which for an auction group starts a new lease).
    let open = k.escrow.is_funded(state, &id.escrow_account())?;
    if open && *depositor == id.owner {
        for mut group in state.groups(id)? {
            if group.state == dpb::GroupState::InsufficientFunds as i32 {
                let gid = crate::ids::GroupId::from_proto("group.id", group.id.as_ref())?;
                events.extend(lifecycle::start_group(state, &gid, &mut group, height)?);
            }
        }
    }
    Ok(events)
}
