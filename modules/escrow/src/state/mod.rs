//! Typed access to `escrow` state. Other modules use the narrow [`EscrowWrite`] operations
//! (open an account, deposit, open/withdraw/close a payment, close an account); they never
//! touch balances or the depletion index directly.

pub mod keys;

use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt};
use agora_proto::escrow::v1 as pb;
use agora_types::{Address, Coin, Coins, Dec, Event, TypedEvent};

use crate::account::{Account, AccountId, AccountState, Payment, PaymentId, PaymentState};
use crate::keepers::BankKeeper;
use crate::event::{Deposited, Overdrawn, PaymentClosed, PaymentHeld, PaymentOpened, PaymentReleased, Refunded, Withdrawn};
use crate::params::BPS_ONE;
use crate::{EscrowError, Params, ESCROW_MODULE};

/// An account with the height under which the depletion index holds it (to move the entry).
pub(crate) struct Loaded {
    pub(crate) account: Account,
    pub(crate) indexed_at: Option<u64>,
}

pub trait EscrowRead: StateRead {
    fn escrow_params(&self) -> Result<Params, EscrowError> {
        match self.get_proto::<pb::Params>(keys::PARAMS)? {
            Some(proto) => Params::from_proto(proto),
            None => Ok(Params::default()),
        }
    }

    fn escrow_account(&self, id: &AccountId) -> Result<Option<Account>, EscrowError> {
        self.get_proto::<pb::Account>(&keys::account(id))?.as_ref().map(Account::from_proto).transpose()
    }

    fn escrow_payment(&self, id: &AccountId, pid: &PaymentId) -> Result<Option<Payment>, EscrowError> {
        self.get_proto::<pb::Payment>(&keys::payment(id, pid))?.as_ref().map(Payment::from_proto).transpose()
    }

    /// The open payments of an account, in key order.
    fn open_payments(&self, id: &AccountId) -> Result<Vec<Payment>, EscrowError> {
        let prefix = keys::open_payments_of(id);
        let mut out = Vec::new();
        for item in self.prefix_raw(&prefix, None) {
            let (key, _) = item?;
            let pid = keys::parse_payment_tail(&key[prefix.len()..])
                .ok_or_else(|| EscrowError::Internal("corrupt open-payment key".into()))?;
            let payment = self
                .escrow_payment(id, &pid)?
                .ok_or_else(|| EscrowError::Internal(format!("open payment {pid} of {id} has no record")))?;
            out.push(payment);
        }
        Ok(out)
    }

    /// An account as it would be after settling up to `height`, and the blocks that settling
    /// pays for, without writing anything (queries). Point reads only, so it also works at
    /// historical heights.
    fn settled_view(&self, id: &AccountId, height: u64) -> Result<Option<(Account, u64)>, EscrowError> {
        let Some(mut account) = self.escrow_account(id)? else {
            return Ok(None);
        };
        let paid_blocks = account.advance(height)?;
        Ok(Some((account, paid_blocks)))
    }
}

impl<S: StateRead + ?Sized> EscrowRead for S {}

fn whole(denom: &agora_types::Denom, amount: u128) -> Coin {
    Coin::new(denom.clone(), amount)
}

/// Record-level writes: escrow's own; other modules use [`EscrowWrite`]'s operations.
pub(crate) trait EscrowRecords: StateWrite + EscrowRead + Sized {
    fn put_escrow_params(&mut self, params: &Params) {
        self.put_proto(keys::PARAMS.to_vec(), &params.to_proto());
    }

    /// Loads an account that must exist and not be closed.
    fn load_account(&self, id: &AccountId) -> Result<Loaded, EscrowError> {
        let account = self.escrow_account(id)?.ok_or_else(|| EscrowError::AccountNotFound(id.to_string()))?;
        if account.state == AccountState::Closed {
            return Err(EscrowError::AccountClosed(id.to_string()));
        }
        let indexed_at = account.depletes_height();
        Ok(Loaded { account, indexed_at })
    }

    /// Writes an account and moves its depletion-index entry to its new height.
    fn store_account(&mut self, loaded: &Loaded) -> Result<(), EscrowError> {
        let account = &loaded.account;
        let now = account.depletes_height();
        if loaded.indexed_at != now {
            let suffix = keys::account_suffix(&account.id);
            if let Some(old) = loaded.indexed_at {
                keys::DEPLETION_QUEUE.remove(self, old, &suffix);
            }
            if let Some(new) = now {
                keys::DEPLETION_QUEUE.insert(self, new, &suffix)?;
            }
        }
        self.put_proto(keys::account(&account.id), &account.to_proto());
        Ok(())
    }

