//! Typed access to `auth` state as extension traits over any store view.

pub mod keys;

use agora_store::{StateRead, StateWrite};
use agora_types::Address;
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::{Account, AuthError, Params};

pub trait AuthRead: StateRead {
    fn auth_params(&self) -> Result<Params, AuthError> {
        let raw = self.get_raw(keys::PARAMS)?;
        match raw {
            Some(bytes) => {
                let proto = cosmos_sdk_proto::cosmos::auth::v1beta1::Params::decode(bytes.as_slice())
                    .map_err(|e| AuthError::Internal(format!("corrupt auth params: {e}")))?;
                Ok(Params::from_proto(&proto))
            }
            None => Ok(Params::default()),
        }
    }

    fn account(&self, address: &Address) -> Result<Option<Account>, AuthError> {
        match self.get_raw(&keys::account(address))? {
            Some(bytes) => {
                let any = Any::decode(bytes.as_slice())
                    .map_err(|e| AuthError::Internal(format!("corrupt account record: {e}")))?;
                Ok(Some(Account::from_any(&any)?))
            }
            None => Ok(None),
        }
    }

    /// The address of the account numbered `number`, if there is one.
    fn account_address_by_number(&self, number: u64) -> Result<Option<Address>, AuthError> {
        self.get_raw(&keys::account_number(number))?
            .map(|bytes| {
                <[u8; 20]>::try_from(bytes.as_slice())
                    .map(Address::new)
                    .map_err(|_| AuthError::Internal(format!("corrupt account number index entry {number}")))
            })
            .transpose()
    }

    fn next_account_number(&self) -> Result<u64, AuthError> {
        match self.get_raw(keys::NEXT_ACCOUNT_NUMBER)? {
            Some(bytes) => {
                let arr: [u8; 8] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| AuthError::Internal("corrupt next account number".into()))?;
                Ok(u64::from_be_bytes(arr))
            }
            None => Ok(0),
        }
    }
}

impl<S: StateRead + ?Sized> AuthRead for S {}

pub trait AuthWrite: StateWrite + AuthRead {
    fn put_auth_params(&mut self, params: &Params) {
        self.put_raw(keys::PARAMS.to_vec(), params.to_proto().encode_to_vec());
    }

    fn put_account(&mut self, account: &Account) {
        self.put_raw(keys::account(&account.address), account.to_any().encode_to_vec());
    }

    /// Stores an account that did not exist, and its entry in the index by number.
    fn put_new_account(&mut self, account: &Account) {
        self.put_raw(keys::account_number(account.account_number), account.address.as_bytes().to_vec());
        self.put_account(account);
    }

    /// Creates a plain account with the next account number, as the Cosmos SDK does when an
    /// address first receives funds.
    fn create_account(&mut self, address: Address) -> Result<Account, AuthError> {
        let number = self.next_account_number()?;
        let next = number
            .checked_add(1)
            .ok_or_else(|| AuthError::Internal("account numbers exhausted".into()))?;
        self.put_raw(keys::NEXT_ACCOUNT_NUMBER.to_vec(), next.to_be_bytes().to_vec());
        let account = Account::new(address, number);
        self.put_new_account(&account);
        Ok(account)
    }

    /// Makes sure `address` has an account; returns whether one was created.
    fn ensure_account(&mut self, address: Address) -> Result<bool, AuthError> {
        if self.get_raw(&keys::account(&address))?.is_some() {
            return Ok(false);
        }
        self.create_account(address)?;
        Ok(true)
    }

    /// Creates (or returns) the module account named `name`.
    fn ensure_module_account(&mut self, name: &str, permissions: &[&str]) -> Result<Account, AuthError> {
        let address = Address::module(name);
        if let Some(existing) = self.account(&address)? {
            return Ok(existing);
        }
        let mut account = self.create_account(address)?;
        account.module = Some((name.to_string(), permissions.iter().map(|p| p.to_string()).collect()));
        self.put_account(&account);
        Ok(account)
    }
}

impl<S: StateWrite + ?Sized> AuthWrite for S {}
