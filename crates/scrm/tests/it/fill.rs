//! `scrm fill`: the binary serves the page on 127.0.0.1 at the address it prints, opened on a
//! supplier from the demo and scored; and it refuses to guess which supplier to open.

use crate::common::{AS_OF, DEMO, NOW, root, scrm};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `scrm fill`, killed when dropped.
struct Served {
    child: Child,
    url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str]) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scrm"))
        .arg("fill")
        .args(args)
        .current_dir(root())
        .env("SCRM_NOW", NOW)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut line = String::new();
    let out = child.stdout.take().unwrap_or_else(|| unreachable!());
    BufReader::new(out)
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("{e}"));
    Served {
        child,
        url: line.trim().to_string(),
    }
}

/// One HTTP/1.1 request with a form; returns the status line, the headers and the body.
fn request(url: &str, method: &str, body: &str) -> (String, Vec<String>, String) {
    let (status, headers, body) = send(
        url,
        method,
        "application/x-www-form-urlencoded",
        body.as_bytes(),
    );
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// One request with any body and content type (`Origin` the page's); returns the status line,
/// the headers and the body's bytes.
fn send(
    url: &str,
    method: &str,
    content_type: &str,
    body: &[u8],
) -> (String, Vec<String>, Vec<u8>) {
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("{url}"));
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut s = TcpStream::connect(host).unwrap_or_else(|e| panic!("{host}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap_or_else(|e| panic!("{e}"));
    let head = format!(
        "{method} /{path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())
        .and_then(|()| s.write_all(body))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap_or_else(|e| panic!("{e}"));
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines().map(str::to_string);
    let status = lines.next().unwrap_or_default();
    (
        status,
        lines.collect(),
        raw[(split + 4).min(raw.len())..].to_vec(),
    )
}

/// The page's download of `form` as `ext` (json, xlsx): its bytes, once it answered 200.
fn download(s: &Served, form: &str, ext: &str) -> Vec<u8> {
    let (status, _, file) = send(
        &format!("{}download", s.url),
        "POST",
        "application/x-www-form-urlencoded",
        format!("{form}&as={ext}").as_bytes(),
    );
    assert_eq!(status, "HTTP/1.1 200 OK", "{ext}");
    file
}

#[test]
fn fill_serves_the_page_opened_on_a_supplier_scored() {
    let s = serve(&[DEMO, "--vendor", "V-0047", "--as-of", AS_OF, "--port", "0"]);
    assert!(
        s.url.starts_with("http://127.0.0.1:") && s.url.ends_with('/') && s.url.len() > 40,
        "{}",
        s.url
    );
    let (status, headers, page) = request(&s.url, "GET", "");
    assert_eq!(status, "HTTP/1.1 200 OK");
    for h in [
        "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        "Referrer-Policy: same-origin",
        "Cache-Control: no-store",
        "X-Content-Type-Options: nosniff",
        "Content-Type: text/html; charset=utf-8",
    ] {
        // Header names are case-insensitive (hyper writes them in lower case).
        let (name, value) = h.split_once(": ").unwrap_or((h, ""));
        assert!(
            headers.iter().any(|x| x
                .split_once(": ")
                .is_some_and(|(n, v)| n.eq_ignore_ascii_case(name) && v == value)),
            "no {h} in {headers:?}"
        );
    }
    assert!(page.contains("<span class=\"mono\" id=\"vendor-id\">V-0047</span>"));
    assert!(page.contains("<span class=\"mono\">fixtures/demo</span>"));
    // Posting the form back scores it the same way (the JSON download is the document).
    let (status, headers, json) = request(
        &format!("{}download", s.url),
        "POST",
        "vendor.vendor_id=V-0047&a%3AGV-1.1=4&as=json",
    );
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(headers.iter().any(|h| {
        h.eq_ignore_ascii_case("content-disposition: attachment; filename=\"scrm-V-0047.json\"")
    }));
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["answers"][0]["answer"], "4");
    // Without the secret: nothing.
    let port_only = s.url.rsplitn(3, '/').nth(2).unwrap_or_default().to_string();
    let (status, _, _) = request(&format!("{port_only}/"), "GET", "");
    assert_eq!(status, "HTTP/1.1 404 Not Found");
}

#[test]
fn fill_asks_which_supplier_when_the_inputs_hold_several() {
    let r = scrm(["fill", DEMO, "--as-of", AS_OF]);
    r.expect_code(2);
    assert_run!("fill_several", r);
    let r = scrm(["fill", DEMO, "--vendor", "V-047", "--as-of", AS_OF]);
    r.expect_code(2);
    assert!(r.stderr.contains("did you mean `V-0047`?"), "{}", r.stderr);
}

#[test]
fn fill_opens_a_json_document_with_its_problems_beside_their_fields() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("ours.json");
    std::fs::write(
        &file,
        r#"{"format": "scrm-supplier/1", "vendor": {"vendor_id": "TW-9", "country": "Taiwan"},
            "answers": [{"question_id": "GV-1.1", "answer": "maybe"}, {"question_id": "GV-1.2", "answer": "4"}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let path = file.display().to_string();
    // Rejected rows go to a rejects file, as with every command: here, into the temp dir.
    let rejects = dir.path().join("rejects.csv").display().to_string();
    let s = serve(&[
        &path,
        "--rejects",
        &rejects,
        "--as-of",
        AS_OF,
        "--port",
        "0",
    ]);
    let (status, _, page) = request(&s.url, "GET", "");
    assert_eq!(status, "HTTP/1.1 200 OK");
    // The refused values are in the form as the file has them, and their problems beside them.
    assert!(page.contains("<option value=\"maybe\" selected>maybe (not a valid answer)</option>"));
    assert!(page.contains("name=\"vendor.country\" value=\"Taiwan\""));
    for code in ["invalid-answer", "invalid-country"] {
        assert!(page.contains(&format!("data-code=\"{code}\"")), "{code}");
    }
    assert!(page.contains("<span class=\"mono\" id=\"vendor-id\">TW-9</span>"));
    assert!(
        std::fs::read_to_string(dir.path().join("rejects.csv"))
            .is_ok_and(|r| r.contains("invalid-answer"))
    );
}

#[test]
fn fill_saves_at_every_submit_and_resumes_from_the_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("answers.json");
    let path = file.display().to_string();
    {
        let s = serve(&["--save", &path, "--as-of", AS_OF, "--port", "0"]);
        let (_, _, page) = request(&s.url, "GET", "");
        assert!(!page.contains("id=\"saved\""));
        assert!(!file.exists(), "opening the page saves nothing");
        let (status, _, page) = request(
            &format!("{}score", s.url),
            "POST",
            "vendor.vendor_id=TW-0042&vendor.name=%E5%8F%B0%E7%81%A3&a%3AGV-1.1=3&c%3AGV-1.1=a%0D%0Ab",
        );
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(page.contains("id=\"saved\""), "{page}");
    }
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(saved["vendor"]["name"], "台灣");
    assert_eq!(saved["answers"][0]["comment"], "a\nb");
    // Started again on the same file, the page opens where the work stopped, scored.
    let s = serve(&["--save", &path, "--as-of", AS_OF, "--port", "0"]);
    let (_, _, page) = request(&s.url, "GET", "");
    assert!(page.contains("<span class=\"mono\" id=\"vendor-id\">TW-0042</span>"));
    assert!(page.contains(">a\nb</textarea>"));
}

#[test]
fn fill_opens_the_supplier_of_the_questionnaire_beside_the_buyers_profile_file() {
    // The buyer's file names fifty suppliers; the questionnaire, one: that one is opened.
    let s = serve(&[
        "fixtures/demo/json/V-0047.json",
        "--vendors",
        "fixtures/demo/vendors.csv",
        "--as-of",
        AS_OF,
        "--port",
        "0",
    ]);
    let (status, _, page) = request(&s.url, "GET", "");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(page.contains("<span class=\"mono\" id=\"vendor-id\">V-0047</span>"));
}

#[test]
fn fill_saves_concurrent_submits_and_resumes_a_profile_only_page() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("answers.json");
    let path = file.display().to_string();
    {
        let s = serve(&["--save", &path, "--as-of", AS_OF, "--port", "0"]);
        // Submits from several tabs at once: every one is saved, none reports a failure.
        let pages: Vec<String> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let url = format!("{}score", s.url);
                    scope.spawn(move || {
                        (0..3)
                            .map(|_| {
                                request(
                                    &url,
                                    "POST",
                                    &format!("vendor.vendor_id=V-77&vendor.name=Acme+{i}"),
                                )
                                .2
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join()
                        .unwrap_or_else(|_| panic!("a client thread panicked"))
                })
                .collect()
        });
        for p in &pages {
            assert!(p.contains("class=\"msg saved\""), "{p}");
        }
    }
    // The page holds a profile and no answer: it opens again, as it was saved.
    let s = serve(&["--save", &path, "--as-of", AS_OF, "--port", "0"]);
    let (status, _, page) = request(&s.url, "GET", "");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(page.contains("name=\"vendor.vendor_id\" value=\"V-77\""));
}

/// The page's OSCAL download: the score as an assessment-results document, valid under NIST's
/// schemas, and the document `scrm score` writes for the page's JSON download but for where the
/// input is (the page names it by its download name, the command by its path).
#[test]
fn fill_downloads_the_score_as_oscal_assessment_results() {
    let s = serve(&["--as-of", AS_OF, "--port", "0"]);
    let form = "vendor.vendor_id=V-9001&vendor.name=Formosa%20%2AVision%2A%20AI&vendor.criticality=high\
                &a%3AGV-1.1=4&e%3AGV-1.1=policy.pdf&d%3AGV-1.1=2026-09-01&a%3AGV-1.2=2&a%3ASUP-INCIDENT-NOTIFY=yes";
    let (status, headers, ar) = request(
        &format!("{}download", s.url),
        "POST",
        &format!("{form}&as=oscal-ar"),
    );
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        headers.iter().any(|h| h.eq_ignore_ascii_case(
            "content-disposition: attachment; filename=\"scrm-V-9001.oscal-ar.json\""
        )),
        "{headers:?}"
    );
    let ar: serde_json::Value = serde_json::from_str(&ar).unwrap_or_else(|e| panic!("{e}"));
    let errors = crate::oscal::schema_errors("assessment-results", &ar);
    assert!(errors.is_empty(), "{errors:#?}");
    let (_, _, json) = request(
        &format!("{}download", s.url),
        "POST",
        &format!("{form}&as=json"),
    );
    let dir = crate::common::tempdir();
    let file = dir.path().join("scrm-V-9001.json");
    std::fs::write(&file, &json).unwrap_or_else(|e| panic!("{e}"));
    let r = scrm([
        "score",
        &crate::common::arg(&file),
        "--as-of",
        AS_OF,
        "--format",
        "oscal-ar",
    ]);
    r.expect_code(1);
    assert!(
        !root().join("scrm-rejects.csv").exists(),
        "every answer was read: no rejects file"
    );
    let mut want = r.json();
    // Where the input is: its link and its title, and nothing else.
    let place = |doc: &mut serde_json::Value| -> String {
        let input = &mut doc["assessment-results"]["back-matter"]["resources"][1];
        let href = input["rlinks"][0]["href"].take();
        let title = input["title"].take();
        format!(
            "{} {}",
            title.as_str().unwrap_or_default(),
            href.as_str().unwrap_or_default()
        )
    };
    let mut got = ar;
    assert_eq!(
        place(&mut got),
        "Input file scrm-V-9001.json scrm-V-9001.json"
    );
    let theirs = place(&mut want);
    assert!(
        theirs.starts_with("Input file /") && theirs.ends_with("/scrm-V-9001.json"),
        "{theirs}"
    );
    assert_eq!(got, want);
}

