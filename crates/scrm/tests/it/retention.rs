//! `scrm history list`, `verify` and `prune`: a nightly job's store, listed, checked against
//! what was recorded, and kept to a size, with every run removed whole and the newest kept.

use crate::common::{DEMO, Scrm, arg, assert_same_text, reseal_run_json, scrm, tempdir};
use crate::history::nightly;
use std::path::Path;

/// Records three nightly runs of the demo portfolio, scored as of three dates (so each run's
/// content differs), at 06:00 on 1, 2 and 3 November.
fn three_nights(history: &Path) {
    nights(history, 3, &[]);
}

/// Records `n` (at most four) nightly runs of the demo portfolio with `extra` arguments, scored
/// as of successive dates from 30 October, at 06:00 on 1, 2, 3 and 4 November.
fn nights(history: &Path, n: usize, extra: &[&str]) {
    for (day, as_of) in [
        ("01", "2026-10-30"),
        ("02", "2026-10-31"),
        ("03", "2026-11-01"),
        ("04", "2026-11-02"),
    ]
    .into_iter()
    .take(n)
    {
        let now = format!("2026-11-{day}T06:00:00Z");
        let mut args = vec!["--as-of", as_of];
        args.extend_from_slice(extra);
        nightly(DEMO, history, Path::new("/dev/null"), &now, &args);
    }
}

