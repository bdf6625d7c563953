//! Property tests of settlement through escrow's own operations and block hook, over a real
//! bank: whatever the rates, deposits, withdrawals and closes, in denoms of 6 and of 18
//! decimals (18-decimal deposits up to 10^30 base units), every base unit is conserved, after
//! every step and at the end, when each has gone to a provider, the take's pool or back to a
//! depositor.

use agora_bank::{BankRead, BankWrite};
use agora_component::{isolated, Component, NoRouter};
use agora_store::{EmptyState, StateDelta, StateRead, StateWrite};
use agora_types::{Address, BlockContext, Coin, Coins, Dec, Denom, Event, TxError};
use proptest::prelude::*;

use crate::{AccountId, BankKeeper, EscrowComponent, EscrowError, EscrowHooks, EscrowRead, EscrowWrite, Params, PaymentId, PaymentState};
use crate::{COMMUNITY_POOL, ESCROW_MODULE};

struct TestBank;

impl BankKeeper for TestBank {
    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, EscrowError> {
        Ok(state.send_coins(from, to, amount)?)
    }

    fn balance(&self, state: &dyn StateRead, address: &Address, denom: &Denom) -> Result<u128, EscrowError> {
        Ok(state.balance(address, denom)?)
    }
}

/// What the market does when an account runs dry: its open payments close as overdrawn.
struct CloseOverdrawn;

impl EscrowHooks for CloseOverdrawn {
    fn account_overdrawn(&self, mut state: &mut dyn StateWrite, account: &AccountId, ctx: &BlockContext) -> Result<Vec<Event>, TxError> {
        let mut events = Vec::new();
        for payment in state.open_payments(account).map_err(|e| TxError::internal(e.to_string()))? {
            events.extend(state.close_payment(&TestBank, account, &payment.id, ctx.height, true).map_err(|e| TxError::internal(e.to_string()))?);
        }
        Ok(events)
    }
}


#[derive(Clone, Debug)]
enum Op {
    Deposit { depositor: usize, amount: u128 },
    OpenPayment { provider: usize, rate: Dec },
    Advance { blocks: u64 },
    Withdraw { payment: usize },
    ClosePayment { payment: usize },
    /// A dispute holds the payment, and later releases it to the tenant or the provider.
    Hold { payment: usize },
    Release { payment: usize, to_tenant: bool },
}

const DEPOSITORS: usize = 3;
const PROVIDERS: usize = 4;

fn depositor(i: usize) -> Address {
    Address::new([10 + i as u8; 20])
}

fn provider(i: usize) -> Address {
    Address::new([50 + i as u8; 20])
}

/// Amounts and rates spread over many orders of magnitude: `m × 10^k` base units, plus a
/// fraction for rates.
fn amount(max_exp: u32) -> impl Strategy<Value = u128> {
    (0..=max_exp, 1u128..1000).prop_map(|(k, m)| m * 10u128.pow(k))
}

fn rate(max_exp: u32) -> impl Strategy<Value = Dec> {
    (amount(max_exp), 0u128..agora_types::DEC_ONE, any::<bool>()).prop_map(|(units, atto, whole)| {
        let units = Dec::from_units(units);
        if whole { units } else { units.checked_add(Dec::from_atto(atto)).unwrap_or(units) }
    })
}

fn op(max_exp: u32) -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..DEPOSITORS, amount(max_exp)).prop_map(|(depositor, amount)| Op::Deposit { depositor, amount }),
        (0..PROVIDERS, rate(max_exp.saturating_sub(4))).prop_map(|(provider, rate)| Op::OpenPayment { provider, rate }),
        (1u64..200).prop_map(|blocks| Op::Advance { blocks }),
        (0usize..8).prop_map(|payment| Op::Withdraw { payment }),
        (0usize..8).prop_map(|payment| Op::ClosePayment { payment }),
        (0usize..8).prop_map(|payment| Op::Hold { payment }),
        (0usize..8, any::<bool>()).prop_map(|(payment, to_tenant)| Op::Release { payment, to_tenant }),
    ]
}

