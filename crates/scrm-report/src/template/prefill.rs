//! What a template is prefilled with, cell by cell: a supplier as read ([`Prefill::Vendor`]) or
//! a supplier document as typed ([`Prefill::Document`]).
//!
//! A supplier as read holds only the values ingestion accepted, in canonical spelling: that is
//! what `scrm template`'s callers and the demo workbooks want. A document as typed is what the
//! supplier has in front of it on the `scrm fill` page, valid or not: its XLSX download must hold
//! every value the supplier typed, so that one who carries on offline loses nothing. Both give
//! the same [`Cell`]s, so the sheets are written one way:
//!
//! * a valid value is written as a person would type it in Excel: a maturity level as a number,
//!   yes/partial/no/na as the language's word, a date as a date cell;
//! * anything else is written as the text typed, neutralized like every supplier string, so the
//!   supplier sees it and fixes it, and scrm's reader finds the same problem in it that it
//!   finds in the JSON document.
//!
//! A document's answers are matched to the sheet's questions by canonical id (the catalog's
//! [`QuestionLookup`], so `GOVERN 1.1` answers `GV-1.1`). The typed answers the sheet does not
//! list, [`Placed::rest`], are written below the listed questions rather than dropped.

use scrm_model::{
    AiRole, Answer, AnswerSpec, AnswerValue, Question, QuestionId, QuestionLookup, Resolution,
    SupplierAnswer, SupplierDocument, SupplierProfileDoc, Vendor,
};
use std::borrow::Cow;
use std::collections::HashMap;

/// What a template is prefilled with.
#[derive(Clone, Copy)]
pub enum Prefill<'a> {
    /// A supplier as read: the values ingestion kept, in canonical spelling. Answers to
    /// questions the sheet does not list are left out, and so are extra profile fields.
    Vendor(&'a Vendor),
    /// A supplier document as typed (the `scrm fill` page's): every value, valid or not.
    Document {
        /// The document.
        doc: &'a SupplierDocument,
        /// Resolves the document's question ids, in any accepted spelling, to the catalog's.
        lookup: &'a dyn QuestionLookup,
    },
}

impl<'a> From<&'a Vendor> for Prefill<'a> {
    fn from(v: &'a Vendor) -> Self {
        Self::Vendor(v)
    }
}

/// A prefilled input cell: what it holds, and so how it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Cell<'a> {
    /// Nothing (or only spaces): a blank input cell.
    Blank,
    /// Text as typed or read, written neutralized: every value that is not valid is written so.
    Text(Cow<'a, str>),
    /// A valid answer: a number for a maturity level, the language's word for the others.
    Answer(AnswerValue),
    /// A valid date that Excel holds: a date cell.
    Date(chrono::NaiveDate),
}

impl<'a> Cell<'a> {
    /// Text, or blank when there is none or only spaces (the reader trims cells).
    fn text(s: Option<&'a str>) -> Self {
        match s {
            Some(s) if !s.trim().is_empty() => Self::Text(Cow::Borrowed(s)),
            _ => Self::Blank,
        }
    }

    /// A date read: a date cell, or its text when Excel has no such date.
    fn date(d: chrono::NaiveDate) -> Self {
        if excel_holds(d) {
            Self::Date(d)
        } else {
            Self::Text(Cow::Owned(d.to_string()))
        }
    }

    /// A typed date: a date cell when the reader takes it for one (and Excel holds it), else
    /// the text as typed.
    fn typed_date(raw: Option<&'a str>) -> Self {
        match raw.and_then(scrm_model::dates::parse_date) {
            Some(d) if excel_holds(d) => Self::Date(d),
            _ => Self::text(raw),
        }
    }

    /// A typed answer to a question of `spec` (`None`: not a question the catalog has): the
    /// answer when the question takes it, else the text as typed.
    fn typed_answer(raw: &'a str, spec: Option<AnswerSpec>) -> Self {
        match (AnswerValue::parse(raw), spec) {
            (Ok(AnswerValue::Unanswered), _) => Self::Blank,
            (Ok(v), Some(s)) if s.kind.accepts(v, s.na_allowed) => Self::Answer(v),
            _ => Self::text(Some(raw)),
        }
    }
}

/// The dates Excel shows as the reader reads them back: from 1900-03-01 (before it, Excel's
/// phantom 1900-02-29 shifts serial days) to 9999-12-31.
fn excel_holds(d: chrono::NaiveDate) -> bool {
    chrono::NaiveDate::from_ymd_opt(1900, 3, 1).is_some_and(|from| d >= from)
        && chrono::Datelike::year(&d) <= 9999
}

/// One answer's four input cells, in the sheet's column order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AnswerCells<'a> {
    /// `answer`.
    pub answer: Cell<'a>,
    /// `evidence`.
    pub evidence: Cell<'a>,
    /// `evidence_date`.
    pub evidence_date: Cell<'a>,
    /// `comment`.
    pub comment: Cell<'a>,
}