    fn store_payment(&mut self, payment: &Payment, denom: &agora_types::Denom) {
        self.put_proto(keys::payment(&payment.account, &payment.id), &payment.to_proto(denom));
        let open_key = keys::open_payment(&payment.account, &payment.id);
        if payment.state == PaymentState::Open {
            self.put_raw(open_key, Vec::new());
        } else {
            self.delete(open_key);
        }
    }

    /// Settles an account up to `height` and writes it and its open payments. Returns the
    /// loaded account for further changes (the caller stores it again if it changes it).
    fn settle_to(&mut self, id: &AccountId, height: u64) -> Result<Loaded, EscrowError> {
        let mut loaded = self.load_account(id)?;
        let mut payments = self.open_payments(id)?;
        if loaded.account.settle(&mut payments, height)? > 0 {
            for payment in &payments {
                self.store_payment(payment, &loaded.account.denom);
            }
        }
        Ok(loaded)
    }

    /// Transfers a payment's whole units to its provider, the take to the community pool.
    fn pay_out(&mut self, bank: &dyn BankKeeper, payment: &mut Payment, denom: &agora_types::Denom, height: u64) -> Result<Vec<Event>, EscrowError> {
        let amount = payment.take_whole_units()?;
        if amount == 0 {
            return Ok(Vec::new());
        }
        let bps = self.escrow_params()?.take_rate_bps(denom);
        // The take is (amount × bps + carry) / 10,000, where carry is the fraction, in
        // 1/10,000 units, that earlier withdrawals left unpaid: the whole units go now, the new
        // fraction carries over. Split as amount = q × 10,000 + r so nothing overflows for any
        // coin amount: q × bps ≤ amount, and r × bps + carry < 10,001 × 10,000.
        let (bps, one) = (u128::from(bps), u128::from(BPS_ONE));
        let (q, r) = (amount / one, amount % one);
        let small = r * bps + u128::from(payment.take_carry);
        let take = q * bps + small / one;
        // Below BPS_ONE, so it fits a u32.
        payment.take_carry = u32::try_from(small % one).map_err(|e| EscrowError::Internal(e.to_string()))?;
        let module = Address::module(ESCROW_MODULE);
        let mut events = Vec::new();
        let to_provider = whole(denom, amount - take);
        let take_coin = whole(denom, take);
        let single = |coin: &Coin| Coins::from_list(vec![coin.clone()]).map_err(|e| EscrowError::Internal(e.to_string()));
        if to_provider.amount > 0 {
            events.extend(bank.send_coins(self, &module, &payment.id.provider, &single(&to_provider)?)?);
        }
        if take_coin.amount > 0 {
            events.extend(bank.collect_take(self, &module, &payment.id.provider, &single(&take_coin)?, height)?);
        }
        events.push(Withdrawn { account: &payment.account, payment: &payment.id, amount: &to_provider, take: &take_coin }.to_event());
        Ok(events)
    }

    /// Marks an account whose funds cannot pay the next block as overdrawn.
    fn mark_overdrawn(&mut self, loaded: &mut Loaded) -> Result<Event, EscrowError> {
        loaded.account.state = AccountState::Overdrawn;
        self.store_account(loaded)?;
        Ok(Overdrawn { account: &loaded.account.id, settled_height: loaded.account.settled_height }.to_event())
    }
}

impl<S: StateWrite> EscrowRecords for S {}

/// The escrow operations other modules use (through the keepers the application wires).
/// Sized, so that its methods can hand the state on to a keeper as `&mut dyn StateWrite`.
pub trait EscrowWrite: StateWrite + EscrowRead + Sized {
    /// Creates the account of a deployment, funded by `deposit` from `depositor`.
    fn open_account(&mut self, bank: &dyn BankKeeper, id: &AccountId, depositor: &Address, deposit: &Coin, height: u64) -> Result<Vec<Event>, EscrowError> {
        if self.escrow_account(id)?.is_some() {
            return Err(EscrowError::AccountExists(id.to_string()));
        }
        let account = Account {
            id: *id,
            denom: deposit.denom.clone(),
            state: AccountState::Open,
            balance: Dec::ZERO,
            rate: Dec::ZERO,
            settled_height: height,
            depositors: Vec::new(),
        };
        let loaded = Loaded { account, indexed_at: None };
        self.store_account(&loaded)?;
        self.deposit(bank, id, depositor, deposit, height)
    }

