//! The process's panic hook. The Parquet library panics on some damaged files instead of
//! returning an error; the history store catches those panics and reports the file as damaged,
//! naming it (`scrm_history`'s `decode`). Printed as Rust prints a panic, they read as a crash
//! of scrm just before the error that explains them, so the hook keeps them for the log (debug
//! level) and [`escaped`] prints one only if it was not caught. Every other panic is printed as
//! Rust prints it.

use std::panic::PanicHookInfo;
use std::sync::Mutex;

/// The message of the last panic raised in the Parquet library, not printed.
static HELD: Mutex<Option<String>> = Mutex::new(None);

/// Installs the hook.
pub fn install() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !in_parquet_library(info) {
            default(info);
            return;
        }
        let message = format!("{info}");
        tracing::debug!(panic = %message, "the Parquet library panicked");
        if let Ok(mut held) = HELD.lock() {
            *held = Some(message);
        }
    }));
}

/// Whether the panic was raised in polars' code (its crates' sources, wherever the registry is).
fn in_parquet_library(info: &PanicHookInfo<'_>) -> bool {
    info.location()
        .is_some_and(|l| l.file().replace('\\', "/").contains("/polars"))
}

/// What to print of a panic that ended the run: the held message when it was the Parquet
/// library's (not printed yet), nothing when the hook printed it already.
pub fn escaped(payload: &(dyn std::any::Any + Send)) -> Option<String> {
    let said = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())?;
    let held = HELD.lock().ok()?.clone()?;
    held.contains(said).then_some(held)
}
