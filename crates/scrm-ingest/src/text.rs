//! Text handling shared by every reader: encoding detection and transcoding, header keys,
//! dates, and making untrusted supplier text safe to show.

use crate::digest::{Hasher, InputDigest};
use chrono::NaiveDate;
use encoding_rs::{CoderResult, Decoder, Encoding, UTF_8};
use scrm_model::fold;
use std::io::{self, Read};

/// Bytes looked at to detect an encoding.
pub(crate) const SAMPLE_BYTES: usize = 64 * 1024;

/// How a file's bytes become UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextEncoding {
    /// Already UTF-8; skip this many BOM bytes.
    Utf8 { bom: usize },
    /// Transcode from this encoding (a BOM, if any, is removed by the decoder).
    Legacy(&'static Encoding),
}

impl TextEncoding {
    /// The WHATWG name, for logs and messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Utf8 { .. } => "UTF-8",
            Self::Legacy(e) => e.name(),
        }
    }
}

/// What [`detect_encoding`] settled on, and whether it guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Detected {
    pub enc: TextEncoding,
    /// A legacy encoding told by `chardetng`'s statistics, not by a BOM, the caller or the
    /// bytes themselves: a guess that may be wrong, which the run reports
    /// (`encoding-guessed`) so that garbled text can be traced to it.
    pub guessed: bool,
}

