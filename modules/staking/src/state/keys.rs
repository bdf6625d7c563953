//! Staking's keys, all under `staking/`. Addresses are raw 20 bytes, heights and times
//! big-endian, so prefixes iterate in address, height or time order.

use agora_store::HeightQueue;
use agora_types::{Address, ConsensusAddress};

pub const PARAMS: &[u8] = b"staking/params";
pub const VALIDATOR_PREFIX: &[u8] = b"staking/validator/";
pub const BY_CONSENSUS_PREFIX: &[u8] = b"staking/by_consensus/";
/// Validators that may be bonded (not jailed, power above zero), highest power first:
/// `(u64::MAX − power) ‖ operator`.
pub const POWER_INDEX_PREFIX: &[u8] = b"staking/power/";
/// The power each member of the active set was last sent to CometBFT with.
pub const LAST_POWER_PREFIX: &[u8] = b"staking/last_power/";
pub const LAST_TOTAL_POWER: &[u8] = b"staking/last_total_power";
/// Present when a validator's power or jailing changed since the active set was last
/// computed: a block without changes does not walk the power index.
pub const SET_CHANGED: &[u8] = b"staking/set_changed";
pub const DELEGATION_PREFIX: &[u8] = b"staking/delegation/";
pub const DELEGATION_BY_VALIDATOR_PREFIX: &[u8] = b"staking/delegation_by_validator/";
pub const UNBONDING_PREFIX: &[u8] = b"staking/unbonding/";
pub const UNBONDING_BY_VALIDATOR_PREFIX: &[u8] = b"staking/unbonding_by_validator/";
pub const REDELEGATION_PREFIX: &[u8] = b"staking/redelegation/";
pub const REDELEGATION_BY_SRC_PREFIX: &[u8] = b"staking/redelegation_by_src/";
pub const REDELEGATION_BY_DST_PREFIX: &[u8] = b"staking/redelegation_by_dst/";
/// Unbonding entries by the height that created them, `validator ‖ height ‖ delegator`: a
/// slash walks only the entries created at or after its infraction.
pub const UNBONDING_BY_HEIGHT_PREFIX: &[u8] = b"staking/unbonding_by_height/";
/// Redelegation entries by creation height, `src ‖ height ‖ delegator ‖ dst`.
pub const REDELEGATION_BY_HEIGHT_PREFIX: &[u8] = b"staking/redelegation_by_height/";
pub const NEXT_UNBONDING_ID: &[u8] = b"staking/next_unbonding_id";
pub const HISTORICAL_PREFIX: &[u8] = b"staking/historical/";

/// Unbonding delegations by completion time (nanoseconds): id `delegator ‖ validator`.
pub const UNBONDING_QUEUE: HeightQueue = HeightQueue::new(b"staking/queue/unbonding/", b"staking/queue_next/unbonding");
/// Redelegations by completion time: id `delegator ‖ src ‖ dst`.
pub const REDELEGATION_QUEUE: HeightQueue = HeightQueue::new(b"staking/queue/redelegation/", b"staking/queue_next/redelegation");
/// Unbonding validators by completion time: id `operator`.
pub const VALIDATOR_QUEUE: HeightQueue = HeightQueue::new(b"staking/queue/validator/", b"staking/queue_next/validator");

