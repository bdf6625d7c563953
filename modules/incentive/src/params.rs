//! `incentive` parameters, in state and changed only by governance (`MsgUpdateParams`).
//! Shares and fractions are basis points.

use agora_proto::incentive::v1 as pb;
use agora_types::{Dec, DecCoin, Denom};
use serde::{Deserialize, Serialize};

use crate::class::GpuClassId;
use crate::IncentiveError;

/// Basis points in one whole.
pub const BPS_ONE: u32 = 10_000;
/// Weighted classes at most: an epoch's work is one step per weighted class.
pub const MAX_WEIGHTED_CLASSES: usize = 64;
/// The longest vesting, in epochs: a provider holds at most this many vesting tranches.
pub const MAX_VEST_EPOCHS: u32 = 104;
/// The shortest epoch: an epoch's end writes one record per weighted class.
pub const MIN_EPOCH_BLOCKS: u64 = 10;
/// Payment denoms with a minimum lease price at most.
pub const MAX_PRICED_DENOMS: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassWeight {
    pub class: GpuClassId,
    pub weight: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    pub epoch_blocks: u64,
    pub mint_share_bps: u32,
    pub take_share_bps: u32,
    pub class_weights: Vec<ClassWeight>,
    pub leased_share_bps: u32,
    pub idle_floor_bps: u32,
    pub idle_full_bps: u32,
    pub wash_cap_bps: u32,
    pub vest_fraction_bps: u32,
    pub vest_epochs: u32,
    /// Per GPU per block, by payment denom.
    pub min_lease_prices: Vec<DecCoin>,
    /// In the bond denom; 0: no limit.
    pub idle_bond_per_gpu: u128,
}

impl Default for Params {
    /// A day of 5-second blocks per epoch; 10 % of the provisions and half the take fund the
    /// pool; no class is weighted until governance names them (the pool fills until then);
    /// leases count from 100 uagora per GPU per block; idle GPUs need 10 AGORA of bond each.
    fn default() -> Self {
        Self {
            epoch_blocks: 17_280,
            mint_share_bps: 1_000,
            take_share_bps: 5_000,
            class_weights: Vec::new(),
            leased_share_bps: 7_000,
            idle_floor_bps: 4_000,
            idle_full_bps: 7_500,
            wash_cap_bps: 5_000,
            vest_fraction_bps: 7_500,
            vest_epochs: 30,
            min_lease_prices: vec![DecCoin::new(Denom::native(), Dec::from_units(100))],
            idle_bond_per_gpu: 10_000_000,
        }
    }
}

impl Params {
    /// The minimum lease price per GPU per block in `denom`, if it has one.
    pub fn min_lease_price(&self, denom: &str) -> Option<Dec> {
        self.min_lease_prices.iter().find(|p| p.denom.as_str() == denom).map(|p| p.amount)
    }

    /// The weight of `class` (0 if governance named none).
    pub fn weight_of(&self, class: &GpuClassId) -> u32 {
        self.class_weights.iter().find(|w| &w.class == class).map_or(0, |w| w.weight)
    }

    pub fn total_weight(&self) -> u64 {
        self.class_weights.iter().map(|w| u64::from(w.weight)).sum()
    }

