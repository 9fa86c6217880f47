//! `scrm gen`: seeded synthetic portfolios are reproducible, and `gen --demo` rebuilds the
//! bundled demo byte for byte.

use crate::common::{DEMO, arg, root, scrm, sha256_hex, tempdir, tree};

#[test]
fn seeded_portfolio_is_reproducible() {
    let dir = tempdir();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let gen_into = |out: &std::path::Path| {
        scrm(["gen", "--vendors", "200", "--seed", "7", "--out", &arg(out)])
    };
    let first = gen_into(&a);
    first.expect_code(0);
    assert_run!("gen_first", first);
    let again = gen_into(&a);
    again.expect_code(0);
    assert!(
        again.stderr.contains("nothing written"),
        "second run into the same folder writes nothing:\n{}",
        again.stderr
    );
    assert_run!("gen_again", again);
    gen_into(&b).expect_code(0);

    let hashes = |dir: &std::path::Path| -> Vec<String> {
        tree(dir)
            .into_iter()
            .map(|(p, bytes)| format!("{}  {p}", sha256_hex(&bytes)))
            .collect()
    };
    let (ha, hb) = (hashes(&a), hashes(&b));
    assert_eq!(ha, hb, "two folders, same seed, same bytes");
    assert_text!("gen_seed7_sha256", ha.join("\n"));

    // Another seed gives another portfolio.
    let c = dir.path().join("c");
    scrm(["gen", "--vendors", "200", "--seed", "8", "--out", &arg(&c)]).expect_code(0);
    assert_ne!(hashes(&c), ha);
}

#[test]
fn demo_is_reproducible() {
    let dir = tempdir();
    let out = dir.path().join("demo");
    let r = scrm(["gen", "--demo", "--out", &arg(&out)]);
    r.expect_code(0);
    assert_run!("gen_demo", r);
    let made = tree(&out);
    let bundled = tree(&root().join(DEMO));
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&made), names(&bundled), "same files");
    for ((path, a), (_, b)) in made.iter().zip(&bundled) {
        assert!(a == b, "{path} differs from fixtures/demo/{path}");
    }
}

/// `gen --catalog` answers a buyer overlay's added questions too (the benchmark's overlay of 94
/// NIST AI 600-1 questions: about 212 answers a vendor), and `score` with the same overlay takes
/// every row; without it, each row of an added question is rejected as an unknown question.
#[test]
fn overlay_questions_are_answered_and_scored() {
    let dir = tempdir();
    let out = dir.path().join("genai");
    let overlay = arg(&root().join("benches/genai-overlay.toml"));
    let r = scrm([
        "gen",
        "--vendors",
        "50",
        "--seed",
        "3",
        "--catalog",
        &overlay,
        "--out",
        &arg(&out),
    ]);
    r.expect_code(0);
    assert_run!("gen_genai_overlay", r);

    let answers = std::fs::read_to_string(out.join("answers.csv")).expect("answers.csv");
    let mut added = std::collections::BTreeSet::new();
    let mut rows = 0usize;
    for line in answers.lines().skip(1) {
        rows += 1;
        if let Some(q) = line.split(',').nth(1).filter(|q| q.starts_with("GAI-")) {
            added.insert(q.to_string());
        }
    }
    assert_eq!(
        added.len(),
        94,
        "every added question is answered by some vendor"
    );
    assert!(
        rows / 50 > 200,
        "about 200 answer rows a vendor, not {}",
        rows / 50
    );

    let counts = |extra: &[&str]| {
        let mut args = vec!["score", "--format", "json", "--as-of", "2026-11-02"];
        args.extend(["--fail-on", "never"]);
        args.extend(extra);
        let o = arg(&out);
        args.push(&o);
        let rejects = arg(&dir.path().join("rejects.csv"));
        args.extend(["--rejects", &rejects]);
        let r = scrm(args);
        r.expect_code(0);
        let m = r.json();
        (
            m["manifest"]["catalog_version"].clone(),
            m["manifest"]["counts"].clone(),
        )
    };
    // Rows read count the 50 profile rows of vendors.csv too.
    let read = rows + 50;
    let with = counts(&["--catalog", &overlay]);
    assert_eq!(
        with,
        (
            serde_json::json!("2026.11.0+genai-bench"),
            serde_json::json!({"vendors": 50, "rows_read": read, "accepted": read, "rejected": 0})
        )
    );
    let without = counts(&[]);
    let rejected = answers
        .lines()
        .filter(|l| l.split(',').nth(1).is_some_and(|q| q.starts_with("GAI-")))
        .count();
    assert_eq!(
        without.1,
        serde_json::json!({"vendors": 50, "rows_read": read, "accepted": read - rejected, "rejected": rejected})
    );
}
