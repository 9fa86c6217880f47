#![no_main]
//! A file of a signed history store replaced: read by everything that reads a store, and
//! reported by `history verify`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // libFuzzer's hook aborts on any panic, even one caught. The store's Parquet reader catches
    // the decoder's panics on a damaged file and reports the damage (scrm-history's `decode`),
    // which is the behaviour under test; a panic that escapes the case still aborts, in the
    // driver. So panics are reported here as Rust reports them, the decoder's left out.
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        // libFuzzer's aborting hook, then Rust's own, which prints the panic.
        drop(std::panic::take_hook());
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let decoder = info.location().is_some_and(|l| l.file().contains("polars"));
            if !decoder {
                default(info);
            }
        }));
    });
    scrm_fuzz::run(scrm_fuzz::Target::History, data);
});
