//! Typed events of `bank`, named and shaped as the Cosmos SDK emits them so explorers and
//! `tx_search` queries (`transfer.recipient='…'`) work unchanged.

use agora_types::{Address, Coins, Event, TypedEvent};

/// Coins left an account.
pub struct CoinSpent<'a> {
    pub spender: &'a Address,
    pub amount: &'a Coins,
}

/// Coins arrived in an account.
pub struct CoinReceived<'a> {
    pub receiver: &'a Address,
    pub amount: &'a Coins,
}

/// A transfer from one account to another.
pub struct Transfer<'a> {
    pub sender: &'a Address,
    pub recipient: &'a Address,
    pub amount: &'a Coins,
}

/// Coins destroyed by a module account with the burn permission.
pub struct CoinBurned<'a> {
    pub burner: &'a Address,
    pub amount: &'a Coins,
}

impl TypedEvent for CoinBurned<'_> {
    fn to_event(&self) -> Event {
        Event::new("burn").attr("burner", self.burner).attr("amount", self.amount)
    }
}

/// Coins created (genesis balances, and mints by a module account with the mint permission).
pub struct CoinMinted<'a> {
    pub minter: &'a Address,
    pub amount: &'a Coins,
}

impl TypedEvent for CoinSpent<'_> {
    fn to_event(&self) -> Event {
        Event::new("coin_spent").attr("spender", self.spender).attr("amount", self.amount)
    }
}

impl TypedEvent for CoinReceived<'_> {
    fn to_event(&self) -> Event {
        Event::new("coin_received").attr("receiver", self.receiver).attr("amount", self.amount)
    }
}

impl TypedEvent for Transfer<'_> {
    fn to_event(&self) -> Event {
        Event::new("transfer")
            .attr("recipient", self.recipient)
            .attr("sender", self.sender)
            .attr("amount", self.amount)
    }
}

impl TypedEvent for CoinMinted<'_> {
    fn to_event(&self) -> Event {
        Event::new("coinbase").attr("minter", self.minter).attr("amount", self.amount)
    }
}
