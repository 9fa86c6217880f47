//! Walking the CSV records of a UTF-8 block as `csv` reads them, for every reader that cuts
//! blocks (the answers, and profile and other tables): a line with no quote and no carriage
//! return but its end is cut where it lies ([`Cursor`]), and any other record (quotes, a
//! carriage return inside a line, more delimiters than the cursor collects) is read by
//! `csv_core`, with the rules the `csv` crate applies. Records, fields and line numbers are
//! those of `csv` (the readers' proptests hold them to it).

use crate::scan::{Bounds, Cursor, MAX_DELIMS};
use crate::text::lossy;
use std::cell::RefCell;

/// A block as text to cut in place ([`walk`]): `None` when it is not UTF-8, or when the
/// delimiter is outside ASCII and could cut a character in two. Such blocks go through `csv`,
/// which checks each field's encoding.
pub(crate) fn text_to_cut(block: &[u8], delim: u8) -> Option<&str> {
    simdutf8::basic::from_utf8(block)
        .ok()
        .filter(|_| delim.is_ascii())
}

thread_local! {
    /// The thread's reader of quoted records, with its delimiter, reused from block to block
    /// (reset first): building one costs about 270,000 instructions (its tables), and a file has
    /// a block for every 2 MiB of answers or 64 KiB of a profile table. (Not cloned from one made
    /// per file: `csv_core`'s `Clone` leaves most of the tables behind.)
    static READER: RefCell<Option<(u8, csv_core::Reader)>> = const { RefCell::new(None) };
}

/// A reader of quoted records for `delim`: the thread's, reset, when it has one for it.
fn take_reader(delim: u8) -> csv_core::Reader {
    match READER.try_with(RefCell::take) {
        Ok(Some((d, mut core))) if d == delim => {
            core.reset();
            core
        }
        _ => csv_core::ReaderBuilder::new().delimiter(delim).build(),
    }
}

/// Keeps `core` as the thread's reader for the next block (not when the thread is going away).
fn keep_reader(delim: u8, core: csv_core::Reader) {
    let _ = READER.try_with(|r| r.replace(Some((delim, core))));
}

/// A line cut where it lies: `bounds` holds its start less one, its delimiters' positions and
/// its end, so that field `i` lies between bounds `i` and `i + 1`.
#[derive(Clone, Copy)]
pub(crate) struct Line<'a> {
    text: &'a str,
    bounds: &'a [usize],
}

impl<'a> Line<'a> {
    /// How many fields.
    pub(crate) fn count(&self) -> usize {
        self.bounds.len().saturating_sub(1)
    }

    /// Field `i` (empty past the last).
    #[inline]
    pub(crate) fn field(&self, i: usize) -> &'a [u8] {
        // Two lookups rather than a range of two: the range's overflow check cost more.
        match (self.bounds.get(i), self.bounds.get(i.wrapping_add(1))) {
            // The first bound is the line's start less one (wrapping at a block's start).
            (Some(&a), Some(&b)) => self
                .text
                .as_bytes()
                .get(a.wrapping_add(1)..b)
                .unwrap_or(b""),
            _ => b"",
        }
    }

    /// Field `i` as text: cut at ASCII bytes of UTF-8 text, it is whole characters.
    pub(crate) fn text(&self, i: usize) -> &'a str {
        match self.bounds.get(i..i + 2) {
            Some(&[a, b]) => self.text.get(a.wrapping_add(1)..b).unwrap_or(""),
            _ => "",
        }
    }

    /// The bytes of its fields, delimiters left out.
    pub(crate) fn len_bytes(&self) -> usize {
        match (self.bounds.first(), self.bounds.last()) {
            (Some(&a), Some(&b)) => b
                .wrapping_sub(a.wrapping_add(1))
                .saturating_sub(self.count().saturating_sub(1)),
            _ => 0,
        }
    }
}

