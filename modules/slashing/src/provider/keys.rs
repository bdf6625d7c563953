//! State keys of provider penalties, under `slashing/provider/`. Ids and heights are 8-byte
//! big-endian and addresses raw 20 bytes, so keys sort by id, height and owner.

use agora_store::HeightQueue;
use agora_types::Address;

use super::dispute::LeaseRef;

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

/// `slashing/provider/disputes/<id>` → protobuf `Dispute` (kept when decided, for the record).
pub const DISPUTES: &[u8] = b"slashing/provider/disputes/";
/// `slashing/provider/disputes_by_provider/<provider><id>` → empty.
pub const DISPUTES_BY_PROVIDER: &[u8] = b"slashing/provider/disputes_by_provider/";
/// `slashing/provider/open_disputes/<lease: owner, dseq, gseq, oseq, provider>` → the id (u64
/// BE) of the lease's dispute until it is decided (one at a time).
pub const OPEN_DISPUTES: &[u8] = b"slashing/provider/open_disputes/";
/// The next dispute id (u64 BE; starts at 1).
pub const NEXT_DISPUTE_ID: &[u8] = b"slashing/provider/next_dispute_id";
/// Each undecided dispute's next step (panel draw, verdict, end of appeal) by height.
pub const DISPUTE_QUEUE: HeightQueue = HeightQueue::new(b"slashing/provider/dispute_steps/", b"slashing/provider/dispute_steps_next");
/// `slashing/provider/panelists/<auditor>` → protobuf `Panelist`.
pub const PANELISTS: &[u8] = b"slashing/provider/panelists/";
/// New seats by the height their warm-up ends (then they enter the draw).
pub const SEAT_QUEUE: HeightQueue = HeightQueue::new(b"slashing/provider/seat_warmups/", b"slashing/provider/seat_warmups_next");
/// `slashing/provider/undecided/<provider>` → how many disputes against it await their verdict
/// (u32 BE; absent: none). The registry asks before a provider starts unbonding.
pub const UNDECIDED: &[u8] = b"slashing/provider/undecided/";
/// `slashing/provider/lease_cooldown/<lease>` → the height (u64 BE) from which a lease whose
/// dispute was rejected may be disputed again.
pub const LEASE_COOLDOWN: &[u8] = b"slashing/provider/lease_cooldown/";

/// `slashing/provider/devices/<device id: sha256 of its key>` → protobuf `HardwareIdentity`.
pub const DEVICES: &[u8] = b"slashing/provider/devices/";
/// `slashing/provider/devices_of/<provider><device id>` → empty.
pub const DEVICES_OF: &[u8] = b"slashing/provider/devices_of/";

pub fn device(id: &[u8; 32]) -> Vec<u8> {
    [DEVICES, id.as_slice()].concat()
}

pub fn devices_of(provider: &Address) -> Vec<u8> {
    [DEVICES_OF, provider.as_bytes().as_slice()].concat()
}

pub fn device_of(provider: &Address, id: &[u8; 32]) -> Vec<u8> {
    [devices_of(provider).as_slice(), id.as_slice()].concat()
}

pub fn undecided(provider: &Address) -> Vec<u8> {
    [UNDECIDED, provider.as_bytes().as_slice()].concat()
}

pub fn lease_cooldown(lease: &LeaseRef) -> Vec<u8> {
    [LEASE_COOLDOWN, lease.to_bytes().as_slice()].concat()
}

pub fn dispute(id: u64) -> Vec<u8> {
    [DISPUTES, &id.to_be_bytes()].concat()
}

pub fn dispute_by_provider(provider: &Address, id: u64) -> Vec<u8> {
    [DISPUTES_BY_PROVIDER, provider.as_bytes().as_slice(), &id.to_be_bytes()].concat()
}

pub fn disputes_of_provider(provider: &Address) -> Vec<u8> {
    [DISPUTES_BY_PROVIDER, provider.as_bytes().as_slice()].concat()
}

pub fn open_dispute(lease: &LeaseRef) -> Vec<u8> {
    [OPEN_DISPUTES, lease.to_bytes().as_slice()].concat()
}

pub fn panelist(auditor: &Address) -> Vec<u8> {
    [PANELISTS, auditor.as_bytes().as_slice()].concat()
}

pub fn fraud(owner: &Address) -> Vec<u8> {
    [FRAUD, owner.as_bytes().as_slice()].concat()
}

pub fn challenge(id: u64) -> Vec<u8> {
    [CHALLENGES, &id.to_be_bytes()].concat()
}

pub fn liveness(owner: &Address) -> Vec<u8> {
    [LIVENESS, owner.as_bytes().as_slice()].concat()
}
