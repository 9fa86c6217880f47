//! Reading one CSV (or TSV/TXT) file: encoding, delimiter, header, then the reader its header
//! calls for.

use crate::ProblemCode;
use crate::collector::{Collector, Layer};
use crate::long::{LongCtx, read_long_csv};
use crate::profiles::{Apply, Checked, ProfileCols};
use crate::records::{self, Record};
use crate::split::{Piece, Splitter, Unclosed, header_reader, sniff_delimiter, unclosed_quote};
use crate::table::{
    Header, Row, RowSource, SourceStop, TableKind, classify, long_cols, read_exclusions, read_wide,
    report_stop,
};
use crate::text::{Detected, SAMPLE_BYTES, TextEncoding, Utf8Source, detect_encoding, trim_str};
use crate::validate::Issue;
use rayon::prelude::*;
use scrm_model::lines::RecordLines;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;

/// What the caller wants a CSV file to be read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CsvRole {
    /// Any kind, judged by the header (responses, or supplier-declared profiles).
    Input,
    /// The buyer's profile file.
    BuyerProfiles,
    /// The exclusions file.
    Exclusions,
}

/// Blocks of a buyer's profile file (see [`read_profiles_csv`]).
const PROFILE_BLOCK: usize = 64 * 1024;

type Src = Utf8Source<std::io::Chain<Cursor<Vec<u8>>, File>>;

/// Work to run before the first vendor of a long CSV is finished: reading the buyer's profile
/// and exclusion files, which the long reader overlaps with reading and parsing its first
/// blocks (even when the file has no rows after its header). Any other kind of file leaves it
/// to the caller, to run once the file is read: the buyer's files then come after the input's,
/// as they do when nothing is finished early (an exclusion list read as the input, then the
/// buyer's, lists its entries in that order either way).
pub(crate) type BeforeRows<'h, 'a> = Option<Box<dyn FnOnce(&mut Collector<'a>) + Send + 'h>>;

/// Reads one CSV file into the collector. Problems are recorded; nothing is returned.
pub(crate) fn read_csv_file(col: &mut Collector, path: &Path, display: String, role: CsvRole) {
    let part = col.new_file(display, "csv");
    read_csv_part(col, part, path, role, &mut None);
}

/// Reads one CSV file into a part already registered for it (so that a caller can register
/// files in input order yet read them in another). `before` runs before its first row is
/// applied by the long reader (see [`BeforeRows`]); any other kind of file, or a long file
/// with no rows to read, leaves it in place for the caller.
pub(crate) fn read_csv_part<'a>(
    col: &mut Collector<'a>,
    part: u32,
    path: &Path,
    role: CsvRole,
    before: &mut BeforeRows<'_, 'a>,
) {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return unreadable(col, part, &e.to_string()),
    };
    let mut sample = Vec::with_capacity(SAMPLE_BYTES);
    if let Err(e) = (&mut file)
        .take(SAMPLE_BYTES as u64)
        .read_to_end(&mut sample)
    {
        return unreadable(col, part, &e.to_string());
    }
    if sample.is_empty() {
        col.file_of(part).digest = col.opts.input_digest.hex_of(&[]);
        empty(col, part, "the file is empty");
        return;
    }
    let enc = encoding_of(col, part, &sample);
    // The size lets a profile file reserve its memory at once (see `reserve_profiles`).
    let file_len = file.metadata().map_or(0, |m| m.len());
    let src = Utf8Source::new(Cursor::new(sample).chain(file), enc, col.opts.input_digest);
    let limits = col.opts.limits;
    // One record may hold several maximal fields; past this, the file is not CSV we can use.
    let cap = (limits.max_field_bytes.saturating_mul(64)).saturating_add(1 << 20);
    let mut splitter = Splitter::new(src, col.opts.chunk_bytes, cap);
    read_with_splitter(col, part, &mut splitter, role, file_len, before);
    match splitter.into_inner().finish() {
        Ok((sha, replaced)) => {
            col.file_of(part).digest = sha;
            if replaced {
                encoding_replaced(col, part, enc);
            }
        }
        Err(e) => unreadable(col, part, &e.to_string()),
    }
}

