//! Identifiers of deployments, groups, orders and bids/leases, their protobuf forms and their
//! fixed-width key encodings (raw 20-byte addresses, big-endian numbers), so every record of
//! an owner, a deployment or a group shares a key prefix.

use agora_escrow::{AccountId, PaymentId};
use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_types::Address;

use crate::MarketError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeploymentId {
    pub owner: Address,
    pub dseq: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupId {
    pub owner: Address,
    pub dseq: u64,
    pub gseq: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderId {
    pub owner: Address,
    pub dseq: u64,
    pub gseq: u32,
    pub oseq: u32,
}

/// A bid and the lease it may become share this id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BidId {
    pub owner: Address,
    pub dseq: u64,
    pub gseq: u32,
    pub oseq: u32,
    pub provider: Address,
}

pub type LeaseId = BidId;

/// Byte length of an encoded order id.
pub const ORDER_ID_LEN: usize = 36;
/// Byte length of an encoded bid id.
pub const BID_ID_LEN: usize = 56;

impl DeploymentId {
    pub fn to_bytes(&self) -> Vec<u8> {
        [self.owner.as_bytes().as_slice(), &self.dseq.to_be_bytes()].concat()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != 28 {
            return None;
        }
        Some(Self { owner: Address::from_slice(&bytes[0..20]).ok()?, dseq: u64::from_be_bytes(bytes[20..28].try_into().ok()?) })
    }

    pub fn group(&self, gseq: u32) -> GroupId {
        GroupId { owner: self.owner, dseq: self.dseq, gseq }
    }

    pub fn escrow_account(&self) -> AccountId {
        AccountId { owner: self.owner, dseq: self.dseq }
    }

    pub fn to_proto(&self) -> dpb::DeploymentId {
        dpb::DeploymentId { owner: self.owner.to_bech32(), dseq: self.dseq }
    }
}

impl GroupId {
    pub fn deployment(&self) -> DeploymentId {
        DeploymentId { owner: self.owner, dseq: self.dseq }
    }

    pub fn order(&self, oseq: u32) -> OrderId {
        OrderId { owner: self.owner, dseq: self.dseq, gseq: self.gseq, oseq }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        [self.deployment().to_bytes().as_slice(), &self.gseq.to_be_bytes()].concat()
    }

    pub fn to_proto(&self) -> dpb::GroupId {
        dpb::GroupId { owner: self.owner.to_bech32(), dseq: self.dseq, gseq: self.gseq }
    }
}

impl OrderId {
    pub fn group(&self) -> GroupId {
        GroupId { owner: self.owner, dseq: self.dseq, gseq: self.gseq }
    }

    pub fn bid(&self, provider: Address) -> BidId {
        BidId { owner: self.owner, dseq: self.dseq, gseq: self.gseq, oseq: self.oseq, provider }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        [self.group().to_bytes().as_slice(), &self.oseq.to_be_bytes()].concat()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != ORDER_ID_LEN {
            return None;
        }
        Some(Self {
            owner: Address::from_slice(&bytes[0..20]).ok()?,
            dseq: u64::from_be_bytes(bytes[20..28].try_into().ok()?),
            gseq: u32::from_be_bytes(bytes[28..32].try_into().ok()?),
            oseq: u32::from_be_bytes(bytes[32..36].try_into().ok()?),
        })
    }

    pub fn to_proto(&self) -> mpb::OrderId {
        mpb::OrderId { owner: self.owner.to_bech32(), dseq: self.dseq, gseq: self.gseq, oseq: self.oseq }
    }
}

impl BidId {
    pub fn order(&self) -> OrderId {
        OrderId { owner: self.owner, dseq: self.dseq, gseq: self.gseq, oseq: self.oseq }
    }

    pub fn group(&self) -> GroupId {
        self.order().group()
    }

    pub fn deployment(&self) -> DeploymentId {
        self.order().group().deployment()
    }

    pub fn payment(&self) -> PaymentId {
        PaymentId { gseq: self.gseq, oseq: self.oseq, provider: self.provider }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        [self.order().to_bytes().as_slice(), self.provider.as_bytes().as_slice()].concat()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != BID_ID_LEN {
            return None;
        }
        let order = OrderId::from_bytes(&bytes[..ORDER_ID_LEN])?;
        Some(order.bid(Address::from_slice(&bytes[ORDER_ID_LEN..]).ok()?))
    }

    /// The same id with the provider first, for the by-provider indexes.
    pub fn to_provider_bytes(&self) -> Vec<u8> {
        [self.provider.as_bytes().as_slice(), &self.order().to_bytes()].concat()
    }

    pub fn from_provider_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != BID_ID_LEN {
            return None;
        }
        let provider = Address::from_slice(&bytes[..20]).ok()?;
        Some(OrderId::from_bytes(&bytes[20..])?.bid(provider))
    }

    pub fn to_proto(&self) -> mpb::BidId {
        mpb::BidId {
            owner: self.owner.to_bech32(),
            dseq: self.dseq,
            gseq: self.gseq,
            oseq: self.oseq,
            provider: self.provider.to_bech32(),
        }
    }
}

