//! `HistoricalInfo`: for the last `historical_entries` heights, the block's header fields the
//! application knows (chain id, height, time, proposer, next validators hash, app hash) and the bonded
//! validators. A header is ~150 bytes per block; the validator set is stored only when the
//! active set's powers change (a snapshot from the next height on), not once per block, so
//! keeping 10,000 heights does not keep 10,000 copies of the set.

use agora_store::{StateRead, StateWrite, StateWriteExt};
use agora_types::BlockContext;
use cosmos_sdk_proto::cosmos::staking::v1beta1 as pb;
use prost::Message;

use crate::state::{keys, StakingRead};
use crate::StakingError;

const VALSET_PREFIX: &[u8] = b"staking/historical_valset/";
/// The height of the newest snapshot.
const LATEST_VALSET: &[u8] = b"staking/historical_valset_latest";
/// For each kept height, the height of the snapshot in force at it: a query reads two keys.
const VALSET_OF_PREFIX: &[u8] = b"staking/historical_valset_of/";

fn valset_key(height: u64) -> Vec<u8> {
    [VALSET_PREFIX, &height.to_be_bytes()].concat()
}

fn valset_of_key(height: u64) -> Vec<u8> {
    [VALSET_OF_PREFIX, &height.to_be_bytes()].concat()
}

fn read_height<S: StateRead + ?Sized>(state: &S, key: &[u8]) -> Result<Option<u64>, StakingError> {
    Ok(state.get_raw(key)?.and_then(|b| b.as_slice().try_into().ok()).map(u64::from_be_bytes))
}

/// Records this block's header and drops the one that fell out of the window.
pub(crate) fn track(state: &mut dyn StateWrite, ctx: &BlockContext, entries: u32) {
    let entries = u64::from(entries);
    // Drop the header that fell out of the window, and (after `historical_entries` was
    // lowered) every older one down to the first gap, as the SDK does.
    let mut old = ctx.height.saturating_sub(entries);
    while old > 0 && ctx.height > entries && matches!(state.get_raw(&keys::historical(old)), Ok(Some(_))) {
        state.delete(keys::historical(old));
        state.delete(valset_of_key(old));
        old -= 1;
    }
    if entries == 0 {
        return;
    }
    if let Ok(Some(snapshot)) = read_height(state, LATEST_VALSET) {
        state.put_raw(valset_of_key(ctx.height), snapshot.to_be_bytes().to_vec());
    }
    let header = tendermint_proto::types::Header {
        chain_id: ctx.chain_id.clone(),
        height: i64::try_from(ctx.height).unwrap_or(i64::MAX),
        time: Some(tendermint_proto::google::protobuf::Timestamp { seconds: ctx.time_unix_secs, nanos: i32::try_from(ctx.time_nanos).unwrap_or(0) }),
        next_validators_hash: ctx.next_validators_hash.clone(),
        proposer_address: ctx.proposer_address.to_vec(),
        app_hash: ctx.last_app_hash.clone(),
        ..Default::default()
    };
    state.put_proto(keys::historical(ctx.height), &header);
}

/// Stores the bonded set as it stands after this block's updates, for heights from
/// `from_height` on, and drops snapshots no kept height needs any more.
pub(crate) fn snapshot_valset(state: &mut dyn StateWrite, from_height: u64, entries: u32) -> Result<(), StakingError> {
    if entries == 0 {
        return Ok(());
    }
    let mut valset = Vec::new();
    for (operator, _) in state.last_powers()? {
        if let Some(validator) = state.validator(&operator)? {
            valset.push(validator);
        }
    }
    // As the SDK (and CometBFT) sort the set: by power, highest first, then by consensus
    // address.
    valset.sort_by(|a, b| b.power().cmp(&a.power()).then(a.consensus_address().cmp(&b.consensus_address())));
    let protos: Vec<pb::Validator> = valset.iter().map(|v| v.to_proto()).collect();
    let bytes = pb::HistoricalInfo { header: None, valset: protos }.encode_to_vec();
    state.put_raw(valset_key(from_height), bytes);
    state.put_raw(LATEST_VALSET.to_vec(), from_height.to_be_bytes().to_vec());

    // Keep the newest snapshot at or below the oldest kept height, and every later one. Only
    // the snapshots up to that height are read (one or two, as every write prunes).
    let oldest_kept = from_height.saturating_sub(u64::from(entries));
    let height_of = |key: &[u8]| key.get(VALSET_PREFIX.len()..).and_then(|b| b.try_into().ok()).map_or(u64::MAX, u64::from_be_bytes);
    let mut old = Vec::new();
    for item in state.prefix_raw(VALSET_PREFIX, None) {
        let (key, _) = item?;
        if height_of(&key) > oldest_kept {
            break;
        }
        old.push(key);
    }
    old.pop();
    for key in old {
        state.delete(key);
    }
    Ok(())
}

/// The `HistoricalInfo` of `height`, if it is kept: its header and the snapshot in force at
/// it (two point reads).
pub fn historical_info<S: StateRead + ?Sized>(state: &S, height: u64) -> Result<Option<pb::HistoricalInfo>, StakingError> {
    let Some(header) = state.get_raw(&keys::historical(height))? else { return Ok(None) };
    let header = tendermint_proto::types::Header::decode(header.as_slice()).map_err(|e| StakingError::Internal(format!("corrupt header: {e}")))?;
    let valset = match read_height(state, &valset_of_key(height))? {
        Some(snapshot) => match state.get_raw(&valset_key(snapshot))? {
            Some(bytes) => pb::HistoricalInfo::decode(bytes.as_slice()).map_err(|e| StakingError::Internal(format!("corrupt valset: {e}")))?.valset,
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    Ok(Some(pb::HistoricalInfo { header: Some(header), valset }))
}
