//! The assessment results document: one result per supplier.

use crate::document::{CHUNK, Suppliers, back_matter, element, metadata};
use crate::ids::Ids;
use crate::model::{
    self, AssessmentResult, AssessmentResults, AssessmentResultsDocument, ControlSelection, Import,
    IncludeAll, ReviewedControls,
};
use crate::text::{self, markup};
use crate::vendor::{self, VendorParts, result_props};
use crate::{Assessment, OscalError, score_value, to_json};
use rayon::prelude::*;
use scrm_model::VendorResult;
use scrm_model::splice::{marker, write_spliced};
use std::io::Write;

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
    let s = Suppliers::new(a);
    let (parties, results) = s
        .parts(&s.results, |r, p| {
            (p.party.clone(), result_of(a, &s.ids, r, p))
        })
        .into_iter()
        .unzip();
    ar_document(a, &s.ids, parties, results)
}

/// Whether assessment results of `a` can be written: [`OscalError::NoSupplier`] when there are
/// no results. Cheap, so a caller can refuse before it opens its output.
pub fn check_assessment_results(a: &Assessment<'_>) -> Result<(), OscalError> {
    if a.results.is_empty() {
        return Err(OscalError::NoSupplier);
    }
    Ok(())
}

/// [`assessment_results`] written as JSON to `out`: the same bytes as [`to_json`] of it, made
/// a chunk of suppliers at a time, each supplier's result on its own core, so the document is
/// never held whole, neither as a tree nor as text.
///
/// Fails with [`OscalError::NoSupplier`] when there are no results: OSCAL's `results` holds at
/// least one, and a GRC tool should not be handed a document its schema rejects.
pub fn write_assessment_results(a: &Assessment<'_>, out: &mut dyn Write) -> Result<(), OscalError> {
    check_assessment_results(a)?;
    let s = Suppliers::new(a);
    let parties = s.results.par_iter().map(|r| vendor::party(r)).collect();
    let skeleton = to_json(&ar_document(a, &s.ids, parties, vec![marker(0)?]))?;
    write_spliced(out, &skeleton, &[0], &mut |_, list| {
        for chunk in s.results.chunks(CHUNK) {
            for text in s.parts(chunk, |r, p| element(&result_of(a, &s.ids, r, p))) {
                list.push(&text?)?;
            }
        }
        Ok(())
    })
}

/// [`write_assessment_results`] into memory.
pub fn assessment_results_json(a: &Assessment<'_>) -> Result<Vec<u8>, OscalError> {
    let mut out = Vec::new();
    write_assessment_results(a, &mut out)?;
    Ok(out)
}
