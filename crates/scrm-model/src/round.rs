//! Rounding of scores for outputs (docs/scoring.md §8.1): half away from zero, with near-ties
//! taken as ties; one implementation for every crate, so a score never differs in its last digit
//! between a CSV, a workbook and the Parquet history.

/// Rounds to 4 decimals, half away from zero (machine outputs).
///
/// Scores are unrounded in the engine; every output rounds them the same way (docs/scoring.md
/// §8.1). A scaled value within 1e-9 of a tie counts as the tie and rounds away from zero:
/// scores are sums of products, so a value that is exactly `x.xxxx5` in exact arithmetic (or
/// typed as `0.12345`) is often stored a hair below it. Anything further from a tie rounds to
/// the nearest, so `0.123449999` stays `0.1234`.
pub fn round4(x: f64) -> f64 {
    round_to(x, 4)
}

/// Rounds to `places` decimals (0 to 15), half away from zero, with the tie rule of [`round4`].
pub fn round_to(x: f64, places: u8) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(i32::from(places));
    let y = x * scale;
    let r = (y + y.signum() * 1e-9).round() / scale;
    // Never "-0".
    if r == 0.0 { 0.0 } else { r }
}

/// `x` with `-0.0` made `0.0` (any other value unchanged). A sum of no terms is `-0.0` in Rust
/// (`Iterator::sum` starts from it), and outputs would print `-0.0`: every unrounded total an
/// output writes (a plan's increase, a governance task's share) goes through this.
pub fn no_negative_zero(x: f64) -> f64 {
    // IEEE 754: -0.0 + 0.0 is 0.0; every other value, NaN included, is unchanged.
    x + 0.0
}

/// [`round4`] over an optional score.
pub fn round4_opt(x: Option<f64>) -> Option<f64> {
    x.map(round4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_near_ties() {
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
            (0.39499999999999996, 0.395),
            (2.00004, 2.0),
            (0.0, 0.0),
        ];
        for (x, want) in cases {
            assert_eq!(round4(x), want, "round4({x})");
        }
    }

    #[test]
    fn other_places() {
        assert_eq!(round_to(2.345, 2), 2.35);
        assert_eq!(round_to(-2.345, 2), -2.35);
        assert_eq!(round_to(2.5, 0), 3.0);
        assert_eq!(round_to(1.96, 1), 2.0);
        assert_eq!(round_to(-0.00001, 2), 0.0);
        assert_eq!(round_to(99.95, 1), 100.0);
    }

    #[test]
    fn negative_zero_becomes_zero() {
        let empty: f64 = std::iter::empty::<f64>().sum();
        assert!(empty.is_sign_negative(), "an empty sum is -0.0");
        assert!(no_negative_zero(empty).is_sign_positive());
        assert_eq!(no_negative_zero(-0.0).to_string(), "0");
        assert_eq!(no_negative_zero(-1.5), -1.5);
        assert_eq!(no_negative_zero(2.0), 2.0);
        assert!(no_negative_zero(f64::NAN).is_nan());
    }

    #[test]
    fn keeps_non_finite_and_none() {
        assert!(round4(f64::NAN).is_nan());
        assert_eq!(round4_opt(None), None);
        assert_eq!(round4_opt(Some(2.00004)), Some(2.0));
    }
}