/// The run ids of the store, oldest first, as `history list --format json` gives them.
fn listed(history: &Path) -> Vec<String> {
    let r = scrm(["history", "list", "--history", &arg(history), "-f", "json"]);
    r.expect_code(0);
    r.json()["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|run| run["run_id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Snapshots a run's output with sizes hidden: they depend on the Parquet files' embedded
/// manifest, whose paths lie in a temp dir.
fn assert_sized(name: &str, run: &crate::common::Run) {
    let mut s = crate::common::settings();
    s.add_filter(r"[0-9]+\.[0-9]+ (kB|MB|GB)", "[size]");
    let rendered = run.render();
    s.bind(|| insta::assert_snapshot!(name, rendered));
}

#[test]
fn list_then_prune() {
    let dir = tempdir();
    let history = dir.path().join("history");
    three_nights(&history);

    let r = scrm(["history", "list", "--history", &arg(&history)]);
    r.expect_code(0);
    assert_sized("history_list", &r);
    let all = listed(&history);
    assert_eq!(all.len(), 3, "{all:?}");

    // On 3 November at noon, runs older than two days, beyond the newest one: only the first
    // night's. A dry run touches nothing.
    let prune = |extra: &[&str]| {
        let mut args = vec![
            "history".to_string(),
            "prune".into(),
            "--history".into(),
            arg(&history),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        Scrm::new(args)
            .env("SCRM_NOW", "2026-11-03T12:00:00Z")
            .run()
    };
    let dry = prune(&["--keep", "1", "--older-than", "2", "--dry-run"]);
    dry.expect_code(0);
    assert_sized("history_prune_dry_run", &dry);
    assert_eq!(listed(&history), all);

    // A prune killed between hiding a run and deleting it left this behind.
    let leftover = history.join(".pruned-20261031T060000Z-00000000-4242");
    std::fs::create_dir(&leftover).expect("leftover dir");
    std::fs::write(leftover.join("results.parquet"), b"half deleted").expect("leftover file");

    let done = prune(&["--keep", "1", "--older-than", "2", "-f", "json"]);
    done.expect_code(0);
    let j = done.json();
    assert_eq!(j["applied"], true);
    assert_eq!(j["removed"][0]["run_id"].as_str(), Some(all[0].as_str()));
    assert_eq!(j["kept"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        j["leftovers"][0]
            .as_str()
            .map(|p| p.ends_with(".pruned-20261031T060000Z-00000000-4242")),
        Some(true)
    );
    assert_eq!(listed(&history), all[1..]);
    // Nothing but the two runs, the head (naming the newest), the prune log (naming the run
    // removed) and the prune's lock file is left in the store.
    let mut names: Vec<String> = std::fs::read_dir(&history)
        .expect("history dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".prune.lock".to_string(),
            "head.json".to_string(),
            "pruned.jsonl".to_string(),
            format!("run={}", all[1]),
            format!("run={}", all[2])
        ]
    );

    // The two left still compare.
    scrm(["diff", "--history", &arg(&history), "--fail-on", "never"]).expect_code(0);

    // Without an age limit, --keep alone decides; the newest run always stays.
    let r = prune(&["--keep", "1"]);
    r.expect_code(0);
    assert_sized("history_prune_keep_one", &r);
    assert_eq!(listed(&history), all[2..]);
}

#[test]
fn prune_refuses_what_it_cannot_do_safely() {
    let dir = tempdir();
    let missing = dir.path().join("no-such-store");
    // A mistyped store is an error, not an empty list.
    let r = scrm(["history", "list", "--history", &arg(&missing)]);
    r.expect_code(2);
    assert_run!("history_list_missing_store", r);
    let prune = |store: &Path, extra: &[&str]| {
        let mut args = vec!["history", "prune", "--history"];
        let store = arg(store);
        args.push(&store);
        args.extend(extra);
        let r = scrm(args);
        r.expect_code(2);
        r
    };
    prune(&missing, &["--keep", "3"]);
    // Keeping no run would leave the next incremental run nothing to reuse.
    let r = prune(dir.path(), &["--keep", "0"]);
    assert_run!("history_prune_keep_zero", r);
    // An age past the calendar's start is an error, not "remove everything".
    let r = prune(dir.path(), &["--keep", "1", "--older-than", "4294967295"]);
    assert!(
        r.stderr
            .contains("--older-than 4294967295: further back than dates go"),
        "{}",
        r.stderr
    );
}

/// `history verify` finds a run whose results, or whose manifest, changed since it was
/// recorded, says which, and exits 1; a run recorded before checksums is reported unchecked.
#[test]
fn verify_finds_what_changed() {
    let dir = tempdir();
    let history = dir.path().join("history");
    three_nights(&history);
    let verify = |format: &str| {
        scrm([
            "history",
            "verify",
            "--history",
            &arg(&history),
            "-f",
            format,
        ])
    };
    let sound = verify("human");
    sound.expect_code(0);
    assert_run!("history_verify_sound", sound);

    let runs = listed(&history);
    let run_file = |run: &str, file: &str| history.join(format!("run={run}")).join(file);
    let edit_json = |path: &Path, edit: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json");
        edit(&mut v);
        std::fs::write(path, serde_json::to_vec_pretty(&v).expect("json")).expect("write");
    };
    // The first night: recorded before runs kept checksums.
    edit_json(&run_file(&runs[0], "run.json"), &|v| {
        if let Some(o) = v.as_object_mut() {
            for key in scrm_history::RunInfo::CHECKSUM_FIELDS {
                o.remove(key);
            }
        }
    });
    // The second: its manifest says another as-of date than it was scored as of.
    edit_json(&run_file(&runs[1], "manifest.json"), &|v| {
        v["as_of"] = serde_json::json!("2026-01-01");
    });
    // The third: its results no longer match their checksum, and its answers file has a byte
    // more.
    reseal_run_json(&run_file(&runs[2], "run.json"), &|v| {
        v["results_checksum"] = serde_json::json!(format!("xxh3-128:{}", "0".repeat(32)));
    });
    let answers = run_file(&runs[2], "answers.parquet");
    let mut bytes = std::fs::read(&answers).expect("answers.parquet");
    bytes.push(b'\n');
    std::fs::write(&answers, bytes).expect("write answers.parquet");
    let changed = verify("human");
    changed.expect_code(1);
    assert_run!("history_verify_changed", changed);
    let j = verify("json");
    j.expect_code(1);
    let outcomes: Vec<String> = j.json()["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| r["outcome"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(outcomes, ["unchecked", "changed", "changed"]);
    assert_eq!(j.json()["runs"][1]["content"], true);
    assert_eq!(j.json()["runs"][1]["results"], false);
    // Its manifest's bytes, and what run.json says of it (the as-of date), disagree too.
    assert_eq!(j.json()["runs"][1]["manifest"], true);
    assert_eq!(j.json()["runs"][1]["summary"], true);
    assert_eq!(j.json()["runs"][2]["results"], true);
    assert_eq!(j.json()["runs"][2]["answers"], true);
}

/// A policy named with a terminal escape and a bidirectional override is listed with both
/// shown as escapes, never acted on.
#[test]
fn list_shows_a_hostile_policy_name_inert() {
    let dir = tempdir();
    let history = dir.path().join("history");
    let policy = dir.path().join("policy.toml");
    let init = scrm(["policy", "init"]);
    init.expect_code(0);
    let default = init.out();
    let text = default.replacen(
        "name = \"scrm default policy\"",
        "name = \"\\u001b[2Jwiped \\u202EyciloP\"",
        1,
    );
    assert_ne!(text, default, "the name was replaced");
    std::fs::write(&policy, text).expect("policy");
    nightly(
        DEMO,
        &history,
        Path::new("/dev/null"),
        "2026-11-02T06:00:00Z",
        &["--policy", &arg(&policy)],
    );
    let r = scrm(["history", "list", "--history", &arg(&history)]);
    r.expect_code(0);
    let out = r.out();
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{202e}'),
        "{out:?}"
    );
    assert!(out.contains("\\u{1b}[2Jwiped \\u{202e}yciloP"), "{out}");
}

/// `--history-key`: nights recorded with the store's key verify sound with it and changed with
/// another (each run named "not signed with the store's key"); the CSV night (streamed) and the
/// JSON night (whole results) both sign, and the second reuses the first. A key file that is too
/// short stops the run before anything is scored or recorded.
#[test]
fn a_store_signed_with_a_key() {
    let dir = tempdir();
    let history = dir.path().join("history");
    let key = dir.path().join("store.key");
    let other = dir.path().join("other.key");
    std::fs::write(&key, [7u8; 32]).expect("key");
    std::fs::write(&other, [8u8; 32]).expect("key");
    let k = arg(&key);
    nightly(
        DEMO,
        &history,
        &dir.path().join("first.csv"),
        "2026-11-02T06:00:00Z",
        &["--history-key", &k],
    );
    let second = nightly(
        DEMO,
        &history,
        &dir.path().join("second.json"),
        "2026-11-03T06:00:00Z",
        &[
            "--history-key",
            &k,
            "--format",
            "json",
            "--as-of",
            "2026-11-03",
        ],
    );
    // One supplier's result expires with the later as-of date; the rest are reused.
    assert!(second.stderr.contains("reused=49"), "{}", second.stderr);
    let verify = |key: &Path| {
        scrm([
            "history",
            "verify",
            "--history",
            &arg(&history),
            "--history-key",
            &arg(key),
        ])
    };
    let sound = verify(&key);
    sound.expect_code(0);
    // Both runs, the head naming the newest, and the newest naming the run before it.
    assert_eq!(sound.out().matches(" sound").count(), 4, "{}", sound.out());
    let changed = verify(&other);
    changed.expect_code(1);
    assert_eq!(
        changed
            .out()
            .matches("CHANGED: not signed with the store's key")
            .count(),
        2,
        "{}",
        changed.out()
    );
    // `diff` with the key diffs signed runs only.
    let diff = |key: &Path| {
        scrm([
            "diff",
            "--history",
            &arg(&history),
            "--history-key",
            &arg(key),
        ])
    };
    diff(&key).expect_code(0);
    let refused = diff(&other);
    refused.expect_code(2);
    assert!(
        refused
            .stderr
            .contains("does not carry the store key's signature"),
        "{}",
        refused.stderr
    );
    // Stripped of its checksums and signature, a run does not pass as an old one with the key.
    let runs = crate::common::run_dirs(&history);
    let info = runs[0].join("run.json");
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&info).expect("run.json")).expect("json");
    for k in scrm_history::RunInfo::CHECKSUM_FIELDS
        .iter()
        .chain(&["run_signature"])
    {
        v.as_object_mut().map(|o| o.remove(*k));
    }
    std::fs::write(&info, serde_json::to_vec_pretty(&v).expect("json")).expect("write");
    let stripped = verify(&key);
    stripped.expect_code(1);
    assert!(
        stripped
            .out()
            .lines()
            .nth(1)
            .is_some_and(|l| l.ends_with("CHANGED: not signed with the store's key")),
        "{}",
        stripped.out()
    );
    // A run whose run.json does not read is listed apart, and left by prune.
    std::fs::write(&info, b"{").expect("write");
    let listed = scrm(["history", "list", "--history", &arg(&history)]);
    listed.expect_code(0);
    assert!(
        listed
            .out()
            .contains("1 run(s) whose run.json does not read, left as they are"),
        "{}",
        listed.out()
    );
    let short = dir.path().join("short.key");
    std::fs::write(&short, b"password\n").expect("key");
    let r = scrm([
        "score",
        DEMO,
        "--history",
        &arg(&history),
        "--history-key",
        &arg(&short),
    ]);
    r.expect_code(2);
    assert!(
        r.stderr
            .contains("not a store key: a key has at least 32 bytes, this one 9"),
        "{}",
        r.stderr
    );
    assert_eq!(crate::common::run_dirs(&history).len(), 2);
    let huge = scrm([
        "history",
        "verify",
        "--history",
        &arg(&history),
        "--history-key",
        "/dev/zero",
    ]);
    huge.expect_code(2);
    assert!(
        huge.stderr.contains("larger than 4096 bytes"),
        "{}",
        huge.stderr
    );
    // The newest run removed (a store rolled back): the head says so.
    let newest = crate::common::run_dirs(&history).pop().expect("a run");
    std::fs::remove_dir_all(&newest).expect("remove");
    let rolled = verify(&key);
    rolled.expect_code(1);
    assert!(
        rolled
            .out()
            .contains("head: CHANGED: the newest run recorded, 20261103T060000Z-"),
        "{}",
        rolled.out()
    );
}

