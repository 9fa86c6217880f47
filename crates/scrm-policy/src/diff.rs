//! `scrm policy diff`: what changed between two policies, setting by setting.

use crate::Policy;
use scrm_model::{Code, Severity};
use serde_json::Value;
use std::collections::BTreeMap;

/// One changed setting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// Dotted path (`thresholds.high.combined`).
    pub key: String,
    /// Value in A (`None`: absent).
    pub before: Option<String>,
    /// Value in B (`None`: absent).
    pub after: Option<String>,
}

/// Every setting that differs between `a` and `b`, sorted by key.
pub fn diff(a: &Policy, b: &Policy) -> Vec<Change> {
    let fa = flatten(a);
    let fb = flatten(b);
    let mut keys: Vec<&String> = fa.keys().chain(fb.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (x, y) = (fa.get(k), fb.get(k));
            (x != y).then(|| Change {
                key: k.clone(),
                before: x.cloned(),
                after: y.cloned(),
            })
        })
        .collect()
}

/// Renders a diff as `-`/`+` lines (empty string when identical).
pub fn render_diff(changes: &[Change]) -> String {
    let mut s = String::new();
    for c in changes {
        match (&c.before, &c.after) {
            (Some(b), Some(a)) => s.push_str(&format!("~ {}: {} -> {}\n", c.key, b, a)),
            (Some(b), None) => s.push_str(&format!("- {}: {}\n", c.key, b)),
            (None, Some(a)) => s.push_str(&format!("+ {}: {}\n", c.key, a)),
            (None, None) => {}
        }
    }
    s
}

/// The policy as `path -> value` pairs. Lists of rules are keyed by their natural id (knock-out
/// question, contradiction id, exemption vendor+code) so that reordering is not a change.
/// Severities are those in effect, for every code a policy can set (a code a file leaves out
/// takes the code's default, docs/scoring.md §12; `allow` drops the finding), so that two
/// policies that score alike show no difference.
pub fn flatten(p: &Policy) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        let in_effect: serde_json::Map<String, Value> = Code::ALL
            .iter()
            .filter(|c| !crate::parse::is_gate(**c))
            .map(|&c| {
                let level = p.severity(c).map_or("allow", Severity::as_str);
                (c.as_str().to_string(), Value::String(level.to_string()))
            })
            .collect();
        m.insert("severities".to_string(), Value::Object(in_effect));
        for (list, key_fields) in [
            ("knockouts", &["question"][..]),
            ("contradictions", &["id"][..]),
            ("exemptions", &["vendor", "code"][..]),
        ] {
            if let Some(Value::Array(items)) = m.remove(list) {
                let mut keyed = serde_json::Map::new();
                for item in items {
                    let k: Vec<String> = key_fields
                        .iter()
                        .map(|f| item.get(*f).map_or(String::new(), scalar))
                        .collect();
                    keyed.insert(k.join("/"), item);
                }
                m.insert(list.to_string(), Value::Object(keyed));
            }
        }
        as_in_the_file(m, p);
    }
    walk(&v, String::new(), &mut out);
    out
}

/// Names each setting by the keys a policy file gives it (`lenses.airm`, `severity.low-coverage`,
/// `tiering.ai_role.provider`), not by the model's fields, so a change reads as the line to look
/// for in the file.
fn as_in_the_file(m: &mut serde_json::Map<String, Value>, p: &Policy) {
    use scrm_model::{AiRole, Criticality, DataAccess};
    for (field, key) in [
        ("lens_weights", "lenses"),
        ("group_weights", "groups"),
        ("question_weights", "questions"),
        ("severities", "severity"),
        ("knockouts", "knockout"),
        ("contradictions", "contradiction"),
        ("exemptions", "exemption"),
    ] {
        if let Some(v) = m.remove(field) {
            m.insert(key.to_string(), v);
        }
    }
    for (field, table, key) in [
        ("crosswalk_weight", "crosswalk", "weight"),
        ("gate_sources", "gates", "sources"),
    ] {
        if let Some(v) = m.remove(field) {
            m.insert(table.to_string(), serde_json::json!({ key: v }));
        }
    }
    // The tiering's points by name, as the file's inline tables give them.
    let named = |names: Vec<&str>, points: &[u32]| -> Value {
        Value::Object(
            names
                .into_iter()
                .zip(points)
                .map(|(n, p)| (n.to_string(), Value::from(*p)))
                .collect(),
        )
    };
    let t = &p.tiering;
    m.insert(
        "tiering".to_string(),
        serde_json::json!({
            "criticality": named(Criticality::ALL.iter().map(|c| c.as_str()).collect(), &t.criticality),
            "data_access": named(DataAccess::ALL.iter().map(|c| c.as_str()).collect(), &t.data_access),
            "ai_role": named(AiRole::ALL.iter().map(|c| c.as_str()).collect(), &t.ai_role),
            "cutoffs": named(vec!["moderate", "high", "critical"], &t.cutoffs),
            "assume": {
                "criticality": t.assume.0.as_str(),
                "data_access": t.assume.1.as_str(),
                "ai_role": t.assume.2.as_str(),
            },
        }),
    );
    // An answer level as the file writes it (`2`, `"yes"`), not as the model's enum.
    fn level(v: &mut Value) {
        if let Value::Object(o) = v
            && o.len() == 1
            && let Some(inner) = o.get("maturity").cloned()
        {
            *v = inner;
        }
    }
    for (list, fields) in [
        ("knockout", &["minimum"][..]),
        ("contradiction", &["when_at_least", "expect_at_least"][..]),
    ] {
        if let Some(Value::Object(items)) = m.get_mut(list) {
            for item in items.values_mut() {
                for f in fields {
                    if let Some(v) = item.get_mut(*f) {
                        level(v);
                    }
                }
            }
        }
    }
}

fn walk(v: &Value, path: String, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(x, p, out);
            }
        }
        other => {
            out.insert(path, scalar(other));
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
