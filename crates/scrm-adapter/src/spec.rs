//! The typed adapter: what a read and checked adapter file says.

use crate::pattern::{CellRef, Pattern};
use scrm_model::{AnswerSpec, QuestionId};

/// A foreign questionnaire's adapter, read and checked against the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct Adapter {
    /// Short kebab-case name (`csa-caiq-v4`), written into every answer it derives.
    pub name: String,
    /// What the adapter reads, for people (`CSA CAIQ v4 workbook`).
    pub title: String,
    /// The adapter's own version, if it gives one.
    pub version: Option<String>,
    /// Where the foreign questionnaire and the mapping come from.
    pub source: Option<String>,
    /// The file the adapter was read from, as given.
    pub origin: String,
    /// SHA-256 of the adapter file's bytes, for the run's record.
    pub hash: String,
    /// The adapter file's text as read: a run's manifest records its digest, of the text that
    /// was used rather than of the file as it may be by then.
    pub text: String,
    /// Where the answers are in a foreign file.
    pub table: TableSpec,
    /// Where the supplier's id is.
    pub vendor: VendorFrom,
    /// Profile fields read from cells (`name`, `country`, ...), as the supplier declares them.
    pub profile: Vec<ProfileCell>,
    /// The foreign answer texts and what they mean.
    pub answers: Answers,
    /// The maturity level a foreign yes or partial gives a maturity question.
    pub scale: Scale,
    /// Foreign question ids deliberately left unmapped (not reported).
    pub ignore: Vec<Pattern>,
    /// One entry per scrm question the adapter answers, in file order.
    pub maps: Vec<Mapping>,
}

/// What an adapter does with a foreign question id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Some mapping uses it.
    Mapped,
    /// No mapping uses it, and the adapter says so on purpose (`table.ignore`).
    Ignored,
    /// The adapter does not know it.
    Unknown,
}

impl Adapter {
    /// What the adapter does with the foreign question `id`.
    pub fn route(&self, id: &str) -> Route {
        let f = scrm_model::fold(id);
        if self
            .maps
            .iter()
            .any(|m| m.from.iter().any(|p| p.matches_folded(&f)))
        {
            Route::Mapped
        } else if self.ignore.iter().any(|p| p.matches_folded(&f)) {
            Route::Ignored
        } else {
            Route::Unknown
        }
    }
}

/// Where the answers sit in a foreign file: which sheets, and the header labels of the columns.
/// Labels are compared folded (trimmed, case-insensitive, runs of white space as one space).
#[derive(Debug, Clone, PartialEq)]
pub struct TableSpec {
    /// Sheets read (workbooks); empty means every sheet. A CSV file is one table.
    pub sheets: Vec<Pattern>,
    /// How many non-blank rows from the top of a sheet are searched for the header row.
    pub header_within: usize,
    /// Labels of the foreign question id column (the first one found is used).
    pub question: Vec<String>,
    /// Labels of the answer column.
    pub answer: Vec<String>,
    /// Labels of comment columns: every one found is read, in this order.
    pub comment: Vec<String>,
    /// Labels of the evidence column.
    pub evidence: Vec<String>,
    /// Labels of the evidence date column.
    pub evidence_date: Vec<String>,
    /// Labels of a vendor id column (a table holding several suppliers).
    pub vendor: Vec<String>,
}

/// Where a foreign file names its supplier.
#[derive(Debug, Clone, PartialEq)]
pub enum VendorFrom {
    /// A column of the table (`table.vendor`): one file may hold several suppliers.
    Column,
    /// One cell: the file is one supplier's.
    Cell {
        /// The sheet holding the cell (workbooks); `None` for the first sheet, or a CSV file.
        sheet: Option<Pattern>,
        /// The cell.
        cell: CellRef,
    },
    /// The file's name without its extension: the file is one supplier's.
    FileStem,
}

