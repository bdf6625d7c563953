//! What slashing needs from staking and from the consensus parameters, declared here and
//! implemented by the application over those modules' own APIs.

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, BlockContext, Coin, ConsensusAddress, Dec, Event, TxError};

use crate::SlashingError;

/// A validator as slashing sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorView {
    pub operator: Address,
    pub consensus_address: ConsensusAddress,
    pub jailed: bool,
    /// Unbonded: out of the set long enough that its stake is free (not slashable).
    pub unbonded: bool,
    /// The tokens its operator's own delegation is worth (`None`: no self-delegation).
    pub self_delegation: Option<u128>,
    pub min_self_delegation: u128,
}

pub trait StakingKeeper: Send + Sync {
    fn validator_by_consensus(&self, state: &dyn StateRead, address: &ConsensusAddress) -> Result<Option<ValidatorView>, SlashingError>;

    fn validator(&self, state: &dyn StateRead, operator: &Address) -> Result<Option<ValidatorView>, SlashingError>;

    /// Burns `fraction` of the stake behind a fault at `infraction_height`, when the
    /// validator had `power`; returns the coins burned.
    fn slash(
        &self,
        state: &mut dyn StateWrite,
        ctx: &BlockContext,
        address: &ConsensusAddress,
        infraction_height: u64,
        power: u64,
        fraction: Dec,
    ) -> Result<(Coin, Vec<Event>), TxError>;

    fn jail(&self, state: &mut dyn StateWrite, address: &ConsensusAddress) -> Result<(), SlashingError>;

    fn unjail(&self, state: &mut dyn StateWrite, operator: &Address) -> Result<(), SlashingError>;
}

/// The consensus evidence parameters: evidence older than both is ignored.
pub trait ConsensusKeeper: Send + Sync {
    /// `(max_age_num_blocks, max_age_duration in nanoseconds)`.
    fn evidence_max_age(&self, state: &dyn StateRead) -> Result<(u64, u64), SlashingError>;
}
