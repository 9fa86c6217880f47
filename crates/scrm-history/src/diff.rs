//! `scrm diff`: what changed between two runs, and the answers behind each change.

use crate::store::{
    RunInfo, answers_path, check_file, list_runs, resolve_in, results_path, run_dir,
};
use crate::table::{decode, f64_col, parse_status, read_columns, str_col};
use crate::{HistoryError, StoreKey};
use polars::prelude::*;
use scrm_model::Status;
use scrm_model::round::round4_opt;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// A status before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    /// Status in the earlier run.
    pub before: Status,
    /// Status in the later run.
    pub after: Status,
}

/// A score that moved by at least the threshold (or started or stopped applying).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreMove {
    /// `combined`, `airm`, `aims` or `cscrm`.
    pub measure: &'static str,
    /// Score in the earlier run (4 decimals), `None` when it did not apply.
    pub before: Option<f64>,
    /// Score in the later run (4 decimals), `None` when it does not apply.
    pub after: Option<f64>,
    /// `after - before` (4 decimals), `None` when either side is missing.
    pub delta: Option<f64>,
}

/// One answer that differs between the runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerChange {
    /// Question id.
    pub question: String,
    /// Canonical answer in the earlier run (`None`: blank or not given).
    pub before: Option<String>,
    /// Canonical answer in the later run (`None`: blank or not given).
    pub after: Option<String>,
}

/// A vendor present in both runs whose status changed or whose scores moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorChange {
    /// Vendor id.
    pub vendor_id: String,
    /// Display name in the later run (untrusted supplier text).
    pub name: Option<String>,
    /// Status before and after (equal for pure score moves).
    pub status: StatusChange,
    /// Combined score before and after (4 decimals).
    pub combined: [Option<f64>; 2],
    /// Scores that moved by at least the threshold.
    pub moves: Vec<ScoreMove>,
    /// Finding codes raised in the later run only.
    pub findings_added: Vec<String>,
    /// Finding codes of the earlier run that are gone.
    pub findings_removed: Vec<String>,
    /// Whether the vendor's inputs (profile, answers, catalog or policy) changed.
    pub inputs_changed: bool,
    /// The answers behind the change, by question id.
    pub answers: Vec<AnswerChange>,
}

/// A vendor present in one run only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorBrief {
    /// Vendor id.
    pub vendor_id: String,
    /// Display name (untrusted supplier text).
    pub name: Option<String>,
    /// Status in the run it is in.
    pub status: Status,
    /// Combined score (4 decimals).
    pub combined: Option<f64>,
}

/// The difference between two runs. Every list is sorted (by vendor id; score moves by largest
/// move first), so the JSON and text forms are deterministic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunDiff {
    /// The earlier run.
    pub run_a: RunInfo,
    /// The later run.
    pub run_b: RunInfo,
    /// Smallest score move reported.
    pub threshold: f64,
    /// The status the nightly gate fails on (`never`: none).
    #[serde(serialize_with = "fail_on_text")]
    pub fail_on: Option<Status>,
    /// Whether a vendor newly reached `fail_on` or worse (the exit-code-1 condition); never
    /// with `fail_on` `never`.
    pub crossed: bool,
    /// Not excluded before, excluded now.
    pub newly_excluded: Vec<VendorChange>,
    /// Eligible or conditional before, at risk now.
    pub newly_at_risk: Vec<VendorChange>,
    /// At risk or excluded before, eligible or conditional now.
    pub recovered: Vec<VendorChange>,
    /// Other status changes (eligible and conditional swapping, excluded to at risk).
    pub other_status_changes: Vec<VendorChange>,
    /// Same status, scores moved by at least the threshold.
    pub score_moves: Vec<VendorChange>,
    /// Vendors only in the later run.
    pub added: Vec<VendorBrief>,
    /// Vendors only in the earlier run.
    pub removed: Vec<VendorBrief>,
    /// Vendors in both runs with nothing to report.
    pub unchanged: u64,
    /// Whether the later run was scored with another policy (by its hash in the manifests).
    pub policy_changed: bool,
    /// Whether the later run was scored against another catalog (by its hash in the manifests).
    pub catalog_changed: bool,
    /// Whether another version of scrm scored the later run.
    pub version_changed: bool,
}

