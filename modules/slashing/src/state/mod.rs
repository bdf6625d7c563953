//! Typed access to `slashing` state: parameters, a signing record per consensus address, and
//! the missed-block window as one key per missed block (`missed/<address><index>`), so a
//! block reads and writes one bit per voter and resetting a window deletes only the misses.

use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt};
use agora_types::{ConsensusAddress, VALCONS_PREFIX};
use borsh::{BorshDeserialize, BorshSerialize};
use cosmos_sdk_proto::cosmos::slashing::v1beta1 as pb;

use crate::{Params, SlashingError};

pub mod keys {
    use agora_types::ConsensusAddress;

    pub const PARAMS: &[u8] = b"slashing/params";
    pub const SIGNING_INFO_PREFIX: &[u8] = b"slashing/signing_info/";
    pub const MISSED_PREFIX: &[u8] = b"slashing/missed/";

    pub fn signing_info(address: &ConsensusAddress) -> Vec<u8> {
        [SIGNING_INFO_PREFIX, address].concat()
    }

    pub fn missed_of(address: &ConsensusAddress) -> Vec<u8> {
        [MISSED_PREFIX, address.as_slice()].concat()
    }

    pub fn missed(address: &ConsensusAddress, index: u64) -> Vec<u8> {
        [MISSED_PREFIX, address.as_slice(), &index.to_be_bytes()].concat()
    }
}

/// A validator's liveness record (the SDK's `ValidatorSigningInfo`).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct SigningInfo {
    pub address: ConsensusAddress,
    /// Height at which it was (last) bonded: no judgement before a whole window has passed.
    pub start_height: u64,
    /// Blocks counted in the current window so far (its position is `index_offset % window`).
    pub index_offset: u64,
    /// Nanoseconds since the Unix epoch before which `MsgUnjail` is refused.
    pub jailed_until: u64,
    pub tombstoned: bool,
    pub missed_blocks_counter: u64,
}

impl SigningInfo {
    pub fn new(address: ConsensusAddress, start_height: u64) -> Self {
        Self { address, start_height, index_offset: 0, jailed_until: 0, tombstoned: false, missed_blocks_counter: 0 }
    }

    pub fn to_proto(&self) -> pb::ValidatorSigningInfo {
        pb::ValidatorSigningInfo {
            address: valcons(&self.address),
            start_height: i64::try_from(self.start_height).unwrap_or(i64::MAX),
            index_offset: i64::try_from(self.index_offset).unwrap_or(i64::MAX),
            jailed_until: Some(timestamp(self.jailed_until)),
            tombstoned: self.tombstoned,
            missed_blocks_counter: i64::try_from(self.missed_blocks_counter).unwrap_or(i64::MAX),
        }
    }
}

pub fn valcons(address: &ConsensusAddress) -> String {
    agora_types::Address::new(*address).to_bech32_with(VALCONS_PREFIX)
}

pub fn timestamp(nanos: u64) -> cosmos_sdk_proto::Timestamp {
    if nanos == crate::TOMBSTONE_JAIL_END {
        return cosmos_sdk_proto::Timestamp { seconds: crate::DOUBLE_SIGN_JAIL_END_SECS, nanos: 0 };
    }
    agora_types::time::timestamp(nanos)
}

pub trait SlashingRead: StateRead {
    fn slashing_params(&self) -> Result<Params, SlashingError> {
        match self.get_proto::<pb::Params>(keys::PARAMS)? {
            Some(proto) => Params::from_proto(&proto),
            None => Ok(Params::default()),
        }
    }

    fn signing_info(&self, address: &ConsensusAddress) -> Result<Option<SigningInfo>, SlashingError> {
        Ok(self.get_borsh(&keys::signing_info(address))?)
    }

    fn missed(&self, address: &ConsensusAddress, index: u64) -> Result<bool, SlashingError> {
        Ok(self.get_raw(&keys::missed(address, index))?.is_some())
    }

    /// The indexes of the blocks missed in the current window, ascending.
    fn missed_indexes(&self, address: &ConsensusAddress) -> Result<Vec<u64>, SlashingError> {
        let prefix = keys::missed_of(address);
        let mut out = Vec::new();
        for item in self.prefix_raw(&prefix, None) {
            let (key, _) = item?;
            let index = key[prefix.len()..].try_into().map(u64::from_be_bytes).map_err(|_| SlashingError::Internal("corrupt missed-block key".into()))?;
            out.push(index);
        }
        Ok(out)
    }
}

impl<S: StateRead + ?Sized> SlashingRead for S {}

pub(crate) trait SlashingRecords: StateWrite + SlashingRead + Sized {
    fn put_slashing_params(&mut self, params: &Params) {
        self.put_proto(keys::PARAMS.to_vec(), &params.to_proto());
    }

    fn put_signing_info(&mut self, info: &SigningInfo) -> Result<(), SlashingError> {
        Ok(self.put_borsh(keys::signing_info(&info.address), info)?)
    }

    fn set_missed(&mut self, address: &ConsensusAddress, index: u64, missed: bool) {
        if missed {
            self.put_raw(keys::missed(address, index), Vec::new());
        } else {
            self.delete(keys::missed(address, index));
        }
    }

    /// Forgets the window's misses: at most `window` keys, one per miss.
    fn clear_missed(&mut self, address: &ConsensusAddress) -> Result<(), SlashingError> {
        for index in self.missed_indexes(address)? {
            self.delete(keys::missed(address, index));
        }
        Ok(())
    }
}

impl<S: StateWrite + SlashingRead + Sized> SlashingRecords for S {}
