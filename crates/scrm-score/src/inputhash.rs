//! The byte stream a vendor's `input_hash` is the SHA-256 of: every field that determines its
//! result (catalog and policy hashes, profile, answers, exclusion entries), each written as its
//! length (LEB128: one byte below 128) and its bytes.
//!
//! The length was eight bytes until the eighth session: five fields an answer made 40 bytes of
//! lengths beside some 45 of text, and a nightly run hashed nearly twice its input.
//!
//! The stream is written into one buffer and hashed with one call: fed to the hasher field by
//! field (ten small updates an answer, and a `String` for each date), a nightly run of 100,000
//! vendors with about 200 answers each spent seconds in the calls alone. The stream, and so the
//! hash kept in every history run, is the same either way.

use chrono::{Datelike, NaiveDate};
use scrm_model::{AnswerValue, Exclusion, FullInput};
use sha2::{Digest, Sha256};
use std::cell::RefCell;

thread_local! {
    /// The thread's buffer, kept from vendor to vendor: a fresh one of some 20 KB a vendor was
    /// fresh pages for the kernel to clear each time.
    static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Appends one field: its length (LEB128, seven bits a byte, low bits first, the high bit set
/// on every byte but the last), then its bytes.
#[inline]
fn field(buf: &mut Vec<u8>, b: &[u8]) {
    let mut n = b.len() as u64;
    while n >= 0x80 {
        buf.push(n as u8 | 0x80);
        n >>= 7;
    }
    buf.push(n as u8);
    buf.extend_from_slice(b);
}

/// Appends a date as `NaiveDate`'s `Display` writes it (`2026-08-26`), or the empty field.
fn date(buf: &mut Vec<u8>, d: Option<NaiveDate>) {
    match d {
        None => field(buf, b""),
        // Four-digit years by hand, the length and the ten bytes in one copy; `Display` writes
        // others with a sign (`+10000-01-01`).
        Some(d) if (0..=9999).contains(&d.year()) => {
            let (y, m, day) = (d.year() as u32, d.month(), d.day());
            let digit = |x: u32| b'0' + (x % 10) as u8;
            buf.extend_from_slice(&[
                10,
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(day / 10),
                digit(day),
            ]);
        }
        Some(d) => field(buf, d.to_string().as_bytes()),
    }
}

/// Appends an answer's value as `field` writes its canonical spelling, from a table: the
/// spelling's `Cow` and a second copy for each of a nightly run's 20 million answers.
fn value(buf: &mut Vec<u8>, v: AnswerValue) {
    const LEVELS: [&[u8]; 6] = [b"\x010", b"\x011", b"\x012", b"\x013", b"\x014", b"\x015"];
    let encoded: &[u8] = match v {
        AnswerValue::Yes => b"\x03yes",
        AnswerValue::Partial => b"\x07partial",
        AnswerValue::No => b"\x02no",
        AnswerValue::NotApplicable => b"\x02na",
        AnswerValue::Unanswered => b"\x00",
        AnswerValue::Maturity(n) => match LEVELS.get(usize::from(n)) {
            Some(e) => e,
            None => return field(buf, v.canonical_str().as_bytes()),
        },
    };
    buf.extend_from_slice(encoded);
}

/// The lower-case hex SHA-256 of `vendor`'s input (see the module's doc).
pub(crate) fn input_hash<V: FullInput + ?Sized>(
    (catalog_hash, policy_hash): (&str, &str),
    vendor: &V,
    exclusions: &[&Exclusion],
) -> String {
    let mut buf = BUF.try_with(RefCell::take).unwrap_or_default();
    buf.clear();
    let b = &mut buf;
    field(b, catalog_hash.as_bytes());
    field(b, policy_hash.as_bytes());
    let pr = vendor.profile();
    field(b, pr.vendor_id.as_str().as_bytes());
    for x in [&pr.name, &pr.country] {
        field(b, x.as_deref().unwrap_or("\u{0}").as_bytes());
    }
    field(b, pr.criticality.map_or("", |x| x.as_str()).as_bytes());
    field(b, pr.ai_role.map_or("", |x| x.as_str()).as_bytes());
    field(b, pr.data_access.map_or("", |x| x.as_str()).as_bytes());
    date(b, pr.assessed_on);
    field(b, &(pr.certifications.len() as u64).to_le_bytes());
    for c in &pr.certifications {
        field(b, c.as_bytes());
    }
    field(b, &(pr.extra.len() as u64).to_le_bytes());
    for (k, v) in &pr.extra {
        field(b, k.as_bytes());
        field(b, v.as_bytes());
    }
    field(b, &(vendor.answer_count() as u64).to_le_bytes());
    vendor.for_each_answer_bytes(|a| {
        let (q, e, c) = (
            a.question.as_str().as_bytes(),
            a.evidence.unwrap_or(b"\0"),
            a.comment.unwrap_or(b"\0"),
        );
        // Room for the answer's five fields at once (lengths of up to ten bytes each).
        b.reserve(q.len() + e.len() + c.len() + 11 + 8 + 5 * 10);
        field(b, q);
        value(b, a.value);
        field(b, e);
        date(b, a.evidence_date);
        field(b, c);
    });
    field(b, &(exclusions.len() as u64).to_le_bytes());
    let mut ex: Vec<&&Exclusion> = exclusions.iter().collect();
    ex.sort();
    for e in ex {
        field(b, e.source.name().as_bytes());
        field(b, e.reference.as_bytes());
        date(b, e.listed_on);
    }
    let digest = Sha256::digest(&buf);
    // Not kept when the thread is going away.
    let _ = BUF.try_with(|k| k.replace(buf));
    hex::encode(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A date's field is what `Display` writes, for every kind of year.
    #[test]
    fn dates_are_written_as_display_writes_them() {
        let mut days: Vec<NaiveDate> = [
            (0, 1, 1),
            (9, 2, 28),
            (99, 12, 31),
            (999, 7, 4),
            (2026, 8, 26),
            (2024, 2, 29),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 6, 15),
            (-2026, 3, 1),
        ]
        .iter()
        .filter_map(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
        .collect();
        days.extend([NaiveDate::MIN, NaiveDate::MAX]);
        assert_eq!(days.len(), 12);
        for d in days {
            let (mut ours, mut shown) = (Vec::new(), Vec::new());
            date(&mut ours, Some(d));
            field(&mut shown, d.to_string().as_bytes());
            assert_eq!(ours, shown, "{d}");
        }
        let mut none = Vec::new();
        date(&mut none, None);
        assert_eq!(none, [0]);
    }

    /// A value's field from the table is the field of its canonical spelling, for every value.
    #[test]
    fn values_are_written_as_their_spelling() {
        let levels = (0..=200).map(AnswerValue::Maturity);
        for v in AnswerValue::WORDS.into_iter().chain(levels) {
            let (mut ours, mut spelled) = (Vec::new(), Vec::new());
            value(&mut ours, v);
            field(&mut spelled, v.canonical_str().as_bytes());
            assert_eq!(ours, spelled, "{v:?}");
        }
    }

    /// A field's length is LEB128: one byte below 128, more above, the high bit marking each
    /// byte that another follows.
    #[test]
    fn lengths_are_leb128() {
        for (len, want) in [
            (0usize, vec![0x00]),
            (1, vec![0x01]),
            (127, vec![0x7f]),
            (128, vec![0x80, 0x01]),
            (300, vec![0xac, 0x02]),
            (16_384, vec![0x80, 0x80, 0x01]),
        ] {
            let mut buf = Vec::new();
            field(&mut buf, &vec![b'x'; len]);
            assert_eq!(&buf[..want.len()], &want[..], "{len}");
            assert_eq!(buf.len(), want.len() + len, "{len}");
        }
    }
}