/// The policy and catalog hashes and the tool version a run's manifest records, the file checked against its
/// checksum first: a diff says what the store recorded, or that it cannot.
fn setup_of(dir: &Path, run: &RunInfo) -> Result<(String, String, String), HistoryError> {
    let path = run_dir(dir, &run.run_id).join("manifest.json");
    check_file(&path, run.manifest_checksum.as_deref())?;
    let bytes = std::fs::read(&path).map_err(HistoryError::io(&path))?;
    let m: scrm_model::RunManifest =
        serde_json::from_slice(&bytes).map_err(HistoryError::json(&path))?;
    Ok((m.policy_hash, m.catalog_hash, m.tool_version))
}

/// `fail_on` as `--fail-on` spells it.
fn fail_on_text<S: serde::Serializer>(f: &Option<Status>, s: S) -> Result<S::Ok, S::Error> {
    match f {
        Some(status) => status.serialize(s),
        None => s.serialize_str("never"),
    }
}

impl RunDiff {
    /// Whether any vendor newly reached `fail_on` or a worse status: present in both runs and
    /// better than `fail_on` before, or new in the later run at `fail_on` or worse. Drives the
    /// exit code 1 of `scrm diff --fail-on`.
    pub fn newly_crossed(&self, fail_on: Status) -> bool {
        let changed = self
            .newly_excluded
            .iter()
            .chain(&self.newly_at_risk)
            .chain(&self.other_status_changes)
            .any(|c| c.status.before < fail_on && c.status.after >= fail_on);
        changed || self.added.iter().any(|b| b.status >= fail_on)
    }

    /// Every vendor change, in section order.
    pub fn changes(&self) -> impl Iterator<Item = &VendorChange> {
        self.newly_excluded
            .iter()
            .chain(&self.newly_at_risk)
            .chain(&self.recovered)
            .chain(&self.other_status_changes)
            .chain(&self.score_moves)
    }
}

/// One vendor's row as the diff reads it from `results.parquet`.
#[derive(Debug, Clone)]
struct Row {
    name: Option<String>,
    status: Status,
    scores: [Option<f64>; 4],
    findings: String,
    input_hash: String,
}

const MEASURES: [&str; 4] = ["combined", "airm", "aims", "cscrm"];
const SCORE_COLUMNS: [&str; 4] = ["combined_score", "airm_score", "aims_score", "cscrm_score"];

fn read_rows(dir: &Path, run: &RunInfo) -> Result<BTreeMap<String, Row>, HistoryError> {
    let path = results_path(dir, &run.run_id);
    check_file(&path, run.results_file_checksum.as_deref())?;
    let mut cols = vec!["vendor_id", "name", "status", "findings", "input_hash"];
    cols.extend(SCORE_COLUMNS);
    let df = read_columns(&path, &cols)?;
    let ids = str_col(&df, "vendor_id", &path)?;
    let names = str_col(&df, "name", &path)?;
    let statuses = str_col(&df, "status", &path)?;
    let findings = str_col(&df, "findings", &path)?;
    let hashes = str_col(&df, "input_hash", &path)?;
    let scores = SCORE_COLUMNS
        .iter()
        .map(|c| f64_col(&df, c, &path))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = BTreeMap::new();
    for i in 0..df.height() {
        let id = ids.get(i).unwrap_or_default().to_string();
        let raw_status = statuses.get(i).unwrap_or_default();
        let status = parse_status(raw_status).ok_or_else(|| HistoryError::Corrupt {
            path: path.clone(),
            row: i + 1,
            column: "status".into(),
            value: raw_status.to_string(),
            problem: format!(
                "not a status; the possible values are {:?}",
                Status::ALL.map(|s| s.as_str())
            ),
        })?;
        let row = Row {
            name: names.get(i).map(str::to_string),
            status,
            scores: [0, 1, 2, 3].map(|k| scores[k].get(i)),
            findings: findings.get(i).unwrap_or_default().to_string(),
            input_hash: hashes.get(i).unwrap_or_default().to_string(),
        };
        out.insert(id, row);
    }
    Ok(out)
}

