//! The minter (the current annual inflation rate and the provisions it makes) and the SDK's
//! formulas that move it every block.

use agora_types::{Coin, Dec, DEC_ONE};
use cosmos_sdk_proto::cosmos::mint::v1beta1 as pb;
use serde::{Deserialize, Serialize};

use crate::math::{legacy_mul, legacy_quo, legacy_quo_int};
use crate::{MintError, Params};

/// The SDK's initial inflation rate, 13%.
pub const INITIAL_INFLATION: Dec = Dec::from_atto(13 * (DEC_ONE / 100));

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Minter {
    /// The current annual inflation rate.
    pub inflation: Dec,
    /// What that rate mints in a year at the current supply.
    pub annual_provisions: Dec,
}

impl Default for Minter {
    /// The SDK's `DefaultInitialMinter`: 13% inflation, no provisions yet.
    fn default() -> Self {
        Self { inflation: INITIAL_INFLATION, annual_provisions: Dec::ZERO }
    }
}

fn overflow(what: &str) -> MintError {
    MintError::Overflow(what.to_string())
}

/// `bonded / supply`, truncated at 18 decimals (the SDK's `BondedRatio`); zero without supply.
pub fn bonded_ratio(bonded: u128, supply: u128) -> Result<Dec, MintError> {
    if supply == 0 {
        return Ok(Dec::ZERO);
    }
    legacy_quo_int(Dec::from_units(bonded), supply).ok_or_else(|| overflow("bonded ratio"))
}

impl Minter {
    /// The inflation rate of the next block (the SDK's `NextInflationRate`):
    ///
    /// ```text
    /// inflation_change_per_year = (1 − bonded_ratio / goal_bonded) × inflation_rate_change
    /// inflation                += inflation_change_per_year / blocks_per_year
    /// ```
    ///
    /// clamped to `[inflation_min, inflation_max]`. The change is negative above the goal:
    /// [`Dec`] has no sign, so the two directions are computed apart, on the magnitude (the
    /// SDK rounds a negative value as the mirror of its magnitude, so the result is the same).
    pub fn next_inflation_rate(&self, params: &Params, bonded_ratio: Dec) -> Result<Dec, MintError> {
        let ratio = legacy_quo(bonded_ratio, params.goal_bonded).ok_or_else(|| overflow("bonded ratio / goal bonded"))?;
        let (below_goal, distance) = match Dec::ONE.checked_sub(ratio) {
            Some(distance) => (true, distance),
            None => (false, ratio.checked_sub(Dec::ONE).ok_or_else(|| overflow("bonded ratio / goal bonded"))?),
        };
        let per_year = legacy_mul(distance, params.inflation_rate_change).ok_or_else(|| overflow("inflation change per year"))?;
        let per_block =
            legacy_quo(per_year, Dec::from_units(u128::from(params.blocks_per_year))).ok_or_else(|| overflow("inflation change per block"))?;
        let inflation = if below_goal {
            self.inflation.checked_add(per_block).ok_or_else(|| overflow("inflation"))?
        } else {
            // Below zero is below any minimum.
            self.inflation.checked_sub(per_block).unwrap_or(Dec::ZERO)
        };
        Ok(inflation.min(params.inflation_max).max(params.inflation_min))
    }

    /// `inflation × total_supply`, exact (the SDK's `NextAnnualProvisions`).
    pub fn next_annual_provisions(&self, total_supply: u128) -> Result<Dec, MintError> {
        self.inflation.checked_mul_int(total_supply).ok_or_else(|| overflow("annual provisions"))
    }

    /// The provision of one block, `annual_provisions / blocks_per_year` rounded down to a
    /// whole amount of the mint denom (the SDK's `BlockProvision`).
    pub fn block_provision(&self, params: &Params) -> Result<Coin, MintError> {
        let amount = legacy_quo_int(self.annual_provisions, u128::from(params.blocks_per_year))
            .and_then(Dec::floor)
            .ok_or_else(|| overflow("block provision"))?;
        Ok(Coin::new(params.mint_denom.clone(), amount))
    }

    pub fn to_proto(&self) -> pb::Minter {
        pb::Minter { inflation: self.inflation.to_atto_string(), annual_provisions: self.annual_provisions.to_atto_string() }
    }

    pub fn from_proto(proto: &pb::Minter) -> Result<Self, MintError> {
        let dec = |field: &str, value: &str| {
            Dec::from_atto_str(value).map_err(|e| MintError::InvalidRequest(format!("mint.minter.{field}: {e}")))
        };
        Ok(Self { inflation: dec("inflation", &proto.inflation)?, annual_provisions: dec("annual_provisions", &proto.annual_provisions)? })
    }
}
