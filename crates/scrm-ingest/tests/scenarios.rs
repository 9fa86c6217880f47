//! One scenario per real-world quirk and per error, each a folder under `fixtures/ingest/`:
//! `inputs/` (a folder of responses), and optionally `profiles.csv` (the buyer's profiles) and
//! `exclusions.csv`. Each scenario's diagnostics (human and JSON) and what loaded are snapshots;
//! every file must satisfy rows read = accepted + rejected; and reading with tiny blocks on four
//! threads must give exactly what the default read gives.

mod common;

use scrm_ingest::{IngestOptions, Ingested, ingest, render_human, render_json, write_rejects_csv};
use std::path::{Path, PathBuf};

const FIXTURES: &str = "../../fixtures/ingest";

fn options(name: &str) -> IngestOptions {
    let mut o = IngestOptions::default();
    match name {
        "too-many-rows" => o.limits.max_rows = 3,
        "too-many-columns" => o.limits.max_columns = 4,
        "too-many-problems" => o.limits.max_problems = 3,
        "json-too-large" => o.limits.max_json_bytes = 200,
        "xlsx-shared-string" => o.limits.max_xlsx_bytes = 128 * 1024,
        "buyer-profile-limit" => o.limits.max_rows = 4,
        "encoding" => o.encoding = Some(encoding_rs::UTF_8),
        _ => {}
    }
    o
}

