//! Generated portfolios: exact output, reproducibility, validity and the archetype mix.

use scrm_gen::fixtures::{catalog_sized_questions, small_questions};
use scrm_gen::{GenError, GenOptions, demo, generate, generate_to, run_gen};
use scrm_model::{AiRole, AnswerValue, Question};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn opts(vendors: u64, seed: u64) -> GenOptions {
    GenOptions {
        vendors,
        seed,
        exclusion_rate: 0.1,
        ..GenOptions::default()
    }
}

#[test]
fn small_portfolio_whole_output() {
    let dir = tempfile::tempdir().unwrap();
    let o = GenOptions {
        exclusion_rate: 0.3,
        ..opts(12, 7)
    };
    let s = generate(&small_questions(), &o, dir.path()).unwrap();
    insta::assert_snapshot!("small_summary", s.to_text());
    insta::assert_snapshot!("small_vendors_csv", read(dir.path(), "vendors.csv"));
    insta::assert_snapshot!("small_exclusions_csv", read(dir.path(), "exclusions.csv"));
    insta::assert_snapshot!("small_answers_csv", read(dir.path(), "answers.csv"));
    insta::assert_snapshot!("small_marker", read(dir.path(), ".scrm-gen"));
    assert_eq!(
        s.answers_bytes,
        std::fs::metadata(dir.path().join("answers.csv"))
            .unwrap()
            .len()
    );
}

/// Output of `generate_to` inside a rayon pool of `threads` threads.
fn bytes_with_threads(questions: &[Question], o: &GenOptions, threads: usize) -> [Vec<u8>; 3] {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let (mut a, mut v, mut x) = (Vec::new(), Vec::new(), Vec::new());
        generate_to(questions, o, &mut a, &mut v, &mut x).unwrap();
        [a, v, x]
    })
}

#[test]
fn same_seed_same_bytes_whatever_the_thread_count() {
    let qs = catalog_sized_questions();
    let o = opts(3000, 42);
    let one = bytes_with_threads(&qs, &o, 1);
    for threads in [2, 5] {
        assert!(
            one == bytes_with_threads(&qs, &o, threads),
            "{threads} threads differ"
        );
    }
    let other = bytes_with_threads(&qs, &opts(3000, 43), 2);
    assert!(one[0] != other[0], "another seed gave the same answers");
    // A smaller portfolio is a prefix of a larger one: vendors do not depend on the count
    // (but ids widen past 9,999 vendors, so stay below that).
    let fewer = bytes_with_threads(&qs, &opts(1000, 42), 2);
    assert!(one[1].starts_with(&fewer[1]));
}