/// With the buyer's `--adapter`, the page's own downloads open again through its upload: the
/// JSON as scrm's document (adapters read foreign questionnaires only), the workbook through
/// scrm's template reader when no adapter finds its table there.
#[test]
fn fill_with_an_adapter_reopens_its_own_downloads() {
    let s = serve(&["--adapter", "csa-caiq-v4", "--as-of", AS_OF, "--port", "0"]);
    let form =
        "vendor.vendor_id=V-9002&vendor.name=Keelung%20Sensor%20Works&a%3AGV-1.1=4&a%3AGV.SC-01=3";
    for ext in ["json", "xlsx"] {
        let file = download(&s, form, ext);
        let mut body = format!(
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scrm-V-9002.{ext}\"\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&file);
        body.extend_from_slice(b"\r\n--B--\r\n");
        let (status, _, page) = send(
            &format!("{}upload", s.url),
            "POST",
            "multipart/form-data; boundary=B",
            &body,
        );
        let page = String::from_utf8_lossy(&page);
        assert_eq!(status, "HTTP/1.1 200 OK", "{ext}: {page}");
        assert!(
            page.contains("<span class=\"mono\" id=\"vendor-id\">V-9002</span>"),
            "{ext}: the page opened on the download's supplier"
        );
    }
}

/// The XLSX download holds what the supplier typed, beside the buyer's profile file: the
/// supplier's own profile, an answer the reader refuses (a level of 3.5) with its evidence
/// neutralized and its bad date as text, an answer to an unknown question id below the
/// questions; read back, it gives the answers and problems the JSON download gives.
#[test]
fn fill_downloads_the_workbook_as_typed() {
    let s = serve(&[
        "--vendors",
        "fixtures/demo/vendors.csv",
        "--as-of",
        AS_OF,
        "--port",
        "0",
    ]);
    // V-0002 is an integrator of moderate criticality in the buyer's file.
    let form = "vendor.vendor_id=V-0002&vendor.criticality=critical&vendor.ai_role=deployer\
        &a%3Agv-1.1=3.5&e%3Agv-1.1=%3Dcmd%7C%27+%2FC+calc%27%21A0&d%3Agv-1.1=2026-13-01\
        &c%3Agv-1.1=%E8%A3%9C%E5%84%9F%E6%80%A7%E6%8E%A7%E5%88%B6\
        &a%3AGV.SC-01=3&d%3AGV.SC-01=2026-09-30&a%3AGV-99.9=2";
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut read = Vec::new();
    for ext in ["json", "xlsx"] {
        let file = download(&s, form, ext);
        let path = dir.path().join(format!("scrm-V-0002.{ext}"));
        std::fs::write(&path, &file).unwrap_or_else(|e| panic!("{e}"));
        let i = scrm_ingest::ingest(
            std::slice::from_ref(&path),
            None,
            None,
            scrm_catalog::Catalog::builtin(),
            &scrm_ingest::IngestOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut codes: Vec<(String, Option<String>)> = i
            .problems
            .iter()
            .map(|p| (p.code.as_str().to_string(), p.value.clone()))
            .collect();
        codes.sort();
        read.push((path, i.vendors, codes));
    }
    let (xlsx, json) = (&read[1], &read[0]);
    assert_eq!(xlsx.1, json.1, "the same supplier and answers");
    assert_eq!(xlsx.2, json.2, "the same problems");
    for (code, value) in [
        ("invalid-answer", "3.5"),
        ("invalid-date", "2026-13-01"),
        ("unknown-question", "GV-99.9"),
    ] {
        let p = (code.to_string(), Some(value.to_string()));
        assert!(xlsx.2.contains(&p), "{p:?}: {:?}", xlsx.2);
    }
    let v = &xlsx.1[0];
    assert_eq!(v.profile.criticality.map(|c| c.as_str()), Some("critical"));
    assert_eq!(v.profile.ai_role.map(|r| r.as_str()), Some("deployer"));
    let kept: Vec<String> = v.answers.values().map(|a| a.question.to_string()).collect();
    assert_eq!(kept, ["GV.SC-01"]);
    // The cells, as Excel shows them.
    let book = crate::common::read_xlsx(&xlsx.0);
    let profile = &book[1].1;
    let value = |k: &str| profile.iter().find(|r| r[0] == k).map(|r| r[2].clone());
    assert_eq!(value("criticality").as_deref(), Some("critical"));
    assert_eq!(value("ai_role").as_deref(), Some("deployer"));
    let rows = &book[2].1;
    let row = |id: &str| {
        rows.iter()
            .find(|r| r[0] == id)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        row("GV-1.1")[5..],
        ["3.5", "'=cmd|' /C calc'!A0", "2026-13-01", "補償性控制"]
    );
    assert_eq!(rows.last().map(|r| r[0].as_str()), Some("GV-99.9"));
    assert_eq!(row("GV-99.9")[5], "2");
}
