//! The parallel long-CSV reader gives the same result at any thread count and block size.

mod common;

use scrm_ingest::testutil::every_way::{
    Agreed, Run, map_equals_ingest as map_equals_ingest_in, read_every_way, setup,
};
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
    let (pool, opts) = setup(threads, chunk);
    let cat = common::catalog();
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
            (v.into_vendor(), refs)
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
        |v, _| v.into_vendor(),
        true,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(handed.is_empty());
    assert_eq!(mapped.counts(), kept.counts());
    assert_eq!(mapped.problems, kept.problems);
    assert_eq!(mapped.rejects, kept.rejects);
}

/// `ingest_map` against `ingest` at one thread count and block size; the calls of the map
/// beyond one per vendor.
fn map_equals_ingest(
    inputs: &[PathBuf],
    profiles: Option<&std::path::Path>,
    exclusions: Option<&std::path::Path>,
    threads: usize,
    chunk: usize,
) -> usize {
    agreed(inputs, profiles, exclusions, threads, chunk, None).extra_calls
}

/// `ingest_map` against `ingest` at one thread count and block size, with a problem limit if
/// given.
fn agreed(
    inputs: &[PathBuf],
    profiles: Option<&std::path::Path>,
    exclusions: Option<&std::path::Path>,
    threads: usize,
    chunk: usize,
    max_problems: Option<usize>,
) -> Agreed {
    let (pool, mut opts) = setup(threads, chunk);
    if let Some(n) = max_problems {
        opts.limits.max_problems = n;
    }
    let run = Run {
        inputs,
        profiles,
        exclusions,
    };
    map_equals_ingest_in(run, &common::catalog(), &pool, &opts)
}

/// A grouped file is finished vendor by vendor while it is read; a file whose vendors' rows are
/// apart is read again the ordinary way. Either way `ingest_map` hands over what `ingest` keeps:
/// the same vendors, answers, profiles, duplicates, problems, rejects and counts.
#[test]
fn ingest_map_is_ingest_for_grouped_and_scattered_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let grouped = big_file(dir.path());
    let text = std::fs::read_to_string(&grouped).unwrap_or_else(|e| panic!("{e}"));
    // The same rows with one vendor's last rows moved to the end, past other vendors.
    let mut lines: Vec<&str> = text.lines().collect();
    let moved: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("V0042,AIMS"))
        .copied()
        .collect();
    lines.retain(|l| !l.starts_with("V0042,AIMS"));
    lines.extend(moved);
    let scattered = dir.path().join("scattered.csv");
    std::fs::write(&scattered, lines.join("\n") + "\n").unwrap_or_else(|e| panic!("{e}"));
    let profiles = dir.path().join("vendors.csv");
    std::fs::write(
        &profiles,
        "vendor_id,name,criticality,ai_role,data_access,assessed_on,tier_note\nV0001,Alpha,high,provider,regulated,2026-01-05,x\nV0042,Beta,low,deployer,internal,,y\nV0299,Omega,,none,,,\nV9999,Profile only,low,none,public,,\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let ex = dir.path().join("exclusions.csv");
    std::fs::write(
        &ex,
        "vendor_id,source,reference,listed_on\nV0003,sam,S-1,2026-01-02\nV0003,sec889,H-2,\nV0042,fascsa,F-9,\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for (file, read_twice) in [(&grouped, false), (&scattered, true)] {
        for (threads, chunk) in [(1, 2048), (3, 3000), (2, 4096), (4, 64 << 20)] {
            let extra = map_equals_ingest(
                std::slice::from_ref(file),
                Some(&profiles),
                Some(&ex),
                threads,
                chunk,
            );
            // In one block, the moved rows are still in the block that finishes the vendor.
            let whole = chunk >= 1 << 20;
            assert_eq!(
                extra > 0,
                read_twice && !whole,
                "{} at chunk {chunk}",
                file.display()
            );
        }
    }
    // Several inputs (a folder) take the ordinary path: each vendor is mapped once.
    let extra = map_equals_ingest(&[dir.path().to_path_buf()], None, Some(&ex), 2, 4096);
    assert_eq!(extra, 0);
    // The buyer's files are read while a single input's first blocks are parsed; an input
    // with no rows, no bytes, or another layout still has them read, in the same order: after
    // it (an exclusion list given as the input lists its own entries before the buyer's,
    // here for V0042, either way).
    let (header_only, empty, wide, listed, declared) = (
        dir.path().join("header-only.csv"),
        dir.path().join("empty.csv"),
        dir.path().join("wide.csv"),
        dir.path().join("listed.csv"),
        dir.path().join("declared.csv"),
    );
    let header = text.lines().next().unwrap_or("");
    for (path, body) in [
        (&header_only, format!("{header}\n")),
        (&empty, String::new()),
        (
            &wide,
            "vendor_id,GV-1.1,GV-1.2\nV0001,3,yes\nV0042,9,2\n".to_string(),
        ),
        (
            &listed,
            "vendor_id,source,reference,listed_on\nV0042,sam,S-7,2026-02-01\n".to_string(),
        ),
        (
            &declared,
            "vendor_id,name,criticality,ai_role\nV0042,Beta Corp,high,provider\n".to_string(),
        ),
    ] {
        std::fs::write(path, body).unwrap_or_else(|e| panic!("{e}"));
        let extra = map_equals_ingest(
            std::slice::from_ref(path),
            Some(&profiles),
            Some(&ex),
            2,
            4096,
        );
        assert_eq!(extra, 0, "{}", path.display());
    }
}