/// A signed store is pruned with its key only; then `verify` knows the runs removed were
/// pruned on purpose, and tells a run removed by hand from the middle of the store.
#[test]
fn a_signed_store_is_pruned_with_its_key() {
    let dir = tempdir();
    let history = dir.path().join("history");
    let key = dir.path().join("store.key");
    std::fs::write(&key, [7u8; 32]).expect("key");
    let k = arg(&key);
    nights(&history, 4, &["--history-key", &k]);
    let h = arg(&history);
    let refused = scrm(["history", "prune", "--history", &h, "--keep", "3"]);
    refused.expect_code(2);
    assert!(
        refused
            .stderr
            .contains("the store's runs are signed: prune it with the store's key"),
        "{}",
        refused.stderr
    );
    assert_eq!(listed(&history).len(), 4);
    scrm([
        "history",
        "prune",
        "--history",
        &h,
        "--keep",
        "3",
        "--history-key",
        &k,
    ])
    .expect_code(0);
    let verify = || scrm(["history", "verify", "--history", &h, "--history-key", &k]);
    let sound = verify();
    sound.expect_code(0);
    assert!(
        sound.out().ends_with(
            "chain: sound: each of 3 run(s) finds the run it was recorded after (1 of them pruned on purpose)\n"
        ),
        "{}",
        sound.out()
    );
    // The middle run removed by hand: the runs and the head are sound, the chain is not.
    let runs = crate::common::run_dirs(&history);
    std::fs::remove_dir_all(&runs[1]).expect("remove");
    let broken = verify();
    broken.expect_code(1);
    let out = broken.out();
    assert!(
        out.contains("head: ") && !out.contains("head: CHANGED"),
        "{out}"
    );
    assert!(
        out.contains("chain: CHANGED: run 20261103T060000Z-")
            && out
                .contains("is not in the store and the prune log does not name it: it was removed"),
        "{out}"
    );
}

