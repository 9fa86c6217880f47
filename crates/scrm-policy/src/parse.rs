//! Reads a policy file into a [`Policy`], collecting every problem with its line and column.

use crate::model::*;
use crate::walk::{Table, Value, Walker, get, join, kind_name, span_of};
use chrono::NaiveDate;
use scrm_model::{
    AiRole, AnswerKind, AnswerValue, Code, Criticality, DataAccess, Lens, QuestionLookup,
    Resolution, Severity, Tier, VendorId,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use toml::de::{DeTable, DeValue};

/// Every problem found in a policy file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", render(.problems))]
pub struct PolicyError {
    /// The problems, in file order.
    pub problems: Vec<crate::PolicyProblem>,
}

fn render(problems: &[crate::PolicyProblem]) -> String {
    let mut s = format!("policy has {} problem(s):", problems.len());
    for p in problems {
        s.push_str("\n  ");
        s.push_str(&p.to_string());
    }
    s
}

const TOP: &[&str] = &[
    "policy",
    "lenses",
    "groups",
    "crosswalk",
    "questions",
    "evidence",
    "tiering",
    "thresholds",
    "knockout",
    "gates",
    "quality",
    "contradiction",
    "severity",
    "residual_risk",
    "exemption",
    "remediation",
];

const AIRM_GROUPS: &[&str] = &["GOVERN", "MAP", "MEASURE", "MANAGE"];
const AIMS_GROUPS: &[&str] = &[
    "4", "5", "6", "7", "8", "9", "10", "A.2", "A.3", "A.4", "A.5", "A.6", "A.7", "A.8", "A.9",
    "A.10",
];
const CSCRM_GROUPS: &[&str] = &["GV.SC"];

/// The group ids of a lens, in report order.
pub fn lens_groups(lens: Lens) -> &'static [&'static str] {
    match lens {
        Lens::Airm => AIRM_GROUPS,
        Lens::Aims => AIMS_GROUPS,
        Lens::Cscrm => CSCRM_GROUPS,
    }
}