    /// Adds funds. An overdrawn account opens again (its payments were all closed).
    fn deposit(&mut self, bank: &dyn BankKeeper, id: &AccountId, depositor: &Address, amount: &Coin, height: u64) -> Result<Vec<Event>, EscrowError> {
        if amount.amount == 0 {
            return Err(EscrowError::ZeroDeposit);
        }
        let mut loaded = self.settle_to(id, height)?;
        let account = &mut loaded.account;
        if amount.denom != account.denom {
            return Err(EscrowError::DenomMismatch { got: amount.to_string(), expected: account.denom.to_string() });
        }
        let dec = Dec::from_units(amount.amount);
        let max = self.escrow_params()?.max_depositors;
        account.deposit(*depositor, dec, max)?;
        if account.state == AccountState::Overdrawn {
            account.state = AccountState::Open;
            account.settled_height = height;
        }
        let coins = Coins::from_list(vec![amount.clone()]).map_err(|e| EscrowError::Internal(e.to_string()))?;
        let mut events = bank.send_coins(self, depositor, &Address::module(ESCROW_MODULE), &coins)?;
        events.push(Deposited { account: id, depositor, amount }.to_event());
        self.store_account(&loaded)?;
        Ok(events)
    }

    /// Starts paying `rate` per block from the account, from `height` on.
    fn open_payment(&mut self, id: &AccountId, pid: &PaymentId, rate: Dec, height: u64) -> Result<Vec<Event>, EscrowError> {
        if self.escrow_payment(id, pid)?.is_some() {
            return Err(EscrowError::PaymentExists(format!("{id}/{pid}")));
        }
        let mut loaded = self.settle_to(id, height)?;
        if loaded.account.state != AccountState::Open {
            return Err(EscrowError::InsufficientFunds(format!("escrow account {id} is overdrawn: deposit first")));
        }
        loaded.account.rate = loaded.account.rate.checked_add(rate).ok_or_else(|| EscrowError::Overflow(rate.to_string()))?;
        let payment =
            Payment { account: *id, id: *pid, state: PaymentState::Open, rate, balance: Dec::ZERO, withdrawn: Dec::ZERO, take_carry: 0, held: false };
        self.store_payment(&payment, &loaded.account.denom);
        self.put_raw(keys::by_provider(id, pid), Vec::new());
        self.store_account(&loaded)?;
        let rate_text = format!("{rate}{}", loaded.account.denom);
        Ok(vec![PaymentOpened { account: id, payment: pid, rate: &rate_text }.to_event()])
    }

    /// Pays the provider the whole units a payment has accrued, less the take rate.
    fn withdraw_payment(&mut self, bank: &dyn BankKeeper, id: &AccountId, pid: &PaymentId, height: u64) -> Result<Vec<Event>, EscrowError> {
        let loaded = self.settle_to(id, height)?;
        self.store_account(&loaded)?;
        let mut payment = self.escrow_payment(id, pid)?.ok_or_else(|| EscrowError::PaymentNotFound(format!("{id}/{pid}")))?;
        if payment.held {
            return Err(EscrowError::PaymentHeld(format!("{id}/{pid}")));
        }
        let events = self.pay_out(bank, &mut payment, &loaded.account.denom, height)?;
        self.store_payment(&payment, &loaded.account.denom);
        Ok(events)
    }

    /// A tenant disputes the lease: what accrued until now is paid out as usual, and from here
    /// on the payment keeps what accrues until [`release_payment`](Self::release_payment).
    fn hold_payment(&mut self, bank: &dyn BankKeeper, id: &AccountId, pid: &PaymentId, height: u64) -> Result<Vec<Event>, EscrowError> {
        let loaded = self.settle_to(id, height)?;
        self.store_account(&loaded)?;
        let mut payment = self.escrow_payment(id, pid)?.ok_or_else(|| EscrowError::PaymentNotFound(format!("{id}/{pid}")))?;
        if payment.state != PaymentState::Open {
            return Err(EscrowError::PaymentNotOpen(format!("{id}/{pid}")));
        }
        if payment.held {
            return Err(EscrowError::PaymentHeld(format!("{id}/{pid}")));
        }
        let mut events = self.pay_out(bank, &mut payment, &loaded.account.denom, height)?;
        payment.held = true;
        self.store_payment(&payment, &loaded.account.denom);
        events.push(PaymentHeld { account: id, payment: pid }.to_event());
        Ok(events)
    }