impl<'a> AnswerCells<'a> {
    /// A question nobody answered.
    pub(super) const BLANK: Self = Self {
        answer: Cell::Blank,
        evidence: Cell::Blank,
        evidence_date: Cell::Blank,
        comment: Cell::Blank,
    };

    /// An answer as read (valid by construction).
    fn of_answer(a: &'a Answer) -> Self {
        Self {
            answer: Cell::Answer(a.value),
            evidence: Cell::text(a.evidence.as_deref()),
            evidence_date: a.evidence_date.map_or(Cell::Blank, Cell::date),
            comment: Cell::text(a.comment.as_deref()),
        }
    }

    /// An answer as typed, to a question of `spec` (`None`: unknown).
    fn typed(a: &'a SupplierAnswer, spec: Option<AnswerSpec>) -> Self {
        Self {
            answer: Cell::typed_answer(&a.answer, spec),
            evidence: Cell::text(a.evidence.as_deref()),
            evidence_date: Cell::typed_date(a.evidence_date.as_deref()),
            comment: Cell::text(a.comment.as_deref()),
        }
    }

    fn is_blank(&self) -> bool {
        *self == Self::BLANK
    }
}

/// A typed answer the sheet does not list: written below the listed questions.
#[derive(Debug, Clone)]
pub(super) struct Stray<'a> {
    /// Its question, when the catalog has it: another role's, or a second answer to a listed
    /// one.
    pub question: Option<&'a Question>,
    /// The question id as typed.
    pub typed_id: &'a str,
    /// What was typed.
    pub cells: AnswerCells<'a>,
}

/// The prefill's answers laid out on the sheet.
#[derive(Debug, Default)]
pub(super) struct Placed<'a> {
    /// One entry per listed question, in the sheet's order: the first answer typed for it.
    pub listed: Vec<Option<AnswerCells<'a>>>,
    /// The typed answers the sheet does not list, in the document's order (never from a
    /// supplier as read, whose other answers are left out, as they always were).
    pub rest: Vec<Stray<'a>>,
}

impl<'a> Prefill<'a> {
    /// The AI role the prefill names, when it is a valid one: which questions the sheet lists.
    pub(super) fn role(self) -> Option<AiRole> {
        match self {
            Self::Vendor(v) => v.profile.ai_role,
            Self::Document { doc, .. } => doc.vendor.ai_role.as_deref()?.trim().parse().ok(),
        }
    }

    /// The value cell of the `Profile` row `key` (one of [`super::PROFILE_KEYS`]).
    pub(super) fn profile(self, key: &str) -> Cell<'a> {
        match self {
            Self::Vendor(v) => read_profile(v, key),
            Self::Document { doc, .. } => typed_profile(&doc.vendor, key),
        }
    }

    /// Profile fields outside the format, as typed (key, value), for rows below the profile's:
    /// the document's only, blank ones left out. A key the reader would take for one of the
    /// profile's own fields (`name`, `Vendor ID`) is left out too: written, it would stand in
    /// for that field when the workbook is read.
    pub(super) fn extras(self) -> Vec<(&'a str, &'a str)> {
        match self {
            Self::Vendor(_) => Vec::new(),
            Self::Document { doc, .. } => doc
                .vendor
                .extra
                .iter()
                .filter(|(k, v)| !v.trim().is_empty() && !reads_as_profile_key(k))
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        }
    }

    /// The answers laid out on a sheet listing `listed` (`questions` is the whole catalog, for
    /// the answers to questions it does not list).
    pub(super) fn place(self, questions: &'a [Question], listed: &[&'a Question]) -> Placed<'a> {
        match self {
            Self::Vendor(v) => Placed {
                listed: listed
                    .iter()
                    .map(|q| v.answers.get(&q.id).map(AnswerCells::of_answer))
                    .collect(),
                rest: Vec::new(),
            },
            Self::Document { doc, lookup } => place_typed(doc, lookup, questions, listed),
        }
    }
}

/// A profile field of a supplier as read, as the template has always written it.
fn read_profile<'a>(v: &'a Vendor, key: &str) -> Cell<'a> {
    let p = &v.profile;
    let word = |s: Option<&'static str>| s.map_or(Cell::Blank, |s| Cell::Text(Cow::Borrowed(s)));
    match key {
        "vendor_id" => Cell::text(Some(p.vendor_id.as_str())),
        "name" => Cell::text(p.name.as_deref()),
        "country" => Cell::text(p.country.as_deref()),
        "criticality" => word(p.criticality.map(|c| c.as_str())),
        "ai_role" => word(p.ai_role.map(|c| c.as_str())),
        "data_access" => word(p.data_access.map(|c| c.as_str())),
        "assessed_on" => p.assessed_on.map_or(Cell::Blank, Cell::date),
        "certifications" if !p.certifications.is_empty() => {
            Cell::Text(Cow::Owned(p.certifications.join("; ")))
        }
        _ => Cell::Blank,
    }
}

