//! SARIF 2.1.0 of what `scrm score` found, for SARIF dashboards and viewers:
//! - each supplier's standing is a result of the `supplier-status` rule, of kind `pass`
//!   (eligible), `review` (conditional) or `fail` (at risk, excluded), with its scores in the
//!   result's properties, so no supplier's score is lost in the log;
//! - each finding is a result of its code's rule at the finding's effective severity, a policy
//!   exemption being a suppression with its reason;
//! - each result sits at its supplier (and its questions) as logical locations. Answers are
//!   merged across files by supplier id, so a finding has no one file and line; the input files
//!   are the run's artifacts, with their digests.
//!
//! Results carry partial fingerprints that stay the same from one night to the next while the
//! finding does, so a dashboard can tell new findings from old ones. The log is streamed a chunk
//! of suppliers at a time: a million suppliers' log is never held whole.

use crate::baseline::Baseline;
use crate::{artifact, bag, driver, line, message_text};
use rayon::prelude::*;
use scrm_model::round::{round4, round4_opt};
use scrm_model::splice::{element, marker, write_spliced};
use scrm_model::{Code, Finding, RunManifest, Severity, Status, VendorResult};
use serde_json::json;
use serde_sarif::sarif::{
    Invocation, Location, LogicalLocation, MultiformatMessageString, PropertyBag,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultKind, ResultLevel,
    Run, Sarif, Suppression, Tool,
};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The rule of each supplier's standing (not a finding code: every supplier has one result of
/// it, whatever it was found to have).
pub const STATUS_RULE: &str = "supplier-status";

/// The name of the partial fingerprint every result carries (SARIF §3.27.17: versioned).
pub const FINGERPRINT: &str = "scrmSubject/v1";

/// How deep a result sits: `{ "runs": [ { "results": [ here`.
const RESULT_DEPTH: usize = 4;

/// Suppliers per chunk: enough to keep every core busy, few enough that a chunk's text is
/// small next to the log's.
const CHUNK: usize = 4096;

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Deny => ResultLevel::Error,
        Severity::Warn => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

/// SARIF's level names for a rule's default configuration.
fn level_name(s: Severity) -> &'static str {
    match s {
        Severity::Deny => "error",
        Severity::Warn => "warning",
        Severity::Info => "note",
    }
}

/// What kind of rule a code is, as a tag dashboards can filter on.
fn category(c: Code) -> &'static str {
    match c {
        Code::HardGateSam | Code::HardGateFascsa | Code::HardGateSec889 | Code::HardGateCustom => {
            "hard-gate"
        }
        Code::KnockoutFailed | Code::BelowTierThreshold => "threshold",
        Code::ExemptionExpired | Code::MissingProfile => "policy",
        _ => "answer-quality",
    }
}

/// `hard-gate-sam` as `HardGateSam`: SARIF's readable rule name.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Every finding code as a rule, in the catalogue's order, then the status rule: a finding's
/// `ruleIndex` is its code's place in [`Code::ALL`].
fn rules() -> Vec<ReportingDescriptor> {
    let rule = |id: &str, text: &str, lvl: &str, tags: Vec<&str>| {
        ReportingDescriptor::builder()
            .id(id)
            .name(pascal(id))
            .short_description(MultiformatMessageString::builder().text(text).build())
            .help(
                MultiformatMessageString::builder()
                    .text(format!(
                        "docs/codes.md explains `{id}`: what raises it and how to clear it."
                    ))
                    .build(),
            )
            .default_configuration(ReportingConfiguration::builder().level(json!(lvl)).build())
            .properties(
                PropertyBag::builder()
                    .additional_properties(BTreeMap::from([("tags".to_string(), json!(tags))]))
                    .build(),
            )
            .build()
    };
    let mut out: Vec<ReportingDescriptor> = Code::ALL
        .iter()
        .map(|c| {
            rule(
                c.as_str(),
                c.description(),
                level_name(c.default_severity()),
                vec!["c-scrm", category(*c)],
            )
        })
        .collect();
    out.push(rule(
        STATUS_RULE,
        "The supplier's standing: eligible (pass), conditional (review) or at risk of exclusion \
         and excluded (fail), with its scores",
        "error",
        vec!["c-scrm", "status"],
    ));
    out
}

