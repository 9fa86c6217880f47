//! Identifier newtypes: a vendor id and a catalog question id are never confused.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A supplier's identifier as the buyer assigns it (trimmed, never empty).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct VendorId(String);

impl VendorId {
    /// Builds a vendor id from raw text; `None` when it is blank after trimming.
    pub fn new(raw: &str) -> Option<Self> {
        let t = raw.trim();
        (!t.is_empty()).then(|| Self(t.to_string()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for VendorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A question id in its canonical catalog spelling (for example `GV-6.1`, `AIMS-A.10.3`).
///
/// Spellings seen in the wild (`GOVERN 6.1`, `gv6.1`, `ai-rmf-gv-6.1`) are mapped onto this
/// form by a [`crate::QuestionLookup`]; a `QuestionId` is only built from the canonical form.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct QuestionId(String);

impl QuestionId {
    /// Wraps a canonical id. Callers are responsible for canonical spelling.
    pub fn new(canonical: impl Into<String>) -> Self {
        Self(canonical.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::borrow::Borrow<str> for QuestionId {
    fn borrow(&self) -> &str {
        &self.0
    }
}