    pub fn validate(&self) -> Result<(), IncentiveError> {
        let invalid = |m: String| Err(IncentiveError::InvalidParams(m));
        if self.epoch_blocks < MIN_EPOCH_BLOCKS {
            return invalid(format!("incentive.params.epoch_blocks {} is below {MIN_EPOCH_BLOCKS}", self.epoch_blocks));
        }
        if self.min_lease_prices.len() > MAX_PRICED_DENOMS {
            return invalid(format!("incentive.params.min_lease_prices has more than {MAX_PRICED_DENOMS} denoms"));
        }
        for (i, price) in self.min_lease_prices.iter().enumerate() {
            if price.amount.is_zero() {
                return invalid(format!("incentive.params.min_lease_prices[{i}] must be positive"));
            }
            if self.min_lease_prices[..i].iter().any(|p| p.denom == price.denom) {
                return invalid(format!("incentive.params.min_lease_prices[{i}]: duplicate denom {}", price.denom));
            }
        }
        for (name, value) in [
            ("mint_share_bps", self.mint_share_bps),
            ("take_share_bps", self.take_share_bps),
            ("leased_share_bps", self.leased_share_bps),
            ("idle_floor_bps", self.idle_floor_bps),
            ("idle_full_bps", self.idle_full_bps),
            ("vest_fraction_bps", self.vest_fraction_bps),
        ] {
            if value > BPS_ONE {
                return invalid(format!("incentive.params.{name} {value} exceeds {BPS_ONE}"));
            }
        }
        if self.idle_floor_bps >= self.idle_full_bps {
            return invalid(format!(
                "incentive.params.idle_floor_bps {} must be below idle_full_bps {}",
                self.idle_floor_bps, self.idle_full_bps
            ));
        }
        // At or above one, leasing to oneself would earn at least the take it costs.
        if self.wash_cap_bps >= BPS_ONE {
            return invalid(format!("incentive.params.wash_cap_bps {} must be below {BPS_ONE}", self.wash_cap_bps));
        }
        if self.vest_epochs > MAX_VEST_EPOCHS {
            return invalid(format!("incentive.params.vest_epochs {} exceeds {MAX_VEST_EPOCHS}", self.vest_epochs));
        }
        if self.vest_fraction_bps > 0 && self.vest_epochs == 0 {
            return invalid("incentive.params.vest_epochs must be positive when vest_fraction_bps is".into());
        }
        if self.class_weights.len() > MAX_WEIGHTED_CLASSES {
            return invalid(format!(
                "incentive.params.class_weights has {} classes, more than {MAX_WEIGHTED_CLASSES}",
                self.class_weights.len()
            ));
        }
        for (i, w) in self.class_weights.iter().enumerate() {
            w.class.validate().map_err(|e| IncentiveError::InvalidParams(format!("incentive.params.class_weights[{i}]: {e}")))?;
            if self.class_weights[..i].iter().any(|other| other.class == w.class) {
                return invalid(format!("incentive.params.class_weights[{i}]: duplicate class {}", w.class));
            }
        }
        Ok(())
    }

    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            epoch_blocks: self.epoch_blocks,
            mint_share_bps: self.mint_share_bps,
            take_share_bps: self.take_share_bps,
            class_weights: self
                .class_weights
                .iter()
                .map(|w| pb::ClassWeight { class: Some(w.class.to_proto()), weight: w.weight })
                .collect(),
            leased_share_bps: self.leased_share_bps,
            idle_floor_bps: self.idle_floor_bps,
            idle_full_bps: self.idle_full_bps,
            wash_cap_bps: self.wash_cap_bps,
            vest_fraction_bps: self.vest_fraction_bps,
            vest_epochs: self.vest_epochs,
            min_lease_prices: self.min_lease_prices.iter().map(DecCoin::to_proto).collect(),
            idle_bond_per_gpu: self.idle_bond_per_gpu.to_string(),
        }
    }

    /// The protobuf form, validated.
    pub fn from_proto(proto: &pb::Params) -> Result<Self, IncentiveError> {
        let class_weights = proto
            .class_weights
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let class = w
                    .class
                    .as_ref()
                    .ok_or_else(|| IncentiveError::InvalidParams(format!("incentive.params.class_weights[{i}].class is missing")))?;
                Ok(ClassWeight { class: GpuClassId::from_proto(class), weight: w.weight })
            })
            .collect::<Result<_, IncentiveError>>()?;
        let params = Self {
            epoch_blocks: proto.epoch_blocks,
            mint_share_bps: proto.mint_share_bps,
            take_share_bps: proto.take_share_bps,
            class_weights,
            leased_share_bps: proto.leased_share_bps,
            idle_floor_bps: proto.idle_floor_bps,
            idle_full_bps: proto.idle_full_bps,
            wash_cap_bps: proto.wash_cap_bps,
            vest_fraction_bps: proto.vest_fraction_bps,
            vest_epochs: proto.vest_epochs,
            min_lease_prices: proto
                .min_lease_prices
                .iter()
                .enumerate()
                .map(|(i, p)| DecCoin::from_proto(&format!("incentive.params.min_lease_prices[{i}]"), p).map_err(IncentiveError::InvalidParams))
                .collect::<Result<_, _>>()?,
            idle_bond_per_gpu: match proto.idle_bond_per_gpu.as_str() {
                "" => 0,
                text => text
                    .parse()
                    .map_err(|_| IncentiveError::InvalidParams(format!("incentive.params.idle_bond_per_gpu {text:?} is not an integer amount")))?,
            },
        };
        params.validate()?;
        Ok(params)
    }
}
