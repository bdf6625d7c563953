//! Mint's invariant: its records decode and the stored parameters obey their rules. (The
//! minter's inflation may sit outside new bounds between a parameter change and the next
//! block, which brings it back; the SDK's mint has no invariant at all.)

use agora_store::StateRead;

use crate::MintRead;

pub fn check(state: &dyn StateRead) -> Result<(), String> {
    state.mint_params().map_err(|e| e.to_string())?.validate().map_err(|e| e.to_string())?;
    state.minter().map_err(|e| e.to_string())?;
    Ok(())
}