/// Answers of the given vendors in one run: vendor -> question -> answer (`None` = blank).
type AnswerMap = BTreeMap<String, BTreeMap<String, Option<String>>>;

/// Reads the answers of `wanted` vendors, a slice of row groups at a time, so a run with
/// hundreds of millions of answers never sits in memory whole.
fn read_answers(
    dir: &Path,
    run: &RunInfo,
    wanted: &HashSet<&str>,
) -> Result<AnswerMap, HistoryError> {
    let mut out = AnswerMap::new();
    // Checked even when no answer is wanted: a diff of a run whose files are not the ones
    // recorded stops with that reason, whatever it would have read of them.
    let path = answers_path(dir, &run.run_id);
    check_file(&path, run.answers_checksum.as_deref())?;
    if wanted.is_empty() {
        return Ok(out);
    }
    let open = || std::fs::File::open(&path).map_err(HistoryError::io(&path));
    let file = open()?;
    let total = decode(&path, || ParquetReader::new(file).num_rows())?;
    const SLICE: usize = 1 << 20;
    let mut offset = 0;
    while offset < total {
        let file = open()?;
        let df = decode(&path, || {
            ParquetReader::new(file)
                .with_slice(Some((offset, SLICE)))
                .finish()
        })?;
        offset += SLICE;
        // A footer claiming more rows than the file holds must not keep the loop going.
        if df.height() == 0 {
            break;
        }
        let v = str_col(&df, "vendor_id", &path)?;
        let q = str_col(&df, "question_id", &path)?;
        let a = str_col(&df, "answer", &path)?;
        for ((v, q), a) in v.iter().zip(q.iter()).zip(a.iter()) {
            let (Some(v), Some(q)) = (v, q) else { continue };
            if wanted.contains(v) {
                out.entry(v.to_string())
                    .or_default()
                    .insert(q.to_string(), a.map(str::to_string));
            }
        }
    }
    Ok(out)
}

fn codes(s: &str) -> BTreeSet<&str> {
    s.split(';').filter(|c| !c.is_empty()).collect()
}

/// Compares two runs of the history at `dir`.
///
/// `a` and `b` are run ids, unique prefixes, `latest` or `previous`; both `None` compares the
/// last two runs, and only `a` compares it with the newest. A score "moves" when it changes by
/// `threshold` or more, or starts or stops applying. Answers are reported for changed vendors
/// whose inputs changed.
pub fn diff_runs(
    dir: &Path,
    a: Option<&str>,
    b: Option<&str>,
    threshold: f64,
    fail_on: Option<Status>,
) -> Result<RunDiff, HistoryError> {
    diff_runs_keyed(dir, a, b, threshold, fail_on, None)
}

