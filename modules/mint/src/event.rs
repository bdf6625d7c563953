//! Mint's event, with the Cosmos SDK's type and attribute names.

use agora_types::{Dec, Event};

use crate::Minter;

/// `mint`: the bonded ratio the block's inflation followed, the new rate, its annual
/// provisions and what the block minted (emitted even when that rounds to nothing, as the
/// SDK does).
pub fn mint(bonded_ratio: Dec, minter: &Minter, amount: u128) -> Event {
    Event::new("mint")
        .attr("bonded_ratio", bonded_ratio.to_legacy_string())
        .attr("inflation", minter.inflation.to_legacy_string())
        .attr("annual_provisions", minter.annual_provisions.to_legacy_string())
        .attr("amount", amount)
}
