//! Message handlers; `execute` is the module's exhaustive router. Each handler checks what
//! depends on state (existence, funds, capacity) before it writes anything. Authority needs no
//! check here: a message's signer is the party its ids name (the tenant for a lease id's owner,
//! the provider for its provider), and the ante handler verified that signature.

mod bid;
pub(crate) use bid::deposit_coin;
mod deployment;
mod group;
mod lease;

use agora_store::StateWrite;
use agora_types::{BlockContext, Event};

use crate::keepers::Keepers;
use crate::{MarketError, MarketMsg};

pub fn execute<S: StateWrite>(state: &mut S, k: &Keepers, ctx: &BlockContext, msg: &MarketMsg) -> Result<Vec<Event>, MarketError> {
    let height = ctx.height;
    match msg {
        MarketMsg::CreateDeployment(m) => deployment::create(state, k, m, height),
        MarketMsg::UpdateDeployment { id, version_hash } => deployment::update(state, id, version_hash),
        MarketMsg::CloseDeployment { id } => deployment::close(state, k, id, height),
        MarketMsg::DepositDeployment { id, amount, depositor } => deployment::deposit(state, k, id, amount, depositor, height),
        MarketMsg::CloseGroup { id } => group::close(state, k, id, height),
        MarketMsg::PauseGroup { id } => group::pause(state, k, id, height),
        MarketMsg::StartGroup { id } => group::start(state, k, id, height),
        MarketMsg::CreateBid(m) => bid::create(state, k, m, height),
        MarketMsg::CloseBid { id, reason } => bid::close(state, k, id, *reason, height),
        MarketMsg::CreateLease { id } => lease::create(state, k, id, height),
        MarketMsg::CloseLease { id } => lease::close(state, k, id, height),
        MarketMsg::WithdrawLease { id } => lease::withdraw(state, k, id, height),
        // The components hold the authority and handle these.
        MarketMsg::UpdateDeploymentParams { .. } | MarketMsg::UpdateMarketParams { .. } => {
            Err(MarketError::Internal("MsgUpdateParams reached the market handler".into()))
        }
    }
}
