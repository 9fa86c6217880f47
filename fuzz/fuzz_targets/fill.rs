#![no_main]
//! A form posted to `scrm fill`'s page: read, scored, shown and downloaded.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrm_fuzz::run(scrm_fuzz::Target::Fill, data);
});