struct Run {
    state: StateDelta<EmptyState>,
    escrow: EscrowComponent,
    denom: Denom,
    account: AccountId,
    payments: Vec<PaymentId>,
    height: u64,
    funded: u128,
    supply: u128,
}

impl Run {
    fn new(denom: &str, take_bps: u32, first_deposit: u128) -> Self {
        let denom = Denom::new(denom).unwrap();
        let mut state = StateDelta::new(EmptyState);
        let params = Params { default_take_rate_bps: take_bps, take_rates: Vec::new(), ..Params::default() };
        let escrow = EscrowComponent::new(CloseOverdrawn, TestBank);
        escrow.init_genesis(&mut state, &crate::GenesisState { params, ..Default::default() }).unwrap();
        // Each depositor can afford every deposit the strategy makes, several times over.
        let each = u128::MAX / 16;
        for i in 0..DEPOSITORS {
            agora_bank::testing::fund(&mut state, &depositor(i), &Coins::from_list(vec![Coin::new(denom.clone(), each)]).unwrap());
        }
        let account = AccountId { owner: depositor(0), dseq: 1 };
        state.open_account(&TestBank, &account, &depositor(0), &Coin::new(denom.clone(), first_deposit), 1).unwrap();
        let supply = state.supply_of(&denom).unwrap();
        Self { state, escrow, denom, account, payments: Vec::new(), height: 1, funded: each * DEPOSITORS as u128, supply }
    }

    /// Every base unit is where the accounting says: nothing created, nothing lost.
    fn check(&self) {
        crate::invariant::check_escrow(&self.state, &TestBank).unwrap();
        let held = |address: &Address| self.state.balance(address, &self.denom).unwrap();
        let everywhere: u128 = (0..DEPOSITORS).map(|i| held(&depositor(i))).sum::<u128>()
            + (0..PROVIDERS).map(|i| held(&provider(i))).sum::<u128>()
            + held(&Address::module(COMMUNITY_POOL))
            + held(&Address::module(ESCROW_MODULE));
        assert_eq!(everywhere, self.funded, "every unit accounted for");
        assert_eq!(self.state.supply_of(&self.denom).unwrap(), self.supply, "no unit created or destroyed");
    }

    fn apply(&mut self, op: &Op) {
        let (bank, account, height, denom) = (&TestBank, self.account, self.height, self.denom.clone());
        let payments = self.payments.clone();
        let pick = |i: usize| payments.get(i % payments.len().max(1)).copied();
        let result: Result<Option<PaymentId>, EscrowError> = match op {
            Op::Deposit { depositor: i, amount } => isolated(&mut self.state, |fork| {
                fork.deposit(bank, &account, &depositor(*i), &Coin::new(denom, *amount), height).map(|_| None)
            }),
            Op::OpenPayment { provider: i, rate } => {
                let id = PaymentId { gseq: 1, oseq: u32::try_from(payments.len()).unwrap() + 1, provider: provider(*i) };
                isolated(&mut self.state, |fork| fork.open_payment(&account, &id, *rate, height).map(|_| Some(id)))
            }
            Op::Advance { blocks } => {
                for _ in 0..*blocks {
                    self.height += 1;
                    let ctx = BlockContext { height: self.height, ..BlockContext::default() };
                    self.escrow.end_block(&mut self.state, &ctx, &NoRouter).unwrap();
                }
                Ok(None)
            }
            Op::Withdraw { payment } => match pick(*payment) {
                Some(pid) => isolated(&mut self.state, |fork| fork.withdraw_payment(bank, &account, &pid, height).map(|_| None)),
                None => Ok(None),
            },
            Op::ClosePayment { payment } => match pick(*payment) {
                Some(pid) => isolated(&mut self.state, |fork| fork.close_payment(bank, &account, &pid, height, false).map(|_| None)),
                None => Ok(None),
            },
            Op::Hold { payment } => match pick(*payment) {
                Some(pid) => isolated(&mut self.state, |fork| fork.hold_payment(bank, &account, &pid, height).map(|_| None)),
                None => Ok(None),
            },
            Op::Release { payment, to_tenant } => match pick(*payment) {
                Some(pid) => {
                    let tenant = account.owner;
                    isolated(&mut self.state, |fork| fork.release_payment(bank, &account, &pid, height, to_tenant.then_some(&tenant)).map(|_| None))
                }
                None => Ok(None),
            },
        };
        // A refused operation (a closed payment, an overdrawn account, a rate beyond what
        // is held) wrote nothing, on its fork.
        if let Ok(Some(id)) = result {
            self.payments.push(id);
        }
        self.check();
    }

