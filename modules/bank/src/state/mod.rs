//! Typed access to `bank` state as extension traits over any store view.

pub mod keys;

use agora_auth::AuthWrite;
use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coin, Coins, Denom, Event, TypedEvent};
use cosmos_sdk_proto::cosmos::bank::v1beta1 as pb;
use prost::Message;

use crate::event::{CoinMinted, CoinReceived, CoinSpent};
use crate::params::SendEnabled;
use crate::{BankError, Params};

fn decode_amount(bytes: &[u8]) -> Result<u128, BankError> {
    let arr: [u8; 16] = bytes.try_into().map_err(|_| BankError::Internal("corrupt amount record".into()))?;
    Ok(u128::from_be_bytes(arr))
}

pub trait BankRead: StateRead {
    fn bank_params(&self) -> Result<Params, BankError> {
        let Some(bytes) = self.get_raw(keys::PARAMS)? else {
            return Ok(Params::default());
        };
        let proto = pb::Params::decode(bytes.as_slice())
            .map_err(|e| BankError::Internal(format!("corrupt bank params: {e}")))?;
        #[allow(deprecated)]
        let send_enabled = proto
            .send_enabled
            .into_iter()
            .map(|s| {
                Ok(SendEnabled {
                    denom: Denom::new(s.denom).map_err(|e| BankError::Internal(e.to_string()))?,
                    enabled: s.enabled,
                })
            })
            .collect::<Result<_, BankError>>()?;
        Ok(Params { default_send_enabled: proto.default_send_enabled, send_enabled })
    }

    fn balance(&self, address: &Address, denom: &Denom) -> Result<u128, BankError> {
        match self.get_raw(&keys::balance(address, denom))? {
            Some(bytes) => decode_amount(&bytes),
            None => Ok(0),
        }
    }

    fn all_balances(&self, address: &Address) -> Result<Coins, BankError> {
        let prefix = keys::balances_of(address);
        let mut list = Vec::new();
        for item in self.prefix_raw(&prefix, None) {
            let (key, value) = item?;
            let denom = std::str::from_utf8(&key[prefix.len()..])
                .ok()
                .and_then(|d| Denom::new(d).ok())
                .ok_or_else(|| BankError::Internal("corrupt balance key".into()))?;
            list.push(Coin::new(denom, decode_amount(&value)?));
        }
        Coins::from_list(list).map_err(|e| BankError::Internal(e.to_string()))
    }

    fn supply_of(&self, denom: &Denom) -> Result<u128, BankError> {
        match self.get_raw(&keys::supply(denom))? {
            Some(bytes) => decode_amount(&bytes),
            None => Ok(0),
        }
    }

    fn total_supply(&self) -> Result<Coins, BankError> {
        let mut list = Vec::new();
        for item in self.prefix_raw(keys::SUPPLY_PREFIX, None) {
            let (key, value) = item?;
            let denom = std::str::from_utf8(&key[keys::SUPPLY_PREFIX.len()..])
                .ok()
                .and_then(|d| Denom::new(d).ok())
                .ok_or_else(|| BankError::Internal("corrupt supply key".into()))?;
            list.push(Coin::new(denom, decode_amount(&value)?));
        }
        Coins::from_list(list).map_err(|e| BankError::Internal(e.to_string()))
    }

    fn denom_metadata(&self, denom: &str) -> Result<Option<pb::Metadata>, BankError> {
        match self.get_raw(&keys::denom_metadata(denom))? {
            Some(bytes) => pb::Metadata::decode(bytes.as_slice())
                .map(Some)
                .map_err(|e| BankError::Internal(format!("corrupt denom metadata: {e}"))),
            None => Ok(None),
        }
    }
}

impl<S: StateRead + ?Sized> BankRead for S {}

pub trait BankWrite: StateWrite + BankRead {
    fn put_bank_params(&mut self, params: &Params) {
        self.put_raw(keys::PARAMS.to_vec(), params.to_proto().encode_to_vec());
    }

    fn put_denom_metadata(&mut self, metadata: &pb::Metadata) {
        self.put_raw(keys::denom_metadata(&metadata.base), metadata.encode_to_vec());
    }

    /// Sets a balance; a zero balance is deleted so state holds no empty entries.
    fn set_balance(&mut self, address: &Address, denom: &Denom, amount: u128) {
        let key = keys::balance(address, denom);
        if amount == 0 {
            self.delete(key);
        } else {
            self.put_raw(key, amount.to_be_bytes().to_vec());
        }
    }

    fn set_supply(&mut self, denom: &Denom, amount: u128) {
        let key = keys::supply(denom);
        if amount == 0 {
            self.delete(key);
        } else {
            self.put_raw(key, amount.to_be_bytes().to_vec());
        }
    }

    /// Takes `amount` out of `address`; all or nothing.
    fn subtract_coins(&mut self, address: &Address, amount: &Coins) -> Result<Event, BankError> {
        for coin in amount.iter() {
            let have = self.balance(address, &coin.denom)?;
            let left = have.checked_sub(coin.amount).ok_or_else(|| BankError::InsufficientFunds {
                available: Coin::new(coin.denom.clone(), have).to_string(),
                needed: coin.to_string(),
            })?;
            self.set_balance(address, &coin.denom, left);
        }
        Ok(CoinSpent { spender: address, amount }.to_event())
    }

    /// Adds `amount` to `address`, creating its account on first receipt as the Cosmos SDK does.
    fn add_coins(&mut self, address: &Address, amount: &Coins) -> Result<Event, BankError> {
        for coin in amount.iter() {
            let have = self.balance(address, &coin.denom)?;
            let total = have.checked_add(coin.amount).ok_or_else(|| BankError::SupplyOverflow(coin.denom.to_string()))?;
            self.set_balance(address, &coin.denom, total);
        }
        self.ensure_account(*address)?;
        Ok(CoinReceived { receiver: address, amount }.to_event())
    }

    /// Moves coins between accounts and returns the Cosmos `coin_spent`, `coin_received` and
    /// `transfer` events.
    fn send_coins(&mut self, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, BankError> {
        let spent = self.subtract_coins(from, amount)?;
        let received = self.add_coins(to, amount)?;
        let transfer = crate::event::Transfer { sender: from, recipient: to, amount }.to_event();
        Ok(vec![spent, received, transfer])
    }

    /// Creates coins in `to` and raises the supply (genesis only for now).
    fn mint_coins(&mut self, to: &Address, amount: &Coins) -> Result<Vec<Event>, BankError> {
        for coin in amount.iter() {
            let supply = self
                .supply_of(&coin.denom)?
                .checked_add(coin.amount)
                .ok_or_else(|| BankError::SupplyOverflow(coin.denom.to_string()))?;
            self.set_supply(&coin.denom, supply);
        }
        let received = self.add_coins(to, amount)?;
        Ok(vec![CoinMinted { minter: to, amount }.to_event(), received])
    }
}

impl<S: StateWrite + ?Sized> BankWrite for S {}
