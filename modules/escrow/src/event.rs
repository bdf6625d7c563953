//! Typed events of `escrow`, so an explorer can follow every movement of escrowed funds.

use agora_types::{Address, Coin, Event, TypedEvent};

use crate::account::{AccountId, PaymentId};

fn account_event(kind: &str, id: &AccountId) -> Event {
    Event::new(kind).attr("owner", id.owner).attr("dseq", id.dseq)
}

fn payment_event(kind: &str, id: &AccountId, pid: &PaymentId) -> Event {
    account_event(kind, id).attr("gseq", pid.gseq).attr("oseq", pid.oseq).attr("provider", pid.provider)
}

/// Funds entered an account.
pub struct Deposited<'a> {
    pub account: &'a AccountId,
    pub depositor: &'a Address,
    pub amount: &'a Coin,
}

impl TypedEvent for Deposited<'_> {
    fn to_event(&self) -> Event {
        account_event("escrow_deposit", self.account).attr("depositor", self.depositor).attr("amount", self.amount)
    }
}

/// A provider collected what a lease had accrued; `take` went to the community pool.
pub struct Withdrawn<'a> {
    pub account: &'a AccountId,
    pub payment: &'a PaymentId,
    pub amount: &'a Coin,
    pub take: &'a Coin,
}

impl TypedEvent for Withdrawn<'_> {
    fn to_event(&self) -> Event {
        payment_event("escrow_withdrawal", self.account, self.payment)
            .attr("amount", self.amount)
            .attr("take", self.take)
    }
}

/// A payment started.
pub struct PaymentOpened<'a> {
    pub account: &'a AccountId,
    pub payment: &'a PaymentId,
    pub rate: &'a str,
}

impl TypedEvent for PaymentOpened<'_> {
    fn to_event(&self) -> Event {
        payment_event("escrow_payment_opened", self.account, self.payment).attr("rate", self.rate)
    }
}

/// A payment ended (`overdrawn`: because the account ran dry).
pub struct PaymentClosed<'a> {
    pub account: &'a AccountId,
    pub payment: &'a PaymentId,
    pub overdrawn: bool,
}

impl TypedEvent for PaymentClosed<'_> {
    fn to_event(&self) -> Event {
        payment_event("escrow_payment_closed", self.account, self.payment).attr("overdrawn", self.overdrawn)
    }
}

/// An account's funds could not pay for the next block; payments stopped at `settled_height`.
pub struct Overdrawn<'a> {
    pub account: &'a AccountId,
    pub settled_height: u64,
}

impl TypedEvent for Overdrawn<'_> {
    fn to_event(&self) -> Event {
        account_event("escrow_overdrawn", self.account).attr("settled_height", self.settled_height)
    }
}

/// Unspent funds went back to a depositor when the account closed.
pub struct Refunded<'a> {
    pub account: &'a AccountId,
    pub depositor: &'a Address,
    pub amount: &'a Coin,
}

impl TypedEvent for Refunded<'_> {
    fn to_event(&self) -> Event {
        account_event("escrow_refund", self.account).attr("depositor", self.depositor).attr("amount", self.amount)
    }
}

/// A dispute holds the payment: what accrues stays in it until the dispute is decided.
pub struct PaymentHeld<'a> {
    pub account: &'a AccountId,
    pub payment: &'a PaymentId,
}

impl TypedEvent for PaymentHeld<'_> {
    fn to_event(&self) -> Event {
        payment_event("escrow_payment_held", self.account, self.payment)
    }
}

/// The dispute was decided: `amount` left the payment, refunded to `to` (the tenant won) or
/// paid to the provider.
pub struct PaymentReleased<'a> {
    pub account: &'a AccountId,
    pub payment: &'a PaymentId,
    pub to: &'a Address,
    pub amount: &'a Coin,
    pub refunded: bool,
}

impl TypedEvent for PaymentReleased<'_> {
    fn to_event(&self) -> Event {
        payment_event("escrow_payment_released", self.account, self.payment)
            .attr("to", self.to)
            .attr("amount", self.amount)
            .attr("refunded", self.refunded)
    }
}
