#![no_main]
//! A supplier's CSV response file: long, wide or a profile sheet, as its header says.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrm_fuzz::run(scrm_fuzz::Target::Csv, data);
});
