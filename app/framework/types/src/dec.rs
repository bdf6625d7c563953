//! Exact fixed-point decimals (18 fractional digits, as Cosmos `Dec`) for prices, rates per
//! block and escrow balances. Never a float: arithmetic is checked integer arithmetic on
//! atto-units, in 256 bits, so that an 18-decimal denom (an IBC asset) holds far more than
//! the 340 whole tokens that 128 bits of atto-units would allow.

use std::fmt;
use std::str::FromStr;

use ethnum::U256;

use crate::coin::Denom;

/// Fractional digits of a [`Dec`].
pub const DEC_PRECISION: u32 = 18;
/// `1.0` in atto-units.
pub const DEC_ONE: u128 = 1_000_000_000_000_000_000;
const ONE: U256 = U256::new(DEC_ONE);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecError {
    #[error("invalid decimal {0:?}: expected digits with an optional '.' and at most 18 fractional digits")]
    Invalid(String),
    #[error("decimal {0:?} is too large")]
    Overflow(String),
}

/// A non-negative decimal with 18 fractional digits, stored as a 256-bit count of 10^-18: up
/// to about 1.16 × 10^59 whole units.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dec(U256);

impl Dec {
    pub const ZERO: Dec = Dec(U256::ZERO);
    /// The largest decimal.
    pub const MAX: Dec = Dec(U256::MAX);

    pub const fn from_atto(atto: u128) -> Self {
        Self(U256::new(atto))
    }

    /// A whole number of units (every `u128` amount fits).
    pub fn from_units(units: u128) -> Self {
        Self(U256::new(units) * ONE)
    }

    pub fn is_zero(self) -> bool {
        self.0 == U256::ZERO
    }

    /// The whole units (rounded down), if they fit a coin amount (`u128`).
    pub fn floor(self) -> Option<u128> {
        u128::try_from(self.0 / ONE).ok()
    }

    /// The whole units rounded to the nearest, a half to the even one (the SDK's
    /// `LegacyDec.RoundInt`, banker's rounding), if they fit a coin amount.
    pub fn round_half_even(self) -> Option<u128> {
        let (whole, rest) = (self.0 / ONE, self.0 % ONE);
        let half = ONE / U256::new(2);
        let up = rest > half || (rest == half && whole % U256::new(2) == U256::ONE);
        let rounded = if up { whole.checked_add(U256::ONE)? } else { whole };
        u128::try_from(rounded).ok()
    }

    /// The whole units (rounded down), as a decimal.
    pub fn trunc(self) -> Dec {
        Dec(self.0 - self.0 % ONE)
    }

    /// What is left below one unit.
    pub fn fract(self) -> Dec {
        Dec(self.0 % ONE)
    }

    pub fn checked_add(self, other: Dec) -> Option<Dec> {
        self.0.checked_add(other.0).map(Dec)
    }

    pub fn checked_sub(self, other: Dec) -> Option<Dec> {
        self.0.checked_sub(other.0).map(Dec)
    }

    /// `self × n`, e.g. a rate per block times a number of blocks.
    pub fn checked_mul_int(self, n: u128) -> Option<Dec> {
        self.0.checked_mul(U256::new(n)).map(Dec)
    }

    /// `1.0`.
    pub const ONE: Dec = Dec(ONE);

    /// `self × other`, rounded down to 18 decimals (a fraction of an amount).
    pub fn checked_mul(self, other: Dec) -> Option<Dec> {
        mul_div_floor(self.0, other.0, ONE).map(Dec)
    }

    /// `self × num / den`, rounded down, with an exact 512-bit intermediate product: the
    /// share of `self` that `num` out of `den` is (`None` if `den` is zero or the result does
    /// not fit).
    pub fn mul_ratio_floor(self, num: Dec, den: Dec) -> Option<Dec> {
        mul_div_floor(self.0, num.0, den.0).map(Dec)
    }

    /// `self × num / den`, rounded up.
    pub fn mul_ratio_ceil(self, num: Dec, den: Dec) -> Option<Dec> {
        let (quotient, remainder) = mul_div(self.0, num.0, den.0)?;
        if remainder { quotient.checked_add(U256::ONE).map(Dec) } else { Some(Dec(quotient)) }
    }

    /// How many whole times `step` fits in `self`, at most `u128::MAX` (`None` if `step` is
    /// zero).
    pub fn div_floor(self, step: Dec) -> Option<u128> {
        let times = self.0.checked_div(step.0)?;
        Some(u128::try_from(times).unwrap_or(u128::MAX))
    }
}

/// `floor(a × b / c)`; `None` if `c` is zero or the quotient exceeds 256 bits.
fn mul_div_floor(a: U256, b: U256, c: U256) -> Option<U256> {
    mul_div(a, b, c).map(|(quotient, _)| quotient)
}

