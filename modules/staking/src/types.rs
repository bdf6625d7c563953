//! Staking's records: validators, delegations, unbonding delegations and redelegations, as
//! stored (borsh) and as the Cosmos SDK's protobuf types that queries return.

use agora_types::{Address, ConsensusAddress, Dec, VALOPER_PREFIX};
use borsh::{BorshDeserialize, BorshSerialize};
use cosmos_sdk_proto::cosmos::staking::v1beta1 as pb;
use cosmos_sdk_proto::Any;
use prost::Message;
use sha2::{Digest, Sha256};

use crate::{power_of, StakingError};

/// Type URL of the only consensus key type validators may use.
pub const ED25519_PUBKEY_URL: &str = "/cosmos.crypto.ed25519.PubKey";

/// A validator's status, with the protobuf enum's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize)]
#[borsh(use_discriminant = true)]
#[repr(u8)]
pub enum BondStatus {
    Unbonded = 1,
    Unbonding = 2,
    Bonded = 3,
}

impl BondStatus {
    pub fn to_proto(self) -> pb::BondStatus {
        match self {
            Self::Unbonded => pb::BondStatus::Unbonded,
            Self::Unbonding => pb::BondStatus::Unbonding,
            Self::Bonded => pb::BondStatus::Bonded,
        }
    }

    /// The status a query filter names (`BOND_STATUS_BONDED`, as the SDK's REST and gRPC
    /// take it); `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "BOND_STATUS_UNBONDED" => Some(Self::Unbonded),
            "BOND_STATUS_UNBONDING" => Some(Self::Unbonding),
            "BOND_STATUS_BONDED" => Some(Self::Bonded),
            _ => None,
        }
    }
}

/// A validator's public description; every field has the SDK's length limit.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Description {
    pub moniker: String,
    pub identity: String,
    pub website: String,
    pub security_contact: String,
    pub details: String,
}

/// Marks a field of `MsgEditValidator`'s description that keeps its value.
pub const DO_NOT_MODIFY: &str = "[do-not-modify]";

impl Description {
    pub fn validate(&self) -> Result<(), StakingError> {
        for (field, value, max) in [
            ("moniker", &self.moniker, 70),
            ("identity", &self.identity, 3000),
            ("website", &self.website, 140),
            ("security_contact", &self.security_contact, 140),
            ("details", &self.details, 280),
        ] {
            if value.len() > max {
                return Err(StakingError::InvalidRequest(format!("invalid {field} length; got: {}, max: {max}", value.len())));
            }
        }
        // As the SDK: only a description with every field empty is refused.
        if [&self.moniker, &self.identity, &self.website, &self.security_contact, &self.details].iter().all(|f| f.is_empty()) {
            return Err(StakingError::InvalidRequest("empty description".into()));
        }
        Ok(())
    }

    /// `self` with every field of `edit` applied, except those marked [`DO_NOT_MODIFY`].
    pub fn updated(&self, edit: &Description) -> Description {
        let pick = |new: &String, old: &String| if new == DO_NOT_MODIFY { old.clone() } else { new.clone() };
        Description {
            moniker: pick(&edit.moniker, &self.moniker),
            identity: pick(&edit.identity, &self.identity),
            website: pick(&edit.website, &self.website),
            security_contact: pick(&edit.security_contact, &self.security_contact),
            details: pick(&edit.details, &self.details),
        }
    }

    pub fn from_proto(proto: &pb::Description) -> Self {
        Self {
            moniker: proto.moniker.clone(),
            identity: proto.identity.clone(),
            website: proto.website.clone(),
            security_contact: proto.security_contact.clone(),
            details: proto.details.clone(),
        }
    }

    pub fn to_proto(&self) -> pb::Description {
        pb::Description {
            moniker: self.moniker.clone(),
            identity: self.identity.clone(),
            website: self.website.clone(),
            security_contact: self.security_contact.clone(),
            details: self.details.clone(),
        }
    }
}

/// Commission rates: `rate` now, never above `max_rate`, changed by at most
/// `max_change_rate` at a time and at most once a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommissionRates {
    pub rate: Dec,
    pub max_rate: Dec,
    pub max_change_rate: Dec,
}

impl CommissionRates {
    /// The SDK's `CommissionRates.Validate`.
    pub fn validate(&self) -> Result<(), StakingError> {
        if self.max_rate > Dec::ONE {
            return Err(StakingError::CommissionHuge(format!("max rate {}", self.max_rate)));
        }
        if self.rate > Dec::ONE {
            return Err(StakingError::CommissionHuge(format!("rate {}", self.rate)));
        }
        if self.rate > self.max_rate {
            return Err(StakingError::CommissionAboveMaxRate(format!("rate {} > max rate {}", self.rate, self.max_rate)));
        }
        if self.max_change_rate > self.max_rate {
            return Err(StakingError::CommissionChangeRateAboveMaxRate(format!(
                "max change rate {} > max rate {}",
                self.max_change_rate, self.max_rate
            )));
        }
        Ok(())
    }

