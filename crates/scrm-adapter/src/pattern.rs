//! The two small languages of an adapter file: id and sheet-name patterns (`STA-07.*`), and
//! A1 cell references (`C5`).
//!
//! Patterns are deliberately not globs: an exact text, or a prefix ending in one `*`. That is
//! what questionnaire ids need (a control and its numbered questions) and leaves nothing for a
//! reader to get wrong.

/// An exact id or a prefix (`STA-07.*`), compared case-insensitively after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    written: String,
    folded: String,
    prefix: bool,
}

impl Pattern {
    /// Parses a pattern; says why one is not valid.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let t = raw.trim();
        let (body, prefix) = match t.strip_suffix('*') {
            Some(b) => (b, true),
            None => (t, false),
        };
        if body.contains('*') {
            return Err(format!(
                "'{raw}' has a '*' before its end; a pattern is an exact id or a prefix ending in one '*'"
            ));
        }
        if body.is_empty() && !prefix {
            return Err("a pattern cannot be empty".to_string());
        }
        Ok(Self {
            written: t.to_string(),
            folded: scrm_model::fold(body),
            prefix,
        })
    }

    /// Whether `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        self.matches_folded(&scrm_model::fold(text))
    }

    /// Whether a text already folded ([`scrm_model::fold`]) matches: for one id tried against
    /// many patterns, folded once.
    pub fn matches_folded(&self, folded: &str) -> bool {
        if self.prefix {
            folded.starts_with(&self.folded)
        } else {
            folded == self.folded
        }
    }

    /// The pattern as written (trimmed).
    pub fn as_str(&self) -> &str {
        &self.written
    }
}

/// An A1 cell reference: column letters and a row number (`C5`, `AA12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRef {
    /// 0-based column.
    pub col: u32,
    /// 1-based row, as Excel numbers it (the line, in a CSV file).
    pub row: u64,
}

/// Excel's last column (XFD) and last row.
const MAX_COL: u32 = 16_384;
const MAX_ROW: u64 = 1_048_576;

impl CellRef {
    /// Parses `C5` (letters case-insensitive; `$` anchors allowed, as Excel writes them).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let t: String = raw.trim().chars().filter(|c| *c != '$').collect();
        let letters = t.chars().take_while(char::is_ascii_alphabetic).count();
        let (l, d) = t.split_at(letters);
        let bad =
            || format!("'{raw}' is not a cell reference like C5 (column letters, then a row)");
        if l.is_empty() || l.len() > 3 || d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let col = l.bytes().fold(0u32, |n, b| {
            n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
        });
        let row: u64 = d.parse().map_err(|_| bad())?;
        if col > MAX_COL || row == 0 || row > MAX_ROW {
            return Err(format!(
                "'{raw}' lies outside a worksheet (A1 to XFD1048576)"
            ));
        }
        Ok(Self { col: col - 1, row })
    }

    /// `C5`.
    pub fn a1(&self) -> String {
        let mut n = self.col + 1;
        let mut s = Vec::new();
        while n > 0 {
            let r = (n - 1) % 26;
            s.push(b'A' + r as u8);
            n = (n - 1) / 26;
        }
        s.reverse();
        format!("{}{}", String::from_utf8_lossy(&s), self.row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let p = Pattern::parse(" STA-07.* ").unwrap();
        assert!(p.matches("sta-07.1") && p.matches("STA-07.12") && !p.matches("STA-070"));
        let e = Pattern::parse("GRC-01.1").unwrap();
        assert!(e.matches(" grc-01.1") && !e.matches("GRC-01.10"));
        assert!(Pattern::parse("*").unwrap().matches("anything"));
        assert_eq!(
            Pattern::parse("A*B").unwrap_err(),
            "'A*B' has a '*' before its end; a pattern is an exact id or a prefix ending in one '*'"
        );
        assert!(Pattern::parse("  ").is_err());
    }

    #[test]
    fn cells() {
        assert_eq!(CellRef::parse("C5").unwrap(), CellRef { col: 2, row: 5 });
        assert_eq!(
            CellRef::parse("$aa$12").unwrap(),
            CellRef { col: 26, row: 12 }
        );
        assert_eq!(CellRef::parse("XFD1048576").unwrap().a1(), "XFD1048576");
        for bad in ["5C", "C", "C0", "XFE1", "A1048577", "ABCD1", "C5x", ""] {
            assert!(CellRef::parse(bad).is_err(), "{bad}");
        }
        for a in ["A1", "Z9", "AA10", "AZ3", "BA7", "ZZ2", "AAA1"] {
            assert_eq!(CellRef::parse(a).unwrap().a1(), a);
        }
    }
}
