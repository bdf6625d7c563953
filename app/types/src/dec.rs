//! Exact fixed-point decimals (18 fractional digits, as Cosmos `Dec`) for prices and rates per
//! block. Never a float: arithmetic is checked integer arithmetic on atto-units.

use std::fmt;
use std::str::FromStr;

use crate::coin::Denom;

/// Fractional digits of a [`Dec`].
pub const DEC_PRECISION: u32 = 18;
/// `1.0` in atto-units.
pub const DEC_ONE: u128 = 1_000_000_000_000_000_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecError {
    #[error("invalid decimal {0:?}: expected digits with an optional '.' and at most 18 fractional digits")]
    Invalid(String),
    #[error("decimal {0:?} is too large")]
    Overflow(String),
}

/// A non-negative decimal with 18 fractional digits, stored as an integer count of 10^-18.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dec(u128);

impl Dec {
    pub const ZERO: Dec = Dec(0);

    pub const fn from_atto(atto: u128) -> Self {
        Self(atto)
    }

    /// A whole number of units.
    pub fn from_units(units: u128) -> Option<Self> {
        units.checked_mul(DEC_ONE).map(Self)
    }

    pub const fn atto(self) -> u128 {
        self.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The whole units (rounded down).
    pub const fn floor(self) -> u128 {
        self.0 / DEC_ONE
    }

    /// What is left below one unit.
    pub const fn fract(self) -> Dec {
        Dec(self.0 % DEC_ONE)
    }

    pub fn checked_add(self, other: Dec) -> Option<Dec> {
        self.0.checked_add(other.0).map(Dec)
    }

    pub fn checked_sub(self, other: Dec) -> Option<Dec> {
        self.0.checked_sub(other.0).map(Dec)
    }

    /// `self × n`, e.g. a rate per block times a number of blocks.
    pub fn checked_mul_int(self, n: u128) -> Option<Dec> {
        self.0.checked_mul(n).map(Dec)
    }

    /// How many whole times `step` fits in `self` (`None` if `step` is zero).
    pub fn div_floor(self, step: Dec) -> Option<u128> {
        self.0.checked_div(step.0)
    }
}

impl FromStr for Dec {
    type Err = DecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || DecError::Invalid(s.to_string());
        let (int, frac) = match s.split_once('.') {
            Some((int, frac)) => (int, frac),
            None => (s, ""),
        };
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !digits(int) || !digits(frac) || frac.len() > DEC_PRECISION as usize {
            return Err(invalid());
        }
        if s.contains('.') && frac.is_empty() {
            return Err(invalid());
        }
        let overflow = || DecError::Overflow(s.to_string());
        let int: u128 = int.parse().map_err(|_| overflow())?;
        let frac_atto: u128 = if frac.is_empty() {
            0
        } else {
            let padded = format!("{frac:0<18}");
            padded.parse().map_err(|_| invalid())?
        };
        int.checked_mul(DEC_ONE).and_then(|a| a.checked_add(frac_atto)).map(Dec).ok_or_else(overflow)
    }
}

impl fmt::Display for Dec {
    /// The shortest exact form: `12`, `12.5`, `0.000000000000000001`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let int = self.0 / DEC_ONE;
        let frac = self.0 % DEC_ONE;
        if frac == 0 {
            return write!(f, "{int}");
        }
        let frac = format!("{frac:018}");
        write!(f, "{int}.{}", frac.trim_end_matches('0'))
    }
}

impl fmt::Debug for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Dec({self})")
    }
}

impl serde::Serialize for Dec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Dec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// A decimal amount of one denom (a price or rate per block).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DecCoin {
    pub denom: Denom,
    pub amount: Dec,
}

impl DecCoin {
    pub fn new(denom: Denom, amount: Dec) -> Self {
        Self { denom, amount }
    }
}

impl DecCoin {
    /// Parses the protobuf form; `field` names it in the error.
    pub fn from_proto(field: &str, proto: &agora_proto::base::v1::DecCoin) -> Result<Self, String> {
        let denom = Denom::new(proto.denom.clone()).map_err(|e| format!("{field}: {e}"))?;
        let amount = proto.amount.parse().map_err(|e: DecError| format!("{field}: {e}"))?;
        Ok(Self { denom, amount })
    }

    pub fn to_proto(&self) -> agora_proto::base::v1::DecCoin {
        agora_proto::base::v1::DecCoin { denom: self.denom.to_string(), amount: self.amount.to_string() }
    }
}

impl fmt::Display for DecCoin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.denom)
    }
}

impl FromStr for DecCoin {
    type Err = String;

    /// `0.25uagora` form used by the CLI.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|&i| i > 0)
            .ok_or_else(|| format!("invalid decimal coin {s:?}: expected <amount><denom>, e.g. 0.25uagora"))?;
        let (amount, denom) = s.split_at(split);
        Ok(Self { denom: Denom::new(denom).map_err(|e| e.to_string())?, amount: amount.parse().map_err(|e: DecError| e.to_string())? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_exactly() {
        for (text, atto) in [
            ("0", 0u128),
            ("1", DEC_ONE),
            ("12.5", 12 * DEC_ONE + DEC_ONE / 2),
            ("0.000000000000000001", 1),
            ("340282366920938463463.374607431768211455", u128::MAX),
        ] {
            let d: Dec = text.parse().expect(text);
            assert_eq!(d.atto(), atto, "{text}");
            assert_eq!(d.to_string(), text);
        }
        assert_eq!("1.50".parse::<Dec>().expect("dec").to_string(), "1.5");
    }

    #[test]
    fn refuses_malformed_and_oversized_input() {
        for bad in ["", ".5", "5.", "-1", "+1", "1e5", "1.2.3", " 1", "0.0000000000000000001", "1,5"] {
            assert!(matches!(bad.parse::<Dec>(), Err(DecError::Invalid(_))), "{bad:?}");
        }
        assert!(matches!("340282366920938463464".parse::<Dec>(), Err(DecError::Overflow(_))));
    }

    #[test]
    fn arithmetic_is_checked_and_exact() {
        let rate: Dec = "0.3".parse().expect("dec");
        let owed = rate.checked_mul_int(10).expect("mul");
        assert_eq!(owed.floor(), 3);
        assert!(owed.fract().is_zero());
        let owed = rate.checked_mul_int(7).expect("mul");
        assert_eq!((owed.floor(), owed.fract().to_string()), (2, "0.1".to_string()));
        assert_eq!(Dec::from_units(10).expect("units").div_floor(rate), Some(33));
        assert_eq!(rate.div_floor(Dec::ZERO), None);
        assert_eq!(Dec::from_atto(u128::MAX).checked_add(Dec::from_atto(1)), None);
    }

    #[test]
    fn dec_coins_parse_from_text() {
        let c: DecCoin = "0.25uagora".parse().expect("coin");
        assert_eq!(c.to_string(), "0.25uagora");
        assert!("uagora".parse::<DecCoin>().is_err());
        assert!("1.x".parse::<DecCoin>().is_err());
    }
}
