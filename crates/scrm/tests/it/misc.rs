//! The rest of the surface: help texts (documentation snapshots), completions, the man page,
//! the version, usage errors, and a closed stdout pipe.

use crate::common::scrm;
use std::io::Read;
use std::process::Stdio;

/// Every command path with a `--help`.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["score"],
    &["validate"],
    &["explain"],
    &["plan"],
    &["report"],
    &["template"],
    &["fill"],
    &["catalog"],
    &["catalog", "list"],
    &["catalog", "show"],
    &["catalog", "export"],
    &["catalog", "crosswalk"],
    &["policy"],
    &["policy", "init"],
    &["policy", "check"],
    &["policy", "diff"],
    &["adapter"],
    &["adapter", "list"],
    &["adapter", "init"],
    &["adapter", "check"],
    &["diff"],
    &["gen"],
    &["completions"],
    &["man"],
];

#[test]
fn help_texts() {
    for cmd in COMMANDS {
        let mut args: Vec<&str> = cmd.to_vec();
        args.push("--help");
        let r = scrm(&args);
        r.expect_code(0);
        assert_eq!(r.stderr, "", "{args:?}");
        let name = if cmd.is_empty() {
            "help_scrm".to_string()
        } else {
            format!("help_scrm_{}", cmd.join("_"))
        };
        assert_run!(name, r);
    }
}

#[test]
fn version() {
    let r = scrm(["--version"]);
    r.expect_code(0);
    assert_eq!(r.out(), format!("scrm {}\n", env!("CARGO_PKG_VERSION")));
    // propagate_version: subcommands answer too.
    scrm(["score", "--version"]).expect_code(0);
}

#[test]
fn usage_errors_exit_2() {
    let r = scrm(["scroe"]);
    r.expect_code(2);
    assert_run!("usage_unknown_subcommand", r);
    let r = scrm(["score", "--format", "pdf", "fixtures/demo"]);
    r.expect_code(2);
    assert_run!("usage_bad_format", r);
    let r = scrm(["gen", "--demo", "--vendors", "5", "--out", "x"]);
    r.expect_code(2);
    assert_run!("usage_conflicting_flags", r);
    let r = scrm::<[&str; 0], &str>([]);
    r.expect_code(2);
    assert_run!("usage_no_subcommand", r);
}

#[test]
fn completions() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = scrm(["completions", shell]);
        r.expect_code(0);
        assert!(r.stdout.len() > 1000, "{shell}: {} bytes", r.stdout.len());
        assert!(r.out().contains("scrm"), "{shell}");
        assert_eq!(r.stderr, "");
    }
    let bash = scrm(["completions", "bash"]).out();
    for word in ["score", "validate", "--fail-on", "--history", "crosswalk"] {
        assert!(bash.contains(word), "bash completion lacks {word}");
    }
}

#[test]
fn man_page() {
    let r = scrm(["man"]);
    r.expect_code(0);
    let text = r.out();
    assert!(
        text.starts_with(".ie") || text.starts_with(".TH"),
        "{}",
        &text[..text.len().min(80)]
    );
    assert!(text.contains(".TH scrm"));
    assert!(text.contains("score"));
}

#[test]
fn closed_stdout_pipe_ends_quietly() {
    // Both exports (markdown about 90 KB, JSON about 125 KB) are larger than a pipe's buffer
    // (64 KiB on Linux), so the child is still writing when the reader goes away and gets EPIPE.
    // Were a pipe large enough to take it all, the child would simply finish: exit 0 and silence
    // either way, so the test cannot flake on timing.
    for (format, first) in [("markdown", b'#'), ("json", b'{')] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scrm"))
            .args(["catalog", "export", "--format", format])
            .current_dir(crate::common::root())
            .env("SCRM_NOW", crate::common::NOW)
            .env("NO_COLOR", "1")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn scrm");
        let mut stdout = child.stdout.take().expect("stdout");
        let mut head = [0u8; 16];
        stdout.read_exact(&mut head).expect("first bytes");
        assert_eq!(head[0], first, "{format}");
        drop(stdout);
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr)
            .expect("stderr");
        let status = child.wait().expect("wait");
        assert_eq!(status.code(), Some(0), "{format}: stderr: {stderr}");
        assert_eq!(
            stderr, "",
            "{format}: a closed pipe is not an error worth reporting"
        );
    }
}

