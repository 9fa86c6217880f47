//! The scrm scoring policy: a TOML file holding weights, thresholds, tiering, knock-outs,
//! hard-gate sources, severities, the residual-risk matrix and exemptions.
//!
//! Reading a policy walks the spanned TOML document by hand so that *every* problem (unknown
//! keys included) is reported with its line and column in one pass, the way `cargo deny`
//! validates its configuration. The embedded default (`policy/default.toml`) is what
//! `scrm policy init` writes and what scoring uses when no policy file is given.

mod diff;
mod model;
mod parse;
pub mod walk;

pub use diff::{Change, diff, flatten, render_diff};
pub use model::{
    Contradiction, EvidenceRules, Exemption, Knockout, Policy, Quality, Remediation, Residual,
    Thresholds, Tiering,
};
pub use parse::{PolicyError, lens_groups};
pub use walk::PolicyProblem;

use scrm_model::QuestionLookup;

/// The default policy file, fully commented.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../policy/default.toml");

impl Policy {
    /// Parses and validates a policy file. With `lookup`, question ids are checked against the
    /// catalog and canonicalized.
    pub fn from_toml(
        file: &str,
        src: &str,
        lookup: Option<&dyn QuestionLookup>,
    ) -> Result<Policy, PolicyError> {
        parse::parse(file, src, lookup)
    }

    /// The embedded default policy, checked against `lookup` when given.
    pub fn builtin(lookup: Option<&dyn QuestionLookup>) -> Result<Policy, PolicyError> {
        parse::parse("builtin", DEFAULT_POLICY_TOML, lookup)
    }
}

#[cfg(test)]
mod tests;
