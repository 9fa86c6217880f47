//! Finding an adapter's table in a foreign sheet: the header row (which may sit below a title
//! block), its columns, the answer rows under it, and single cells (the supplier's id, its
//! profile).

use crate::pattern::{CellRef, Pattern};
use crate::spec::TableSpec;

/// One sheet of a workbook, or a CSV file, as rows of cell text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    /// The sheet's name; `None` for a CSV file.
    pub sheet: Option<String>,
    /// The non-blank rows, in order.
    pub rows: Vec<GridRow>,
    /// Whether the sheet could be read (one that could not has no rows, but keeps its place:
    /// a cell of it must not be looked up in another sheet).
    pub readable: bool,
}

/// Why a cell an adapter names could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellMiss {
    /// No sheet matches.
    NoSheet,
    /// The sheet matches but could not be read (its problem is reported).
    Unreadable(String),
}

/// One row: its 1-based number (Excel's row, or the CSV line it starts on) and its cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GridRow {
    /// Excel's row number, or the CSV line the record starts on.
    pub line: u64,
    /// The cells' text, from column A.
    pub cells: Vec<String>,
}

impl GridRow {
    /// The text of column `i` (blank past the row's end).
    pub fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map_or("", String::as_str)
    }
}

/// A header label as compared: trimmed, case- and width-folded, runs of white space (line
/// breaks inside a header cell included) as one space.
pub fn fold_label(s: &str) -> String {
    scrm_model::fold(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The columns of an adapter's table, 0-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// The foreign question id.
    pub question: usize,
    /// The answer.
    pub answer: usize,
    /// Comment columns found, in the adapter's order.
    pub comment: Vec<usize>,
    /// Evidence.
    pub evidence: Option<usize>,
    /// Evidence date.
    pub evidence_date: Option<usize>,
    /// The vendor id.
    pub vendor: Option<usize>,
}

/// Where a table's header is in a grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderAt {
    /// Index of the header row in [`Grid::rows`].
    pub index: usize,
    /// Its row number.
    pub line: u64,
    /// The columns it names.
    pub cols: Columns,
}

/// Whether a sheet is one the adapter reads (every sheet when it names none; a CSV file
/// always).
pub fn reads_sheet(spec: &TableSpec, sheet: Option<&str>) -> bool {
    match sheet {
        None => true,
        Some(name) => spec.sheets.is_empty() || spec.sheets.iter().any(|p| p.matches(name)),
    }
}

/// The first row among the top `spec.header_within` that holds a question label and an answer
/// label, with the columns it names.
pub fn find_header(spec: &TableSpec, grid: &Grid) -> Option<HeaderAt> {
    for (index, row) in grid.rows.iter().enumerate().take(spec.header_within) {
        let folded: Vec<String> = row.cells.iter().map(|c| fold_label(c)).collect();
        let find = |labels: &[String]| -> Option<usize> {
            labels
                .iter()
                .find_map(|l| folded.iter().position(|f| f == l))
        };
        let (Some(question), Some(answer)) = (find(&spec.question), find(&spec.answer)) else {
            continue;
        };
        let comment = spec
            .comment
            .iter()
            .filter_map(|l| folded.iter().position(|f| f == l))
            .collect();
        return Some(HeaderAt {
            index,
            line: row.line,
            cols: Columns {
                question,
                answer,
                comment,
                evidence: find(&spec.evidence),
                evidence_date: find(&spec.evidence_date),
                vendor: find(&spec.vendor),
            },
        });
    }
    None
}

/// The header labels an adapter looks for, for the message when no sheet has them.
pub fn wanted(spec: &TableSpec) -> String {
    let q: Vec<&str> = spec.question.iter().map(String::as_str).collect();
    let a: Vec<&str> = spec.answer.iter().map(String::as_str).collect();
    format!(
        "a question column ({}) and an answer column ({}) in one row among the top {}",
        q.join(" or "),
        a.join(" or "),
        spec.header_within
    )
}

