//! Decimal amounts of several denoms, in denom order: rewards, indexes and commission.

use std::collections::BTreeMap;

use agora_types::{Coin, Coins, Dec, Denom};
use borsh::{BorshDeserialize, BorshSerialize};

use crate::DistributionError;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecCoins(pub BTreeMap<Denom, Dec>);

fn overflow(what: &str) -> DistributionError {
    DistributionError::Internal(format!("{what} overflows"))
}

impl DecCoins {
    pub fn from_coins(coins: &Coins) -> Self {
        Self(coins.iter().filter(|c| c.amount > 0).map(|c| (c.denom.clone(), Dec::from_units(c.amount))).collect())
    }

    pub fn is_zero(&self) -> bool {
        self.0.values().all(|d| d.is_zero())
    }

    pub fn get(&self, denom: &Denom) -> Dec {
        self.0.get(denom).copied().unwrap_or(Dec::ZERO)
    }

    pub fn add(&mut self, other: &DecCoins) -> Result<(), DistributionError> {
        for (denom, amount) in &other.0 {
            let sum = self.get(denom).checked_add(*amount).ok_or_else(|| overflow("reward sum"))?;
            self.0.insert(denom.clone(), sum);
        }
        Ok(())
    }

    /// `self − other`; every amount of `other` must be covered.
    pub fn sub(&mut self, other: &DecCoins) -> Result<(), DistributionError> {
        for (denom, amount) in &other.0 {
            let left = self
                .get(denom)
                .checked_sub(*amount)
                .ok_or_else(|| DistributionError::Internal(format!("{amount}{denom} more than the {} held", self.get(denom))))?;
            if left.is_zero() {
                self.0.remove(denom);
            } else {
                self.0.insert(denom.clone(), left);
            }
        }
        Ok(())
    }

    /// Each amount × `num / den`, rounded down.
    pub fn mul_ratio(&self, num: Dec, den: Dec) -> Result<DecCoins, DistributionError> {
        let mut out = BTreeMap::new();
        for (denom, amount) in &self.0 {
            let part = amount.mul_ratio_floor(num, den).ok_or_else(|| overflow("reward share"))?;
            if !part.is_zero() {
                out.insert(denom.clone(), part);
            }
        }
        Ok(Self(out))
    }

    /// Each amount × `fraction`, rounded down.
    pub fn mul(&self, fraction: Dec) -> Result<DecCoins, DistributionError> {
        self.mul_ratio(fraction, Dec::ONE)
    }

    /// The whole coins, and what is left below one unit of each denom.
    pub fn truncate(&self) -> (Coins, DecCoins) {
        let mut whole = Coins::new();
        let mut fraction = BTreeMap::new();
        for (denom, amount) in &self.0 {
            let units = amount.floor().unwrap_or(u128::MAX);
            if units > 0 {
                // A valid denom and a positive amount always add.
                let _ = whole.add(&Coin::new(denom.clone(), units));
            }
            let rest = amount.fract();
            if !rest.is_zero() {
                fraction.insert(denom.clone(), rest);
            }
        }
        (whole, Self(fraction))
    }

    pub fn to_proto(&self) -> Vec<cosmos_sdk_proto::cosmos::base::v1beta1::DecCoin> {
        self.0
            .iter()
            .filter(|(_, amount)| !amount.is_zero())
            .map(|(denom, amount)| cosmos_sdk_proto::cosmos::base::v1beta1::DecCoin { denom: denom.to_string(), amount: amount.to_atto_string() })
            .collect()
    }
}

impl BorshSerialize for DecCoins {
    fn serialize<W: std::io::Write>(&self, writer: &mut W) -> std::io::Result<()> {
        let entries: Vec<(String, Dec)> = self.0.iter().map(|(d, a)| (d.to_string(), *a)).collect();
        entries.serialize(writer)
    }
}

impl BorshDeserialize for DecCoins {
    fn deserialize_reader<R: std::io::Read>(reader: &mut R) -> std::io::Result<Self> {
        let entries: Vec<(String, Dec)> = Vec::deserialize_reader(reader)?;
        let mut map = BTreeMap::new();
        for (denom, amount) in entries {
            let denom = Denom::new(denom).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
            map.insert(denom, amount);
        }
        Ok(Self(map))
    }
}

impl serde::Serialize for DecCoins {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let list: Vec<agora_types::DecCoin> = self.0.iter().map(|(d, a)| agora_types::DecCoin::new(d.clone(), *a)).collect();
        serde::Serialize::serialize(&list.iter().map(|c| c.to_string()).collect::<Vec<_>>(), s)
    }
}

impl<'de> serde::Deserialize<'de> for DecCoins {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let list: Vec<String> = serde::Deserialize::deserialize(d)?;
        let mut map = BTreeMap::new();
        for text in list {
            let coin: agora_types::DecCoin = text.parse().map_err(serde::de::Error::custom)?;
            map.insert(coin.denom, coin.amount);
        }
        Ok(Self(map))
    }
}
