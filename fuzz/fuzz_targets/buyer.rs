#![no_main]
//! The buyer's profile or exclusion file, CSV or XLSX (the first byte picks which).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrm_fuzz::run(scrm_fuzz::Target::Buyer, data);
});