/// [`diff_runs`] in a store signed with `key`: both runs must carry the key's signature
/// ([`HistoryError::Unsigned`] otherwise, or [`HistoryError::SignedOtherwise`] when a run carries
/// another scheme's or another key's; a public key verifies as its private key does), so that a run someone without the key changed or made
/// is not diffed as the nightly job's.
pub fn diff_runs_keyed(
    dir: &Path,
    a: Option<&str>,
    b: Option<&str>,
    threshold: f64,
    fail_on: Option<Status>,
    key: Option<&StoreKey>,
) -> Result<RunDiff, HistoryError> {
    let runs = list_runs(dir)?;
    let (run_a, run_b) = match (a, b) {
        (Some(a), Some(b)) => (resolve_in(dir, &runs, a)?, resolve_in(dir, &runs, b)?),
        (Some(a), None) => {
            let last = runs.last().ok_or(HistoryError::NotEnoughRuns {
                dir: dir.to_path_buf(),
                found: 0,
            })?;
            (resolve_in(dir, &runs, a)?, last.clone())
        }
        (None, Some(b)) => {
            let b = resolve_in(dir, &runs, b)?;
            let pos = runs.iter().position(|r| r.run_id == b.run_id).unwrap_or(0);
            let a = pos.checked_sub(1).and_then(|p| runs.get(p)).ok_or(
                HistoryError::NotEnoughRuns {
                    dir: dir.to_path_buf(),
                    found: runs.len(),
                },
            )?;
            (a.clone(), b)
        }
        (None, None) => match runs.as_slice() {
            [.., x, y] => (x.clone(), y.clone()),
            _ => {
                return Err(HistoryError::NotEnoughRuns {
                    dir: dir.to_path_buf(),
                    found: runs.len(),
                });
            }
        },
    };

    if let Some(key) = key {
        for run in [&run_a, &run_b] {
            match run.signature_check(key) {
                Ok(()) => {}
                Err(crate::SignatureProblem::NotSigned) => {
                    return Err(HistoryError::Unsigned {
                        dir: dir.to_path_buf(),
                        run: run.run_id.clone(),
                    });
                }
                Err(problem) => {
                    return Err(HistoryError::SignedOtherwise {
                        dir: dir.to_path_buf(),
                        run: run.run_id.clone(),
                        problem,
                    });
                }
            }
        }
    }
    let rows_a = read_rows(dir, &run_a)?;
    let rows_b = read_rows(dir, &run_b)?;
    // Compare on the stored (4-decimal) values; a tiny epsilon keeps 0.25 from failing 0.25.
    let eps = 1e-9;

    let mut diff = RunDiff {
        run_a: run_a.clone(),
        run_b: run_b.clone(),
        threshold,
        fail_on,
        crossed: false,
        newly_excluded: Vec::new(),
        newly_at_risk: Vec::new(),
        recovered: Vec::new(),
        other_status_changes: Vec::new(),
        score_moves: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        unchanged: 0,
        policy_changed: false,
        catalog_changed: false,
        version_changed: false,
    };
    let (a, b) = (setup_of(dir, &run_a)?, setup_of(dir, &run_b)?);
    diff.policy_changed = a.0 != b.0;
    diff.catalog_changed = a.1 != b.1;
    diff.version_changed = a.2 != b.2;

    let brief = |id: &str, r: &Row| VendorBrief {
        vendor_id: id.to_string(),
        name: r.name.clone(),
        status: r.status,
        combined: round4_opt(r.scores[0]),
    };
    for (id, r) in &rows_a {
        if !rows_b.contains_key(id) {
            diff.removed.push(brief(id, r));
        }
    }
    for (id, rb) in &rows_b {
        let Some(ra) = rows_a.get(id) else {
            diff.added.push(brief(id, rb));
            continue;
        };
        let moves: Vec<ScoreMove> = (0..4)
            .filter_map(|k| {
                let (x, y) = (ra.scores[k], rb.scores[k]);
                let delta = match (x, y) {
                    (Some(x), Some(y)) => Some(y - x),
                    (None, None) => return None,
                    _ => None,
                };
                let moved = delta.is_none_or(|d| d.abs() + eps >= threshold);
                moved.then(|| ScoreMove {
                    measure: MEASURES[k],
                    before: round4_opt(x),
                    after: round4_opt(y),
                    delta: round4_opt(delta),
                })
            })
            .collect();
        if ra.status == rb.status && moves.is_empty() {
            diff.unchanged += 1;
            continue;
        }
        let (fa, fb) = (codes(&ra.findings), codes(&rb.findings));
        let change = VendorChange {
            vendor_id: id.clone(),
            name: rb.name.clone(),
            status: StatusChange {
                before: ra.status,
                after: rb.status,
            },
            combined: [round4_opt(ra.scores[0]), round4_opt(rb.scores[0])],
            moves,
            findings_added: fb.difference(&fa).map(|s| s.to_string()).collect(),
            findings_removed: fa.difference(&fb).map(|s| s.to_string()).collect(),
            inputs_changed: ra.input_hash != rb.input_hash,
            answers: Vec::new(),
        };
        use Status::*;
        let section = match (ra.status, rb.status) {
            (x, y) if x == y => &mut diff.score_moves,
            (_, Excluded) => &mut diff.newly_excluded,
            (Eligible | Conditional, AtRisk) => &mut diff.newly_at_risk,
            (AtRisk | Excluded, Eligible | Conditional) => &mut diff.recovered,
            _ => &mut diff.other_status_changes,
        };
        section.push(change);
    }

    // The answers behind each change, read only for vendors whose inputs changed.
    let wanted: BTreeSet<&str> = diff
        .changes()
        .filter(|c| c.inputs_changed)
        .map(|c| c.vendor_id.as_str())
        .collect();
    let wanted: BTreeSet<String> = wanted.into_iter().map(str::to_string).collect();
    // Looked up once per stored answer (tens of millions); never iterated into an output.
    let wanted_ref: HashSet<&str> = wanted.iter().map(String::as_str).collect();
    let ans_a = read_answers(dir, &run_a, &wanted_ref)?;
    let ans_b = read_answers(dir, &run_b, &wanted_ref)?;
    let empty = BTreeMap::new();
    for section in [
        &mut diff.newly_excluded,
        &mut diff.newly_at_risk,
        &mut diff.recovered,
        &mut diff.other_status_changes,
        &mut diff.score_moves,
    ] {
        for c in section.iter_mut().filter(|c| c.inputs_changed) {
            let qa = ans_a.get(&c.vendor_id).unwrap_or(&empty);
            let qb = ans_b.get(&c.vendor_id).unwrap_or(&empty);
            let questions: BTreeSet<&String> = qa.keys().chain(qb.keys()).collect();
            for q in questions {
                let before = qa.get(q).cloned().flatten();
                let after = qb.get(q).cloned().flatten();
                if before != after {
                    c.answers.push(AnswerChange {
                        question: q.clone(),
                        before,
                        after,
                    });
                }
            }
        }
    }

    let largest = |c: &VendorChange| {
        c.moves
            .iter()
            .map(|m| m.delta.map_or(f64::INFINITY, f64::abs))
            .fold(0.0, f64::max)
    };
    diff.score_moves.sort_by(|x, y| {
        largest(y)
            .total_cmp(&largest(x))
            .then_with(|| x.vendor_id.cmp(&y.vendor_id))
    });
    diff.crossed = fail_on.is_some_and(|f| diff.newly_crossed(f));
    Ok(diff)
}

