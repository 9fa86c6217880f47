#![no_main]
//! A foreign questionnaire read through an adapter (see `scrm_fuzz::Target::Adapted`).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrm_fuzz::run(scrm_fuzz::Target::Adapted, data);
});
