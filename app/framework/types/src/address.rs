//! Account addresses: 20 bytes, shown as bech32 with the `agora` prefix.

use std::fmt;
use std::str::FromStr;

use bech32::{Bech32, Hrp};
use sha2::{Digest, Sha256};

/// Human-readable part of every Agora account address.
pub const ADDRESS_PREFIX: &str = "agora";

/// Byte length of an account address (Cosmos SDK `AddressHash`).
pub const ADDRESS_LEN: usize = 20;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AddressError {
    #[error("invalid bech32 address {0:?}: {1}")]
    Bech32(String, String),
    #[error("address {address:?} has prefix {found:?}, expected {ADDRESS_PREFIX:?}")]
    WrongPrefix { address: String, found: String },
    #[error("address must be {ADDRESS_LEN} bytes, got {0}")]
    WrongLength(usize),
}

/// A 20-byte account address.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address([u8; ADDRESS_LEN]);

impl Address {
    pub const fn new(bytes: [u8; ADDRESS_LEN]) -> Self {
        Self(bytes)
    }

    pub fn from_slice(bytes: &[u8]) -> Result<Self, AddressError> {
        let arr: [u8; ADDRESS_LEN] =
            bytes.try_into().map_err(|_| AddressError::WrongLength(bytes.len()))?;
        Ok(Self(arr))
    }

    /// Address of a module account, as the Cosmos SDK derives it (`sha256(name)[..20]`),
    /// so that module addresses match what Cosmos tooling expects.
    pub fn module(name: &str) -> Self {
        let digest = Sha256::digest(name.as_bytes());
        let mut bytes = [0u8; ADDRESS_LEN];
        bytes.copy_from_slice(&digest[..ADDRESS_LEN]);
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; ADDRESS_LEN] {
        &self.0
    }

    pub fn to_bech32(&self) -> String {
        // The prefix is a valid constant and 20 bytes always fit in a bech32 string.
        let hrp = Hrp::parse_unchecked(ADDRESS_PREFIX);
        bech32::encode::<Bech32>(hrp, &self.0).unwrap_or_default()
    }
}

impl FromStr for Address {
    type Err = AddressError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (hrp, data) =
            bech32::decode(s).map_err(|e| AddressError::Bech32(s.to_string(), e.to_string()))?;
        if hrp.as_str() != ADDRESS_PREFIX {
            return Err(AddressError::WrongPrefix {
                address: s.to_string(),
                found: hrp.to_string(),
            });
        }
        Self::from_slice(&data)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_bech32())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", self.to_bech32())
    }
}

impl serde::Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_bech32())
    }
}

impl<'de> serde::Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bech32_round_trip() {
        let addr = Address::new([7u8; 20]);
        let text = addr.to_bech32();
        assert!(text.starts_with("agora1"));
        assert_eq!(text.parse::<Address>(), Ok(addr));
    }

    #[test]
    fn wrong_prefix_is_refused() {
        let cosmos = bech32::encode::<Bech32>(Hrp::parse_unchecked("cosmos"), &[1u8; 20])
            .expect("encode");
        assert!(matches!(cosmos.parse::<Address>(), Err(AddressError::WrongPrefix { .. })));
    }

    #[test]
    fn wrong_length_is_refused() {
        let long = bech32::encode::<Bech32>(Hrp::parse_unchecked("agora"), &[1u8; 32])
            .expect("encode");
        assert_eq!(long.parse::<Address>(), Err(AddressError::WrongLength(32)));
        assert!(matches!("agora1qqqq".parse::<Address>(), Err(AddressError::Bech32(..))));
    }

    #[test]
    fn module_address_matches_cosmos_derivation() {
        // sha256("fee_collector")[..20] is the Cosmos SDK fee collector, well known as
        // cosmos17xpfvakm2amg962yls6f84z3kell8c5lserqta.
        let addr = Address::module("fee_collector");
        let cosmos = bech32::encode::<Bech32>(Hrp::parse_unchecked("cosmos"), addr.as_bytes())
            .expect("encode");
        assert_eq!(cosmos, "cosmos17xpfvakm2amg962yls6f84z3kell8c5lserqta");
    }
}
