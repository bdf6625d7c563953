//! Account addresses: 20 bytes, shown as bech32 with the `agora` prefix.

use std::fmt;
use std::str::FromStr;

use bech32::{Bech32, Hrp};
use sha2::{Digest, Sha256};

/// Human-readable part of every Agora account address.
pub const ADDRESS_PREFIX: &str = "agora";
/// Prefix of a validator's operator address (the operator's account bytes), as the Cosmos
/// SDK's `<prefix>valoper`.
pub const VALOPER_PREFIX: &str = "agoravaloper";
/// Prefix of a validator's consensus address (SHA-256 of its consensus key, first 20 bytes).
pub const VALCONS_PREFIX: &str = "agoravalcons";

/// Byte length of an account address (Cosmos SDK `AddressHash`).
pub const ADDRESS_LEN: usize = 20;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AddressError {
    #[error("invalid bech32 address {0:?}: {1}")]
    Bech32(String, String),
    #[error("address {address:?} has prefix {found:?}, expected {expected:?}")]
    WrongPrefix { address: String, found: String, expected: &'static str },
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
        self.to_bech32_with(ADDRESS_PREFIX)
    }

    /// The address under another of Agora's prefixes ([`VALOPER_PREFIX`], [`VALCONS_PREFIX`]).
    pub fn to_bech32_with(&self, prefix: &'static str) -> String {
        // The prefixes are valid constants and 20 bytes always fit in a bech32 string.
        let hrp = Hrp::parse_unchecked(prefix);
        bech32::encode::<Bech32>(hrp, &self.0).unwrap_or_default()
    }

    /// Parses a bech32 address that must carry `prefix`.
    pub fn from_bech32_with(s: &str, prefix: &'static str) -> Result<Self, AddressError> {
        let (hrp, data) =
            bech32::decode(s).map_err(|e| AddressError::Bech32(s.to_string(), e.to_string()))?;
        if hrp.as_str() != prefix {
            return Err(AddressError::WrongPrefix { address: s.to_string(), found: hrp.to_string(), expected: prefix });
        }
        Self::from_slice(&data)
    }
}

impl FromStr for Address {
    type Err = AddressError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_bech32_with(s, ADDRESS_PREFIX)
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

impl borsh::BorshSerialize for Address {
    fn serialize<W: std::io::Write>(&self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(&self.0)
    }
}

impl borsh::BorshDeserialize for Address {
    fn deserialize_reader<R: std::io::Read>(reader: &mut R) -> std::io::Result<Self> {
        let mut bytes = [0u8; ADDRESS_LEN];
        reader.read_exact(&mut bytes)?;
        Ok(Self(bytes))
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
        let valoper = Address::new([3u8; 20]).to_bech32_with(VALOPER_PREFIX);
        assert!(valoper.starts_with("agoravaloper1"));
        assert_eq!(Address::from_bech32_with(&valoper, VALOPER_PREFIX), Ok(Address::new([3u8; 20])));
        assert!(matches!(valoper.parse::<Address>(), Err(AddressError::WrongPrefix { expected: "agora", .. })));
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
