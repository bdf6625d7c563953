//! The Cosmos SDK's `LegacyDec` arithmetic on [`Dec`], so inflation follows the SDK's numbers
//! to the last of the 18 decimals. `LegacyDec` multiplication and division round half to
//! even (division first truncates at 36 decimals, then rounds that at 18), while the
//! operations with an integer (`MulInt`, `QuoInt`) are exact or truncate, as [`Dec`]'s own.
//! Every function is checked: `None` when an operand is out of range, never a panic.

use agora_types::Dec;

/// 10^36: `LegacyDec`'s precision squared, in atto-units.
const PRECISION_SQUARED: Dec = Dec::from_atto(1_000_000_000_000_000_000_000_000_000_000_000_000);
/// 10^-18: one atto-unit.
const ATTO: Dec = Dec::from_atto(1);

/// `LegacyDec.Mul`: `a × b`, rounded half to even at 18 decimals.
pub fn legacy_mul(a: Dec, b: Dec) -> Option<Dec> {
    round_half_even(a, b, Dec::ONE)
}

/// `LegacyDec.Quo`: `a / b`, truncated at 36 decimals then rounded half to even at 18
/// (`None` if `b` is zero).
pub fn legacy_quo(a: Dec, b: Dec) -> Option<Dec> {
    // floor(a × 10^36 / b) in 10^-36 units, then to 10^-18 units.
    let wide = a.mul_ratio_floor(PRECISION_SQUARED, b)?;
    round_half_even(wide, ATTO, Dec::ONE)
}

/// `LegacyDec.QuoInt`: `a / n`, truncated at 18 decimals (`None` if `n` is zero).
pub fn legacy_quo_int(a: Dec, n: u128) -> Option<Dec> {
    a.mul_ratio_floor(ATTO, Dec::from_atto(n))
}

/// `p × q / c` in atto-units, rounded half to even (`c` is `Dec::ONE` for a product of two
/// decimals). The remainder is compared with half of `c` through the doubled quotient, so
/// nothing is computed beyond [`Dec`]'s exact 512-bit `mul_ratio`.
fn round_half_even(p: Dec, q: Dec, c: Dec) -> Option<Dec> {
    let floor = p.mul_ratio_floor(q, c)?;
    if p.mul_ratio_ceil(q, c)? == floor {
        return Some(floor);
    }
    // floor(2pq / c) = 2·floor + (1 if the remainder is at least half of c).
    let q2 = q.checked_mul_int(2)?;
    let doubled = p.mul_ratio_floor(q2, c)?;
    if doubled == floor.checked_mul_int(2)? {
        return Some(floor);
    }
    let tie = p.mul_ratio_ceil(q2, c)? == doubled;
    if tie && is_even(floor)? {
        return Some(floor);
    }
    floor.checked_add(ATTO)
}

/// Whether the count of atto-units is even.
fn is_even(d: Dec) -> Option<bool> {
    let half = d.mul_ratio_floor(ATTO, Dec::from_atto(2))?;
    Some(half.checked_mul_int(2)? == d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn atto(n: u128) -> Dec {
        Dec::from_atto(n)
    }

    #[test]
    fn mul_rounds_half_to_even() {
        // 0.000000000000000001 × 0.5 = 0.5 atto: a tie, rounds to the even 0.
        assert_eq!(legacy_mul(atto(1), d("0.5")), Some(Dec::ZERO));
        // 3 atto × 0.5 = 1.5 atto: a tie, rounds to the even 2.
        assert_eq!(legacy_mul(atto(3), d("0.5")), Some(atto(2)));
        // 5 atto × 0.5 = 2.5 atto → 2; 7 × 0.5 = 3.5 → 4.
        assert_eq!(legacy_mul(atto(5), d("0.5")), Some(atto(2)));
        assert_eq!(legacy_mul(atto(7), d("0.5")), Some(atto(4)));
        // 0.6 and 0.4 atto: nearest.
        assert_eq!(legacy_mul(atto(1), d("0.6")), Some(atto(1)));
        assert_eq!(legacy_mul(atto(1), d("0.4")), Some(Dec::ZERO));
        assert_eq!(legacy_mul(d("2.5"), d("0.05")), Some(d("0.125")));
        assert_eq!(legacy_mul(Dec::MAX, d("2")), None);
    }

    #[test]
    fn quo_truncates_at_36_then_rounds_half_to_even() {
        assert_eq!(legacy_quo(d("1"), d("3")), Some(d("0.333333333333333333")));
        assert_eq!(legacy_quo(d("2"), d("3")), Some(d("0.666666666666666667")));
        assert_eq!(legacy_quo(d("0.5"), d("0.67")), Some(d("0.746268656716417910")));
        // 1 atto / 2 = 0.5 atto: a tie, to the even 0; 3 atto / 2 → 2.
        assert_eq!(legacy_quo(atto(1), d("2")), Some(Dec::ZERO));
        assert_eq!(legacy_quo(atto(3), d("2")), Some(atto(2)));
        assert_eq!(legacy_quo(d("1"), Dec::ZERO), None);
        assert_eq!(legacy_quo_int(d("1"), 3), Some(d("0.333333333333333333")));
        assert_eq!(legacy_quo_int(d("2"), 3), Some(d("0.666666666666666666")));
        assert_eq!(legacy_quo_int(d("2"), 0), None);
    }

    /// Against plain integer arithmetic, wherever the exact numerator fits 128 bits: ties in
    /// both directions, exact results, and the 36-decimal truncation of `Quo`.
    #[test]
    fn agrees_with_an_integer_reference() {
        const E: u128 = 1_000_000_000_000_000_000;
        fn half_even(num: u128, den: u128) -> u128 {
            let (q, r) = (num / den, num % den);
            if 2 * r > den || (2 * r == den && q % 2 == 1) {
                q + 1
            } else {
                q
            }
        }
        let values = [0u128, 1, 2, 3, 5, 7, 10, E / 2 - 1, E / 2, E / 3, E - 1, E, E + 1, 3 * E / 2, 13 * E / 100, 67 * E / 100, 25 * E];
        for &a in &values {
            for &b in &values {
                if let Some(product) = a.checked_mul(b) {
                    assert_eq!(legacy_mul(atto(a), atto(b)), Some(atto(half_even(product, E))), "{a} × {b}");
                }
            }
        }
        // a × 10^36 fits 128 bits for a ≤ 340 atto.
        for a in 0..=340u128 {
            for b in (1..=40u128).chain([99, 1_000, E / 7, E]) {
                assert_eq!(legacy_quo(atto(a), atto(b)), Some(atto(half_even(a * E * E / b, E))), "{a} / {b}");
            }
        }
    }
}