/// Records the digest of a file scrm does not read here, and why it is not loaded.
pub(crate) fn unsupported(
    col: &mut Collector,
    part: u32,
    path: &Path,
    message: String,
    help: String,
) {
    if let Ok(bytes) = std::fs::read(path) {
        col.file_of(part).digest = col.opts.input_digest.hex_of(&bytes);
    }
    col.issue(
        part,
        None,
        Issue::new(ProblemCode::UnsupportedFile, None, None, message).help(help),
    );
}

/// The encoding of a file whose first bytes are `sample` ([`detect_encoding`]); a legacy
/// encoding that was guessed is reported (`encoding-guessed`, a warning), named: a wrong guess
/// garbles every text of the file with nothing else to show for it.
pub(crate) fn encoding_of(col: &mut Collector, part: u32, sample: &[u8]) -> TextEncoding {
    let Detected { enc, guessed } = detect_encoding(sample, col.opts.encoding);
    if let TextEncoding::Legacy(e) = enc {
        tracing::debug!(file = ?col.files[col.parts[part as usize].file as usize].path, encoding = e.name(), guessed, "transcoding");
    }
    if guessed {
        let name = enc.name();
        col.issue(
            part,
            None,
            Issue::new(
                ProblemCode::EncodingGuessed,
                None,
                Some(name),
                format!(
                    "the file is not UTF-8 and has no byte order mark: its encoding was guessed, and its text read as {name}"
                ),
            )
            .help(format!(
                "if its text reads garbled, save the file as UTF-8; if {name} is right, name it with the encoding option ({}) to say so",
                name.to_ascii_lowercase()
            )),
        );
    }
    enc
}

/// Says that some bytes of a legacy-encoded file could not be decoded and were replaced.
pub(crate) fn encoding_replaced(col: &mut Collector, part: u32, enc: TextEncoding) {
    col.issue(
        part,
        None,
        Issue::new(
            ProblemCode::EncodingReplaced,
            None,
            None,
            format!(
                "some bytes are not valid {} and were replaced by U+FFFD",
                enc.name()
            ),
        )
        .help("check the file's encoding, or name it with the encoding option"),
    );
}

/// Marks a file as empty and says why (no bytes, no header).
pub(crate) fn empty(col: &mut Collector, part: u32, why: &str) {
    col.file_of(part).kind = "empty";
    col.issue(
        part,
        None,
        Issue::new(ProblemCode::EmptyFile, None, None, why.to_string()),
    );
}

pub(crate) fn unreadable(col: &mut Collector, part: u32, why: &str) {
    col.issue(
        part,
        None,
        Issue::new(
            ProblemCode::UnreadableFile,
            None,
            None,
            format!("the file cannot be read: {why}"),
        ),
    );
}

