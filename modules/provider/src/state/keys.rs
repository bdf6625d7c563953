//! Every state key of `provider` and `audit`, in one place. Addresses are raw 20 bytes and
//! heights 8-byte big-endian, so keys sort by owner and by height.

use agora_proto::base::v1::GpuClass;
use agora_store::HeightQueue;
use agora_types::Address;

/// `provider/params`
pub const PARAMS: &[u8] = b"provider/params";
/// `provider/providers/` prefix of all provider records.
pub const PROVIDERS_PREFIX: &[u8] = b"provider/providers/";
/// `provider/unbonding/` prefix of the unbonding index, ordered by height.
pub const UNBONDING_PREFIX: &[u8] = b"provider/unbonding/";
/// `provider/unbonding_next` → height (BE): a lower bound on the earliest unbonding height.
pub const UNBONDING_NEXT: &[u8] = b"provider/unbonding_next";
/// The unbonding index as a queue for `EndBlock` (ids are owner addresses).
pub const UNBONDING_QUEUE: HeightQueue = HeightQueue::new(UNBONDING_PREFIX, UNBONDING_NEXT);
/// `provider/gpu/` prefix of GPU utilization per class.
pub const GPU_PREFIX: &[u8] = b"provider/gpu/";
/// `audit/attributes/` prefix of all audited records.
pub const AUDIT_PREFIX: &[u8] = b"audit/attributes/";

/// `provider/providers/<20 owner bytes>` → protobuf `Provider`.
pub fn provider(owner: &Address) -> Vec<u8> {
    [PROVIDERS_PREFIX, owner.as_bytes().as_slice()].concat()
}

/// `provider/unbonding/<height u64 BE><20 owner bytes>` → empty.
pub fn unbonding(height: u64, owner: &Address) -> Vec<u8> {
    UNBONDING_QUEUE.key(height, owner.as_bytes().as_slice())
}

/// `provider/gpu/<vendor>\0<model>\0<vram u32 BE><interface>` → protobuf `GpuUtilization`.
/// Class names never contain `\0` (they match `[a-z0-9._-]`), so keys are unambiguous.
pub fn gpu(class: &GpuClass) -> Vec<u8> {
    [
        GPU_PREFIX,
        class.vendor.as_bytes(),
        b"\0",
        class.model.as_bytes(),
        b"\0",
        class.vram_gib.to_be_bytes().as_slice(),
        class.interface.as_bytes(),
    ]
    .concat()
}

/// `audit/attributes/<20 provider bytes>`: every auditor's record for one provider.
pub fn audited_of(provider: &Address) -> Vec<u8> {
    [AUDIT_PREFIX, provider.as_bytes().as_slice()].concat()
}

/// `audit/attributes/<20 provider bytes><20 auditor bytes>` → protobuf `AuditedAttributes`.
pub fn audited(provider: &Address, auditor: &Address) -> Vec<u8> {
    [audited_of(provider).as_slice(), auditor.as_bytes().as_slice()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_should_not_change() {
        let owner = Address::new([1; 20]);
        let auditor = Address::new([2; 20]);
        assert_eq!(PARAMS, b"provider/params");

        let mut expected = b"provider/providers/".to_vec();
        expected.extend([1u8; 20]);
        assert_eq!(provider(&owner), expected);

        let mut expected = b"provider/unbonding/".to_vec();
        expected.extend([0, 0, 0, 0, 0, 0, 1, 2]);
        expected.extend([1u8; 20]);
        assert_eq!(unbonding(258, &owner), expected);
        assert!(!UNBONDING_NEXT.starts_with(UNBONDING_PREFIX));

        let class = GpuClass { vendor: "nvidia".into(), model: "a100".into(), vram_gib: 80, interface: "sxm".into(), count: 8 };
        assert_eq!(gpu(&class), b"provider/gpu/nvidia\0a100\0\0\0\0\x50sxm".to_vec());

        let mut expected = b"audit/attributes/".to_vec();
        expected.extend([1u8; 20]);
        expected.extend([2u8; 20]);
        assert_eq!(audited(&owner, &auditor), expected);
    }

    #[test]
    fn unbonding_keys_sort_by_height() {
        let a = Address::new([9; 20]);
        let b = Address::new([0; 20]);
        assert!(unbonding(255, &a) < unbonding(256, &b));
        assert!(unbonding(1, &a) < unbonding(u64::MAX, &b));
    }
}