/// Picks the encoding: a BOM wins, then the caller's choice, then UTF-16 by the pattern of NUL
/// bytes, then UTF-8 when the sample is valid UTF-8 or nearly so ([`mostly_utf8`]: a UTF-8
/// file with a few bad bytes stays UTF-8, and those bytes reject their rows), then `chardetng`'s
/// guess (Big5 for Excel files saved in a Traditional Chinese locale, windows-1252 for Western
/// ones, ...).
pub(crate) fn detect_encoding(sample: &[u8], explicit: Option<&'static Encoding>) -> Detected {
    let told = |enc| Detected {
        enc,
        guessed: false,
    };
    if let Some((enc, bom)) = Encoding::for_bom(sample) {
        return told(if enc == UTF_8 {
            TextEncoding::Utf8 { bom }
        } else {
            TextEncoding::Legacy(enc)
        });
    }
    if let Some(enc) = explicit {
        return told(if enc == UTF_8 {
            TextEncoding::Utf8 { bom: 0 }
        } else {
            TextEncoding::Legacy(enc)
        });
    }
    if let Some(enc) = utf16_without_bom(sample) {
        return told(TextEncoding::Legacy(enc));
    }
    let valid = match std::str::from_utf8(sample) {
        Ok(_) => true,
        // Cut in the middle of a character at the end of the sample: still UTF-8.
        Err(e) => e.error_len().is_none() && sample.len() - e.valid_up_to() < 4,
    };
    if valid || mostly_utf8(sample) {
        return told(TextEncoding::Utf8 { bom: 0 });
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(sample, sample.len() < SAMPLE_BYTES);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    if enc == UTF_8 {
        told(TextEncoding::Utf8 { bom: 0 })
    } else {
        Detected {
            enc: TextEncoding::Legacy(enc),
            guessed: true,
        }
    }
}

/// Valid multi-byte UTF-8 sequences a sample needs before [`mostly_utf8`] takes it for UTF-8.
const MIN_MULTIBYTE: usize = 16;
/// How many times as many valid multi-byte UTF-8 sequences as invalid ones [`mostly_utf8`] asks.
const MULTIBYTE_PER_INVALID: usize = 4;

/// Whether a sample that is not valid UTF-8 is UTF-8 text with a few bad bytes all the same:
/// it holds at least [`MIN_MULTIBYTE`] valid multi-byte sequences, and at least
/// [`MULTIBYTE_PER_INVALID`] times as many as invalid ones (an invalid one: a maximal run of
/// bytes that starts no valid character, as `from_utf8` reports them).
///
/// `chardetng` takes a sample for UTF-8 only when every byte is valid, so one bad byte in a
/// UTF-8 file of Chinese names (a truncated character, a field pasted from elsewhere) made the
/// whole file decode as Shift_JIS or Big5, every name garbled. Text in a legacy encoding
/// cannot pass: windows-1252 and the other single-byte encodings form a valid multi-byte
/// sequence only by an unlikely pair (`Ã©`), and in Big5, GBK, Shift_JIS, EUC-JP or EUC-KR
/// text, where a character's bytes line up with a UTF-8 sequence now and then, the invalid
/// ones outnumber them: measured on Chinese, Japanese and Korean text, cut into random
/// CSV-like samples holding 16 or more valid sequences, the most valid sequences per invalid
/// one was 0.7 (EUC-JP), typically 0.2 to 0.5; UTF-8 with a bad byte in a row or two has
/// hundreds of valid sequences per invalid one.
fn mostly_utf8(sample: &[u8]) -> bool {
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in sample.utf8_chunks() {
        // Lead bytes of the valid characters past ASCII: one per multi-byte sequence.
        multibyte += chunk.valid().bytes().filter(|&b| b >= 0xC0).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    multibyte >= MIN_MULTIBYTE && multibyte >= MULTIBYTE_PER_INVALID * invalid
}

/// UTF-16 without a BOM shows as NUL bytes in every other position for ASCII text.
fn utf16_without_bom(sample: &[u8]) -> Option<&'static Encoding> {
    let s = &sample[..sample.len().min(4096) & !1];
    if s.len() < 8 {
        return None;
    }
    let pairs = s.len() / 2;
    let even = s.iter().step_by(2).filter(|b| **b == 0).count();
    let odd = s.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if odd * 10 > pairs * 4 && even * 20 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 > pairs * 4 && odd * 20 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// A reader that hashes every raw byte it reads (for the run manifest).
pub(crate) struct Hashing<R> {
    inner: R,
    hasher: Hasher,
}

impl<R: Read> Hashing<R> {
    pub(crate) fn new(inner: R, digest: InputDigest) -> Self {
        Self {
            inner,
            hasher: digest.hasher(),
        }
    }

    /// Hashes whatever was not read yet and returns the lower-case hex digest.
    pub(crate) fn finish(mut self) -> io::Result<String> {
        drain(&mut self)?;
        Ok(self.hasher.finish())
    }
}

/// Reads `r` to its end, throwing the bytes away (what reading them does is the point), in
/// large reads: a whole workbook is hashed this way.
fn drain(r: &mut impl Read) -> io::Result<()> {
    let mut buf = vec![0u8; 256 * 1024];
    while r.read(&mut buf)? > 0 {}
    Ok(())
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// A raw file turned into a stream of UTF-8 bytes (or of bytes claimed to be UTF-8, which the
/// readers validate field by field).
pub(crate) struct Utf8Source<R> {
    raw: Hashing<R>,
    skip: usize,
    decode: Option<Decode>,
}

struct Decode {
    decoder: Decoder,
    inbuf: Vec<u8>,
    outbuf: Vec<u8>,
    out_start: usize,
    out_end: usize,
    start: usize,
    end: usize,
    eof: bool,
    finished: bool,
    replaced: bool,
}

impl<R: Read> Utf8Source<R> {
    pub(crate) fn new(raw: R, enc: TextEncoding, digest: InputDigest) -> Self {
        let (skip, decode) = match enc {
            TextEncoding::Utf8 { bom } => (bom, None),
            TextEncoding::Legacy(e) => (
                0,
                Some(Decode {
                    decoder: e.new_decoder(),
                    inbuf: vec![0; 64 * 1024],
                    outbuf: vec![0; 256 * 1024],
                    out_start: 0,
                    out_end: 0,
                    start: 0,
                    end: 0,
                    eof: false,
                    finished: false,
                    replaced: false,
                }),
            ),
        };
        Self {
            raw: Hashing::new(raw, digest),
            skip,
            decode,
        }
    }

    /// Finishes hashing; returns the digest and whether transcoding replaced any bytes of the
    /// file. A file in a legacy encoding whose reading stopped early (a header the file cannot
    /// be loaded with, a limit) is transcoded to its end first: how far ahead of the rows the
    /// reader had decoded depends on its block size, and what is reported must not.
    pub(crate) fn finish(mut self) -> io::Result<(String, bool)> {
        if self.decode.is_some() {
            drain(&mut self)?;
        }
        let replaced = self.decode.as_ref().is_some_and(|d| d.replaced);
        Ok((self.raw.finish()?, replaced))
    }
}

impl<R: Read> Read for Utf8Source<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let Some(d) = self.decode.as_mut() else {
            while self.skip > 0 {
                let mut bom = [0u8; 4];
                let n = self.raw.read(&mut bom[..self.skip])?;
                if n == 0 {
                    return Ok(0);
                }
                self.skip -= n;
            }
            return self.raw.read(out);
        };
        loop {
            if d.out_start < d.out_end {
                let n = (d.out_end - d.out_start).min(out.len());
                out[..n].copy_from_slice(&d.outbuf[d.out_start..d.out_start + n]);
                d.out_start += n;
                return Ok(n);
            }
            if d.finished {
                return Ok(0);
            }
            if d.start == d.end && !d.eof {
                let n = self.raw.read(&mut d.inbuf)?;
                d.start = 0;
                d.end = n;
                d.eof = n == 0;
            }
            // Decode into our own buffer: encoding_rs needs room for whole characters, and
            // callers may pass any size.
            let (res, read, written, replaced) =
                d.decoder
                    .decode_to_utf8(&d.inbuf[d.start..d.end], &mut d.outbuf, d.eof);
            d.start += read;
            d.out_start = 0;
            d.out_end = written;
            d.replaced |= replaced;
            if d.eof && res == CoderResult::InputEmpty && d.start == d.end {
                d.finished = true;
            }
        }
    }
}

// Header keys (`header_key`, `is_known_key`) are `scrm_model::columns`', shared with the
// templates that write them.
pub(crate) use scrm_model::columns::{header_key, is_known_key};

/// Parses `YYYY-MM-DD` (also `YYYY/MM/DD`, as Excel writes dates in Taiwan), spaces around it
/// trimmed ([`trim_bytes`], which returns at once for a date as typed).
pub(crate) fn parse_date(raw: &str) -> Option<NaiveDate> {
    parse_date10(trim_bytes(raw.as_bytes()).try_into().ok()?)
}

// The date rule itself is `scrm_model::dates`', shared with the templates that write dates.
pub(crate) use scrm_model::dates::{date_digits, date_of_digits, parse_date10};

/// The days a block's rows named, by their digits ([`date_digits`]): evidence dates repeat (a
/// portfolio's span a few years, so a block of fifty thousand rows names each about twenty
/// times), and each costs the calendar's arithmetic in `chrono` otherwise. Direct-mapped, eight
/// bytes a slot (32 KiB in all, so that it stays in the core's first-level cache): the digits
/// packed four bits each as the key, and the day.
pub(crate) struct DateCache {
    slots: Vec<(u32, NaiveDate)>,
}

impl DateCache {
    /// A power of two, a few times the dates a block names.
    const SLOTS: usize = 4096;
    /// The key of an empty slot: digits are below ten, so no packed digits have a nibble of 15.
    const EMPTY: u32 = u32::MAX;

    pub(crate) fn new() -> Self {
        Self {
            slots: vec![(Self::EMPTY, NaiveDate::MIN); Self::SLOTS],
        }
    }

    /// [`parse_date10`], looked up first. Inlined into the row handler, with the calendar
    /// arithmetic of a date not yet cached kept out of line.
    #[inline(always)]
    pub(crate) fn parse(&mut self, b: &[u8; 10]) -> Option<NaiveDate> {
        let w = date_digits(b)?;
        let key = pack_digits(w);
        // Fibonacci hashing: the top 12 bits of the product mix every digit.
        let i = (w.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) as usize;
        // `i` has 12 bits, so a slot is always there; without one the date is simply parsed.
        let Some(slot) = self.slots.get_mut(i) else {
            return date_of_digits(w);
        };
        if slot.0 == key {
            return Some(slot.1);
        }
        let d = date_of_digits(w)?;
        *slot = (key, d);
        Some(d)
    }
}

/// The eight digits of a [`date_digits`] word (a byte each, below ten) packed four bits each
/// into 32, in the same order: two to a byte, then four to sixteen bits, then all eight.
#[inline(always)]
fn pack_digits(w: u64) -> u32 {
    let x = (w | w >> 4) & 0x00FF_00FF_00FF_00FF;
    let x = (x | x >> 8) & 0x0000_FFFF_0000_FFFF;
    (x | x >> 16) as u32
}

/// Whether two short byte strings are equal, without a call to `memcmp`: ids are 4 to 16
/// bytes, compared twice per answer row (with the last row's vendor and the expected next
/// question), where the library call costs more than the comparison. Two overlapping 8-byte
/// (or 4-byte) loads cover any length in range; longer strings use the ordinary comparison.
pub(crate) fn short_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let w8 = |s: &[u8], i: usize| u64::from_ne_bytes(s[i..i + 8].try_into().unwrap_or([0; 8]));
    let w4 = |s: &[u8], i: usize| u32::from_ne_bytes(s[i..i + 4].try_into().unwrap_or([0; 4]));
    match n {
        8..=16 => w8(a, 0) == w8(b, 0) && w8(a, n - 8) == w8(b, n - 8),
        4..=7 => w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4),
        // ISO clause ids such as `4.1`: the first, middle and last bytes are all of them.
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        _ => a == b,
    }
}