fn read_with_splitter<'a>(
    col: &mut Collector<'a>,
    part: u32,
    splitter: &mut Splitter<Src>,
    role: CsvRole,
    file_len: u64,
    before: &mut BeforeRows<'_, 'a>,
) {
    let delim = match splitter.peek_head() {
        Ok(h) => col.opts.delimiter.unwrap_or_else(|| sniff_delimiter(h)),
        Err(e) => return unreadable(col, part, &e.to_string()),
    };
    let (head, eof) = match splitter.peek_record(delim) {
        Ok(h) => h,
        Err(e) => return unreadable(col, part, &e.to_string()),
    };
    // Rows in the file, estimated from the lines in the first block (the header included).
    let est_rows = if head.is_empty() {
        0
    } else {
        let lines = memchr::memchr_iter(b'\n', head).count().max(1) as u64;
        let est = file_len.saturating_mul(lines) / head.len() as u64;
        // An eighth more: a guess a little short would double every vector at the very end.
        usize::try_from(est.saturating_add(est / 8).saturating_add(16)).unwrap_or(0)
    };
    // A header whose quote is never closed would take in the whole file as one header cell.
    if eof
        && let Some(open) = unclosed_quote(head, delim)
        && head[..open.start]
            .iter()
            .all(|b| matches!(b, b'\r' | b'\n'))
    {
        let line = 1 + memchr::memchr_iter(b'\n', &head[..open.quote]).count() as u64;
        let end = memchr::memchr2(b'\r', b'\n', &head[open.quote..])
            .map_or(head.len(), |k| open.quote + k);
        let value = String::from_utf8_lossy(&head[open.quote..end]);
        let i = Issue::new(
            ProblemCode::UnclosedQuote,
            None,
            Some(&value),
            format!("the quote that opens header cell {} (line {line}) is never closed; the file is not loaded", open.field + 1),
        )
        .help("close the quoted header cell with a quote");
        col.issue(part, Some(1), i);
        return;
    }
    let mut rdr = header_reader(head, delim);
    let mut rec = csv::ByteRecord::new();
    if !matches!(rdr.read_byte_record(&mut rec), Ok(true)) {
        empty(col, part, "the file has no header");
        return;
    }
    let consumed = rdr.position().byte() as usize;
    let next_line = rdr.position().line();
    let mut raw = Vec::with_capacity(rec.len());
    for f in rec.iter() {
        match std::str::from_utf8(f) {
            Ok(s) => raw.push(s.to_string()),
            Err(_) => {
                let lossy = String::from_utf8_lossy(f).into_owned();
                col.issue(part, Some(1), crate::validate::bad_encoding(&None, &lossy));
                return;
            }
        }
    }
    splitter.consume(consumed);
    splitter.set_delimiter(delim);
    let header = Header::new(raw, 1, false);
    col.parts[part as usize].labels = header.labels.clone();
    if !crate::table::within_columns(col, part, &header) {
        return;
    }
    let kind = match role {
        CsvRole::Input => classify(&header, col),
        CsvRole::BuyerProfiles => TableKind::Profiles,
        CsvRole::Exclusions => TableKind::Exclusions,
    };
    col.file_of(part).kind = kind.name(true);
    let mut rows = CsvRows {
        splitter,
        delim,
        next_line,
        width: header.width(),
        len: header.raw.len(),
        labels: &header.labels,
        queue: VecDeque::new(),
    };
    match kind {
        TableKind::Long => {
            let Some(cols) = long_cols(col, part, &header, true) else {
                return;
            };
            let ctx = LongCtx::new(&header, cols, delim, part, col.opts.limits, col.lookup);
            read_long_csv(col, &ctx, rows.splitter, next_line, before.take());
        }
        TableKind::Wide => read_wide(col, part, &header, &mut rows),
        TableKind::Profiles => {
            let per_row = header.raw.len() * crate::packed::FIELD_OVERHEAD;
            let bytes = usize::try_from(file_len)
                .unwrap_or(usize::MAX)
                .saturating_add(est_rows.saturating_mul(per_row));
            col.reserve_profiles(est_rows, bytes);
            let layer = if role == CsvRole::BuyerProfiles {
                Layer::Buyer
            } else {
                Layer::Supplier
            };
            read_profiles_csv(col, part, &header, layer, rows);
        }
        TableKind::Exclusions => read_exclusions(col, part, &header, &mut rows),
        TableKind::Unknown => {
            col.issue(
                part,
                Some(1),
                Issue::new(
                    ProblemCode::MissingColumn,
                    None,
                    None,
                    "the header has neither a 'vendor_id' nor a 'question_id' column; the file is not loaded".to_string(),
                )
                .help("responses need vendor_id (and question_id for one answer per row); see docs/formats.md"),
            );
        }
    }
}

/// Rows of a CSV file, block by block, for the sequential readers.
struct CsvRows<'s, R> {
    splitter: &'s mut Splitter<R>,
    delim: u8,
    next_line: u64,
    width: usize,
    len: usize,
    /// The header's labels, to locate a quote left open in any column.
    labels: &'s [String],
    queue: VecDeque<Row>,
}

impl<R: Read> RowSource for CsvRows<'_, R> {
    fn next_row(&mut self) -> Option<Result<Row, SourceStop>> {
        loop {
            if let Some(r) = self.queue.pop_front() {
                return Some(Ok(r));
            }
            match self.splitter.next_piece()? {
                Piece::Block(b) => {
                    self.parse(&b);
                    self.splitter.recycle(b);
                }
                Piece::Oversize { bytes } => {
                    return Some(Err(SourceStop::Oversize {
                        line: self.next_line,
                        bytes,
                    }));
                }
                Piece::Io(e) => return Some(Err(SourceStop::Io(e.to_string()))),
                Piece::Unclosed(u) => {
                    let (delim, width) = (self.delim, (self.width, self.len));
                    self.queue
                        .extend(unclosed_row(&u, delim, width, self.labels, self.next_line));
                    self.next_line += u.newlines();
                }
            }
        }
    }
}

