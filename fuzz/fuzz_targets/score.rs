#![no_main]
//! A supplier's CSV file scored, explained, planned and rendered every way (outputs inert).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrm_fuzz::run(scrm_fuzz::Target::Score, data);
});