fn records(dir: &Path, name: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(dir.join(name))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn every_row_is_valid_input() {
    let dir = tempfile::tempdir().unwrap();
    let qs = catalog_sized_questions();
    let o = GenOptions {
        vendors: 4000,
        seed: 1,
        exclusion_rate: 0.02,
        ..GenOptions::default()
    };
    let s = generate(&qs, &o, dir.path()).unwrap();
    let by_id: BTreeMap<&str, &Question> = qs.iter().map(|q| (q.id.as_str(), q)).collect();

    let vendors = records(dir.path(), "vendors.csv");
    assert_eq!(vendors.len() as u64, s.vendors);
    let mut roles = BTreeMap::new();
    let mut countries = BTreeSet::new();
    for r in &vendors {
        assert_eq!(r.len(), 8);
        let role: AiRole = r[4].parse().unwrap();
        let _: scrm_model::Criticality = r[3].parse().unwrap();
        let _: scrm_model::DataAccess = r[5].parse().unwrap();
        if !r[6].is_empty() {
            let d = chrono::NaiveDate::parse_from_str(&r[6], "%Y-%m-%d").unwrap();
            assert!(d <= o.as_of);
        }
        countries.insert(r[2].to_string());
        roles.insert(r[0].to_string(), role);
    }
    assert_eq!(countries.len(), 12, "{countries:?}");

    let answers = records(dir.path(), "answers.csv");
    assert_eq!(answers.len() as u64, s.answer_rows);
    let mut per_vendor: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &answers {
        assert_eq!(r.len(), 6);
        let q = by_id[&r[1]];
        let role = roles[&r[0]];
        assert!(
            q.applies_to(Some(role)),
            "{} asked of a {role} vendor",
            &r[1]
        );
        let v = AnswerValue::parse(&r[2]).unwrap();
        assert!(
            q.answer.kind.accepts(v, q.answer.na_allowed),
            "{} = {:?}",
            &r[1],
            &r[2]
        );
        if !r[4].is_empty() {
            let d = chrono::NaiveDate::parse_from_str(&r[4], "%Y-%m-%d").unwrap();
            assert!(d <= o.as_of);
            assert!(!r[3].is_empty(), "a date without evidence");
        }
        assert!(
            per_vendor.entry(&r[0]).or_default().insert(&r[1]),
            "duplicate answer"
        );
    }
    for r in records(dir.path(), "exclusions.csv") {
        assert!(roles.contains_key(&r[0]));
        assert!(["sam", "sec889", "fascsa"].contains(&&r[1]));
    }

    // The mix: every archetype present, in roughly the documented shares.
    let share = |k: &str| s.archetypes.get(k).copied().unwrap_or(0) as f64 / s.vendors as f64;
    for (k, want) in [
        ("strong", 0.18),
        ("average", 0.42),
        ("weak", 0.15),
        ("incomplete", 0.10),
        ("contradictory", 0.05),
        ("uniform", 0.04),
        ("knockout-fail", 0.06),
        ("excluded", 0.02),
    ] {
        let got = share(k);
        assert!(
            (got - want).abs() < want * 0.35 + 0.005,
            "{k}: {got:.3} vs {want}"
        );
    }
    assert_eq!(s.exclusions, s.archetypes["excluded"]);
}

#[test]
fn answers_per_vendor_limits_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let o = GenOptions {
        vendors: 300,
        answers_per_vendor: Some(20),
        ..GenOptions::default()
    };
    generate(&catalog_sized_questions(), &o, dir.path()).unwrap();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in records(dir.path(), "answers.csv") {
        *counts.entry(r[0].to_string()).or_default() += 1;
    }
    assert!(counts.values().all(|&n| n <= 20));
    let full = counts.values().filter(|&&n| n == 20).count();
    assert!(full > 200, "only {full} vendors answered 20 questions");
}

#[test]
fn run_gen_skips_an_identical_portfolio() {
    let dir = tempfile::tempdir().unwrap();
    let qs = small_questions();
    let o = opts(50, 3);
    let first = run_gen(&qs, &o, dir.path(), false).unwrap();
    assert!(!first.skipped);
    let again = run_gen(&qs, &o, dir.path(), false).unwrap();
    assert!(again.skipped);
    assert_eq!(again.summary, first.summary);
    // Another seed, a forced run, or a damaged file regenerate.
    assert!(
        !run_gen(&qs, &opts(50, 4), dir.path(), false)
            .unwrap()
            .skipped
    );
    assert!(!run_gen(&qs, &o, dir.path(), false).unwrap().skipped);
    assert!(!run_gen(&qs, &o, dir.path(), true).unwrap().skipped);
    std::fs::write(dir.path().join("answers.csv"), "truncated").unwrap();
    let repaired = run_gen(&qs, &o, dir.path(), false).unwrap();
    assert!(!repaired.skipped);
    assert_eq!(repaired.summary, first.summary);
}