/// The supplier as a logical location (an object of the portfolio).
fn supplier_location(r: &VendorResult) -> Location {
    let id = line(r.vendor_id.as_str());
    Location::builder()
        .logical_locations(vec![
            LogicalLocation::builder()
                .name(id.clone())
                .fully_qualified_name(id)
                .kind("object")
                .build(),
        ])
        .build()
}

/// One of the supplier's questions as a logical location (a property of the supplier).
fn question_location(r: &VendorResult, q: &str) -> Location {
    Location::builder()
        .logical_locations(vec![
            LogicalLocation::builder()
                .name(line(q))
                .fully_qualified_name(format!("{}/{}", line(r.vendor_id.as_str()), line(q)))
                .kind("property")
                .build(),
        ])
        .build()
}

/// A fingerprint of what a result is about (never of its message, whose numbers move):
/// XXH3-128 of the parts, each ended by a NUL byte that no id holds.
fn fingerprint(parts: &[&str]) -> BTreeMap<String, String> {
    let mut bytes = Vec::with_capacity(64);
    for p in parts {
        bytes.extend_from_slice(p.as_bytes());
        bytes.push(0);
    }
    let h = xxhash_rust::xxh3::xxh3_128(&bytes);
    BTreeMap::from([(FINGERPRINT.to_string(), format!("{h:032x}"))])
}

/// The supplier's standing as a result: what it is, why, and every score.
fn status_result(r: &VendorResult) -> SarifResult {
    let (kind, lvl, said) = match r.status {
        Status::Eligible => (ResultKind::Pass, ResultLevel::None, "is eligible"),
        Status::Conditional => (
            ResultKind::Review,
            ResultLevel::None,
            "is conditional: it clears every gate and threshold, with warnings to resolve",
        ),
        Status::AtRisk => (
            ResultKind::Fail,
            ResultLevel::Error,
            "is at risk of exclusion: it fails a knock-out question or a threshold",
        ),
        Status::Excluded => (
            ResultKind::Fail,
            ResultLevel::Error,
            "is excluded: it is on an exclusion list, whatever its score",
        ),
    };
    let score = |x: Option<f64>| x.map_or_else(|| "none".to_string(), |x| format!("{x:.2}"));
    let [combined, airm, aims, cscrm] = r.summary_scores();
    let count = |s: Severity| r.findings.iter().filter(|f| f.severity == s).count();
    let text = format!(
        "{} {said}. Combined {} (AI RMF {}, ISO/IEC 42001 {}, C-SCRM {}), tier {}, coverage \
         {:.0} %; {} denial(s), {} warning(s).",
        line(r.vendor_id.as_str()),
        score(combined),
        score(airm),
        score(aims),
        score(cscrm),
        r.tier.as_str(),
        r.coverage * 100.0,
        count(Severity::Deny),
        count(Severity::Warn),
    );
    let mut res = SarifResult::builder()
        .rule_id(STATUS_RULE)
        .kind(kind)
        .level(lvl)
        .message(message_text(&text))
        .locations(vec![supplier_location(r)])
        .partial_fingerprints(fingerprint(&[r.vendor_id.as_str(), STATUS_RULE]))
        .build();
    res.rule_index = i64::try_from(Code::ALL.len()).ok();
    res.properties = bag([
        ("supplier", json!(line(r.vendor_id.as_str()))),
        ("supplierName", r.profile.name.as_deref().map(line).into()),
        ("status", json!(r.status.as_str())),
        ("tier", json!(r.tier.as_str())),
        ("combinedScore", round4_opt(combined).into()),
        ("combinedLevel", r.combined_level.map(|l| l.as_str()).into()),
        ("airmScore", round4_opt(airm).into()),
        ("aimsScore", round4_opt(aims).into()),
        ("cscrmScore", round4_opt(cscrm).into()),
        ("coverage", json!(round4(r.coverage))),
        ("confidence", json!(round4(r.confidence))),
        ("residualRisk", json!(r.residual_risk)),
        ("applicable", json!(r.applicable)),
        ("answered", json!(r.answered)),
        ("inputHash", json!(r.input_hash)),
        ("validUntil", r.valid_until.map(|d| d.to_string()).into()),
    ]);
    res
}

