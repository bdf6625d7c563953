//! What distribution needs from bank and staking, declared here and implemented by the
//! application over those modules' own APIs.

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coins, ConsensusAddress, Dec, Event};

use crate::DistributionError;

pub trait BankKeeper: Send + Sync {
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, DistributionError>;

    fn balances(&self, state: &dyn StateRead, address: &Address) -> Result<Coins, DistributionError>;

    /// Whether `address` may not receive coins from users (a module account that declared so).
    fn blocked(&self, state: &dyn StateRead, address: &Address) -> Result<bool, DistributionError>;
}

/// A validator as distribution sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorInfo {
    pub operator: Address,
    pub commission_rate: Dec,
    /// Its delegators' shares in total.
    pub delegator_shares: Dec,
}

pub trait StakingKeeper: Send + Sync {
    fn validator(&self, state: &dyn StateRead, operator: &Address) -> Result<Option<ValidatorInfo>, DistributionError>;

    fn validator_by_consensus(&self, state: &dyn StateRead, address: &ConsensusAddress) -> Result<Option<ValidatorInfo>, DistributionError>;

    /// `delegator`'s shares of `validator` (`None`: no delegation).
    fn delegation_shares(&self, state: &dyn StateRead, delegator: &Address, validator: &Address) -> Result<Option<Dec>, DistributionError>;

    /// Every validator `delegator` delegates to, with its shares, in validator order.
    fn delegations_of(&self, state: &dyn StateRead, delegator: &Address) -> Result<Vec<(Address, Dec)>, DistributionError>;
}
