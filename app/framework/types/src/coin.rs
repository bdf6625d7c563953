//! Denominations and amounts, validated as the Cosmos SDK validates them.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CoinError {
    #[error("invalid denom {0:?}: must match [a-zA-Z][a-zA-Z0-9/:._-]{{2,127}}")]
    InvalidDenom(String),
    #[error("invalid amount {0:?}: must be a non-negative integer below 2^128")]
    InvalidAmount(String),
    #[error("invalid coin {0:?}: expected <amount><denom>, e.g. 1000uagora")]
    InvalidCoin(String),
    #[error("amount overflow for {0}")]
    Overflow(String),
    #[error("duplicate denom {0} in coin list")]
    DuplicateDenom(String),
}

/// A validated denomination.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Denom(String);

impl Denom {
    pub fn new(s: impl Into<String>) -> Result<Self, CoinError> {
        let s = s.into();
        if is_valid_denom(&s) {
            Ok(Self(s))
        } else {
            Err(CoinError::InvalidDenom(s))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `uagora`, the native (fee and staking) denom.
    pub fn native() -> Self {
        Self(NATIVE_DENOM.to_string())
    }
}

/// The native (fee and staking) denom.
pub const NATIVE_DENOM: &str = "uagora";

fn is_valid_denom(s: &str) -> bool {
    let bytes = s.as_bytes();
    (3..=128).contains(&bytes.len())
        && bytes[0].is_ascii_alphabetic()
        && bytes[1..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b':' | b'.' | b'_' | b'-'))
}

impl FromStr for Denom {
    type Err = CoinError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for Denom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Denom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Denom({})", self.0)
    }
}

impl serde::Serialize for Denom {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Denom {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Denom::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// An amount of one denom.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Coin {
    pub denom: Denom,
    pub amount: u128,
}

impl Coin {
    pub fn new(denom: Denom, amount: u128) -> Self {
        Self { denom, amount }
    }

    /// Parses the protobuf form, whose amount is a decimal string.
    pub fn from_proto(
        proto: &cosmos_sdk_proto::cosmos::base::v1beta1::Coin,
    ) -> Result<Self, CoinError> {
        Ok(Self { denom: Denom::new(proto.denom.clone())?, amount: parse_amount(&proto.amount)? })
    }

    pub fn to_proto(&self) -> cosmos_sdk_proto::cosmos::base::v1beta1::Coin {
        cosmos_sdk_proto::cosmos::base::v1beta1::Coin {
            denom: self.denom.to_string(),
            amount: self.amount.to_string(),
        }
    }
}

/// Parses a decimal amount: digits only, no sign, no leading `+`, fits in u128.
pub fn parse_amount(s: &str) -> Result<u128, CoinError> {
    if s.is_empty() || s.len() > 39 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CoinError::InvalidAmount(s.to_string()));
    }
    s.parse::<u128>().map_err(|_| CoinError::InvalidAmount(s.to_string()))
}

impl FromStr for Coin {
    type Err = CoinError;

    /// `1000uagora` form used by the CLI and genesis tooling.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).ok_or_else(|| CoinError::InvalidCoin(s.into()))?;
        if split == 0 {
            return Err(CoinError::InvalidCoin(s.into()));
        }
        let (amount, denom) = s.split_at(split);
        Ok(Self { denom: Denom::new(denom)?, amount: parse_amount(amount)? })
    }
}

impl fmt::Display for Coin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

impl serde::Serialize for Coin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Coin", 2)?;
        st.serialize_field("denom", &self.denom)?;
        st.serialize_field("amount", &self.amount.to_string())?;
        st.end()
    }
}

impl<'de> serde::Deserialize<'de> for Coin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            denom: String,
            amount: String,
        }
        let raw = Raw::deserialize(d)?;
        Ok(Coin {
            denom: Denom::new(raw.denom).map_err(serde::de::Error::custom)?,
            amount: parse_amount(&raw.amount).map_err(serde::de::Error::custom)?,
        })
    }
}