    pub fn from_proto(proto: &pb::CommissionRates) -> Result<Self, StakingError> {
        let dec = |field: &str, s: &str| {
            Dec::from_atto_str(s).map_err(|e| StakingError::InvalidRequest(format!("commission {field}: {e}")))
        };
        Ok(Self {
            rate: dec("rate", &proto.rate)?,
            max_rate: dec("max_rate", &proto.max_rate)?,
            max_change_rate: dec("max_change_rate", &proto.max_change_rate)?,
        })
    }

    pub fn to_proto(&self) -> pb::CommissionRates {
        pb::CommissionRates {
            rate: self.rate.to_atto_string(),
            max_rate: self.max_rate.to_atto_string(),
            max_change_rate: self.max_change_rate.to_atto_string(),
        }
    }
}

/// A time as nanoseconds since the Unix epoch (block times are never before it).
pub type TimeNanos = u64;

pub use agora_types::time::{from_timestamp, timestamp};

/// The consensus address CometBFT derives from an ed25519 key.
pub fn consensus_address(key: &[u8; 32]) -> ConsensusAddress {
    let digest = Sha256::digest(key);
    let mut address = [0u8; 20];
    address.copy_from_slice(&digest[..20]);
    address
}

/// An ed25519 consensus key as the `Any` the SDK's types carry.
pub fn pubkey_any(key: &[u8; 32]) -> Any {
    let value = cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey { key: key.to_vec() }.encode_to_vec();
    Any { type_url: ED25519_PUBKEY_URL.to_string(), value }
}

/// The ed25519 key in a consensus key `Any`.
pub fn pubkey_from_any(any: &Any) -> Result<[u8; 32], StakingError> {
    if any.type_url != ED25519_PUBKEY_URL {
        return Err(StakingError::PubKeyTypeNotSupported(any.type_url.clone()));
    }
    let key = cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey::decode(any.value.as_slice())
        .map_err(|e| StakingError::InvalidRequest(format!("cannot decode the consensus pubkey: {e}")))?;
    key.key.as_slice().try_into().map_err(|_| StakingError::InvalidRequest(format!("ed25519 pubkey must be 32 bytes, got {}", key.key.len())))
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Validator {
    /// The operator's account address (shown with the `agoravaloper` prefix).
    pub operator: Address,
    pub consensus_key: [u8; 32],
    pub jailed: bool,
    pub status: BondStatus,
    pub tokens: u128,
    pub delegator_shares: Dec,
    pub description: Description,
    /// Height and completion time of the unbonding it is in (or was last in).
    pub unbonding_height: u64,
    pub unbonding_time: TimeNanos,
    pub commission: CommissionRates,
    pub commission_update_time: TimeNanos,
    pub min_self_delegation: u128,
}

impl Validator {
    pub fn consensus_address(&self) -> ConsensusAddress {
        consensus_address(&self.consensus_key)
    }

    pub fn power(&self) -> u64 {
        power_of(self.tokens)
    }

    pub fn is_bonded(&self) -> bool {
        self.status == BondStatus::Bonded
    }

    /// Shares issued for `amount` tokens delegated now (rounded down: the rounding favours
    /// the existing delegators). The first delegation gets one share per token.
    pub fn shares_for_tokens(&self, amount: u128) -> Result<Dec, StakingError> {
        if self.delegator_shares.is_zero() {
            return Ok(Dec::from_units(amount));
        }
        if self.tokens == 0 {
            return Err(StakingError::InvalidExchangeRate);
        }
        Dec::from_units(amount)
            .mul_ratio_floor(self.delegator_shares, Dec::from_units(self.tokens))
            .ok_or_else(|| StakingError::Overflow(format!("{amount} tokens in shares")))
    }

    /// Shares that must be given up to take out `amount` tokens: rounded up, so that the
    /// tokens returned for them are at least `amount`.
    pub fn shares_to_withdraw(&self, amount: u128) -> Result<(Dec, Dec), StakingError> {
        if self.tokens == 0 {
            return Err(StakingError::InvalidExchangeRate);
        }
        let tokens = Dec::from_units(self.tokens);
        let amount = Dec::from_units(amount);
        let overflow = || StakingError::Overflow(format!("{amount} tokens in shares"));
        let ceil = amount.mul_ratio_ceil(self.delegator_shares, tokens).ok_or_else(overflow)?;
        let floor = amount.mul_ratio_floor(self.delegator_shares, tokens).ok_or_else(overflow)?;
        Ok((floor, ceil))
    }

    /// The tokens `shares` are worth, exactly (18 decimals, rounded down).
    pub fn tokens_for_shares(&self, shares: Dec) -> Dec {
        if self.delegator_shares.is_zero() {
            return Dec::ZERO;
        }
        // shares ≤ delegator_shares, so the result is at most `tokens`: it always fits.
        shares.mul_ratio_floor(Dec::from_units(self.tokens), self.delegator_shares).unwrap_or(Dec::ZERO)
    }

    /// Adds `amount` tokens and the shares issued for them; returns the shares.
    pub fn add_tokens(&mut self, amount: u128) -> Result<Dec, StakingError> {
        let shares = self.shares_for_tokens(amount)?;
        self.tokens = self.tokens.checked_add(amount).ok_or_else(|| StakingError::Overflow(format!("validator tokens + {amount}")))?;
        self.delegator_shares = self
            .delegator_shares
            .checked_add(shares)
            .ok_or_else(|| StakingError::Overflow(format!("validator shares + {shares}")))?;
        Ok(shares)
    }

    /// Removes `shares` and returns the whole tokens they were worth (rounded down; the last
    /// shares take every token left, so nothing stays behind with no owner).
    pub fn remove_shares(&mut self, shares: Dec) -> Result<u128, StakingError> {
        let remaining = self
            .delegator_shares
            .checked_sub(shares)
            .ok_or_else(|| StakingError::NotEnoughShares(format!("{shares} > validator's {}", self.delegator_shares)))?;
        let tokens = if remaining.is_zero() { self.tokens } else { self.tokens_for_shares(shares).floor().unwrap_or(0) };
        self.tokens -= tokens.min(self.tokens);
        self.delegator_shares = remaining;
        Ok(tokens)
    }

    pub fn to_proto(&self) -> pb::Validator {
        pb::Validator {
            operator_address: self.operator.to_bech32_with(VALOPER_PREFIX),
            consensus_pubkey: Some(pubkey_any(&self.consensus_key)),
            jailed: self.jailed,
            status: self.status.to_proto() as i32,
            tokens: self.tokens.to_string(),
            delegator_shares: self.delegator_shares.to_atto_string(),
            description: Some(self.description.to_proto()),
            unbonding_height: i64::try_from(self.unbonding_height).unwrap_or(i64::MAX),
            unbonding_time: Some(timestamp(self.unbonding_time)),
            commission: Some(pb::Commission {
                commission_rates: Some(self.commission.to_proto()),
                update_time: Some(timestamp(self.commission_update_time)),
            }),
            min_self_delegation: self.min_self_delegation.to_string(),
            unbonding_on_hold_ref_count: 0,
            unbonding_ids: Vec::new(),
        }
    }
}

/// A delegator's shares of one validator.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Delegation {
    pub delegator: Address,
    pub validator: Address,
    pub shares: Dec,
}