/// A profile field as typed: the text itself, or a date cell for a valid `assessed_on`.
fn typed_profile<'a>(p: &'a SupplierProfileDoc, key: &str) -> Cell<'a> {
    match key {
        "vendor_id" => Cell::text(Some(&p.vendor_id)),
        "name" => Cell::text(p.name.as_deref()),
        "country" => Cell::text(p.country.as_deref()),
        "criticality" => Cell::text(p.criticality.as_deref()),
        "ai_role" => Cell::text(p.ai_role.as_deref()),
        "data_access" => Cell::text(p.data_access.as_deref()),
        "assessed_on" => Cell::typed_date(p.assessed_on.as_deref()),
        "certifications" if !p.certifications.is_empty() => {
            Cell::Text(Cow::Owned(p.certifications.join("; ")))
        }
        _ => Cell::Blank,
    }
}

/// Whether the reader takes a `Profile` row keyed `key` for one of the profile's own fields
/// (`name`, `Vendor ID`, `Name (name)`): its header key is a profile column's.
fn reads_as_profile_key(key: &str) -> bool {
    super::PROFILE_KEYS.contains(&scrm_model::columns::header_key(key).as_str())
}

/// A document's answers laid out: each on its question's row when the sheet lists the question
/// and no earlier answer took the row; every other one, unless it is a blank answer to a known
/// question (nothing typed, and nothing the reader would say of it), in [`Placed::rest`].
fn place_typed<'a>(
    doc: &'a SupplierDocument,
    lookup: &dyn QuestionLookup,
    questions: &'a [Question],
    listed: &[&'a Question],
) -> Placed<'a> {
    let row: HashMap<QuestionId, usize> =
        listed.iter().enumerate().map(|(i, q)| (q.id, i)).collect();
    let by_id: HashMap<QuestionId, &'a Question> = questions.iter().map(|q| (q.id, q)).collect();
    let mut placed = Placed {
        listed: vec![None; listed.len()],
        rest: Vec::new(),
    };
    for a in &doc.answers {
        let (id, spec) = match lookup.resolve(&a.question_id) {
            Resolution::Known(id, spec) => (Some(id), Some(spec)),
            Resolution::Unknown { .. } => (None, None),
        };
        let cells = AnswerCells::typed(a, spec);
        match id.and_then(|id| row.get(&id)) {
            Some(&i) if placed.listed[i].is_none() => placed.listed[i] = Some(cells),
            _ if id.is_some() && cells.is_blank() => {}
            _ => placed.rest.push(Stray {
                question: id.and_then(|id| by_id.get(&id).copied()),
                typed_id: &a.question_id,
                cells,
            }),
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dates the reader takes, and no others.
    #[test]
    fn dates_as_the_reader_takes_them() {
        let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
        let parse_date = scrm_model::dates::parse_date;
        assert_eq!(parse_date("2025-03-31"), d(2025, 3, 31));
        assert_eq!(parse_date(" 2025/03/31 "), d(2025, 3, 31));
        for bad in [
            "2026-13-01",
            "2025-3-31",
            "2025-03/31",
            "31/03/2025",
            "2025-02-30",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(
            Cell::typed_date(Some("1899-12-31")),
            Cell::Text(Cow::Borrowed("1899-12-31"))
        );
        assert_eq!(Cell::typed_date(Some(" ")), Cell::Blank);
    }

    /// A typed answer is the answer only when its question takes it.
    #[test]
    fn typed_answers_against_their_question() {
        use scrm_model::AnswerKind;
        let maturity = AnswerSpec {
            kind: AnswerKind::Maturity,
            na_allowed: false,
        };
        assert_eq!(
            Cell::typed_answer("Level 3", Some(maturity)),
            Cell::Answer(AnswerValue::Maturity(3))
        );
        for raw in ["3.5", "na", "yes", "maybe"] {
            assert_eq!(
                Cell::typed_answer(raw, Some(maturity)),
                Cell::Text(Cow::Borrowed(raw)),
                "{raw}"
            );
        }
        assert_eq!(
            Cell::typed_answer("3", None),
            Cell::Text(Cow::Borrowed("3"))
        );
        assert_eq!(Cell::typed_answer("  ", Some(maturity)), Cell::Blank);
    }

    #[test]
    fn profile_keys_as_the_reader_reads_them() {
        for k in [
            "name",
            "Vendor ID",
            "vendor-id",
            "Anything (ai_role)",
            "ＮＡＭＥ",
        ] {
            assert!(reads_as_profile_key(k), "{k}");
        }
        for k in ["duns", "parent company", "name2"] {
            assert!(!reads_as_profile_key(k), "{k}");
        }
    }
}
