#![no_main]
//! A file of a signed history store replaced: read by everything that reads a store, and
//! reported by `history verify`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // libFuzzer's hook aborts on any panic, even one caught. The store's Parquet reader catches
    // the decoder's panics on a damaged file and reports the damage (scrm-history's `decode`),
    // which is the behaviour under test: those are printed and let unwind. Any other panic
    // aborts where it is raised, as libFuzzer's own hook would (so that crashes are told apart
    // by their stacks), even one that something catches.
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        // libFuzzer's aborting hook, then Rust's own, which prints the panic.
        drop(std::panic::take_hook());
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            default(info);
            if !info.location().is_some_and(|l| l.file().contains("polars")) {
                std::process::abort();
            }
        }));
    });
    scrm_fuzz::run(scrm_fuzz::Target::History, data);
});
