//! Escrow conservation, checked by tests after every block: per denom, the escrow module
//! account holds exactly the accounts' unspent funds plus the payments' accrued balances; each
//! account's funds equal its depositors' balances and its rate the sum of its open payments';
//! an ended payment holds nothing, unless a dispute holds its whole units.

use std::collections::BTreeMap;

use agora_proto::escrow::v1 as pb;
use agora_store::StateRead;
use agora_types::{Address, Dec, Denom};
use prost::Message;

use crate::account::{Account, AccountState, Payment, PaymentState};
use crate::keepers::BankKeeper;
use crate::state::keys;
use crate::ESCROW_MODULE;

pub fn check_escrow(state: &dyn StateRead, bank: &dyn BankKeeper) -> Result<(), String> {
    let mut held: BTreeMap<Denom, Dec> = BTreeMap::new();
    let mut rates: BTreeMap<crate::AccountId, Dec> = BTreeMap::new();
    let mut denoms: BTreeMap<crate::AccountId, Denom> = BTreeMap::new();
    let add = |map: &mut BTreeMap<Denom, Dec>, denom: &Denom, amount: Dec| -> Result<(), String> {
        let sum = map.entry(denom.clone()).or_insert(Dec::ZERO);
        *sum = sum.checked_add(amount).ok_or("escrow sum overflows")?;
        Ok(())
    };
    let mut accounts = Vec::new();
    for item in state.prefix_raw(keys::ACCOUNTS, None) {
        let (_, value) = item.map_err(|e| e.to_string())?;
        let account = Account::from_proto(&pb::Account::decode(value.as_slice()).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        let deposits = account
            .depositors
            .iter()
            .try_fold(Dec::ZERO, |sum, d| sum.checked_add(d.balance))
            .ok_or("depositor sum overflows")?;
        if deposits != account.balance {
            return Err(format!("account {} holds {} but its depositors {}", account.id, account.balance, deposits));
        }
        if account.state == AccountState::Closed && !account.balance.is_zero() {
            return Err(format!("closed account {} still holds {}", account.id, account.balance));
        }
        add(&mut held, &account.denom, account.balance)?;
        denoms.insert(account.id, account.denom.clone());
        accounts.push(account);
    }
    for item in state.prefix_raw(keys::PAYMENTS, None) {
        let (_, value) = item.map_err(|e| e.to_string())?;
        let payment = Payment::from_proto(&pb::Payment::decode(value.as_slice()).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        let denom = denoms.get(&payment.account).ok_or_else(|| format!("payment of missing account {}", payment.account))?;
        add(&mut held, denom, payment.balance)?;
        if payment.state == PaymentState::Open {
            let rate = rates.entry(payment.account).or_insert(Dec::ZERO);
            *rate = rate.checked_add(payment.rate).ok_or("rate sum overflows")?;
        } else if !(payment.balance.is_zero() || payment.held && payment.balance.fract().is_zero()) {
            // Only a dispute keeps an ended payment's whole units (until it is decided).
            return Err(format!("ended payment {}/{} still holds {}", payment.account, payment.id, payment.balance));
        }
    }
    for account in &accounts {
        let expected = rates.get(&account.id).copied().unwrap_or(Dec::ZERO);
        if account.rate != expected {
            return Err(format!("account {} rate {} but its open payments add up to {expected}", account.id, account.rate));
        }
    }
    let module = Address::module(ESCROW_MODULE);
    for (denom, sum) in held {
        let balance = bank.balance(state, &module, &denom).map_err(|e| e.to_string())?;
        if Dec::from_units(balance) != sum {
            return Err(format!("escrow module holds {balance}{denom} but accounts and payments add up to {sum}{denom}"));
        }
    }
    Ok(())
}
