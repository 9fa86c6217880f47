//! Sets up `tracing` on stderr once, from -v/-q and RUST_LOG.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// Installs the subscriber. RUST_LOG, when set, wins over the flags.
pub fn init(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        // A span's end reports its time (spans are made only at the levels enabled: -vv shows
        // how long each input file took to read).
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(ansi);
    // Timestamps (and the spans' times, which go with them) only when debugging: warnings
    // read better without.
    let _ = if verbose >= 2 {
        fmt.try_init()
    } else {
        fmt.without_time().try_init()
    };
}
