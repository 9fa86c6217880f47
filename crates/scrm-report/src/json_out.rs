//! JSON and JSON Lines results.
//!
//! JSON is one pretty-printed document `{ "manifest", "summary", "vendors" }`; JSON Lines is a
//! first line `{"manifest": …}` then one compact vendor object per line. A vendor object has the
//! columns of [`crate::flat_columns`] in that order (with `findings` as an array of objects
//! `{code, severity, message, lens, questions, exempted}` instead of the joined codes), then
//! the profile passthrough `country`, `criticality`, `ai_role`, `data_access` and `extra` (an
//! object). Every key is always present: `None` is `null`, so consumers see a stable shape.

use crate::ReportError;
use crate::flat::{FlatRow, GROUP_COLUMNS};
use scrm_model::{Finding, RunManifest, Status, Tier, VendorResult};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::collections::BTreeMap;

/// A finding as machine formats show it: every key present.
#[derive(Serialize)]
struct FindingOut<'a> {
    code: &'static str,
    severity: &'static str,
    message: std::borrow::Cow<'a, str>,
    lens: Option<&'static str>,
    questions: Vec<&'a str>,
    exempted: Option<&'a str>,
}

impl<'a> From<&'a Finding> for FindingOut<'a> {
    fn from(f: &'a Finding) -> Self {
        Self {
            code: f.code.as_str(),
            severity: f.severity.as_str(),
            message: f.message(),
            lens: f.lens.map(|l| l.as_str()),
            questions: f.questions.iter().map(|q| q.as_str()).collect(),
            exempted: f.exempted.as_deref(),
        }
    }
}

/// One vendor in column order (a map, so that the order is ours, not serde's field order).
struct VendorOut<'a> {
    r: &'a VendorResult,
    flat: FlatRow,
}

impl Serialize for VendorOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = &self.flat;
        let p = &self.r.profile;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("vendor_id", &f.vendor_id)?;
        m.serialize_entry("name", &f.name)?;
        m.serialize_entry("tier", f.tier)?;
        m.serialize_entry("status", f.status)?;
        m.serialize_entry("combined_score", &f.combined_score)?;
        m.serialize_entry("airm_score", &f.airm_score)?;
        m.serialize_entry("aims_score", &f.aims_score)?;
        m.serialize_entry("cscrm_score", &f.cscrm_score)?;
        m.serialize_entry("airm_level", &f.airm_level)?;
        m.serialize_entry("aims_level", &f.aims_level)?;
        m.serialize_entry("coverage", &f.coverage)?;
        m.serialize_entry("confidence", &f.confidence)?;
        m.serialize_entry("residual_risk", &f.residual_risk)?;
        let findings: Vec<FindingOut<'_>> = self.r.findings.iter().map(FindingOut::from).collect();
        m.serialize_entry("findings", &findings)?;
        for (col, v) in GROUP_COLUMNS.iter().zip(f.groups.iter()) {
            m.serialize_entry(col.name, v)?;
        }
        m.serialize_entry("country", &p.country)?;
        m.serialize_entry("criticality", &p.criticality.map(|c| c.as_str()))?;
        m.serialize_entry("ai_role", &p.ai_role.map(|c| c.as_str()))?;
        m.serialize_entry("data_access", &p.data_access.map(|c| c.as_str()))?;
        m.serialize_entry("extra", &p.extra)?;
        m.end()
    }
}

fn vendor_out(r: &VendorResult) -> VendorOut<'_> {
    VendorOut {
        r,
        flat: FlatRow::from_result(r),
    }
}

/// Counts per status and per tier, every status and tier present (zero when absent).
#[derive(Serialize)]
struct Summary {
    vendors: usize,
    by_status: OrderedCounts,
    by_tier: OrderedCounts,
}

