//! A nightly run that reuses stored results writes and records exactly what a run into a fresh
//! store writes, night after night, while suppliers change answers, evidence, profiles and
//! exclusion entries, come and go, and the date moves on.

use crate::common::{arg, assert_same_text, read_xlsx, run_dirs, scrm, tempdir};
use crate::history::nightly;
use std::path::Path;

/// splitmix64: the nights' edits are the same on every run of the test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True about once in `n` calls.
    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }
}

type Rows = Vec<Vec<String>>;

fn read(path: &Path) -> (Vec<String>, Rows) {
    let mut r = csv::Reader::from_path(path).expect("read csv");
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("record").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn write(path: &Path, header: &[String], rows: &Rows) {
    let mut w = csv::Writer::from_path(path).expect("write csv");
    w.write_record(header).expect("header");
    for row in rows {
        w.write_record(row).expect("row");
    }
    w.flush().expect("flush");
}

/// Another answer of the same kind: a maturity level one up (5 wraps to 0), or the next of
/// yes, partial and no. Anything else stays.
fn other_answer(a: &str) -> String {
    match a {
        "yes" => "partial".into(),
        "partial" => "no".into(),
        "no" => "yes".into(),
        d => match d.parse::<u8>() {
            Ok(n) if n <= 5 => ((n + 1) % 6).to_string(),
            _ => d.into(),
        },
    }
}

/// One night's edits to the portfolio in `dir`, as suppliers and the buyer make them.
fn edit_portfolio(dir: &Path, night: u32, as_of: chrono::NaiveDate, rng: &mut Rng) {
    let (ah, mut answers) = read(&dir.join("answers.csv"));
    let (vh, mut vendors) = read(&dir.join("vendors.csv"));
    let (eh, mut exclusions) = read(&dir.join("exclusions.csv"));
    let stale = (as_of - chrono::Days::new(800)).to_string();
    for row in &mut answers {
        if rng.one_in(2000) {
            row[2] = other_answer(&row[2]);
        }
        if rng.one_in(4000) {
            // Evidence re-dated: stale beyond the policy's limit, or undated.
            row[4] = if rng.one_in(2) {
                stale.clone()
            } else {
                String::new()
            };
        }
        if rng.one_in(6000) {
            row[5] = format!("night {night}: revised");
        }
    }
    // One supplier leaves; another joins with a copy of a third's answers.
    let ids: Vec<String> = vendors.iter().map(|v| v[0].clone()).collect();
    let gone = &ids[(rng.next() % ids.len() as u64) as usize];
    let model = &ids[(rng.next() % ids.len() as u64) as usize];
    let joined = format!("V-9{night:04}");
    answers.retain(|r| &r[0] != gone);
    vendors.retain(|r| &r[0] != gone);
    let copied: Rows = answers
        .iter()
        .filter(|r| &r[0] == model)
        .map(|r| {
            std::iter::once(joined.clone())
                .chain(r[1..].iter().cloned())
                .collect()
        })
        .collect();
    answers.extend(copied);
    if let Some(p) = vendors.iter().find(|r| &r[0] == model) {
        let mut p = p.clone();
        p[0].clone_from(&joined);
        p[1] = format!("Joined on night {night} Ltd.");
        vendors.push(p);
    }
    // The buyer re-tiers a few suppliers.
    for row in &mut vendors {
        if rng.one_in(40) {
            row[3] = match row[3].as_str() {
                "low" => "moderate",
                "moderate" => "high",
                "high" => "critical",
                _ => "low",
            }
            .into();
        }
    }
    // A supplier is newly listed; on the second night the first listing is lifted.
    let listed = &ids[(rng.next() % ids.len() as u64) as usize];
    exclusions.push(vec![
        listed.clone(),
        "sam".into(),
        format!("SAM.gov exclusion night {night}"),
        as_of.to_string(),
    ]);
    if night == 2 {
        exclusions.remove(0);
    }
    write(&dir.join("answers.csv"), &ah, &answers);
    write(&dir.join("vendors.csv"), &vh, &vendors);
    write(&dir.join("exclusions.csv"), &eh, &exclusions);
}

/// `reused=N` from a verbose run's log.
fn reused(stderr: &str) -> usize {
    stderr
        .split("reused=")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no reused= in:\n{stderr}"))
}

#[test]
fn nights_of_changes_reuse_only_what_scoring_gives() {
    let dir = tempdir();
    let p = dir.path().join("portfolio");
    scrm(["gen", "--vendors", "300", "--seed", "11", "--out", &arg(&p)]).expect_code(0);
    let files = [
        "--vendors".to_string(),
        arg(&p.join("vendors.csv")),
        "--exclusions".to_string(),
        arg(&p.join("exclusions.csv")),
    ];
    let kept = dir.path().join("kept");
    let first = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
    let mut rng = Rng(2026);
    for night in 0..4u32 {
        let as_of = first + chrono::Days::new(u64::from(night) * 7);
        if night > 0 {
            edit_portfolio(&p, night, as_of, &mut rng);
        }
        let (day, now) = (as_of.to_string(), format!("{as_of}T06:00:00Z"));
        let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
        args.extend(["--format", "json", "--as-of", &day]);
        let answers = arg(&p.join("answers.csv"));
        let (kept_out, fresh_out) = (
            dir.path().join(format!("kept{night}.json")),
            dir.path().join(format!("fresh{night}.json")),
        );
        let run = nightly(&answers, &kept, &kept_out, &now, &args);
        let fresh = dir.path().join(format!("fresh{night}"));
        nightly(&answers, &fresh, &fresh_out, &now, &args);
        if night > 0 {
            // Most suppliers are carried over, some are scored afresh.
            let n = reused(&run.stderr);
            assert!((100..295).contains(&n), "night {night}: reused={n}");
        }
        let read = |p: &Path| std::fs::read_to_string(p).expect("json");
        assert_same_text(
            &read(&kept_out),
            &read(&fresh_out),
            &format!("night {night}"),
        );
        let newest = |h: &Path| run_dirs(h).pop().expect("a run");
        assert_eq!(
            newest(&kept).file_name(),
            newest(&fresh).file_name(),
            "night {night}"
        );
    }
}

/// The exports that carry plans (the workbook, both OSCAL documents) make each supplier's plan
/// and views while it is read. From a history whose newest run gives every result, they hold
/// what a run that scores every supplier afresh writes: a reused result gets the same plan.
#[test]
fn exports_with_plans_are_the_same_from_reused_results() {
    let dir = tempdir();
    let p = dir.path().join("portfolio");
    scrm(["gen", "--vendors", "300", "--seed", "11", "--out", &arg(&p)]).expect_code(0);
    let (vendors, exclusions) = (arg(&p.join("vendors.csv")), arg(&p.join("exclusions.csv")));
    let answers = arg(&p.join("answers.csv"));
    let now = "2026-11-02T06:00:00Z";
    let files = ["--vendors", &vendors, "--exclusions", &exclusions];
    let h = dir.path().join("history");
    nightly(&answers, &h, &dir.path().join("first.csv"), now, &files);
    for format in ["oscal-poam", "oscal-ar", "xlsx", "html"] {
        let (kept, fresh) = (
            dir.path().join(format!("kept.{format}")),
            dir.path().join(format!("fresh.{format}")),
        );
        let mut args = files.to_vec();
        args.extend(["--format", format]);
        let run = nightly(&answers, &h, &kept, now, &args);
        assert_eq!(reused(&run.stderr), 300, "{format}");
        // Scored afresh into an empty store: results then carry their input hash too.
        let empty = dir.path().join(format!("empty-{format}"));
        let run = nightly(&answers, &empty, &fresh, now, &args);
        assert_eq!(reused(&run.stderr), 0, "{format}");
        if format == "xlsx" {
            let (k, f) = (read_xlsx(&kept), read_xlsx(&fresh));
            let plans = k.iter().find(|(name, _)| name == "Remediation");
            assert!(plans.is_some_and(|(_, rows)| rows.len() > 10), "{format}");
            assert_eq!(k, f, "{format}");
        } else if format == "html" {
            // The page's gaps and roll-ups are made as the vendors are read, reused or not.
            let read = |p: &Path| std::fs::read_to_string(p).expect("html");
            let k = read(&kept);
            let gaps = k.split("<section id=\"gaps\">").nth(1).unwrap_or_default();
            let gaps = gaps.split("</section>").next().unwrap_or_default();
            assert!(gaps.matches("<tr>").count() > 10, "{format}: {gaps}");
            assert_same_text(&k, &read(&fresh), format);
        } else {
            let read = |p: &Path| std::fs::read_to_string(p).expect("oscal");
            let k = read(&kept);
            assert!(k.matches("\"remediations\"").count() > 10, "{format}");
            assert_same_text(&k, &read(&fresh), format);
        }
    }
}
