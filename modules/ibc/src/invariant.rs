//! ICS-20's invariant: what the escrow accounts of all transfer channels hold covers, per
//! denom, the escrow total the module records (ibc-go's `TotalEscrowForDenom`). It may hold
//! more: anyone can send coins to an escrow address, as in ibc-go.

use std::collections::BTreeMap;

use agora_store::StateRead;

use crate::keepers::BankKeeper;
use crate::state::keys;
use crate::transfer::escrow_address;

const TRANSFER_CHANNELS: &str = "ibc/channelEnds/ports/transfer/channels/";

pub fn escrow_totals_match(state: &dyn StateRead, bank: &dyn BankKeeper) -> Result<(), String> {
    let mut held: BTreeMap<String, u128> = BTreeMap::new();
    for entry in state.prefix_raw(TRANSFER_CHANNELS.as_bytes(), None) {
        let (key, _) = entry.map_err(|e| e.to_string())?;
        let channel = String::from_utf8_lossy(&key[TRANSFER_CHANNELS.len()..]).into_owned();
        for coin in bank.all_balances(state, &escrow_address("transfer", &channel)).map_err(|e| e.to_string())?.iter() {
            let total = held.entry(coin.denom.to_string()).or_default();
            *total = total.checked_add(coin.amount).ok_or("escrow balances overflow")?;
        }
    }
    let mut recorded: BTreeMap<String, u128> = BTreeMap::new();
    for entry in state.prefix_raw(keys::TOTAL_ESCROW, None) {
        let (key, value) = entry.map_err(|e| e.to_string())?;
        let denom = String::from_utf8_lossy(&key[keys::TOTAL_ESCROW.len()..]).into_owned();
        let amount: [u8; 16] = value.as_slice().try_into().map_err(|_| format!("escrow total of {denom} is not 16 bytes"))?;
        recorded.insert(denom, u128::from_be_bytes(amount));
    }
    for (denom, total) in &recorded {
        let holding = held.get(denom).copied().unwrap_or(0);
        if holding < *total {
            return Err(format!("escrow accounts hold {holding}{denom}, less than the recorded escrow total {total}{denom}"));
        }
    }
    Ok(())
}
