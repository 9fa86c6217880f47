//! Running the real `scrm` binary from the workspace root with a pinned clock, and snapshotting
//! what it prints (stdout, stderr and the exit code together).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The pinned clock every run uses, so manifests and history run ids are reproducible.
pub const NOW: &str = "2026-11-02T06:00:00Z";
/// The demo portfolio's as-of date.
pub const AS_OF: &str = "2026-11-02";
/// The bundled demo portfolio, relative to the workspace root.
pub const DEMO: &str = "fixtures/demo";

/// How long one run may take before it is killed and the test fails (a hang must not stall
/// the suite).
const DEADLINE: Duration = Duration::from_secs(120);

/// The workspace root: every run's working directory, so paths in outputs are short and stable.
pub fn root() -> PathBuf {
    manifest_dir().join("../..")
}

/// What one run of the binary gave back.
#[derive(Debug)]
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Raw stdout.
    pub stdout: Vec<u8>,
    /// Stderr, lossily decoded.
    pub stderr: String,
}

impl Run {
    /// Stdout as text (lossy).
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Stdout parsed as one JSON document.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\n--- stderr\n{}",
                self.out(),
                self.stderr
            )
        })
    }

    /// The snapshot text: exit code, stdout, stderr.
    pub fn render(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code,
            self.out(),
            self.stderr
        )
    }

    /// Panics with the whole run unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code:\n{}", self.render());
        self
    }
}

/// A command line to run, with the deterministic environment already set.
pub struct Scrm {
    cmd: Command,
    deadline: Duration,
}

impl Scrm {
    /// `scrm ARGS` in the workspace root with `SCRM_NOW` pinned, colour off and no `RUST_LOG`.
    pub fn new<I, S>(args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_scrm"));
        cmd.args(args);
        Self::deterministic(cmd)
    }

    /// `scrm ARGS` as [`Scrm::new`] runs it, but no file it writes may grow past `blocks` of 512
    /// bytes (`ulimit -f`, with `SIGXFSZ` ignored): a write past that fails as on a full disk.
    /// Through `/bin/sh`, since the workspace forbids the `unsafe` a `pre_exec` needs.
    #[cfg(unix)]
    pub fn with_file_limit<I, S>(blocks: u32, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg(format!(
                "ulimit -f {blocks} && trap '' XFSZ && exec \"$0\" \"$@\""
            ))
            .arg(env!("CARGO_BIN_EXE_scrm"))
            .args(args);
        Self::deterministic(cmd)
    }

    /// `cmd` in the workspace root with `SCRM_NOW` pinned, colour off and no `RUST_LOG`.
    fn deterministic(mut cmd: Command) -> Self {
        cmd.current_dir(root())
            .env("SCRM_NOW", NOW)
            .env("NO_COLOR", "1")
            .env_remove("RUST_LOG")
            .env_remove("SCRM_AS_OF")
            // clap wraps help text to COLUMNS when it is set; keep its fixed width instead.
            .env_remove("COLUMNS")
            .env_remove("LINES")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Self {
            cmd,
            deadline: DEADLINE,
        }
    }

    /// Sets one more environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// Kills the run and fails the test after `d` instead of the default deadline.
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = d;
        self
    }

    /// Runs to completion (or to the deadline, which fails the test).
    #[track_caller]
    pub fn run(mut self) -> Run {
        let shown = format!("{:?}", self.cmd);
        let mut child = self
            .cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {shown}: {e}"));
        let mut out = child.stdout.take().expect("piped stdout");
        let mut err = child.stderr.take().expect("piped stderr");
        // Drain both pipes on threads so a chatty child never blocks on a full pipe.
        let t_out = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = out.read_to_end(&mut v);
            v
        });
        let t_err = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = err.read_to_end(&mut v);
            v
        });
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(s)) => break s,
                Ok(None) if started.elapsed() > self.deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("{shown} did not finish within {:?}", self.deadline);
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => panic!("waiting for {shown}: {e}"),
            }
        };
        Run {
            code: status.code().unwrap_or(-1),
            stdout: t_out.join().unwrap_or_default(),
            stderr: String::from_utf8_lossy(&t_err.join().unwrap_or_default()).into_owned(),
        }
    }
}

/// Runs `scrm ARGS` with the deterministic environment.
#[track_caller]
pub fn scrm<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Scrm::new(args).run()
}