    /// Closes what is open and the account: the escrow then holds nothing of the denom.
    fn finish(&mut self) {
        self.height += 1;
        let open: Vec<PaymentId> = self.state.open_payments(&self.account).unwrap().iter().map(|p| p.id).collect();
        for pid in open {
            self.state.close_payment(&TestBank, &self.account, &pid, self.height, false).unwrap();
        }
        self.state.close_account(&TestBank, &self.account, self.height).unwrap();
        self.check();
        // A dispute outlives its lease: what it held leaves escrow when it is decided.
        for pid in &self.payments {
            if self.state.escrow_payment(&self.account, pid).unwrap().is_some_and(|p| p.held) {
                self.state.release_payment(&TestBank, &self.account, pid, self.height, None).unwrap();
            }
        }
        self.check();
        assert_eq!(self.state.balance(&Address::module(ESCROW_MODULE), &self.denom).unwrap(), 0, "nothing left in escrow");
        // A payment released after it ended is gone; every other one is ended and empty.
        for pid in &self.payments {
            if let Some(payment) = self.state.escrow_payment(&self.account, pid).unwrap() {
                assert_ne!(payment.state, PaymentState::Open);
                assert!(payment.balance.is_zero(), "a closed payment holds nothing");
            }
        }
    }
}

fn scenario(decimals: u32) -> impl Strategy<Value = (u32, u128, Vec<Op>)> {
    // 18-decimal deposits up to 10^30 base units (10^12 tokens); 6-decimal ones up to 10^15.
    let max_exp = if decimals == 18 { 27 } else { 12 };
    (0u32..=10_000, amount(max_exp), proptest::collection::vec(op(max_exp), 1..40))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn settlement_conserves_every_unit_of_a_6_decimal_denom((take, first, ops) in scenario(6)) {
        let mut run = Run::new("uusdc", take, first);
        for op in &ops {
            run.apply(op);
        }
        run.finish();
    }

    #[test]
    fn settlement_conserves_every_unit_of_an_18_decimal_denom((take, first, ops) in scenario(18)) {
        let mut run = Run::new("aeth", take, first);
        for op in &ops {
            run.apply(op);
        }
        run.finish();
    }
}

/// 10^30 base units of an 18-decimal denom through a whole lease: deposit, a rate with a
/// fraction of a base unit, withdrawals and the close, exact to the unit.
#[test]
fn an_18_decimal_deposit_of_10_pow_30_base_units_settles_exactly() {
    let deposit = 10u128.pow(30);
    let mut run = Run::new("aeth", 200, deposit);
    let rate: Dec = "1000000000000000000000.5".parse().unwrap();
    run.apply(&Op::OpenPayment { provider: 0, rate });
    run.apply(&Op::Advance { blocks: 10 });
    run.apply(&Op::Withdraw { payment: 0 });
    let paid = run.state.balance(&provider(0), &run.denom).unwrap();
    let pool = run.state.balance(&Address::module(COMMUNITY_POOL), &run.denom).unwrap();
    // Ten blocks at 10^21 + 0.5 units: 10^22 + 5 whole units, 2% of them the take.
    let accrued = 10u128.pow(22) + 5;
    assert_eq!(paid + pool, accrued);
    assert_eq!(pool, accrued * 200 / 10_000);
    run.finish();
    let held = |address: &Address| run.state.balance(address, &run.denom).unwrap();
    let (paid, pool) = (held(&provider(0)), held(&Address::module(COMMUNITY_POOL)));
    // The close a block later pays that block's whole 10^21 units; its half unit goes back to
    // the account, where it makes a whole unit with the half the deposit had left.
    assert_eq!(paid + pool, accrued + 10u128.pow(21));
    assert_eq!(held(&depositor(0)) + paid + pool, u128::MAX / 16, "the depositor got back all the rest");
}

