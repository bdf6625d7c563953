//! Typed events of `provider` and `audit`.

use agora_types::{Address, Coin, Event, TypedEvent};

/// A provider registered and locked its bond.
pub struct ProviderCreated<'a> {
    pub owner: &'a Address,
    pub host_uri: &'a str,
    pub bond: &'a Coin,
}

/// A provider replaced its URI, attributes, info and capacity.
pub struct ProviderUpdated<'a> {
    pub owner: &'a Address,
}

/// A provider started unbonding.
pub struct ProviderDeleted<'a> {
    pub owner: &'a Address,
    pub unbonding_height: u64,
}

/// Unbonding finished: the bond went back to the owner and the record was removed.
pub struct ProviderBondReturned<'a> {
    pub owner: &'a Address,
    pub amount: &'a Coin,
}

/// An auditor signed attributes of a provider (`keys`: the keys signed, comma separated).
pub struct ProviderAttributesSigned<'a> {
    pub provider: &'a Address,
    pub auditor: &'a Address,
    pub keys: &'a [String],
}

/// An auditor removed attributes it had signed (`keys`: the keys removed, comma separated).
pub struct ProviderAttributesDeleted<'a> {
    pub provider: &'a Address,
    pub auditor: &'a Address,
    pub keys: &'a [String],
}

/// A provider added `amount` to its bond, now `bond`.
pub struct ProviderBondDeposited<'a> {
    pub owner: &'a Address,
    pub amount: &'a Coin,
    pub bond: &'a Coin,
}

impl TypedEvent for ProviderBondDeposited<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_bond_deposited").attr("owner", self.owner).attr("amount", self.amount).attr("bond", self.bond)
    }
}

/// Part of a provider's bond was taken by a penalty and sent to `to`.
pub struct ProviderSlashed<'a> {
    pub owner: &'a Address,
    pub amount: &'a Coin,
    pub to: &'a Address,
}

/// A provider was jailed until `until` (`u64::MAX`: tombstoned).
pub struct ProviderJailed<'a> {
    pub owner: &'a Address,
    pub until: u64,
    pub reason: &'a str,
}

/// A reversed slash came back to the provider's bond (`from` held it meanwhile).
pub struct ProviderBondRestored<'a> {
    pub owner: &'a Address,
    pub amount: &'a Coin,
    pub from: &'a Address,
}

impl TypedEvent for ProviderBondRestored<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_bond_restored").attr("owner", self.owner).attr("amount", self.amount).attr("from", self.from)
    }
}

/// A jailed provider may bid again.
pub struct ProviderUnjailed<'a> {
    pub owner: &'a Address,
}

impl TypedEvent for ProviderSlashed<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_slashed").attr("owner", self.owner).attr("amount", self.amount).attr("to", self.to)
    }
}

impl TypedEvent for ProviderJailed<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_jailed").attr("owner", self.owner).attr("until", self.until).attr("reason", self.reason)
    }
}

impl TypedEvent for ProviderUnjailed<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_unjailed").attr("owner", self.owner)
    }
}

impl TypedEvent for ProviderCreated<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_created").attr("owner", self.owner).attr("host_uri", self.host_uri).attr("bond", self.bond)
    }
}

impl TypedEvent for ProviderUpdated<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_updated").attr("owner", self.owner)
    }
}

impl TypedEvent for ProviderDeleted<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_deleted").attr("owner", self.owner).attr("unbonding_height", self.unbonding_height)
    }
}

impl TypedEvent for ProviderBondReturned<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_bond_returned").attr("owner", self.owner).attr("amount", self.amount)
    }
}

impl TypedEvent for ProviderAttributesSigned<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_attributes_signed")
            .attr("provider", self.provider)
            .attr("auditor", self.auditor)
            .attr("keys", self.keys.join(","))
    }
}

impl TypedEvent for ProviderAttributesDeleted<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_attributes_deleted")
            .attr("provider", self.provider)
            .attr("auditor", self.auditor)
            .attr("keys", self.keys.join(","))
    }
}