/// The test-only Ed25519 keys of `fixtures/keys/` (relative to the workspace root, where every
/// run starts: stable in snapshots).
const PRIVATE: &str = "fixtures/keys/nightly.pem";
const PUBLIC: &str = "fixtures/keys/nightly.pub.pem";
const OTHER_PUBLIC: &str = "fixtures/keys/other.pub.pem";

/// A store signed with an Ed25519 private key: the nightly job records and prunes with it; an
/// auditor with the public key verifies (each run named signed by the key), diffs, and sees a
/// run changed since it was signed, but records and prunes nothing; another public key is told
/// apart from a changed run.
#[test]
fn an_ed25519_store_is_verified_with_its_public_key() {
    let dir = tempdir();
    let history = dir.path().join("history");
    let h = arg(&history);
    nights(&history, 3, &["--history-key", PRIVATE]);
    let verify = |key: &str| scrm(["history", "verify", "--history", &h, "--history-key", key]);
    let prune = |key: &str| {
        let keep = ["--keep", "2", "--history-key", key];
        scrm(
            ["history", "prune", "--history", &h]
                .into_iter()
                .chain(keep),
        )
    };

    // The public key signs nothing: prune refuses (exit 2, as without a key), and so does a
    // night recorded with it, before it scores (no output written).
    let refused = prune(PUBLIC);
    refused.expect_code(2);
    assert_run!("history_prune_ed25519_public_key", refused);
    let out = dir.path().join("night.csv");
    let night = Scrm::new([
        "score",
        DEMO,
        "--history",
        &h,
        "--history-key",
        PUBLIC,
        "--out",
        &arg(&out),
    ])
    .env("SCRM_NOW", "2026-11-04T06:00:00Z")
    .run();
    night.expect_code(2);
    assert_run!("history_score_ed25519_public_key", night);
    assert!(!out.exists());
    assert_eq!(listed(&history).len(), 3);

    // The private key prunes; the public key then verifies every run, the head and the chain.
    prune(PRIVATE).expect_code(0);
    let sound = verify(PUBLIC);
    sound.expect_code(0);
    assert_run!("history_verify_ed25519_sound", sound);
    let json = scrm([
        "history",
        "verify",
        "--history",
        &h,
        "--history-key",
        PUBLIC,
        "-f",
        "json",
    ]);
    let id = "a726726b87647c1b";
    assert!(
        json.json()["runs"]
            .as_array()
            .is_some_and(|runs| runs.iter().all(|r| r["signed_by"]
                .as_str()
                .is_some_and(|k| k.len() == 64 && k.starts_with(id)))),
        "{}",
        json.out()
    );

    // `diff` with the public key diffs as without a key.
    let diff = |key: Option<&str>| {
        let mut args = vec!["diff", "--history", &h];
        args.extend(key.map(|k| ["--history-key", k]).into_iter().flatten());
        let r = scrm(args);
        r.expect_code(0);
        r.out()
    };
    assert_same_text(&diff(Some(PUBLIC)), &diff(None), "diff with the public key");

    // Another public key: each run says whose signature it carries.
    let other = verify(OTHER_PUBLIC);
    other.expect_code(1);
    assert_run!("history_verify_ed25519_other_key", other);

    // A run's summary changed and sealed again with a fresh checksum, as anyone can: the
    // public key sees it.
    let runs = crate::common::run_dirs(&history);
    reseal_run_json(&runs[1].join("run.json"), &|v| v["vendors"] = 49.into());
    let changed = verify(PUBLIC);
    changed.expect_code(1);
    assert_run!("history_verify_ed25519_changed", changed);
}

