//! The narrow view of a question bank that ingestion needs: resolve a raw id, know its kind.

use crate::{AnswerSpec, QuestionId};

/// How a raw question id from a supplier file resolved against the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A known question, in canonical spelling.
    Known(QuestionId, AnswerSpec),
    /// Not in the catalog; `suggestion` is the closest canonical id, if any is close.
    Unknown {
        /// Closest canonical id.
        suggestion: Option<String>,
    },
}

/// A question bank as ingestion sees it. Implemented by `scrm_catalog::Catalog`, and by small
/// test catalogs, so the ingestion crate does not depend on the catalog crate.
pub trait QuestionLookup: Sync {
    /// Resolves an id as spelled in the wild (`GOVERN 1.1`, `gv1.1`, `ai-rmf-gv-1.1`, ...).
    fn resolve(&self, raw: &str) -> Resolution;
}