/// A held payment pays nothing out while the dispute runs (a withdrawal is refused), keeps its
/// whole units when its lease closes, and refunds the tenant exactly what accrued after the
/// hold; what accrued before went to the provider when the hold began.
#[test]
fn a_held_payment_keeps_what_accrues_until_the_dispute_releases_it() {
    let mut run = Run::new("uusdc", 0, 1_000_000);
    run.apply(&Op::OpenPayment { provider: 0, rate: "10.5".parse().unwrap() });
    run.apply(&Op::Advance { blocks: 4 });
    let (account, pid) = (run.account, run.payments[0]);
    run.state.hold_payment(&TestBank, &account, &pid, run.height).unwrap();
    // Four blocks at 10.5: 42 paid before the hold.
    assert_eq!(run.state.balance(&provider(0), &run.denom).unwrap(), 42);
    let error = run.state.hold_payment(&TestBank, &account, &pid, run.height).unwrap_err();
    assert!(matches!(error, EscrowError::PaymentHeld(_)), "{error}");
    run.apply(&Op::Advance { blocks: 3 });
    let error = run.state.withdraw_payment(&TestBank, &account, &pid, run.height).unwrap_err();
    assert!(matches!(error, EscrowError::PaymentHeld(_)), "{error}");
    // The lease closes: 31.5 accrued since the hold, 31 whole units stay held, the half unit
    // goes back to the account.
    run.state.close_payment(&TestBank, &account, &pid, run.height, false).unwrap();
    assert_eq!(run.state.balance(&provider(0), &run.denom).unwrap(), 42);
    assert_eq!(run.state.escrow_payment(&account, &pid).unwrap().unwrap().balance, Dec::from_units(31));
    run.check();
    let before = run.state.balance(&depositor(0), &run.denom).unwrap();
    let (released, _) = run.state.release_payment(&TestBank, &account, &pid, run.height, Some(&depositor(0))).unwrap();
    assert_eq!(released, Coin::new(run.denom.clone(), 31));
    assert_eq!(run.state.balance(&depositor(0), &run.denom).unwrap(), before + 31);
    // Refunded units are not counted as withdrawn; the ended payment is gone once released.
    assert!(run.state.escrow_payment(&account, &pid).unwrap().is_none());
    run.check();
    let error = run.state.release_payment(&TestBank, &account, &pid, run.height, None).unwrap_err();
    assert!(matches!(error, EscrowError::PaymentNotFound(_)), "a payment is released once: {error}");
    run.finish();
}

/// A held payment outlives its order's and its deployment's pruning; the release deletes it,
/// and its closed account with it.
#[test]
fn a_held_payment_of_a_pruned_deployment_goes_with_its_account_on_release() {
    let mut run = Run::new("uusdc", 0, 1_000_000);
    run.apply(&Op::OpenPayment { provider: 0, rate: "10".parse().unwrap() });
    let (account, pid) = (run.account, run.payments[0]);
    run.state.hold_payment(&TestBank, &account, &pid, run.height).unwrap();
    run.apply(&Op::Advance { blocks: 2 });
    run.state.close_payment(&TestBank, &account, &pid, run.height, false).unwrap();
    run.state.close_account(&TestBank, &account, run.height).unwrap();
    run.state.prune_payment(&account, &pid).unwrap();
    run.state.prune_account(&account).unwrap();
    assert!(run.state.escrow_payment(&account, &pid).unwrap().is_some_and(|p| p.held), "the held payment stays");
    assert!(run.state.escrow_account(&account).unwrap().is_some(), "and so does its account");
    run.check();
    let (released, _) = run.state.release_payment(&TestBank, &account, &pid, run.height, None).unwrap();
    assert_eq!(released, Coin::new(run.denom.clone(), 20));
    assert_eq!(run.state.balance(&provider(0), &run.denom).unwrap(), 20);
    assert!(run.state.escrow_payment(&account, &pid).unwrap().is_none());
    assert!(run.state.escrow_account(&account).unwrap().is_none(), "the closed account went with its last payment");
    crate::invariant::check_escrow(&run.state, &TestBank).unwrap();
}
