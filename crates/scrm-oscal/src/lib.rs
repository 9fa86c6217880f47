//! OSCAL exports of a scored portfolio: an **assessment results** document (one result per
//! supplier, with its scores, findings and risk), a **plan of action and milestones** (one item
//! per finding to resolve, with the improvement plan scrm found as each risk's remediation), and
//! the question bank as a **catalog** whose assessment objectives the findings target.
//!
//! The documents are OSCAL 1.1.2 JSON and also valid under OSCAL 1.2.1 (the tests check both
//! against NIST's schemas). `docs/oscal.md` says how scrm's results map onto OSCAL's model. Like
//! every renderer, this crate never prints, reads the clock or touches files: the time is the
//! manifest's, and every id is derived from the run's content ([`ids`]), so the same inputs give
//! the same bytes apart from that time.

mod catalog;
mod ids;
pub mod model;
mod text;
mod vendor;

use crate::ids::Ids;
use crate::model::{
    AssessmentResult, AssessmentResults, AssessmentResultsDocument, BackMatter, ControlSelection,
    Hash, Import, IncludeAll, Metadata, Observation, Poam, PoamDocument, PoamItem, Property,
    Resource, ReviewedControls, Risk, Rlink,
};
use crate::vendor::{VendorParts, result_props};
use rayon::prelude::*;
use scrm_catalog::Catalog;
use scrm_model::{Plan, RunManifest, VendorResult};
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};

pub use catalog::catalog;
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

/// Builds each supplier's parts on its own core and hands them to `f` there (which makes the
/// supplier's share of a document, typed or serialized), in vendor-id order whatever the order of
/// the results and the number of threads.
fn per_vendor<'a, T: Send>(
    a: &Assessment<'a>,
    ids: &Ids,
    f: impl Fn(&'a VendorResult, VendorParts) -> T + Sync,
) -> Vec<T> {
    let plans: HashMap<&str, &Plan> = a.plans.iter().map(|p| (p.vendor_id.as_str(), p)).collect();
    let mut results: Vec<&'a VendorResult> = a.results.iter().collect();
    results.sort_by(|x, y| x.vendor_id.cmp(&y.vendor_id));
    results
        .into_par_iter()
        .map(|r| {
            let plan = plans.get(r.vendor_id.as_str()).copied();
            f(
                r,
                VendorParts::new(ids, a.catalog, r, plan, &a.manifest.generated_at),
            )
        })
        .collect()
}

/// A part of a document serialized as it will sit in it: pretty-printed, every line after the
/// first indented `depth` levels (serde_json's pretty printer indents the first itself). JSON
/// strings hold no raw line break, so every line break is the printer's own.
fn fragment<T: Serialize>(value: &T, depth: usize) -> Result<Box<RawValue>, OscalError> {
    let text = serde_json::to_string_pretty(value)?;
    let indented = text.replace('\n', &format!("\n{}", "  ".repeat(depth)));
    Ok(RawValue::from_string(indented)?)
}

/// How deep the elements of a document's main lists sit: `{ "document": { "list": [ here`.
const LIST_DEPTH: usize = 3;

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

