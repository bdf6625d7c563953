//! Incentive's keys, all under `incentive/`.

use agora_types::Address;

use crate::class::GpuClassId;

/// `agora.incentive.v1.Params`.
pub const PARAMS: &[u8] = b"incentive/params";
/// The current epoch (`EpochInfo`).
pub const EPOCH: &[u8] = b"incentive/epoch";
/// `PoolState`: unallocated and owed amounts, funding carries.
pub const POOL: &[u8] = b"incentive/pool";
pub const EPOCHS_PREFIX: &[u8] = b"incentive/epochs/";
pub const CLASSES_PREFIX: &[u8] = b"incentive/classes/";
pub const CLASS_EPOCHS_PREFIX: &[u8] = b"incentive/class_epochs/";
pub const CLASS_HISTORY_PREFIX: &[u8] = b"incentive/class_history/";
pub const POSITIONS_PREFIX: &[u8] = b"incentive/positions/";

/// `incentive/epochs/<epoch u64 BE>` → a finished epoch's `EpochInfo`.
pub fn epoch(number: u64) -> Vec<u8> {
    [EPOCHS_PREFIX, number.to_be_bytes().as_slice()].concat()
}

/// `incentive/classes/<class key>` → `ClassTracker`.
pub fn class(class: &GpuClassId) -> Vec<u8> {
    [CLASSES_PREFIX, class.key().as_slice()].concat()
}

/// `incentive/class_epochs/<epoch u64 BE>`: every weighted class of one finished epoch.
pub fn class_epochs_of(epoch: u64) -> Vec<u8> {
    [CLASS_EPOCHS_PREFIX, epoch.to_be_bytes().as_slice()].concat()
}

/// `incentive/class_epochs/<epoch u64 BE><class key>` → `ClassEpochRecord`.
pub fn class_epoch(epoch: u64, class: &GpuClassId) -> Vec<u8> {
    [class_epochs_of(epoch).as_slice(), class.key().as_slice()].concat()
}

/// `incentive/class_history/<class key>`: the epochs a class was weighted in.
pub fn class_history_of(class: &GpuClassId) -> Vec<u8> {
    [CLASS_HISTORY_PREFIX, class.key().as_slice()].concat()
}

/// `incentive/class_history/<class key><epoch u64 BE>` → empty.
pub fn class_history(class: &GpuClassId, epoch: u64) -> Vec<u8> {
    [class_history_of(class).as_slice(), epoch.to_be_bytes().as_slice()].concat()
}

/// `incentive/positions/<20 owner bytes>` → `Position`.
pub fn position(owner: &Address) -> Vec<u8> {
    [POSITIONS_PREFIX, owner.as_bytes().as_slice()].concat()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keys_should_not_change() {
        let class = GpuClassId { vendor: "nvidia".into(), model: "a100".into(), vram_gib: 80, interface: "sxm".into() };
        assert_eq!(epoch(7), b"incentive/epochs/\0\0\0\0\0\0\0\x07");
        assert_eq!(super::class(&class), b"incentive/classes/nvidia\0a100\0\0\0\0\x50sxm\0");
        assert_eq!(class_epoch(2, &class), b"incentive/class_epochs/\0\0\0\0\0\0\0\x02nvidia\0a100\0\0\0\0\x50sxm\0");
        assert_eq!(class_history(&class, 2), b"incentive/class_history/nvidia\0a100\0\0\0\0\x50sxm\0\0\0\0\0\0\0\0\x02");
        assert_eq!(position(&Address::new([1; 20])), [b"incentive/positions/".as_slice(), &[1; 20]].concat());
    }
}