impl Delegation {
    pub fn to_proto(&self) -> pb::Delegation {
        pb::Delegation {
            delegator_address: self.delegator.to_string(),
            validator_address: self.validator.to_bech32_with(VALOPER_PREFIX),
            shares: self.shares.to_atto_string(),
        }
    }
}

/// Tokens on their way out of a validator, paid when `completion_time` passes.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct UnbondingEntry {
    pub creation_height: u64,
    pub completion_time: TimeNanos,
    pub initial_balance: u128,
    /// What will be paid (lower than the initial balance after a slash).
    pub balance: u128,
    pub unbonding_id: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct UnbondingDelegation {
    pub delegator: Address,
    pub validator: Address,
    pub entries: Vec<UnbondingEntry>,
}

impl UnbondingDelegation {
    pub fn to_proto(&self) -> pb::UnbondingDelegation {
        pb::UnbondingDelegation {
            delegator_address: self.delegator.to_string(),
            validator_address: self.validator.to_bech32_with(VALOPER_PREFIX),
            entries: self
                .entries
                .iter()
                .map(|e| pb::UnbondingDelegationEntry {
                    creation_height: i64::try_from(e.creation_height).unwrap_or(i64::MAX),
                    completion_time: Some(timestamp(e.completion_time)),
                    initial_balance: e.initial_balance.to_string(),
                    balance: e.balance.to_string(),
                    unbonding_id: e.unbonding_id,
                    unbonding_on_hold_ref_count: 0,
                })
                .collect(),
        }
    }
}

/// Shares moved from one validator to another, still answerable for the source validator's
/// faults (committed before the move) until `completion_time`.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct RedelegationEntry {
    pub creation_height: u64,
    pub completion_time: TimeNanos,
    pub initial_balance: u128,
    /// The destination shares the move created (a slash of the source takes from these).
    pub shares_dst: Dec,
    pub unbonding_id: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Redelegation {
    pub delegator: Address,
    pub src: Address,
    pub dst: Address,
    pub entries: Vec<RedelegationEntry>,
}

impl Redelegation {
    pub fn to_proto(&self) -> pb::Redelegation {
        pb::Redelegation {
            delegator_address: self.delegator.to_string(),
            validator_src_address: self.src.to_bech32_with(VALOPER_PREFIX),
            validator_dst_address: self.dst.to_bech32_with(VALOPER_PREFIX),
            entries: self.entries.iter().map(RedelegationEntry::to_proto).collect(),
        }
    }
}

impl RedelegationEntry {
    pub fn to_proto(&self) -> pb::RedelegationEntry {
        pb::RedelegationEntry {
            creation_height: i64::try_from(self.creation_height).unwrap_or(i64::MAX),
            completion_time: Some(timestamp(self.completion_time)),
            initial_balance: self.initial_balance.to_string(),
            shares_dst: self.shares_dst.to_atto_string(),
            unbonding_id: self.unbonding_id,
            unbonding_on_hold_ref_count: 0,
        }
    }
}
