//! Parameters of deployments (payment denoms, minimum deposits, size limits) and of the market
//! (bids, order lifetime, auction window).

use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_types::{Coin, Denom};
use serde::{Deserialize, Serialize};

use crate::MarketError;

fn uagora(amount: u128) -> Coin {
    Coin::new(Denom::native(), amount)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeploymentParams {
    pub allowed_payment_denoms: Vec<Denom>,
    pub min_deposit: Vec<Coin>,
    pub max_groups: u32,
    pub max_units_per_group: u32,
    pub max_replicas_per_unit: u32,
}

impl Default for DeploymentParams {
    fn default() -> Self {
        Self {
            allowed_payment_denoms: vec![Denom::native()],
            min_deposit: vec![uagora(500_000)],
            max_groups: 20,
            max_units_per_group: 16,
            max_replicas_per_unit: 1_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarketParams {
    pub order_max_bids: u32,
    pub bid_min_deposit: Coin,
    pub order_ttl_blocks: u64,
    pub auction_window_blocks: u64,
    /// Auctions, and separately order expiries, run per block at most (the rest wait,
    /// earliest first).
    pub max_due_orders_per_block: u32,
    /// Blocks a closed order or deployment stays in state before it is pruned.
    pub retention_blocks: u64,
    /// Closed orders and deployments pruned per block at most.
    pub max_prunes_per_block: u32,
}

impl Default for MarketParams {
    fn default() -> Self {
        Self {
            order_max_bids: 20,
            bid_min_deposit: uagora(500_000),
            order_ttl_blocks: 14_400,
            auction_window_blocks: 10,
            max_due_orders_per_block: 1_000,
            // A week of 6-second blocks.
            retention_blocks: 100_800,
            max_prunes_per_block: 500,
        }
    }
}

/// The largest per-block budget of block work a parameter may set.
pub const MAX_PER_BLOCK: u32 = 100_000;
/// The largest pruning budget: each pruned order deletes up to `order_max_bids` bids and a
/// lease with their index entries, unmetered, so this budget is kept lower.
pub const MAX_PRUNES_PER_BLOCK: u32 = 10_000;

fn invalid(msg: String) -> MarketError {
    MarketError::InvalidParams(msg)
}

impl DeploymentParams {
    pub fn min_deposit_of(&self, denom: &Denom) -> u128 {
        self.min_deposit.iter().find(|c| &c.denom == denom).map_or(0, |c| c.amount)
    }

    pub fn validate(&self) -> Result<(), MarketError> {
        if self.allowed_payment_denoms.is_empty() {
            return Err(invalid("deployment.params.allowed_payment_denoms must not be empty".into()));
        }
        for (i, denom) in self.allowed_payment_denoms.iter().enumerate() {
            // A voucher is named by its trace's hash in upper-case hex, as bank holds it: any
            // other spelling would never match a voucher.
            if let Some(hash) = denom.as_str().strip_prefix("ibc/") {
                if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)) {
                    return Err(invalid(format!(
                        "deployment.params.allowed_payment_denoms[{i}]: {denom} is not a voucher denom (ibc/ and 64 upper-case hex digits)"
                    )));
                }
            }
        }
        for (i, coin) in self.min_deposit.iter().enumerate() {
            if !self.allowed_payment_denoms.contains(&coin.denom) {
                return Err(invalid(format!("deployment.params.min_deposit[{i}]: {} is not an allowed payment denom", coin.denom)));
            }
        }
        for (name, value) in [
            ("max_groups", self.max_groups),
            ("max_units_per_group", self.max_units_per_group),
            ("max_replicas_per_unit", self.max_replicas_per_unit),
        ] {
            if value == 0 {
                return Err(invalid(format!("deployment.params.{name} must be positive")));
            }
        }
        Ok(())
    }

    pub fn to_proto(&self) -> dpb::Params {
        dpb::Params {
            allowed_payment_denoms: self.allowed_payment_denoms.iter().map(ToString::to_string).collect(),
            min_deposit: self.min_deposit.iter().map(Coin::to_proto).collect(),
            max_groups: self.max_groups,
            max_units_per_group: self.max_units_per_group,
            max_replicas_per_unit: self.max_replicas_per_unit,
        }
    }

    pub fn from_proto(p: dpb::Params) -> Result<Self, MarketError> {
        let internal = |e: agora_types::CoinError| MarketError::InvalidParams(format!("deployment params: {e}"));
        Ok(Self {
            allowed_payment_denoms: p.allowed_payment_denoms.into_iter().map(Denom::new).collect::<Result<_, _>>().map_err(internal)?,
            min_deposit: p.min_deposit.iter().map(Coin::from_proto).collect::<Result<_, _>>().map_err(internal)?,
            max_groups: p.max_groups,
            max_units_per_group: p.max_units_per_group,
            max_replicas_per_unit: p.max_replicas_per_unit,
        })
    }
}

impl MarketParams {
    pub fn validate(&self) -> Result<(), MarketError> {
        if self.order_max_bids == 0 {
            return Err(invalid("market.params.order_max_bids must be positive".into()));
        }
        if self.order_ttl_blocks == 0 {
            return Err(invalid("market.params.order_ttl_blocks must be positive".into()));
        }
        if self.auction_window_blocks == 0 || self.auction_window_blocks >= self.order_ttl_blocks {
            return Err(invalid("market.params.auction_window_blocks must be positive and below order_ttl_blocks".into()));
        }
        for (name, value, max) in [
            ("max_due_orders_per_block", self.max_due_orders_per_block, MAX_PER_BLOCK),
            ("max_prunes_per_block", self.max_prunes_per_block, MAX_PRUNES_PER_BLOCK),
        ] {
            if value == 0 || value > max {
                return Err(invalid(format!("market.params.{name} must be between 1 and {max}, got {value}")));
            }
        }
        if self.retention_blocks == 0 {
            return Err(invalid("market.params.retention_blocks must be positive".into()));
        }
        Ok(())
    }

    pub fn to_proto(&self) -> mpb::Params {
        mpb::Params {
            order_max_bids: self.order_max_bids,
            bid_min_deposit: Some(self.bid_min_deposit.to_proto()),
            order_ttl_blocks: self.order_ttl_blocks,
            auction_window_blocks: self.auction_window_blocks,
            max_due_orders_per_block: self.max_due_orders_per_block,
            retention_blocks: self.retention_blocks,
            max_prunes_per_block: self.max_prunes_per_block,
        }
    }

    pub fn from_proto(p: mpb::Params) -> Result<Self, MarketError> {
        let deposit = p.bid_min_deposit.ok_or_else(|| MarketError::InvalidParams("market.params.bid_min_deposit is missing".into()))?;
        Ok(Self {
            order_max_bids: p.order_max_bids,
            bid_min_deposit: Coin::from_proto(&deposit).map_err(|e| MarketError::InvalidParams(format!("market.params.bid_min_deposit: {e}")))?,
            order_ttl_blocks: p.order_ttl_blocks,
            auction_window_blocks: p.auction_window_blocks,
            max_due_orders_per_block: p.max_due_orders_per_block,
            retention_blocks: p.retention_blocks,
            max_prunes_per_block: p.max_prunes_per_block,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_parameters_must_be_positive_and_bounded() {
        let valid = MarketParams::default();
        valid.validate().expect("defaults are valid");
        for (params, field) in [
            (MarketParams { retention_blocks: 0, ..valid.clone() }, "retention_blocks"),
            (MarketParams { max_prunes_per_block: 0, ..valid.clone() }, "max_prunes_per_block"),
            (MarketParams { max_prunes_per_block: MAX_PRUNES_PER_BLOCK + 1, ..valid.clone() }, "max_prunes_per_block"),
        ] {
            let error = params.validate().expect_err(field).to_string();
            assert!(error.contains(field), "{error}");
        }
        assert_eq!(MarketParams::from_proto(valid.to_proto()).expect("round trip"), valid);
    }

    #[test]
    fn a_voucher_payment_denom_must_be_spelled_as_bank_holds_vouchers() {
        let hash = "27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2";
        let with = |denom: String| DeploymentParams {
            allowed_payment_denoms: vec![Denom::native(), Denom::new(denom).expect("denom")],
            ..DeploymentParams::default()
        };
        with(format!("ibc/{hash}")).validate().expect("upper-case hash");
        for bad in [format!("ibc/{}", hash.to_lowercase()), format!("ibc/{}", &hash[1..]), "ibc/uusdc".to_string()] {
            let error = with(bad.clone()).validate().expect_err(&bad).to_string();
            assert!(error.contains("allowed_payment_denoms[1]") && error.contains("not a voucher denom"), "{error}");
        }
    }
}