/// A record as [`walk`] hands it over.
pub(crate) enum Record<'a> {
    /// A line cut where it lies.
    Line(Line<'a>),
    /// A record `csv_core` read.
    Quoted(&'a QuotedRecord),
}

/// Hands each record of a UTF-8 block to `f` with the line it starts on (1-based within the
/// block: `csv` counts line feeds); `f` returns `false` to stop. Gives the number of line feeds
/// in the block, or `None` when `f` stopped it. The callers mark `f` `#[inline(always)]`: the
/// answers' row handler is then compiled into this loop, its state kept in registers (as a
/// closure called once a row, it cost 60 instructions a row more).
#[inline(always)]
pub(crate) fn walk(
    text: &str,
    delim: u8,
    mut f: impl FnMut(u64, Record<'_>) -> bool,
) -> Option<u64> {
    let bytes = text.as_bytes();
    let mut cursor = Cursor::new(bytes, delim);
    // Given back at the end (a walk stopped early, at the row limit, leaves it to be dropped).
    let mut core = take_reader(delim);
    let mut bounds: Bounds = [0; MAX_DELIMS + 2];
    let mut quoted = QuotedRecord::default();
    let mut pos = 0;
    // Line number (1-based, within the block) of `pos`.
    let mut line = 1u64;
    // Line feeds passed (`line` also counts a carriage return that ends the block).
    let mut newlines = 0u64;
    while pos < bytes.len() {
        // The line's delimiters, up to its first quote, CR or LF ([`Cursor::line`]): lines are
        // short (about 40 bytes in an export), and a plain one ends at a line feed (or a
        // carriage return before one, or the block's end).
        let mut n = 0;
        let end = cursor
            .line(&mut bounds, &mut n)
            .filter(|&e| match bytes.get(e) {
                None | Some(b'\n') => true,
                // A carriage return ending the line (or the block) is its line end, as `csv`
                // has it.
                Some(b'\r') => matches!(bytes.get(e + 1), None | Some(b'\n')),
                _ => false,
            });
        let Some(end) = end else {
            // Line ends before the record (empty records) are skipped, as `csv` does, so that
            // the record's line is where its first field is.
            if matches!(bytes[pos], b'\r' | b'\n') {
                let lf = u64::from(bytes[pos] == b'\n');
                line += lf;
                newlines += lf;
                pos += 1;
                cursor.seek(pos);
                continue;
            }
            let used = quoted.read(&mut core, &bytes[pos..]);
            if !quoted.fields.is_empty() && !f(line, Record::Quoted(&quoted)) {
                return None;
            }
            let lfs = memchr::memchr_iter(b'\n', &bytes[pos..pos + used]).count() as u64;
            line += lfs;
            newlines += lfs;
            pos += used.max(1);
            cursor.seek(pos);
            continue;
        };
        // An empty line is no record (as in `csv`).
        if end > pos {
            bounds[0] = pos.wrapping_sub(1);
            bounds[n + 1] = end;
            let cut = Line {
                text,
                bounds: &bounds[..n + 2],
            };
            if !f(line, Record::Line(cut)) {
                return None;
            }
        }
        // Past the line end: `\n`, or `\r\n`, or a `\r` that ends the block.
        pos = end + 1;
        let lf = match bytes.get(end) {
            Some(b'\r') if bytes.get(pos) == Some(&b'\n') => {
                pos += 1;
                cursor.seek(pos);
                true
            }
            Some(b) => *b == b'\n',
            None => false,
        };
        newlines += u64::from(lf);
        line += 1;
    }
    keep_reader(delim, core);
    Some(newlines)
}

/// One record parsed by `csv_core` (quoted fields, carriage returns), its buffers reused.
#[derive(Default)]
pub(crate) struct QuotedRecord {
    buf: Vec<u8>,
    ends: Vec<usize>,
    /// Each field's range in `text`; empty when the bytes read held no record.
    pub(crate) fields: Vec<(usize, usize)>,
    /// The record's unescaped text.
    pub(crate) text: String,
}

impl QuotedRecord {
    /// Reads one record from the start of `input` (which starts a record); returns the bytes
    /// used. At the end of `input` the record ends too: a block holds whole records.
    fn read(&mut self, core: &mut csv_core::Reader, input: &[u8]) -> usize {
        use csv_core::ReadRecordResult as R;
        if self.buf.is_empty() {
            self.buf.resize(4096, 0);
            self.ends.resize(64, 0);
        }
        self.fields.clear();
        let (mut used, mut nout, mut nend) = (0, 0, 0);
        loop {
            // Once `input` is used up, the empty rest tells `csv_core` that the input ended.
            let (res, i, o, e) = core.read_record(
                &input[used..],
                &mut self.buf[nout..],
                &mut self.ends[nend..],
            );
            used += i;
            nout += o;
            nend += e;
            match res {
                R::Record => break,
                R::End => return used,
                R::InputEmpty => {}
                R::OutputFull => {
                    let n = self.buf.len() * 2;
                    self.buf.resize(n, 0);
                }
                R::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
            }
        }
        // The unescaped bytes of a UTF-8 block cut at ASCII delimiters are UTF-8.
        self.text.clear();
        self.text.push_str(&lossy(&self.buf[..nout]));
        let mut start = 0;
        for &end in &self.ends[..nend] {
            self.fields.push((start, end));
            start = end;
        }
        used
    }

    /// The fields as bytes.
    pub(crate) fn fields(&self) -> Vec<&[u8]> {
        self.fields
            .iter()
            .map(|&(a, b)| self.text.as_bytes().get(a..b).unwrap_or(b""))
            .collect()
    }
}

impl QuotedRecord {
    /// The fields as text.
    pub(crate) fn cells(&self) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .map(|&(a, b)| self.text.get(a..b).unwrap_or(""))
    }
}
