//! Tests of policy parsing, validation and diff.

use super::*;

#[test]
fn default_policy_parses_and_matches_builtin_defaults() {
    let p = Policy::builtin(None).expect("default policy is valid");
    let empty = Policy::from_toml("empty.toml", "", None).unwrap();
    // The default file restates the defaults: only rule lists differ from an empty policy.
    assert_eq!(p.lens_weights, empty.lens_weights);
    assert_eq!(p.thresholds, empty.thresholds);
    assert_eq!(p.group_weights, empty.group_weights);
    assert_eq!(p.severities.len(), 10);
    assert_eq!(p.tiering, empty.tiering);
    assert_eq!(p.evidence, empty.evidence);
    assert_eq!(p.residual, empty.residual);
    assert_eq!(p.quality, empty.quality);
    assert_eq!(p.crosswalk_weight, empty.crosswalk_weight);
    assert_eq!(p.gate_sources, empty.gate_sources);
    assert_eq!(p.knockouts.len(), 3);
    assert_eq!(p.contradictions.len(), 3);
    assert_eq!(p.hash.len(), 64);
}

/// Validates that every problem is reported in one pass, located, with valid values.
#[test]
fn every_problem_is_located() {
    let src = r#"
[policy]
nmae = "typo"

[lenses]
airm = -1
aims = "heavy"

[thresholds.hihg]
combined = 2

[thresholds.high]
combined = 7
coverage = 0.8

[[knockout]]
question = "SUP-INCIDENT-NOTIFY"
minimum = "maybe"
tiers = ["critical", "severe"]

[severity]
missing-evidence = "loud"
hard-gate-sam = "allow"

[[exemption]]
vendor = "V-1"
code = "missing-evidnce"
reason = ""
expires = "2027-02-30"
"#;
    let err = Policy::from_toml("bad.toml", src, None).unwrap_err();
    let lines: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
    insta::assert_snapshot!(lines.join("\n"));
    insta::assert_json_snapshot!(err.problems);
}

#[test]
fn syntax_error_is_located() {
    let err = Policy::from_toml("broken.toml", "[lenses]\nairm = = 1\n", None).unwrap_err();
    assert_eq!(err.problems.len(), 1);
    assert_eq!(
        (err.problems[0].line, err.problems[0].file.as_str()),
        (2, "broken.toml")
    );
}

#[test]
fn tiering_follows_points() {
    use scrm_model::{AiRole, Criticality, DataAccess, Tier};
    let p = Policy::builtin(None).unwrap();
    let t = &p.tiering;
    assert_eq!(
        t.tier(
            Some(Criticality::Low),
            Some(DataAccess::None),
            Some(AiRole::None)
        ),
        Tier::Low
    );
    assert_eq!(
        t.tier(
            Some(Criticality::Moderate),
            Some(DataAccess::Internal),
            Some(AiRole::None)
        ),
        Tier::Moderate
    );
    assert_eq!(
        t.tier(
            Some(Criticality::High),
            Some(DataAccess::Internal),
            Some(AiRole::Deployer)
        ),
        Tier::High
    );
    assert_eq!(
        t.tier(
            Some(Criticality::Critical),
            Some(DataAccess::Regulated),
            Some(AiRole::Provider)
        ),
        Tier::Critical
    );
    // Missing fields take the conservative assumptions (high + confidential + integrator = 6).
    assert_eq!(t.tier(None, None, None), Tier::Critical);
}

#[test]
fn residual_matrix_lookup() {
    use scrm_model::Tier;
    let p = Policy::builtin(None).unwrap();
    assert_eq!(p.residual.risk(Tier::Low, Some(4.0)), 1);
    assert_eq!(p.residual.risk(Tier::Critical, Some(4.0)), 3);
    assert_eq!(p.residual.risk(Tier::High, Some(2.0)), 4);
    assert_eq!(p.residual.risk(Tier::Critical, None), 5);
}