#[test]
fn bad_options_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let o = GenOptions {
        exclusion_rate: 1.5,
        ..GenOptions::default()
    };
    let e = generate(&small_questions(), &o, dir.path()).unwrap_err();
    assert!(matches!(e, GenError::Invalid { .. }));
    insta::assert_snapshot!(e.to_string(), @"exclusion_rate = 1.5: must be between 0 and 1");
    let e = generate(&[], &GenOptions::default(), dir.path()).unwrap_err();
    insta::assert_snapshot!(e.to_string(), @"questions = 0: the catalog holds no question to answer");
    // `--out` naming a file: said so, not the operating system's "File exists".
    let file = dir.path().join("answers.csv");
    std::fs::write(&file, "x").unwrap();
    let e = generate(&small_questions(), &GenOptions::default(), &file).unwrap_err();
    assert!(matches!(e, GenError::NotAFolder { .. }));
    assert!(e.to_string().ends_with(
        "answers.csv: not a folder; give the folder the portfolio's files are written into (created if missing)"
    ));
}

#[test]
fn demo_portfolio_whole_output() {
    let dir = tempfile::tempdir().unwrap();
    let qs = small_questions();
    let s = demo(&qs, dir.path()).unwrap();
    insta::assert_debug_snapshot!("demo_summary", s);
    insta::assert_snapshot!("demo_vendors_csv", read(dir.path(), "vendors.csv"));
    insta::assert_snapshot!("demo_exclusions_csv", read(dir.path(), "exclusions.csv"));
    insta::assert_snapshot!("demo_answers_csv", read(dir.path(), "answers.csv"));
    for doc in &s.json_documents {
        let text = read(dir.path(), doc);
        let parsed: scrm_model::SupplierDocument = serde_json::from_str(&text).unwrap();
        assert_eq!(format!("json/{}.json", parsed.vendor.vendor_id), *doc);
        insta::assert_snapshot!(format!("demo_{}", doc.replace(['/', '.'], "_")), text);
    }

    // Again, byte for byte.
    let again = tempfile::tempdir().unwrap();
    demo(&qs, again.path()).unwrap();
    for f in ["answers.csv", "vendors.csv", "exclusions.csv"] {
        assert_eq!(read(dir.path(), f), read(again.path(), f));
    }

    // The knock-out failures the brief asks for, on the questions of the default policy.
    let answers = records(dir.path(), "answers.csv");
    let answer = |v: &str, q: &str| {
        answers
            .iter()
            .find(|r| &r[0] == v && &r[1] == q)
            .map(|r| r[2].to_string())
    };
    assert_eq!(
        answer("V-0010", "SUP-INCIDENT-NOTIFY").as_deref(),
        Some("no")
    );
    assert_eq!(answer("V-0019", "SUP-TRAINING-DATA").as_deref(), Some("no"));
    assert_eq!(
        answer("V-0034", "SUP-INCIDENT-NOTIFY").as_deref(),
        Some("no")
    );
    assert_eq!(answer("V-0034", "SUP-TRAINING-DATA").as_deref(), Some("no"));
}

#[test]
fn maturity_knockouts_keep_the_vendors_own_level() {
    let dir = tempfile::tempdir().unwrap();
    let o = GenOptions {
        vendors: 400,
        knockouts: vec!["GV-6.1".into(), "SUP-INCIDENT-NOTIFY".into()],
        ..GenOptions::default()
    };
    generate(&small_questions(), &o, dir.path()).unwrap();
    let mut levels = BTreeMap::new();
    let mut notify = BTreeMap::new();
    for r in records(dir.path(), "answers.csv") {
        let slot = match &r[1] {
            "GV-6.1" => &mut levels,
            "SUP-INCIDENT-NOTIFY" => &mut notify,
            _ => continue,
        };
        *slot.entry(r[2].to_string()).or_insert(0u32) += 1;
    }
    // A maturity knock-out spreads over the scale (0 from the knock-out failures included)...
    assert!(levels.len() >= 5, "{levels:?}");
    assert!(levels.contains_key("0"));
    // ...while a yes/no one is mostly yes.
    let yes = notify.get("yes").copied().unwrap_or(0);
    assert!(yes * 10 > notify.values().sum::<u32>() * 8, "{notify:?}");
}
