//! Catalog problems: every one located at its file, line and column, all reported together.

use serde::Serialize;
use std::fmt;
use std::ops::Range;

/// One problem in a catalog, overlay or crosswalk file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CatalogProblem {
    /// File name as given to the loader (`airm.toml`, `buyer.toml`).
    pub file: String,
    /// 1-based line, when the problem has a position.
    pub line: Option<usize>,
    /// 1-based column in characters (TOML) or 1-based field number (CSV).
    pub column: Option<usize>,
    /// What is wrong, quoting the offending value.
    pub message: String,
    /// How to fix it: the valid values or a did-you-mean.
    pub help: Option<String>,
}

impl fmt::Display for CatalogProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// A catalog that could not be loaded, with every problem found in one pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(.problems))]
pub struct CatalogError {
    /// The problems, sorted by file (in load order), line and column.
    pub problems: Vec<CatalogProblem>,
}

fn render(problems: &[CatalogProblem]) -> String {
    let mut out = match problems.len() {
        1 => "1 problem in the question bank:".to_string(),
        n => format!("{n} problems in the question bank:"),
    };
    for p in problems {
        out.push_str("\n  ");
        out.push_str(&p.to_string());
    }
    out
}

/// Collects problems for one file and turns byte spans into lines and columns.
pub(crate) struct Problems<'a> {
    file: &'a str,
    src: &'a str,
    /// Byte offset where each line after the first starts: every question field keeps its
    /// position, so a position is a binary search here rather than a count from the top of
    /// the file (which made loading the catalog quadratic in its size).
    line_starts: Vec<usize>,
    pub(crate) list: Vec<CatalogProblem>,
}

impl<'a> Problems<'a> {
    pub(crate) fn new(file: &'a str, src: &'a str) -> Self {
        Self {
            file,
            src,
            line_starts: src.match_indices('\n').map(|(i, _)| i + 1).collect(),
            list: Vec::new(),
        }
    }

    /// The file name.
    pub(crate) fn file(&self) -> &'a str {
        self.file
    }

    /// 1-based line and character column of a byte offset.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        // Spans from the TOML parser always fall on character boundaries; floor defensively.
        let mut start = offset;
        while !self.src.is_char_boundary(start) {
            start -= 1;
        }
        // Lines that start at or before `start`, besides the first.
        let k = self.line_starts.partition_point(|&l| l <= start);
        let line_start = if k == 0 { 0 } else { self.line_starts[k - 1] };
        let col = self.src[line_start..start].chars().count() + 1;
        (k + 1, col)
    }

    /// A problem at a span.
    pub(crate) fn at(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let (line, col) = self.line_col(span.start);
        self.list.push(CatalogProblem {
            file: self.file.to_string(),
            line: Some(line),
            column: Some(col),
            message: message.into(),
            help,
        });
    }

    /// A problem about the file as a whole.
    pub(crate) fn whole(&mut self, message: impl Into<String>, help: Option<String>) {
        self.list.push(CatalogProblem {
            file: self.file.to_string(),
            line: None,
            column: None,
            message: message.into(),
            help,
        });
    }
}

/// "did you mean 'x'? " prefix (or nothing) followed by the list of valid values.
pub(crate) fn valid_values_help(suggestion: Option<&str>, what: &str, valid: &[&str]) -> String {
    let mut help = String::new();
    if let Some(s) = suggestion {
        help.push_str(&format!("did you mean '{s}'? "));
    }
    help.push_str(&format!("the possible {what} are {valid:?}"));
    help
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns count characters, not bytes, so CJK text is located where an editor shows it.
    #[test]
    fn line_col_counts_characters() {
        let src = "a = 1\ntext = \"資料\" x\n";
        let p = Problems::new("f.toml", src);
        let x = src.find(" x").map(|i| i + 1).unwrap_or_default();
        assert_eq!(p.line_col(0), (1, 1));
        assert_eq!(p.line_col(6), (2, 1));
        assert_eq!(p.line_col(x), (2, 13));
        // Every offset agrees with counting from the top of the file.
        for off in (0..=src.len()).filter(|&i| src.is_char_boundary(i)) {
            let before = &src[..off];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            assert_eq!(
                p.line_col(off),
                (line, before[start..].chars().count() + 1),
                "{off}"
            );
        }
        assert_eq!(p.line_col(src.len() + 5), p.line_col(src.len()));
    }

    /// Display lists every problem on its own line.
    #[test]
    fn error_display() {
        let err = CatalogError {
            problems: vec![
                CatalogProblem {
                    file: "a.toml".into(),
                    line: Some(3),
                    column: Some(10),
                    message: "bad".into(),
                    help: Some("fix it".into()),
                },
                CatalogProblem {
                    file: "b.toml".into(),
                    line: None,
                    column: None,
                    message: "missing".into(),
                    help: None,
                },
            ],
        };
        assert_eq!(
            err.to_string(),
            "2 problems in the question bank:\n  a.toml:3:10: bad (help: fix it)\n  b.toml: missing"
        );
    }
}
