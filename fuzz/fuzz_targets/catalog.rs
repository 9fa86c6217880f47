#![no_main]
//! A buyer's catalog overlay (TOML) over the shipped catalog.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrm_fuzz::run(scrm_fuzz::Target::Catalog, data);
});