    /// The dispute is decided: the whole units held go to `refund_to` (the tenant won; they do
    /// not count as withdrawn) or are paid to the provider as a withdrawal (with the take); the
    /// payment then pays as before if it is still open. One that ended is deleted with its
    /// index entries (its order was pruned, or will find nothing to prune), and so is its
    /// account if it is closed and has no other payment. Returns what left the payment (before
    /// any take).
    fn release_payment(
        &mut self,
        bank: &dyn BankKeeper,
        id: &AccountId,
        pid: &PaymentId,
        height: u64,
        refund_to: Option<&Address>,
    ) -> Result<(Coin, Vec<Event>), EscrowError> {
        let account = self.escrow_account(id)?.ok_or_else(|| EscrowError::AccountNotFound(id.to_string()))?;
        // A closed account (the tenant closed the deployment meanwhile) has nothing to settle.
        let closed = account.state == AccountState::Closed;
        if !closed {
            let loaded = self.settle_to(id, height)?;
            self.store_account(&loaded)?;
        }
        let denom = account.denom;
        let mut payment = self.escrow_payment(id, pid)?.ok_or_else(|| EscrowError::PaymentNotFound(format!("{id}/{pid}")))?;
        if !payment.held {
            return Err(EscrowError::Internal(format!("payment {id}/{pid} is released but was not held")));
        }
        payment.held = false;
        let (released, events) = match refund_to {
            None => {
                let before = payment.balance;
                let events = self.pay_out(bank, &mut payment, &denom, height)?;
                let paid = before.checked_sub(payment.balance).and_then(|d| d.floor()).ok_or_else(|| EscrowError::Internal("payout above the balance".into()))?;
                (paid, events)
            }
            Some(to) => {
                let units = payment.balance.floor().ok_or_else(|| EscrowError::Internal(format!("payment {id}/{pid} holds beyond any coin amount")))?;
                payment.balance = payment.balance.fract();
                let mut events = Vec::new();
                if units > 0 {
                    let coins = Coins::from_list(vec![whole(&denom, units)]).map_err(|e| EscrowError::Internal(e.to_string()))?;
                    events.extend(bank.send_coins(self, &Address::module(ESCROW_MODULE), to, &coins)?);
                }
                (units, events)
            }
        };
        let mut events = events;
        let amount = whole(&denom, released);
        let to = refund_to.copied().unwrap_or(pid.provider);
        events.push(PaymentReleased { account: id, payment: pid, to: &to, amount: &amount, refunded: refund_to.is_some() }.to_event());
        if payment.state == PaymentState::Open {
            self.store_payment(&payment, &denom);
        } else {
            if !payment.balance.is_zero() {
                return Err(EscrowError::Internal(format!("ended payment {id}/{pid} keeps {} after its release", payment.balance)));
            }
            self.delete_payment_records(id, pid);
            if closed && self.prefix_raw(&keys::payments_of(id), None).next().is_none() {
                self.delete(keys::account(id));
            }
        }
        Ok((amount, events))
    }

    /// Ends a payment: settles, pays the provider what has accrued, and returns the unpaid
    /// fraction to the account.
    fn close_payment(&mut self, bank: &dyn BankKeeper, id: &AccountId, pid: &PaymentId, height: u64, overdrawn: bool) -> Result<Vec<Event>, EscrowError> {
        let mut loaded = self.settle_to(id, height)?;
        let mut payment = self.escrow_payment(id, pid)?.ok_or_else(|| EscrowError::PaymentNotFound(format!("{id}/{pid}")))?;
        if payment.state != PaymentState::Open {
            return Err(EscrowError::PaymentNotOpen(format!("{id}/{pid}")));
        }
        let denom = loaded.account.denom.clone();
        // A held payment keeps its whole units for the dispute; otherwise they are paid now.
        let mut events = if payment.held { Vec::new() } else { self.pay_out(bank, &mut payment, &denom, height)? };
        let fraction = payment.balance.fract();
        payment.balance =
            payment.balance.checked_sub(fraction).ok_or_else(|| EscrowError::Internal(format!("payment {id}/{pid} fraction above its balance")))?;
        loaded.account.refund_fraction(fraction)?;
        loaded.account.rate = loaded
            .account
            .rate
            .checked_sub(payment.rate)
            .ok_or_else(|| EscrowError::Internal(format!("account {id} rate below its payment's")))?;
        payment.state = if overdrawn { PaymentState::Overdrawn } else { PaymentState::Closed };
        self.store_payment(&payment, &denom);
        self.store_account(&loaded)?;
        events.push(PaymentClosed { account: id, payment: pid, overdrawn }.to_event());
        Ok(events)
    }

