//! The scrm scoring engine: lens scores, hard gates, findings, explanations and what-if plans.
//!
//! The engine is a pure library: it takes a catalog, a policy, vendors and exclusions, and
//! returns results. It never prints, never reads files and never looks at the wall clock (the
//! caller passes the date to score as of). The formula is specified in `docs/scoring.md`.

mod coeff;
mod engine;
mod eval;
mod findings;
mod governance;
mod inputhash;
mod keyindex;
mod plan;
mod rollup;
mod structure;

pub use engine::{Engine, index_exclusions};
pub use governance::governance_view;
pub use rollup::{portfolio_views, roll_up, supplier_view, supplier_views};
pub use scrm_model::{
    Contribution, Explanation, GroupScore, LensExplanation, LensScore, Plan, PlanStep, VendorResult,
};

/// How far below a minimum a score must be to fail it (docs/scoring.md §6.2). Scores are sums
/// of products, so one that equals its minimum in exact arithmetic can come out a few ulps either
/// side depending on how the weights are written (scaling every weight by 5 must not change a
/// status); a billionth of a maturity level is far below anything shown or meant.
pub const SCORE_TOLERANCE: f64 = 1e-9;

/// Whether `x` fails the minimum `t` (strictly below it, beyond [`SCORE_TOLERANCE`]).
pub(crate) fn below(x: f64, t: f64) -> bool {
    x < t - SCORE_TOLERANCE
}

#[cfg(test)]
mod tests;
