//! Drives a local headless Chromium to load a report from a `file://` URL: dump the rendered
//! DOM, record the network log, take a screenshot. Used by the browser tests and by the
//! `screenshot` example (which the docs' images are made with); nothing here runs during a
//! normal `scrm` command.
//!
//! Chromium runs with networking features off and a throw-away profile directory, and is killed
//! if it does not finish within [`TIMEOUT`].

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest one Chromium run may take.
pub const TIMEOUT: Duration = Duration::from_secs(90);

/// Where Debian and other distributions install Chromium or Chrome.
pub const CANDIDATES: [&str; 4] = [
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/local/bin/chromium",
];

/// Why a browser run failed.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    /// The browser could not be started, or a file could not be read or written.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The browser exited with an error.
    #[error("chromium exited with {status}: {stderr}")]
    Failed {
        /// Exit status.
        status: String,
        /// The end of its standard error.
        stderr: String,
    },
    /// The browser did not finish in time and was killed.
    #[error("chromium did not finish within {0:?}")]
    Timeout(Duration),
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> BrowserError {
    let what = what.into();
    move |source| BrowserError::Io { what, source }
}

/// A headless Chromium binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Browser {
    /// Path of the executable.
    pub path: PathBuf,
}

impl Browser {
    /// The first of [`CANDIDATES`] that exists.
    pub fn locate() -> Option<Self> {
        CANDIDATES
            .iter()
            .map(Path::new)
            .find(|p| p.is_file())
            .map(Self::at)
    }

    /// A browser at a given path.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The browser a browser test uses: `SCRM_CHROMIUM`, else the first of [`CANDIDATES`].
    /// `Ok(None)` when there is none and the tests may skip; an error when there is none and
    /// `SCRM_REQUIRE_BROWSER=1` says they may not (CI sets it).
    pub fn for_tests() -> Result<Option<Self>, String> {
        let found = std::env::var_os("SCRM_CHROMIUM")
            .map(Self::at)
            .or_else(Self::locate);
        if found.is_none() && std::env::var("SCRM_REQUIRE_BROWSER").as_deref() == Ok("1") {
            return Err("chromium is required (SCRM_REQUIRE_BROWSER=1) but not installed; run scripts/install-test-deps.sh".into());
        }
        Ok(found)
    }

    /// Loads `html` and returns the DOM after scripts ran (`--dump-dom`). When `net_log` is
    /// given, Chromium writes its network log there (see [`network_requests`]).
    pub fn dump_dom(&self, html: &Path, net_log: Option<&Path>) -> Result<String, BrowserError> {
        let mut extra = vec!["--dump-dom".to_string()];
        if let Some(n) = net_log {
            extra.push(format!("--log-net-log={}", n.display()));
            extra.push("--net-log-capture-mode=Everything".to_string());
        }
        let out = self.run(html, &extra)?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// Loads `html` and saves a PNG screenshot of a `width` × `height` window.
    pub fn screenshot(
        &self,
        html: &Path,
        png: &Path,
        width: u32,
        height: u32,
    ) -> Result<(), BrowserError> {
        let extra = vec![
            format!("--screenshot={}", png.display()),
            format!("--window-size={width},{height}"),
            "--hide-scrollbars".to_string(),
        ];
        self.run(html, &extra)?;
        if !png.is_file() {
            return Err(BrowserError::Failed {
                status: "0".into(),
                stderr: format!("no screenshot written to {}", png.display()),
            });
        }
        Ok(())
    }

    fn run(&self, html: &Path, extra: &[String]) -> Result<Vec<u8>, BrowserError> {
        let html =
            std::fs::canonicalize(html).map_err(io(format!("cannot find {}", html.display())))?;
        let profile = scratch_dir()?;
        let mut cmd = Command::new(&self.path);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-extensions",
            "--mute-audio",
            "--no-pings",
            "--disable-domain-reliability",
            "--disable-client-side-phishing-detection",
            "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter,AutofillServerCommunication",
            // Chromium's own background requests (updates, account checks) must not leave the
            // machine: every host name lookup fails in-process. Pages use no host names at all.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let result = run_with_timeout(cmd);
        // Best effort: a leftover profile in the temp dir is harmless.
        let _ = std::fs::remove_dir_all(&profile);
        result
    }
}

fn scratch_dir() -> Result<PathBuf, BrowserError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "scrm-chromium-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).map_err(io(format!("cannot create {}", dir.display())))?;
    Ok(dir)
}

fn run_with_timeout(mut cmd: Command) -> Result<Vec<u8>, BrowserError> {
    let mut child = cmd.spawn().map_err(io("cannot start chromium"))?;
    // Drain the pipes on threads so a chatty browser cannot block on a full pipe.
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut v);
        }
        v
    });
    let err_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut v);
        }
        v
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait().map_err(io("cannot wait for chromium"))? {
            Some(st) => break st,
            None if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(BrowserError::Timeout(TIMEOUT));
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let out = out_t.join().unwrap_or_default();
    let err = err_t.join().unwrap_or_default();
    if !status.success() {
        let e = String::from_utf8_lossy(&err);
        let tail: String = e
            .chars()
            .rev()
            .take(2000)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        return Err(BrowserError::Failed {
            status: status.to_string(),
            stderr: tail,
        });
    }
    Ok(out)
}