    /// Closes an account whose payments are all closed, returning each depositor's unspent
    /// funds (whole units; the owner receives what the fractions add up to).
    fn close_account(&mut self, bank: &dyn BankKeeper, id: &AccountId, height: u64) -> Result<Vec<Event>, EscrowError> {
        let mut loaded = self.settle_to(id, height)?;
        if !self.open_payments(id)?.is_empty() {
            return Err(EscrowError::Internal(format!("account {id} closed with open payments")));
        }
        let account = &mut loaded.account;
        if !account.balance.fract().is_zero() {
            return Err(EscrowError::Internal(format!("account {id} holds a fraction of a unit at close: {}", account.balance)));
        }
        let denom = account.denom.clone();
        let units = |amount: Dec| amount.floor().ok_or_else(|| EscrowError::Internal(format!("account {id} holds {amount}, beyond any coin amount")));
        let total = units(account.balance)?;
        let mut refunds: Vec<(Address, u128)> =
            account.depositors.iter().map(|d| Ok((d.address, units(d.balance)?))).collect::<Result<_, EscrowError>>()?;
        let floors: u128 = refunds.iter().map(|(_, a)| *a).sum();
        let rest = total.checked_sub(floors).ok_or_else(|| EscrowError::Internal("refunds exceed the balance".into()))?;
        if rest > 0 {
            match refunds.iter_mut().find(|(a, _)| *a == id.owner) {
                Some(entry) => entry.1 += rest,
                None => refunds.push((id.owner, rest)),
            }
        }
        account.balance = Dec::ZERO;
        account.depositors.clear();
        account.state = AccountState::Closed;
        self.store_account(&loaded)?;
        let module = Address::module(ESCROW_MODULE);
        let mut events = Vec::new();
        for (depositor, amount) in refunds.into_iter().filter(|(_, a)| *a > 0) {
            let coin = whole(&denom, amount);
            let coins = Coins::from_list(vec![coin.clone()]).map_err(|e| EscrowError::Internal(e.to_string()))?;
            events.extend(bank.send_coins(self, &module, &depositor, &coins)?);
            events.push(Refunded { account: id, depositor: &depositor, amount: &coin }.to_event());
        }
        Ok(events)
    }


    /// Deletes an ended payment and its index entries (the market pruning a closed order);
    /// queries at earlier heights still find it. An open payment is refused.
    fn prune_payment(&mut self, id: &AccountId, pid: &PaymentId) -> Result<(), EscrowError> {
        let Some(payment) = self.escrow_payment(id, pid)? else {
            return Ok(());
        };
        // A dispute still holds it: it stays until the dispute releases it.
        if payment.held {
            return Ok(());
        }
        // An ended payment was paid out; one that still holds value is never deleted.
        if payment.state == PaymentState::Open || !payment.balance.is_zero() {
            return Err(EscrowError::Internal(format!("pruning payment {id}/{pid}, which is open or holds {}", payment.balance)));
        }
        self.delete_payment_records(id, pid);
        Ok(())
    }

    /// Deletes a payment and its index entries.
    fn delete_payment_records(&mut self, id: &AccountId, pid: &PaymentId) {
        self.delete(keys::payment(id, pid));
        self.delete(keys::open_payment(id, pid));
        self.delete(keys::by_provider(id, pid));
    }

    /// Deletes a closed account with no payment left (the market pruning a closed deployment).
    fn prune_account(&mut self, id: &AccountId) -> Result<(), EscrowError> {
        let Some(account) = self.escrow_account(id)? else {
            return Ok(());
        };
        if account.state != AccountState::Closed || !account.balance.is_zero() || !account.depositors.is_empty() {
            return Err(EscrowError::Internal(format!("pruning escrow account {id}, which is not closed or holds {}", account.balance)));
        }
        let mut remaining = 0usize;
        for item in self.prefix_raw(&keys::payments_of(id), None) {
            // Payments a dispute holds outlived their orders' pruning: the account stays with
            // them, and the last release deletes it.
            let (_, value) = item?;
            let payment: pb::Payment =
                prost::Message::decode(value.as_slice()).map_err(|_| EscrowError::Internal(format!("corrupt payment of account {id}")))?;
            if payment.held {
                return Ok(());
            }
            remaining += 1;
        }
        if remaining > 0 {
            return Err(EscrowError::Internal(format!("pruning escrow account {id}, which still has payments")));
        }
        self.delete(keys::account(id));
        Ok(())
    }
}

impl<S: StateWrite> EscrowWrite for S {}