fn run(name: &str, opts: &IngestOptions) -> Ingested {
    let dir = Path::new(FIXTURES).join(name);
    let inputs: Vec<PathBuf> = if name == "unsupported-file" {
        vec![dir.join("inputs/answers.pdf")]
    } else {
        vec![dir.join("inputs")]
    };
    let profiles = dir.join("profiles.csv");
    let exclusions = dir.join("exclusions.csv");
    let cat = common::catalog();
    ingest(
        &inputs,
        profiles.exists().then_some(profiles.as_path()),
        exclusions.exists().then_some(exclusions.as_path()),
        &cat,
        opts,
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn scenarios() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(FIXTURES)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn every_scenario() {
    let names = scenarios();
    assert!(names.len() >= 40, "{names:?}");
    for name in names {
        let opts = options(&name);
        let ing = run(&name, &opts);
        for f in &ing.files {
            assert_eq!(f.rows_read, f.accepted + f.rejected, "{name}: {}", f.path);
        }
        let rejected: u64 = ing.files.iter().map(|f| f.rejected).sum();
        assert_eq!(
            ing.rejects.len() as u64,
            rejected.min(opts.limits.max_problems as u64),
            "{name}: one reject per rejected unit, up to the problem limit"
        );
        insta::assert_snapshot!(format!("{name}__human"), render_human(&ing));
        insta::assert_json_snapshot!(format!("{name}__report"), render_json(&ing));
        insta::assert_json_snapshot!(
            format!("{name}__loaded"),
            serde_json::json!({"vendors": ing.vendors, "exclusions": ing.exclusions})
        );
        // Tiny blocks (many per file) on four threads: the same result.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let small = IngestOptions {
            chunk_bytes: 16,
            ..opts
        };
        let again = pool.install(|| run(&name, &small));
        assert_eq!(again, ing, "{name}: 16-byte blocks on 4 threads differ");
    }
}

/// Each file's digest, as the manifest records it, is the digest of the file's bytes: SHA-256
/// by default and BLAKE3 when asked (the other field left empty), on every kind of file, those
/// stopped at a limit or too large to read included. Nothing else read changes with the digest.
#[test]
fn every_file_has_the_digest_asked_for() {
    use scrm_ingest::InputDigest;
    use sha2::Digest as _;
    let mut files = 0;
    for name in scenarios() {
        let opts = options(&name);
        let sha = run(&name, &opts);
        let b3 = run(
            &name,
            &IngestOptions {
                input_digest: InputDigest::Blake3,
                ..opts
            },
        );
        for (s, b) in sha.files.iter().zip(&b3.files) {
            assert_eq!(s.path, b.path, "{name}");
            let (want_sha, want_b3) = match std::fs::read(&s.path) {
                Ok(bytes) => (
                    hex::encode(sha2::Sha256::digest(&bytes)),
                    blake3::hash(&bytes).to_hex().to_string(),
                ),
                // The `unreadable-file` scenario: no digest either way.
                Err(_) => (String::new(), String::new()),
            };
            assert_eq!(
                (&s.sha256, &s.blake3),
                (&want_sha, &String::new()),
                "{name}: {}",
                s.path
            );
            assert_eq!(
                (&b.sha256, &b.blake3),
                (&String::new(), &want_b3),
                "{name}: {}",
                b.path
            );
            files += 1;
        }
        let blank = |mut i: Ingested| {
            for f in &mut i.files {
                f.sha256.clear();
                f.blake3.clear();
            }
            i
        };
        assert_eq!(
            blank(sha),
            blank(b3),
            "{name}: the digest changed what was read"
        );
    }
    assert!(files >= 50, "{files} files");
}

/// `validate --lang zh-TW`: each problem leads with its code's meaning in Chinese, its English
/// message follows as the detail, and codes, locations, values and counts are as in English.
/// Control characters stay escaped (`control-chars`), warnings have their own word
/// (`duplicate-identical`), and a legacy-encoded file's text is shown decoded (`big5`).
#[test]
fn the_report_in_chinese() {
    for name in ["control-chars", "duplicate-identical", "big5"] {
        let ing = run(name, &options(name));
        let zh = scrm_ingest::render_human_in(&ing, scrm_model::Lang::ZhTw);
        assert_eq!(
            zh.matches("\n  --> ").count(),
            render_human(&ing).matches("\n  --> ").count(),
            "{name}: every problem, once"
        );
        insta::assert_snapshot!(format!("{name}__human_zh_tw"), zh);
    }
}

/// What a workbook's sheets take once read is bounded by the XLSX size limit, each cell at 32
/// bytes and its text, blank cells before each row's last counted: with 64 KiB (the workbook
/// itself is 16 KB uncompressed), the `xlsx-far-cells` row at column XFD is 16,384 cells, 512
/// KiB, and that sheet is not read. The sheet past the column limit says so, and the third sheet
/// is still read. (`xlsx-shared-string` is the same bound reached by text.)
#[test]
fn a_workbooks_cells_are_bounded_by_the_size_limit() {
    let mut opts = IngestOptions::default();
    opts.limits.max_xlsx_bytes = 64 * 1024;
    let ing = run("xlsx-far-cells", &opts);
    insta::assert_snapshot!(render_human(&ing));
}

/// Links inside a folder are reported, not followed: one to a file outside the folder, one to
/// nothing, one to a folder, and one back to the folder itself (a loop, which used to stop the
/// whole run). The folder's own file is read as usual; a link named directly is read.
#[cfg(unix)]
#[test]
fn links_in_a_folder_are_reported_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let outside = dir.path().join("outside");
    let folder = dir.path().join("portfolio");
    for d in [&outside, &folder] {
        std::fs::create_dir(d).unwrap_or_else(|e| panic!("{e}"));
    }
    let answers = Path::new(FIXTURES).join("crlf/inputs");
    let file = std::fs::read_dir(&answers)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "csv"))
        .unwrap_or_else(|| panic!("a CSV in {}", answers.display()));
    std::fs::copy(&file, folder.join("answers.csv")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(&file, outside.join("secret.csv")).unwrap_or_else(|e| panic!("{e}"));
    let links = [
        (outside.join("secret.csv"), "linked.csv"),
        (dir.path().join("nowhere.csv"), "broken.csv"),
        (outside.clone(), "more"),
        (folder.clone(), "loop"),
    ];
    for (target, name) in &links {
        symlink(target, folder.join(name)).unwrap_or_else(|e| panic!("{e}"));
    }
    let cat = common::catalog();
    let read = |inputs: &[PathBuf]| {
        ingest(inputs, None, None, &cat, &IngestOptions::default())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let ing = read(std::slice::from_ref(&folder));
    let seen: Vec<(String, String)> = ing
        .files
        .iter()
        .map(|f| {
            let name = Path::new(&f.path)
                .strip_prefix(&folder)
                .map_or_else(|_| f.path.clone(), |p| p.to_string_lossy().into_owned());
            (name, f.kind.clone())
        })
        .collect();
    let want = [
        ("answers.csv", "responses-long-csv"),
        ("broken.csv", "link"),
        ("linked.csv", "link"),
        ("loop", "link"),
        ("more", "link"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(seen, want);
    let codes: Vec<&str> = ing.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["link-not-followed"; 4]);
    let alone = read(&[folder.join("answers.csv")]);
    assert_eq!(
        ing.vendors, alone.vendors,
        "the folder's own file is read as usual"
    );
    let direct = read(&[folder.join("linked.csv")]);
    assert_eq!(
        direct.vendors, alone.vendors,
        "a link named directly is read"
    );
}

#[test]
fn rejects_csv_neutralizes_formulas() {
    let ing = run("control-chars", &IngestOptions::default());
    let mut out = Vec::new();
    write_rejects_csv(&ing.rejects, &mut out).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!(String::from_utf8_lossy(&out));
}

#[test]
fn strict_reports_warnings_as_errors() {
    let lenient = run("duplicate-identical", &IngestOptions::default());
    assert_eq!((lenient.error_count(), lenient.warning_count()), (0, 2));
    let strict = run(
        "duplicate-identical",
        &IngestOptions {
            strict: true,
            ..IngestOptions::default()
        },
    );
    assert_eq!((strict.error_count(), strict.warning_count()), (2, 0));
    assert_eq!(strict.vendors, lenient.vendors);
}

#[test]
fn missing_inputs_are_errors_that_stop_the_run() {
    let cat = common::catalog();
    let err = ingest(
        &[PathBuf::from("../../fixtures/ingest/no-such-folder")],
        None,
        None,
        &cat,
        &IngestOptions::default(),
    )
    .err()
    .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("../../fixtures/ingest/no-such-folder: no such file or folder")
    );
}

/// Writes the XLSX fixtures (template and table workbooks). Run with
/// `cargo test -p scrm-ingest --test scenarios -- --ignored write_xlsx_fixtures`.
#[test]
#[ignore = "writes fixtures"]
fn write_xlsx_fixtures() {
    let p = common::portfolio();
    let qs = common::all_questions();
    let write = |path: &str, bytes: Vec<u8>| {
        let path = Path::new(path);
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{e}"));
    };
    write(
        "../../fixtures/ingest/xlsx-template/inputs/V002.xlsx",
        common::template_workbook(&p[1], true, &qs),
    );
    write(
        "../../fixtures/ingest/xlsx-template/inputs/V001.xlsx",
        common::template_workbook(&p[0], false, &qs),
    );
    write(
        "../../fixtures/ingest/xlsx-tables/inputs/tables.xlsx",
        common::tables_workbook(true),
    );
    write(
        "../../fixtures/formats/template.xlsx",
        common::template_workbook(&p[1], true, &qs),
    );
    write(
        "../../fixtures/formats/tables.xlsx",
        common::tables_workbook(false),
    );
}

/// Each example in `fixtures/formats/` loads on its own without an error, and the folder as a
/// whole (long and wide examples answering the same questions identically) gives these vendors.
#[test]
fn format_examples_load() {
    let cat = common::catalog();
    let dir = Path::new("../../fixtures/formats");
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    names.sort();
    let mut summary = String::new();
    for path in &names {
        let ing = ingest(
            std::slice::from_ref(path),
            None,
            None,
            &cat,
            &IngestOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let f = &ing.files[0];
        assert!(f.rows_read > 0 && f.rejected == 0, "{}", render_human(&ing));
        summary.push_str(&format!(
            "{} ({}): read {}, {} vendors, {} exclusions, {} errors\n",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            f.kind,
            f.rows_read,
            ing.vendors.len(),
            ing.exclusions.len(),
            ing.error_count()
        ));
    }
    insta::assert_snapshot!(summary);
}
