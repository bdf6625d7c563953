//! What the market needs from other modules, declared here, by the consumer, and implemented
//! by the application (`agora-app`'s `keepers.rs`) over those modules' own APIs, in the manner
//! of the Cosmos SDK's expected keepers. The market never reads or writes another module's
//! state any other way: it holds no key of theirs, and its tests can wire in anything that
//! keeps these contracts.

use std::sync::Arc;

use agora_escrow::{AccountId, PaymentId};
use agora_proto::base::v1::{Attribute, Resources};
use agora_proto::escrow::v1 as epb;
use agora_proto::provider::v1::Provider;
use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coin, Coins, Dec, Event};

use crate::MarketError;

/// Moving bid deposits into and out of the market's module account.
pub trait BankKeeper: Send + Sync {
    /// Moves coins between two accounts, all or nothing.
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, MarketError>;

    /// Every balance of `address` (the invariant: the module account holds exactly the deposits).
    fn balances(&self, state: &dyn StateRead, address: &Address) -> Result<Coins, MarketError>;
}

/// A provider's capacity as the invariant checks it.
#[derive(Clone, Debug, PartialEq)]
pub struct Allocation {
    pub provider: Address,
    pub capacity: Resources,
    pub allocated: Resources,
}

/// The provider registry: who may bid, with which attributes, and its capacity.
pub trait ProviderKeeper: Send + Sync {
    fn provider(&self, state: &dyn StateRead, owner: &Address) -> Result<Option<Provider>, MarketError>;

    /// The attributes `auditor` signed for `provider`.
    fn audited_attributes(&self, state: &dyn StateRead, provider: &Address, auditor: &Address) -> Result<Vec<Attribute>, MarketError>;

    /// A lease starts at `height`: the provider's allocation grows by `resources` (refused past
    /// capacity).
    fn allocate(&self, state: &mut dyn StateWrite, owner: &Address, resources: &Resources, height: u64) -> Result<Vec<Event>, MarketError>;

    /// A lease ends at `height`: its resources are free again.
    fn release(&self, state: &mut dyn StateWrite, owner: &Address, resources: &Resources, height: u64) -> Result<Vec<Event>, MarketError>;

    /// A bid of `owner` opens (refused unless the provider is active).
    fn bid_opened(&self, state: &mut dyn StateWrite, owner: &Address) -> Result<(), MarketError>;

    /// A bid of `owner` closes (won, lost or withdrawn).
    fn bid_closed(&self, state: &mut dyn StateWrite, owner: &Address) -> Result<(), MarketError>;

    /// Every provider's capacity and allocation, for the invariant.
    fn allocations(&self, state: &dyn StateRead) -> Result<Vec<Allocation>, MarketError>;
}

/// The escrow that holds a deployment's funds and pays its leases.
pub trait EscrowKeeper: Send + Sync {
    fn open_account(&self, state: &mut dyn StateWrite, id: &AccountId, depositor: &Address, deposit: &Coin, height: u64) -> Result<Vec<Event>, MarketError>;

    fn deposit(&self, state: &mut dyn StateWrite, id: &AccountId, depositor: &Address, amount: &Coin, height: u64) -> Result<Vec<Event>, MarketError>;

    /// Whether the account exists and is funded (neither overdrawn nor closed).
    fn is_funded(&self, state: &dyn StateRead, id: &AccountId) -> Result<bool, MarketError>;

    fn open_payment(&self, state: &mut dyn StateWrite, id: &AccountId, payment: &PaymentId, rate: Dec, height: u64) -> Result<Vec<Event>, MarketError>;

    fn withdraw_payment(&self, state: &mut dyn StateWrite, id: &AccountId, payment: &PaymentId, height: u64) -> Result<Vec<Event>, MarketError>;

    /// Pays what has accrued and closes the payment; `overdrawn` when the account ran dry.
    fn close_payment(&self, state: &mut dyn StateWrite, id: &AccountId, payment: &PaymentId, height: u64, overdrawn: bool) -> Result<Vec<Event>, MarketError>;

    /// Closes the account and refunds what is left.
    fn close_account(&self, state: &mut dyn StateWrite, id: &AccountId, height: u64) -> Result<Vec<Event>, MarketError>;

    /// Deletes an ended payment and its index entries (pruning a closed order).
    fn prune_payment(&self, state: &mut dyn StateWrite, id: &AccountId, payment: &PaymentId) -> Result<(), MarketError>;

    /// Deletes a closed account that has no payment left (pruning a closed deployment).
    fn prune_account(&self, state: &mut dyn StateWrite, id: &AccountId) -> Result<(), MarketError>;

    /// The account as settled up to `height`, without writing (queries).
    fn settled_account(&self, state: &dyn StateRead, id: &AccountId, height: u64) -> Result<Option<epb::Account>, MarketError>;

    /// The payment as settled up to `height`, without writing (queries).
    fn settled_payment(&self, state: &dyn StateRead, id: &AccountId, payment: &PaymentId, height: u64) -> Result<Option<epb::Payment>, MarketError>;
}

/// The market's keepers, as the application wires them.
#[derive(Clone)]
pub struct Keepers {
    pub bank: Arc<dyn BankKeeper>,
    pub providers: Arc<dyn ProviderKeeper>,
    pub escrow: Arc<dyn EscrowKeeper>,
}

impl std::fmt::Debug for Keepers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keepers")
    }
}
