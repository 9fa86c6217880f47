//! OSCAL exports of a scored portfolio: an **assessment results** document (one result per
//! supplier, with its scores, findings and risk), a **plan of action and milestones** (one item
//! per finding to resolve, with the improvement plan scrm found as each risk's remediation), and
//! the question bank as a **catalog** whose assessment objectives the findings target.
//!
//! The documents are OSCAL 1.1.2 JSON and also valid under OSCAL 1.2.1 (the tests check both
//! against NIST's schemas). `docs/oscal.md` says how scrm's results map onto OSCAL's model. Like
//! every renderer, this crate never prints, reads the clock or touches files: the time is the
//! manifest's, and every id is derived from the run's content (module `ids`), so the same
//! inputs give the same bytes apart from that time.

mod ar;
mod catalog;
mod document;
mod ids;
pub mod model;
mod poam;
#[doc(hidden)]
pub mod testutil;
mod text;
mod vendor;

use crate::model::Property;
use scrm_catalog::Catalog;
use scrm_model::{Plan, RunManifest, VendorResult};
use serde::Serialize;

pub use ar::{
    assessment_results, assessment_results_json, check_assessment_results, write_assessment_results,
};
pub use catalog::catalog;
pub use poam::{check_poam, poam, poam_json, write_poam};
pub use text::{markup, markup_inline, token};

/// The OSCAL version the documents declare.
pub const OSCAL_VERSION: &str = "1.1.2";

/// The namespace of scrm's own property names (OSCAL's rule: names outside OSCAL's own carry
/// the URI of whoever defines them).
pub const NAMESPACE: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/ns/oscal");

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum OscalError {
    /// A POA&M must hold at least one item, and no supplier has anything to resolve.
    #[error(
        "no supplier has a finding to resolve (every one is eligible), and an OSCAL POA&M must hold at least one item"
    )]
    NothingToResolve,
    /// No supplier was scored, and an OSCAL document must hold at least one result (or item).
    #[error(
        "no supplier was scored (no input rows, or every one rejected), and an OSCAL document must hold at least one"
    )]
    NoSupplier,
    /// JSON serialization failed.
    #[error("cannot write OSCAL JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing the document failed.
    #[error("cannot write the OSCAL document: {0}")]
    Io(#[from] std::io::Error),
}

/// Everything an export is made from: one run's results, the plans of its suppliers at risk,
/// its manifest and the catalog it was scored against.
#[derive(Debug, Clone, Copy)]
pub struct Assessment<'a> {
    /// One result per supplier, in any order.
    pub results: &'a [VendorResult],
    /// Improvement plans (suppliers at risk); a supplier without one gets none in the export.
    pub plans: &'a [Plan],
    /// The run's manifest: time, catalog, policy, inputs.
    pub manifest: &'a RunManifest,
    /// The catalog scored against: question topics and framework references.
    pub catalog: &'a Catalog,
    /// Days after the as-of date by which a supplier at risk or excluded must have cleared the
    /// bar (the policy's `[remediation] deadline_days`): its risk's deadline and its plan's
    /// milestone. `None`: no deadline.
    pub deadline_days: Option<u32>,
}

impl Assessment<'_> {
    /// The remediation deadline as OSCAL writes a time: the end of the day, UTC.
    pub(crate) fn deadline(&self) -> Option<String> {
        let days = chrono::Days::new(u64::from(self.deadline_days?));
        let date = self.manifest.as_of.checked_add_days(days)?;
        Some(format!("{date}T23:59:59Z"))
    }
}

/// A property in scrm's namespace.
pub(crate) fn prop(name: &str, value: String) -> Property {
    Property {
        name: name.to_string(),
        ns: Some(NAMESPACE.to_string()),
        value,
        class: None,
    }
}

impl Property {
    /// Sets the class.
    pub(crate) fn with_class(mut self, class: &str) -> Self {
        self.class = Some(class.to_string());
        self
    }
}

/// A score, share or increase as machine outputs write it (`docs/scoring.md` §8: four places).
pub(crate) fn score_value(x: f64) -> String {
    scrm_model::round::round4(x).to_string()
}

/// A document as pretty JSON with a final line feed.
pub fn to_json<T: Serialize>(doc: &T) -> Result<Vec<u8>, OscalError> {
    let mut out = serde_json::to_vec_pretty(doc)?;
    out.push(b'\n');
    Ok(out)
}