/// What a finding is about, for its fingerprint: the supplier, the code, the lens, the
/// questions, and the message, without its digits where they are numbers that move. The
/// message tells findings of one code apart (the combined score from the coverage; one
/// exclusion entry from another) the same way whether the result was scored tonight or carried
/// from the history as stored (where the message is all that is left of its details).
fn subject(r: &VendorResult, f: &Finding) -> Vec<String> {
    let mut parts = vec![
        r.vendor_id.as_str().to_string(),
        f.code.as_str().to_string(),
        f.lens.map_or("", |l| l.as_str()).to_string(),
    ];
    parts.extend(f.questions.iter().map(|q| q.as_str().to_string()));
    // A hard gate's or an exemption's message names it (a list entry's reference and date, an
    // exemption's code), and nothing in it moves: kept whole.
    let named = f.is_hard_gate() || matches!(f.code, Code::ExemptionExpired | Code::MissingProfile);
    parts.push(if named {
        f.message().into_owned()
    } else {
        f.message()
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .collect()
    });
    parts
}

/// One finding as a result of its code's rule, about `subject` ([`subject`]); `nth` tells
/// apart findings of the supplier whose subjects are the same (0 for the first).
fn finding_result(r: &VendorResult, f: &Finding, subject: &[String], nth: usize) -> SarifResult {
    let vendor = r.vendor_id.as_str();
    let lens = f.lens.map(|l| l.as_str());
    let questions: Vec<&str> = f.questions.iter().map(|q| q.as_str()).collect();
    let mut parts: Vec<&str> = subject.iter().map(String::as_str).collect();
    let ordinal = format!("#{nth}");
    if nth > 0 {
        parts.push(&ordinal);
    }
    let mut res = SarifResult::builder()
        .rule_id(f.code.as_str())
        .level(level(f.severity))
        .message(message_text(&format!(
            "{}: {}",
            line(vendor),
            line(&f.message())
        )))
        .locations(vec![supplier_location(r)])
        .partial_fingerprints(fingerprint(&parts))
        .build();
    res.rule_index = Code::ALL
        .iter()
        .position(|c| *c == f.code)
        .and_then(|i| i64::try_from(i).ok());
    if !questions.is_empty() {
        res.related_locations = Some(questions.iter().map(|q| question_location(r, q)).collect());
    }
    if let Some(reason) = &f.exempted {
        // The policy's exemption: accepted by whoever wrote the policy, outside the log.
        res.suppressions = Some(vec![
            Suppression::builder()
                .kind(json!("external"))
                .status(json!("accepted"))
                .justification(line(reason))
                .build(),
        ]);
    }
    res.properties = bag([
        ("supplier", json!(line(vendor))),
        ("status", json!(r.status.as_str())),
        ("tier", json!(r.tier.as_str())),
        ("severity", json!(f.severity.as_str())),
        ("lens", lens.into()),
    ]);
    res
}

