//! Cutting a CSV byte stream into blocks that end on record boundaries, so that blocks can be
//! parsed independently (in parallel) with exactly the records a sequential reader would see.
//!
//! One exception to a sequential read, on purpose: a quote that opens a field and is never
//! closed would make `csv` read the rest of the stream as that one field. The last block, the
//! only one that can end inside quotes, is checked for it, and such a record is set apart up to
//! the end of its quote's line ([`Piece::Unclosed`]) so that the readers reject it and read the
//! lines after it as records.

use std::io::{self, Read};

/// The index just past the last `\n` in `buf` that ends a record, assuming `buf` starts at a
/// record start; `None` when no record ends in `buf`.
///
/// Without quotes every `\n` ends a record. With quotes it follows the rules the `csv` crate
/// applies: a quote opens a quoted field only at the start of a field (at the start of `buf`,
/// or right after the delimiter, `\n` or `\r`), `""` inside quotes is an escaped quote, and a
/// quote anywhere else is literal. Only quotes are visited (with `memchr`); the newlines between
/// them are found with one reverse search per stretch, so a block costs about one pass over its
/// quotes rather than a stop at every field.
pub(crate) fn find_boundary(buf: &[u8], delim: u8) -> Option<usize> {
    scan_quotes(buf, delim).0
}

/// How `buf` ends, for [`scan_quotes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// Outside quotes, or right after a quote that may close its field (a `"` that is the last
    /// byte: only the next byte tells a closing quote from the first of `""`).
    Settled,
    /// Inside the quoted field the quote at this index opened.
    Open(usize),
}

/// [`find_boundary`]'s walk, which also tells whether `buf` ends inside a quoted field (and
/// where that field's quote is): the one pass serves the blocks and, at the end of the
/// stream, the check for a quote never closed ([`unclosed_quote`]).
#[inline]
fn scan_quotes(buf: &[u8], delim: u8) -> (Option<usize>, Tail) {
    let n = buf.len();
    let mut i = 0;
    let mut last = None;
    loop {
        // Outside quotes from `i`: every `\n` up to the next quote ends a record.
        let q = memchr::memchr(b'"', &buf[i..]).map(|k| i + k);
        let stretch = &buf[i..q.unwrap_or(n)];
        if let Some(k) = memchr::memrchr(b'\n', stretch) {
            last = Some(i + k + 1);
        }
        let Some(q) = q else {
            return (last, Tail::Settled);
        };
        let opens = q == 0 || matches!(buf[q - 1], b'\n' | b'\r') || buf[q - 1] == delim;
        i = q + 1;
        if !opens {
            continue;
        }
        // Quoted field: find the closing quote that is not doubled.
        loop {
            let Some(k) = memchr::memchr(b'"', &buf[i..]) else {
                return (last, Tail::Open(q));
            };
            i += k + 1;
            if i >= n {
                // Cannot tell an escaped quote from a closing one yet.
                return (last, Tail::Settled);
            }
            if buf[i] == b'"' {
                i += 1;
                continue;
            }
            break;
        }
    }
}

/// A quote that opens a quoted field and is not closed before the end of the stream: where it
/// is, and the record it leaves open, in a buffer that starts at a record start and holds the
/// rest of the stream ([`unclosed_quote`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpenQuote {
    /// Where the record starts: past every line end before it (a `\r`, a `\n`, empty lines),
    /// at its first byte, as `csv` numbers the record by the line of its first field.
    pub start: usize,
    /// The quote.
    pub quote: usize,
    /// Just past the end of the line the quote is on (its `\n`, `\r\n` or `\r`), or the end of
    /// the buffer: what is set apart with the record.
    pub line_end: usize,
    /// The index of the field the quote opens (0-based).
    pub field: usize,
}

