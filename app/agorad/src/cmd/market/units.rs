//! Human units of the provider and deployment files, parsed exactly with integer arithmetic:
//! CPU in cores or millicores (`"2"`, `"1.5"`, `"500m"`), sizes in bytes with a decimal
//! (`k M G T P E`, powers of 1000) or binary (`Ki Mi Gi Ti Pi Ei`, powers of 1024) suffix.
//! A fraction is allowed only when it comes out as a whole number of millicores or bytes.

use std::fmt;

/// Millicores per core.
const MILLIS_PER_CORE: u128 = 1_000;
/// Longest fractional part accepted (more could not give a whole result anyway for
/// anything below 10^18, and keeps `10^digits` inside u128).
const MAX_FRACTION_DIGITS: usize = 18;
/// Bytes per GiB, for GPU memory.
pub const GIB: u64 = 1 << 30;

/// Byte multipliers by suffix. Longest suffixes are tried first, so `Mi` wins over `M`.
const SIZE_SUFFIXES: &[(&str, u128)] = &[
    ("Ki", 1 << 10),
    ("Mi", 1 << 20),
    ("Gi", 1 << 30),
    ("Ti", 1 << 40),
    ("Pi", 1 << 50),
    ("Ei", 1 << 60),
    ("k", 1_000),
    ("K", 1_000),
    ("M", 1_000_000),
    ("G", 1_000_000_000),
    ("T", 1_000_000_000_000),
    ("P", 1_000_000_000_000_000),
    ("E", 1_000_000_000_000_000_000),
];

/// A parse error; the caller prefixes the field it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitError(String);

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UnitError {}

fn err(msg: String) -> UnitError {
    UnitError(msg)
}

/// `int[.frac]` times `multiplier`, which must come out whole. `what` names the unit of the
/// result in errors ("bytes", "millicores").
fn scaled(text: &str, number: &str, multiplier: u128, what: &str) -> Result<u128, UnitError> {
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (number.contains('.') && frac.is_empty()) {
        return Err(err(format!("invalid number in {text:?}")));
    }
    if frac.len() > MAX_FRACTION_DIGITS {
        return Err(err(format!("{text:?} has more than {MAX_FRACTION_DIGITS} fractional digits")));
    }
    let too_large = || err(format!("{text:?} is too large"));
    let int: u128 = int.parse().map_err(|_| too_large())?;
    let whole = int.checked_mul(multiplier).ok_or_else(too_large)?;
    if frac.is_empty() {
        return Ok(whole);
    }
    let frac_value: u128 = frac.parse().map_err(|_| err(format!("invalid number in {text:?}")))?;
    let denominator = 10u128.pow(frac.len() as u32);
    let numerator = frac_value.checked_mul(multiplier).ok_or_else(too_large)?;
    if numerator % denominator != 0 {
        return Err(err(format!("{text:?} is not a whole number of {what}")));
    }
    whole.checked_add(numerator / denominator).ok_or_else(too_large)
}

fn to_u64(text: &str, value: u128) -> Result<u64, UnitError> {
    u64::try_from(value).map_err(|_| err(format!("{text:?} is too large")))
}

/// CPU: `"500m"` is 500 millicores; `"2"` or `"1.5"` are cores (2000, 1500 millicores).
pub fn parse_cpu_millis(text: &str) -> Result<u64, UnitError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(err("empty CPU quantity".into()));
    }
    let value = match s.strip_suffix('m') {
        Some(millis) => {
            if millis.contains('.') {
                return Err(err(format!("{text:?}: millicores must be a whole number")));
            }
            scaled(text, millis, 1, "millicores")?
        }
        None => scaled(text, s, MILLIS_PER_CORE, "millicores")?,
    };
    if value == 0 {
        return Err(err(format!("{text:?} must be more than zero")));
    }
    to_u64(text, value)
}

