//! Where data goes: stdout or `--out`, written whole; plus the terminal checks that decide
//! colour and progress bars.

use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Writes bytes to `out`, or to stdout. Files are written to a temporary sibling and renamed,
/// so a failed run never leaves half a report behind.
pub fn write(out: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match out {
        Some(p) if p != Path::new("-") => {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tmp = dir.join(format!(".{name}.scrm-tmp"));
            std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
            std::fs::rename(&tmp, p).with_context(|| format!("writing {}", p.display()))?;
            Ok(())
        }
        _ => {
            let mut s = std::io::stdout().lock();
            s.write_all(bytes)?;
            s.flush()?;
            Ok(())
        }
    }
}

/// Writes text to stdout.
pub fn print(text: &str) -> Result<()> {
    write(None, text.as_bytes())
}

/// Whether output to stdout may use colour.
pub fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Whether progress bars may be drawn on stderr.
pub fn stderr_progress() -> bool {
    std::io::stderr().is_terminal()
}

/// A note for the user on stderr (hints and summaries; never data).
pub fn note(text: &str) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "{text}");
}
