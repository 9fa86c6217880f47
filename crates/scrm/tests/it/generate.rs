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