/// Every result of one supplier, serialized as it sits in the log, each with its fingerprint:
/// its standing, then each finding in the result's order. Against a `baseline`, each says
/// whether it is new, unchanged or updated.
fn supplier_elements(
    r: &VendorResult,
    baseline: Option<&Baseline>,
) -> serde_json::Result<Vec<(String, String)>> {
    let mut out = Vec::with_capacity(1 + r.findings.len());
    let mut push = |mut res: SarifResult| -> serde_json::Result<()> {
        let print = res
            .partial_fingerprints
            .as_ref()
            .and_then(|p| p.get(FINGERPRINT).cloned())
            .unwrap_or_default();
        if let Some(b) = baseline {
            let level = serde_json::to_value(res.level)?;
            let state = b.state(&print, level.as_str(), res.message.text.as_deref());
            res.baseline_state = Some(json!(state));
        }
        out.push((print, element(&res, RESULT_DEPTH)?));
        Ok(())
    };
    push(status_result(r))?;
    let mut seen: Vec<Vec<String>> = Vec::with_capacity(r.findings.len());
    for f in &r.findings {
        let s = subject(r, f);
        let nth = seen.iter().filter(|x| **x == s).count();
        push(finding_result(r, f, &s, nth))?;
        seen.push(s);
    }
    Ok(out)
}

/// The log without its results: tool, rules, invocation, artifacts and the run's provenance.
fn skeleton(
    results: &[VendorResult],
    manifest: &RunManifest,
    baseline: Option<&Baseline>,
) -> serde_json::Result<Vec<u8>> {
    let mut statuses: BTreeMap<String, serde_json::Value> = Status::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), json!(0)))
        .collect();
    for r in results {
        if let Some(n) = statuses.get_mut(r.status.as_str()) {
            *n = json!(n.as_u64().unwrap_or(0) + 1);
        }
    }
    let mut props = BTreeMap::from([
        ("asOf".to_string(), json!(manifest.as_of.to_string())),
        (
            "catalogVersion".to_string(),
            json!(line(&manifest.catalog_version)),
        ),
        ("catalogHash".to_string(), json!(manifest.catalog_hash)),
        ("policyName".to_string(), json!(line(&manifest.policy_name))),
        ("policyHash".to_string(), json!(manifest.policy_hash)),
        ("counts".to_string(), serde_json::to_value(manifest.counts)?),
        ("statuses".to_string(), json!(statuses)),
    ]);
    if let Some(b) = baseline {
        props.insert("baselineResults".to_string(), json!(b.len()));
    }
    let run = Run::builder()
        .tool(
            Tool::builder()
                .driver(driver(&manifest.tool_version, rules()))
                .build(),
        )
        .invocations(vec![
            Invocation::builder()
                .execution_successful(true)
                .end_time_utc(manifest.generated_at.clone())
                .build(),
        ])
        .artifacts(manifest.inputs.iter().map(artifact).collect::<Vec<_>>())
        .results(Vec::new())
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    let log = Sarif::builder()
        .schema(crate::SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    let text = String::from_utf8(serde_json::to_vec_pretty(&log)?).unwrap_or_default();
    // The results' empty list becomes a list holding only the marker, as serde would print it.
    // A JSON string holds no unescaped quote, so `"results": []` is the run's own key, once.
    let empty = "\"results\": []";
    let text = if results.is_empty() && baseline.is_none_or(Baseline::is_empty) {
        text
    } else {
        let pad = |depth: usize| "  ".repeat(depth);
        text.replacen(
            empty,
            &format!(
                "\"results\": [\n{}{}\n{}]",
                pad(RESULT_DEPTH),
                marker(0)?.get(),
                pad(RESULT_DEPTH - 1)
            ),
            1,
        )
    };
    Ok(format!("{text}\n").into_bytes())
}

