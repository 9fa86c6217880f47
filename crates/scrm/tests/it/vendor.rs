//! `scrm explain` and `scrm plan`: one supplier at a time.

use crate::common::{AS_OF, DEMO, scrm};

fn on_demo(args: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    v.extend([DEMO, "--as-of", AS_OF].iter().map(|s| s.to_string()));
    v
}

#[test]
fn explain_human() {
    let r = scrm(on_demo(&["explain", "V-0005"]));
    r.expect_code(0);
    assert_eq!(r.stderr, "");
    assert_run!("explain_v0005", r);
}

#[test]
fn explain_json_contributions_add_up() {
    let r = scrm(on_demo(&["explain", "V-0005", "--format", "json"]));
    r.expect_code(0);
    let j = r.json();
    assert_eq!(j["result"]["vendor_id"], "V-0005");
    let lenses = j["lenses"].as_array().expect("lenses");
    let names: Vec<&str> = lenses
        .iter()
        .map(|l| l["lens"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["airm", "aims", "cscrm"]);
    let mut counts = Vec::new();
    for l in lenses {
        let score = l["score"].as_f64().expect("lens score");
        let contributions = l["contributions"].as_array().expect("contributions");
        let sum: f64 = contributions
            .iter()
            .map(|c| c["contribution"].as_f64().expect("contribution"))
            .sum();
        assert!(
            (sum - score).abs() < 1e-9,
            "{}: contributions sum to {sum}, score is {score}",
            l["lens"]
        );
        // The lens score in the explanation is the one in the result.
        let in_result = j["result"]["lenses"]
            .as_array()
            .expect("result lenses")
            .iter()
            .find(|x| x["lens"] == l["lens"])
            .and_then(|x| x["score"].as_f64())
            .expect("result lens score");
        assert!((in_result - score).abs() < 1e-12);
        counts.push(format!(
            "{}: {} questions",
            l["lens"].as_str().unwrap_or(""),
            contributions.len()
        ));
    }
    let shown = serde_json::json!({ "result": j["result"], "contributions": counts });
    assert_text!(
        "explain_v0005_json",
        serde_json::to_string_pretty(&shown).expect("json")
    );
}

/// The governance view of a demo supplier, in both languages, and as JSON: each lens's three
/// task shares add up to the lens score the question view gives.
#[test]
fn explain_governance_view() {
    let r = scrm(on_demo(&["explain", "V-0005", "--view", "governance"]));
    r.expect_code(0);
    assert_run!("explain_governance_v0005", r);
    let r = scrm(on_demo(&[
        "explain",
        "V-0005",
        "--view",
        "governance",
        "--lang",
        "zh-TW",
    ]));
    r.expect_code(0);
    assert_run!("explain_governance_v0005_zh_tw", r);
    let view = scrm(on_demo(&[
        "explain",
        "V-0005",
        "--view",
        "governance",
        "--format",
        "json",
    ]))
    .json();
    let questions = scrm(on_demo(&["explain", "V-0005", "--format", "json"])).json();
    let lenses = view["lenses"].as_array().expect("lenses");
    assert_eq!(lenses.len(), 3);
    for (lg, le) in lenses
        .iter()
        .zip(questions["lenses"].as_array().expect("lenses"))
    {
        assert_eq!(lg["lens"], le["lens"]);
        assert_eq!(lg["score"], le["score"]);
        let tasks = lg["tasks"].as_array().expect("tasks");
        let names: Vec<&str> = tasks
            .iter()
            .map(|t| t["task"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(names, ["evaluate", "direct", "monitor"]);
        let sum: f64 = tasks
            .iter()
            .map(|t| t["contribution"].as_f64().unwrap_or(f64::NAN))
            .sum();
        let score = le["score"].as_f64().expect("score");
        assert!((sum - score).abs() < 1e-9, "{sum} vs {score}");
        let n: u64 = tasks
            .iter()
            .map(|t| t["questions"].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(
            n as usize,
            le["contributions"].as_array().map_or(0, Vec::len)
        );
    }
}

/// The GenAI risk view of a demo supplier: the twelve risks of NIST AI 600-1 in order, each
/// with the readiness of the questions that address it; as text and JSON.
#[test]
fn explain_risk_view() {
    let r = scrm(on_demo(&["explain", "V-0003", "--view", "risks"]));
    r.expect_code(0);
    assert_run!("explain_risks_v0003", r);
    let view = scrm(on_demo(&[
        "explain", "V-0003", "--view", "risks", "--format", "json",
    ]))
    .json();
    let risks = view["risks"].as_array().expect("risks");
    assert_eq!(risks.len(), 12);
    assert_eq!(risks[0]["risk"], "cbrn");
    assert_eq!(risks[11]["risk"], "value-chain");
    // No catalog question cites an AI 600-1 action on environmental impacts.
    assert_eq!(risks[4]["risk"], "environmental");
    assert_eq!(risks[4]["readiness"], serde_json::Value::Null);
}

#[test]
fn plan_human_and_json() {
    let r = scrm(on_demo(&["plan", "V-0005"]));
    r.expect_code(0);
    assert_run!("plan_v0005", r);
    let r = scrm(on_demo(&["plan", "V-0005", "--format", "json"]));
    r.expect_code(0);
    let j = r.json();
    assert_eq!(j["vendor_id"], "V-0005");
    assert_eq!(j["status_before"], "at-risk");
    assert_eq!(j["feasible"], true);
    assert_ne!(j["status_after"], "at-risk");
    assert_run!("plan_v0005_json", r);
}

#[test]
fn what_if() {
    let args = [
        "plan",
        "V-0005",
        "--set",
        "SUP-TRAINING-DATA=yes",
        "--set",
        "SUP-INCIDENT-NOTIFY=yes",
    ];
    let r = scrm(on_demo(&args));
    r.expect_code(0);
    assert_run!("plan_v0005_what_if", r);
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let r = scrm(on_demo(&json_args));
    r.expect_code(0);
    let j = r.json();
    assert_eq!(j["before"]["status"], "at-risk");
    let knockouts_after = j["after"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "knockout-failed")
        .count();
    assert_eq!(knockouts_after, 0, "both knock-outs are cleared");
    assert_run!("plan_v0005_what_if_json", r);
}

#[test]
fn what_if_errors() {
    let r = scrm(on_demo(&[
        "plan",
        "V-0005",
        "--set",
        "SUP-TRAINING-DATA=maybe",
    ]));
    r.expect_code(2);
    assert_run!("plan_set_bad_answer", r);
    let r = scrm(on_demo(&["plan", "V-0005", "--set", "GV-6.1=yes"]));
    r.expect_code(2);
    assert_run!("plan_set_wrong_kind", r);
    let r = scrm(on_demo(&["plan", "V-0005", "--set", "GV-6.9=3"]));
    r.expect_code(2);
    assert_run!("plan_set_unknown_question", r);
    let r = scrm(on_demo(&["plan", "V-0005", "--set", "GV-6.1"]));
    r.expect_code(2);
    assert_run!("plan_set_no_equals", r);
}

/// A knock-out on an `na` answer whose question the thresholds also need raised: raising that
/// one question past the minimum clears both, so the plan is one step, proven (it once forced
/// the question to the minimum and raised another, claiming two steps were the fewest).
#[test]
fn plan_raises_a_knockout_question_past_its_minimum_in_one_step() {
    let dir = crate::common::tempdir();
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        "[thresholds.high]\ncombined = 3.776\naims = 3.74\n\
         [[knockout]]\nquestion = \"AIMS-A.7.5\"\nminimum = 1\nreason = \"test\"\n",
    )
    .expect("policy written");
    let policy = crate::common::arg(&policy);
    let r = scrm(on_demo(&["plan", "V-0028", "--policy", &policy]));
    r.expect_code(0);
    assert_run!("plan_v0028_knockout_raised_further", r);
    let r = scrm(on_demo(&[
        "plan", "V-0028", "--policy", &policy, "-f", "json",
    ]));
    r.expect_code(0);
    let j = r.json();
    assert_eq!(j["feasible"], true);
    assert_eq!(j["provably_minimal"], true);
    assert_eq!(j["min_steps"], 1);
    let steps = j["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert_eq!(steps[0]["question"], "AIMS-A.7.5");
    assert_eq!(j["status_after"], "conditional");
}

#[test]
fn plan_for_an_excluded_vendor() {
    // V-0021 is on the SAM exclusion list: a hard gate no answer can fix.
    let r = scrm(on_demo(&["plan", "V-0021"]));
    r.expect_code(0);
    assert_run!("plan_v0021_excluded", r);
    let r = scrm(on_demo(&["plan", "V-0021", "--format", "json"]));
    r.expect_code(0);
    let j = r.json();
    assert_eq!(j["status_before"], "excluded");
    assert_eq!(j["status_after"], "excluded");
    assert_eq!(j["steps"].as_array().map(Vec::len), Some(0));
    // Clear of the bar but for the listing: nothing to change, and that is proven.
    assert_eq!(j["feasible"], true);
    assert_eq!(j["provably_minimal"], true);
    let unfixable: Vec<&str> = j["unfixable"]
        .as_array()
        .expect("unfixable")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(unfixable, ["hard-gate-sam"]);
    assert_run!("plan_v0021_excluded_json", r);
}

/// V-0022 is excluded under Section 889 and below the bar besides: the plan says no answer clears
/// the exclusion, and plans for the other findings only, as it would without the listing.
#[test]
fn plan_for_an_excluded_vendor_below_the_bar() {
    let r = scrm(on_demo(&["plan", "V-0022"]));
    r.expect_code(0);
    let out = r.out();
    assert!(
        out.contains("No answer can clear an exclusion: the supplier stays excluded"),
        "{out}"
    );
    let r = scrm(on_demo(&["plan", "V-0022", "--format", "json"]));
    r.expect_code(0);
    let j = r.json();
    assert_eq!(j["status_after"], "excluded");
    assert_eq!(j["unfixable"][0]["code"], "hard-gate-sec889");
    // Feasible as docs/scoring.md §9.9 defines it: no finding but the gate left at deny.
    assert_eq!(j["feasible"], true);
    let deny_left = j["after"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "deny" && f["code"] != "hard-gate-sec889")
        .count();
    assert_eq!(deny_left, 0);
    // The same steps as for the supplier without its listing.
    let dir = crate::common::tempdir();
    crate::common::demo_subset(dir.path(), &["V-0022"], false);
    let unlisted = scrm([
        "plan",
        "V-0022",
        &crate::common::arg(dir.path()),
        "--as-of",
        crate::common::AS_OF,
        "--format",
        "json",
    ]);
    unlisted.expect_code(0);
    let u = unlisted.json();
    assert_eq!(u["status_after"], "conditional");
    assert_eq!(j["steps"], u["steps"]);
    assert_eq!(j["provably_minimal"], u["provably_minimal"]);
    assert_eq!(j["min_steps"], u["min_steps"]);
}

#[test]
fn unknown_vendor() {
    let r = scrm(on_demo(&["plan", "NOPE"]));
    r.expect_code(2);
    assert_run!("plan_unknown_vendor", r);
    // A near miss gets a did-you-mean.
    let r = scrm(on_demo(&["plan", "V-005"]));
    r.expect_code(2);
    assert!(r.stderr.contains("did you mean `V-0005`?"), "{}", r.stderr);
    assert_run!("plan_unknown_vendor_near_miss", r);
    let r = scrm(on_demo(&["explain", "v-0005"]));
    r.expect_code(2);
    assert_run!("explain_unknown_vendor_case", r);
}

/// A blank vendor id, or a `--lang` that is none, is refused only once the inputs were read (as
/// when every vendor was kept): their problems reported and their rejects written first.
#[test]
fn blank_id_and_bad_lang_are_refused_after_the_inputs_are_read() {
    let dir = crate::common::tempdir();
    let rejects = dir.path().join("rejects.csv");
    let inputs = "fixtures/ingest/invalid-answer/inputs";
    for (args, error) in [
        (vec!["explain", " "], "error: vendor id is blank"),
        (vec!["plan", " "], "error: vendor id is blank"),
        (vec!["report", "--vendor", " "], "error: vendor id is blank"),
        (
            vec!["explain", "V-0001", "--lang", "xx"],
            "error: 'xx' is not a language",
        ),
        (
            vec!["plan", "NOPE", "--lang", "xx"],
            "error: 'xx' is not a language",
        ),
    ] {
        let _ = std::fs::remove_file(&rejects);
        let mut a: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        a.extend([
            inputs.into(),
            "--rejects".into(),
            crate::common::arg(&rejects),
        ]);
        let r = scrm(&a);
        r.expect_code(2);
        assert!(
            r.stderr.starts_with("warning: inputs have 3 error(s)"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(error), "{args:?}: {}", r.stderr);
        assert!(rejects.is_file(), "{args:?}: no rejects written");
    }
    // Nothing to read: the inputs' error comes first, not the id's or the language's.
    for args in [vec!["explain", " "], vec!["plan", "V-0001", "--lang", "xx"]] {
        let mut a: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        a.push("fixtures/no-such-folder".into());
        let r = scrm(&a);
        r.expect_code(2);
        assert!(
            r.stderr.contains("no such file or folder"),
            "{args:?}: {}",
            r.stderr
        );
    }
}

/// Writes `text` as a policy file in `dir` and returns its path as an argument.
fn policy_file(dir: &tempfile::TempDir, text: &str) -> String {
    let path = dir.path().join("policy.toml");
    std::fs::write(&path, text).expect("policy written");
    crate::common::arg(&path)
}

/// A governance task with no question sums to 0, and JSON never says `-0.0` (V-0030's views
/// once did, for a task no question of a lens informs).
#[test]
fn governance_view_json_has_no_negative_zero() {
    let r = scrm(on_demo(&[
        "explain",
        "V-0030",
        "--view",
        "governance",
        "--format",
        "json",
    ]));
    r.expect_code(0);
    let out = r.out();
    assert!(!out.contains("-0.0"), "{out}");
    let j = r.json();
    let empty = j["lenses"]
        .as_array()
        .expect("lenses")
        .iter()
        .flat_map(|l| l["tasks"].as_array().expect("tasks"))
        .filter(|t| t["questions"] == 0)
        .count();
    assert!(empty > 0, "V-0030 has a task with no question: {out}");
}

/// A score that equals its minimum to six decimals is printed with as many as tell them apart
/// (docs/scoring.md §8.1): V-0001's combined score 4.3184164353… under 4.318416440.
#[test]
fn threshold_message_tells_score_and_minimum_apart() {
    let dir = crate::common::tempdir();
    let policy = policy_file(&dir, "[thresholds.critical]\ncombined = 4.318416440\n");
    let r = scrm(on_demo(&[
        "explain", "V-0001", "--policy", &policy, "--format", "json",
    ]));
    r.expect_code(0);
    let j = r.json();
    let messages: Vec<&str> = j["result"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "below-tier-threshold")
        .map(|f| f["message"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        messages,
        ["combined score 4.318416435 is below the critical tier minimum 4.318416440"]
    );
}

/// A lens whose groups all weigh 0 has no score although its questions apply: the explanation
/// says so, not that no question applies (docs/scoring.md §4.3).
#[test]
fn explain_a_lens_weighted_out() {
    let dir = crate::common::tempdir();
    let policy = policy_file(&dir, "[groups.cscrm]\n\"GV.SC\" = 0\n");
    let r = scrm(on_demo(&["explain", "V-0005", "--policy", &policy]));
    r.expect_code(0);
    let out = r.out();
    assert!(
        out.contains(
            "C-SCRM (cscrm): not scored: its questions apply, but the policy gives every group \
             of this lens weight 0"
        ),
        "{out}"
    );
    assert!(!out.contains("no question of this lens applies"), "{out}");
    let j = scrm(on_demo(&[
        "explain", "V-0005", "--policy", &policy, "--format", "json",
    ]))
    .json();
    assert_eq!(j["lenses"][2]["lens"], "cscrm");
    assert_eq!(j["lenses"][2]["score"], serde_json::Value::Null);
    assert_eq!(j["lenses"][2]["zero_weights"], true);
    assert_eq!(
        j["lenses"][0].get("zero_weights"),
        None,
        "written only when true"
    );
    let r = scrm(on_demo(&[
        "explain",
        "V-0005",
        "--policy",
        &policy,
        "--view",
        "governance",
    ]));
    r.expect_code(0);
    assert!(
        r.out().contains("C-SCRM (cscrm): not scored"),
        "{}",
        r.out()
    );
}

/// The free what-if in Chinese: its labels are translated like the plan view's.
#[test]
fn what_if_in_chinese() {
    let r = scrm(on_demo(&[
        "plan", "V-0025", "--lang", "zh-TW", "--set", "GV-6.1=2",
    ]));
    r.expect_code(0);
    let out = r.out();
    for english in ["what-if for", "before", "after", "status", "findings after"] {
        assert!(
            !out.contains(english),
            "{english:?} left in English:\n{out}"
        );
    }
    assert_run!("plan_v0025_what_if_zh_tw", r);
}