/// The text of one cell: in the first grid whose sheet matches `sheet` (the first grid when
/// `sheet` is `None`), with the sheet's name.
pub fn cell_text<'g>(
    grids: &'g [Grid],
    sheet: Option<&Pattern>,
    cell: CellRef,
) -> Result<(Option<&'g str>, &'g str), CellMiss> {
    let grid = match sheet {
        None => grids.first(),
        Some(p) => grids
            .iter()
            .find(|g| g.sheet.as_deref().is_none_or(|s| p.matches(s))),
    }
    .ok_or(CellMiss::NoSheet)?;
    if !grid.readable {
        return Err(CellMiss::Unreadable(grid.sheet.clone().unwrap_or_default()));
    }
    let text = grid
        .rows
        .iter()
        .find(|r| r.line == cell.row)
        .map_or("", |r| r.cell(cell.col as usize));
    Ok((grid.sheet.as_deref(), text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> TableSpec {
        TableSpec {
            sheets: vec![Pattern::parse("CAIQ*").unwrap()],
            header_within: 5,
            question: vec![fold_label("Question ID")],
            answer: vec![fold_label("CSP CAIQ Answer"), fold_label("Answer")],
            comment: vec![fold_label("Notes"), fold_label("Implementation")],
            evidence: vec![],
            evidence_date: vec![],
            vendor: vec![],
        }
    }

    fn row(line: u64, cells: &[&str]) -> GridRow {
        GridRow {
            line,
            cells: cells.iter().map(|s| (*s).to_string()).collect(),
        }
    }

    #[test]
    fn header_below_a_title_block() {
        let g = Grid {
            sheet: Some("CAIQv4.0.3".into()),
            readable: true,
            rows: vec![
                row(1, &["Consensus Assessments Initiative Questionnaire"]),
                row(
                    3,
                    &[
                        "",
                        "QUESTION  ID",
                        "Question",
                        "Implementation",
                        "csp caiq\nanswer",
                        "notes",
                    ],
                ),
                row(4, &["", "A&A-01.1", "…", "", "Yes"]),
            ],
        };
        let h = find_header(&spec(), &g).unwrap();
        assert_eq!((h.index, h.line), (1, 3));
        assert_eq!(
            h.cols,
            Columns {
                question: 1,
                answer: 4,
                comment: vec![5, 3],
                evidence: None,
                evidence_date: None,
                vendor: None
            }
        );
        assert!(reads_sheet(&spec(), Some("caiqv4")) && !reads_sheet(&spec(), Some("Intro")));
    }

    #[test]
    fn header_must_be_near_the_top() {
        let mut rows: Vec<GridRow> = (1..=5).map(|l| row(l, &["title"])).collect();
        rows.push(row(6, &["Question ID", "Answer"]));
        let g = Grid {
            sheet: None,
            rows,
            readable: true,
        };
        assert_eq!(find_header(&spec(), &g), None);
        assert_eq!(
            wanted(&spec()),
            "a question column (question id) and an answer column (csp caiq answer or answer) in one row among the top 5"
        );
    }

    #[test]
    fn cells() {
        let grids = vec![
            Grid {
                sheet: Some("Cover".into()),
                rows: vec![row(2, &["Vendor", "", "V-1"])],
                readable: true,
            },
            Grid {
                sheet: Some("Other".into()),
                rows: vec![],
                readable: true,
            },
            Grid {
                sheet: Some("Broken".into()),
                rows: vec![],
                readable: false,
            },
        ];
        let c = CellRef::parse("C2").unwrap();
        assert_eq!(cell_text(&grids, None, c), Ok((Some("Cover"), "V-1")));
        let p = Pattern::parse("oth*").unwrap();
        assert_eq!(cell_text(&grids, Some(&p), c), Ok((Some("Other"), "")));
        let none = Pattern::parse("Missing").unwrap();
        assert_eq!(cell_text(&grids, Some(&none), c), Err(CellMiss::NoSheet));
        let broken = Pattern::parse("broken").unwrap();
        assert_eq!(
            cell_text(&grids, Some(&broken), c),
            Err(CellMiss::Unreadable("Broken".into()))
        );
    }
}