/// Parses and validates a policy. `lookup`, when given, checks question ids (knock-outs,
/// contradictions, weight overrides) against the catalog and canonicalizes their spelling.
pub fn parse(
    file: &str,
    src: &str,
    lookup: Option<&dyn QuestionLookup>,
) -> Result<Policy, PolicyError> {
    let mut w = Walker::new(file, src);
    let doc = match DeTable::parse(src) {
        Ok(d) => d,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            w.problem(span, "", e.message().trim().to_string(), None);
            return Err(PolicyError {
                problems: w.problems,
            });
        }
    };
    let root = doc.get_ref();
    let mut p = defaults();
    p.origin = file.to_string();
    p.hash = hex::encode(Sha256::digest(src.as_bytes()));
    w.unknown_keys(root, "", TOP);

    if let Some(t) = w.table(root, "", "policy") {
        w.unknown_keys(t, "policy", &["name", "version"]);
        if let Some(n) = w.string(t, "policy", "name") {
            p.name = n;
        }
        if let Some(v) = w.string(t, "policy", "version") {
            p.version = v;
        }
    }

    if let Some(t) = w.table(root, "", "lenses") {
        w.unknown_keys(t, "lenses", &["airm", "aims", "cscrm"]);
        for lens in Lens::ALL {
            if let Some(x) = w.number(t, "lenses", lens.as_str(), (0.0, 1e6)) {
                p.lens_weights.insert(lens, x);
            }
        }
        if p.lens_weights.values().all(|x| *x == 0.0) {
            w.problem(
                span_of(root, "lenses"),
                "lenses",
                "all lens weights are 0",
                Some("give at least one lens a positive weight".into()),
            );
        }
    }

    if let Some(t) = w.table(root, "", "groups") {
        w.unknown_keys(t, "groups", &["airm", "aims", "cscrm"]);
        for lens in Lens::ALL {
            let path = format!("groups.{}", lens.as_str());
            if let Some(g) = w.table(t, "groups", lens.as_str()) {
                let allowed = lens_groups(lens);
                w.unknown_keys(g, &path, allowed);
                for id in allowed {
                    if let Some(x) = w.number(g, &path, id, (0.0, 1e6)) {
                        p.group_weights
                            .entry(lens)
                            .or_default()
                            .insert((*id).to_string(), x);
                    }
                }
            }
        }
    }

    if let Some(t) = w.table(root, "", "crosswalk") {
        w.unknown_keys(t, "crosswalk", &["weight"]);
        if let Some(x) = w.number(t, "crosswalk", "weight", (0.0, 1.0)) {
            p.crosswalk_weight = x;
        }
    }

    if let Some(t) = w.table(root, "", "questions") {
        for (k, v) in t.iter() {
            let key = join("questions", k.get_ref());
            let id =
                canonical_question(&mut w, lookup, k.get_ref(), k.span(), &key).map(|(id, _)| id);
            let x = w.number_value(v, &key, (f64::MIN_POSITIVE, 1e6));
            if let (Some(id), Some(x)) = (id, x) {
                p.question_weights.insert(id, x);
            }
        }
    }

    if let Some(t) = w.table(root, "", "evidence") {
        w.unknown_keys(
            t,
            "evidence",
            &[
                "discount",
                "max_age_days",
                "claim_threshold",
                "assessment_max_age_days",
                "max_missing_share",
            ],
        );
        if let Some(x) = w.number(t, "evidence", "discount", (0.0, 1.0)) {
            p.evidence.discount = x;
        }
        if let Some(x) = w.number(t, "evidence", "max_age_days", (0.0, 36500.0)) {
            p.evidence.max_age_days = days(x);
        }
        if let Some(x) = w.number(t, "evidence", "claim_threshold", (0.0, 1.0)) {
            p.evidence.claim_threshold = x;
        }
        if let Some(x) = w.number(t, "evidence", "max_missing_share", (0.0, 1.0)) {
            p.evidence.max_missing_share = x;
        }
        if let Some(x) = w.number(t, "evidence", "assessment_max_age_days", (0.0, 36500.0)) {
            p.evidence.assessment_max_age_days = days(x);
        }
    }

    if let Some(t) = w.table(root, "", "remediation") {
        w.unknown_keys(t, "remediation", &["deadline_days"]);
        if let Some(x) = w.number(t, "remediation", "deadline_days", (1.0, 3650.0)) {
            p.remediation.deadline_days = days(x);
        }
    }

    if let Some(t) = w.table(root, "", "tiering") {
        parse_tiering(&mut w, t, &mut p.tiering);
    }

    if let Some(t) = w.table(root, "", "thresholds") {
        let names: Vec<&str> = Tier::ALL.iter().map(|t| t.as_str()).collect();
        w.unknown_keys(t, "thresholds", &names);
        for tier in Tier::ALL {
            let path = format!("thresholds.{}", tier.as_str());
            if let Some(tt) = w.table(t, "thresholds", tier.as_str()) {
                w.unknown_keys(
                    tt,
                    &path,
                    &["combined", "airm", "aims", "cscrm", "coverage"],
                );
                let th = Thresholds {
                    combined: w.number(tt, &path, "combined", (0.0, 5.0)),
                    airm: w.number(tt, &path, "airm", (0.0, 5.0)),
                    aims: w.number(tt, &path, "aims", (0.0, 5.0)),
                    cscrm: w.number(tt, &path, "cscrm", (0.0, 5.0)),
                    coverage: w.number(tt, &path, "coverage", (0.0, 1.0)),
                };
                p.thresholds.insert(tier, th);
            }
        }
    }

    if let Some(arr) = w.array(root, "", "knockout") {
        p.knockouts.clear();
        for (i, v) in arr.iter().enumerate() {
            let path = format!("knockout[{i}]");
            let Some(t) = w.as_table(v, &path) else {
                continue;
            };
            w.unknown_keys(
                t,
                &path,
                &["question", "minimum", "tiers", "na_passes", "reason"],
            );
            for k in ["question", "minimum", "reason"] {
                w.require(t, v.span(), &path, k);
            }
            let q = question_field(&mut w, lookup, t, &path, "question");
            let minimum = get(t, "minimum").and_then(|m| {
                answer_level(&mut w, m, &join(&path, "minimum"), q.as_ref().map(|x| x.1))
            });
            let tiers = tiers_field(&mut w, t, &path);
            let na_passes = w.boolean(t, &path, "na_passes").unwrap_or(false);
            let reason = w.string(t, &path, "reason");
            if let (Some((question, _)), Some(minimum), Some(reason)) = (q, minimum, reason) {
                p.knockouts.push(Knockout {
                    question,
                    minimum,
                    tiers,
                    na_passes,
                    reason,
                });
            }
        }
    }

    if let Some(t) = w.table(root, "", "gates") {
        w.unknown_keys(t, "gates", &["sources"]);
        if let Some(arr) = w.array(t, "gates", "sources") {
            let mut sources = Vec::new();
            for v in arr {
                match v.get_ref().as_str() {
                    Some(s) if !s.trim().is_empty() => sources.push(scrm_model::fold(s)),
                    _ => w.type_problem(v, "gates.sources", "a non-empty string"),
                }
            }
            sources.sort();
            sources.dedup();
            p.gate_sources = sources;
        }
    }

    if let Some(t) = w.table(root, "", "quality") {
        w.unknown_keys(
            t,
            "quality",
            &[
                "low_coverage_below",
                "uniform_min_answers",
                "contradiction_penalty",
            ],
        );
        if let Some(x) = w.number(t, "quality", "low_coverage_below", (0.0, 1.0)) {
            p.quality.low_coverage_below = x;
        }
        if let Some(x) = w.number(t, "quality", "uniform_min_answers", (2.0, 1e6)) {
            p.quality.uniform_min_answers = x as u32;
        }
        if let Some(x) = w.number(t, "quality", "contradiction_penalty", (0.0, 1.0)) {
            p.quality.contradiction_penalty = x;
        }
    }

    if let Some(arr) = w.array(root, "", "contradiction") {
        p.contradictions.clear();
        let mut ids: BTreeMap<String, ()> = BTreeMap::new();
        for (i, v) in arr.iter().enumerate() {
            let path = format!("contradiction[{i}]");
            let Some(t) = w.as_table(v, &path) else {
                continue;
            };
            let keys = [
                "id",
                "when",
                "when_at_least",
                "when_certification",
                "expect",
                "expect_at_least",
                "message",
            ];
            w.unknown_keys(t, &path, &keys);
            for k in [
                "id",
                "when",
                "when_at_least",
                "expect",
                "expect_at_least",
                "message",
            ] {
                w.require(t, v.span(), &path, k);
            }
            let id = w.string(t, &path, "id");
            if let Some(id) = &id
                && ids.insert(id.clone(), ()).is_some()
            {
                w.problem(
                    span_of(t, "id"),
                    &join(&path, "id"),
                    format!("duplicate contradiction id '{id}'"),
                    None,
                );
            }
            let when = question_field(&mut w, lookup, t, &path, "when");
            let when_at = get(t, "when_at_least").and_then(|m| {
                answer_level(
                    &mut w,
                    m,
                    &join(&path, "when_at_least"),
                    when.as_ref().map(|x| x.1),
                )
            });
            let cert = w.string(t, &path, "when_certification");
            let expect = question_field(&mut w, lookup, t, &path, "expect");
            let expect_at = get(t, "expect_at_least").and_then(|m| {
                answer_level(
                    &mut w,
                    m,
                    &join(&path, "expect_at_least"),
                    expect.as_ref().map(|x| x.1),
                )
            });
            let message = w.string(t, &path, "message");
            if let (
                Some(id),
                Some((when, _)),
                Some(when_at_least),
                Some((expect, _)),
                Some(expect_at_least),
                Some(message),
            ) = (id, when, when_at, expect, expect_at, message)
            {
                p.contradictions.push(Contradiction {
                    id,
                    when,
                    when_at_least,
                    when_certification: cert,
                    expect,
                    expect_at_least,
                    message,
                });
            }
        }
    }

    if let Some(t) = w.table(root, "", "severity") {
        let configurable: Vec<&str> = Code::ALL
            .iter()
            .filter(|c| !is_gate(**c))
            .map(|c| c.as_str())
            .collect();
        w.unknown_keys(t, "severity", &configurable);
        let levels = [
            ("allow", None),
            ("info", Some(Severity::Info)),
            ("warn", Some(Severity::Warn)),
            ("deny", Some(Severity::Deny)),
        ];
        for (k, v) in t.iter() {
            let Ok(code) = k.get_ref().parse::<Code>() else {
                continue;
            };
            if is_gate(code) {
                continue;
            }
            if let Some(level) = w.choice_value(v, &join("severity", k.get_ref()), &levels) {
                p.severities.insert(code, level);
            }
        }
    }

    if let Some(t) = w.table(root, "", "residual_risk") {
        parse_residual(&mut w, t, &mut p.residual);
    }

    if let Some(arr) = w.array(root, "", "exemption") {
        for (i, v) in arr.iter().enumerate() {
            let path = format!("exemption[{i}]");
            let Some(t) = w.as_table(v, &path) else {
                continue;
            };
            w.unknown_keys(t, &path, &["vendor", "code", "reason", "expires"]);
            for k in ["vendor", "code", "reason"] {
                w.require(t, v.span(), &path, k);
            }
            let vendor = w.string(t, &path, "vendor").and_then(|s| {
                let id = VendorId::new(&s);
                if id.is_none() {
                    w.problem(
                        span_of(t, "vendor"),
                        &join(&path, "vendor"),
                        "vendor id is blank",
                        None,
                    );
                }
                id
            });
            let code = get(t, "code").and_then(|c| match c.get_ref().as_str() {
                Some(s) => match s.parse::<Code>() {
                    Ok(code) if is_gate(code) => {
                        w.problem(c.span(), &join(&path, "code"), format!("hard gate '{s}' cannot be exempted"), Some("remove the supplier from the exclusions file instead, if the listing is wrong".into()));
                        None
                    }
                    Ok(code) => Some(code),
                    Err(_) => {
                        let names: Vec<&str> = Code::ALL.iter().filter(|c| !is_gate(**c)).map(|c| c.as_str()).collect();
                        let help = crate::walk::suggest(s, names.iter().copied()).map(|x| format!("did you mean `{x}`?")).unwrap_or_else(|| format!("the possible codes are {names:?}"));
                        w.problem(c.span(), &join(&path, "code"), format!("'{s}' is not a finding code"), Some(help));
                        None
                    }
                },
                None => {
                    w.type_problem(c, &join(&path, "code"), "a string");
                    None
                }
            });
            let reason = w.string(t, &path, "reason").and_then(|r| {
                if r.trim().is_empty() {
                    w.problem(
                        span_of(t, "reason"),
                        &join(&path, "reason"),
                        "an exemption needs a reason",
                        Some("say who reviewed what, and where it is recorded".into()),
                    );
                    None
                } else {
                    Some(r)
                }
            });
            let expires =
                get(t, "expires").and_then(|e| date_value(&mut w, e, &join(&path, "expires")));
            if let (Some(vendor), Some(code), Some(reason)) = (vendor, code, reason) {
                p.exemptions.push(Exemption {
                    vendor,
                    code,
                    reason,
                    expires,
                });
            }
        }
    }

    if w.problems.is_empty() {
        Ok(p)
    } else {
        let mut problems = w.problems;
        problems.sort();
        problems.dedup();
        Err(PolicyError { problems })
    }
}