/// The row of a record whose quote is never closed, starting on `line`: its cells as `csv`
/// reads them (the open field running to the end of the quote's line, line end left out),
/// flagged so that it is rejected (`unclosed-quote`) whatever else its cells hold.
fn unclosed_row(
    u: &Unclosed,
    delim: u8,
    width: (usize, usize),
    labels: &[String],
    line: u64,
) -> Option<Row> {
    let mut row = None;
    block_rows(u.as_written(), delim, width, |r| row = Some(r));
    let mut row = row?;
    let col = labels.get(u.field).map(|l| (u.field as u32, l.clone()));
    row.line = line;
    // Its fields are the open quote's doing: their number says nothing more.
    row.width = None;
    row.unclosed = Some(crate::validate::unclosed_quote(
        u,
        col,
        line + u.quote_lines(),
    ));
    Some(row)
}

impl<R> CsvRows<'_, R> {
    fn parse(&mut self, block: &[u8]) {
        let off = self.next_line - 1;
        let queue = &mut self.queue;
        self.next_line += block_rows(block, self.delim, (self.width, self.len), |mut row| {
            row.line += off;
            queue.push_back(row);
        });
    }
}

/// The rows of a block of whole records, numbered from the block's first line (1), in order;
/// gives the block's line feeds. `width` is the header's width and length, for the
/// unequal-fields check.
///
/// A block that is UTF-8 (nearly every one: other encodings are transcoded before blocks are
/// cut) is walked as the answers are ([`records::walk`]: lines cut where they lie, `csv_core`
/// for quoted ones), each row's cells copied once into a record made to size. Other blocks go
/// through `csv`, whose cells are checked one by one.
fn block_rows(block: &[u8], delim: u8, width: (usize, usize), mut f: impl FnMut(Row)) -> u64 {
    match records::text_to_cut(block, delim) {
        // Every record is taken (`f` never stops the walk), so the count is the whole block's.
        Some(text) => str_block_rows(text, delim, width, &mut f).unwrap_or(0),
        None => {
            csv_block_rows(block, delim, width, &mut f);
            memchr::memchr_iter(b'\n', block).count() as u64
        }
    }
}

/// [`block_rows`] of a UTF-8 block ([`records::walk`]: the records and line numbers of `csv`);
/// gives its line feeds.
fn str_block_rows(
    text: &str,
    delim: u8,
    width: (usize, usize),
    f: &mut impl FnMut(Row),
) -> Option<u64> {
    records::walk(
        text,
        delim,
        #[inline(always)]
        |line, rec| {
            let cells = match rec {
                Record::Line(cut) => {
                    let mut cells = csv::StringRecord::with_capacity(cut.len_bytes(), cut.count());
                    for i in 0..cut.count() {
                        cells.push_field(cut.text(i));
                    }
                    cells
                }
                Record::Quoted(q) => {
                    let mut cells = csv::StringRecord::with_capacity(q.text.len(), q.fields.len());
                    for cell in q.cells() {
                        cells.push_field(cell);
                    }
                    cells
                }
            };
            finish_row(line, cells, Vec::new(), width, f);
            true
        },
    )
}

/// [`block_rows`] through `csv`, for a block that is not UTF-8 (or a delimiter outside ASCII).
fn csv_block_rows(block: &[u8], delim: u8, width: (usize, usize), f: &mut impl FnMut(Row)) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(block);
    let mut rec = csv::ByteRecord::new();
    let mut lines = RecordLines::new();
    while let Ok(true) = rdr.read_byte_record(&mut rec) {
        let line = lines.line(block, rec.position().map(csv::Position::byte));
        // The record's text checked in one go; cell by cell only when some byte is not UTF-8
        // (those cells are then shown lossily, by `csv`, and reported).
        let (cells, bad_utf8) = match csv::StringRecord::from_byte_record(rec.clone()) {
            Ok(cells) => (cells, Vec::new()),
            Err(e) => {
                let rec = e.into_byte_record();
                let bad = (0..rec.len())
                    .filter(|&i| std::str::from_utf8(&rec[i]).is_err())
                    .collect();
                (csv::StringRecord::from_byte_record_lossy(rec), bad)
            }
        };
        finish_row(line, cells, bad_utf8, width, f);
    }
}

