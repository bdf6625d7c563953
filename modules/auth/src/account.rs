//! Accounts, stored as the Cosmos `Any` (`BaseAccount` or `ModuleAccount`) that the
//! `Query/Account` service returns, so clients decode them with stock Cosmos types.

use agora_types::Address;
use cosmos_sdk_proto::cosmos::auth::v1beta1::{BaseAccount, ModuleAccount};
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::AuthError;

/// Name of the module account that collects transaction fees.
pub const FEE_COLLECTOR: &str = "fee_collector";

const BASE_ACCOUNT_URL: &str = "/cosmos.auth.v1beta1.BaseAccount";
const MODULE_ACCOUNT_URL: &str = "/cosmos.auth.v1beta1.ModuleAccount";

/// An account as the state machine uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub address: Address,
    /// The public key as a Cosmos `Any`, set by the account's first signed transaction.
    pub pub_key: Option<Any>,
    pub account_number: u64,
    pub sequence: u64,
    /// Set for module accounts: the module name and its permissions.
    pub module: Option<(String, Vec<String>)>,
}

impl Account {
    pub fn new(address: Address, account_number: u64) -> Self {
        Self { address, pub_key: None, account_number, sequence: 0, module: None }
    }

    fn base(&self) -> BaseAccount {
        BaseAccount {
            address: self.address.to_bech32(),
            pub_key: self.pub_key.clone(),
            account_number: self.account_number,
            sequence: self.sequence,
        }
    }

    pub fn to_any(&self) -> Any {
        match &self.module {
            None => Any { type_url: BASE_ACCOUNT_URL.into(), value: self.base().encode_to_vec() },
            Some((name, permissions)) => Any {
                type_url: MODULE_ACCOUNT_URL.into(),
                value: ModuleAccount {
                    base_account: Some(self.base()),
                    name: name.clone(),
                    permissions: permissions.clone(),
                }
                .encode_to_vec(),
            },
        }
    }

    pub fn from_any(any: &Any) -> Result<Self, AuthError> {
        let corrupt = |e: String| AuthError::Internal(format!("corrupt account record: {e}"));
        let (base, module) = match any.type_url.as_str() {
            BASE_ACCOUNT_URL => {
                (BaseAccount::decode(any.value.as_slice()).map_err(|e| corrupt(e.to_string()))?, None)
            }
            MODULE_ACCOUNT_URL => {
                let m = ModuleAccount::decode(any.value.as_slice()).map_err(|e| corrupt(e.to_string()))?;
                let base = m.base_account.ok_or_else(|| corrupt("module account without base".into()))?;
                (base, Some((m.name, m.permissions)))
            }
            other => return Err(corrupt(format!("unknown account type {other}"))),
        };
        let address = base.address.parse().map_err(|e: agora_types::AddressError| corrupt(e.to_string()))?;
        Ok(Self {
            address,
            pub_key: base.pub_key,
            account_number: base.account_number,
            sequence: base.sequence,
            module,
        })
    }
}