/// `score DEMO --as-of AS_OF` plus `extra`.
pub fn demo_score(extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ["score", DEMO, "--as-of", AS_OF]
        .iter()
        .map(|s| s.to_string())
        .collect();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

/// `path` as an argument string.
pub fn arg(path: &Path) -> String {
    path.display().to_string()
}

/// Escapes regex metacharacters (no regex crate here).
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Snapshot settings: temp-dir paths become `[TMP]`, run timings `[TIME]`, history run hashes
/// `[hash]`.
pub fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    let mut tmp_roots = vec![std::env::temp_dir()];
    if let Ok(c) = std::env::temp_dir().canonicalize() {
        tmp_roots.push(c);
    }
    for t in tmp_roots {
        let t = t.display().to_string();
        let t = t.trim_end_matches('/');
        s.add_filter(&format!(r"{}/\.tmp[A-Za-z0-9_]+", regex_escape(t)), "[TMP]");
    }
    s.add_filter(r"in [0-9]+\.[0-9]+ s \([0-9]+ MB/s\)", "in [TIME]");
    // A history run's content hash covers the tool version and every result (not the input
    // paths, which lie in a fresh temp dir): keep the run's time, hide the hash, so that a
    // release does not change every history snapshot.
    s.add_filter(r"\b([0-9]{8}T[0-9]{6}Z)-[0-9a-f]{8}\b", "$1-[hash]");
    s.add_filter(
        r#""content_hash": "[0-9a-f]{64}""#,
        r#""content_hash": "[hash]""#,
    );
    s.add_filter(
        r#""(results|answers|results_file|manifest|run)_checksum": "xxh3-128:[0-9a-f]{32}""#,
        r#""${1}_checksum": "[checksum]""#,
    );
    s
}

/// Snapshots a [`Run`] (exit code, stdout, stderr) under `name`, with the temp-dir filters.
macro_rules! assert_run {
    ($name:expr, $run:expr) => {{
        let rendered = $run.render();
        $crate::common::settings().bind(|| {
            insta::assert_snapshot!($name, rendered);
        });
    }};
}

/// Snapshots a text under `name`, with the temp-dir filters.
macro_rules! assert_text {
    ($name:expr, $text:expr) => {{
        let text: String = $text;
        $crate::common::settings().bind(|| {
            insta::assert_snapshot!($name, text);
        });
    }};
}

/// Two outputs that must be the same text: on a difference, the first line that differs
/// (with `what` it is), not two whole outputs.
pub fn assert_same_text(got: &str, want: &str, what: &str) {
    let differ = got.lines().zip(want.lines()).find(|(a, b)| a != b);
    assert_eq!(differ, None, "{what}");
    assert_eq!(got, want, "{what}");
}

/// Writes a run's `run.json` after a test edited it, with its own checksum made again, as
/// another release (or a forger) would: the edit then stands for what the run says, not for
/// damage.
pub fn reseal_run_json(path: &Path, edit: &dyn Fn(&mut serde_json::Value)) {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("run.json")).expect("json");
    edit(&mut v);
    let mut info: scrm_history::RunInfo = serde_json::from_value(v).expect("a run's summary");
    if info.run_checksum.is_some() {
        info.run_checksum = Some(info.own_checksum());
    }
    std::fs::write(path, serde_json::to_vec_pretty(&info).expect("json")).expect("write");
}

/// A fresh temporary directory.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// The names of the entries of `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// The run directories (`run=…`) of the history store at `dir`, oldest first.
pub fn run_dirs(dir: &Path) -> Vec<PathBuf> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with("run="))
        .map(|n| dir.join(n))
        .collect()
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("dir entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// Every file under `dir` as (relative path, bytes), sorted by path.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).expect("read dir") {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .expect("under base")
                    .display()
                    .to_string();
                out.push((rel, std::fs::read(&p).expect("read file")));
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// A small portfolio cut from the demo's `answers.csv` and `vendors.csv`: only `ids`, plus the
/// demo exclusions when `exclusions` is set. Written into `dir`.
pub fn demo_subset(dir: &Path, ids: &[&str], exclusions: bool) {
    let keep = |text: String| -> String {
        text.split_inclusive('\n')
            .enumerate()
            .filter(|(i, l)| *i == 0 || ids.iter().any(|id| l.starts_with(&format!("{id},"))))
            .map(|(_, l)| l)
            .collect()
    };
    std::fs::create_dir_all(dir).expect("create dir");
    for f in ["answers.csv", "vendors.csv"] {
        let text = std::fs::read_to_string(root().join(DEMO).join(f)).expect("read demo");
        std::fs::write(dir.join(f), keep(text)).expect("write subset");
    }
    if exclusions {
        let text =
            std::fs::read_to_string(root().join(DEMO).join("exclusions.csv")).expect("read demo");
        std::fs::write(dir.join("exclusions.csv"), keep(text)).expect("write subset");
    }
}

/// Reads every sheet of an XLSX workbook: (sheet name, rows of cell texts).
pub fn read_xlsx(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path)
        .unwrap_or_else(|e| panic!("{} is not a workbook: {e}", path.display()));
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).expect("sheet");
            let rows = range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            (n, rows)
        })
        .collect()
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// This package's directory, read when the test runs (cargo sets it), not compiled in: a test
/// binary reused from a shared build directory may have been compiled in another checkout.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}
