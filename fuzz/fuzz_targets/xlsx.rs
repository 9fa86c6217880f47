#![no_main]
//! A supplier's XLSX workbook (template or tables).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scrm_fuzz::run(scrm_fuzz::Target::Xlsx, data);
});