macro_rules! display {
    ($t:ty, $($field:ident),+) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let parts: Vec<String> = vec![$(self.$field.to_string()),+];
                f.write_str(&parts.join("/"))
            }
        }
    };
}
display!(DeploymentId, owner, dseq);
display!(GroupId, owner, dseq, gseq);
display!(OrderId, owner, dseq, gseq, oseq);
display!(BidId, owner, dseq, gseq, oseq, provider);

fn address(field: &str, value: &str) -> Result<Address, MarketError> {
    value.parse().map_err(|e| MarketError::InvalidAddress(format!("{field}: {e}")))
}

fn required<'a, T>(field: &str, value: Option<&'a T>) -> Result<&'a T, MarketError> {
    value.ok_or_else(|| MarketError::InvalidRequest(format!("{field} is required")))
}

impl DeploymentId {
    pub fn from_proto(field: &str, proto: Option<&dpb::DeploymentId>) -> Result<Self, MarketError> {
        let p = required(field, proto)?;
        if p.dseq == 0 {
            return Err(MarketError::InvalidRequest(format!("{field}.dseq must be positive")));
        }
        Ok(Self { owner: address(&format!("{field}.owner"), &p.owner)?, dseq: p.dseq })
    }
}

impl GroupId {
    pub fn from_proto(field: &str, proto: Option<&dpb::GroupId>) -> Result<Self, MarketError> {
        let p = required(field, proto)?;
        if p.dseq == 0 || p.gseq == 0 {
            return Err(MarketError::InvalidRequest(format!("{field}: dseq and gseq must be positive")));
        }
        Ok(Self { owner: address(&format!("{field}.owner"), &p.owner)?, dseq: p.dseq, gseq: p.gseq })
    }
}

impl OrderId {
    pub fn from_proto(field: &str, proto: Option<&mpb::OrderId>) -> Result<Self, MarketError> {
        let p = required(field, proto)?;
        if p.dseq == 0 || p.gseq == 0 || p.oseq == 0 {
            return Err(MarketError::InvalidRequest(format!("{field}: dseq, gseq and oseq must be positive")));
        }
        Ok(Self { owner: address(&format!("{field}.owner"), &p.owner)?, dseq: p.dseq, gseq: p.gseq, oseq: p.oseq })
    }
}

impl BidId {
    pub fn from_proto(field: &str, proto: Option<&mpb::BidId>) -> Result<Self, MarketError> {
        let p = required(field, proto)?;
        if p.dseq == 0 || p.gseq == 0 || p.oseq == 0 {
            return Err(MarketError::InvalidRequest(format!("{field}: dseq, gseq and oseq must be positive")));
        }
        Ok(Self {
            owner: address(&format!("{field}.owner"), &p.owner)?,
            dseq: p.dseq,
            gseq: p.gseq,
            oseq: p.oseq,
            provider: address(&format!("{field}.provider"), &p.provider)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_bytes() {
        let bid = BidId { owner: Address::new([1; 20]), dseq: 9, gseq: 2, oseq: 3, provider: Address::new([7; 20]) };
        assert_eq!(bid.to_bytes().len(), BID_ID_LEN);
        assert_eq!(BidId::from_bytes(&bid.to_bytes()), Some(bid));
        assert_eq!(BidId::from_provider_bytes(&bid.to_provider_bytes()), Some(bid));
        assert_eq!(OrderId::from_bytes(&bid.order().to_bytes()), Some(bid.order()));
        assert!(bid.group().to_bytes().starts_with(&bid.deployment().to_bytes()));
        assert_eq!(bid.to_string(), format!("{}/9/2/3/{}", bid.owner, bid.provider));
    }
}
