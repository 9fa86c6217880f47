//! Where data goes: stdout or `--out`, written whole; plus the terminal checks that decide
//! colour and progress bars.

use anyhow::{Context, Result, bail};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Writes bytes to `out`, or to stdout.
///
/// A regular file (or a path that does not exist yet) is written to a temporary sibling and
/// renamed, so a failed run never leaves half a report behind; through a symbolic link, the file
/// it points to is replaced and the link kept. Anything else that exists (`/dev/null`,
/// `/dev/stdout`, a named pipe) is opened and written in place: renaming over it would replace a
/// device node with a regular file.
pub fn write(out: Option<&Path>, bytes: &[u8]) -> Result<()> {
    write_with(out, &mut |w| {
        w.write_all(bytes).map_err(anyhow::Error::from)
    })
}

/// Like [`write`], with the content produced by `fill` into a buffered writer: a large report is
/// streamed to the file instead of being held whole in memory first.
pub fn write_with(
    out: Option<&Path>,
    fill: &mut dyn FnMut(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    const BUF: usize = 1 << 20;
    let Some(p) = out.filter(|p| *p != Path::new("-")) else {
        let mut s = std::io::BufWriter::with_capacity(BUF, std::io::stdout().lock());
        fill(&mut s)?;
        s.flush()?;
        return Ok(());
    };
    match std::fs::metadata(p) {
        Ok(m) if m.is_dir() => bail!("{} is a directory; give a file name", p.display()),
        Ok(m) if !m.is_file() => {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(p)
                .with_context(|| format!("opening {}", p.display()))?;
            let mut f = std::io::BufWriter::with_capacity(BUF, f);
            fill(&mut f)
                .and_then(|()| f.flush().map_err(anyhow::Error::from))
                .with_context(|| format!("writing {}", p.display()))?;
            return Ok(());
        }
        _ => {}
    }
    // Follow a symbolic link so that the rename replaces its target, not the link.
    let target = if p.is_symlink() {
        std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
    } else {
        p.to_path_buf()
    };
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The process id keeps two runs writing the same file from sharing a temporary.
    let tmp = dir.join(format!(".{name}.{}.scrm-tmp", std::process::id()));
    let written = std::fs::File::create(&tmp)
        .map_err(anyhow::Error::from)
        .and_then(|f| {
            let mut f = std::io::BufWriter::with_capacity(BUF, f);
            fill(&mut f)?;
            f.into_inner()
                .map_err(|e| anyhow::Error::from(e.into_error()))?;
            Ok(())
        });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        // Named by the path given, not the temporary beside it (whose name holds a process id).
        return Err(e).with_context(|| format!("writing {}", p.display()));
    }
    if let Err(e) = std::fs::rename(&tmp, &target) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("writing {}", p.display()));
    }
    Ok(())
}

/// The `--out` path that side files (`<out>.rejects.csv`, `<out>.manifest.json`) are named
/// after: `None` for stdout and for outputs that are not regular files (`/dev/null`, a pipe),
/// which have no sensible sibling.
pub fn side_base(out: Option<&Path>) -> Option<&Path> {
    let p = out.filter(|p| *p != Path::new("-"))?;
    match std::fs::metadata(p) {
        Ok(m) if !m.is_file() => None,
        _ => Some(p),
    }
}

/// Writes text to stdout.
pub fn print(text: &str) -> Result<()> {
    write(None, text.as_bytes())
}

/// Prints the text a person reads, or the JSON a script does (`--format human|json`).
pub fn emit<T: serde::Serialize>(
    format: crate::cli::TextFormat,
    human: impl FnOnce() -> String,
    json: &T,
) -> Result<()> {
    match format {
        crate::cli::TextFormat::Human => print(&human()),
        crate::cli::TextFormat::Json => print(&(serde_json::to_string_pretty(json)? + "\n")),
    }
}

/// Whether output to stdout may use colour.
pub fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// `-q`: only errors on stderr (no notes, warnings or progress bars). Set once, by `main`.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes stderr quiet (`-q`): [`note`] prints nothing and no progress bar is drawn; [`error`]
/// still prints.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// Whether progress bars may be drawn on stderr: a terminal, and not `-q`.
pub fn stderr_progress() -> bool {
    !quiet() && std::io::stderr().is_terminal()
}

/// A note for the user on stderr (hints, warnings and summaries; never data), unless `-q`.
pub fn note(text: &str) {
    if !quiet() {
        error(text);
    }
}

/// An error for the user on stderr, and what explains it, printed even with `-q`.
pub fn error(text: &str) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "{text}");
}