/// A size in bytes: a plain number of bytes, or a number with a suffix (`512Mi`, `1.5Gi`,
/// `2T`). Zero is refused.
pub fn parse_bytes(text: &str) -> Result<u64, UnitError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(err("empty size".into()));
    }
    let number_end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, suffix) = s.split_at(number_end);
    let multiplier = if suffix.is_empty() {
        1
    } else {
        SIZE_SUFFIXES.iter().find(|(name, _)| *name == suffix).map(|(_, m)| *m).ok_or_else(|| {
            err(format!(
                "unknown unit {suffix:?} in {text:?}: use bytes or one of Ki Mi Gi Ti Pi Ei (×1024) or k M G T P E (×1000)"
            ))
        })?
    };
    let value = scaled(text, number, multiplier, "bytes")?;
    if value == 0 {
        return Err(err(format!("{text:?} must be more than zero")));
    }
    to_u64(text, value)
}

/// A size that must be a whole number of GiB (GPU memory): `"80Gi"` is 80.
pub fn parse_gib(text: &str) -> Result<u32, UnitError> {
    let bytes = parse_bytes(text)?;
    if bytes % GIB != 0 {
        return Err(err(format!("{text:?} is not a whole number of GiB (write e.g. \"80Gi\")")));
    }
    u32::try_from(bytes / GIB).map_err(|_| err(format!("{text:?} is too large")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_in_cores_and_millicores() {
        for (text, millis) in [
            ("1", 1_000),
            ("64", 64_000),
            ("128", 128_000),
            ("0.5", 500),
            ("1.5", 1_500),
            ("0.001", 1),
            ("2.250", 2_250),
            ("500m", 500),
            ("64000m", 64_000),
            ("1m", 1),
            (" 4 ", 4_000),
        ] {
            assert_eq!(parse_cpu_millis(text), Ok(millis), "{text}");
        }
        for bad in ["", "m", "0", "0m", "0.0001", "1.5m", "-1", "1 core", "1e3", "1.", ".5", "2c", "18446744073709552"] {
            assert!(parse_cpu_millis(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(parse_cpu_millis("18446744073709551615m"), Ok(u64::MAX));
    }

    #[test]
    fn sizes_binary_and_decimal() {
        for (text, bytes) in [
            ("1", 1u64),
            ("1024", 1_024),
            ("1Ki", 1_024),
            ("512Mi", 512 << 20),
            ("80Gi", 80 << 30),
            ("1Ti", 1 << 40),
            ("2Ti", 2 << 40),
            ("1Pi", 1 << 50),
            ("1Ei", 1 << 60),
            ("1k", 1_000),
            ("1K", 1_000),
            ("500M", 500_000_000),
            ("2G", 2_000_000_000),
            ("3T", 3_000_000_000_000),
            ("1P", 1_000_000_000_000_000),
            ("1.5Gi", 3 << 29),
            ("0.5Ki", 512),
            ("1.25G", 1_250_000_000),
            ("0.000000001G", 1),
        ] {
            assert_eq!(parse_bytes(text), Ok(bytes), "{text}");
        }
    }

    #[test]
    fn sizes_refuse_what_is_not_exact_or_known() {
        for bad in ["", "0", "0Gi", "Gi", "1.5", "0.3Ki", "1Gb", "1GiB", "1 Gi", "1gi", "1mi", "-1Gi", "1..5Gi", "1e9", "16Ei", "1.Gi"]
        {
            assert!(parse_bytes(bad).is_err(), "{bad:?} should be refused");
        }
        let msg = parse_bytes("0.3Ki").expect_err("fraction").to_string();
        assert!(msg.contains("whole number of bytes"), "{msg}");
        let msg = parse_bytes("2Gb").expect_err("unit").to_string();
        assert!(msg.contains("unknown unit \"Gb\""), "{msg}");
        assert_eq!(parse_bytes("15Ei"), Ok(15 << 60));
        assert_eq!(parse_bytes("18446744073709551615"), Ok(u64::MAX));
        assert!(parse_bytes("18446744073709551616").is_err());
    }

    #[test]
    fn gpu_memory_in_whole_gib() {
        assert_eq!(parse_gib("80Gi"), Ok(80));
        assert_eq!(parse_gib("1Ti"), Ok(1024));
        assert_eq!(parse_gib("40960Mi"), Ok(40));
        assert_eq!(parse_gib(&(24u64 << 30).to_string()), Ok(24));
        for bad in ["80G", "80", "1.5Gi", "0Gi", "512Mi"] {
            assert!(parse_gib(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
