//! The bounds CometBFT itself puts on consensus parameters: parameters it would refuse must
//! never reach it (it would halt).

use tendermint_proto::v0_38::types::ConsensusParams;

/// CometBFT's largest block (`types.MaxBlockSizeBytes`, 100 MiB).
pub const MAX_BLOCK_BYTES: u64 = 104_857_600;

/// Key types CometBFT 0.38 accepts for validators.
const KEY_TYPES: &[&str] = &["ed25519", "secp256k1"];

/// Checks every section; the error names the field.
pub fn validate(params: &ConsensusParams) -> Result<(), String> {
    let block = params.block.as_ref().ok_or("block parameters are missing")?;
    if block.max_bytes == 0 || block.max_bytes < -1 || block.max_bytes > MAX_BLOCK_BYTES as i64 {
        return Err(format!("block.max_bytes must be -1 or within 1..={MAX_BLOCK_BYTES}, not {}", block.max_bytes));
    }
    if block.max_gas < -1 {
        return Err(format!("block.max_gas must be -1 (no limit) or at least 0, not {}", block.max_gas));
    }
    let evidence = params.evidence.as_ref().ok_or("evidence parameters are missing")?;
    if evidence.max_age_num_blocks <= 0 {
        return Err(format!("evidence.max_age_num_blocks must be positive, not {}", evidence.max_age_num_blocks));
    }
    let age = evidence.max_age_duration.as_ref().ok_or("evidence.max_age_duration is missing")?;
    if age.seconds < 0 || age.nanos < 0 || (age.seconds == 0 && age.nanos == 0) {
        return Err(format!("evidence.max_age_duration must be positive, not {}s {}ns", age.seconds, age.nanos));
    }
    let block_bytes = if block.max_bytes == -1 { MAX_BLOCK_BYTES as i64 } else { block.max_bytes };
    if evidence.max_bytes < 0 || evidence.max_bytes > block_bytes {
        return Err(format!("evidence.max_bytes must be within 0..={block_bytes} (the block's size), not {}", evidence.max_bytes));
    }
    let validator = params.validator.as_ref().ok_or("validator parameters are missing")?;
    if validator.pub_key_types.is_empty() {
        return Err("validator.pub_key_types must name at least one key type".into());
    }
    if let Some(unknown) = validator.pub_key_types.iter().find(|t| !KEY_TYPES.contains(&t.as_str())) {
        return Err(format!("validator.pub_key_types: unknown key type {unknown:?} (known: {})", KEY_TYPES.join(", ")));
    }
    if let Some(abci) = &params.abci {
        if abci.vote_extensions_enable_height < 0 {
            return Err(format!("abci.vote_extensions_enable_height must not be negative, not {}", abci.vote_extensions_enable_height));
        }
    }
    Ok(())
}