/// `a × b / c` as (quotient rounded down, whether a remainder was left). The product is
/// computed in 512 bits, so a share of a large amount is exact; the common case, a product
/// that fits 256 bits, takes the fast path.
fn mul_div(a: U256, b: U256, c: U256) -> Option<(U256, bool)> {
    if c == U256::ZERO {
        return None;
    }
    if let Some(product) = a.checked_mul(b) {
        return Some((product / c, product % c != U256::ZERO));
    }
    use crypto_bigint::{NonZero, U512};
    let wide = |x: U256| crypto_bigint::U256::from_be_slice(&x.to_be_bytes());
    let (lo, hi) = wide(a).mul_wide(&wide(b));
    let product: U512 = hi.concat(&lo);
    let divisor = NonZero::new(wide(c).resize::<{ U512::LIMBS }>()).into_option()?;
    let (quotient, remainder) = product.div_rem(&divisor);
    let (high, low) = quotient.split();
    if high != crypto_bigint::U256::ZERO {
        return None;
    }
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&crypto_bigint::Encoding::to_be_bytes(&low));
    Some((U256::from_be_bytes(bytes), remainder != U512::ZERO))
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
        let int = U256::from_str_radix(int, 10).map_err(|_| overflow())?;
        let frac_atto: u128 = if frac.is_empty() {
            0
        } else {
            let padded = format!("{frac:0<18}");
            padded.parse().map_err(|_| invalid())?
        };
        int.checked_mul(ONE).and_then(|a| a.checked_add(U256::new(frac_atto))).map(Dec).ok_or_else(overflow)
    }
}

impl fmt::Display for Dec {
    /// The shortest exact form: `12`, `12.5`, `0.000000000000000001`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let int = self.0 / ONE;
        let frac = (self.0 % ONE).as_u128();
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

impl Dec {
    /// Parses the Cosmos SDK's protobuf form of a `LegacyDec`: the integer count of 10^-18,
    /// without a decimal point (`"1500000000000000000"` is 1.5).
    pub fn from_atto_str(s: &str) -> Result<Self, DecError> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DecError::Invalid(s.to_string()));
        }
        U256::from_str_radix(s, 10).map(Dec).map_err(|_| DecError::Overflow(s.to_string()))
    }

    /// The Cosmos SDK's protobuf form of a `LegacyDec` (see [`Dec::from_atto_str`]).
    pub fn to_atto_string(&self) -> String {
        self.0.to_string()
    }

    /// `LegacyDec.String()`: always 18 decimals (`0.130000000000000000`), the SDK's text form
    /// (JSON, events, `cosmos.Dec` string fields).
    pub fn to_legacy_string(&self) -> String {
        let padded = format!("{:0>19}", self.to_atto_string());
        let (int, frac) = padded.split_at(padded.len() - 18);
        format!("{int}.{frac}")
    }
}

impl borsh::BorshSerialize for Dec {
    fn serialize<W: std::io::Write>(&self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(&self.0.to_be_bytes())
    }
}