#[test]
fn out_to_a_pipe_or_through_a_symlink_keeps_the_node() {
    use crate::common::{AS_OF, DEMO, arg};
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let rejects = dir.path().join("rejects.csv");
    let rejects = arg(&rejects);
    let score = |extra: &[&str]| {
        let mut args = vec![
            "score",
            DEMO,
            "--as-of",
            AS_OF,
            "--format",
            "csv",
            "--fail-on",
            "never",
            "--rejects",
            &rejects,
        ];
        args.extend_from_slice(extra);
        scrm(args)
    };
    let expected = {
        let r = score(&[]);
        r.expect_code(0);
        r.stdout
    };

    // A named pipe (as `/dev/null` or `/dev/stdout` would be a device): written in place, never
    // renamed over, and no side files named after it.
    let fifo = dir.path().join("results.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).expect("read fifo"))
    };
    score(&["--out", &arg(&fifo)]).expect_code(0);
    let kind = std::fs::symlink_metadata(&fifo).expect("fifo").file_type();
    assert!(kind.is_fifo(), "the pipe was replaced: {kind:?}");
    assert_eq!(reader.join().expect("reader"), expected);

    // A symbolic link: the file it points to gets the output, the link stays a link.
    let real = dir.path().join("real.csv");
    std::fs::write(&real, "old").expect("write");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    score(&["--out", &arg(&link)]).expect_code(0);
    assert!(std::fs::symlink_metadata(&link).expect("link").is_symlink());
    assert_eq!(std::fs::read(&real).expect("real"), expected);

    let names = crate::common::names(dir.path());
    assert_eq!(
        names,
        [
            "link.csv",
            "link.csv.manifest.json",
            "real.csv",
            // `--rejects` is written even with nothing rejected (its header alone).
            "rejects.csv",
            "results.fifo"
        ],
        "no temporaries left behind, no side files for the pipe"
    );
}

/// `-q`: only errors on stderr. The inputs' warning and the note of where the rejects went are
/// not printed (the rejects are still written), a history's "recorded" note neither; an error,
/// and with `--strict` the problems behind it, still are.
#[test]
fn quiet_prints_errors_only() {
    let dir = crate::common::tempdir();
    let out = dir.path().join("r.csv");
    let input = "fixtures/ingest/invalid-answer";
    let out = crate::common::arg(&out);
    let score = ["score", input, "--format", "csv", "--out", &out];
    let loud = scrm(score);
    assert!(
        loud.stderr.contains("warning: inputs have 3 error(s)"),
        "{}",
        loud.stderr
    );
    std::fs::remove_file(dir.path().join("r.rejects.csv")).expect("rejects written");
    let history = crate::common::arg(&dir.path().join("history"));
    let quiet = scrm(
        ["-q"]
            .into_iter()
            .chain(score)
            .chain(["--history", &history]),
    );
    quiet.expect_code(loud.code);
    assert_eq!(quiet.stderr, "");
    assert!(
        dir.path().join("r.rejects.csv").exists(),
        "rejects still written"
    );
    let failed = scrm(["-q", "score", input, "--strict"]);
    failed.expect_code(2);
    assert!(
        failed.stderr.contains("invalid-answer")
            && failed
                .stderr
                .ends_with("error: --strict: 3 error(s) and 0 warning(s) in the inputs\n"),
        "{}",
        failed.stderr
    );
}

/// A rejects file never passes for a later run's: with nothing rejected, the one named after
/// `--out` that an earlier run left is removed (with a note), and `--rejects FILE` is written
/// with its header alone.
#[test]
fn rejects_of_an_earlier_run_do_not_stay() {
    use crate::common::{arg, tempdir};
    let dir = tempdir();
    let bad = dir.path().join("bad.csv");
    let good = dir.path().join("good.csv");
    std::fs::write(
        &bad,
        "vendor_id,question_id,answer\nV1,GV-1.1,3\nV1,GV-1.2,eleven\n",
    )
    .expect("write");
    std::fs::write(&good, "vendor_id,question_id,answer\nV1,GV-1.1,3\n").expect("write");
    let out = dir.path().join("out.csv");
    let side = dir.path().join("out.rejects.csv");
    let score = |input: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "score".to_string(),
            arg(input),
            "--as-of".into(),
            crate::common::AS_OF.into(),
            "--format".into(),
            "csv".into(),
            "--fail-on".into(),
            "never".into(),
            "--out".into(),
            arg(&out),
        ];
        args.extend(extra.iter().map(|s| (*s).to_string()));
        scrm(args)
    };
    score(&bad, &[]).expect_code(0);
    let kept = std::fs::read_to_string(&side).expect("rejects of the bad night");
    assert_eq!(kept.lines().count(), 2, "{kept}");

    let clean = score(&good, &[]);
    clean.expect_code(0);
    assert!(
        !side.exists(),
        "yesterday's rejects were left beside today's results"
    );
    assert!(
        clean.stderr.contains("note: no row rejected; ")
            && clean.stderr.contains("of an earlier run removed"),
        "{}",
        clean.stderr
    );

    let named = dir.path().join("named.csv");
    std::fs::write(&named, "stale").expect("write");
    score(&good, &["--rejects", &arg(&named)]).expect_code(0);
    let header = std::fs::read_to_string(&named).expect("named rejects");
    assert_eq!(header.lines().count(), 1, "the header alone: {header}");
    assert!(header.starts_with("file,"), "{header}");
}

/// `--strict` makes any input problem fatal on `validate` too (exit 2, as its help says), after
/// listing them all.
#[test]
fn validate_strict_exits_2_with_every_problem_listed() {
    use crate::common::{arg, tempdir};
    let dir = tempdir();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "vendor_id,question_id,answer\nV1,GV-1.1,seven\nV1,GV-1.2,eleven\n",
    )
    .expect("write");
    let lax = scrm(["validate", &arg(&bad)]);
    lax.expect_code(1);
    let strict = scrm(["validate", &arg(&bad), "--strict"]);
    strict.expect_code(2);
    assert_eq!(strict.stdout, lax.stdout, "the same problems listed");
}