/// Makes untrusted text safe for a terminal or log line: control characters (escape sequences,
/// newlines, bidi overrides) are shown escaped instead of acting.
fn clean(s: &str) -> String {
    scrm_model::safe::escape_controls(s, false).into_owned()
}

fn score(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| format!("{v:.2}"))
}

fn answer(x: &Option<String>) -> String {
    x.as_deref().map_or_else(|| "(blank)".to_string(), clean)
}

fn vendor_line(out: &mut String, id: &str, name: &Option<String>) {
    let _ = write!(out, "  {}", clean(id));
    if let Some(n) = name {
        let _ = write!(out, "  {}", clean(n));
    }
}

fn render_change(out: &mut String, c: &VendorChange, setup: &RunDiff) {
    vendor_line(out, &c.vendor_id, &c.name);
    if c.status.before != c.status.after {
        let _ = write!(out, "  {} -> {}", c.status.before, c.status.after);
    } else {
        let _ = write!(out, "  {}", c.status.after);
    }
    let _ = writeln!(
        out,
        "  (combined {} -> {})",
        score(c.combined[0]),
        score(c.combined[1])
    );
    if !c.moves.is_empty() {
        let moves: Vec<String> = c
            .moves
            .iter()
            .map(|m| {
                let delta = m.delta.map_or(String::new(), |d| format!(" ({d:+.2})"));
                format!(
                    "{} {} -> {}{delta}",
                    m.measure,
                    score(m.before),
                    score(m.after)
                )
            })
            .collect();
        let _ = writeln!(out, "      moved: {}", moves.join("; "));
    }
    if !c.findings_added.is_empty() {
        let _ = writeln!(out, "      new findings: {}", c.findings_added.join(", "));
    }
    if !c.findings_removed.is_empty() {
        let _ = writeln!(
            out,
            "      cleared findings: {}",
            c.findings_removed.join(", ")
        );
    }
    if !c.inputs_changed {
        // The inputs' hash covers the catalog and the policy: only the date moved it (evidence
        // and questionnaires aging, an exemption ending), or another version of scrm.
        let why = if setup.version_changed {
            "the as-of date or scrm's version moved the result"
        } else {
            "the as-of date moved the result"
        };
        let _ = writeln!(out, "      inputs unchanged ({why})");
    } else if c.answers.is_empty() {
        let why = match (setup.policy_changed, setup.catalog_changed) {
            (true, true) => "the policy and the catalog changed",
            (true, false) => "the policy changed",
            (false, true) => "the catalog changed",
            (false, false) => "the profile, evidence or an exclusion changed",
        };
        let _ = writeln!(out, "      answers unchanged ({why})");
    } else {
        let _ = writeln!(out, "      answers:");
        for a in &c.answers {
            let _ = writeln!(
                out,
                "        {}: {} -> {}",
                clean(&a.question),
                answer(&a.before),
                answer(&a.after)
            );
        }
    }
}