/// `str::trim` (Unicode whitespace, such as the ideographic space of CJK input) on the bytes of
/// UTF-8 text, such as a field of a block already checked (the long CSV reader keeps fields as
/// bytes, where making each a `&str` costs a check at both ends). Returns at once when the
/// field is empty or starts and ends with a visible ASCII character, as nearly every id,
/// answer and date does: the reader trims several fields of every row.
#[inline]
pub(crate) fn trim_bytes(b: &[u8]) -> &[u8] {
    if nothing_to_trim(b) {
        return b;
    }
    trim_slow(b)
}

/// `str::trim`, returning at once as [`trim_bytes`] does (a profile file's cells are trimmed
/// several times each).
#[inline]
pub(crate) fn trim_str(s: &str) -> &str {
    if nothing_to_trim(s.as_bytes()) {
        return s;
    }
    s.trim()
}

/// Whether UTF-8 text is empty or starts and ends with a visible ASCII character, so that
/// trimming leaves it as it is. Empty and visible-at-both-ends are one case, tested without a
/// branch on which: whether a field is empty (evidence, dates) is random row to row, and a
/// mispredicted branch costs more than the rest of the test.
#[inline(always)]
fn nothing_to_trim(b: &[u8]) -> bool {
    let graphic = |c: Option<&u8>| c.is_none_or(u8::is_ascii_graphic);
    graphic(b.first()) & graphic(b.last())
}

