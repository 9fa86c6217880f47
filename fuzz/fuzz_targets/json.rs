#![no_main]
//! A supplier's JSON document, and the same bytes as JSON Lines.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrm_fuzz::run(scrm_fuzz::Target::Json, data);
});
