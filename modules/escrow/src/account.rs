//! The escrow's domain model and its settlement arithmetic, free of storage so it can be
//! tested exhaustively. All amounts are exact [`Dec`]s; nothing is ever rounded away: a
//! payment's fractional remainder carries over to the next withdrawal.

use agora_proto::escrow::v1 as pb;
use agora_types::{Address, Dec, DecCoin, Denom};

use crate::EscrowError;

/// An account is identified by its deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId {
    pub owner: Address,
    pub dseq: u64,
}

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.dseq)
    }
}

impl AccountId {
    pub fn to_proto(&self) -> pb::AccountId {
        pb::AccountId { owner: self.owner.to_bech32(), dseq: self.dseq }
    }
}

/// A payment is identified, within its account, by its lease's group, order and provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PaymentId {
    pub gseq: u32,
    pub oseq: u32,
    pub provider: Address,
}

impl std::fmt::Display for PaymentId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.gseq, self.oseq, self.provider)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountState {
    Open,
    Overdrawn,
    Closed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentState {
    Open,
    Closed,
    Overdrawn,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Depositor {
    pub address: Address,
    pub balance: Dec,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub denom: Denom,
    pub state: AccountState,
    /// Unspent funds; always the sum of the depositors' balances.
    pub balance: Dec,
    /// Sum of the open payments' rates.
    pub rate: Dec,
    pub settled_height: u64,
    /// Deposits not yet spent, spent first in, first out.
    pub depositors: Vec<Depositor>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub account: AccountId,
    pub id: PaymentId,
    pub state: PaymentState,
    pub rate: Dec,
    /// Accrued, not yet withdrawn.
    pub balance: Dec,
    pub withdrawn: Dec,
    /// The take's unpaid fraction, in 1/10,000 of a unit (below 10,000).
    pub take_carry: u32,
    /// Held by a dispute: nothing is paid out until it is released.
    pub held: bool,
}

fn overflow(what: &str) -> EscrowError {
    EscrowError::Overflow(what.to_string())
}

impl Account {
    /// Last height the funds pay for at the current rate; `None` while nothing is being paid.
    pub fn depletes_height(&self) -> Option<u64> {
        if self.state != AccountState::Open {
            return None;
        }
        let blocks = self.balance.div_floor(self.rate)?;
        Some(self.settled_height.saturating_add(u64::try_from(blocks).unwrap_or(u64::MAX)))
    }

    /// Whether the funds cannot pay for one more block.
    pub fn is_exhausted(&self) -> bool {
        !self.rate.is_zero() && self.balance < self.rate
    }

    /// Adds a deposit; the same depositor's funds are merged into its existing entry.
    pub fn deposit(&mut self, depositor: Address, amount: Dec, max_depositors: u32) -> Result<(), EscrowError> {
        self.balance = self.balance.checked_add(amount).ok_or_else(|| overflow("account balance"))?;
        if let Some(entry) = self.depositors.iter_mut().find(|d| d.address == depositor) {
            entry.balance = entry.balance.checked_add(amount).ok_or_else(|| overflow("deposit"))?;
            return Ok(());
        }
        // The owner may always deposit, so a crowd of small depositors cannot lock it out.
        if self.depositors.len() >= max_depositors as usize && depositor != self.id.owner {
            return Err(EscrowError::TooManyDepositors { account: self.id.to_string(), max: max_depositors });
        }
        self.depositors.push(Depositor { address: depositor, balance: amount });
        Ok(())
    }

    /// Takes `amount` out of the funds, from the oldest deposits first.
    fn spend(&mut self, amount: Dec) -> Result<(), EscrowError> {
        self.balance = self
            .balance
            .checked_sub(amount)
            .ok_or_else(|| EscrowError::Internal(format!("account {} spends more than it holds", self.id)))?;
        let mut left = amount;
        for entry in &mut self.depositors {
            let taken = entry.balance.min(left);
            entry.balance = entry.balance.checked_sub(taken).unwrap_or(Dec::ZERO);
            left = left.checked_sub(taken).unwrap_or(Dec::ZERO);
            if left.is_zero() {
                break;
            }
        }
        self.depositors.retain(|d| !d.balance.is_zero());
        Ok(())
    }

    /// Returns a payment's unpaid fraction to the funds (credited to the owner).
    pub fn refund_fraction(&mut self, amount: Dec) -> Result<(), EscrowError> {
        if amount.is_zero() {
            return Ok(());
        }
        let owner = self.id.owner;
        self.balance = self.balance.checked_add(amount).ok_or_else(|| overflow("account balance"))?;
        match self.depositors.iter_mut().find(|d| d.address == owner) {
            Some(entry) => entry.balance = entry.balance.checked_add(amount).ok_or_else(|| overflow("deposit"))?,
            None => self.depositors.push(Depositor { address: owner, balance: amount }),
        }
        Ok(())
    }

    /// Spends the funds for the blocks up to `height`, or up to the last block they cover,
    /// and returns how many blocks were paid (fewer than asked means the account ran dry).
    /// The payments' shares (`rate × blocks` each) are credited by the caller.
    pub fn advance(&mut self, height: u64) -> Result<u64, EscrowError> {
        if self.state != AccountState::Open || height <= self.settled_height {
            return Ok(0);
        }
        let blocks = height - self.settled_height;
        if self.rate.is_zero() {
            self.settled_height = height;
            return Ok(0);
        }
        let affordable = self.balance.div_floor(self.rate).unwrap_or(0);
        let paid_blocks = u64::try_from(affordable).unwrap_or(u64::MAX).min(blocks);
        let cost = self.rate.checked_mul_int(u128::from(paid_blocks)).ok_or_else(|| overflow("settlement"))?;
        self.spend(cost)?;
        self.settled_height += paid_blocks;
        Ok(paid_blocks)
    }

    /// Pays every open payment up to `height`, or up to the last block the funds cover.
    /// Returns how many blocks were paid; fewer than asked means the account ran dry.
    pub fn settle(&mut self, payments: &mut [Payment], height: u64) -> Result<u64, EscrowError> {
        let open_rate = payments
            .iter()
            .filter(|p| p.state == PaymentState::Open)
            .try_fold(Dec::ZERO, |sum, p| sum.checked_add(p.rate))
            .ok_or_else(|| overflow("rates"))?;
        if self.state == AccountState::Open && height > self.settled_height && open_rate != self.rate {
            return Err(EscrowError::Internal(format!(
                "account {} rate {} does not match its open payments ({open_rate})",
                self.id, self.rate
            )));
        }
        let paid_blocks = self.advance(height)?;
        for payment in payments.iter_mut() {
            payment.accrue(paid_blocks)?;
        }
        Ok(paid_blocks)
    }
}

impl Payment {
    /// Credits an open payment with `blocks` blocks at its rate.
    pub fn accrue(&mut self, blocks: u64) -> Result<(), EscrowError> {
        if self.state != PaymentState::Open || blocks == 0 {
            return Ok(());
        }
        let due = self.rate.checked_mul_int(u128::from(blocks)).ok_or_else(|| overflow("payment due"))?;
        self.balance = self.balance.checked_add(due).ok_or_else(|| overflow("payment balance"))?;
        Ok(())
    }

    /// Splits what can be paid out now (whole units) from the fraction that stays. The
    /// balance came out of coins the escrow holds, so its whole units are a coin amount.
    pub fn take_whole_units(&mut self) -> Result<u128, EscrowError> {
        let whole = self.balance.trunc();
        let units = whole.floor().ok_or_else(|| overflow("payment balance"))?;
        self.withdrawn = self.withdrawn.checked_add(whole).ok_or_else(|| overflow("withdrawn"))?;
        self.balance = self.balance.fract();
        Ok(units)
    }
}

// --- protobuf forms (state and queries) ---

fn state_to_proto(state: AccountState) -> pb::AccountState {
    match state {
        AccountState::Open => pb::AccountState::Open,
        AccountState::Overdrawn => pb::AccountState::Overdrawn,
        AccountState::Closed => pb::AccountState::Closed,
    }
}

fn payment_state_to_proto(state: PaymentState) -> pb::PaymentState {
    match state {
        PaymentState::Open => pb::PaymentState::Open,
        PaymentState::Closed => pb::PaymentState::Closed,
        PaymentState::Overdrawn => pb::PaymentState::Overdrawn,
    }
}

fn corrupt(what: impl std::fmt::Display) -> EscrowError {
    EscrowError::Internal(format!("corrupt escrow record: {what}"))
}

fn address(s: &str) -> Result<Address, EscrowError> {
    s.parse().map_err(corrupt)
}

fn dec_of(coin: &Option<agora_proto::base::v1::DecCoin>) -> Result<Dec, EscrowError> {
    let coin = coin.as_ref().ok_or_else(|| corrupt("missing amount"))?;
    coin.amount.parse().map_err(corrupt)
}

impl Account {
    pub fn to_proto(&self) -> pb::Account {
        let dec = |amount: Dec| Some(DecCoin::new(self.denom.clone(), amount).to_proto());
        pb::Account {
            id: Some(self.id.to_proto()),
            state: state_to_proto(self.state) as i32,
            balance: dec(self.balance),
            rate: dec(self.rate),
            settled_height: self.settled_height,
            depletes_height: self.depletes_height().unwrap_or(0),
            depositors: self
                .depositors
                .iter()
                .map(|d| pb::Depositor { address: d.address.to_bech32(), balance: dec(d.balance) })
                .collect(),
        }
    }

    pub fn from_proto(proto: &pb::Account) -> Result<Self, EscrowError> {
        let id = proto.id.as_ref().ok_or_else(|| corrupt("account without id"))?;
        let balance = proto.balance.as_ref().ok_or_else(|| corrupt("account without balance"))?;
        let state = match pb::AccountState::try_from(proto.state) {
            Ok(pb::AccountState::Open) => AccountState::Open,
            Ok(pb::AccountState::Overdrawn) => AccountState::Overdrawn,
            Ok(pb::AccountState::Closed) => AccountState::Closed,
            _ => return Err(corrupt(format!("account state {}", proto.state))),
        };
        Ok(Self {
            id: AccountId { owner: address(&id.owner)?, dseq: id.dseq },
            denom: Denom::new(balance.denom.clone()).map_err(corrupt)?,
            state,
            balance: dec_of(&proto.balance)?,
            rate: dec_of(&proto.rate)?,
            settled_height: proto.settled_height,
            depositors: proto
                .depositors
                .iter()
                .map(|d| Ok(Depositor { address: address(&d.address)?, balance: dec_of(&d.balance)? }))
                .collect::<Result<_, EscrowError>>()?,
        })
    }
}

impl Payment {
    pub fn to_proto(&self, denom: &Denom) -> pb::Payment {
        let dec = |amount: Dec| Some(DecCoin::new(denom.clone(), amount).to_proto());
        pb::Payment {
            account_id: Some(self.account.to_proto()),
            id: Some(pb::PaymentId { gseq: self.id.gseq, oseq: self.id.oseq, provider: self.id.provider.to_bech32() }),
            owner: self.id.provider.to_bech32(),
            state: payment_state_to_proto(self.state) as i32,
            rate: dec(self.rate),
            balance: dec(self.balance),
            withdrawn: dec(self.withdrawn),
            take_carry: self.take_carry,
            held: self.held,
        }
    }

    pub fn from_proto(proto: &pb::Payment) -> Result<Self, EscrowError> {
        let account = proto.account_id.as_ref().ok_or_else(|| corrupt("payment without account"))?;
        let id = proto.id.as_ref().ok_or_else(|| corrupt("payment without id"))?;
        let state = match pb::PaymentState::try_from(proto.state) {
            Ok(pb::PaymentState::Open) => PaymentState::Open,
            Ok(pb::PaymentState::Closed) => PaymentState::Closed,
            Ok(pb::PaymentState::Overdrawn) => PaymentState::Overdrawn,
            _ => return Err(corrupt(format!("payment state {}", proto.state))),
        };
        Ok(Self {
            account: AccountId { owner: address(&account.owner)?, dseq: account.dseq },
            id: PaymentId { gseq: id.gseq, oseq: id.oseq, provider: address(&id.provider)? },
            state,
            rate: dec_of(&proto.rate)?,
            balance: dec_of(&proto.balance)?,
            withdrawn: dec_of(&proto.withdrawn)?,
            take_carry: proto.take_carry,
            held: proto.held,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Dec {
        s.parse().expect("dec")
    }

    fn account(balance: &str, rate: &str) -> Account {
        let owner = Address::new([1; 20]);
        Account {
            id: AccountId { owner, dseq: 1 },
            denom: Denom::new("uagora").expect("denom"),
            state: AccountState::Open,
            balance: dec(balance),
            rate: dec(rate),
            settled_height: 10,
            depositors: vec![Depositor { address: owner, balance: dec(balance) }],
        }
    }

    fn payment(rate: &str, provider: u8) -> Payment {
        Payment {
            account: AccountId { owner: Address::new([1; 20]), dseq: 1 },
            id: PaymentId { gseq: 1, oseq: 1, provider: Address::new([provider; 20]) },
            state: PaymentState::Open,
            rate: dec(rate),
            balance: Dec::ZERO,
            withdrawn: Dec::ZERO,
            take_carry: 0,
            held: false,
        }
    }

    #[test]
    fn settlement_pays_exactly_and_carries_fractions() {
        let mut acc = account("100", "0.3");
        let mut pays = vec![payment("0.3", 2)];
        assert_eq!(acc.settle(&mut pays, 17).expect("settle"), 7);
        assert_eq!(pays[0].balance, dec("2.1"));
        assert_eq!(acc.balance, dec("97.9"));
        assert_eq!(pays[0].take_whole_units().expect("whole units"), 2);
        assert_eq!(pays[0].balance, dec("0.1"));
        acc.settle(&mut pays, 20).expect("settle");
        assert_eq!(pays[0].balance, dec("1"), "the 0.1 left over was carried, not forgiven");
        assert_eq!(acc.settled_height, 20);
    }

    #[test]
    fn funds_run_out_at_an_exact_height() {
        let mut acc = account("10", "3");
        assert_eq!(acc.depletes_height(), Some(13));
        let mut pays = vec![payment("1", 2), payment("2", 3)];
        assert_eq!(acc.settle(&mut pays, 100).expect("settle"), 3);
        assert_eq!(acc.settled_height, 13);
        assert_eq!((pays[0].balance, pays[1].balance, acc.balance), (dec("3"), dec("6"), dec("1")));
        assert!(acc.is_exhausted());
    }

    #[test]
    fn deposits_are_spent_first_in_first_out() {
        let mut acc = account("5", "1");
        acc.deposit(Address::new([9; 20]), dec("5"), 32).expect("deposit");
        acc.deposit(Address::new([1; 20]), dec("1"), 32).expect("owner tops up its own entry");
        let mut pays = vec![payment("1", 2)];
        acc.settle(&mut pays, 17).expect("settle");
        assert_eq!(acc.depositors, vec![Depositor { address: Address::new([9; 20]), balance: dec("4") }]);
    }

    #[test]
    fn the_owner_may_always_deposit() {
        let mut acc = account("5", "1");
        acc.deposit(Address::new([9; 20]), dec("1"), 2).expect("second depositor");
        let err = acc.deposit(Address::new([8; 20]), dec("1"), 2).expect_err("full");
        assert!(matches!(err, EscrowError::TooManyDepositors { .. }));
        acc.depositors.retain(|d| d.address != Address::new([1; 20]));
        acc.depositors.push(Depositor { address: Address::new([7; 20]), balance: Dec::ZERO });
        acc.deposit(Address::new([1; 20]), dec("1"), 2).expect("owner");
    }

    #[test]
    fn a_mismatched_rate_is_an_internal_error_not_a_silent_loss() {
        let mut acc = account("10", "2");
        let mut pays = vec![payment("1", 2)];
        assert!(matches!(acc.settle(&mut pays, 12), Err(EscrowError::Internal(_))));
    }

    #[test]
    fn proto_round_trip() {
        let acc = account("12.5", "0.25");
        assert_eq!(Account::from_proto(&acc.to_proto()).expect("decode"), acc);
        let pay = payment("0.25", 4);
        assert_eq!(Payment::from_proto(&pay.to_proto(&acc.denom)).expect("decode"), pay);
    }
}
