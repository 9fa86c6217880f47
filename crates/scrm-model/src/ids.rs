//! Identifier newtypes: a vendor id and a catalog question id are never confused.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::sync::{OnceLock, PoisonError, RwLock};

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
///
/// Ids are interned: each distinct spelling is stored once for the life of the process, and a
/// `QuestionId` is a pointer to it, so cloning one (once per answer, millions of times in a
/// nightly run) copies a pointer instead of allocating. Only catalog ids become `QuestionId`s
/// (unknown ids in supplier files are rejected before), so the set stays as small as the
/// catalogs a process loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, JsonSchema)]
#[schemars(transparent)]
pub struct QuestionId(&'static str);

/// The interned question ids.
fn interned() -> &'static RwLock<HashSet<&'static str>> {
    static IDS: OnceLock<RwLock<HashSet<&'static str>>> = OnceLock::new();
    IDS.get_or_init(Default::default)
}

impl QuestionId {
    /// Wraps a canonical id. Callers are responsible for canonical spelling.
    pub fn new(canonical: impl AsRef<str>) -> Self {
        let s = canonical.as_ref();
        // A poisoned lock only means another thread panicked mid-insert of a complete &str;
        // the set is still consistent.
        if let Some(&hit) = interned()
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(s)
        {
            return Self(hit);
        }
        let mut set = interned().write().unwrap_or_else(PoisonError::into_inner);
        if let Some(&hit) = set.get(s) {
            return Self(hit);
        }
        let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
        set.insert(leaked);
        Self(leaked)
    }

    /// The id as text.
    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// A number that stands for this id within the process: ids are interned, so equal ids
    /// share their text and different ids have different addresses. A hash key that needs no
    /// string hashing or comparison (scoring looks up every answer's question).
    pub fn key(&self) -> usize {
        self.0.as_ptr() as usize
    }
}

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::borrow::Borrow<str> for QuestionId {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl Serialize for QuestionId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for QuestionId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = QuestionId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a question id")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<QuestionId, E> {
                Ok(QuestionId::new(v))
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_ids_are_interned_and_round_trip() {
        let a = QuestionId::new("GV-6.1");
        let b = QuestionId::new(String::from("GV-6.1"));
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_eq!(a, b);
        assert!(QuestionId::new("GV-1.1") < a);
        let json = serde_json::to_string(&vec![a]).expect("serialize");
        assert_eq!(json, r#"["GV-6.1"]"#);
        let back: Vec<QuestionId> = serde_json::from_str(&json).expect("deserialize");
        assert!(std::ptr::eq(back[0].as_str(), a.as_str()));
    }
}