#[cold]
fn trim_slow(b: &[u8]) -> &[u8] {
    match std::str::from_utf8(b) {
        Ok(s) => s.trim().as_bytes(),
        Err(_) => b.trim_ascii(),
    }
}

/// The text of bytes that are UTF-8 (fields of a checked block), lossy should they not be:
/// for the rare moments the reader needs a field as text (a vendor or question seen for the
/// first time in a block, a problem to report).
pub(crate) fn lossy(b: &[u8]) -> std::borrow::Cow<'_, str> {
    // `from_utf8` checks ASCII a word at a time; the lossy reader goes byte by byte.
    match std::str::from_utf8(b) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(b),
    }
}

/// Untrusted text made safe for a terminal: control characters (escape sequences, carriage
/// returns, bidi overrides) are shown as `\u{..}` escapes.
pub(crate) fn escape_control(s: &str) -> String {
    scrm_model::safe::escape_controls(s, false).into_owned()
}

/// A value short enough to quote in a message: long fields are cut, with their size noted.
pub(crate) fn shown(raw: &str) -> String {
    const MAX: usize = 120;
    if raw.len() <= MAX {
        return raw.to_string();
    }
    let mut cut = MAX;
    while !raw.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… ({} bytes)", &raw[..cut], raw.len())
}

