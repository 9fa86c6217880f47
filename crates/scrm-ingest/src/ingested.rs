//! The result of ingestion: vendors, exclusions, per-file counts, problems and rejects.

use crate::{Problem, ProblemSeverity, Reject};
use scrm_model::{Exclusion, InputFile, RunCounts, Vendor};

/// Everything read from the inputs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ingested {
    /// Vendors sorted by id, profiles merged (buyer values over supplier-declared ones).
    pub vendors: Vec<Vendor>,
    /// How many vendors were read: `vendors.len()`, or, after [`crate::ingest_map`] (which keeps
    /// no vendors), how many were handed to the map.
    pub vendors_read: u64,
    /// Hard-gate exclusion entries, in input order.
    pub exclusions: Vec<Exclusion>,
    /// Every file read, in input order, with `rows_read = accepted + rejected`.
    pub files: Vec<InputFile>,
    /// Every problem, in input order (file, sheet, row, column).
    pub problems: Vec<Problem>,
    /// Every rejected row, in input order.
    pub rejects: Vec<Reject>,
}

impl Ingested {
    /// Problems reported as errors.
    pub fn error_count(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == ProblemSeverity::Error)
            .count()
    }

    /// Problems reported as warnings.
    pub fn warning_count(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == ProblemSeverity::Warning)
            .count()
    }

    /// Whether problems went past the problem limit: some were counted, not listed, and the
    /// rejects hold only the first rejected rows ([`crate::Limits::max_problems`]).
    pub fn past_problem_limit(&self) -> bool {
        self.problems
            .iter()
            .any(|p| p.code == crate::ProblemCode::TooManyProblems)
    }

    /// Totals over all files.
    pub fn counts(&self) -> RunCounts {
        let mut c = RunCounts {
            vendors: self.vendors_read,
            ..RunCounts::default()
        };
        for f in &self.files {
            c.rows_read += f.rows_read;
            c.accepted += f.accepted;
            c.rejected += f.rejected;
        }
        c
    }
}