/// A profile field the supplier declares in a cell of its file.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileCell {
    /// The profile field (`name`, `country`, `criticality`, ...).
    pub field: String,
    /// The sheet holding the cell; `None` for the first sheet, or a CSV file.
    pub sheet: Option<Pattern>,
    /// The cell.
    pub cell: CellRef,
}

/// What a foreign answer text says, before it is mapped onto a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Foreign {
    /// In place.
    Yes,
    /// Partly in place.
    Partial,
    /// Not in place.
    No,
    /// Does not apply.
    Na,
    /// Not answered.
    Blank,
    /// A maturity level 0-5.
    Level(u8),
    /// An answer whose row was rejected on reading (its problems reported there). It weighs as
    /// the weakest answer, as a blank does: a cell scrm could not read never lifts a score
    /// above what a "no" there would give.
    Rejected,
}

impl Foreign {
    /// The canonical spelling (`yes`, `na`, `3`).
    pub fn as_text(self) -> String {
        match self {
            Self::Yes => "yes".into(),
            Self::Partial => "partial".into(),
            Self::No => "no".into(),
            Self::Na => "na".into(),
            Self::Blank => "blank".into(),
            Self::Level(n) => n.to_string(),
            Self::Rejected => "rejected".into(),
        }
    }
}

/// The foreign answer vocabulary: the adapter's own texts first, then scrm's (yes, partial, no,
/// na, 0-5 in English and Traditional Chinese, as in every other input format).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Answers {
    /// Folded text and its meaning, in file order.
    pub texts: Vec<(String, Foreign)>,
}

impl Answers {
    /// What a raw cell says, or `None` when neither the adapter nor scrm knows the text.
    pub fn classify(&self, raw: &str) -> Option<Foreign> {
        let f = scrm_model::fold(raw);
        if let Some((_, c)) = self.texts.iter().find(|(t, _)| *t == f) {
            return Some(*c);
        }
        use scrm_model::AnswerValue as V;
        Some(match V::parse(raw).ok()? {
            V::Maturity(n) => Foreign::Level(n),
            V::Yes => Foreign::Yes,
            V::Partial => Foreign::Partial,
            V::No => Foreign::No,
            V::NotApplicable => Foreign::Na,
            V::Unanswered => Foreign::Blank,
        })
    }

    /// The texts accepted, for "valid values are ..." messages: the adapter's own, then scrm's.
    pub fn valid_texts(&self) -> Vec<String> {
        let mut v: Vec<String> = self.texts.iter().map(|(t, _)| t.clone()).collect();
        for s in ["yes", "partial", "no", "na", "0-5"] {
            if !v.iter().any(|t| t == s) {
                v.push(s.to_string());
            }
        }
        v
    }
}

/// The maturity level (0-5) a foreign yes and a foreign partial give a maturity question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// The level of a yes (default 3, "defined": a yes/no questionnaire attests that a practice
    /// exists, not that it is measured or improved).
    pub yes: u8,
    /// The level of a partial (default 1, "initial").
    pub partial: u8,
}

impl Default for Scale {
    fn default() -> Self {
        Self { yes: 3, partial: 1 }
    }
}

/// How several foreign answers make one scrm answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Combine {
    /// The mean, rounded down: of levels for a maturity question; for a yes/partial/no
    /// question, yes when every answer is yes, no when none is, partial otherwise.
    Mean,
    /// The weakest answer.
    Min,
}

impl Combine {
    /// `mean` or `min`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mean => "mean",
            Self::Min => "min",
        }
    }
}

/// One scrm question the adapter answers, and the foreign questions it is derived from.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// The scrm question, canonical.
    pub to: QuestionId,
    /// Its answer kind.
    pub spec: AnswerSpec,
    /// The foreign question ids (exact, or a prefix ending in `*`).
    pub from: Vec<Pattern>,
    /// How several foreign answers combine.
    pub combine: Combine,
    /// The line of the adapter file the entry starts on.
    pub line: usize,
}