/// One supplier's result: its scores as properties, an observation and a finding per scrm
/// finding, and its risk when it is at risk or excluded.
fn result_of(a: &Assessment<'_>, ids: &Ids, r: &VendorResult, p: VendorParts) -> AssessmentResult {
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
    AssessmentResult {
        uuid: ids.of("result", &[vid]),
        title: format!(
            "{} ({}): {}",
            markup(&name),
            text::markup_inline(vid),
            r.status.as_str()
        ),
        description: format!(
            "Questionnaire answers scored against the plan: {} ({} of {} applicable questions \
             answered; {} finding(s)).",
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
    }
}

/// The assessment results document around its results, however they are held.
fn ar_document<R>(
    a: &Assessment<'_>,
    ids: &Ids,
    parties: Vec<model::Party>,
    results: Vec<R>,
) -> AssessmentResultsDocument<R> {
    let title = format!(
        "Supplier AI security maturity assessment results, as of {}",
        a.manifest.as_of
    );
    AssessmentResultsDocument {
        assessment_results: AssessmentResults {
            uuid: ids.of("assessment-results", &[]),
            metadata: metadata(a, title, parties),
            import_ap: Import {
                href: format!("#{}", ids.of("plan", &[])),
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

/// The assessment results document: one result per supplier (by vendor id), each with its
/// scores as properties, an observation and a finding per scrm finding, and its risk when it
/// is at risk or excluded.
pub fn assessment_results(a: &Assessment<'_>) -> AssessmentResultsDocument {
    let ids = Ids::for_run(a.manifest);
    let (parties, results) =
        per_vendor(a, &ids, |r, p| (p.party.clone(), result_of(a, &ids, r, p)))
            .into_iter()
            .unzip();
    ar_document(a, &ids, parties, results)
}

/// [`assessment_results`] as JSON, the same bytes as [`to_json`] of it, each supplier's result
/// serialized on its own core: a large portfolio's document is never held twice, typed and as
/// text.
pub fn assessment_results_json(a: &Assessment<'_>) -> Result<Vec<u8>, OscalError> {
    let ids = Ids::for_run(a.manifest);
    let (parties, results): (Vec<_>, Vec<_>) = per_vendor(a, &ids, |r, p| {
        let party = p.party.clone();
        fragment(&result_of(a, &ids, r, p), LIST_DEPTH).map(|f| (party, f))
    })
    .into_iter()
    .collect::<Result<Vec<_>, _>>()?
    .into_iter()
    .unzip();
    to_json(&ar_document(a, &ids, parties, results))
}

/// One supplier's share of the POA&M: its party, the observations its items and risk cite,
/// its risk and its items; `None` when it has nothing to resolve.
struct PoamShare<O, K, I> {
    party: model::Party,
    observations: Vec<O>,
    risk: Option<K>,
    items: Vec<I>,
}

fn poam_share(p: VendorParts) -> Option<PoamShare<Observation, Risk, PoamItem>> {
    if p.poam_items.is_empty() && p.risk.is_none() {
        return None;
    }
    // Only the observations an item or a risk points to (not those of exempted findings).
    let cited: HashSet<String> = p
        .poam_items
        .iter()
        .flat_map(|i| &i.related_observations)
        .chain(p.risk.iter().flat_map(|r| &r.related_observations))
        .map(|o| o.observation_uuid.clone())
        .collect();
    Some(PoamShare {
        party: p.party,
        observations: p
            .observations
            .into_iter()
            .filter(|o| cited.contains(&o.uuid))
            .collect(),
        risk: p.risk,
        items: p.poam_items,
    })
}

/// The POA&M document around the suppliers' shares, however they are held.
fn poam_document<O, K, I>(
    a: &Assessment<'_>,
    ids: &Ids,
    shares: Vec<PoamShare<O, K, I>>,
) -> Result<PoamDocument<O, K, I>, OscalError> {
    let mut parties = Vec::new();
    let (mut observations, mut risks, mut items) = (Vec::new(), Vec::new(), Vec::new());
    for s in shares {
        parties.push(s.party);
        observations.extend(s.observations);
        risks.extend(s.risk);
        items.extend(s.items);
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

/// The plan of action and milestones: an item per warning or denial (suppliers by vendor id),
/// the observations behind them, and a risk per supplier at risk or excluded whose remediation
/// is scrm's improvement plan (or the hard gate to resolve).
///
/// Fails with [`OscalError::NothingToResolve`] when no supplier has anything to resolve: OSCAL
/// requires a POA&M to hold an item.
pub fn poam(a: &Assessment<'_>) -> Result<PoamDocument, OscalError> {
    let ids = Ids::for_run(a.manifest);
    let shares = per_vendor(a, &ids, |_, p| poam_share(p))
        .into_iter()
        .flatten()
        .collect();
    poam_document(a, &ids, shares)
}

/// [`poam`] as JSON, the same bytes as [`to_json`] of it, each supplier's share serialized on
/// its own core.
pub fn poam_json(a: &Assessment<'_>) -> Result<Vec<u8>, OscalError> {
    let ids = Ids::for_run(a.manifest);
    type Raw = Box<RawValue>;
    let serialize = |s: PoamShare<Observation, Risk, PoamItem>| -> Result<PoamShare<Raw, Raw, Raw>, OscalError> {
        Ok(PoamShare {
            party: s.party,
            observations: s
                .observations
                .iter()
                .map(|o| fragment(o, LIST_DEPTH))
                .collect::<Result<_, _>>()?,
            risk: s.risk.as_ref().map(|k| fragment(k, LIST_DEPTH)).transpose()?,
            items: s
                .items
                .iter()
                .map(|i| fragment(i, LIST_DEPTH))
                .collect::<Result<_, _>>()?,
        })
    };
    let shares = per_vendor(a, &ids, |_, p| poam_share(p).map(serialize).transpose())
        .into_iter()
        .filter_map(Result::transpose)
        .collect::<Result<Vec<_>, _>>()?;
    to_json(&poam_document(a, &ids, shares)?)
}

/// A document as pretty JSON with a final line feed.
pub fn to_json<T: Serialize>(doc: &T) -> Result<Vec<u8>, OscalError> {
    let mut out = serde_json::to_vec_pretty(doc)?;
    out.push(b'\n');
    Ok(out)
}