/// Counts that serialize in the given key order (best status first, lowest tier first).
struct OrderedCounts(Vec<(&'static str, usize)>);

impl Serialize for OrderedCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

fn summary(results: &[VendorResult]) -> Summary {
    let mut st: BTreeMap<Status, usize> = BTreeMap::new();
    let mut ti: BTreeMap<Tier, usize> = BTreeMap::new();
    for r in results {
        *st.entry(r.status).or_default() += 1;
        *ti.entry(r.tier).or_default() += 1;
    }
    Summary {
        vendors: results.len(),
        by_status: OrderedCounts(
            Status::ALL
                .iter()
                .map(|s| (s.as_str(), st.get(s).copied().unwrap_or(0)))
                .collect(),
        ),
        by_tier: OrderedCounts(
            Tier::ALL
                .iter()
                .map(|t| (t.as_str(), ti.get(t).copied().unwrap_or(0)))
                .collect(),
        ),
    }
}

#[derive(Serialize)]
struct Document<'a> {
    manifest: &'a RunManifest,
    summary: Summary,
    vendors: Vec<VendorOut<'a>>,
}

pub(crate) fn render_json(
    results: &[VendorResult],
    manifest: &RunManifest,
) -> Result<Vec<u8>, ReportError> {
    let doc = Document {
        manifest,
        summary: summary(results),
        vendors: crate::by_vendor_id(results)
            .into_iter()
            .map(vendor_out)
            .collect(),
    };
    let mut out = serde_json::to_vec_pretty(&doc)?;
    out.push(b'\n');
    Ok(out)
}

pub(crate) fn render_jsonl(
    results: &[VendorResult],
    manifest: &RunManifest,
) -> Result<Vec<u8>, ReportError> {
    #[derive(Serialize)]
    struct Head<'a> {
        manifest: &'a RunManifest,
    }
    let mut out = serde_json::to_vec(&Head { manifest })?;
    out.push(b'\n');
    for r in crate::by_vendor_id(results) {
        serde_json::to_writer(&mut out, &vendor_out(r))?;
        out.push(b'\n');
    }
    Ok(out)
}

/// Every number of a JSON value that is not a whole number, rounded as the other machine
/// formats write scores (4 decimals, half away from zero): the views and plans are computed in
/// full precision.
fn rounded(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => n
            .as_f64()
            .and_then(|x| serde_json::Number::from_f64(scrm_model::round::round4(x)))
            .map_or(Value::Null, Value::Number),
        Value::Array(a) => Value::Array(a.into_iter().map(rounded).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, rounded(v))).collect()),
        other => other,
    }
}

/// `scrm report --format json`: the portfolio page's numbers for a dashboard. `{ "manifest",
/// "summary", "views" }`: the run, the counts by status and tier, and the roll-up of both
/// supplier views ([`scrm_model::PortfolioViews`]; `null` when no supplier was read).
pub fn render_portfolio_json(
    results: &[VendorResult],
    manifest: &RunManifest,
    views: Option<&scrm_model::PortfolioViews>,
) -> Result<Vec<u8>, ReportError> {
    #[derive(Serialize)]
    struct Portfolio<'a> {
        manifest: &'a RunManifest,
        summary: Summary,
        views: serde_json::Value,
    }
    let doc = Portfolio {
        manifest,
        summary: summary(results),
        views: rounded(serde_json::to_value(views)?),
    };
    let mut out = serde_json::to_vec_pretty(&doc)?;
    out.push(b'\n');
    Ok(out)
}

/// `scrm report --vendor ID --format json`: the scorecard's content. `{ "manifest", "vendor",
/// "plan", "governance", "risks" }`: the supplier as `score --format json` writes it, its what-if
/// plan, and its two views (each `null` when not computed).
pub fn render_scorecard_json(r: &crate::ScorecardReport<'_>) -> Result<Vec<u8>, ReportError> {
    #[derive(Serialize)]
    struct Scorecard<'a> {
        manifest: &'a RunManifest,
        vendor: VendorOut<'a>,
        plan: serde_json::Value,
        governance: serde_json::Value,
        risks: serde_json::Value,
    }
    let doc = Scorecard {
        manifest: r.manifest,
        vendor: vendor_out(r.result),
        plan: rounded(serde_json::to_value(r.plan)?),
        governance: rounded(serde_json::to_value(r.governance)?),
        risks: rounded(serde_json::to_value(r.risks)?),
    };
    let mut out = serde_json::to_vec_pretty(&doc)?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil;

    fn text(b: Result<Vec<u8>, ReportError>) -> String {
        String::from_utf8(b.unwrap_or_default()).unwrap_or_default()
    }

    #[test]
    fn json_snapshot() {
        let out = text(render_json(
            &testutil::sample_results(),
            &testutil::sample_manifest(),
        ));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn jsonl_snapshot() {
        let out = text(render_jsonl(
            &testutil::sample_results(),
            &testutil::sample_manifest(),
        ));
        for line in out.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
            assert!(v.is_object(), "not an object: {line}");
        }
        insta::assert_snapshot!(out);
    }

    #[test]
    fn json_keys_follow_flat_columns() {
        let out = text(render_jsonl(
            &testutil::sample_results()[..1],
            &testutil::sample_manifest(),
        ));
        let line = out.lines().nth(1).unwrap_or_default();
        let cols = crate::flat_columns();
        let mut pos = 0;
        for c in &cols {
            let key = format!("\"{c}\":");
            let at = line[pos..].find(&key).map(|i| i + pos);
            assert!(at.is_some(), "{c} missing or out of order in {line}");
            pos = at.unwrap_or(pos);
        }
    }
}
