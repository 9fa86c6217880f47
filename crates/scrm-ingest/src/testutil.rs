//! A small question lookup for tests, backed by `test-catalog.csv` beside this file
//! (`id,kind,na_allowed,aliases`), normalizing the same wild spellings the real catalog does.
//! The scenarios in `fixtures/ingest` are read against it. It lives in this crate: cargo tracks
//! a file outside the package by absolute path, and a checkout sharing the build directory
//! would then miss its changes.

pub mod every_way;

use scrm_model::{AnswerKind, AnswerSpec, QuestionId, QuestionLookup, Resolution, fold};
use std::collections::BTreeMap;

/// The test catalog's text.
pub const TEST_CATALOG_CSV: &str = include_str!("test-catalog.csv");

/// A lookup over the test catalog.
#[derive(Debug, Clone)]
pub struct TestCatalog {
    /// Canonical ids with their specs, sorted.
    pub questions: BTreeMap<String, AnswerSpec>,
    /// Compact spelling → canonical id.
    index: BTreeMap<String, String>,
}

/// Reduces an id to a compact form that all its spellings share: lower case, no version suffix
/// (`@1.0`), no `ai-rmf-` prefix, AI RMF function names abbreviated (`GOVERN` → `gv`),
/// separators dropped and leading zeros of numbers removed (`GV.SC-01` → `gv.sc1`).
pub fn compact(raw: &str) -> String {
    let mut s = fold(raw);
    if let Some(i) = s.find('@') {
        s.truncate(i);
    }
    for p in ["nist-ai-rmf-", "ai-rmf-", "ai rmf ", "airmf-", "ai-rmf "] {
        if let Some(rest) = s.strip_prefix(p) {
            s = rest.to_string();
        }
    }
    for (long, short) in [
        ("govern", "gv"),
        ("manage", "mg"),
        ("measure", "ms"),
        ("map", "mp"),
    ] {
        if let Some(rest) = s.strip_prefix(long) {
            s = format!("{short}{rest}");
            break;
        }
    }
    let s: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .collect();
    // Drop leading zeros of each run of digits ("01" → "1", "0" stays).
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let (mut prev_digit, mut leading) = (false, false);
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_digit() {
            prev_digit = false;
            out.push(c);
            continue;
        }
        if !prev_digit {
            leading = true;
        }
        prev_digit = true;
        if leading && c == '0' && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
            continue;
        }
        leading = false;
        out.push(c);
    }
    out
}

impl TestCatalog {
    /// Loads the bundled test catalog.
    pub fn load() -> Self {
        Self::parse(TEST_CATALOG_CSV)
    }

    /// Parses a catalog in the test layout; panics on malformed test data.
    pub fn parse(text: &str) -> Self {
        let mut questions = BTreeMap::new();
        let mut index = BTreeMap::new();
        for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split(',').collect();
            let kind = match f[1] {
                "maturity" => AnswerKind::Maturity,
                "yes-partial-no" => AnswerKind::YesPartialNo,
                other => panic!("test catalog: unknown kind {other}"),
            };
            let spec = AnswerSpec {
                kind,
                na_allowed: f[2] == "true",
            };
            let id = f[0].to_string();
            index.insert(compact(&id), id.clone());
            if let Some(rest) = id.strip_prefix("AIMS-") {
                index.insert(compact(rest), id.clone());
            }
            for alias in f.get(3).unwrap_or(&"").split(';').filter(|a| !a.is_empty()) {
                index.insert(compact(alias), id.clone());
            }
            questions.insert(id, spec);
        }
        Self { questions, index }
    }
}

impl QuestionLookup for TestCatalog {
    fn resolve(&self, raw: &str) -> Resolution {
        let c = compact(raw);
        if let Some(id) = self.index.get(&c) {
            return Resolution::Known(QuestionId::new(id.clone()), self.questions[id]);
        }
        let suggestion = self
            .questions
            .keys()
            .map(|id| (strsim::normalized_levenshtein(&c, &compact(id)), id))
            .filter(|(s, _)| *s >= 0.6)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
            .map(|(_, id)| id.clone());
        Resolution::Unknown { suggestion }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wild_spellings_resolve() {
        let cat = TestCatalog::load();
        let cases = [
            ("GOVERN 1.1", "GV-1.1"),
            ("gv1.1", "GV-1.1"),
            ("ai-rmf-gv-1.1", "GV-1.1"),
            ("MEASURE-2.7@1.0", "MS-2.7"),
            ("gv.sc-1", "GV.SC-01"),
            ("GV.SC-01", "GV.SC-01"),
            ("A.10.3", "AIMS-A.10.3"),
            ("aims-9.2.1", "AIMS-9.2.1"),
            ("Manage 3.1", "MG-3.1"),
            ("MAP-4.1", "MP-4.1"),
            ("ai-bom", "SUP-AIBOM"),
        ];
        for (raw, want) in cases {
            match cat.resolve(raw) {
                Resolution::Known(id, _) => assert_eq!(id.as_str(), want, "{raw}"),
                other => panic!("{raw}: {other:?}"),
            }
        }
        assert_eq!(
            cat.resolve("GV-1.9"),
            Resolution::Unknown {
                suggestion: Some("GV-1.1".into())
            }
        );
        assert_eq!(
            cat.resolve("colour"),
            Resolution::Unknown { suggestion: None }
        );
    }
}