fn join(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

pub fn validator(operator: &Address) -> Vec<u8> {
    join(&[VALIDATOR_PREFIX, operator.as_bytes()])
}

pub fn by_consensus(address: &ConsensusAddress) -> Vec<u8> {
    join(&[BY_CONSENSUS_PREFIX, address])
}

pub fn power_index(power: u64, operator: &Address) -> Vec<u8> {
    join(&[POWER_INDEX_PREFIX, &(u64::MAX - power).to_be_bytes(), operator.as_bytes()])
}

pub fn last_power(operator: &Address) -> Vec<u8> {
    join(&[LAST_POWER_PREFIX, operator.as_bytes()])
}

pub fn delegation(delegator: &Address, validator: &Address) -> Vec<u8> {
    join(&[DELEGATION_PREFIX, delegator.as_bytes(), validator.as_bytes()])
}

pub fn delegations_of(delegator: &Address) -> Vec<u8> {
    join(&[DELEGATION_PREFIX, delegator.as_bytes()])
}

pub fn delegation_by_validator(validator: &Address, delegator: &Address) -> Vec<u8> {
    join(&[DELEGATION_BY_VALIDATOR_PREFIX, validator.as_bytes(), delegator.as_bytes()])
}

pub fn delegations_to(validator: &Address) -> Vec<u8> {
    join(&[DELEGATION_BY_VALIDATOR_PREFIX, validator.as_bytes()])
}

pub fn unbonding(delegator: &Address, validator: &Address) -> Vec<u8> {
    join(&[UNBONDING_PREFIX, delegator.as_bytes(), validator.as_bytes()])
}

pub fn unbondings_of(delegator: &Address) -> Vec<u8> {
    join(&[UNBONDING_PREFIX, delegator.as_bytes()])
}

pub fn unbonding_by_validator(validator: &Address, delegator: &Address) -> Vec<u8> {
    join(&[UNBONDING_BY_VALIDATOR_PREFIX, validator.as_bytes(), delegator.as_bytes()])
}

pub fn unbondings_from(validator: &Address) -> Vec<u8> {
    join(&[UNBONDING_BY_VALIDATOR_PREFIX, validator.as_bytes()])
}

pub fn unbonding_by_height(validator: &Address, height: u64, delegator: &Address) -> Vec<u8> {
    join(&[UNBONDING_BY_HEIGHT_PREFIX, validator.as_bytes(), &height.to_be_bytes(), delegator.as_bytes()])
}

pub fn unbondings_by_height_from(validator: &Address) -> Vec<u8> {
    join(&[UNBONDING_BY_HEIGHT_PREFIX, validator.as_bytes()])
}

pub fn redelegation_by_height(src: &Address, height: u64, delegator: &Address, dst: &Address) -> Vec<u8> {
    join(&[REDELEGATION_BY_HEIGHT_PREFIX, src.as_bytes(), &height.to_be_bytes(), delegator.as_bytes(), dst.as_bytes()])
}

pub fn redelegations_by_height_from(src: &Address) -> Vec<u8> {
    join(&[REDELEGATION_BY_HEIGHT_PREFIX, src.as_bytes()])
}

pub fn redelegation(delegator: &Address, src: &Address, dst: &Address) -> Vec<u8> {
    join(&[REDELEGATION_PREFIX, delegator.as_bytes(), src.as_bytes(), dst.as_bytes()])
}

pub fn redelegations_of(delegator: &Address) -> Vec<u8> {
    join(&[REDELEGATION_PREFIX, delegator.as_bytes()])
}

pub fn redelegation_by_src(src: &Address, delegator: &Address, dst: &Address) -> Vec<u8> {
    join(&[REDELEGATION_BY_SRC_PREFIX, src.as_bytes(), delegator.as_bytes(), dst.as_bytes()])
}

pub fn redelegations_from(src: &Address) -> Vec<u8> {
    join(&[REDELEGATION_BY_SRC_PREFIX, src.as_bytes()])
}

pub fn redelegation_by_dst(dst: &Address, delegator: &Address, src: &Address) -> Vec<u8> {
    join(&[REDELEGATION_BY_DST_PREFIX, dst.as_bytes(), delegator.as_bytes(), src.as_bytes()])
}

/// Redelegations of `delegator` into `dst` (a transitive redelegation out of `dst` waits
/// until they mature).
pub fn redelegations_into(dst: &Address, delegator: &Address) -> Vec<u8> {
    join(&[REDELEGATION_BY_DST_PREFIX, dst.as_bytes(), delegator.as_bytes()])
}

pub fn historical(height: u64) -> Vec<u8> {
    join(&[HISTORICAL_PREFIX, &height.to_be_bytes()])
}

/// Splits a key tail made of 20-byte addresses.
pub fn addresses<const N: usize>(tail: &[u8]) -> Option<[Address; N]> {
    if tail.len() != 20 * N {
        return None;
    }
    let mut out = [Address::new([0u8; 20]); N];
    for (i, chunk) in tail.chunks_exact(20).enumerate() {
        out[i] = Address::from_slice(chunk).ok()?;
    }
    Some(out)
}
