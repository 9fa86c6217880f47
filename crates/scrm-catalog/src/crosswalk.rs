//! The NIST AI RMF ↔ ISO/IEC 42001 crosswalk as data: one row per (subcategory, ISO item) pair,
//! with where the pair comes from and any erratum fixed on the way.

use crate::error::{CatalogProblem, Problems};
use crate::frameworks;
use serde::Serialize;

/// The header crosswalk.csv must have, in this order.
pub(crate) const HEADER: [&str; 4] = ["airm", "iso", "provenance", "note"];

/// One AI RMF subcategory ↔ ISO/IEC 42001 item pair.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CrosswalkPair {
    /// AI RMF subcategory in NIST form (`GOVERN 6.1`).
    pub airm: String,
    /// ISO/IEC 42001 clause (`6.1.2`) or Annex A control (`A.10.3`); Annex B ids of the source
    /// are written as the Annex A control they mirror.
    pub iso: String,
    /// Where the pair comes from.
    pub provenance: String,
    /// Erratum fixed or kept for this pair, if any.
    pub note: Option<String>,
}

/// The crosswalk, in source order (AI RMF subcategories in NIST order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Crosswalk {
    pairs: Vec<CrosswalkPair>,
}

impl Crosswalk {
    /// Every pair, in source order.
    pub fn pairs(&self) -> &[CrosswalkPair] {
        &self.pairs
    }

    /// ISO/IEC 42001 ids mapped to an AI RMF subcategory, in source order. Accepts any spelling
    /// [`frameworks::normalize_airm_subcategory`] understands (`GOVERN 6.1`, `gv-6.1`).
    pub fn iso_for(&self, airm: &str) -> Vec<&str> {
        let canonical =
            frameworks::normalize_airm_subcategory(airm).unwrap_or_else(|| airm.to_string());
        self.pairs
            .iter()
            .filter(|p| p.airm == canonical)
            .map(|p| p.iso.as_str())
            .collect()
    }

    /// AI RMF subcategories mapped to an ISO/IEC 42001 id (`A.10.3`, `6.1.2`; `B.10.3` is read
    /// as `A.10.3`), in NIST order.
    pub fn airm_for(&self, iso: &str) -> Vec<&str> {
        let iso = iso.trim();
        let iso = match iso.strip_prefix("B.") {
            Some(rest) => format!("A.{rest}"),
            None => iso.to_string(),
        };
        self.pairs
            .iter()
            .filter(|p| p.iso == iso)
            .map(|p| p.airm.as_str())
            .collect()
    }

    /// AI RMF subcategories mapped to a scored ISO/IEC 42001 item, counting its sub-clauses
    /// (`6.1` gathers `6.1.1`..`6.1.4`), de-duplicated, in NIST order.
    pub fn airm_for_item(&self, item: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.pairs {
            if frameworks::aims_item_for(&p.iso) == Some(item) && !out.contains(&p.airm.as_str()) {
                out.push(&p.airm);
            }
        }
        out
    }

    /// Parses crosswalk.csv, checking the header, every id and duplicates.
    pub(crate) fn parse(file: &str, src: &str) -> (Crosswalk, Vec<CatalogProblem>) {
        let mut problems = Problems::new(file, src);
        let mut pairs: Vec<CrosswalkPair> = Vec::new();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(src.as_bytes());
        match rdr.headers() {
            Ok(h) if h.iter().eq(HEADER.iter().copied()) => {}
            Ok(h) => {
                let got: Vec<&str> = h.iter().collect();
                problems.list.push(CatalogProblem {
                    file: file.to_string(),
                    line: Some(1),
                    column: None,
                    message: format!("crosswalk header is {got:?}"),
                    help: Some(format!("the header must be {HEADER:?}")),
                });
                return (Crosswalk::default(), problems.list);
            }
            Err(e) => {
                problems.whole(format!("crosswalk is not readable CSV: {e}"), None);
                return (Crosswalk::default(), problems.list);
            }
        }
        let mut lines = scrm_model::lines::RecordLines::new();
        for record in rdr.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| p.line() as usize);
                    problems.list.push(CatalogProblem {
                        file: file.to_string(),
                        line,
                        column: None,
                        message: format!("unreadable crosswalk row: {e}"),
                        help: None,
                    });
                    continue;
                }
            };
            let start = record.position().map(csv::Position::byte);
            let line = Some(lines.line(src.as_bytes(), start) as usize);
            let mut bad = |column: usize, message: String, help: Option<String>| {
                problems.list.push(CatalogProblem {
                    file: file.to_string(),
                    line,
                    column: Some(column),
                    message,
                    help,
                });
            };
            let field = |i: usize| record.get(i).unwrap_or_default().trim().to_string();
            let (airm, iso, provenance, note) = (field(0), field(1), field(2), field(3));
            let mut ok = true;
            if !frameworks::is_airm_subcategory(&airm) {
                let help = frameworks::normalize_airm_subcategory(&airm)
                    .map(|c| format!("write it in NIST form: '{c}'"));
                bad(
                    1,
                    format!("'{airm}' is not a NIST AI RMF 1.0 subcategory"),
                    help,
                );
                ok = false;
            }
            if frameworks::aims_item_for(&iso).is_none() {
                bad(2, format!("'{iso}' is not an ISO/IEC 42001 clause item or Annex A control"), Some("clauses are written '6.1.2', controls 'A.10.3' (Annex B ids as their Annex A control)".into()));
                ok = false;
            }
            if provenance.is_empty() {
                bad(
                    3,
                    "the crosswalk pair has no provenance".into(),
                    Some("say where the pair comes from".into()),
                );
                ok = false;
            }
            if ok && pairs.iter().any(|p| p.airm == airm && p.iso == iso) {
                bad(
                    1,
                    format!("the pair '{airm}' ↔ '{iso}' is listed twice"),
                    None,
                );
                ok = false;
            }
            if ok {
                pairs.push(CrosswalkPair {
                    airm,
                    iso,
                    provenance,
                    note: (!note.is_empty()).then_some(note),
                });
            }
        }
        (Crosswalk { pairs }, problems.list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A problem is located at the line its row starts on, in a CRLF file with a blank line and
    /// a quoted field over two lines too.
    #[test]
    fn problems_name_the_line_of_their_row() {
        let src = "airm,iso,provenance,note\r\n\
                   GOVERN 1.1,4.1,listed,\"two\r\nlines\"\r\n\
                   \r\n\
                   GOVERN 9.9,4.1,listed,\r\n\
                   GOVERN 1.1,7.7.7,listed,\r\n";
        let (_, problems) = Crosswalk::parse("crosswalk.csv", src);
        let lines: Vec<(Option<usize>, Option<usize>)> =
            problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(
            lines,
            [(Some(5), Some(1)), (Some(6), Some(2))],
            "{problems:?}"
        );
    }
}
