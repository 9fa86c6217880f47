//! `scrm fill`'s page in a real browser: headless Chromium, driven over the DevTools protocol,
//! opens the page from a live server on 127.0.0.1, fills in fields, clicks the page's own
//! buttons and reads back what the server answered. What the unit tests simulate (how a browser
//! encodes the form, which `Origin` it sends, where relative actions post) is checked here.
//!
//! When Chromium is missing the test fails if `SCRM_REQUIRE_BROWSER=1` (CI sets it; run
//! `scripts/install-test-deps.sh`) and otherwise prints a skip note and passes. `SCRM_CHROMIUM`
//! points at another binary.

#![allow(clippy::print_stderr)]

use scrm_catalog::Catalog;
use scrm_fill::{App, FillConfig};
use scrm_policy::Policy;
use scrm_report::browser::Browser;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

const WAIT: Duration = Duration::from_secs(30);

fn browser() -> Option<Browser> {
    let found = Browser::for_tests().unwrap_or_else(|e| panic!("{e}"));
    if found.is_none() {
        eprintln!("skipped: chromium not found (run scripts/install-test-deps.sh)");
    }
    found
}

/// Chromium with a DevTools socket, killed when dropped.
struct Chrome {
    child: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Chrome {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Chrome {
    fn launch(b: &Browser) -> Self {
        let profile = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut child = Command::new(&b.path)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                // Nothing but the loopback page: every host name lookup fails in-process.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", b.path.display()));
        // Chromium prints its socket's address on stderr.
        let stderr = child.stderr.take().unwrap_or_else(|| unreachable!());
        let mut url = None;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(u) = line.strip_prefix("DevTools listening on ") {
                url = Some(u.trim().to_string());
                break;
            }
        }
        let url = url.unwrap_or_else(|| panic!("chromium printed no DevTools address"));
        let (ws, _) = tungstenite::connect(url.as_str()).unwrap_or_else(|e| panic!("{e}"));
        Self {
            child,
            ws,
            next: 0,
            _profile: profile,
        }
    }

    /// Sends a command and returns its result (events in between are skipped).
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws
            .send(Message::text(msg.to_string()))
            .unwrap_or_else(|e| panic!("{e}"));
        loop {
            let m = self.ws.read().unwrap_or_else(|e| panic!("{e}"));
            let Message::Text(t) = m else { continue };
            let v: Value = serde_json::from_str(t.as_str()).unwrap_or_else(|e| panic!("{e}"));
            if v["id"] == json!(id) {
                if let Some(err) = v.get("error") {
                    panic!("{method}: {err}");
                }
                return v["result"].clone();
            }
        }
    }