#[test]
fn diff_shows_changed_settings_only() {
    let a = Policy::builtin(None).unwrap();
    let src = DEFAULT_POLICY_TOML
        .replace(
            "[thresholds.high]\ncombined = 2.5",
            "[thresholds.high]\ncombined = 2.8",
        )
        .replace("discount = 0.25", "discount = 0.4")
        .replace(
            "[[knockout]]\nquestion = \"GV-6.1\"\nminimum = 2\n",
            "[[knockout]]\nquestion = \"GV-6.1\"\nminimum = 3\n",
        );
    let b = Policy::from_toml("b.toml", &src, None).unwrap();
    insta::assert_snapshot!(render_diff(&diff(&a, &b)));
    assert!(diff(&a, &a).is_empty());
}

/// Severities are compared as they are in effect: a file without a `[severity]` section scores
/// as the built-in policy does (every code at its default), so the two do not differ; a code
/// set away from its default, or to `allow`, does.
#[test]
fn diff_compares_the_severities_in_effect() {
    let a = Policy::builtin(None).unwrap();
    let start = DEFAULT_POLICY_TOML.find("[severity]").unwrap();
    let end = start + DEFAULT_POLICY_TOML[start..].find("\n[").unwrap() + 1;
    let without = format!(
        "{}{}",
        &DEFAULT_POLICY_TOML[..start],
        &DEFAULT_POLICY_TOML[end..]
    );
    let b = Policy::from_toml("b.toml", &without, None).unwrap();
    assert!(b.severities.is_empty());
    assert_eq!(diff(&a, &b), Vec::new());
    let c = Policy::from_toml(
        "c.toml",
        "[severity]\nstale-evidence = \"deny\"\nuniform-answers = \"allow\"\n",
        None,
    )
    .unwrap();
    let empty = Policy::from_toml("empty.toml", "", None).unwrap();
    assert!(
        diff(&a, &empty)
            .iter()
            .all(|c| !c.key.starts_with("severity.")),
        "an empty file takes every code's default"
    );
    assert_eq!(
        render_diff(&diff(&empty, &c)),
        "~ severity.stale-evidence: warn -> deny\n~ severity.uniform-answers: warn -> allow\n"
    );
}

/// A change is named by the keys the policy file gives the setting, so it reads as the line to
/// look for: `lenses.airm`, not the model's `lens_weights.airm`.
#[test]
fn diff_names_settings_as_the_file_does() {
    let a = Policy::from_toml("a.toml", "", None).unwrap();
    let b = Policy::from_toml(
        "b.toml",
        "[lenses]\nairm = 0.5\naims = 0.3\ncscrm = 0.2\n[groups.airm]\nGOVERN = 2.0\n\
         [crosswalk]\nweight = 0.4\n\
         [tiering]\nai_role = { none = 0, deployer = 1, integrator = 2, provider = 3 }\n\
         [gates]\nsources = [\"sam\"]\n",
        None,
    )
    .unwrap();
    let keys: Vec<String> = diff(&a, &b).into_iter().map(|c| c.key).collect();
    for want in [
        "lenses.airm",
        "groups.airm.GOVERN",
        "crosswalk.weight",
        "tiering.ai_role.provider",
        "gates.sources",
    ] {
        assert!(keys.iter().any(|k| k == want), "{want} not in {keys:?}");
    }
    for internal in [
        "lens_weights",
        "group_weights",
        "crosswalk_weight",
        "gate_sources",
    ] {
        assert!(keys.iter().all(|k| !k.starts_with(internal)), "{keys:?}");
    }
}

/// `[remediation] deadline_days`: absent by default, read when given, located when wrong.
#[test]
fn remediation_deadline() {
    let p = Policy::builtin(None).expect("default policy is valid");
    assert_eq!(p.remediation.deadline_days, None);
    let given = Policy::from_toml("p.toml", "[remediation]\ndeadline_days = 30\n", None)
        .map(|p| p.remediation.deadline_days);
    assert_eq!(given.ok(), Some(Some(30)));
    let err = Policy::from_toml(
        "p.toml",
        "[remediation]\ndeadline_days = 0\ndeadline = 5\n",
        None,
    )
    .unwrap_err();
    let lines: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        lines,
        [
            "p.toml:2:17: `remediation.deadline_days`: value 0 is out of range (help: expected a number from 1 to 3650)",
            "p.toml:3:1: `remediation.deadline`: unknown key `deadline` (help: did you mean `deadline_days`?)",
        ]
    );
}
