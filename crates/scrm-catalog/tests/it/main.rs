//! Integration tests of the scrm question bank: the embedded catalog against the reference
//! data and standards.md, id normalization, buyer overlays, exports and the crosswalk.
//! One test binary; each module says what belongs in it.

mod coverage;
mod crosswalk;
mod export;
mod normalize;
mod overlay;
mod reference;

use std::path::PathBuf;

/// The shared reference folder (`/work/shared`), when it is checked out next to the
/// repository; tests that compare against it return early without it.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = manifest_dir().join("../../../shared");
    dir.join("ref").is_dir().then_some(dir)
}

/// Insta settings that hide the catalog hash, which changes with every edit of the bank.
pub fn redact_hash() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"[0-9a-f]{64}", "[catalog-hash]");
    s
}

/// This package's directory, read when the test runs (cargo sets it), not compiled in: a test
/// binary reused from a shared build directory may have been compiled in another checkout.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}
