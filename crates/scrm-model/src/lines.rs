//! Line numbers of CSV records, one rule for every reader that locates a problem by line (the
//! ingestion readers, the catalog's crosswalk): counted from the record's first byte, because
//! the `csv` crate places a record where the previous one's terminator began (before the `\n`
//! of a CRLF and any empty lines), so its own line number is one short after every CRLF.

/// Numbers the records of one text (a file, or a block of one), in order, from line 1.
#[derive(Debug, Clone)]
pub struct RecordLines {
    at: usize,
    line: u64,
}

impl Default for RecordLines {
    fn default() -> Self {
        Self::new()
    }
}

impl RecordLines {
    /// A counter at the start of a text.
    pub fn new() -> Self {
        Self { at: 0, line: 1 }
    }

    /// The line of the record that `csv` placed at byte `start` of `text` (its
    /// `Position::byte`); records must come in order.
    pub fn line(&mut self, text: &[u8], start: Option<u64>) -> u64 {
        let at = self.at;
        let from = start
            .map_or(at, |b| usize::try_from(b).unwrap_or(at))
            .clamp(at, text.len());
        let first = text[from..]
            .iter()
            .position(|&b| !matches!(b, b'\r' | b'\n'))
            .map_or(text.len(), |k| from + k);
        self.line += memchr::memchr_iter(b'\n', &text[at..first]).count() as u64;
        self.at = first;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `csv` gives as a record's start after LF, CRLF and blank lines, and the real line.
    #[test]
    fn counts_from_the_first_byte_of_each_record() {
        let text = b"h\r\nV1\r\n\r\nV2\nV3\r\n";
        // `csv` starts V1 at the `\n` of the header's CRLF (byte 2), V2 at the `\n` of V1's
        // CRLF (byte 6, before the blank line), V3 right after V2's LF (byte 12).
        let mut l = RecordLines::new();
        assert_eq!(l.line(text, Some(0)), 1);
        assert_eq!(l.line(text, Some(2)), 2);
        assert_eq!(l.line(text, Some(6)), 4);
        assert_eq!(l.line(text, Some(12)), 5);
    }
}
