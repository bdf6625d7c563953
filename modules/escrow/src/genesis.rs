//! `escrow` genesis: parameters, and (in an exported state) every account and payment. The
//! indexes (depletion heights, open payments, payments by provider) are rebuilt from them;
//! the escrowed coins themselves are in bank's genesis, in the `escrow` module account.

use agora_proto::escrow::v1 as pb;
use agora_store::{StateDelta, StateRead, StateWrite};
use serde::{Deserialize, Serialize};

use crate::account::{Account, AccountState, Payment};
use crate::state::{keys, EscrowRecords, Loaded};
use crate::{EscrowError, EscrowRead, Params};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<pb::Account>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<pb::Payment>,
}

impl GenesisState {
    pub fn validate(&self) -> Result<(), EscrowError> {
        self.params.validate()
    }

    pub fn apply<S: StateWrite>(&self, state: &mut S) -> Result<(), EscrowError> {
        self.validate()?;
        state.put_escrow_params(&self.params);
        let invalid = |what: String| EscrowError::InvalidParams(format!("escrow genesis: {what}"));
        for (i, proto) in self.accounts.iter().enumerate() {
            let account = Account::from_proto(proto).map_err(|e| invalid(format!("accounts[{i}]: {e}")))?;
            if state.escrow_account(&account.id)?.is_some() {
                return Err(invalid(format!("accounts[{i}]: account {} appears twice", account.id)));
            }
            state.store_account(&Loaded { account, indexed_at: None })?;
        }
        for (i, proto) in self.payments.iter().enumerate() {
            let payment = Payment::from_proto(proto).map_err(|e| invalid(format!("payments[{i}]: {e}")))?;
            let account = state
                .escrow_account(&payment.account)?
                .ok_or_else(|| invalid(format!("payments[{i}]: account {} is missing", payment.account)))?;
            if state.escrow_payment(&payment.account, &payment.id)?.is_some() {
                return Err(invalid(format!("payments[{i}]: payment {}/{} appears twice", payment.account, payment.id)));
            }
            // Every payment is listed by provider, open or ended, until it is pruned.
            state.store_payment(&payment, &account.denom);
            state.put_raw(keys::by_provider(&payment.account, &payment.id), Vec::new());
        }
        Ok(())
    }

    /// The parameters and every account and payment as of `height`, for a chain whose
    /// block 1 follows it: open accounts are settled up to `height` (their payments credited
    /// with what accrued) and every `settled_height` rebased to it, so block 1 pays one block.
    pub fn export<S: StateRead + ?Sized>(state: &S, height: u64) -> Result<Self, EscrowError> {
        let mut settled = StateDelta::new(state);
        let mut open = Vec::new();
        for item in state.prefix_raw(keys::ACCOUNTS, None) {
            let (_, value) = item?;
            let account = Account::from_proto(&<pb::Account as prost::Message>::decode(value.as_slice()).map_err(|e| EscrowError::Internal(format!("corrupt escrow account: {e}")))?)?;
            if account.state == AccountState::Open {
                open.push(account.id);
            }
        }
        for id in open {
            let loaded = settled.settle_to(&id, height)?;
            settled.store_account(&loaded)?;
        }
        let state = &settled;
        let decode_all = |prefix: &[u8]| -> Result<Vec<Vec<u8>>, EscrowError> {
            state.prefix_raw(prefix, None).map(|item| Ok(item?.1)).collect()
        };
        let corrupt = |e: prost::DecodeError| EscrowError::Internal(format!("corrupt escrow record: {e}"));
        let mut accounts: Vec<pb::Account> = decode_all(keys::ACCOUNTS)?
            .iter()
            .map(|bytes| <pb::Account as prost::Message>::decode(bytes.as_slice()).map_err(corrupt))
            .collect::<Result<_, _>>()?;
        for account in &mut accounts {
            account.settled_height = account.settled_height.saturating_sub(height);
            // Derived: `apply` indexes the account again from its balance and rate.
            account.depletes_height = 0;
        }
        let payments = decode_all(keys::PAYMENTS)?
            .iter()
            .map(|bytes| <pb::Payment as prost::Message>::decode(bytes.as_slice()).map_err(corrupt))
            .collect::<Result<_, _>>()?;
        Ok(Self { params: state.escrow_params()?, accounts, payments })
    }
}
