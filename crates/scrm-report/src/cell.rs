//! Cell-level helpers shared by every renderer: spreadsheet-injection neutralizing, rounding,
//! terminal-safe text and display width (CJK-aware) for fixed-width layouts.

use std::borrow::Cow;

pub use scrm_model::safe::neutralize_cell;

pub use scrm_model::round::{round_to, round4};

/// Appends an optional score rounded to 4 decimals for CSV: the shortest exact form (what `{}`
/// prints), nothing for `None`. Written without formatting machinery for the usual values: a
/// value rounded to 4 decimals is the double nearest some `k / 10^4`, whose shortest
/// round-trip form is `k / 10^4` written out with trailing zeros dropped.
pub(crate) fn push_fmt4(x: Option<f64>, out: &mut Vec<u8>) {
    use std::io::Write as _;
    let Some(x) = x else { return };
    let r = round4(x);
    // Writing to a `Vec` cannot fail.
    if !r.is_finite() || r.abs() >= 1e9 {
        let _ = write!(out, "{r}");
        return;
    }
    // In range, `r * 10^4` is within an ulp of the integer `k`.
    let k = (r * 10_000.0).round() as i64;
    if k < 0 {
        out.push(b'-');
    }
    let k = k.unsigned_abs();
    push_uint(k / 10_000, out);
    let mut frac = k % 10_000;
    if frac != 0 {
        let mut digits: usize = 4;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        out.push(b'.');
        // `frac` has at most `digits` digits: left-padded with zeros to that width.
        let mut buf = itoa::Buffer::new();
        let text = buf.format(frac);
        out.resize(out.len() + digits.saturating_sub(text.len()), b'0');
        out.extend_from_slice(text.as_bytes());
    }
}

/// Appends `n` in decimal: what `{}` prints, through `itoa` rather than the formatting
/// machinery (a CSV row writes several numbers, and `write!` cost more than scoring some of
/// them).
pub(crate) fn push_uint(n: u64, out: &mut Vec<u8>) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Formats an optional score with 2 decimals for people (terminal, text, HTML); `–` for `None`.
pub(crate) fn fmt2(x: Option<f64>) -> String {
    match x {
        Some(v) => format!("{:.2}", round_to(v, 2)),
        None => "–".to_string(),
    }
}

/// Makes untrusted text safe to print on a terminal or in a log: control characters (C0, DEL,
/// C1: escape sequences start with ESC or CSI) and bidirectional overrides (which can reorder
/// what a reader sees) are replaced with U+FFFD; line breaks and tabs become a space.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    fn bad(c: char) -> bool {
        scrm_model::safe::is_unsafe_char(c)
    }
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\n' | '\r' | '\t' => ' ',
                c if bad(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// Display width of one character in a terminal cell grid: 2 for East Asian wide and full-width
/// characters, 0 for combining marks and zero-width characters, 1 otherwise.
///
/// This is a compact form of Unicode East Asian Width (UAX #11) covering the ranges suppliers'
/// names actually use (CJK ideographs, kana, hangul, full-width forms, CJK punctuation, emoji);
/// the `unicode-width` crate is not a workspace dependency.
pub fn char_width(c: char) -> usize {
    let u = c as u32;
    if u == 0 {
        return 0;
    }
    // Combining marks and zero-width characters take no cell.
    if matches!(u,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A
        | 0x064B..=0x065F | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200B..=0x200F | 0x2028..=0x202E
        | 0x2060..=0x2064 | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0xFEFF)
    {
        return 0;
    }
    if matches!(u,
        0x1100..=0x115F          // Hangul Jamo initials
        | 0x231A..=0x231B | 0x2329..=0x232A | 0x23E9..=0x23EC | 0x23F0 | 0x23F3
        | 0x25FD..=0x25FE | 0x2614..=0x2615 | 0x2648..=0x2653 | 0x267F | 0x2693
        | 0x26A1 | 0x26AA..=0x26AB | 0x26BD..=0x26BE | 0x26C4..=0x26C5 | 0x26CE | 0x26D4
        | 0x26EA | 0x26F2..=0x26F3 | 0x26F5 | 0x26FA | 0x26FD | 0x2705 | 0x270A..=0x270B
        | 0x2728 | 0x274C | 0x274E | 0x2753..=0x2755 | 0x2757 | 0x2795..=0x2797 | 0x27B0
        | 0x27BF | 0x2B1B..=0x2B1C | 0x2B50 | 0x2B55
        | 0x2E80..=0x303E          // CJK radicals, Kangxi, CJK symbols and punctuation
        | 0x3041..=0x33FF          // Hiragana, Katakana, Bopomofo, Hangul compat, CJK compat
        | 0x3400..=0x4DBF          // CJK Extension A
        | 0x4E00..=0x9FFF          // CJK Unified Ideographs
        | 0xA000..=0xA4CF          // Yi
        | 0xA960..=0xA97F          // Hangul Jamo Extended-A
        | 0xAC00..=0xD7A3          // Hangul syllables
        | 0xF900..=0xFAFF          // CJK compatibility ideographs
        | 0xFE10..=0xFE19 | 0xFE30..=0xFE6F  // vertical and small forms
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6  // full-width forms
        | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF  // pictographs and emoji
        | 0x20000..=0x2FFFD | 0x30000..=0x3FFFD)
    // CJK Extensions B and later
    {
        return 2;
    }
    1
}

/// Display width of a string (sum of [`char_width`]).
pub fn str_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Truncates to at most `max` display columns, ending with `…` when anything was cut.
pub fn truncate_width(s: &str, max: usize) -> Cow<'_, str> {
    if str_width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Owned(String::new());
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = char_width(c);
        // Keep one column for the ellipsis.
        if w + cw > max - 1 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    Cow::Owned(out)
}

