//! OSCAL exports of a scored portfolio: an **assessment results** document (one result per
//! supplier, with its scores, findings and risk) and a **plan of action and milestones** (one item
//! per finding to resolve, with the improvement plan scrm found as each risk's remediation).
//!
//! The documents are OSCAL 1.1.2 JSON and also valid under OSCAL 1.2.1 (the tests check both
//! against NIST's schemas). `docs/oscal.md` says how scrm's results map onto OSCAL's model. Like
//! every renderer, this crate never prints, reads the clock or touches files: the time is the
//! manifest's, and every id is derived from the run's content ([`ids`]), so the same inputs give
//! the same bytes apart from that time.

mod ids;
pub mod model;
mod text;
mod vendor;

use crate::ids::Ids;
use crate::model::{
    AssessmentResult, AssessmentResults, AssessmentResultsDocument, BackMatter, ControlSelection,
    Hash, Import, IncludeAll, Metadata, Poam, PoamDocument, Property, Resource, ReviewedControls,
    Rlink,
};
use crate::vendor::{VendorParts, result_props};
use scrm_catalog::Catalog;
use scrm_model::{Plan, RunManifest, VendorResult};
use std::collections::{HashMap, HashSet};

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
    /// JSON serialization failed.
    #[error("cannot write OSCAL JSON: {0}")]
    Json(#[from] serde_json::Error),
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

/// The pieces both documents share, one supplier at a time, in vendor-id order.
struct Parts<'a> {
    ids: Ids,
    vendors: Vec<(&'a VendorResult, VendorParts)>,
}

impl<'a> Parts<'a> {
    fn new(a: &Assessment<'a>) -> Self {
        let ids = Ids::for_run(a.manifest);
        let plans: HashMap<&str, &Plan> =
            a.plans.iter().map(|p| (p.vendor_id.as_str(), p)).collect();
        let mut results: Vec<&VendorResult> = a.results.iter().collect();
        results.sort_by(|x, y| x.vendor_id.cmp(&y.vendor_id));
        let vendors = results
            .into_iter()
            .map(|r| {
                let plan = plans.get(r.vendor_id.as_str()).copied();
                let parts = VendorParts::new(&ids, a.catalog, r, plan, &a.manifest.generated_at);
                (r, parts)
            })
            .collect();
        Self { ids, vendors }
    }
}

/// The metadata both documents carry: title, time, versions and the run's provenance.
fn metadata(a: &Assessment<'_>, title: String, parties: Vec<model::Party>) -> Metadata {
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

/// Characters of a path written as they are in a URI reference: the unreserved ones and `/`.
const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The back matter: the assessment plan (catalog and policy), then every input file with its
/// digest, in the order the run read them.
fn back_matter(a: &Assessment<'_>, ids: &Ids) -> BackMatter {
    let m = a.manifest;
    let policy = text::string(&m.policy_name).unwrap_or_else(|| "builtin".into());
    let mut resources = vec![Resource {
        uuid: ids.of("plan", &[]),
        title: format!(
            "scrm assessment plan: catalog {}, policy {}",
            text::markup_inline(&m.catalog_version),
            text::markup_inline(&policy)
        ),
        description: "The questionnaire every supplier answered (scrm's question bank, its \
                      questions the objectives findings name) and the buyer's scoring policy \
                      (weights, tier thresholds, knock-out questions, hard gates)."
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
        let href = percent_encoding::utf8_percent_encode(&f.path, PATH).to_string();
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

/// The assessment results document: one result per supplier (by vendor id), each with its
/// scores as properties, an observation and a finding per scrm finding, and its risk when it
/// is at risk or excluded.
pub fn assessment_results(a: &Assessment<'_>) -> AssessmentResultsDocument {
    let parts = Parts::new(a);
    let ids = &parts.ids;
    let plan_uuid = ids.of("plan", &[]);
    let mut parties = Vec::with_capacity(parts.vendors.len());
    let mut results = Vec::with_capacity(parts.vendors.len());
    for (r, p) in parts.vendors {
        let vid = r.vendor_id.as_str();
        let name = vendor::display_name(r);
        let scores = [
            ("combined", r.combined_score),
            ("AI RMF", r.lens(scrm_model::Lens::Airm).score),
            ("ISO/IEC 42001", r.lens(scrm_model::Lens::Aims).score),
            ("C-SCRM", r.lens(scrm_model::Lens::Cscrm).score),
        ]
        .iter()
        .filter_map(|(label, s)| s.map(|s| format!("{label} {}", score_value(s))))
        .collect::<Vec<_>>()
        .join(", ");
        results.push(AssessmentResult {
            uuid: ids.of("result", &[vid]),
            title: format!(
                "{} ({}): {}",
                markup(&name),
                text::markup_inline(vid),
                r.status.as_str()
            ),
            description: format!(
                "Questionnaire answers scored against the plan: {} ({} of {} applicable \
                 questions answered; {} finding(s)).",
                if scores.is_empty() {
                    "no lens applies".to_string()
                } else {
                    scores
                },
                r.answered,
                r.applicable,
                r.findings.len()
            ),
            start: a.manifest.generated_at.clone(),
            props: result_props(r),
            reviewed_controls: ReviewedControls {
                description: format!(
                    "Every question of the catalog that applies to this supplier ({}).",
                    r.applicable
                ),
                control_selections: vec![ControlSelection {
                    include_all: IncludeAll {},
                }],
            },
            observations: p.observations,
            risks: p.risk.into_iter().collect(),
            findings: p.findings,
        });
        parties.push(p.party);
    }
    let title = format!(
        "Supplier AI security maturity assessment results, as of {}",
        a.manifest.as_of
    );
    AssessmentResultsDocument {
        assessment_results: AssessmentResults {
            uuid: ids.of("assessment-results", &[]),
            metadata: metadata(a, title, parties),
            import_ap: Import {
                href: format!("#{plan_uuid}"),
                remarks: Some(
                    "The plan is scrm's catalog and the buyer's policy, named in the back matter."
                        .into(),
                ),
            },
            results,
            back_matter: back_matter(a, ids),
        },
    }
}

/// The plan of action and milestones: an item per warning or denial (suppliers by vendor id),
/// the observations behind them, and a risk per supplier at risk or excluded whose remediation
/// is scrm's improvement plan (or the hard gate to resolve).
///
/// Fails with [`OscalError::NothingToResolve`] when no supplier has anything to resolve: OSCAL
/// requires a POA&M to hold an item.
pub fn poam(a: &Assessment<'_>) -> Result<PoamDocument, OscalError> {
    let parts = Parts::new(a);
    let ids = &parts.ids;
    let mut parties = Vec::new();
    let (mut observations, mut risks, mut items) = (Vec::new(), Vec::new(), Vec::new());
    for (_, p) in parts.vendors {
        if p.poam_items.is_empty() && p.risk.is_none() {
            continue;
        }
        // Only the observations an item or a risk points to (not those of exempted findings).
        let cited: HashSet<&str> = p
            .poam_items
            .iter()
            .flat_map(|i| &i.related_observations)
            .chain(p.risk.iter().flat_map(|r| &r.related_observations))
            .map(|o| o.observation_uuid.as_str())
            .collect();
        observations.extend(
            p.observations
                .iter()
                .filter(|o| cited.contains(o.uuid.as_str()))
                .cloned(),
        );
        parties.push(p.party);
        risks.extend(p.risk);
        items.extend(p.poam_items);
    }
    if items.is_empty() {
        return Err(OscalError::NothingToResolve);
    }
    let title = format!(
        "Supplier AI security plan of action and milestones, as of {}",
        a.manifest.as_of
    );
    Ok(PoamDocument {
        poam: Poam {
            uuid: ids.of("poam", &[]),
            metadata: metadata(a, title, parties),
            observations,
            risks,
            poam_items: items,
            back_matter: back_matter(a, ids),
        },
    })
}

/// A document as pretty JSON with a final line feed.
pub fn to_json<T: serde::Serialize>(doc: &T) -> Result<Vec<u8>, OscalError> {
    let mut out = serde_json::to_vec_pretty(doc)?;
    out.push(b'\n');
    Ok(out)
}
