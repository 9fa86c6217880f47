//! Cutting a CSV byte stream into blocks that end on record boundaries, so that blocks can be
//! parsed independently (in parallel) with exactly the records a sequential reader would see.

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
        let Some(q) = q else { return last };
        let opens = q == 0 || matches!(buf[q - 1], b'\n' | b'\r') || buf[q - 1] == delim;
        i = q + 1;
        if !opens {
            continue;
        }
        // Quoted field: find the closing quote that is not doubled.
        loop {
            let Some(k) = memchr::memchr(b'"', &buf[i..]) else {
                return last;
            };
            i += k + 1;
            if i >= n {
                // Cannot tell an escaped quote from a closing one yet.
                return last;
            }
            if buf[i] == b'"' {
                i += 1;
                continue;
            }
            break;
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
    /// read whole whatever the block size.
    pub(crate) fn peek_record(&mut self, delim: u8) -> io::Result<&[u8]> {
        self.peek_until(|head| first_record_complete(head, delim))
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
                self.done = true;
                if self.carry.len == 0 {
                    return None;
                }
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
                    Piece::Oversize { .. } | Piece::Io(_) => panic!("unexpected stop"),
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
            let want = records(&data);
            let mut s = Splitter::new(data.as_slice(), block, 1 << 20);
            let mut got = Vec::new();
            while let Some(p) = s.next_piece() {
                match p {
                    Piece::Block(b) => got.extend(records(&b)),
                    Piece::Oversize { .. } | Piece::Io(_) => panic!("unexpected stop"),
                }
            }
            proptest::prop_assert_eq!(got, want);
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