/// The network URLs (http, https, ws, wss, ftp) that a loaded page asked for, from a Chromium
/// net log (`--log-net-log`).
///
/// Chromium itself makes requests that no page caused (component and extension updates, the
/// account check, network time); the net log marks them with the initiator `not an origin`, and
/// [`Browser`] blocks them from leaving the machine by failing every host name lookup. Every
/// other request, whether a resource load, a navigation or a WebSocket handshake, carries the
/// page's origin as initiator (`null` for a `file://` page) and is returned here. A log that
/// is not JSON (Chromium stopped before closing it) is read leniently; if it cannot be read at
/// all, every network URL in its events counts, initiator or not.
pub fn network_requests(net_log: &str) -> Vec<String> {
    let Some(log) = parse_net_log(net_log) else {
        return all_network_urls(net_log);
    };
    let start_job = log
        .pointer("/constants/logEventTypes/URL_REQUEST_START_JOB")
        .and_then(serde_json::Value::as_u64);
    let mut urls = std::collections::BTreeSet::new();
    for e in log
        .get("events")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
    {
        if e.get("type").and_then(serde_json::Value::as_u64) != start_job {
            continue;
        }
        let Some(p) = e.get("params") else { continue };
        let url = p
            .get("url")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        let initiator = p.get("initiator").and_then(serde_json::Value::as_str);
        if is_network(url) && initiator != Some("not an origin") {
            urls.insert(url.to_string());
        }
    }
    urls.into_iter().collect()
}

fn is_network(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["http:", "https:", "ws:", "wss:", "ftp:"]
        .iter()
        .any(|s| lower.starts_with(s))
}

/// Parses a net log, closing the events array when Chromium did not.
fn parse_net_log(s: &str) -> Option<serde_json::Value> {
    if let Ok(v) = serde_json::from_str(s) {
        return Some(v);
    }
    let trimmed = s.trim_end().trim_end_matches(',');
    serde_json::from_str(&format!("{trimmed}]}}")).ok()
}

/// Every network URL in the `"url"` fields of a net log's events, whoever asked for it.
fn all_network_urls(net_log: &str) -> Vec<String> {
    let events = net_log
        .find("\"events\"")
        .map_or(net_log, |i| &net_log[i..]);
    let mut urls = std::collections::BTreeSet::new();
    let key = "\"url\":\"";
    let mut rest = events;
    while let Some(i) = rest.find(key) {
        rest = &rest[i + key.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        if is_network(&rest[..end]) {
            urls.insert(rest[..end].to_string());
        }
        rest = &rest[end..];
    }
    urls.into_iter().collect()
}

/// `src`/`href`/`action` attribute values in an HTML text that point at a network resource
/// (`http://`, `https://`, protocol-relative `//`), for a static check of generated pages.
pub fn remote_resource_refs(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for attr in ["src=", "href=", "action=", "srcset=", "poster=", "data="] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(attr) {
            let at = from + i + attr.len();
            from = at;
            // Only real attributes: preceded by whitespace.
            let before = lower[..at - attr.len()].chars().next_back();
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            let v = lower[at..].trim_start_matches(['"', '\'']);
            let v = v.trim_start();
            if v.starts_with("http:") || v.starts_with("https:") || v.starts_with("//") {
                let end = v.find(['"', '\'', ' ', '>']).unwrap_or(v.len());
                found.push(v[..end].to_string());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_page_requests_in_a_net_log() {
        // Truncated, as when Chromium stops before closing the array.
        let log = r#"{"constants":{"logEventTypes":{"URL_REQUEST_START_JOB":7},"x":"https://not-a-request.example"},"events":[
{"type":7,"params":{"url":"file:///tmp/a.html","initiator":"not an origin"}},
{"type":7,"params":{"url":"https://update.example/u","initiator":"not an origin"}},
{"type":7,"params":{"url":"https://evil.example/x.js","initiator":"null"}},
{"type":3,"params":{"url":"https://evil.example/other-event"}},
{"type":7,"params":{"url":"wss://h/s","initiator":"null"}},"#;
        assert_eq!(
            network_requests(log),
            vec![
                "https://evil.example/x.js".to_string(),
                "wss://h/s".to_string()
            ]
        );
        // Unreadable log: every URL counts.
        assert_eq!(
            network_requests(r#"garbage "events" "url":"http://a/" "url":"file:///b""#),
            vec!["http://a/".to_string()]
        );
    }

    #[test]
    fn finds_remote_refs() {
        let html = r##"<img src="https://x/y.png"><a href="#top">t</a><script src=//cdn/x.js></script><p>see https://x in text</p><link data-href="http://x">"##;
        assert_eq!(
            remote_resource_refs(html),
            vec!["https://x/y.png".to_string(), "//cdn/x.js".to_string()]
        );
    }
}
