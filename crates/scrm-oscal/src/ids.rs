//! OSCAL identifiers derived from what a run scored, so that the same inputs give the same
//! documents byte for byte (apart from the run's time) and every id is still globally unique.
//!
//! OSCAL wants RFC 4122 UUIDs of version 4 or 5. Version 5 (name-based) under scrm's own
//! namespace gives both: a document's ids come from the run's content key (catalog, policy,
//! as-of date and input digests), a supplier's party id from its vendor id alone, so that the same
//! supplier is the same party in every run's documents.

use scrm_model::RunManifest;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// scrm's UUID namespace (a random version 4 UUID, fixed once: changing it changes every id).
const NAMESPACE: Uuid = Uuid::from_u128(0xfa19318c_3e40_46d9_aac0_d6b30f35f307);

/// The ids of one run's documents.
#[derive(Debug, Clone)]
pub struct Ids {
    /// Hex SHA-256 of everything that decides the run's results.
    run_key: String,
}

impl Ids {
    /// Ids for the run a manifest describes: what decides its results (tool, catalog, policy,
    /// as-of date, each input's kind and digest, in order). The time it ran and where its files
    /// lay are left out on purpose: a re-run on the same inputs is the same assessment.
    pub fn for_run(m: &RunManifest) -> Self {
        let mut h = Sha256::new();
        for part in [
            m.tool_version.as_str(),
            &m.catalog_version,
            &m.catalog_hash,
            &m.policy_name,
            &m.policy_hash,
            &m.as_of.to_string(),
        ] {
            h.update(part.as_bytes());
            h.update([0x1f]);
        }
        for f in &m.inputs {
            for part in [&f.kind, &f.sha256, &f.blake3] {
                h.update(part.as_bytes());
                h.update([0x1f]);
            }
            h.update([0x1e]);
        }
        Self {
            run_key: hex::encode(h.finalize()),
        }
    }

    /// The id of something in this run, named by its kind and the path to it (vendor id,
    /// finding index, …). Parts are joined with a separator no id can hold.
    pub fn of(&self, kind: &str, parts: &[&str]) -> String {
        let mut name = format!("{}\u{1f}{kind}", self.run_key);
        for p in parts {
            name.push('\u{1f}');
            name.push_str(p);
        }
        Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
    }

    /// A supplier's party id: the same in every run.
    pub fn party(vendor_id: &str) -> String {
        Self::named("party", vendor_id)
    }

    /// The id of something named by one key outside any run (a party by its vendor id, the
    /// catalog by its content hash).
    pub fn named(kind: &str, key: &str) -> String {
        Uuid::new_v5(&NAMESPACE, format!("{kind}\u{1f}{key}").as_bytes()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_5_and_stable() {
        let a = Ids::party("V-0001");
        assert_eq!(a, Ids::party("V-0001"));
        assert_ne!(a, Ids::party("V-0002"));
        let u = Uuid::parse_str(&a).expect("a UUID");
        assert_eq!(u.get_version_num(), 5);
    }
}
