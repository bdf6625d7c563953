//! State keys of provider penalties, under `slashing/provider/`. Ids and heights are 8-byte
//! big-endian and addresses raw 20 bytes, so keys sort by id, height and owner.

use agora_store::HeightQueue;
use agora_types::Address;

pub const PARAMS: &[u8] = b"slashing/provider/params";
/// `slashing/provider/challenges/<id>` → protobuf `Challenge`.
pub const CHALLENGES: &[u8] = b"slashing/provider/challenges/";
/// `slashing/provider/liveness/<owner>` → protobuf `ProviderLiveness`.
pub const LIVENESS: &[u8] = b"slashing/provider/liveness/";
/// The next challenge id (u64 BE; starts at 1).
pub const NEXT_CHALLENGE_ID: &[u8] = b"slashing/provider/next_challenge_id";
/// Open challenges by deadline: the block after it, each one left unanswered is a miss.
pub const DEADLINE_QUEUE: HeightQueue = HeightQueue::new(b"slashing/provider/deadlines/", b"slashing/provider/deadlines_next");

/// `slashing/provider/fraud/<owner>` → protobuf `ProviderFraud` (one per provider: fraud
/// tombstones).
pub const FRAUD: &[u8] = b"slashing/provider/fraud/";

pub fn fraud(owner: &Address) -> Vec<u8> {
    [FRAUD, owner.as_bytes().as_slice()].concat()
}

pub fn challenge(id: u64) -> Vec<u8> {
    [CHALLENGES, &id.to_be_bytes()].concat()
}

pub fn liveness(owner: &Address) -> Vec<u8> {
    [LIVENESS, owner.as_bytes().as_slice()].concat()
}
