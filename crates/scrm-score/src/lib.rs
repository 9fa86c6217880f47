//! The scrm scoring engine: lens scores, hard gates, findings, explanations and what-if plans.
//!
//! The engine is a pure library: it takes a catalog, a policy, vendors and exclusions, and
//! returns results. It never prints, never reads files and never looks at the wall clock (the
//! caller passes the date to score as of). The formula is specified in `docs/scoring.md`.

mod coeff;
mod engine;
mod eval;
mod findings;
mod plan;
mod structure;

pub use engine::{Engine, index_exclusions};
pub use scrm_model::{
    Contribution, Explanation, GroupScore, LensExplanation, LensScore, Plan, PlanStep, VendorResult,
};

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests;
