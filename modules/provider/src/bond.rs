//! Every movement of provider bonds, in one place: locking at creation and returning at the
//! end of unbonding. The bond stays recorded on the `Provider` (its `bond` field), so a later
//! slashing module changes that field and the module account's balance together, here.

use agora_bank::BankError;
use agora_store::StateWrite;
use agora_types::{Address, Coin, Coins, Event};

use crate::keepers::BankKeeper;
use crate::{module_address, ProviderError};

fn coins(bond: &Coin) -> Result<Coins, ProviderError> {
    Coins::from_list(vec![bond.clone()]).map_err(|e| ProviderError::Internal(e.to_string()))
}

/// Moves `bond` from `owner` to the `provider` module account.
pub(crate) fn lock<S: StateWrite>(state: &mut S, bank: &dyn BankKeeper, owner: &Address, bond: &Coin) -> Result<Vec<Event>, ProviderError> {
    bank.send_coins(state, owner, &module_address(), &coins(bond)?).map_err(|e| match e {
        BankError::InsufficientFunds { available, needed } => {
            ProviderError::InsufficientFunds { owner: owner.to_string(), needed, available }
        }
        other => ProviderError::Internal(format!("locking bond of {owner}: {other}")),
    })
}

/// Sends `bond` back from the module account to `owner`. A zero bond (for instance after a
/// full slash) moves nothing.
pub(crate) fn release<S: StateWrite>(state: &mut S, bank: &dyn BankKeeper, owner: &Address, bond: &Coin) -> Result<Vec<Event>, ProviderError> {
    if bond.amount == 0 {
        return Ok(Vec::new());
    }
    bank.send_coins(state, &module_address(), owner, &coins(bond)?)
        .map_err(|e| ProviderError::Internal(format!("returning bond {bond} to {owner}: {e}")))
}

/// The bond recorded on a provider record.
pub fn recorded(provider: &agora_proto::provider::v1::Provider) -> Result<Coin, ProviderError> {
    let proto = provider
        .bond
        .as_ref()
        .ok_or_else(|| ProviderError::Internal(format!("provider {} has no recorded bond", provider.owner)))?;
    Coin::from_proto(proto).map_err(|e| ProviderError::Internal(format!("corrupt bond of provider {}: {e}", provider.owner)))
}