/// Hands on a record as a row, flagged when it has too few fields or non-blank ones past the
/// header.
fn finish_row(
    line: u64,
    cells: csv::StringRecord,
    bad_utf8: Vec<usize>,
    (width, len): (usize, usize),
    f: &mut impl FnMut(Row),
) {
    let mut row = Row {
        line,
        cells,
        bad_utf8,
        width: None,
        unclosed: None,
    };
    let n = row.cells.len();
    let past = row.cells.iter().skip(len).any(|c| !trim_str(c).is_empty());
    if !row.is_blank() && (n < width || past) {
        row.width = Some((n, width));
    }
    f(row);
}

/// What one batch of a profile file's pieces gave: each block's (or record's whose quote is
/// never closed) checked rows, newlines and encoded fields ([`ProfileCols::encode`]), then why
/// reading stopped, if it did.
struct ProfileBatch {
    blocks: Vec<(Vec<Checked>, u64, Vec<u8>)>,
    stop: Option<Piece>,
}

/// Reads a profile file in batches of blocks whose rows are checked in parallel, each batch
/// applied to the run in order while the next is read and checked.
fn read_profiles_csv<R: Read + Send>(
    col: &mut Collector,
    part: u32,
    header: &Header,
    layer: Layer,
    rows: CsvRows<'_, R>,
) {
    let Some(cols) = ProfileCols::new(col, part, header) else {
        return;
    };
    let CsvRows {
        splitter,
        delim,
        mut next_line,
        width,
        len,
        labels,
        ..
    } = rows;
    // Small blocks, several per thread: a buyer's profile file is about 80 bytes a vendor, so
    // the batches are many even at 100,000 vendors, and the apply of one overlaps the next.
    // A batch is 512 KiB a thread (eight blocks of 64 KiB): the thread that finishes the
    // serial apply first takes blocks of the fetch in small pieces, and the batch holds no
    // more checked rows than two blocks of 256 KiB did (eight of those took 20 MB more at
    // 100,000 vendors, fresh pages the kernel clears, for no gain in time).
    splitter.set_block(col.opts.chunk_bytes.min(PROFILE_BLOCK));
    let per_batch = 8 * rayon::current_num_threads().max(1);
    // The line the next batch to fetch starts on (the apply's own count, `next_line`, is a
    // batch behind).
    let mut fetch_line = next_line;
    // The rows are encoded for the arena where they are checked, off the serial apply; their
    // keys are interned once, here, for that.
    let keys: Vec<u32> = cols.keys().iter().map(|k| col.profile_key(k)).collect();
    let (cols, keys) = (&cols, keys.as_slice());
    // `first_line` is the line of the batch's first byte (the apply's `next_line` then).
    let fetch = |s: &mut Splitter<R>, first_line: u64| -> Option<ProfileBatch> {
        let mut blocks = Vec::with_capacity(per_batch);
        let mut stop = None;
        while blocks.len() < per_batch {
            match s.next_piece() {
                None => break,
                Some(p) if p.stops() => {
                    stop = Some(p);
                    break;
                }
                Some(p) => blocks.push(p),
            }
        }
        if blocks.is_empty() && stop.is_none() {
            return None;
        }
        // Each block's first line, from the line feeds of the blocks before it (counted first,
        // a pass `memchr` makes quickly), so that a block's rows are checked and encoded in one
        // parallel pass.
        let mut next = first_line;
        let lines: Vec<(u64, u64)> = blocks
            .iter()
            .map(|p| {
                let nl = match p {
                    Piece::Block(b) => memchr::memchr_iter(b'\n', b).count() as u64,
                    Piece::Unclosed(u) => u.newlines(),
                    Piece::Oversize { .. } | Piece::Io(_) => 0,
                };
                let off = next - 1;
                next += nl;
                (nl, off)
            })
            .collect();
        let checked: Vec<(Vec<Checked>, u64, Vec<u8>)> = blocks
            .par_iter()
            .zip(lines)
            .map(|(p, (nl, off))| {
                let mut rows = Vec::new();
                match p {
                    // The block's line feeds were counted above, for its offset.
                    Piece::Block(b) => {
                        block_rows(b, delim, (width, len), |row| rows.extend(cols.check(row)));
                    }
                    // Its message names the quote's line in the file; the row is numbered
                    // from line 1 like a block's, the offset added when it is encoded.
                    Piece::Unclosed(u) => {
                        let row = unclosed_row(u, delim, (width, len), labels, off + 1);
                        rows.extend(row.and_then(|r| cols.check(Row { line: 1, ..r })));
                    }
                    Piece::Oversize { .. } | Piece::Io(_) => {}
                }
                let mut out = Vec::new();
                for c in &mut rows {
                    cols.encode(c, keys, (part, off), &mut out);
                }
                (rows, nl, out)
            })
            .collect();
        for p in blocks {
            if let Piece::Block(b) = p {
                s.recycle(b);
            }
        }
        Some(ProfileBatch {
            blocks: checked,
            stop,
        })
    };
    let mut apply = Apply::new(cols, layer, part);
    // `false` once reading stops (the row limit, or the source stopped).
    let mut apply_batch = |col: &mut Collector, batch: &mut ProfileBatch| -> bool {
        for (rows, nl, encoded) in &mut batch.blocks {
            for c in rows {
                if !apply.row(col, c, next_line - 1, encoded) {
                    return false;
                }
            }
            next_line += *nl;
        }
        let stop = match batch.stop.take() {
            None => return true,
            Some(Piece::Oversize { bytes }) => SourceStop::Oversize {
                line: next_line,
                bytes,
            },
            Some(Piece::Io(e)) => SourceStop::Io(e.to_string()),
            Some(Piece::Block(_) | Piece::Unclosed(_)) => {
                unreachable!("a batch stops only at a piece that is not a block")
            }
        };
        report_stop(col, part, stop);
        false
    };
    let newlines = |b: &ProfileBatch| b.blocks.iter().map(|(_, nl, _)| nl).sum::<u64>();
    let mut pending = fetch(splitter, fetch_line);
    // The rows of the batch applied last, freed while the next batch is applied: their cells
    // were allocated on other threads, and freeing a million rows' worth one by one was a
    // tenth of the serial apply.
    let mut applied: Option<ProfileBatch> = None;
    while let Some(mut batch) = pending {
        let done = applied.take();
        fetch_line += newlines(&batch);
        let (next, go_on) = rayon::join(
            || {
                drop(done);
                fetch(splitter, fetch_line)
            },
            || apply_batch(col, &mut batch),
        );
        applied = Some(batch);
        if !go_on {
            return;
        }
        pending = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every row a block gives, as text: line, cells, cells not UTF-8, width flag.
    fn rows(block: &str, delim: u8, fast: bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut keep = |r: Row| {
            out.push(format!(
                "{} {:?} {:?} {:?}",
                r.line,
                r.cells.iter().collect::<Vec<_>>(),
                r.bad_utf8,
                r.width
            ));
        };
        if fast {
            str_block_rows(block, delim, (4, 4), &mut keep);
        } else {
            csv_block_rows(block.as_bytes(), delim, (4, 4), &mut keep);
        }
        out
    }

    #[test]
    fn profile_rows_cut_in_place_read_like_csv() {
        let block = "V1,Acme,TW,high\n\
                     V2,\"Acme, Inc.\",US,low\r\n\
                     \r\n\
                     \n\
                     ,,,\n\
                     V3,\"two\nlines\",JP,\n\
                     V4,x\rV5,y,z,w,extra\n\
                     V6,短,TW,中\n\
                     V7,\"unterminated";
        assert_eq!(rows(block, b',', true), rows(block, b',', false));
        let long = format!("V1{}\nV2,a,b,c\n", ",".repeat(40));
        assert_eq!(rows(&long, b',', true), rows(&long, b',', false));
    }

    proptest! {
        /// Any mix of cells, quotes, delimiters and line ends gives the same rows either way:
        /// the same cells, line numbers and width flags.
        #[test]
        fn any_profile_block_reads_like_csv(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "V1", " V2 ", "Acme Co., Ltd.", "TW", "high", "provider", "2025-01-02",
                    "ISO/IEC 42001; SOC 2", "短", "\"a,\"\"b\"\"\"", "\"", "\"\"", ",", ",", ",",
                    ";", "\t", "\n", "\n", "\r\n", "\r", " ", ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
                ]),
                0..60,
            ),
            delim in proptest::sample::select(vec![b',', b',', b';', b'\t']),
        ) {
            let block = parts.concat();
            prop_assert_eq!(rows(&block, delim, true), rows(&block, delim, false));
        }
    }
}
