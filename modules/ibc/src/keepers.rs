//! What IBC needs from other modules, declared here and implemented by the application: from
//! bank, balances and the moves of ICS-20 (escrow, mint and burn of vouchers); from staking,
//! the unbonding time (what a counterparty's client of Agora must claim) and the headers it
//! keeps for `historical_entries` heights (Agora's own consensus states).

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coins, Denom, Event};

use crate::IbcError;

pub trait BankKeeper: Send + Sync {
    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &Denom) -> Result<u128, IbcError>;

    fn all_balances(&self, state: &dyn StateRead, address: &Address) -> Result<Coins, IbcError>;

    /// Whether `address` may not receive coins from users (a module account that accounts for
    /// its balance exactly, as the bonded pool, or the governance authority): the SDK's blocked
    /// addresses, which ICS-20 refuses as receivers.
    fn blocked(&self, state: &dyn StateRead, address: &Address) -> Result<bool, IbcError>;

    /// Whether bank lets `denom` be sent (its per-denom switch, or the default): a denom
    /// governance stopped does not leave by IBC either, as in ibc-go.
    fn send_enabled(&self, state: &dyn StateRead, denom: &Denom) -> Result<bool, IbcError>;

    /// Moves coins between two accounts, all or nothing.
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, IbcError>;

    /// Creates coins in a module account that may mint (`transfer`, for vouchers).
    fn mint_coins(&self, state: &mut dyn StateWrite, module: &'static str, amount: &Coins) -> Result<Vec<Event>, IbcError>;

    /// Destroys coins a module account that may burn holds.
    fn burn_coins(&self, state: &mut dyn StateWrite, module: &'static str, amount: &Coins) -> Result<Vec<Event>, IbcError>;
}

pub trait StakingKeeper: Send + Sync {
    /// Staking's unbonding time in nanoseconds.
    fn unbonding_nanos(&self, state: &dyn StateRead) -> Result<u64, IbcError>;

    /// The header staking kept for `height` (time, app hash, next validators hash), if that
    /// height is still among the kept ones.
    fn historical_header(&self, state: &dyn StateRead, height: u64) -> Result<Option<tendermint_proto::types::Header>, IbcError>;
}

/// The upgrade module, as IBC's software upgrades reach it.
pub trait UpgradeKeeper: Send + Sync {
    /// Schedules the plan (`cosmos.upgrade.v1beta1.Plan`, encoded) at `height`, with the
    /// upgrade module's checks and refusals; returns the plan's height.
    fn schedule(&self, state: &mut dyn StateWrite, height: u64, plan: &[u8]) -> Result<u64, agora_types::TxError>;

    /// The scheduled plan's height, if a plan is scheduled.
    fn plan_height(&self, state: &dyn StateRead) -> Result<Option<u64>, IbcError>;

    /// Whether an upgraded client state is stored for the plan at `height`.
    fn has_upgraded_client(&self, state: &dyn StateRead, height: u64) -> Result<bool, IbcError>;

    /// Stores the upgraded client state and/or consensus state for the plan at `height`, in
    /// the `upgrade` store under the SDK's keys.
    fn put_upgraded_ibc_state(&self, state: &mut dyn StateWrite, height: u64, client: Option<Vec<u8>>, consensus: Option<Vec<u8>>);
}

/// The keepers, as the component holds them.
pub struct Keepers {
    pub bank: Box<dyn BankKeeper>,
    pub staking: Box<dyn StakingKeeper>,
    pub upgrade: Box<dyn UpgradeKeeper>,
}