/// A folder holding a portfolio's answers beside its supplier-declared profiles and exclusions,
/// and other answer files before and after it, reads the same as in input order, while the
/// answers file's vendors are finished as it is read: its answer to a question also answered
/// in a later file is kept (and an earlier file's over its own), supplier declarations that
/// differ from the buyer's are reported, and past a problem limit the problems listed are the
/// first in input order, not the first read.
#[test]
fn a_folder_is_finished_in_passing_and_reads_as_in_input_order() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let folder = dir.path().join("portfolio");
    std::fs::create_dir(&folder).unwrap_or_else(|e| panic!("{e}"));
    let big = big_file(dir.path());
    std::fs::rename(&big, folder.join("answers.csv")).unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, body: &str| {
        std::fs::write(folder.join(name), body).unwrap_or_else(|e| panic!("{e}"));
    };
    // Before the answers file in input order: its answer to V0200's GV-1.1 is the one kept.
    write(
        "aa-first.csv",
        "vendor_id,question_id,answer\nV0200,GV-1.1,5\nV0201,GV-6.1,3\n",
    );
    // After it: the answers file's answer to V0101's GV-1.1 (2) is kept, this one rejected.
    write(
        "zz-later.csv",
        "vendor_id,question_id,answer\nV0101,GV-1.1,0\n",
    );
    write(
        "vendors.csv",
        "vendor_id,name,criticality,ai_role\nV0010,Declared Ten,high,provider\nV0011,Declared Eleven,extreme,deployer\nV0012,Twelve,low,none\nV0400,Only declared,low,none\n",
    );
    write(
        "exclusions.csv",
        "vendor_id,source,reference,listed_on\nV0003,sam,S-1,2026-01-02\nV0012,fascsa,F-9,\n",
    );
    let buyer = dir.path().join("buyer.csv");
    std::fs::write(
        &buyer,
        "vendor_id,name,criticality\nV0010,Buyer Ten,medium\nV0012,Twelve,low\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let inputs = [folder.clone()];
    for (threads, chunk) in [(1, 2048), (2, 4096), (3, 3000), (4, 64 << 20)] {
        for limit in [None, Some(5)] {
            let a = agreed(&inputs, Some(&buyer), None, threads, chunk, limit);
            assert_eq!(a.extra_calls, 0, "{threads} threads, chunk {chunk}");
            // In blocks, all but each block's first and last vendors and the four answered
            // elsewhere; in one block, all but its first and last.
            let least = if chunk < 1 << 20 { 200 } else { 290 };
            assert!(
                a.in_passing >= least,
                "{} in passing, {threads} threads, chunk {chunk}",
                a.in_passing
            );
            let codes: Vec<&str> = a.read.problems.iter().map(|p| p.code.as_str()).collect();
            if limit.is_some() {
                // Every one listed is in the first file with problems (the answers file).
                assert_eq!(codes.len(), 5 + 3, "{codes:?}");
                assert!(codes.ends_with(&["too-many-problems"; 3]), "{codes:?}");
                continue;
            }
            for code in ["duplicate-conflict", "profile-conflict", "invalid-enum"] {
                assert!(codes.contains(&code), "{code}: {codes:?}");
            }
            let v = |id: &str| {
                a.read
                    .vendors
                    .iter()
                    .find(|v| v.id().as_str() == id)
                    .unwrap_or_else(|| panic!("{id}"))
            };
            let gv11 = |id: &str| v(id).answers.get("GV-1.1").map(|a| a.value.canonical());
            assert_eq!(gv11("V0200").as_deref(), Some("5"));
            assert_eq!(gv11("V0101").as_deref(), Some("2"));
            assert_eq!(v("V0010").profile.name.as_deref(), Some("Buyer Ten"));
            // V0011's row is rejected (`invalid-enum`); the others' declarations stand.
            assert_eq!(v("V0011").profile.name, None);
            assert_eq!(v("V0400").profile.name.as_deref(), Some("Only declared"));
            assert_eq!(a.read.vendors.len(), 301);
        }
    }
}

