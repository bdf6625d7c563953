use agora_proto::market::v1 as mpb;
use agora_store::StateWrite;
use agora_types::Event;

use super::deployment::active;
use crate::ids::BidId;
use crate::keepers::Keepers;
use crate::lifecycle;
use crate::state::MarketRead;
use crate::MarketError;

/// The tenant awards the order to one of its open bids (any, not only the cheapest).
pub fn create<S: StateWrite>(state: &mut S, k: &Keepers, id: &BidId, height: u64) -> Result<Vec<Event>, MarketError> {
    active(state, &id.deployment())?;
    lifecycle::award(state, k, id, height, false)
}

/// The tenant closes a lease; if the group is still wanted, a new order opens.
pub fn close<S: StateWrite>(state: &mut S, k: &Keepers, id: &BidId, height: u64) -> Result<Vec<Event>, MarketError> {
    let mut events = lifecycle::close_lease(state, k, id, mpb::LeaseCloseReason::Owner, height)?;
    events.extend(lifecycle::reorder_if_wanted(state, &id.group(), height)?);
    Ok(events)
}

/// The provider collects what the lease has accrued.
pub fn withdraw<S: StateWrite>(state: &mut S, k: &Keepers, id: &BidId, height: u64) -> Result<Vec<Event>, MarketError> {
    let lease = state.lease(id)?.ok_or_else(|| MarketError::LeaseNotFound(id.to_string()))?;
    if lease.state != mpb::LeaseState::Active as i32 {
        return Err(MarketError::LeaseNotActive(id.to_string()));
    }
    k.escrow.withdraw_payment(state, &id.deployment().escrow_account(), &id.payment(), height)
}