/// Finds a quote left open at the end of the stream, in `buf`, which starts at a record start
/// and ends where the stream does.
///
/// `csv` reads such a quote as opening a field that runs to the end of the file, so every row
/// after it would become part of one field, with nothing reported. Only the last record of a
/// stream can be left open, and the walk is the one [`find_boundary`] makes, so it runs once a
/// file, on its last block; the exact start of the record (a lone `\r` ends a record too) and
/// the field's index are found by a byte-by-byte walk of the open record's last line only.
pub(crate) fn unclosed_quote(buf: &[u8], delim: u8) -> Option<OpenQuote> {
    let (last, Tail::Open(quote)) = scan_quotes(buf, delim) else {
        return None;
    };
    // From the last `\n` that ends a record (outside quotes: before the open quote, nothing
    // is left open), the rules of `csv_core`: a quote opens a field only at its start, `""`
    // inside quotes is a quote, and anything after the closing quote up to the delimiter is
    // literal text of the field.
    let mut start = last.unwrap_or(0);
    let (mut field, mut at_field_start, mut quoted) = (0, true, false);
    let mut i = start;
    while i < quote {
        let b = buf[i];
        i += 1;
        if quoted {
            if b == b'"' {
                if buf.get(i) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        if b == b'"' && at_field_start {
            quoted = true;
            at_field_start = false;
        } else if matches!(b, b'\r' | b'\n') {
            start = i;
            field = 0;
            at_field_start = true;
        } else if b == delim {
            field += 1;
            at_field_start = true;
        } else {
            at_field_start = false;
        }
    }
    let line_end = match memchr::memchr2(b'\r', b'\n', &buf[quote..]) {
        Some(k) => {
            let e = quote + k + 1;
            if buf[e - 1] == b'\r' && buf.get(e) == Some(&b'\n') {
                e + 1
            } else {
                e
            }
        }
        None => buf.len(),
    };
    Some(OpenQuote {
        start,
        quote,
        line_end,
        field,
    })
}

/// A record whose quoted field is never closed, set apart by the splitter at the end of the
/// stream ([`unclosed_quote`]): the record up to the end of the line where the quote opened.
/// The readers reject it (`unclosed-quote`) and read the lines after it as rows, which `csv`
/// would have read as the rest of that one field.
#[derive(Debug)]
pub(crate) struct Unclosed {
    /// The record's bytes, from its first byte to the end of the quote's line.
    pub record: Vec<u8>,
    /// The quote's index in `record`.
    pub quote: usize,
    /// The index of the field the quote opens.
    pub field: usize,
}

impl Unclosed {
    /// The record without the line end it was cut at: what its row holds as written (the open
    /// field's text then stops where its line does).
    pub(crate) fn as_written(&self) -> &[u8] {
        let r = &self.record;
        let ends = r
            .iter()
            .rev()
            .take(2)
            .take_while(|b| matches!(b, b'\r' | b'\n'));
        &r[..r.len() - ends.count()]
    }

    /// The line feeds in the record (for the line numbers of what follows).
    pub(crate) fn newlines(&self) -> u64 {
        memchr::memchr_iter(b'\n', &self.record).count() as u64
    }

    /// How many lines after the record's first line the quote is.
    pub(crate) fn quote_lines(&self) -> u64 {
        memchr::memchr_iter(b'\n', &self.record[..self.quote]).count() as u64
    }

    /// The field as written from its quote to the end of the line (line end left out), shown
    /// lossily: the value's start, to find it by.
    pub(crate) fn value(&self) -> String {
        let rest = &self.record[self.quote..];
        let end = memchr::memchr2(b'\r', b'\n', rest).unwrap_or(rest.len());
        String::from_utf8_lossy(&rest[..end]).into_owned()
    }

    /// The record's fields as `csv` reads them (the open one running to the end of the
    /// quote's line, its line end left out), shown lossily, for the quarantine.
    pub(crate) fn fields(&self, delim: u8) -> Vec<String> {
        let mut rdr = header_reader(self.as_written(), delim);
        let mut rec = csv::ByteRecord::new();
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => rec
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// What the splitter hands out, in stream order.
pub(crate) enum Piece {
    /// Whole records.
    Block(Block),
    /// A single record grew past the cap: reading stops here.
    Oversize { bytes: usize },
    /// Reading failed: reading stops here.
    Io(io::Error),
    /// A record whose quote is never closed, set apart; reading goes on after it.
    Unclosed(Unclosed),
}

impl Piece {
    /// Whether reading stops after this piece.
    pub(crate) fn stops(&self) -> bool {
        matches!(self, Self::Oversize { .. } | Self::Io(_))
    }
}

/// A buffer of bytes read from the stream: the first `len` bytes are the data. The bytes past
/// `len` are initialized too and stay so when the buffer is recycled, so reading into it again
/// needs neither zeroing nor growth (`read_to_end` zeroes spare capacity on every call, and a
/// grown buffer is fresh pages for the kernel to clear).
#[derive(Default)]
pub(crate) struct Block {
    buf: Vec<u8>,
    len: usize,
}

impl Block {
    /// Room for at least `n` bytes of data, initialized once for the buffer's life.
    fn room(&mut self, n: usize) {
        if self.buf.len() < n {
            self.buf.resize(n, 0);
        }
    }

    fn data(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl std::ops::Deref for Block {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.data()
    }
}

/// Reads a stream in blocks of about `block` bytes, each ending on a record boundary.
pub(crate) struct Splitter<R> {
    src: R,
    carry: Block,
    block: usize,
    cap: usize,
    delim: u8,
    eof: bool,
    done: bool,
    /// Blocks handed back ([`Splitter::recycle`]), so that reading reuses memory already mapped
    /// instead of having the kernel zero fresh pages for every block.
    pool: Vec<Block>,
    /// Pieces to hand out before anything else: the records before a record left open at the
    /// end of the stream, and that record ([`Splitter::set_apart`]).
    queued: Vec<Piece>,
}

impl<R: Read> Splitter<R> {
    /// `cap` bounds one record: a record larger than that stops reading (`Piece::Oversize`).
    pub(crate) fn new(src: R, block: usize, cap: usize) -> Self {
        Self {
            src,
            carry: Block::default(),
            block: block.max(1),
            cap: cap.max(block),
            delim: b',',
            eof: false,
            done: false,
            pool: Vec::new(),
            queued: Vec::new(),
        }
    }

    /// Takes back a block's buffer once its records are parsed, to read a later block into.
    pub(crate) fn recycle(&mut self, mut b: Block) {
        const KEPT: usize = 64;
        if self.pool.len() < KEPT {
            b.len = 0;
            self.pool.push(b);
        }
    }

    /// Changes the size of the blocks handed out from now on.
    pub(crate) fn set_block(&mut self, block: usize) {
        self.block = block.max(1);
        self.cap = self.cap.max(self.block);
    }

    pub(crate) fn set_delimiter(&mut self, d: u8) {
        self.delim = d;
    }

    /// Reads until the carry holds `want` bytes or the stream ends.
    fn fill_to(&mut self, want: usize) -> io::Result<()> {
        if self.carry.len >= want || self.eof {
            return Ok(());
        }
        self.carry.room(want);
        while self.carry.len < want {
            let c = &mut self.carry;
            match self.src.read(&mut c.buf[c.len..want]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => c.len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The bytes read but not yet handed out, after making sure they hold the first line
    /// ([`first_line_end`]; or the whole stream, if shorter): what the delimiter is sniffed on.
    pub(crate) fn peek_head(&mut self) -> io::Result<&[u8]> {
        self.peek_until(|head| first_line_end(head).is_some())
    }

    /// The bytes read but not yet handed out, after making sure they hold the first record as
    /// the `csv` crate reads it with `delim` (or the whole stream, if shorter, or `cap` bytes):
    /// a quoted header field may hold line breaks past the first line, and the header must be
    /// read whole whatever the block size. Also tells whether the stream has ended (the bytes
    /// are then all that is left of it).
    pub(crate) fn peek_record(&mut self, delim: u8) -> io::Result<(&[u8], bool)> {
        self.peek_until(|head| first_record_complete(head, delim))?;
        Ok((self.carry.data(), self.eof))
    }

    /// The bytes read but not yet handed out, read ahead (doubling, from what is already held
    /// or a block up to 64 KiB) until `enough` says they suffice, the stream ends or they reach
    /// the cap.
    fn peek_until(&mut self, enough: impl Fn(&[u8]) -> bool) -> io::Result<&[u8]> {
        let mut want = self.carry.len.max(self.block.min(64 * 1024));
        loop {
            self.fill_to(want)?;
            if self.eof || want >= self.cap || enough(self.carry.data()) {
                return Ok(self.carry.data());
            }
            want = (want * 2).min(self.cap);
        }
    }

    /// Drops `n` bytes already consumed (the header).
    pub(crate) fn consume(&mut self, n: usize) {
        let c = &mut self.carry;
        let n = n.min(c.len);
        c.buf.copy_within(n..c.len, 0);
        c.len -= n;
    }

    /// Gives back the source once done (to finish hashing).
    pub(crate) fn into_inner(self) -> R {
        self.src
    }

    /// The next piece, or `None` at the end.
    pub(crate) fn next_piece(&mut self) -> Option<Piece> {
        if let Some(p) = self.queued.pop() {
            return Some(p);
        }
        if self.done {
            return None;
        }
        let mut want = self.carry.len.max(self.block);
        loop {
            if let Err(e) = self.fill_to(want) {
                self.done = true;
                return Some(Piece::Io(e));
            }
            if self.eof {
                if self.carry.len == 0 {
                    self.done = true;
                    return None;
                }
                // The last block is the only one that can end inside quotes: checked here,
                // once a stream, not on every block.
                if let Some(open) = unclosed_quote(self.carry.data(), self.delim) {
                    return Some(self.set_apart(open));
                }
                self.done = true;
                return Some(Piece::Block(std::mem::take(&mut self.carry)));
            }
            if let Some(b) = find_boundary(self.carry.data(), self.delim) {
                // The unfinished record moves to a recycled buffer, sized for a whole block.
                let tail = self.carry.len - b;
                let mut rest = self.pool.pop().unwrap_or_default();
                rest.room(self.block.max(tail));
                rest.buf[..tail].copy_from_slice(&self.carry.buf[b..self.carry.len]);
                rest.len = tail;
                self.carry.len = b;
                return Some(Piece::Block(std::mem::replace(&mut self.carry, rest)));
            }
            if self.carry.len >= self.cap {
                self.done = true;
                return Some(Piece::Oversize {
                    bytes: self.carry.len,
                });
            }
            want = (self.carry.len + self.block).min(self.cap.max(self.carry.len + 1));
        }
    }
}

impl<R: Read> Splitter<R> {
    /// Cuts the carry, which holds the rest of the stream and ends inside the quoted field of
    /// `open`, in three: the records before the open one (a block), the open record up to the
    /// end of the quote's line ([`Piece::Unclosed`]), and the lines after it, which stay in the
    /// carry to be handed out as records. Those lines were all inside the open field, so their
    /// quotes come in `""` pairs and cannot leave another field open; the carry is checked again
    /// all the same. Gives the first piece and queues the second.
    fn set_apart(&mut self, open: OpenQuote) -> Piece {
        let OpenQuote {
            start,
            quote,
            line_end,
            field,
        } = open;
        let data = self.carry.data();
        let record = Unclosed {
            record: data[start..line_end].to_vec(),
            quote: quote - start,
            field,
        };
        let mut rest = self.pool.pop().unwrap_or_default();
        rest.room(data.len() - line_end);
        rest.buf[..data.len() - line_end].copy_from_slice(&data[line_end..]);
        rest.len = data.len() - line_end;
        self.carry.len = start;
        let before = std::mem::replace(&mut self.carry, rest);
        if start == 0 {
            self.recycle(before);
            return Piece::Unclosed(record);
        }
        self.queued.push(Piece::Unclosed(record));
        Piece::Block(before)
    }
}

/// The index just past the first line feed outside quotes in `buf`, where a file's header line
/// ends; `None` when it does not end in `buf`. Found before the delimiter is known, so every
/// quote opens or closes quoting (`""` leaves it as it was).
pub(crate) fn first_line_end(buf: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in buf.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// Whether `buf` holds the whole first record as the `csv` crate reads it with `delim`: the
/// record ends before `buf` does. (A record ending exactly at the end of `buf` counts as not
/// whole: a longer read decides it, and gives the same record.)
fn first_record_complete(buf: &[u8], delim: u8) -> bool {
    let mut rdr = header_reader(buf, delim);
    let mut rec = csv::ByteRecord::new();
    matches!(rdr.read_byte_record(&mut rec), Ok(true))
        && (rdr.position().byte() as usize) < buf.len()
}

/// The reader of a file's header record in `head`: the one [`Splitter::peek_record`] decides
/// the head is long enough with, so that the header read is the record it found whole.
pub(crate) fn header_reader(head: &[u8], delim: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(head)
}

/// The delimiter that occurs most often outside quotes on the first line: comma, semicolon
/// or tab (comma when none occurs). Only the first line counts: the rows after it hold
/// suppliers' free text, and how many of them a block holds depends on the block size.
pub(crate) fn sniff_delimiter(head: &[u8]) -> u8 {
    let line = &head[..first_line_end(head).unwrap_or(head.len())];
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let cands = [b',', b';', b'\t'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    cands[best]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(data: &[u8]) -> Vec<Vec<String>> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(data);
        r.records()
            .map(|x| {
                x.map(|x| x.iter().map(str::to_string).collect())
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn boundaries_respect_quotes() {
        let data = b"a,\"x\ny\",b\nc,\"q\"\"\n\",d\ne,f";
        assert_eq!(find_boundary(data, b','), Some(21));
        assert_eq!(find_boundary(b"a,\"open\nstill", b','), None);
        assert_eq!(find_boundary(b"plain\nlines\nhere", b','), Some(12));
        // A quote inside an unquoted field is literal and does not open quoting.
        assert_eq!(find_boundary(b"5\" disk,x\n\"y", b','), Some(10));
    }

    #[test]
    fn any_block_size_gives_the_records_of_a_sequential_read() {
        let data: &[u8] = b"v,q,a\r\nV1,\"GV\n1.1\",yes\r\nV2,\"x\"\"y\",\"multi\r\nline\"\r\n5\" screen,b,c\nlast,row,\"q\"";
        let want = records(data);
        for block in 1..data.len() + 2 {
            let mut s = Splitter::new(data, block, 1 << 20);
            let mut got = Vec::new();
            while let Some(p) = s.next_piece() {
                match p {
                    Piece::Block(b) => got.extend(records(&b)),
                    Piece::Oversize { .. } | Piece::Io(_) | Piece::Unclosed(_) => {
                        panic!("unexpected piece")
                    }
                }
            }
            assert_eq!(got, want, "block {block}");
        }
    }

    proptest::proptest! {
        /// Any mix of quotes, delimiters and line ends, cut at any block size, gives the records
        /// of one sequential read.
        #[test]
        fn random_quoting_splits_like_a_sequential_read(
            data in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b',', b'"', b'\n', b'\r', b' ']),
                0..80,
            ),
            block in 1usize..40,
        ) {
            // A quote left open is set apart (see the next test).
            proptest::prop_assume!(unclosed_quote(&data, b',').is_none());
            let want = records(&data);
            let mut s = Splitter::new(data.as_slice(), block, 1 << 20);
            let mut got = Vec::new();
            while let Some(p) = s.next_piece() {
                match p {
                    Piece::Block(b) => got.extend(records(&b)),
                    Piece::Oversize { .. } | Piece::Io(_) | Piece::Unclosed(_) => {
                        panic!("unexpected piece")
                    }
                }
            }
            proptest::prop_assert_eq!(got, want);
        }
    }

    /// What a splitter hands out, as text: each block's records, and each record set apart as
    /// `!` then its bytes and the quote's and field's index.
    fn pieces(data: &[u8], block: usize) -> (Vec<String>, Vec<u8>) {
        let mut s = Splitter::new(data, block, 1 << 20);
        let (mut got, mut bytes) = (Vec::new(), Vec::new());
        while let Some(p) = s.next_piece() {
            match p {
                Piece::Block(b) => {
                    bytes.extend_from_slice(&b);
                    got.extend(records(&b).into_iter().map(|r| format!("{r:?}")));
                }
                Piece::Unclosed(u) => {
                    bytes.extend_from_slice(&u.record);
                    let text = String::from_utf8_lossy(&u.record);
                    got.push(format!("!{text:?} {} {}", u.quote, u.field));
                }
                Piece::Oversize { .. } | Piece::Io(_) => panic!("unexpected stop"),
            }
        }
        (got, bytes)
    }

    #[test]
    fn a_quote_never_closed_is_found_with_its_record() {
        let open =
            |b: &[u8]| unclosed_quote(b, b',').map(|o| (o.start, o.quote, o.line_end, o.field));
        assert_eq!(open(b"a,b\nc,\"open\nd,e\n"), Some((4, 6, 12, 1)));
        assert_eq!(open(b"\"open"), Some((0, 0, 5, 0)));
        // Closed, or a trailing quote that closes its field: nothing is open.
        assert_eq!(open(b"a,\"x\ny\",b\n"), None);
        assert_eq!(open(b"a,\"x\""), None);
        assert_eq!(open(b"a,5\" disk\n"), None);
        // `""` inside quotes is a quote: the field is still open at the end.
        assert_eq!(open(b"a,\"x\"\""), Some((0, 2, 6, 1)));
        // A lone CR ends a record; a record's quoted line breaks stay in it; CRLF ends a line.
        assert_eq!(open(b"a,b\rc,\"x\"\"y\r\nz"), Some((4, 6, 13, 1)));
        assert_eq!(open(b"a,\"1\n2\",\"open\r\nV2,b\n"), Some((0, 8, 15, 2)));
        // Empty lines before the record are not part of it.
        assert_eq!(open(b"a\n\r\n\nx,\"o"), Some((5, 7, 9, 1)));
    }

    #[test]
    fn a_record_left_open_is_set_apart_at_any_block_size() {
        let data: &[u8] =
            b"v,q,a\nV1,\"GV\n1.1\",yes\r\nV2,x,\"open\"\"\r\nV3,\"\"y\"\",1\nV4,z,\"\"\n";
        let (want, bytes) = pieces(data, data.len() + 1);
        assert_eq!(bytes, data);
        assert_eq!(
            want,
            [
                r#"["v", "q", "a"]"#,
                r#"["V1", "GV\n1.1", "yes"]"#,
                r#"!"V2,x,\"open\"\"\r\n" 5 2"#,
                r#"["V3", "y\"\"", "1"]"#,
                r#"["V4", "z", ""]"#,
            ]
        );
        for block in 1..data.len() + 2 {
            assert_eq!(
                pieces(data, block),
                (want.clone(), data.to_vec()),
                "block {block}"
            );
        }
    }

    proptest::proptest! {
        /// Any mix of quotes, delimiters and line ends: the pieces hold every byte, in order;
        /// without a quote left open they are the records of one sequential read, and with one,
        /// the records before it are the sequential read's but its last, the record set apart
        /// is that last record cut at the end of the quote's line, and what follows leaves
        /// nothing open. The same at any block size.
        #[test]
        fn a_quote_left_open_is_set_apart_whatever_the_block_size(
            data in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b',', b'"', b'"', b'\n', b'\r', b' ']),
                0..80,
            ),
            block in 1usize..40,
        ) {
            let (got, bytes) = pieces(&data, block);
            proptest::prop_assert_eq!(&bytes, &data);
            proptest::prop_assert_eq!(&got, &pieces(&data, 1 << 20).0);
            let want: Vec<String> = records(&data).iter().map(|r| format!("{r:?}")).collect();
            match got.iter().position(|g| g.starts_with('!')) {
                None => proptest::prop_assert_eq!(got, want),
                Some(k) => {
                    proptest::prop_assert_eq!(&got[..k], &want[..want.len() - 1]);
                    let open = unclosed_quote(&data, b',').map(|o| o.line_end);
                    let rest = &data[open.unwrap_or(data.len())..];
                    proptest::prop_assert_eq!(unclosed_quote(rest, b','), None);
                    proptest::prop_assert!(!got[k + 1..].iter().any(|g| g.starts_with('!')));
                }
            }
        }
    }

    #[test]
    fn delimiter_sniffing() {
        assert_eq!(sniff_delimiter(b"vendor_id;question_id;answer\nx,y"), b';');
        assert_eq!(sniff_delimiter(b"vendor_id\tquestion_id\tanswer"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b\",c,d\n"), b',');
        assert_eq!(sniff_delimiter(b"vendor_id\n"), b',');
        // The first line alone counts, however many rows follow it in the block.
        assert_eq!(
            sniff_delimiter(b"vendor_id,question_id\nV1\tq\t\t\t\n"),
            b','
        );
        assert_eq!(sniff_delimiter(b"\"id\nx\";a;b\nV1,q,1,2,3\n"), b';');
    }
}
