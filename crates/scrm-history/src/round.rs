//! Rounding of scores for outputs: 4 decimals, half away from zero, decided on the decimal form.

/// Rounds to 4 decimals, half away from zero.
///
/// Scores are unrounded in the engine; every output rounds them the same way (docs/scoring.md
/// §8). `f64::round` on `x * 10_000` is right except near a tie, where binary representation
/// can put `0.12345` just below `1234.5` after scaling; there the shortest decimal form of `x`
/// (what a reader of the JSON sees) decides instead, so `0.12345` becomes `0.1235`.
pub fn round4(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let scaled = x * 10_000.0;
    let frac = (scaled - scaled.trunc()).abs();
    if (frac - 0.5).abs() > 1e-6 {
        return scaled.round() / 10_000.0;
    }
    round_decimal(x, 4)
}

/// Rounds the shortest round-trip decimal form of `x` to `places`, half away from zero.
fn round_decimal(x: f64, places: usize) -> f64 {
    // `Display` for f64 prints the shortest form that parses back, never in exponent notation.
    let text = format!("{}", x.abs());
    let (int_part, frac_part) = text.split_once('.').unwrap_or((&text, ""));
    if frac_part.len() <= places {
        return x;
    }
    let mut digits: Vec<u8> = int_part
        .bytes()
        .chain(frac_part.bytes().take(places))
        .collect();
    let round_up = frac_part.as_bytes()[places] >= b'5';
    if round_up {
        // Propagate the carry from the last kept digit leftwards.
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let split = digits.len() - places;
    let mut out = String::with_capacity(digits.len() + 2);
    if x.is_sign_negative() {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(&digits[..split]).unwrap_or("0"));
    out.push('.');
    out.push_str(std::str::from_utf8(&digits[split..]).unwrap_or("0"));
    out.parse().unwrap_or(x)
}

/// [`round4`] over an optional score.
pub fn round4_opt(x: Option<f64>) -> Option<f64> {
    x.map(round4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_on_the_decimal_form() {
        let cases = [
            (0.12345, 0.1235),
            (-0.12345, -0.1235),
            (1.00005, 1.0001),
            (2.67545, 2.6755),
            (0.99995, 1.0),
            (9.99995, 10.0),
            (0.123449999, 0.1234),
            (3.0, 3.0),
            (4.56789, 4.5679),
            (1.0 / 3.0, 0.3333),
            (5.0, 5.0),
            (0.0, 0.0),
        ];
        for (x, want) in cases {
            assert_eq!(round4(x), want, "round4({x})");
        }
    }

    #[test]
    fn keeps_non_finite_and_none() {
        assert!(round4(f64::NAN).is_nan());
        assert_eq!(round4_opt(None), None);
        assert_eq!(round4_opt(Some(2.00004)), Some(2.0));
    }
}