impl borsh::BorshDeserialize for Dec {
    fn deserialize_reader<R: std::io::Read>(reader: &mut R) -> std::io::Result<Self> {
        let mut bytes = [0u8; 32];
        reader.read_exact(&mut bytes)?;
        Ok(Dec(U256::from_be_bytes(bytes)))
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
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
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
    #[test]
    fn round_half_even_rounds_halves_to_the_even_unit() {
        let d = |s: &str| -> Dec { s.parse().expect("dec") };
        let cases = [("2.5", 2), ("3.5", 4), ("1.5", 2), ("0.5", 0), ("2.500000000000000001", 3), ("2.499999999999999999", 2), ("7", 7), ("0", 0)];
        for (text, expected) in cases {
            assert_eq!(d(text).round_half_even(), Some(expected), "{text}");
        }
    }

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
            assert_eq!(d, Dec::from_atto(atto), "{text}");
            assert_eq!(d.to_string(), text);
        }
        let max = "115792089237316195423570985008687907853269984665640564039457.584007913129639935";
        assert_eq!(max.parse::<Dec>().expect("max"), Dec::MAX);
        assert_eq!(Dec::MAX.to_string(), max);
        assert_eq!("1.50".parse::<Dec>().expect("dec").to_string(), "1.5");
    }

    #[test]
    fn ratios_are_exact_beyond_256_bit_products() {
        let d = |s: &str| s.parse::<Dec>().expect(s);
        assert_eq!(d("10").mul_ratio_floor(d("1"), d("3")), Some(d("3.333333333333333333")));
        assert_eq!(d("10").mul_ratio_ceil(d("1"), d("3")), Some(d("3.333333333333333334")));
        assert_eq!(d("9").mul_ratio_ceil(d("1"), d("3")), Some(d("3")));
        assert_eq!(d("1").mul_ratio_floor(d("1"), Dec::ZERO), None);
        assert_eq!(d("2.5").checked_mul(d("0.05")), Some(d("0.125")));
        // A product far above 2^256 that divides back to a value that fits.
        let big = Dec::MAX.mul_ratio_floor(Dec::MAX, Dec::MAX);
        assert_eq!(big, Some(Dec::MAX));
        let third = Dec::MAX.mul_ratio_floor(d("1"), d("3"));
        assert_eq!(Dec::MAX.mul_ratio_floor(d("1000000"), d("3000000")), third);
        assert_eq!(Dec::MAX.mul_ratio_floor(d("2"), d("1")), None);
        assert_eq!(Dec::MAX.checked_mul(d("2")), None);
    }

    #[test]
    fn legacy_dec_wire_form_round_trips() {
        let d: Dec = "1.5".parse().expect("dec");
        assert_eq!(d.to_atto_string(), "1500000000000000000");
        assert_eq!(Dec::from_atto_str("1500000000000000000"), Ok(d));
        assert!(Dec::from_atto_str("1.5").is_err());
        assert!(Dec::from_atto_str("").is_err());
        let bytes = borsh::to_vec(&d).expect("borsh");
        assert_eq!(borsh::from_slice::<Dec>(&bytes).expect("borsh"), d);
        assert_eq!(d.to_legacy_string(), "1.500000000000000000");
        assert_eq!(Dec::from_atto(130_000_000_000_000_000).to_legacy_string(), "0.130000000000000000");
        assert_eq!(Dec::ZERO.to_legacy_string(), "0.000000000000000000");
        assert_eq!("1234.5".parse::<Dec>().expect("dec").to_legacy_string(), "1234.500000000000000000");
        assert_eq!(Dec::from_atto(1).to_legacy_string(), "0.000000000000000001");
    }

    #[test]
    fn refuses_malformed_and_oversized_input() {
        for bad in ["", ".5", "5.", "-1", "+1", "1e5", "1.2.3", " 1", "0.0000000000000000001", "1,5"] {
            assert!(matches!(bad.parse::<Dec>(), Err(DecError::Invalid(_))), "{bad:?}");
        }
        let above_max = "115792089237316195423570985008687907853269984665640564039458";
        assert!(matches!(above_max.parse::<Dec>(), Err(DecError::Overflow(_))));
        assert!(matches!("1".repeat(80).parse::<Dec>(), Err(DecError::Overflow(_))));
    }

    #[test]
    fn arithmetic_is_checked_and_exact() {
        let rate: Dec = "0.3".parse().expect("dec");
        let owed = rate.checked_mul_int(10).expect("mul");
        assert_eq!(owed.floor(), Some(3));
        assert!(owed.fract().is_zero());
        let owed = rate.checked_mul_int(7).expect("mul");
        assert_eq!((owed.floor(), owed.fract().to_string(), owed.trunc().to_string()), (Some(2), "0.1".to_string(), "2".to_string()));
        assert_eq!(Dec::from_units(10).div_floor(rate), Some(33));
        assert_eq!(rate.div_floor(Dec::ZERO), None);
        assert_eq!(Dec::MAX.checked_add(Dec::from_atto(1)), None);
        assert_eq!(Dec::MAX.checked_mul_int(2), None);
        assert_eq!(Dec::MAX.div_floor(Dec::from_atto(1)), Some(u128::MAX), "saturates");
    }

    /// 10^30 base units of an 18-decimal denom (10^12 whole tokens) is an ordinary amount:
    /// it, its per-block rates and their sums stay exact.
    #[test]
    fn eighteen_decimal_denoms_hold_far_beyond_u128_atto() {
        let deposit = Dec::from_units(10u128.pow(30));
        assert_eq!(deposit.to_string(), format!("1{}", "0".repeat(30)));
        let rate: Dec = "123456789012345678.000000000000000001".parse().expect("rate");
        let spent = rate.checked_mul_int(1_000_000).expect("a million blocks");
        let left = deposit.checked_sub(spent).expect("affordable");
        assert_eq!(left.checked_add(spent), Some(deposit));
        assert_eq!(deposit.div_floor(rate), Some(8_100_000_072_900), "10^48 // (123456789012345678 × 10^18 + 1)");
        assert_eq!(Dec::from_units(u128::MAX).floor(), Some(u128::MAX));
        assert_eq!(Dec::from_units(u128::MAX).checked_add(Dec::from_units(1)).expect("fits").floor(), None, "beyond a coin amount");
    }

    #[test]
    fn dec_coins_parse_from_text() {
        let c: DecCoin = "0.25uagora".parse().expect("coin");
        assert_eq!(c.to_string(), "0.25uagora");
        assert!("uagora".parse::<DecCoin>().is_err());
        assert!("1.x".parse::<DecCoin>().is_err());
    }
}