/// Pads on the right to `width` display columns (no truncation).
pub(crate) fn pad_right(s: &str, width: usize) -> String {
    let w = str_width(s);
    let mut out = String::with_capacity(s.len() + width.saturating_sub(w));
    out.push_str(s);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

/// Pads on the left to `width` display columns (numbers line up on the right).
pub(crate) fn pad_left(s: &str, width: usize) -> String {
    let w = str_width(s);
    let mut out = String::with_capacity(s.len() + width.saturating_sub(w));
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out.push_str(s);
    out
}

/// Truncates a string to at most `max` UTF-16 code units (Excel's length unit), on a char
/// boundary, ending with `…` when anything was cut.
pub(crate) fn truncate_utf16(s: &str, max: usize) -> Cow<'_, str> {
    if s.encode_utf16().count() <= max {
        return Cow::Borrowed(s);
    }
    let mut out = String::new();
    let mut n = 0;
    for c in s.chars() {
        let cl = c.len_utf16();
        if n + cl > max.saturating_sub(1) {
            break;
        }
        out.push(c);
        n += cl;
    }
    out.push('…');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt4(x: Option<f64>) -> String {
        let mut out = Vec::new();
        push_fmt4(x, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn uint_writes_what_display_prints() {
        let mut n = 1u64;
        for k in (0..1000)
            .chain([u64::MAX - 1, u64::MAX])
            .chain(std::iter::from_fn(|| {
                n = n.checked_mul(7)?;
                Some(n)
            }))
        {
            let mut out = Vec::new();
            push_uint(k, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), k.to_string());
        }
    }

    #[test]
    fn fmt4_writes_what_display_prints() {
        // Every 4-decimal value a score, coverage or confidence can take, and beyond.
        for k in -20_000i64..=200_000 {
            let x = k as f64 / 10_000.0;
            assert_eq!(fmt4(Some(x)), format!("{}", round4(x)), "k = {k}");
        }
        let mut x = 0.000_012_345_f64;
        while x < 1e12 {
            for v in [x, -x, x * 1.000_07, x + 0.000_05] {
                assert_eq!(fmt4(Some(v)), format!("{}", round4(v)), "x = {v:e}");
            }
            x *= 1.37;
        }
        for v in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            4.99995,
            0.00005,
        ] {
            assert_eq!(fmt4(Some(v)), format!("{}", round4(v)), "x = {v}");
        }
    }

    #[test]
    fn rounds_half_away_from_zero() {
        let got: Vec<f64> = [
            0.12345, -0.12345, 2.00005, 1.23444, 3.0, 4.99995, 1e-7, -1e-7,
        ]
        .iter()
        .map(|x| round4(*x))
        .collect();
        assert_eq!(
            got,
            vec![0.1235, -0.1235, 2.0001, 1.2344, 3.0, 5.0, 0.0, 0.0]
        );
        assert_eq!(round_to(2.675, 2), 2.68);
        assert_eq!(fmt4(Some(3.0)), "3");
        assert_eq!(fmt4(None), "");
        assert_eq!(fmt2(Some(2.005)), "2.01");
    }

    #[test]
    fn widths_and_truncation_are_cjk_aware() {
        assert_eq!(str_width("Acme"), 4);
        assert_eq!(str_width("台積電"), 6);
        assert_eq!(str_width("ＡＢ"), 4);
        assert_eq!(truncate_width("台積電股份有限公司", 7), "台積電…");
        assert_eq!(truncate_width("Acme Corporation", 8), "Acme Co…");
        assert_eq!(truncate_width("Acme", 8), "Acme");
        assert_eq!(pad_right("台", 4), "台  ");
        assert_eq!(pad_left("1.00", 6), "  1.00");
    }

    #[test]
    fn terminal_safe_strips_escapes_and_bidi() {
        assert_eq!(
            terminal_safe("evil\u{1b}[31mred\u{202E}txt\nx"),
            "evil\u{FFFD}[31mred\u{FFFD}txt x"
        );
        assert!(matches!(terminal_safe("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn utf16_truncation_respects_surrogates() {
        assert_eq!(truncate_utf16("abcdef", 4), "abc…");
        assert_eq!(truncate_utf16("😀😀😀", 5), "😀😀…");
        assert_eq!(truncate_utf16("abc", 3), "abc");
    }
}
