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
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    dir.join("ref").is_dir().then_some(dir)
}

/// Insta settings that hide the catalog hash, which changes with every edit of the bank.
pub fn redact_hash() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r"[0-9a-f]{64}", "[catalog-hash]");
    s
}