/// The SARIF log of one `score` run, written to `out` as pretty JSON with a final line feed:
/// `results` in their order (each supplier's standing, then its findings), made a chunk of
/// suppliers at a time on every core, the same bytes at any number of threads. Against a
/// `baseline` (the log of an earlier run), each result has its `baselineState`, and the
/// baseline's results that are gone follow, `absent`.
///
/// A run without suppliers (and nothing absent) has an empty results list.
pub fn write_scoring(
    results: &[VendorResult],
    manifest: &RunManifest,
    baseline: Option<&Baseline>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let skeleton = skeleton(results, manifest, baseline)?;
    let lists: &[usize] = if results.is_empty() && baseline.is_none_or(Baseline::is_empty) {
        &[]
    } else {
        &[0]
    };
    write_spliced(out, &skeleton, lists, &mut |_, list| -> io::Result<()> {
        let mut seen = std::collections::HashSet::new();
        for chunk in results.chunks(CHUNK) {
            let texts: Vec<serde_json::Result<Vec<(String, String)>>> = chunk
                .par_iter()
                .map(|r| supplier_elements(r, baseline))
                .collect();
            for share in texts {
                for (print, text) in share? {
                    list.push(&text)?;
                    if baseline.is_some() {
                        seen.insert(print);
                    }
                }
            }
        }
        if let Some(b) = baseline {
            for gone in b.absent(&seen) {
                list.push(&element(&gone, RESULT_DEPTH)?)?;
            }
        }
        Ok(())
    })
}