pub(crate) fn is_gate(c: Code) -> bool {
    matches!(
        c,
        Code::HardGateSam | Code::HardGateFascsa | Code::HardGateSec889 | Code::HardGateCustom
    )
}

fn days(x: f64) -> Option<u32> {
    (x >= 1.0).then_some(x as u32)
}

fn tiers_field(w: &mut Walker<'_>, t: &Table<'_>, path: &str) -> Vec<Tier> {
    let choices: Vec<(&str, Tier)> = Tier::ALL.iter().map(|t| (t.as_str(), *t)).collect();
    let mut out = Vec::new();
    if let Some(arr) = w.array(t, path, "tiers") {
        for v in arr {
            if let Some(tier) = w.choice_value(v, &join(path, "tiers"), &choices) {
                out.push(tier);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Resolves a question id through the catalog, reporting unknown ids with a suggestion.
fn canonical_question(
    w: &mut Walker<'_>,
    lookup: Option<&dyn QuestionLookup>,
    raw: &str,
    span: std::ops::Range<usize>,
    key: &str,
) -> Option<(String, Option<scrm_model::AnswerSpec>)> {
    let Some(lookup) = lookup else {
        return Some((raw.trim().to_string(), None));
    };
    match lookup.resolve(raw) {
        Resolution::Known(id, spec) => Some((id.as_str().to_string(), Some(spec))),
        Resolution::Unknown { suggestion } => {
            let help = suggestion.map(|s| format!("did you mean `{s}`?"));
            w.problem(
                span,
                key,
                format!("'{raw}' is not a question in the catalog"),
                help,
            );
            None
        }
    }
}

fn question_field(
    w: &mut Walker<'_>,
    lookup: Option<&dyn QuestionLookup>,
    t: &Table<'_>,
    path: &str,
    key: &str,
) -> Option<(String, Option<scrm_model::AnswerSpec>)> {
    let v = get(t, key)?;
    let key = join(path, key);
    match v.get_ref().as_str() {
        Some(s) => canonical_question(w, lookup, s, v.span(), &key),
        None => {
            w.type_problem(v, &key, "a question id string");
            None
        }
    }
}

/// An answer level: an integer 0-5 or a string such as "yes"; checked against the question's kind.
fn answer_level(
    w: &mut Walker<'_>,
    v: &Value<'_>,
    key: &str,
    spec: Option<Option<scrm_model::AnswerSpec>>,
) -> Option<AnswerValue> {
    let parsed = match v.get_ref() {
        DeValue::Integer(i) => i
            .as_str()
            .parse::<u8>()
            .ok()
            .filter(|n| *n <= 5)
            .map(AnswerValue::Maturity),
        DeValue::String(s) => AnswerValue::parse(s)
            .ok()
            .filter(|a| a.normalized().is_some()),
        other => {
            w.problem(
                v.span(),
                key,
                format!(
                    "expected a level (0-5, \"partial\" or \"yes\"), found {}",
                    kind_name(other)
                ),
                None,
            );
            return None;
        }
    };
    let Some(level) = parsed else {
        w.problem(
            v.span(),
            key,
            "not an answer level",
            Some("use a maturity level 0-5, or \"no\", \"partial\", \"yes\"".into()),
        );
        return None;
    };
    if let Some(Some(spec)) = spec {
        let fits = match spec.kind {
            AnswerKind::Maturity => matches!(level, AnswerValue::Maturity(_)),
            AnswerKind::YesPartialNo => matches!(
                level,
                AnswerValue::Yes | AnswerValue::Partial | AnswerValue::No
            ),
        };
        if !fits {
            w.problem(
                v.span(),
                key,
                format!(
                    "level '{level}' does not fit a {} question",
                    spec.kind.as_str()
                ),
                Some(format!(
                    "the possible levels are {:?}",
                    spec.kind.valid_values(false)
                )),
            );
            return None;
        }
    }
    Some(level)
}

fn date_value(w: &mut Walker<'_>, v: &Value<'_>, key: &str) -> Option<NaiveDate> {
    let text = match v.get_ref() {
        DeValue::Datetime(d) => d.to_string(),
        DeValue::String(s) => s.to_string(),
        other => {
            w.problem(
                v.span(),
                key,
                format!("expected a date (YYYY-MM-DD), found {}", kind_name(other)),
                None,
            );
            return None;
        }
    };
    match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            w.problem(
                v.span(),
                key,
                format!("'{text}' is not a date"),
                Some("write dates as YYYY-MM-DD".into()),
            );
            None
        }
    }
}

fn parse_tiering(w: &mut Walker<'_>, t: &Table<'_>, out: &mut Tiering) {
    w.unknown_keys(
        t,
        "tiering",
        &["criticality", "data_access", "ai_role", "cutoffs", "assume"],
    );
    points(
        w,
        t,
        "criticality",
        Criticality::VALUES,
        &mut out.criticality,
    );
    points(
        w,
        t,
        "data_access",
        DataAccess::VALUES,
        &mut out.data_access,
    );
    points(w, t, "ai_role", AiRole::VALUES, &mut out.ai_role);
    if let Some(c) = w.table(t, "tiering", "cutoffs") {
        w.unknown_keys(c, "tiering.cutoffs", &["moderate", "high", "critical"]);
        for (i, k) in ["moderate", "high", "critical"].iter().enumerate() {
            if let Some(x) = w.number(c, "tiering.cutoffs", k, (0.0, 1000.0)) {
                out.cutoffs[i] = x as u32;
            }
        }
        if !(out.cutoffs[0] <= out.cutoffs[1] && out.cutoffs[1] <= out.cutoffs[2]) {
            w.problem(
                span_of(t, "cutoffs"),
                "tiering.cutoffs",
                "cutoffs must not decrease from moderate to high to critical",
                None,
            );
        }
    }
    if let Some(a) = w.table(t, "tiering", "assume") {
        w.unknown_keys(
            a,
            "tiering.assume",
            &["criticality", "data_access", "ai_role"],
        );
        if let Some(v) = get(a, "criticality") {
            let ch: Vec<(&str, Criticality)> =
                Criticality::ALL.iter().map(|x| (x.as_str(), *x)).collect();
            if let Some(x) = w.choice_value(v, "tiering.assume.criticality", &ch) {
                out.assume.0 = x;
            }
        }
        if let Some(v) = get(a, "data_access") {
            let ch: Vec<(&str, DataAccess)> =
                DataAccess::ALL.iter().map(|x| (x.as_str(), *x)).collect();
            if let Some(x) = w.choice_value(v, "tiering.assume.data_access", &ch) {
                out.assume.1 = x;
            }
        }
        if let Some(v) = get(a, "ai_role") {
            let ch: Vec<(&str, AiRole)> = AiRole::ALL.iter().map(|x| (x.as_str(), *x)).collect();
            if let Some(x) = w.choice_value(v, "tiering.assume.ai_role", &ch) {
                out.assume.2 = x;
            }
        }
    }
}

fn points(w: &mut Walker<'_>, t: &Table<'_>, key: &str, names: &[&str], out: &mut [u32; 4]) {
    let path = join("tiering", key);
    if let Some(pt) = w.table(t, "tiering", key) {
        w.unknown_keys(pt, &path, names);
        for (i, n) in names.iter().enumerate() {
            if let Some(x) = w.number(pt, &path, n, (0.0, 100.0)) {
                out[i] = x as u32;
            }
        }
    }
}

fn parse_residual(w: &mut Walker<'_>, t: &Table<'_>, out: &mut Residual) {
    w.unknown_keys(t, "residual_risk", &["likelihood_bands", "matrix"]);
    if let Some(arr) = w.array(t, "residual_risk", "likelihood_bands") {
        if arr.len() == 3 {
            let mut bands = [0.0; 3];
            let mut ok = true;
            for (i, v) in arr.iter().enumerate() {
                match w.number_value(v, "residual_risk.likelihood_bands", (0.0, 5.0)) {
                    Some(x) => bands[i] = x,
                    None => ok = false,
                }
            }
            if ok && !(bands[0] >= bands[1] && bands[1] >= bands[2]) {
                w.problem(
                    span_of(t, "likelihood_bands"),
                    "residual_risk.likelihood_bands",
                    "bands must be in descending order (unlikely, moderately, highly)",
                    None,
                );
            } else if ok {
                out.likelihood_bands = bands;
            }
        } else {
            w.problem(
                span_of(t, "likelihood_bands"),
                "residual_risk.likelihood_bands",
                format!("expected 3 cut points, found {}", arr.len()),
                None,
            );
        }
    }
    if let Some(rows) = w.array(t, "residual_risk", "matrix") {
        if rows.len() != 4 {
            w.problem(
                span_of(t, "matrix"),
                "residual_risk.matrix",
                format!(
                    "expected 4 rows (low, moderate, high, critical impact), found {}",
                    rows.len()
                ),
                None,
            );
            return;
        }
        let mut m = [[0u8; 4]; 4];
        let mut ok = true;
        for (i, row) in rows.iter().enumerate() {
            let DeValue::Array(cells) = row.get_ref() else {
                w.type_problem(row, "residual_risk.matrix", "an array of 4 risk levels");
                ok = false;
                continue;
            };
            if cells.len() != 4 {
                w.problem(
                    row.span(),
                    "residual_risk.matrix",
                    format!(
                        "expected 4 columns (unlikely .. very likely), found {}",
                        cells.len()
                    ),
                    None,
                );
                ok = false;
                continue;
            }
            for (j, c) in cells.iter().enumerate() {
                match w.number_value(c, "residual_risk.matrix", (1.0, 5.0)) {
                    Some(x) if x.fract() == 0.0 => m[i][j] = x as u8,
                    Some(_) => {
                        w.problem(
                            c.span(),
                            "residual_risk.matrix",
                            "risk levels are whole numbers 1-5",
                            None,
                        );
                        ok = false;
                    }
                    None => ok = false,
                }
            }
        }
        if ok {
            out.matrix = m;
        }
    }
}

/// The built-in defaults that apply where a file leaves a section out (the same values as
/// `policy/default.toml`, which a test checks).
pub(crate) fn defaults() -> Policy {
    let mut lens_weights = BTreeMap::new();
    lens_weights.insert(Lens::Airm, 0.4);
    lens_weights.insert(Lens::Aims, 0.4);
    lens_weights.insert(Lens::Cscrm, 0.2);
    let mut thresholds = BTreeMap::new();
    thresholds.insert(
        Tier::Low,
        Thresholds {
            combined: Some(1.5),
            coverage: Some(0.5),
            ..Default::default()
        },
    );
    thresholds.insert(
        Tier::Moderate,
        Thresholds {
            combined: Some(2.0),
            airm: Some(1.5),
            aims: Some(1.5),
            cscrm: Some(1.5),
            coverage: Some(0.6),
        },
    );
    thresholds.insert(
        Tier::High,
        Thresholds {
            combined: Some(2.5),
            airm: Some(2.0),
            aims: Some(2.0),
            cscrm: Some(2.0),
            coverage: Some(0.75),
        },
    );
    thresholds.insert(
        Tier::Critical,
        Thresholds {
            combined: Some(3.0),
            airm: Some(2.5),
            aims: Some(2.5),
            cscrm: Some(2.5),
            coverage: Some(0.85),
        },
    );
    Policy {
        name: "scrm default policy".into(),
        version: "2026.11".into(),
        lens_weights,
        group_weights: default_group_weights(),
        crosswalk_weight: 0.3,
        question_weights: BTreeMap::new(),
        evidence: EvidenceRules {
            discount: 0.25,
            max_age_days: Some(730),
            claim_threshold: 0.6,
            assessment_max_age_days: Some(365),
            max_missing_share: 0.1,
        },
        tiering: Tiering {
            criticality: [0, 1, 2, 3],
            data_access: [0, 1, 2, 3],
            ai_role: [2, 2, 1, 0],
            cutoffs: [2, 4, 6],
            assume: (
                Criticality::High,
                DataAccess::Confidential,
                AiRole::Integrator,
            ),
        },
        thresholds,
        knockouts: Vec::new(),
        gate_sources: vec!["fascsa".into(), "sam".into(), "sec889".into()],
        quality: Quality {
            low_coverage_below: 0.9,
            uniform_min_answers: 10,
            contradiction_penalty: 0.25,
        },
        contradictions: Vec::new(),
        severities: BTreeMap::new(),
        residual: Residual {
            likelihood_bands: [3.5, 2.5, 1.5],
            matrix: [[1, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 5]],
        },
        exemptions: Vec::new(),
        remediation: Remediation::default(),
        hash: String::new(),
        origin: String::new(),
    }
}

/// Group weights of the default policy: GOVERN and A.10 (third-party relationships) count 1.5.
fn default_group_weights() -> BTreeMap<Lens, BTreeMap<String, f64>> {
    let mut m: BTreeMap<Lens, BTreeMap<String, f64>> = BTreeMap::new();
    for lens in Lens::ALL {
        for g in lens_groups(lens) {
            let w = if matches!(*g, "GOVERN" | "A.10") {
                1.5
            } else {
                1.0
            };
            m.entry(lens).or_default().insert((*g).to_string(), w);
        }
    }
    m
}