    /// Evaluates JavaScript in the page (DevTools is not bound by the page's CSP).
    fn eval(&mut self, session: &str, js: &str) -> Value {
        let r = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({"expression": js, "returnByValue": true}),
        );
        r["result"]["value"].clone()
    }

    /// Waits until `js` is true in a loaded page.
    fn wait_for(&mut self, session: &str, js: &str) {
        let start = Instant::now();
        let cond = format!("document.readyState === 'complete' && !!({js})");
        while self.eval(session, &cond) != json!(true) {
            if start.elapsed() > WAIT {
                let at = self.eval(session, "location.href + ' ' + document.readyState");
                panic!("timed out waiting for {js} at {at}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn config() -> FillConfig {
    let catalog = Catalog::builtin().clone();
    let policy = Policy::builtin(Some(&catalog)).unwrap_or_else(|e| panic!("{e}"));
    let now = chrono::DateTime::from_timestamp(1_793_000_000, 0).unwrap_or_default();
    FillConfig {
        tool_version: "test".into(),
        ..FillConfig::new(catalog, policy, Arc::new(move || now))
    }
}

#[test]
fn a_supplier_fills_in_scores_and_switches_language_in_chromium() {
    let Some(b) = browser() else { return };
    let listener = scrm_fill::bind(0).unwrap_or_else(|e| panic!("{e}"));
    let port = scrm_fill::port_of(&listener);
    let app = Arc::new(App::new(
        config(),
        "0123456789abcdef0123456789abcdef".into(),
        port,
    ));
    let url = app.url();
    let running = scrm_fill::spawn(listener, Arc::clone(&app)).unwrap_or_else(|e| panic!("{e}"));

    let mut c = Chrome::launch(&b);
    let target = c.call(None, "Target.createTarget", json!({"url": url}));
    let attached = c.call(
        None,
        "Target.attachToTarget",
        json!({"targetId": target["targetId"], "flatten": true}),
    );
    let s = attached["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("no session"))
        .to_string();
    c.wait_for(&s, "document.querySelector('button.primary')");
    assert_eq!(
        c.eval(&s, "!!document.getElementById('outcome')"),
        json!(false)
    );

    // Fill in a few fields as a person would, then press the page's Score button.
    let set = |field: &str, value: &str| {
        format!(
            "document.querySelector('[name=\"{field}\"]').value = {};",
            json!(value)
        )
    };
    let fill = [
        set("vendor.vendor_id", "TW-0042"),
        set("vendor.name", "台灣晶片 AI 股份有限公司"),
        set("vendor.country", "TW"),
        set("vendor.ai_role", "integrator"),
        set("a:GV-1.1", "3"),
        set("e:GV-1.1", "AI 法規清冊 v2.pdf"),
        set("d:GV-1.1", "2026-09-30"),
        set("c:GV-1.1", "first line\nsecond line & <b>not bold</b>"),
        set("a:SUP-AIBOM", "partial"),
        "document.querySelector('button.primary').click(); true".to_string(),
    ]
    .concat();
    c.eval(&s, &fill);
    c.wait_for(&s, "document.getElementById('outcome')");

    // The server scored what the browser sent: the supplier's id and name are on the result, the
    // values are back in the form as typed, and the answer counts on the scorecard.
    let read = |field: &str| format!("document.querySelector('[name=\"{field}\"]').value");
    let got = c.eval(
        &s,
        &format!(
            "[document.getElementById('vendor-id').textContent, document.getElementById('vendor-name').textContent, {}, {}, {}, {}, {}, document.querySelectorAll('#problems li').length]",
            read("a:GV-1.1"),
            read("e:GV-1.1"),
            read("d:GV-1.1"),
            read("c:GV-1.1"),
            read("vendor.ai_role"),
        ),
    );
    assert_eq!(
        got,
        json!([
            "TW-0042",
            "台灣晶片 AI 股份有限公司",
            "3",
            "AI 法規清冊 v2.pdf",
            "2026-09-30",
            "first line\nsecond line & <b>not bold</b>",
            "integrator",
            0
        ])
    );
    assert_eq!(
        c.eval(&s, "document.body.innerText.includes('2/')"),
        json!(true),
        "two questions answered"
    );

    // Switching language keeps every value (the button posts the form too).
    c.eval(
        &s,
        "document.querySelector('button[name=\"switch_lang\"]').click(); true",
    );
    c.wait_for(&s, "document.documentElement.lang === 'zh-TW'");
    assert_eq!(
        c.eval(&s, &read("c:GV-1.1")),
        json!("first line\nsecond line & <b>not bold</b>")
    );
    assert_eq!(
        c.eval(&s, &read("vendor.name")),
        json!("台灣晶片 AI 股份有限公司")
    );

    // A questionnaire file opened with the page's upload: the browser's own multipart body,
    // a file name in Chinese, the page in the language it was in.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("問卷 TW-0099.csv");
    std::fs::write(
        &file,
        "vendor_id,question_id,answer\nTW-0099,GV-1.1,4\nTW-0099,GV-1.2,maybe\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let doc = c.call(Some(&s), "DOM.getDocument", json!({}));
    let input = c.call(
        Some(&s),
        "DOM.querySelector",
        json!({"nodeId": doc["root"]["nodeId"], "selector": "#upload input[type=file]"}),
    );
    c.call(
        Some(&s),
        "DOM.setFileInputFiles",
        json!({"nodeId": input["nodeId"], "files": [file.display().to_string()]}),
    );
    c.eval(&s, "document.querySelector('#upload button').click(); true");
    c.wait_for(
        &s,
        "document.getElementById('vendor-id') && document.getElementById('vendor-id').textContent === 'TW-0099'",
    );
    assert_eq!(
        c.eval(
            &s,
            &format!(
                "[document.documentElement.lang, {}, document.querySelector('#problems').innerText.includes('問卷 TW-0099.csv:3:answer')]",
                read("a:GV-1.1")
            )
        ),
        json!(["zh-TW", "4", true])
    );

    // Another site's page posting to the form is refused: its origin is not this page's.
    let attack = format!(
        "data:text/html,<form method=post action='{url}score'><input name='vendor.vendor_id' value='X'></form><script>document.forms[0].submit()</script>"
    );
    c.call(Some(&s), "Page.navigate", json!({"url": attack}));
    c.wait_for(
        &s,
        "document.body && document.body.innerText.includes('refused')",
    );

    running.stop().unwrap_or_else(|e| panic!("{e}"));
}
