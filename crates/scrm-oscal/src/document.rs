//! What both documents are made of: each supplier's parts, built and serialized on its own
//! core; the metadata; the back matter (the plan and the input files).

use crate::ids::Ids;
use crate::model::{self, BackMatter, Hash, Metadata, Resource, Rlink};
use crate::vendor::VendorParts;
use crate::{Assessment, OSCAL_VERSION, OscalError, prop, text};
use rayon::prelude::*;
use scrm_model::{Plan, VendorResult};
use serde::Serialize;
use std::collections::HashMap;

/// What every supplier's parts are made with, prepared once per document: the run's ids, the
/// plans by vendor, the deadline, and the results in vendor-id order (the order of every list).
pub(crate) struct Suppliers<'a> {
    a: Assessment<'a>,
    /// The run's ids.
    pub(crate) ids: Ids,
    plans: HashMap<&'a str, &'a Plan>,
    deadline: Option<String>,
    /// The results, by vendor id.
    pub(crate) results: Vec<&'a VendorResult>,
}

impl<'a> Suppliers<'a> {
    pub(crate) fn new(a: &Assessment<'a>) -> Self {
        let mut results: Vec<&'a VendorResult> = a.results.iter().collect();
        results.sort_by(|x, y| x.vendor_id.cmp(&y.vendor_id));
        Self {
            a: *a,
            ids: Ids::for_run(a.manifest),
            plans: a.plans.iter().map(|p| (p.vendor_id.as_str(), p)).collect(),
            deadline: a.deadline(),
            results,
        }
    }

    /// Builds the parts of each supplier of `chunk` on its own core and hands them to `f` there
    /// (which makes the supplier's share of a document, typed or serialized), in the chunk's
    /// order whatever the number of threads.
    pub(crate) fn parts<T: Send>(
        &self,
        chunk: &[&'a VendorResult],
        f: impl Fn(&'a VendorResult, VendorParts) -> T + Sync,
    ) -> Vec<T> {
        chunk
            .par_iter()
            .map(|&r| {
                let parts = VendorParts::new(
                    &self.ids,
                    self.a.catalog,
                    r,
                    self.plans.get(r.vendor_id.as_str()).copied(),
                    &self.a.manifest.generated_at,
                    self.deadline.as_deref(),
                );
                f(r, parts)
            })
            .collect()
    }
}

/// Suppliers per chunk when a document is streamed: enough to keep every core busy, few enough
/// that a chunk's text is small next to the document's.
pub(crate) const CHUNK: usize = 4096;

/// How deep the elements of a document's main lists sit: `{ "document": { "list": [ here`.
const LIST_DEPTH: usize = 3;

/// A list element serialized as it sits in one of the document's main lists
/// ([`scrm_model::splice::element`] at their depth).
pub(crate) fn element<T: Serialize>(value: &T) -> Result<String, OscalError> {
    Ok(scrm_model::splice::element(value, LIST_DEPTH)?)
}

/// The metadata both documents carry: title, time, versions and the run's provenance.
pub(crate) fn metadata(a: &Assessment<'_>, title: String, parties: Vec<model::Party>) -> Metadata {
    let m = a.manifest;
    let mut props = vec![
        prop("tool", format!("scrm {}", m.tool_version)),
        prop("as-of", m.as_of.to_string()),
        prop("vendors", m.counts.vendors.to_string()),
        prop("rows-read", m.counts.rows_read.to_string()),
        prop("rows-accepted", m.counts.accepted.to_string()),
        prop("rows-rejected", m.counts.rejected.to_string()),
    ];
    props.retain(|p| !p.value.is_empty());
    Metadata {
        title,
        last_modified: m.generated_at.clone(),
        version: m.as_of.to_string(),
        oscal_version: OSCAL_VERSION.into(),
        props,
        parties,
    }
}

/// The back matter: the assessment plan (catalog and policy), then every input file with its
/// digest, in the order the run read them.
pub(crate) fn back_matter(a: &Assessment<'_>, ids: &Ids) -> BackMatter {
    let m = a.manifest;
    let policy = text::string(&m.policy_name).unwrap_or_else(|| "builtin".into());
    let mut resources = vec![Resource {
        uuid: ids.of("plan", &[]),
        title: format!(
            "scrm assessment plan: catalog {}, policy {}",
            text::markup_inline(&m.catalog_version),
            text::markup_inline(&policy)
        ),
        description: "The questionnaire every supplier answered (scrm's question bank) and the \
                      buyer's scoring policy (weights, tier thresholds, knock-out questions, hard \
                      gates). The command scrm catalog export --format oscal writes the question \
                      bank and the policy's rules as an OSCAL catalog: each finding's target is \
                      one of its assessment objectives."
            .into(),
        props: vec![
            prop(
                "catalog-version",
                text::string(&m.catalog_version).unwrap_or_default(),
            ),
            prop("catalog-sha256", m.catalog_hash.clone()),
            prop("policy-name", policy),
            prop("policy-sha256", m.policy_hash.clone()),
            prop("as-of", m.as_of.to_string()),
        ]
        .into_iter()
        .filter(|p| !p.value.is_empty())
        .collect(),
        rlinks: Vec::new(),
    }];
    for (i, f) in m.inputs.iter().enumerate() {
        let mut props = vec![
            prop("input-kind", text::string(&f.kind).unwrap_or_default()),
            prop("rows-read", f.rows_read.to_string()),
            prop("rows-accepted", f.accepted.to_string()),
            prop("rows-rejected", f.rejected.to_string()),
        ];
        if !f.blake3.is_empty() {
            // OSCAL's hash algorithms are SHA-2 and SHA-3 only: BLAKE3 is a property.
            props.push(prop("blake3", f.blake3.clone()));
        }
        props.retain(|p| !p.value.is_empty());
        let href = scrm_model::safe::uri_path(&f.path);
        let hashes = if f.sha256.is_empty() {
            Vec::new()
        } else {
            vec![Hash {
                algorithm: "SHA-256".into(),
                value: f.sha256.clone(),
            }]
        };
        resources.push(Resource {
            uuid: ids.of("input", &[&i.to_string()]),
            title: format!("Input file {}", text::markup_inline(&f.path)),
            description: format!(
                "Read as {}: {} row(s) read, {} accepted, {} rejected.",
                text::markup_inline(&f.kind),
                f.rows_read,
                f.accepted,
                f.rejected
            ),
            props,
            rlinks: if href.is_empty() {
                Vec::new()
            } else {
                vec![Rlink { href, hashes }]
            },
        });
    }
    BackMatter { resources }
}