/// The closest of `candidates` to `raw`, if it is close enough to suggest.
pub(crate) fn did_you_mean<'c>(raw: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let f = fold(raw);
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(&f, &fold(c)), *c))
        .filter(|(s, _)| *s >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Each digit word packs to its digits as hexadecimal nibbles (so no two words share a
    /// key, and none is the empty slot's).
    #[test]
    fn packed_digits_are_the_digits() {
        for t in [
            "0000-00-00",
            "1999-12-31",
            "2025/06/30",
            "9999-99-99",
            "2024-02-29",
        ] {
            let b: [u8; 10] = t.as_bytes().try_into().unwrap_or([0; 10]);
            let w = date_digits(&b).unwrap_or(u64::MAX);
            let digits: String = t.chars().filter(char::is_ascii_digit).collect();
            // The first digit in the lowest nibble: the hexadecimal read backwards.
            let hex: String = format!("{:08x}", pack_digits(w)).chars().rev().collect();
            assert_eq!(hex, digits, "{t}");
            assert_ne!(pack_digits(w), DateCache::EMPTY);
        }
    }

    /// The cache gives what `parse_date10` gives, on first sight and again, for real and
    /// impossible days, both separators and texts that are no date, whatever shares a slot.
    #[test]
    fn date_cache_reads_as_parse_date10() {
        let mut cache = DateCache::new();
        let mut texts: Vec<String> = Vec::new();
        for y in [0, 1999, 2000, 2024, 2025, 2100, 9999] {
            for m in 0..=13 {
                for d in 0..=32 {
                    texts.push(format!("{y:04}-{m:02}-{d:02}"));
                    texts.push(format!("{y:04}/{m:02}/{d:02}"));
                }
            }
        }
        texts.extend(
            [
                "2025-01-3a",
                "2025-01/31",
                "2025.01.31",
                "20250131xx",
                "2025-1-310",
            ]
            .map(String::from),
        );
        for _ in 0..2 {
            for t in &texts {
                let b: [u8; 10] = t.as_bytes().try_into().unwrap_or([0; 10]);
                assert_eq!(cache.parse(&b), parse_date10(&b), "{t}");
            }
        }
    }

    /// Equal exactly when the slices are, at every length around the load widths.
    #[test]
    fn short_eq_is_slice_equality() {
        let base: Vec<u8> = (0u8..40).map(|i| b'A' + i % 26).collect();
        for n in 0..=24 {
            let a = &base[..n];
            assert!(short_eq(a, a), "{n}");
            for k in 0..n {
                let mut b = a.to_vec();
                b[k] ^= 0x20;
                assert!(!short_eq(a, &b), "{n} differs at {k}");
            }
            assert!(!short_eq(a, &base[..n + 1]), "{n} vs longer");
        }
    }

    #[test]
    fn trim_bytes_is_str_trim() {
        for t in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{3000}GV-1.1\u{3000}",
            "GV-1.1",
            "x\t",
            "\u{a0}x",
            "x\u{85}",
            "é",
            " é ",
            "\r\n",
            "a b",
        ] {
            assert_eq!(trim_bytes(t.as_bytes()), t.trim().as_bytes(), "{t:?}");
            assert_eq!(trim_str(t), t.trim(), "{t:?}");
        }
    }

    proptest::proptest! {
        /// `trim_str` is `str::trim` on any text, ASCII and Unicode whitespace included.
        #[test]
        fn trim_str_is_str_trim(t in "[ \\t\\r\\n\u{a0}\u{3000}\u{85}a-zé,]{0,8}") {
            proptest::prop_assert_eq!(trim_str(&t), t.trim());
        }
    }

    #[test]
    fn header_keys_from_localized_labels() {
        let got: Vec<String> = [
            "回答 (answer)",
            "Question ID (question_id)",
            "  Vendor ID ",
            "證據日期（evidence_date）",
            "Notes (internal)",
            "GV-1.1",
        ]
        .iter()
        .map(|s| header_key(s))
        .collect();
        assert_eq!(
            got,
            [
                "answer",
                "question_id",
                "vendor_id",
                "evidence_date",
                "notes_(internal)",
                "gv_1.1"
            ]
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2025-02-28"),
            NaiveDate::from_ymd_opt(2025, 2, 28)
        );
        assert_eq!(
            parse_date("2025/02/28"),
            NaiveDate::from_ymd_opt(2025, 2, 28)
        );
        for bad in [
            "2025-02-30",
            "28/02/2025",
            "2025-2-8",
            "20250228",
            "2025-02-28x",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    /// The digit-at-once reader agrees with reading each number digit by digit, on texts
    /// built from digits, separators and the bytes around '0' and '9'.
    #[test]
    fn dates_read_like_digit_by_digit() {
        fn by_digit(raw: &str) -> Option<NaiveDate> {
            let b = raw.trim().as_bytes();
            if b.len() != 10 || !(b[4] == b'-' && b[7] == b'-' || b[4] == b'/' && b[7] == b'/') {
                return None;
            }
            let num = |r: std::ops::Range<usize>| -> Option<u32> {
                b[r].iter().try_fold(0u32, |acc, c| {
                    c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
                })
            };
            let y = i32::try_from(num(0..4)?).ok()?;
            NaiveDate::from_ymd_opt(y, num(5..7)?, num(8..10)?)
        }
        let mut runner = proptest::test_runner::TestRunner::default();
        let alphabet = proptest::sample::select(vec![
            '0', '1', '2', '3', '9', '/', '-', ':', ' ', '\u{3000}', 'x',
        ]);
        let texts = proptest::collection::vec(alphabet, 8..13)
            .prop_map(|v| v.into_iter().collect::<String>());
        let dated =
            (1u32..3000, 0u32..14, 0u32..33, proptest::bool::ANY).prop_map(|(y, m, d, s)| {
                let sep = if s { '-' } else { '/' };
                format!("{y:04}{sep}{m:02}{sep}{d:02}")
            });
        runner
            .run(&prop_oneof![texts, dated], |t| {
                prop_assert_eq!(parse_date(&t), by_digit(&t), "{:?}", t);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            escape_control("ok\u{1b}[31mred\r\n\u{202e}"),
            "ok\\u{1b}[31mred\\u{d}\\u{a}\\u{202e}"
        );
    }

    /// A UTF-8 file with a bad byte or two stays UTF-8 (the bytes then reject their rows); text
    /// in Big5, Shift_JIS, GBK, EUC-KR or windows-1252 is still told by `chardetng`, and said
    /// to be a guess.
    #[test]
    fn a_few_bad_bytes_leave_utf8_text_utf8() {
        let mut rows = String::from("vendor_id,name,country\n");
        for i in 0..20 {
            rows.push_str(&format!("E{i},台灣人工智慧科技股份有限公司{i},TW\n"));
        }
        let utf8 = |s: &[u8]| detect_encoding(s, None);
        let mut one_bad = rows.clone().into_bytes();
        let at = rows.find("公司5").unwrap_or_default();
        // `公` (E5 85 AC) cut short: a lone lead and continuation byte.
        one_bad.splice(at..at + 3, [0xE5, 0x85]);
        assert_eq!(utf8(&one_bad), detect_encoding(rows.as_bytes(), None));
        assert_eq!(utf8(&one_bad).enc, TextEncoding::Utf8 { bom: 0 });
        // A row pasted from a Big5 file is rejected, not the rest of the file garbled.
        let (big5_row, _, _) = encoding_rs::BIG5.encode("E99,台灣人工智慧科技股份有限公司,TW\n");
        let mut pasted = rows.clone().into_bytes();
        pasted.extend_from_slice(&big5_row);
        assert_eq!(utf8(&pasted).enc, TextEncoding::Utf8 { bom: 0 });
        for enc in [
            encoding_rs::BIG5,
            encoding_rs::SHIFT_JIS,
            encoding_rs::GBK,
            encoding_rs::EUC_KR,
            encoding_rs::WINDOWS_1252,
        ] {
            let text = match enc.name() {
                "Shift_JIS" => {
                    "vendor_id,name\nJ1,株式会社テスト東京都千代田区人工知能のリスク管理\n"
                        .repeat(8)
                }
                "EUC-KR" => {
                    "vendor_id,name\nK1,인공지능 위험 관리 설문지에 대한 답변입니다\n".repeat(8)
                }
                "windows-1252" => "vendor_id,name\nF1,Société Générale, Zürich, façade\n".repeat(8),
                _ => rows.clone(),
            };
            let (bytes, _, _) = enc.encode(&text);
            assert_eq!(
                utf8(&bytes),
                Detected {
                    enc: TextEncoding::Legacy(enc),
                    guessed: true
                },
                "{}",
                enc.name()
            );
        }
        // Too few characters past ASCII to tell: `chardetng` decides.
        assert!(!mostly_utf8("a,b\n是,\u{e9}\n".as_bytes()));
    }

    #[test]
    fn utf16_and_utf8_detection() {
        let le: Vec<u8> = "vendor_id,answer\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(
            detect_encoding(&le, None).enc,
            TextEncoding::Legacy(encoding_rs::UTF_16LE)
        );
        assert_eq!(
            detect_encoding("a,b\n是".as_bytes(), None).enc,
            TextEncoding::Utf8 { bom: 0 }
        );
        assert_eq!(
            detect_encoding(b"\xEF\xBB\xBFa,b", None).enc,
            TextEncoding::Utf8 { bom: 3 }
        );
    }
}
