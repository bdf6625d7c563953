//! The bounds consensus parameters must keep. Parameters CometBFT would refuse, or that would
//! stop the chain (a block too small for its header and commit, a gas limit no transaction
//! fits, including the vote that would fix it), must never reach it: CometBFT would halt, and
//! replaying the block would halt it again.

use tendermint_proto::v0_38::types::ConsensusParams;

/// CometBFT's largest block (`types.MaxBlockSizeBytes`, 100 MiB).
pub const MAX_BLOCK_BYTES: u64 = 104_857_600;
/// The smallest block: room for the header, a large validator set's commit, evidence and
/// transactions.
pub const MIN_BLOCK_BYTES: u64 = 1_048_576;
/// The smallest block gas limit (when there is one): many ordinary transactions, a governance
/// vote among them, must always fit.
pub const MIN_BLOCK_GAS: u64 = 10_000_000;
/// Go's `time.Duration` holds at most this many seconds (`i64` nanoseconds).
const MAX_DURATION_SECONDS: i64 = i64::MAX / 1_000_000_000;

/// Key types CometBFT 0.38 accepts for validators.
const KEY_TYPES: &[&str] = &["ed25519", "secp256k1"];

/// Checks every section; the error names the field.
pub fn validate(params: &ConsensusParams) -> Result<(), String> {
    let block = params.block.as_ref().ok_or("block parameters are missing")?;
    let max_bytes = u64::try_from(block.max_bytes).unwrap_or(0);
    if !(MIN_BLOCK_BYTES..=MAX_BLOCK_BYTES).contains(&max_bytes) {
        return Err(format!("block.max_bytes must be within {MIN_BLOCK_BYTES}..={MAX_BLOCK_BYTES}, not {}", block.max_bytes));
    }
    if block.max_gas != -1 && u64::try_from(block.max_gas).map_or(true, |gas| gas < MIN_BLOCK_GAS) {
        return Err(format!("block.max_gas must be -1 (no limit) or at least {MIN_BLOCK_GAS}, not {}", block.max_gas));
    }
    let evidence = params.evidence.as_ref().ok_or("evidence parameters are missing")?;
    if evidence.max_age_num_blocks <= 0 {
        return Err(format!("evidence.max_age_num_blocks must be positive, not {}", evidence.max_age_num_blocks));
    }
    let age = evidence.max_age_duration.as_ref().ok_or("evidence.max_age_duration is missing")?;
    let positive = age.seconds > 0 || (age.seconds == 0 && age.nanos > 0);
    if !positive || age.seconds > MAX_DURATION_SECONDS || !(0..1_000_000_000).contains(&age.nanos) {
        return Err(format!(
            "evidence.max_age_duration must be positive, at most {MAX_DURATION_SECONDS} s, with nanos below 1e9; not {} s {} ns",
            age.seconds, age.nanos
        ));
    }
    // Evidence may take at most half the block, so transactions always have room.
    if evidence.max_bytes < 0 || evidence.max_bytes > block.max_bytes / 2 {
        return Err(format!("evidence.max_bytes must be within 0..={} (half the block), not {}", block.max_bytes / 2, evidence.max_bytes));
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
    // What the application will hand CometBFT must convert to its parameters type.
    tendermint::consensus::Params::try_from(params.clone()).map_err(|e| format!("not valid CometBFT parameters: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use tendermint_proto::google::protobuf::Duration;
    use tendermint_proto::v0_38::types as tm;

    use super::*;

    fn params(max_bytes: i64, max_gas: i64, age: Duration, evidence_bytes: i64) -> ConsensusParams {
        ConsensusParams {
            block: Some(tm::BlockParams { max_bytes, max_gas }),
            evidence: Some(tm::EvidenceParams { max_age_num_blocks: 100_000, max_age_duration: Some(age), max_bytes: evidence_bytes }),
            validator: Some(tm::ValidatorParams { pub_key_types: vec!["ed25519".into()] }),
            version: None,
            abci: None,
        }
    }

    fn days(n: i64) -> Duration {
        Duration { seconds: n * 86_400, nanos: 0 }
    }

    #[test]
    fn parameters_that_would_stop_the_chain_are_refused() {
        assert_eq!(validate(&params(22_020_096, -1, days(2), 1_048_576)), Ok(()));
        assert_eq!(validate(&params(22_020_096, 1_000_000_000, days(2), 1_048_576)), Ok(()));
        let refused = |p: ConsensusParams, field: &str| {
            let error = validate(&p).expect_err("refused");
            assert!(error.contains(field), "{error}");
        };
        refused(params(-1, -1, days(2), 0), "block.max_bytes");
        refused(params(0, -1, days(2), 0), "block.max_bytes");
        refused(params(1_000, -1, days(2), 0), "block.max_bytes");
        refused(params(MAX_BLOCK_BYTES as i64 + 1, -1, days(2), 0), "block.max_bytes");
        refused(params(22_020_096, 0, days(2), 0), "block.max_gas");
        refused(params(22_020_096, 9_999_999, days(2), 0), "block.max_gas");
        refused(params(22_020_096, -2, days(2), 0), "block.max_gas");
        refused(params(22_020_096, -1, Duration { seconds: 0, nanos: 0 }, 0), "max_age_duration");
        refused(params(22_020_096, -1, Duration { seconds: 1, nanos: 1_000_000_000 }, 0), "max_age_duration");
        refused(params(22_020_096, -1, Duration { seconds: i64::MAX, nanos: 0 }, 0), "max_age_duration");
        refused(params(22_020_096, -1, days(2), 22_020_096), "evidence.max_bytes");
    }

    /// Every value that passes converts to CometBFT's own parameters type (what
    /// `FinalizeBlock` answers with), at the edges of each bound.
    #[test]
    fn every_accepted_edge_converts_to_cometbft_parameters() {
        for (max_bytes, max_gas, seconds, nanos) in [
            (MIN_BLOCK_BYTES as i64, MIN_BLOCK_GAS as i64, 0, 1),
            (MAX_BLOCK_BYTES as i64, -1, MAX_DURATION_SECONDS, 999_999_999),
            (MIN_BLOCK_BYTES as i64, i64::MAX, 1, 0),
        ] {
            let p = params(max_bytes, max_gas, Duration { seconds, nanos }, max_bytes / 2);
            assert_eq!(validate(&p), Ok(()), "{max_bytes} {max_gas} {seconds} {nanos}");
            assert!(tendermint::consensus::Params::try_from(p).is_ok());
        }
    }
}