/// One edit of a supplier's file: a byte set to one of the characters a CSV reader decides on
/// (or any byte), a span deleted or repeated, or the file cut short.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Delete(usize, usize),
    Repeat(usize, usize),
    Cut(usize),
}

fn edit() -> impl proptest::strategy::Strategy<Value = Edit> {
    use proptest::prelude::*;
    // The bytes a CSV reader branches on, the start of a BOM, a stray continuation byte and
    // the delimiters it sniffs; then any byte.
    let special = prop::sample::select(vec![
        b'"', b',', b';', b'\t', b'\n', b'\r', 0u8, 0xEF, 0xBB, 0x80, 0xFF, b'=', b' ', b'V',
    ]);
    let byte = prop_oneof![3 => special, 1 => any::<u8>()];
    prop_oneof![
        6 => (any::<usize>(), byte).prop_map(|(at, b)| Edit::Set(at, b)),
        2 => (any::<usize>(), 1usize..40).prop_map(|(at, n)| Edit::Delete(at, n)),
        2 => (any::<usize>(), 1usize..200).prop_map(|(at, n)| Edit::Repeat(at, n)),
        1 => any::<usize>().prop_map(Edit::Cut),
    ]
}

fn apply(bytes: &mut Vec<u8>, edits: &[Edit]) {
    for e in edits {
        let len = bytes.len().max(1);
        match *e {
            Edit::Set(at, b) => {
                if let Some(x) = bytes.get_mut(at % len) {
                    *x = b;
                }
            }
            Edit::Delete(at, n) => {
                let at = (at % len).min(bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Edit::Repeat(at, n) => {
                let at = (at % len).min(bytes.len());
                let end = (at + n).min(bytes.len());
                let span = bytes[at..end].to_vec();
                bytes.splice(end..end, span);
            }
            Edit::Cut(at) => bytes.truncate(at % len),
        }
    }
}

/// A small grouped portfolio with quoted, multi-line and duplicate rows, like `big_file`'s.
fn small_text() -> String {
    let qs = common::all_questions();
    let mut s = String::from("vendor_id,question_id,answer,evidence,evidence_date,comment\n");
    for v in 0..12 {
        for (i, q) in qs.iter().enumerate().skip(v % 3).step_by(3) {
            let answer = match (v + i) % 7 {
                0 => "na",
                1 => "partial",
                2 => "yes",
                n if n % 2 == 0 => "3",
                _ => "1",
            };
            let comment = if (v + i) % 5 == 0 {
                "\"two\nlines, \"\"quoted\"\"\""
            } else {
                "ok"
            };
            let _ = writeln!(
                s,
                "V{v:02},{q},{answer},ev-{i}.pdf,2026-0{}-1{},{comment}",
                1 + i % 9,
                v % 10
            );
        }
    }
    s
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]
    /// A supplier's file damaged anywhere (a quote, a delimiter, a line break, a BOM or a
    /// stray byte where it should not be, a span lost or repeated, the file cut short) never
    /// panics the reader, and whatever it reads is read the same by `ingest` and `ingest_map`,
    /// at any thread count and block size; every row read is accepted or rejected. The same
    /// with the files in a folder (its profiles then the suppliers' own, under a buyer's file
    /// that differs, and another answer file after the answers), and under a problem limit.
    #[test]
    fn a_damaged_file_reads_the_same_every_way(
        edits in proptest::collection::vec(edit(), 1..6),
        profile_edits in proptest::collection::vec(edit(), 0..3),
        threads in 1usize..4,
        chunk in 64usize..4096,
        as_folder in proptest::bool::ANY,
        limit in proptest::option::of(1usize..30),
    ) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut answers = small_text().into_bytes();
        apply(&mut answers, &edits);
        let path = dir.path().join("answers.csv");
        std::fs::write(&path, &answers).unwrap_or_else(|e| panic!("{e}"));
        let mut profiles = b"vendor_id,name,country,criticality,ai_role,data_access,assessed_on\n\
            V01,Alpha,TW,high,provider,regulated,2026-01-05\n\
            V04,\"Beta, \"\"Ltd\"\"\",US,low,deployer,internal,\n\
            V11,Omega,JP,,none,,\n".to_vec();
        apply(&mut profiles, &profile_edits);
        let vendors = dir.path().join("vendors.csv");
        std::fs::write(&vendors, &profiles).unwrap_or_else(|e| panic!("{e}"));
        let ex = dir.path().join("exclusions.csv");
        std::fs::write(&ex, "vendor_id,source,reference,listed_on\nV03,sam,S-1,2026-01-02\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let buyer_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let buyer = buyer_dir.path().join("buyer.csv");
        std::fs::write(&buyer, "vendor_id,name,criticality\nV01,Alpha Buyer,medium\nV04,\"Beta, \"\"Ltd\"\"\",low\n")
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("zz-more.csv"), "vendor_id,question_id,answer\nV02,GV-1.1,4\nV05,MP-4.1,2\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let (inputs, profiles, exclusions) = if as_folder {
            (vec![dir.path().to_path_buf()], &buyer, None)
        } else {
            (vec![path], &vendors, Some(ex.as_path()))
        };
        // `read_every_way` asserts that `ingest` and `ingest_map` agree on everything they
        // return, that neither the thread count nor the block size changes what is read, and
        // that every row read is accepted or rejected.
        let (pool, mut opts) = setup(threads, chunk);
        if let Some(n) = limit {
            opts.limits.max_problems = n;
        }
        let run = Run { inputs: &inputs, profiles: Some(profiles), exclusions };
        read_every_way(run, &common::catalog(), &pool, &opts);
    }
}