/// A store whose key was rotated: the runs signed before with the old key, the runs and prune
/// log since with the new one. The new public key alone reports the older run as another key's;
/// given both public keys, `verify` finds every run sound, each signed by the key that signed
/// it, and `diff` compares a run of each key.
#[test]
fn a_rotated_store_verifies_with_the_old_and_the_new_key() {
    const OLD: &str = "fixtures/keys/rfc8032-test1.pem";
    const OLD_PUBLIC: &str = "fixtures/keys/rfc8032-test1.pub.pem";
    let dir = tempdir();
    let history = dir.path().join("history");
    let h = arg(&history);
    nights(&history, 2, &["--history-key", OLD]);
    let key = ["--as-of", "2026-11-01", "--history-key", PRIVATE];
    nightly(
        DEMO,
        &history,
        Path::new("/dev/null"),
        "2026-11-03T06:00:00Z",
        &key,
    );
    let prune = ["history", "prune", "--history", &h, "--keep", "2"];
    scrm(prune.into_iter().chain(["--history-key", PRIVATE])).expect_code(0);
    let verify = |keys: &[&str]| {
        let mut args = vec!["history", "verify", "--history", &h];
        for k in keys {
            args.extend(["--history-key", k]);
        }
        scrm(args)
    };
    let new_only = verify(&[PUBLIC]);
    new_only.expect_code(1);
    assert!(
        new_only.out().contains(
            "is signed by Ed25519 key 21fe31dfa154a261, not by the key given (a726726b87647c1b)"
        ),
        "{}",
        new_only.out()
    );
    let both = verify(&[PUBLIC, OLD_PUBLIC]);
    both.expect_code(0);
    assert_run!("history_verify_rotated_sound", both);
    let diff = |keys: &[&str]| {
        let mut args = vec!["diff", "--history", &h];
        for k in keys {
            args.extend(["--history-key", k]);
        }
        let r = scrm(args);
        r.expect_code(0);
        r.out()
    };
    assert_same_text(
        &diff(&[PUBLIC, OLD_PUBLIC]),
        &diff(&[]),
        "diff across the rotation",
    );
}

