//! The parallel long-CSV reader gives the same result at any thread count and block size.

mod common;

use scrm_ingest::{IngestOptions, Ingested, ingest};
use std::fmt::Write as _;
use std::path::PathBuf;

fn big_file(dir: &std::path::Path) -> PathBuf {
    let qs = common::all_questions();
    let mut s = String::from("vendor_id,question_id,answer,evidence,comment\n");
    for v in 0..300 {
        for (i, q) in qs.iter().enumerate() {
            let answer = match (v + i) % 11 {
                0 => "maybe".to_string(),
                1 => "na".to_string(),
                _ if q.starts_with("SUP-A") || q.starts_with("SUP-I") || *q == "AIMS-5.2" => {
                    "partial".to_string()
                }
                n => (n % 6).to_string(),
            };
            let comment = if v % 7 == 0 {
                "\"multi\nline, quoted \"\"x\"\"\""
            } else {
                ""
            };
            let _ = writeln!(s, "V{v:04},{q},{answer},ev-{v}-{i},{comment}");
        }
        // A duplicate now and then, identical or not.
        if v % 13 == 0 {
            let _ = writeln!(s, "V{v:04},gv1.1,{},,", v % 6);
        }
    }
    let path = dir.join("big.csv");
    std::fs::write(&path, s).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn run(path: &PathBuf, threads: usize, chunk: usize) -> Ingested {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let cat = common::catalog();
    let opts = IngestOptions {
        chunk_bytes: chunk,
        ..IngestOptions::default()
    };
    pool.install(|| ingest(std::slice::from_ref(path), None, None, &cat, &opts))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn same_result_with_one_and_four_threads() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = big_file(dir.path());
    let one = run(&path, 1, 4096);
    let four = run(&path, 4, 4096);
    assert_eq!(one, four);
    // Block size does not matter either (one block vs. ~50).
    let whole = run(&path, 4, 64 << 20);
    assert_eq!(one, whole);
    assert_eq!(one.vendors.len(), 300);
    let f = &one.files[0];
    assert_eq!(f.rows_read, 300 * 12 + 24);
    assert_eq!(f.rows_read, f.accepted + f.rejected);
    assert!(f.rejected > 300, "{f:?}");
}

#[test]
fn ingest_map_hands_over_exactly_what_ingest_keeps() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = big_file(dir.path());
    let ex = dir.path().join("exclusions.csv");
    std::fs::write(
        &ex,
        "vendor_id,source,reference,listed_on\nV0003,sam,S-1,2026-01-02\nV0003,sec889,H-2,\nV0200,fascsa,F-9,\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let cat = common::catalog();
    let opts = IngestOptions::default();
    let kept = ingest(std::slice::from_ref(&path), None, Some(&ex), &cat, &opts)
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut mapped, handed) = scrm_ingest::ingest_map(
        std::slice::from_ref(&path),
        None,
        Some(&ex),
        &cat,
        &opts,
        |v, ex| {
            let refs: Vec<String> = ex.iter().map(|e| e.reference.clone()).collect();
            (v, refs)
        },
        false,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(mapped.vendors.is_empty());
    assert_eq!(mapped.counts(), kept.counts());
    let refs: Vec<(String, Vec<String>)> = handed
        .iter()
        .filter(|(_, r)| !r.is_empty())
        .map(|(v, r)| (v.id().to_string(), r.clone()))
        .collect();
    assert_eq!(
        refs,
        [
            (
                "V0003".to_string(),
                vec!["S-1".to_string(), "H-2".to_string()]
            ),
            ("V0200".to_string(), vec!["F-9".to_string()]),
        ]
    );
    mapped.vendors = handed.into_iter().map(|(v, _)| v).collect();
    assert_eq!(mapped, kept);
}

#[test]
fn ingest_map_maps_nothing_when_told_to_stop_on_problems() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = big_file(dir.path());
    let cat = common::catalog();
    let opts = IngestOptions::default();
    let kept = ingest(std::slice::from_ref(&path), None, None, &cat, &opts)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!kept.problems.is_empty(), "the file has bad answers");
    let (mapped, handed) = scrm_ingest::ingest_map(
        std::slice::from_ref(&path),
        None,
        None,
        &cat,
        &opts,
        |v, _| v,
        true,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(handed.is_empty());
    assert_eq!(mapped.counts(), kept.counts());
    assert_eq!(mapped.problems, kept.problems);
    assert_eq!(mapped.rejects, kept.rejects);
}