/// The shipped examples of every input format (`fixtures/formats`), by file name.
const FORMATS: &[&str] = &[
    "responses-long.csv",
    "responses-wide.csv",
    "supplier.json",
    "suppliers.jsonl",
    "tables.xlsx",
    "template.xlsx",
    "profiles.csv",
    "exclusions.csv",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    /// Any format's file, damaged: the reader never panics, reports rather than fails, and
    /// `ingest_map` agrees with `ingest`.
    #[test]
    fn a_damaged_file_of_any_format_is_reported_not_fatal(
        which in 0..FORMATS.len(),
        edits in proptest::collection::vec(edit(), 1..12),
        chunk in 64usize..4096,
    ) {
        let name = FORMATS[which];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/formats");
        let mut bytes = std::fs::read(root.join(name)).unwrap_or_else(|e| panic!("{e}"));
        apply(&mut bytes, &edits);
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        map_equals_ingest(std::slice::from_ref(&path), None, None, 2, chunk);
    }
}

/// A quote that opens a field in the middle of a file and is never closed (a supplier's slip
/// that `csv` reads as one field running to the end of the file, with nothing reported): its
/// record alone is rejected (`unclosed-quote`, at the row it starts on, with its column and the
/// value's start), and every row after it is read, in the answers and in the buyer's profile
/// file alike; the same at any thread count and block size. The file's multi-line comments,
/// quotes closed lines later, stay what they were.
#[test]
fn a_quote_never_closed_rejects_its_row_and_the_rows_after_it_are_read() {
    use scrm_ingest::ProblemCode;
    use scrm_ingest::testutil::every_way::Run;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        path
    };
    // The small portfolio, then a vendor's plain rows: the broken one among them.
    let mut clean = small_text();
    for q in common::all_questions().iter().take(20) {
        let _ = writeln!(clean, "V12,{q},3,ev.pdf,2026-01-02,ok");
    }
    let lines: Vec<&str> = clean.split_inclusive('\n').collect();
    // A row after the file's last quote (an earlier one would be closed by the next quoted
    // comment: valid CSV, one field over several lines), whose comment `ok` opens a quote.
    let last_quote = lines.iter().rposition(|l| l.contains('"')).unwrap_or(0);
    let at = (last_quote + 1..lines.len())
        .find(|&i| lines[i].ends_with(",ok\n"))
        .unwrap_or_else(|| panic!("no plain row"));
    assert!(lines.len() - at > 5, "rows after the broken one");
    let mut broken = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i == at {
            broken.push_str(&l.replace(",ok\n", ",\"ok\n"));
        } else {
            broken.push_str(l);
        }
    }
    let buyer_text = "vendor_id,name,country\nV01,Alpha,TW\nV02,\"Beta,US\nV03,Gamma,JP\n";
    let buyer = write("buyer.csv", buyer_text);
    let buyer_clean = write("buyer-clean.csv", &buyer_text.replace("\"Beta", "Beta"));
    let inputs = [write("clean.csv", &clean)];
    let cat = common::catalog();
    let (pool, opts) = setup(2, 4096);
    let run = Run {
        inputs: &inputs,
        profiles: Some(&buyer_clean),
        exclusions: None,
    };
    let want = read_every_way(run, &cat, &pool, &opts);
    let inputs = [write("broken.csv", &broken)];
    let mut first: Option<Ingested> = None;
    for (threads, chunk) in [(1, 64), (2, 97), (3, 1000), (4, 64 << 20)] {
        let (pool, opts) = setup(threads, chunk);
        let run = Run {
            inputs: &inputs,
            profiles: Some(&buyer),
            exclusions: None,
        };
        let got = read_every_way(run, &cat, &pool, &opts);
        if let Some(f) = &first {
            assert_eq!(&got, f, "{threads} threads, blocks of {chunk} bytes");
        }
        first = Some(got);
    }
    let got = first.unwrap_or_else(|| unreachable!());
    let open: Vec<String> = got
        .problems
        .iter()
        .filter(|p| p.code == ProblemCode::UnclosedQuote)
        .map(|p| format!("{} {:?}", p.location, p.value))
        .collect();
    let row = at + 1;
    assert_eq!(
        open,
        [
            format!("{}:{row}:comment Some(\"\\\"ok\")", inputs[0].display()),
            format!("{}:3:name Some(\"\\\"Beta,US\")", buyer.display()),
        ]
    );
    // Every row is read: the broken one rejected, the others as in the clean file.
    let (g, w) = (&got.files[0], &want.files[0]);
    assert_eq!(
        (g.rows_read, g.accepted, g.rejected),
        (w.rows_read, w.accepted - 1, w.rejected + 1)
    );
    let answers = |r: &Ingested| r.vendors.iter().map(|v| v.answers.len()).sum::<usize>();
    assert_eq!(answers(&got), answers(&want) - 1);
    assert_eq!(got.rejects.len(), want.rejects.len() + 2);
    let v = |r: &Ingested, id: &str| {
        r.vendors
            .iter()
            .find(|v| v.id().as_str() == id)
            .map(|v| v.profile.name.clone())
    };
    assert_eq!(v(&got, "V03"), Some(Some("Gamma".to_string())));
    assert_eq!(v(&got, "V01"), Some(Some("Alpha".to_string())));
}

/// A header whose quote is never closed would be the whole file read as one header cell: the
/// file is not loaded, and the problem says which cell and line.
#[test]
fn a_header_left_open_is_reported_and_the_file_not_loaded() {
    use scrm_ingest::ProblemCode;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("answers.csv");
    std::fs::write(&path, "vendor_id,\"question_id,answer\nV1,GV-1.1,3\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let read = run(&path, 2, 4096);
    let got: Vec<String> = read
        .problems
        .iter()
        .map(|p| {
            format!(
                "{} {} {:?} {}",
                p.code,
                p.location.row.unwrap_or(0),
                p.value,
                p.message
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "unclosed-quote 1 Some(\"\\\"question_id,answer\") the quote that opens header cell 2 (line 1) is never closed; the file is not loaded"
        ]
    );
    assert_eq!(read.problems[0].code, ProblemCode::UnclosedQuote);
    assert_eq!(read.files[0].rows_read, 0);
    assert!(read.vendors.is_empty());
}
