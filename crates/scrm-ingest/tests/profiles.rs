//! Property: a buyer's profile file, read in batches of blocks checked in parallel, gives
//! exactly what one block on one thread gives (the same profiles, problems, rejects, line
//! numbers and counts), whatever its rows, line ends, block size, thread count and limits.

mod common;

use proptest::prelude::*;
use scrm_ingest::{IngestOptions, Ingested, ingest};
use std::path::Path;

const IDS: &[&str] = &["V1", "V2", " V3 ", "", "V1", "v4", "\"V5\""];
const NAMES: &[&str] = &[
    "Acme",
    "\"Acme, Inc.\"",
    "\"two\r\nlines\"",
    "\"say \"\"AI\"\"\"",
    "歐米克戎科技",
    "=cmd|' /C calc'!A0",
    "a name long enough to pass a small field limit",
    "",
];
const CRITICALITY: &[&str] = &["low", "High", "hihg", "", "critical"];
const DATES: &[&str] = &["2025-01-31", "2025-02-30", "", "31/01/2025"];
const ENDS: &[&str] = &["\n", "\r\n", "\n\n", "\r\n\r\n"];

/// One row: the indices of its cells, how many cells it has (a row may be short or long), its
/// line end.
fn row() -> impl Strategy<Value = ([usize; 4], usize, usize)> {
    (
        [
            0..IDS.len(),
            0..NAMES.len(),
            0..CRITICALITY.len(),
            0..DATES.len(),
        ],
        prop_oneof![8 => Just(4usize), 1 => Just(2usize), 1 => Just(6usize)],
        0..ENDS.len(),
    )
}

fn file(rows: &[([usize; 4], usize, usize)]) -> String {
    let mut s = String::from("vendor_id,name,criticality,assessed_on\n");
    for &([v, n, c, d], width, end) in rows {
        let cells = [IDS[v], NAMES[n], CRITICALITY[c], DATES[d], "x", "y"];
        s.push_str(&cells[..width].join(","));
        s.push_str(ENDS[end]);
    }
    s
}

fn read(dir: &Path, threads: usize, opts: &IngestOptions) -> Ingested {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let cat = common::catalog();
    let answers = dir.join("answers.csv");
    let profiles = dir.join("profiles.csv");
    pool.install(|| ingest(&[answers], Some(&profiles), None, &cat, opts))
        .unwrap_or_else(|e| panic!("{e}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn profile_file_reads_the_same_in_any_blocks(
        rows in proptest::collection::vec(row(), 0..40),
        chunk in 1usize..160,
        threads in 2usize..5,
        max_rows in proptest::option::of(0u64..30),
        max_field in proptest::option::of(8usize..40),
    ) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("answers.csv"), "vendor_id,question_id,answer\nV1,GV-1.1,3\n")
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("profiles.csv"), file(&rows)).unwrap_or_else(|e| panic!("{e}"));
        let mut whole = IngestOptions { chunk_bytes: 64 << 20, ..IngestOptions::default() };
        if let Some(m) = max_rows {
            whole.limits.max_rows = m;
        }
        if let Some(m) = max_field {
            whole.limits.max_field_bytes = m;
        }
        let one = read(dir.path(), 1, &whole);
        let f = &one.files[1];
        prop_assert_eq!(f.rows_read, f.accepted + f.rejected);
        let blocks = read(dir.path(), threads, &IngestOptions { chunk_bytes: chunk, ..whole });
        prop_assert_eq!(blocks, one);
    }
}

/// Every row is reported at the line it starts on, after CRLF line ends, blank lines and a
/// quoted field over two lines too (the line `csv` gives is one short after a CRLF).
#[test]
fn problems_are_reported_at_their_lines() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("answers.csv"),
        "vendor_id,question_id,answer\nV1,GV-1.1,3\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let text = "vendor_id,name,criticality\r\n\
                V1,Acme,hihg\r\n\
                \r\n\
                V2,\"two\r\nlines\",bad\r\n\
                V3,Ok,low\n\
                V4,Lf,worse\n\
                \n\
                V5,Cr,worst\r\n";
    std::fs::write(dir.path().join("profiles.csv"), text).unwrap_or_else(|e| panic!("{e}"));
    for (threads, chunk) in [(1, 64 << 20), (3, 7)] {
        let opts = IngestOptions {
            chunk_bytes: chunk,
            ..IngestOptions::default()
        };
        let ing = read(dir.path(), threads, &opts);
        let rows: Vec<(Option<u64>, Option<String>)> = ing
            .rejects
            .iter()
            .map(|r| (r.location.row, r.original.first().cloned()))
            .collect();
        let want = [(2, "V1"), (4, "V2"), (7, "V4"), (9, "V5")]
            .map(|(l, v)| (Some(l), Some(v.to_string())));
        assert_eq!(rows, want, "{threads} threads, {chunk}-byte blocks");
    }
}