/// A set of coins with distinct denoms, kept sorted by denom (the Cosmos canonical form).
#[derive(Clone, PartialEq, Eq, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "Vec<Coin>", into = "Vec<Coin>")]
pub struct Coins(BTreeMap<Denom, u128>);

impl Coins {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a set from a list; duplicate denoms are refused, zero amounts dropped.
    pub fn from_list(list: Vec<Coin>) -> Result<Self, CoinError> {
        let mut map = BTreeMap::new();
        for coin in list {
            if map.insert(coin.denom.clone(), coin.amount).is_some() {
                return Err(CoinError::DuplicateDenom(coin.denom.to_string()));
            }
        }
        map.retain(|_, amount| *amount > 0);
        Ok(Self(map))
    }

    pub fn from_protos(
        protos: &[cosmos_sdk_proto::cosmos::base::v1beta1::Coin],
    ) -> Result<Self, CoinError> {
        Self::from_list(protos.iter().map(Coin::from_proto).collect::<Result<_, _>>()?)
    }

    pub fn add(&mut self, coin: &Coin) -> Result<(), CoinError> {
        if coin.amount == 0 {
            return Ok(());
        }
        let entry = self.0.entry(coin.denom.clone()).or_insert(0);
        *entry = entry.checked_add(coin.amount).ok_or_else(|| CoinError::Overflow(coin.denom.to_string()))?;
        Ok(())
    }

    pub fn amount_of(&self, denom: &Denom) -> u128 {
        self.0.get(denom).copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Coin> + '_ {
        self.0.iter().map(|(denom, amount)| Coin::new(denom.clone(), *amount))
    }

    pub fn to_protos(&self) -> Vec<cosmos_sdk_proto::cosmos::base::v1beta1::Coin> {
        self.iter().map(|c| c.to_proto()).collect()
    }
}

impl TryFrom<Vec<Coin>> for Coins {
    type Error = CoinError;
    fn try_from(list: Vec<Coin>) -> Result<Self, Self::Error> {
        Self::from_list(list)
    }
}

impl From<Coins> for Vec<Coin> {
    fn from(coins: Coins) -> Self {
        coins.iter().collect()
    }
}

impl fmt::Display for Coins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.iter().map(|c| c.to_string()).collect();
        f.write_str(&parts.join(","))
    }
}

impl FromStr for Coins {
    type Err = CoinError;
    /// `100uagora,5ibc/ABC` form.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().is_empty() {
            return Ok(Self::new());
        }
        Self::from_list(s.split(',').map(str::parse).collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denoms_follow_cosmos_rules() {
        for ok in ["uagora", "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2", "a.b-c_d:e"] {
            assert!(Denom::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", "ab", "1abc", "u agora", "ua€", &"a".repeat(129)] {
            assert!(Denom::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_refuse_signs_and_overflow() {
        assert_eq!(parse_amount("0"), Ok(0));
        assert_eq!(parse_amount("340282366920938463463374607431768211455"), Ok(u128::MAX));
        for bad in ["", "-1", "+1", "1.5", "340282366920938463463374607431768211456", " 1"] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn coin_text_round_trip() {
        let coin: Coin = "1000uagora".parse().expect("parse");
        assert_eq!(coin.amount, 1000);
        assert_eq!(coin.to_string(), "1000uagora");
        assert!("uagora".parse::<Coin>().is_err());
        assert!("1000".parse::<Coin>().is_err());
    }

    #[test]
    fn coins_are_sorted_and_refuse_duplicates() {
        let coins: Coins = "5zeta,7alpha".parse().expect("parse");
        assert_eq!(coins.to_string(), "7alpha,5zeta");
        assert_eq!("1abc,2abc".parse::<Coins>(), Err(CoinError::DuplicateDenom("abc".into())));
        let json = serde_json::to_string(&coins).expect("json");
        assert_eq!(json, r#"[{"denom":"alpha","amount":"7"},{"denom":"zeta","amount":"5"}]"#);
    }
}