/// [`write_scoring`] into memory.
pub fn scoring_json(results: &[VendorResult], manifest: &RunManifest) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    write_scoring(results, manifest, None, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scrm_model::{Detail, Lens, LensScore, QuestionId, Tier, VendorId, VendorProfile};

    fn result(findings: Vec<Finding>) -> VendorResult {
        let id = VendorId::new("V-0042").unwrap_or_else(|| unreachable!());
        let mut profile = VendorProfile::bare(id.clone());
        profile.name = Some("Acme ]\u{202e}[x](1)".into());
        VendorResult {
            vendor_id: id,
            profile,
            tier: Tier::High,
            status: Status::AtRisk,
            combined_score: Some(2.123_45),
            combined_level: None,
            lenses: Lens::ALL
                .iter()
                .map(|&lens| LensScore {
                    lens,
                    score: None,
                    level: None,
                    groups: Vec::new(),
                })
                .collect(),
            coverage: 0.5,
            confidence: 0.25,
            residual_risk: 4,
            applicable: 10,
            answered: 5,
            findings,
            input_hash: String::new(),
            valid_until: None,
        }
    }

    fn below(detail: Detail) -> Finding {
        Finding::new(Code::BelowTierThreshold, detail)
    }

    /// A finding as the only one of its subject.
    fn alone(r: &VendorResult, f: &Finding) -> SarifResult {
        finding_result(r, f, &subject(r, f), 0)
    }

    fn print(r: &SarifResult) -> String {
        r.partial_fingerprints
            .as_ref()
            .and_then(|p| p.get(FINGERPRINT).cloned())
            .unwrap_or_default()
    }

    #[test]
    fn fingerprints_follow_the_subject_not_the_numbers() {
        let combined = |score| {
            below(Detail::BelowMinimum {
                lens: None,
                score,
                minimum: 2.5,
                tier: Tier::High,
            })
        };
        let coverage = below(Detail::CoverageBelowMinimum {
            coverage: 0.5,
            minimum: 0.8,
            tier: Tier::High,
        });
        let r = result(Vec::new());
        let (a, b, c) = (
            alone(&r, &combined(2.1)),
            alone(&r, &combined(1.9)),
            alone(&r, &coverage),
        );
        assert_ne!(a.message.text, b.message.text);
        assert_eq!(print(&a), print(&b), "the same shortfall, a moved score");
        assert_ne!(print(&a), print(&c), "the combined score and the coverage");
        let knockout = |q: &str| {
            alone(
                &r,
                &Finding::new(Code::KnockoutFailed, "below")
                    .with_questions(vec![QuestionId::new(q)]),
            )
        };
        assert_ne!(print(&knockout("GV-1.1")), print(&knockout("GV-1.2")));
        assert_ne!(print(&status_result(&r)), print(&a));
        // A result carried from the history keeps only its message: the same fingerprints.
        let stored = |f: &Finding| below(Detail::Text(f.message().into_owned()));
        assert_eq!(print(&alone(&r, &stored(&combined(2.1)))), print(&a));
        assert_eq!(print(&alone(&r, &stored(&coverage))), print(&c));
    }

    /// Two entries of one exclusion list whose references differ only in digits are two
    /// findings, each with its own fingerprint whatever the other does.
    #[test]
    fn a_hard_gate_keeps_its_reference_in_its_fingerprint() {
        let gate = |reference: &str| {
            Finding::new(
                Code::HardGateSam,
                format!("listed in SAM.gov exclusions (reference {reference})"),
            )
        };
        let r = result(Vec::new());
        assert_ne!(
            print(&alone(&r, &gate("EX-2026-0415"))),
            print(&alone(&r, &gate("EX-2026-0416")))
        );
    }

    /// Two findings about the same thing (two exclusion entries of one list) are told apart in
    /// the log by their order.
    #[test]
    fn no_two_results_of_a_log_share_a_fingerprint() {
        let twice = Finding::new(Code::HardGateSam, "listed in SAM.gov exclusions");
        let r = result(vec![twice.clone(), twice]);
        let log = supplier_elements(&r, None).unwrap_or_default();
        let prints: std::collections::BTreeSet<String> = log
            .iter()
            .map(|(_, e)| {
                let v: serde_json::Value = serde_json::from_str(e).unwrap_or_default();
                v["partialFingerprints"][FINGERPRINT].to_string()
            })
            .collect();
        assert_eq!(prints.len(), 3, "{prints:?}");
    }

    #[test]
    fn supplier_text_is_inert_and_an_exemption_is_a_suppression() {
        let mut f = Finding::new(Code::MissingEvidence, "see [the file](1)\u{1b}[2J");
        f.severity = Severity::Info;
        f.exempted = Some("reviewed\u{7}".into());
        let r = result(vec![f.clone()]);
        let v = serde_json::to_value(alone(&r, &f)).unwrap_or_default();
        assert_eq!(
            v["message"]["text"],
            "V-0042: see \\[the file\\](1)\\u{1b}\\[2J"
        );
        assert_eq!(v["level"], "note");
        assert_eq!(
            v["suppressions"],
            json!([{"justification": "reviewed\\u{7}", "kind": "external", "status": "accepted"}])
        );
        let s = serde_json::to_value(status_result(&r)).unwrap_or_default();
        assert_eq!(s["properties"]["supplierName"], "Acme ]\\u{202e}[x](1)");
        assert_eq!(
            (&s["kind"], &s["level"], &s["properties"]["combinedScore"]),
            (&json!("fail"), &json!("error"), &json!(2.1235))
        );
    }

    #[test]
    fn no_supplier_is_an_empty_results_list() {
        let manifest: RunManifest = serde_json::from_value(json!({
            "tool_version": "0.0.0", "catalog_version": "c", "catalog_hash": "h",
            "policy_name": "p", "policy_hash": "h", "as_of": "2026-12-06", "inputs": [],
            "counts": {"vendors": 0, "rows_read": 0, "accepted": 0, "rejected": 0},
            "generated_at": "2026-12-06T00:00:00Z"
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let log = scoring_json(&[], &manifest).unwrap_or_default();
        let v: serde_json::Value = serde_json::from_slice(&log).unwrap_or_default();
        assert_eq!(v["runs"][0]["results"], json!([]));
        let one = scoring_json(&[result(Vec::new())], &manifest).unwrap_or_default();
        let v: serde_json::Value = serde_json::from_slice(&one).unwrap_or_default();
        assert_eq!(v["runs"][0]["results"][0]["ruleId"], STATUS_RULE);
    }
}
