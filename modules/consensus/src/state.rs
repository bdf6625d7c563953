//! Where the parameters live.

use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt, StoreError};
use tendermint_proto::v0_38::types::ConsensusParams;

/// The current consensus parameters (protobuf `tendermint.types.ConsensusParams`).
pub const PARAMS_KEY: &[u8] = b"consensus/params";
/// Present (empty) when the parameters changed in this block: `end_block` reports them.
pub(crate) const CHANGED_KEY: &[u8] = b"consensus/changed";

pub trait ConsensusRead: StateRead {
    /// The parameters in force; `None` before `InitChain` wrote them.
    fn consensus_params(&self) -> Result<Option<ConsensusParams>, StoreError> {
        self.get_proto(PARAMS_KEY)
    }

    /// The block gas limit, `None` for no limit (CometBFT's -1).
    fn max_block_gas(&self) -> Result<Option<u64>, StoreError> {
        let max_gas = self.consensus_params()?.and_then(|p| p.block).map_or(-1, |b| b.max_gas);
        Ok(u64::try_from(max_gas).ok())
    }

    /// The largest transaction a block can hold, in bytes (CometBFT's largest block before
    /// `InitChain` wrote the parameters, which are validated to be at most that).
    fn max_block_bytes(&self) -> Result<u64, StoreError> {
        let max_bytes = self.consensus_params()?.and_then(|p| p.block).map_or(-1, |b| b.max_bytes);
        Ok(u64::try_from(max_bytes).unwrap_or(crate::MAX_BLOCK_BYTES))
    }
}

impl<S: StateRead + ?Sized> ConsensusRead for S {}

pub trait ConsensusWrite: StateWrite {
    /// Writes the parameters `InitChain` starts with (CometBFT already uses them).
    fn init_consensus_params(&mut self, params: &ConsensusParams) {
        self.put_proto(PARAMS_KEY.to_vec(), params);
    }

    /// Writes changed parameters, to be reported to CometBFT at the end of the block.
    fn update_consensus_params(&mut self, params: &ConsensusParams) {
        self.put_proto(PARAMS_KEY.to_vec(), params);
        self.put_raw(CHANGED_KEY.to_vec(), Vec::new());
    }

    /// The parameters if they changed in this block, clearing the mark: the application
    /// calls it after every component's `end_block`, so a change made by any of them (say,
    /// governance at the end of the list) reaches CometBFT in the same block.
    fn take_consensus_update(&mut self) -> Result<Option<ConsensusParams>, StoreError> {
        if self.get_raw(CHANGED_KEY)?.is_none() {
            return Ok(None);
        }
        self.delete(CHANGED_KEY.to_vec());
        self.consensus_params()
    }
}

impl<S: StateWrite + ?Sized> ConsensusWrite for S {}
