//! The start of every block (the SDK's `BeginBlocker`): the next inflation rate from the
//! bonded ratio, the annual provisions at the current supply, and one block's share of them
//! minted and paid to the fee collector.

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coins, Event};

use crate::keepers::{BankKeeper, StakingKeeper};
use crate::state::{MintRead, MintRecords};
use crate::{bonded_ratio, event, MintError, FEE_COLLECTOR, MINT_MODULE};

pub fn begin_block(state: &mut dyn StateWrite, bank: &dyn BankKeeper, staking: &dyn StakingKeeper) -> Result<Vec<Event>, MintError> {
    let params = state.mint_params()?;
    let mut minter = state.minter()?;
    let read: &dyn StateRead = &state;
    let supply = bank.supply_of(read, &params.mint_denom)?;
    let bonded = staking.bonded_tokens(read)?;
    let ratio = bonded_ratio(bonded, supply)?;
    minter.inflation = minter.next_inflation_rate(&params, ratio)?;
    minter.annual_provisions = minter.next_annual_provisions(supply)?;
    state.put_minter(&minter);

    let provision = minter.block_provision(&params)?;
    let mut events = Vec::new();
    if provision.amount > 0 {
        let coins = Coins::from_list(vec![provision.clone()]).map_err(|e| MintError::Internal(e.to_string()))?;
        events.extend(bank.mint_coins(state, MINT_MODULE, &coins)?);
        events.extend(bank.send_coins(state, &Address::module(MINT_MODULE), &Address::module(FEE_COLLECTOR), &coins)?);
    }
    events.push(event::mint(ratio, &minter, provision.amount));
    Ok(events)
}
