#![no_main]
//! An adapter file (TOML), checked against the shipped catalog.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrm_fuzz::run(scrm_fuzz::Target::Adapter, data);
});