/// A store signed with a shared secret, verified with an Ed25519 public key, and the other way
/// round: the scheme each found and expected is said, not a bare "not signed".
#[test]
fn a_key_of_the_other_scheme_is_told() {
    let dir = tempdir();
    let (hmac, ed) = (dir.path().join("hmac"), dir.path().join("ed25519"));
    let secret = dir.path().join("store.key");
    std::fs::write(&secret, [7u8; 32]).expect("key");
    let secret = arg(&secret);
    for (history, key) in [(&hmac, secret.as_str()), (&ed, PRIVATE)] {
        nightly(
            DEMO,
            history,
            Path::new("/dev/null"),
            "2026-11-02T06:00:00Z",
            &["--history-key", key],
        );
    }
    let by_public = scrm([
        "history",
        "verify",
        "--history",
        &arg(&hmac),
        "--history-key",
        PUBLIC,
    ]);
    by_public.expect_code(1);
    let by_secret = scrm([
        "history",
        "verify",
        "--history",
        &arg(&ed),
        "--history-key",
        &secret,
    ]);
    by_secret.expect_code(1);
    assert_text!(
        "history_verify_other_scheme",
        format!(
            "{}\n=== the Ed25519 store with the shared secret\n{}",
            by_public.render(),
            by_secret.render()
        )
    );
    // An EC key is refused as such, before anything is read.
    let p256 = scrm([
        "history",
        "verify",
        "--history",
        &arg(&ed),
        "--history-key",
        "fixtures/keys/p256.pem",
    ]);
    p256.expect_code(2);
    assert_run!("history_key_p256", p256);
}

/// `history keygen` writes a private key only its owner reads and the public key beside it,
/// never over a file; the pair signs and verifies a store.
#[test]
fn keygen_writes_a_key_pair_once() {
    let dir = tempdir();
    let key = dir.path().join("store.pem");
    let made = scrm(["history", "keygen", "--out", &arg(&key), "-f", "json"]);
    made.expect_code(0);
    let v = made.json();
    let public = dir.path().join("store.pub.pem");
    assert_eq!(v["public"].as_str(), Some(arg(&public).as_str()));
    let id = v["key_id"].as_str().unwrap_or_default().to_string();
    assert_eq!(id.len(), 64);
    let private = std::fs::read_to_string(&key).expect("private key");
    assert!(
        private.starts_with("-----BEGIN PRIVATE KEY-----\n"),
        "{private}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).expect("key").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = scrm(["history", "keygen", "--out", &arg(&key)]);
    again.expect_code(2);
    assert!(
        again
            .stderr
            .contains("already exists: a key is never overwritten"),
        "{}",
        again.stderr
    );
    assert_eq!(std::fs::read_to_string(&key).ok(), Some(private));
    let history = dir.path().join("history");
    nightly(
        DEMO,
        &history,
        Path::new("/dev/null"),
        "2026-11-02T06:00:00Z",
        &["--history-key", &arg(&key)],
    );
    let verified = scrm([
        "history",
        "verify",
        "--history",
        &arg(&history),
        "--history-key",
        &arg(&public),
    ]);
    verified.expect_code(0);
    assert!(
        verified
            .out()
            .contains(&format!("sound, signed by key {}\n", &id[..16])),
        "{}",
        verified.out()
    );
}
