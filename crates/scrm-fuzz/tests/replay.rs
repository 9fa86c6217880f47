//! Every fuzz target's seeds and kept cases, replayed on stable: the checks a fuzzer applies
//! hold on each (read or refused, every way of reading agreeing, reports inert).

use scrm_fuzz::{Target, regressions, run, seeds};

/// Runs every case of `target`; fails naming each case that failed and why.
fn replay(target: Target, cases: Vec<(String, Vec<u8>)>) -> Vec<String> {
    cases
        .into_iter()
        .filter_map(|(name, bytes)| {
            std::panic::catch_unwind(|| run(target, &bytes))
                .err()
                .map(|e| {
                    let why = e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    format!("{}/{name}: {why}", target.name())
                })
        })
        .collect()
}

#[test]
fn every_seed_passes_its_target() {
    let mut failed = Vec::new();
    let mut counts = Vec::new();
    for t in Target::ALL {
        let cases = seeds(t);
        counts.push((t.name(), cases.len()));
        failed.extend(replay(t, cases));
    }
    assert!(failed.is_empty(), "{failed:#?}");
    // Each target starts from the repository's examples of its input.
    insta::assert_debug_snapshot!(counts);
}

#[test]
fn every_kept_case_passes_its_target() {
    let mut failed = Vec::new();
    for t in Target::ALL {
        failed.extend(replay(t, regressions(t)));
    }
    assert!(failed.is_empty(), "{failed:#?}");
}