/// Renders a diff for people: a header, then one section per kind of change (empty sections
/// are skipped), every vendor with its scores, findings and the answers behind the change.
/// Supplier text is escaped so it cannot drive the terminal.
pub fn render_diff_text(d: &RunDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "scrm diff {} -> {}", d.run_a.run_id, d.run_b.run_id);
    let _ = writeln!(
        out,
        "  as of {} -> {}; vendors {} -> {} ({} added, {} removed, {} unchanged)",
        d.run_a.as_of,
        d.run_b.as_of,
        d.run_a.vendors,
        d.run_b.vendors,
        d.added.len(),
        d.removed.len(),
        d.unchanged
    );
    let gate = match d.fail_on {
        Some(f) if d.crossed => format!("fail-on {f}: newly crossed"),
        Some(f) => format!("fail-on {f}: not crossed"),
        None => "fail-on never".to_string(),
    };
    let _ = writeln!(
        out,
        "  score moves reported from {:.2}; {gate}",
        d.threshold
    );
    let sections: [(&str, &Vec<VendorChange>); 5] = [
        ("Newly excluded", &d.newly_excluded),
        ("Newly at risk", &d.newly_at_risk),
        ("Recovered", &d.recovered),
        ("Other status changes", &d.other_status_changes),
        ("Score moves", &d.score_moves),
    ];
    for (title, list) in sections {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title} ({})", list.len());
        for c in list {
            render_change(&mut out, c, d);
        }
    }
    for (title, list) in [("Added vendors", &d.added), ("Removed vendors", &d.removed)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title} ({})", list.len());
        for b in list {
            vendor_line(&mut out, &b.vendor_id, &b.name);
            let _ = writeln!(out, "  {}  (combined {})", b.status, score(b.combined));
        }
    }
    if d.changes().next().is_none() && d.added.is_empty() && d.removed.is_empty() {
        let _ = writeln!(out, "\nNo changes.");
    }
    out
}
