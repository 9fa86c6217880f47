//! Dates as supplier files give them: `YYYY-MM-DD`, or `YYYY/MM/DD` as Excel writes dates in
//! Taiwan. One rule, shared by the readers (scrm-ingest, whose hot path parses every dated answer
//! row through [`date_digits`]) and the templates that write a typed date back as a date cell
//! only when the readers would take it for one.

use chrono::NaiveDate;

/// Parses a date, spaces around it trimmed (`str::trim`).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    parse_date10(raw.trim().as_bytes().try_into().ok()?)
}

/// [`parse_date`] of exactly ten bytes.
#[inline]
pub fn parse_date10(b: &[u8; 10]) -> Option<NaiveDate> {
    date_of_digits(date_digits(b)?)
}

/// The eight digits of `YYYY-MM-DD` (or `YYYY/MM/DD`), less '0' each, in one word (year first,
/// in the low bytes); `None` when the text is not of that shape.
#[inline]
pub fn date_digits(b: &[u8; 10]) -> Option<u64> {
    if !(b[4] == b'-' && b[7] == b'-' || b[4] == b'/' && b[7] == b'/') {
        return None;
    }
    // The eight digits checked together, in one word: every dated answer row comes through
    // here. Less '0', a byte below '0' wraps to 0xD0 or more (its borrow can only flag the byte
    // above it, in a text already refused); `x + 0x76` has its high bit set exactly for `x`
    // from 10 to 127, and `x` itself for 128 and more (a carry out of such a byte, likewise).
    let w = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[5], b[6], b[8], b[9]])
        .wrapping_sub(0x3030_3030_3030_3030);
    if (w | w.wrapping_add(0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080 != 0 {
        return None;
    }
    Some(w)
}

/// The day [`date_digits`]' word names, when the calendar has it. Out of line: a block's
/// cache (scrm-ingest's `DateCache`) meets each date a few times before it is found there.
#[inline(never)]
pub fn date_of_digits(w: u64) -> Option<NaiveDate> {
    let dg = |k: u32| ((w >> (8 * k)) & 0xFF) as u32;
    let y = dg(0) * 1000 + dg(1) * 100 + dg(2) * 10 + dg(3);
    let (m, d) = (dg(4) * 10 + dg(5), dg(6) * 10 + dg(7));
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}
