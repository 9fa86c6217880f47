//! The scrm scoring engine: lens scores, hard gates, findings, explanations and what-if plans.
//!
//! The engine is a pure library: it takes a catalog, a policy, vendors and exclusions, and
//! returns results. It never prints, never reads files and never looks at the wall clock (the
//! caller passes the date to score as of).

pub use scrm_model::{
    Contribution, Explanation, GroupScore, LensExplanation, LensScore, Plan, PlanStep, VendorResult,
};
