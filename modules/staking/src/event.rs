//! Staking's events, with the Cosmos SDK's types and attribute names (explorers index them).

use agora_types::{Address, Coin, Event, VALOPER_PREFIX};

pub fn valoper(address: &Address) -> String {
    address.to_bech32_with(VALOPER_PREFIX)
}

pub fn create_validator(validator: &Address, amount: &Coin) -> Event {
    Event::new("create_validator").attr("validator", valoper(validator)).attr("amount", amount)
}

pub fn edit_validator(validator: &Address, commission_rate: &str, min_self_delegation: u128) -> Event {
    Event::new("edit_validator")
        .attr("validator", valoper(validator))
        .attr("commission_rate", commission_rate)
        .attr("min_self_delegation", min_self_delegation)
}

pub fn delegate(validator: &Address, delegator: &Address, amount: &Coin, new_shares: &agora_types::Dec) -> Event {
    Event::new("delegate")
        .attr("validator", valoper(validator))
        .attr("delegator", delegator)
        .attr("amount", amount)
        .attr("new_shares", new_shares.to_legacy_string())
}

pub fn unbond(validator: &Address, delegator: &Address, amount: &Coin, completion_time: &str) -> Event {
    Event::new("unbond")
        .attr("validator", valoper(validator))
        .attr("delegator", delegator)
        .attr("amount", amount)
        .attr("completion_time", completion_time)
}

pub fn redelegate(src: &Address, dst: &Address, delegator: &Address, amount: &Coin, completion_time: &str) -> Event {
    Event::new("redelegate")
        .attr("source_validator", valoper(src))
        .attr("destination_validator", valoper(dst))
        .attr("delegator", delegator)
        .attr("amount", amount)
        .attr("completion_time", completion_time)
}

pub fn cancel_unbonding(validator: &Address, delegator: &Address, amount: &Coin, creation_height: u64) -> Event {
    Event::new("cancel_unbonding_delegation")
        .attr("validator", valoper(validator))
        .attr("delegator", delegator)
        .attr("amount", amount)
        .attr("creation_height", creation_height)
}

pub fn complete_unbonding(validator: &Address, delegator: &Address, amount: &Coin) -> Event {
    Event::new("complete_unbonding").attr("validator", valoper(validator)).attr("delegator", delegator).attr("amount", amount)
}

pub fn complete_redelegation(src: &Address, dst: &Address, delegator: &Address) -> Event {
    Event::new("complete_redelegation")
        .attr("source_validator", valoper(src))
        .attr("destination_validator", valoper(dst))
        .attr("delegator", delegator)
}

/// RFC 3339 time as the SDK writes completion times in events.
pub fn rfc3339(nanos: u64) -> String {
    let secs = i64::try_from(nanos / 1_000_000_000).unwrap_or(i64::MAX);
    let sub = u32::try_from(nanos % 1_000_000_000).unwrap_or(0);
    tendermint::Time::from_unix_timestamp(secs, sub).map(|t| t.to_rfc3339()).unwrap_or_else(|_| nanos.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_matches_known_dates() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_700_000_000_500_000_000), "2023-11-14T22:13:20.5Z");
        assert_eq!(super::rfc3339(951_782_400_000_000_000), "2000-02-29T00:00:00Z");
    }
}
