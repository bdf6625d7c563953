//! Typed access to `bank` state as extension traits over any store view.

pub mod keys;

use agora_auth::AuthWrite;
use agora_component::Permissions;
use agora_store::{StateRead, StateWrite};
use agora_types::{Address, Coin, Coins, Denom, Event, TypedEvent};
use cosmos_sdk_proto::cosmos::bank::v1beta1 as pb;
use prost::Message;

use crate::event::{CoinBurned, CoinMinted, CoinReceived, CoinSpent, Transfer};
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

    /// What the module account at `address` may do, if it is one (bank's permission table,
    /// written at genesis from every component's declared module accounts).
    fn module_permissions(&self, address: &Address) -> Result<Option<Permissions>, BankError> {
        Ok(self.get_raw(&keys::module_permissions(address))?.map(|bytes| permissions_from_byte(bytes.first().copied().unwrap_or(0))))
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

const MINT: u8 = 1;
const BURN: u8 = 2;
const RECEIVE: u8 = 4;

fn permissions_from_byte(flags: u8) -> Permissions {
    Permissions { mint: flags & MINT != 0, burn: flags & BURN != 0, receive: flags & RECEIVE != 0 }
}

fn permissions_to_byte(permissions: &Permissions) -> u8 {
    u8::from(permissions.mint) * MINT + u8::from(permissions.burn) * BURN + u8::from(permissions.receive) * RECEIVE
}

/// What other modules may do to balances: move coins (which conserves every denom's
/// supply), and mint or burn through a module account whose permissions allow it. Writing a
/// balance or the supply directly is private to bank ([`BankRecords`]).
pub trait BankWrite: StateWrite + BankRead {
    /// Moves coins between accounts and returns the Cosmos `coin_spent`, `coin_received` and
    /// `transfer` events. All or nothing.
    fn send_coins(&mut self, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, BankError> {
        let spent = self.subtract_coins(from, amount)?;
        let received = self.add_coins(to, amount)?;
        let transfer = Transfer { sender: from, recipient: to, amount }.to_event();
        Ok(vec![spent, received, transfer])
    }

    /// Creates coins in the module account `module`, which must have the mint permission.
    fn mint_coins(&mut self, module: &str, amount: &Coins) -> Result<Vec<Event>, BankError> {
        let address = Address::module(module);
        if !self.module_permissions(&address)?.is_some_and(|p| p.mint) {
            return Err(BankError::Unauthorized(format!("module account {module} does not have permissions to mint tokens")));
        }
        self.issue(&address, amount)
    }

    /// Destroys coins the module account `module` holds; it must have the burn permission.
    fn burn_coins(&mut self, module: &str, amount: &Coins) -> Result<Vec<Event>, BankError> {
        let address = Address::module(module);
        if !self.module_permissions(&address)?.is_some_and(|p| p.burn) {
            return Err(BankError::Unauthorized(format!("module account {module} does not have permissions to burn tokens")));
        }
        let spent = self.subtract_coins(&address, amount)?;
        for coin in amount.iter() {
            let supply = self.supply_of(&coin.denom)?.checked_sub(coin.amount).ok_or_else(|| {
                BankError::Internal(format!("burning {coin} exceeds the supply of {}", coin.denom))
            })?;
            self.set_supply(&coin.denom, supply);
        }
        Ok(vec![spent, CoinBurned { burner: &address, amount }.to_event()])
    }
}

impl<S: StateWrite + ?Sized> BankWrite for S {}

/// Bank's record-level writes: only bank's own genesis, handlers and [`BankWrite`] use them.
pub(crate) trait BankRecords: StateWrite + BankRead {
    fn put_bank_params(&mut self, params: &Params) {
        self.put_raw(keys::PARAMS.to_vec(), params.to_proto().encode_to_vec());
    }

    fn put_denom_metadata(&mut self, metadata: &pb::Metadata) {
        self.put_raw(keys::denom_metadata(&metadata.base), metadata.encode_to_vec());
    }

    fn put_module_permissions(&mut self, address: &Address, permissions: &Permissions) {
        self.put_raw(keys::module_permissions(address), vec![permissions_to_byte(permissions)]);
    }

    /// Sets a balance; a zero balance is deleted so state holds no empty entries.
    /// Writes a balance that was `before`; the holder index changes only when the account
    /// starts or stops holding the denom.
    fn set_balance(&mut self, address: &Address, denom: &Denom, before: u128, amount: u128) {
        let key = keys::balance(address, denom);
        if amount == 0 {
            self.delete(key);
            if before != 0 {
                self.delete(keys::denom_owner(denom, address));
            }
        } else {
            self.put_raw(key, amount.to_be_bytes().to_vec());
            if before == 0 {
                self.put_raw(keys::denom_owner(denom, address), Vec::new());
            }
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
            self.set_balance(address, &coin.denom, have, left);
        }
        Ok(CoinSpent { spender: address, amount }.to_event())
    }

    /// Adds `amount` to `address`, creating its account on first receipt as the Cosmos SDK does.
    fn add_coins(&mut self, address: &Address, amount: &Coins) -> Result<Event, BankError> {
        for coin in amount.iter() {
            let have = self.balance(address, &coin.denom)?;
            let total = have.checked_add(coin.amount).ok_or_else(|| BankError::SupplyOverflow(coin.denom.to_string()))?;
            self.set_balance(address, &coin.denom, have, total);
        }
        self.ensure_account(*address)?;
        Ok(CoinReceived { receiver: address, amount }.to_event())
    }

    /// Creates coins in `to` and raises the supply: genesis balances, and mints that
    /// [`BankWrite::mint_coins`] allowed.
    fn issue(&mut self, to: &Address, amount: &Coins) -> Result<Vec<Event>, BankError> {
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

impl<S: StateWrite + ?Sized> BankRecords for S {}
