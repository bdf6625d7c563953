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

use crate::{MarketError, MarketMsg};

pub fn execute<S: StateWrite>(state: &mut S, ctx: &BlockContext, msg: &MarketMsg) -> Result<Vec<Event>, MarketError> {
    let height = ctx.height;
    match msg {
        MarketMsg::CreateDeployment(m) => deployment::create(state, m, height),
        MarketMsg::UpdateDeployment { id, version_hash } => deployment::update(state, id, version_hash),
        MarketMsg::CloseDeployment { id } => deployment::close(state, id, height),
        MarketMsg::DepositDeployment { id, amount, depositor } => deployment::deposit(state, id, amount, depositor, height),
        MarketMsg::CloseGroup { id } => group::close(state, id, height),
        MarketMsg::PauseGroup { id } => group::pause(state, id, height),
        MarketMsg::StartGroup { id } => group::start(state, id, height),
        MarketMsg::CreateBid(m) => bid::create(state, m, height),
        MarketMsg::CloseBid { id, reason } => bid::close(state, id, *reason, height),
        MarketMsg::CreateLease { id } => lease::create(state, id, height),
        MarketMsg::CloseLease { id } => lease::close(state, id, height),
        MarketMsg::WithdrawLease { id } => lease::withdraw(state, id, height),
        // The components hold the authority and handle these.
        MarketMsg::UpdateDeploymentParams { .. } | MarketMsg::UpdateMarketParams { .. } => {
            Err(MarketError::Internal("MsgUpdateParams reached the market handler".into()))
        }
    }
}
