//! The page's routes, guards and round trips, through `App::handle` without a socket: every
//! request a browser (or another site, or another local user) can make, and what it gets back.

use scrm_catalog::Catalog;
use scrm_fill::{App, FillConfig, Head, Response, encode, fields_of, parse_form};
use scrm_ingest::IngestOptions;
use scrm_model::{Lang, SupplierAnswer, SupplierDocument};
use scrm_policy::Policy;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const HOST: &str = "127.0.0.1:8080";
const FORM: &str = "application/x-www-form-urlencoded";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn config(prefill: SupplierDocument, source: Option<&str>) -> FillConfig {
    let catalog = Catalog::builtin().clone();
    let policy = Policy::builtin(Some(&catalog)).unwrap_or_else(|e| panic!("{e}"));
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-02T06:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"))
        .with_timezone(&chrono::Utc);
    FillConfig {
        exclusions: Some(root().join("fixtures/demo/exclusions.csv")),
        prefill,
        source: source.map(str::to_string),
        tool_version: "test".into(),
        max_body: 1 << 20,
        max_fields: 5_000,
        ..FillConfig::new(catalog, policy, Arc::new(move || now))
    }
}

fn blank() -> SupplierDocument {
    scrm_report::template_document(Catalog::builtin().questions(), None, None)
}

fn demo_doc(id: &str) -> SupplierDocument {
    let p = root().join(format!("fixtures/demo/json/{id}.json"));
    let text = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut doc: SupplierDocument = serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{e}"));
    // The demo lists some questions with nothing in them; a form leaves those out (nothing is
    // read from them either way).
    doc.answers.retain(|a| {
        !(a.answer.is_empty()
            && a.evidence.is_none()
            && a.evidence_date.is_none()
            && a.comment.is_none())
    });
    doc
}

fn app() -> App {
    App::new(config(blank(), None), TOKEN.into(), 8080)
}

fn get(app: &App, url: &str) -> Response {
    app.handle(
        &Head {
            method: "GET",
            url,
            host: Some(HOST),
            origin: None,
            content_type: None,
            content_length: None,
        },
        b"",
    )
}

fn post(app: &App, route: &str, body: &str) -> Response {
    app.handle(
        &Head {
            method: "POST",
            url: &format!("/{TOKEN}/{route}"),
            host: Some(HOST),
            origin: Some("http://127.0.0.1:8080"),
            content_type: Some(FORM),
            content_length: None,
        },
        body.as_bytes(),
    )
}

fn html(r: &Response) -> String {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    String::from_utf8(r.body.clone()).unwrap_or_else(|e| panic!("{e}"))
}

fn header<'r>(r: &'r Response, name: &str) -> Option<&'r str> {
    r.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The part of a page between `<section id="ID"` and its `</section>`, one tag per line.
fn section(page: &str, id: &str) -> String {
    let start = page
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = page[start..]
        .find("</section>")
        .map_or(page.len(), |i| start + i + 10);
    page[start..end].replace("><", ">\n<")
}

#[test]
fn every_route_and_guard() {
    let app = app();
    let t = TOKEN;
    // (label, method, url, host, origin, body)
    type Case<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        String,
    );
    let cases: Vec<Case> = vec![
        // (label, method, url, host, origin, body)
        ("page", "GET", "/T/", Some(HOST), None, String::new()),
        (
            "page via localhost",
            "GET",
            "/T/?x=1",
            Some("localhost:8080"),
            None,
            String::new(),
        ),
        ("no slash", "GET", "/T", Some(HOST), None, String::new()),
        (
            "another host (DNS rebinding)",
            "GET",
            "/T/",
            Some("evil.test:8080"),
            None,
            String::new(),
        ),
        ("no host", "GET", "/T/", None, None, String::new()),
        (
            "another port",
            "GET",
            "/T/",
            Some("127.0.0.1:9999"),
            None,
            String::new(),
        ),
        ("no secret", "GET", "/", Some(HOST), None, String::new()),
        (
            "wrong secret",
            "GET",
            "/0123456789abcdef0123456789abcdeX/",
            Some(HOST),
            None,
            String::new(),
        ),
        (
            "secret's prefix",
            "GET",
            "/0123456789abcdef/",
            Some(HOST),
            None,
            String::new(),
        ),
        (
            "unknown route",
            "GET",
            "/T/admin",
            Some(HOST),
            None,
            String::new(),
        ),
        (
            "post to the page",
            "POST",
            "/T/",
            Some(HOST),
            None,
            String::new(),
        ),
        (
            "another site's post",
            "POST",
            "/T/score",
            Some(HOST),
            Some("http://evil.test"),
            String::new(),
        ),
        (
            "opaque origin",
            "POST",
            "/T/score",
            Some(HOST),
            Some("null"),
            String::new(),
        ),
        (
            "score",
            "POST",
            "/T/score",
            Some(HOST),
            Some("http://127.0.0.1:8080"),
            "vendor.vendor_id=V1".into(),
        ),
        (
            "score without origin",
            "POST",
            "/T/score",
            Some(HOST),
            None,
            "vendor.vendor_id=V1".into(),
        ),
        (
            "too many fields",
            "POST",
            "/T/score",
            Some(HOST),
            None,
            "a=1&".repeat(5_001),
        ),
        (
            "too large",
            "POST",
            "/T/score",
            Some(HOST),
            None,
            "c%3AGV-1.1=".to_string() + &"x".repeat(1 << 20),
        ),
        (
            "download json",
            "POST",
            "/T/download",
            Some(HOST),
            None,
            "vendor.vendor_id=V%2F..%2F1&as=json".into(),
        ),
        (
            "download what",
            "POST",
            "/T/download",
            Some(HOST),
            None,
            "vendor.vendor_id=V1&as=pdf".into(),
        ),
        (
            "reload of a scored page",
            "GET",
            "/T/score",
            Some(HOST),
            None,
            String::new(),
        ),
        (
            "absolute-form target",
            "GET",
            "http://127.0.0.1:8080/T/",
            Some(HOST),
            None,
            String::new(),
        ),
        (
            "absolute-form, no secret",
            "GET",
            "http://127.0.0.1:8080/",
            Some(HOST),
            None,
            String::new(),
        ),
        (
            "absolute-form, another host",
            "GET",
            "http://evil.test/T/",
            Some(HOST),
            None,
            String::new(),
        ),
    ];
    let mut out = String::new();
    for (label, method, url, host, origin, body) in &cases {
        let url =
            url.replacen("8080/T", &format!("8080/{t}"), 1)
                .replacen("/T/", &format!("/{t}/"), 1);
        let url = if url.ends_with("/T") {
            url.replacen("/T", &format!("/{t}"), 1)
        } else {
            url
        };
        let r = app.handle(
            &Head {
                method,
                url: &url,
                host: *host,
                origin: *origin,
                content_type: Some(FORM),
                content_length: None,
            },
            body.as_bytes(),
        );
        let shown: Vec<String> = r
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.replace(t, "<token>")))
            .collect();
        let text = if header(&r, "Content-Type").is_some_and(|c| c.starts_with("text/plain")) {
            String::from_utf8_lossy(&r.body).trim().to_string()
        } else if header(&r, "Content-Type").is_some_and(|c| c.starts_with("text/html")) {
            // A page (its size depends on where the checkout is: the manifest names the
            // buyer's exclusions file by its path).
            "a page".to_string()
        } else {
            format!("{} bytes", r.body.len())
        };
        out.push_str(&format!(
            "{label}: {method} → {} [{}] {text}\n",
            r.status,
            shown.join("; ")
        ));
    }
    // The wrong content type, separately: every other case posts a form.
    let r = app.handle(
        &Head {
            method: "POST",
            url: &format!("/{t}/score"),
            host: Some(HOST),
            origin: None,
            content_type: Some("multipart/form-data; boundary=x"),
            content_length: None,
        },
        b"",
    );
    out.push_str(&format!("multipart: POST → {}\n", r.status));
    insta::assert_snapshot!(out);
}

#[test]
fn a_submitted_form_scores_as_the_downloaded_file_does() {
    let app = app();
    let doc = demo_doc("V-0047");
    let body = encode(&fields_of(&doc));
    // The JSON download is the document as submitted, in scrm's JSON format.
    let r = post(&app, "download", &(body.clone() + "&as=json"));
    assert_eq!(
        header(&r, "Content-Disposition"),
        Some("attachment; filename=\"scrm-V-0047.json\"")
    );
    let back: SupplierDocument = serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, doc);
    // Scored from the form, and from that file through the reader every command uses: the same
    // result, findings and plan.
    let from_form = app.score_document(&parse_form(body.as_bytes(), 5_000).unwrap().doc);
    assert_eq!(from_form.json, r.body);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("scrm-V-0047.json");
    std::fs::write(&file, &r.body).unwrap_or_else(|e| panic!("{e}"));
    let catalog = Catalog::builtin().clone();
    let ingested = scrm_ingest::ingest(
        &[file],
        None,
        Some(&root().join("fixtures/demo/exclusions.csv")),
        &catalog,
        &IngestOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let policy = Policy::builtin(Some(&catalog)).unwrap_or_else(|e| panic!("{e}"));
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default();
    let engine = scrm_score::Engine::new(&catalog, &policy, as_of);
    let v = &ingested.vendors[0];
    let (result, plan) = from_form
        .outcome
        .as_ref()
        .unwrap_or_else(|| panic!("no outcome"));
    assert_eq!(result, &engine.score(v, &[]));
    assert_eq!(plan, &engine.plan(v, &[]));
    assert_eq!(from_form.ingested.problems, ingested.problems);
    // The manifest names the document by its download name, with the digest of those bytes.
    let m = &from_form.manifest;
    assert_eq!(m.inputs[0].path, "scrm-V-0047.json");
    assert_eq!(
        m.inputs[0].sha256,
        scrm_ingest::InputDigest::Sha256.hex_of(&r.body)
    );
    assert_eq!(
        m.inputs.len(),
        2,
        "the buyer's exclusions file is the second input"
    );
}

#[test]
fn an_excluded_supplier_is_gated_on_the_page() {
    // V-0021 is on the buyer's SAM exclusions list (fixtures/demo/exclusions.csv).
    let app = app();
    let mut doc = blank();
    doc.vendor.vendor_id = "V-0021".into();
    let page = html(&post(&app, "score", &encode(&fields_of(&doc))));
    insta::assert_snapshot!(section(&page, "findings"));
}

/// The values of the form fields a page holds, as a browser submits them: inputs' values,
/// selects' selected options, textareas' text, in page order.
fn fields_in(page: &str) -> Vec<(String, String)> {
    fn unescape(s: &str) -> String {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }
    fn attr(tag: &str, name: &str) -> Option<String> {
        let k = format!(" {name}=\"");
        let i = tag.find(&k)? + k.len();
        let j = tag[i..].find('"')? + i;
        Some(unescape(&tag[i..j]))
    }
    // The answers' form (the upload's comes before it).
    let start = page
        .find("<form method=\"post\" action=\"score\"")
        .unwrap_or(0);
    let form = &page[start
        ..page[start..]
            .find("</form>")
            .map_or(page.len(), |e| start + e)];
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(k) = form[i..].find('<') {
        let at = i + k;
        let end = form[at..].find('>').map_or(form.len(), |e| at + e + 1);
        let tag = &form[at..end];
        i = end;
        let Some(name) = attr(tag, "name") else {
            continue;
        };
        if tag.starts_with("<input") {
            // A browser drops line breaks from a one-line field's value.
            let value = attr(tag, "value")
                .unwrap_or_default()
                .replace(['\r', '\n'], "");
            out.push((name, value));
        } else if tag.starts_with("<textarea") {
            let close = form[end..]
                .find("</textarea>")
                .map_or(form.len(), |c| end + c);
            out.push((name, unescape(&form[end..close])));
            i = close;
        } else if tag.starts_with("<select") {
            let close = form[end..]
                .find("</select>")
                .map_or(form.len(), |c| end + c);
            let options = &form[end..close];
            let value = options
                .split("<option")
                .find(|o| o.contains(" selected>"))
                .and_then(|o| attr(o, "value"))
                .unwrap_or_default();
            out.push((name, value));
            i = close;
        }
        // Buttons are sent only when they submit; none is here.
    }
    out
}

fn hostile() -> SupplierDocument {
    let mut doc = demo_doc("V-0047");
    doc.vendor.name = Some("<script>alert(1)</script> & \"Co\" 'Ltd'".into());
    doc.vendor.country = Some("Taiwan".into());
    doc.vendor.criticality = Some("高".into());
    doc.vendor.extra = [(
        "note\"><xss-b>".to_string(),
        "=HYPERLINK(\"http://evil.test\")".to_string(),
    )]
    .into();
    doc.answers[0].answer = "maybe".into();
    doc.answers[1].comment = Some("line one\n<img src=x onerror=alert(1)>\nline three".into());
    doc.answers[2].evidence_date = Some("31/03/2025".into());
    // Marks that reorder text: shown as escapes everywhere else, but kept in the fields, so
    // that the next submit sends what was typed.
    doc.answers[2].evidence = Some("policy\u{202e}fdp.exe\u{200f}".into());
    doc.answers[5].comment = Some("right-to-left \u{2067}inside\u{2069}".into());
    // A profile key of the supplier's with one: the field's name keeps it too.
    doc.vendor
        .extra
        .insert("הערה\u{200f}".to_string(), "ok".to_string());
    // One link a line, as spreadsheets hold them; a date a picker cannot show.
    doc.answers[3].evidence = Some("https://a.example/x.pdf\nhttps://b.example/y.pdf".into());
    doc.answers[4].evidence_date = Some("2025-01- 1".into());
    doc.vendor
        .extra
        .insert("note".into(), "line one\nline two".into());
    doc.answers.push(SupplierAnswer {
        question_id: "XX-\"><svg onload=alert(1)>".into(),
        answer: "3".into(),
        evidence: None,
        evidence_date: None,
        comment: None,
    });
    doc
}

#[test]
fn a_rerendered_page_submits_what_it_was_given() {
    // Whatever the supplier typed, valid or not, comes back in the next submit: scoring,
    // switching language or a problem never loses a value.
    let app = app();
    let doc = hostile();
    let page = html(&post(&app, "score", &encode(&fields_of(&doc))));
    let again = parse_form(encode(&fields_in(&page)).as_bytes(), 5_000).unwrap();
    let mut expected = doc.clone();
    // The one spelling the page changes: 高 is shown (and sent) as its canonical `high`.
    expected.vendor.criticality = Some("high".into());
    assert_eq!(again.doc, expected);
    assert_eq!(again.lang, Some(Lang::En));
    // In Chinese too.
    let page = html(&post(
        &app,
        "score",
        &(encode(&fields_of(&doc)) + "&switch_lang=zh-TW"),
    ));
    assert!(page.contains("<html lang=\"zh-TW\">"));
    let again = parse_form(encode(&fields_in(&page)).as_bytes(), 5_000).unwrap();
    assert_eq!(again.doc, expected);
    assert_eq!(again.lang, Some(Lang::ZhTw));
}

#[test]
fn hostile_text_stays_text() {
    let app = app();
    let page = html(&post(&app, "score", &encode(&fields_of(&hostile()))));
    let lower = page.to_ascii_lowercase();
    for bad in ["<script", "<img", "<svg onload", "<xss-b>", "href=\"http"] {
        assert!(!lower.contains(bad), "{bad} in the page");
    }
    // The page itself forbids any script and any fetch, beside the server's header.
    assert!(page.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'\">"
    ));
    // No tag of the page has a source to fetch or a handler to run.
    for tag in lower
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
    {
        let name = tag.split_whitespace().next().unwrap_or("");
        if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            // Attribute names only: quoted values (escaped supplier text) left out.
            let names: String = tag.split('"').step_by(2).collect::<Vec<_>>().join("\"\"");
            for attr in names.split_whitespace().skip(1) {
                assert!(
                    !attr.starts_with("src=") && !attr.starts_with("on"),
                    "<{tag}>"
                );
            }
        }
    }
}

/// The block of the page that shows one field (a question's four fields share one).
fn block(page: &str, id: &str) -> String {
    let start = page
        .find(&format!("id=\"f-{id}\""))
        .unwrap_or_else(|| panic!("no block {id}"));
    let start = page[..start].rfind('<').unwrap_or(start);
    // The block ends where the next one (`class="q"` or `class="q …"`) or its fieldset does.
    let rest = &page[start + 1..];
    let end = [
        "<div class=\"q\"",
        "<div class=\"q ",
        "</fieldset>",
        "</div><div class=\"pf",
    ]
    .iter()
    .filter_map(|m| rest.find(m))
    .min()
    .map_or(page.len(), |e| start + 1 + e);
    page[start..end].to_string()
}

#[test]
fn problems_are_shown_beside_their_fields() {
    let app = app();
    let page = html(&post(&app, "score", &encode(&fields_of(&hostile()))));
    insta::assert_snapshot!("problems", section(&page, "problems"));
    // Each problem of an answer is also inside its question's block, which is marked.
    let gv = block(&page, "GV-1.1");
    assert!(gv.starts_with("<div class=\"q has-error\""), "{gv}");
    assert!(gv.contains("<div class=\"msg error\"><span class=\"mono\">[invalid-answer]</span>"));
    assert!(block(&page, "vendor.country").contains("[invalid-country]"));
}

/// On the Chinese page a problem leads with what its code means in Chinese; the reader's
/// message follows in English (it quotes the value and the valid spellings), in the list and
/// beside the field alike. Codes and values are not translated.
#[test]
fn problems_are_explained_in_chinese_on_the_chinese_page() {
    let app = app();
    let body = format!("{}&lang=zh-TW", encode(&fields_of(&hostile())));
    let page = html(&post(&app, "score", &body));
    let list = section(&page, "problems");
    insta::assert_snapshot!("problems_zh_tw", list);
    let en = section(
        &html(&post(&app, "score", &encode(&fields_of(&hostile())))),
        "problems",
    );
    assert_eq!(
        list.matches("<li class=\"problem\"").count(),
        en.matches("<li class=\"problem\"").count()
    );
    let gv = block(&page, "GV-1.1");
    assert!(
        gv.contains(
            "[invalid-answer]</span> 回答不是 0-5、yes（是）、partial（部分）、no（否）、na（不適用）或空白；該列被拒絕。 <span class=\"en\" lang=\"en\">("
        ),
        "{gv}"
    );
    assert!(block(&page, "vendor.country").contains("國家不是 ISO 3166-1 二位字母代碼。"));
}

#[test]
fn the_first_page_of_a_file_is_scored_and_a_blank_one_is_not() {
    let blank_page = html(&get(&app(), &format!("/{TOKEN}/")));
    assert!(!blank_page.contains("id=\"outcome\""));
    assert!(!blank_page.contains("id=\"problems\""));
    let doc = demo_doc("V-0047");
    let app = App::new(
        config(doc, Some("fixtures/demo/json/V-0047.json")),
        TOKEN.into(),
        8080,
    );
    let page = html(&get(&app, &format!("/{TOKEN}/")));
    assert!(page.contains("id=\"outcome\""));
    insta::assert_snapshot!("first_page_scores", section(&page, "scores"));
    // The same request gives the same bytes.
    assert_eq!(get(&app, &format!("/{TOKEN}/")).body, page.into_bytes());
}

#[test]
fn the_full_scorecard_and_the_workbook() {
    let app = app();
    let body = encode(&fields_of(&demo_doc("V-0047")));
    let card = html(&post(&app, "scorecard", &body));
    for id in [
        "supplier",
        "scores",
        "findings",
        "plan",
        "governance",
        "risks",
        "explanation",
        "manifest",
    ] {
        assert!(card.contains(&format!("<section id=\"{id}\"")), "no {id}");
    }
    // The workbook is the buyer's template, filled with the answers read: reading it back gives
    // the same supplier.
    let r = post(&app, "download", &(body.clone() + "&as=xlsx"));
    assert_eq!(
        header(&r, "Content-Disposition"),
        Some("attachment; filename=\"scrm-V-0047.xlsx\"")
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("back.xlsx");
    std::fs::write(&file, &r.body).unwrap_or_else(|e| panic!("{e}"));
    let catalog = Catalog::builtin().clone();
    let back = scrm_ingest::ingest(&[file], None, None, &catalog, &IngestOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let scored = app.score_document(&parse_form(body.as_bytes(), 5_000).unwrap().doc);
    assert_eq!(back.vendors, scored.ingested.vendors);
    // Without a supplier id the workbook still holds what was typed (the id is for the
    // supplier to fill in there).
    let r = post(&app, "download", "as=xlsx&a%3AGV-1.1=3");
    assert_eq!(
        header(&r, "Content-Disposition"),
        Some("attachment; filename=\"scrm-questionnaire.xlsx\"")
    );
    let (back, _) = ingest_bytes(&r.body, "blank.xlsx");
    assert!(back.vendors.is_empty());
    assert!(
        back.problems
            .iter()
            .any(|p| p.code == scrm_ingest::ProblemCode::BlankVendorId)
    );
}

/// Reads a downloaded file as every scrm command reads a questionnaire, without the buyer's
/// files: what a supplier's file holds. Also gives the file's rejected rows, as read.
fn ingest_bytes(bytes: &[u8], name: &str) -> (scrm_ingest::Ingested, Vec<Vec<String>>) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).unwrap_or_else(|e| panic!("{e}"));
    let i = scrm_ingest::ingest(
        &[file],
        None,
        None,
        Catalog::builtin(),
        &IngestOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let rejected = i.rejects.iter().map(|r| r.original.clone()).collect();
    (i, rejected)
}

/// The problems of a reading, as (code, value) pairs in a fixed order: where each is (a JSON
/// path, a sheet's cell) differs between the formats, what and why must not.
fn problem_codes(i: &scrm_ingest::Ingested) -> Vec<(String, Option<String>)> {
    let mut v: Vec<(String, Option<String>)> = i
        .problems
        .iter()
        .map(|p| (p.code.as_str().to_string(), p.value.clone()))
        .collect();
    v.sort();
    v
}

/// The XLSX download holds what the supplier typed, as the JSON download does, beside the
/// buyer's profile file: values the reader refuses as text (a level of 3.5, `maybe`, a 13th
/// month, `na` where it is not offered), an answer in another spelling of its question's id,
/// the supplier's own profile (not the buyer's), and answers to a question the role's sheet
/// does not list and to an unknown id below the listed ones. Read back, the workbook gives
/// the supplier the JSON document gives, and the same problems.
#[test]
fn the_workbook_holds_what_was_typed() {
    use scrm_model::{AiRole, AnswerKind};
    let mut cfg = config(blank(), None);
    cfg.profiles = Some(root().join("fixtures/demo/vendors.csv"));
    let app = App::new(cfg, TOKEN.into(), 8080);
    let catalog = Catalog::builtin();
    let deployer = Some(AiRole::Deployer);
    let asked = |kind: AnswerKind, na: bool| {
        catalog
            .questions()
            .iter()
            .filter(move |q| {
                q.applies_to(deployer) && q.answer.kind == kind && q.answer.na_allowed == na
            })
            .map(|q| q.id.as_str())
    };
    let mut maturity = asked(AnswerKind::Maturity, false);
    let (m1, m2, m3) = (
        maturity.next().unwrap_or_default(),
        maturity.next().unwrap_or_default(),
        maturity.next().unwrap_or_default(),
    );
    let ynp = asked(AnswerKind::YesPartialNo, false)
        .next()
        .unwrap_or_default();
    let (other, other_answer) = catalog
        .questions()
        .iter()
        .find(|q| !q.applies_to(deployer))
        .map(|q| match q.answer.kind {
            AnswerKind::Maturity => (q.id.as_str(), "4"),
            AnswerKind::YesPartialNo => (q.id.as_str(), "yes"),
        })
        .unwrap_or_default();
    let answer = |id: &str, a: &str, e: &str, d: &str, c: &str| {
        let o = |s: &str| (!s.is_empty()).then(|| s.to_string());
        SupplierAnswer {
            question_id: id.to_string(),
            answer: a.to_string(),
            evidence: o(e),
            evidence_date: o(d),
            comment: o(c),
        }
    };
    // V-0002 is an integrator of moderate criticality in the buyer's file.
    let doc = SupplierDocument {
        format: Some("scrm-supplier/1".into()),
        vendor: scrm_model::SupplierProfileDoc {
            vendor_id: "V-0002".into(),
            name: Some("基隆感測".into()),
            country: Some("Taiwan".into()),
            criticality: Some("critical".into()),
            ai_role: Some("deployer".into()),
            assessed_on: Some("2026-10-01".into()),
            ..Default::default()
        },
        answers: vec![
            answer(
                &m1.to_lowercase(),
                "3.5",
                "=cmd|' /C calc'!A0",
                "2026-13-01",
                "補償性控制：每季審查",
            ),
            answer(m2, "maybe", "", "", ""),
            answer(m3, "4", "POL-7.pdf", "2026/09/30", "已核准"),
            answer(ynp, "na", "", "", ""),
            answer(other, other_answer, "SBOM", "2026-08-01", ""),
            answer("GV-99.9", "2", "", "", "typo"),
        ],
    };
    let body = encode(&fields_of(&doc));
    let json = post(&app, "download", &(body.clone() + "&as=json"));
    let xlsx = post(&app, "download", &(body + "&as=xlsx"));
    assert_eq!(
        header(&xlsx, "Content-Disposition"),
        Some("attachment; filename=\"scrm-V-0002.xlsx\"")
    );
    let (from_json, _) = ingest_bytes(&json.body, "scrm-V-0002.json");
    let (from_xlsx, rejected) = ingest_bytes(&xlsx.body, "scrm-V-0002.xlsx");
    // The same supplier: its own profile and its valid answers (the one in a known question
    // the deployer is not asked included), nothing else.
    assert_eq!(from_xlsx.vendors, from_json.vendors);
    let v = &from_xlsx.vendors[0];
    // The profile, refused for its country, is in the workbook as the supplier typed it, not
    // as the buyer's file has it (an integrator of moderate criticality).
    assert!(
        rejected.contains(
            &[
                "V-0002",
                "基隆感測",
                "Taiwan",
                "critical",
                "deployer",
                "",
                "2026-10-01",
                "",
            ]
            .map(String::from)
            .to_vec()
        ),
        "{rejected:?}"
    );
    let ids: Vec<&str> = v.answers.keys().map(|q| q.as_str()).collect();
    let mut want = vec![m3, other];
    want.sort();
    assert_eq!(ids, want);
    assert_eq!(
        v.answers
            .values()
            .find(|a| a.question.as_str() == m3)
            .and_then(|a| a.comment.as_deref()),
        Some("已核准")
    );
    // The same problems, each on the value typed.
    let codes = problem_codes(&from_xlsx);
    assert_eq!(codes, problem_codes(&from_json));
    for (code, value) in [
        ("invalid-answer", "3.5"),
        ("invalid-answer", "maybe"),
        ("invalid-date", "2026-13-01"),
        ("invalid-country", "Taiwan"),
        ("unknown-question", "GV-99.9"),
    ] {
        assert!(
            codes.contains(&(code.to_string(), Some(value.to_string()))),
            "{code} {value}: {codes:?}"
        );
    }
    // The rows refused are in the workbook as typed: the evidence a formula no more.
    let row = |q: &str| rejected.iter().find(|r| r.iter().any(|c| c == q)).cloned();
    let first = row(m1).unwrap_or_else(|| panic!("{m1} is not in the workbook: {rejected:?}"));
    for typed in [
        "3.5",
        "'=cmd|' /C calc'!A0",
        "2026-13-01",
        "補償性控制：每季審查",
    ] {
        assert!(first.iter().any(|c| c == typed), "{typed}: {first:?}");
    }
    assert!(row(m2).is_some_and(|r| r.iter().any(|c| c == "maybe")));
    assert!(row(ynp).is_some_and(|r| r.iter().any(|c| c == "na")));
    assert!(row("GV-99.9").is_some_and(|r| r.iter().any(|c| c == "typo")));
}

#[test]
fn every_submit_saves_the_document_and_says_so() {
    let saved: Arc<std::sync::Mutex<Vec<Vec<u8>>>> = Arc::default();
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut cfg = config(blank(), None);
    cfg.save = Some({
        let (saved, fail) = (Arc::clone(&saved), Arc::clone(&fail));
        Arc::new(move |json: &[u8]| {
            if fail.load(std::sync::atomic::Ordering::SeqCst) {
                return Err("disk full".to_string());
            }
            saved
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(json.to_vec());
            Ok("answers <1>.json".to_string())
        })
    });
    let app = App::new(cfg, TOKEN.into(), 8080);
    // The first page shows what is there: nothing is saved.
    html(&get(&app, &format!("/{TOKEN}/")));
    assert!(saved.lock().unwrap_or_else(|e| e.into_inner()).is_empty());
    let body = encode(&fields_of(&demo_doc("V-0047")));
    let page = html(&post(&app, "score", &body));
    assert!(page.contains(
        "<p class=\"msg saved\" id=\"saved\">Your answers were saved to <span class=\"mono\">answers &lt;1&gt;.json</span></p>"
    ));
    // What is saved is the JSON download, byte for byte; so are the other routes' submits.
    let json = post(&app, "download", &(body.clone() + "&as=json")).body;
    html(&post(&app, "scorecard", &body));
    let got = saved.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(got, vec![json.clone(), json.clone(), json.clone()]);
    // An upload that opens is saved too; one that holds no answers saves nothing over them.
    html(&upload(&app, &upload_body("mine.json", &json, "en")));
    assert_eq!(saved.lock().unwrap_or_else(|e| e.into_inner()).len(), 4);
    let r = upload(&app, &upload_body("wrong.csv", b"foo,bar\n1,2\n", "en"));
    assert_eq!(r.status, 422);
    assert_eq!(saved.lock().unwrap_or_else(|e| e.into_inner()).len(), 4);
    // A failure is said on the page, in red, with what to do.
    fail.store(true, std::sync::atomic::Ordering::SeqCst);
    let page = html(&post(&app, "score", &(body + "&switch_lang=zh-TW")));
    assert!(page.contains(
        "<p class=\"msg error\" id=\"saved\">您的回答未能儲存：請下載以便保存。 disk full</p>"
    ));
}

#[test]
fn the_buyers_profile_file_does_not_change_whose_page_it_is() {
    // The demo's buyer file names fifty suppliers; the page scores the one in the form.
    let mut cfg = config(blank(), None);
    cfg.profiles = Some(root().join("fixtures/demo/vendors.csv"));
    let app = App::new(cfg, TOKEN.into(), 8080);
    let doc = demo_doc("V-0047");
    let s = app.score_document(&doc);
    let (result, _) = s.outcome.as_ref().unwrap_or_else(|| panic!("no outcome"));
    assert_eq!(result.vendor_id.as_str(), "V-0047");
    assert_eq!(s.vendor().map(|v| v.id().as_str()), Some("V-0047"));
    assert_eq!(s.manifest.counts.vendors, 1);
    let page = html(&post(&app, "score", &encode(&fields_of(&doc))));
    assert!(page.contains("<span class=\"mono\" id=\"vendor-id\">V-0047</span>"));
    // An id the buyer's file names but the form does not answer: that supplier, not the first.
    let mut other = blank();
    other.vendor.vendor_id = "V-0002".into();
    let s = app.score_document(&other);
    assert_eq!(s.vendor().map(|v| v.id().as_str()), Some("V-0002"));
}

#[test]
fn ids_in_other_spellings_land_in_their_question() {
    let app = app();
    let page = html(&post(
        &app,
        "score",
        "vendor.vendor_id=V1&a%3AGOVERN+1.1=5&a%3Agv1.2=4",
    ));
    assert!(!page.contains("id=\"others\""));
    let fields = fields_in(&page);
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!((get("a:GV-1.1"), get("a:GV-1.2")), (Some("5"), Some("4")));
    // Two spellings of one question: the second is kept apart, with the reader's problem.
    let page = html(&post(
        &app,
        "score",
        "vendor.vendor_id=V1&a%3AGV-1.1=5&a%3Agv1.1=2",
    ));
    let fields = fields_in(&page);
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!((get("a:GV-1.1"), get("a:gv1.1")), (Some("5"), Some("2")));
    assert!(page.contains("id=\"others\""));
}

#[test]
fn a_repeated_problem_is_listed_once_and_a_bad_profile_field_is_explained() {
    let app = app();
    // No vendor id: the reader reports it for the profile and for every answer.
    let page = html(&post(
        &app,
        "score",
        "a%3AGV-1.1=3&a%3AGV-1.2=3&a%3AGV-1.3=3",
    ));
    let problems = section(&page, "problems");
    assert_eq!(
        problems.matches("data-code=\"blank-vendor-id\"").count(),
        1,
        "{problems}"
    );
    assert!(problems.contains("(×4)"), "{problems}");
    // A blank id is its own problem, not a profile field that voids the rest.
    assert!(!page.contains("id=\"profile-unused\""));
    let page = html(&post(
        &app,
        "score",
        "vendor.vendor_id=V1&vendor.country=Taiwan&a%3AGV-1.1=3",
    ));
    assert!(page.contains("id=\"profile-unused\""));
    let page = html(&post(
        &app,
        "score",
        "vendor.vendor_id=V1&vendor.country=TW&a%3AGV-1.1=3",
    ));
    assert!(!page.contains("id=\"profile-unused\""));
}

/// A `multipart/form-data` body carrying one file (and the page's language).
fn upload_body(file_name: &str, content: &[u8], lang: &str) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(
        format!(
            "--XB\r\nContent-Disposition: form-data; name=\"lang\"\r\n\r\n{lang}\r\n--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    b.extend_from_slice(content);
    b.extend_from_slice(b"\r\n--XB--\r\n");
    b
}

fn upload(app: &App, body: &[u8]) -> Response {
    app.handle(
        &Head {
            method: "POST",
            url: &format!("/{TOKEN}/upload"),
            host: Some(HOST),
            origin: Some("http://127.0.0.1:8080"),
            content_type: Some("multipart/form-data; boundary=XB"),
            content_length: None,
        },
        body,
    )
}

/// A questionnaire opened in the page: the filled-in XLSX template round-trips into the form
/// (what a re-render submits is the supplier's document), a CSV's refused rows are listed at the
/// file's name with the page started from what was read, a JSON document opens as it is with its
/// problems beside their fields, and what is not one supplier's questionnaire is refused with a
/// reason.
#[test]
fn an_uploaded_questionnaire_opens_in_the_page() {
    let app = app();
    let catalog = Catalog::builtin().clone();
    // The template filled with V-0047's answers, as `scrm template` and the XLSX download write it.
    let doc = demo_doc("V-0047");
    let read = app.score_document(&doc);
    let v = read.vendor().unwrap_or_else(|| panic!("no vendor"));
    let xlsx = scrm_report::write_template_xlsx(
        catalog.questions(),
        scrm_model::Lang::ZhTw,
        None,
        Some(v),
        catalog.version(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let page = html(&upload(
        &app,
        &upload_body("C:\\報價\\問卷 V-0047.xlsx", &xlsx, "zh-TW"),
    ));
    assert!(page.contains("<html lang=\"zh-TW\""));
    assert!(
        page.contains("<span class=\"mono\">問卷 V-0047.xlsx</span>"),
        "the source is the file's name, not its path"
    );
    assert!(page.contains("id=\"outcome\""), "scored");
    let mut back = parse_form(encode(&fields_in(&page)).as_bytes(), 5_000)
        .unwrap_or_else(|e| panic!("{e}"))
        .doc;
    scrm_fill::canonical_ids(&mut back, &catalog);
    // The page lists questions in catalog order, the document in id order.
    let mut want = scrm_fill::document_of(v);
    for d in [&mut back, &mut want] {
        d.answers.sort_by(|a, b| a.question_id.cmp(&b.question_id));
    }
    assert!(back == want, "the page is not the workbook's supplier");

    // A CSV with one refused row: listed at the file's name, the rest in the form.
    // The last row answers GV-1.1 again, differently: its message names the first by place.
    let csv = b"vendor_id,question_id,answer\nV-0101,GV-1.1,4\nV-0101,GV-1.2,maybe\nV-0101,SUP-VULN,3\nV-0101,govern 1.1,2\n";
    let page = html(&upload(&app, &upload_body("answers.csv", csv, "en")));
    let problems = section(&page, "problems");
    assert!(
        problems.contains("answers.csv:3:answer") && problems.contains("[invalid-answer]"),
        "{problems}"
    );
    assert!(
        problems.contains("the first, at answers.csv:2:answer"),
        "{problems}"
    );
    assert!(
        !page.contains("scrm-fill-"),
        "no temporary path on the page"
    );
    let mut back = parse_form(encode(&fields_in(&page)).as_bytes(), 5_000)
        .unwrap_or_else(|e| panic!("{e}"))
        .doc;
    scrm_fill::canonical_ids(&mut back, &catalog);
    let answered: Vec<(&str, &str)> = back
        .answers
        .iter()
        .filter(|a| !a.answer.is_empty())
        .map(|a| (a.question_id.as_str(), a.answer.as_str()))
        .collect();
    assert_eq!(answered, [("GV-1.1", "4"), ("SUP-VULN", "3")]);

    // A JSON document: as it is, with its problems beside their fields.
    let json = serde_json::to_vec(&hostile()).unwrap_or_else(|e| panic!("{e}"));
    let page = html(&upload(&app, &upload_body("hostile.json", &json, "en")));
    assert!(page.contains("<div class=\"q has-error\""));
    assert_eq!(
        section(&page, "problems"),
        section(
            &html(&post(&app, "score", &encode(&fields_of(&hostile())))),
            "problems"
        )
    );

    // Refused, each with its reason.
    let two = b"vendor_id,question_id,answer\nV-1,GV-1.1,4\nV-2,GV-1.1,3\n";
    for (body, status, says) in [
        (
            upload_body("two.csv", two, "en"),
            422,
            "'two.csv' holds 2 suppliers' answers",
        ),
        (
            upload_body("notes.pdf", b"%PDF", "en"),
            400,
            "'notes.pdf' is not a questionnaire scrm reads",
        ),
        (
            upload_body("empty.csv", b"", "en"),
            400,
            "no file was chosen",
        ),
    ] {
        let r = upload(&app, &body);
        assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
        assert!(String::from_utf8_lossy(&r.body).contains(says));
    }
    // A file with no supplier's answers leaves the page (and a saved file) as it was.
    let r = upload(&app, &upload_body("wrong.csv", b"foo,bar\n1,2\n", "en"));
    assert_eq!(r.status, 422, "{}", String::from_utf8_lossy(&r.body));
    assert!(String::from_utf8_lossy(&r.body).starts_with(
        "'wrong.csv' holds no supplier's answers, so the page is as it was and nothing was saved"
    ));
    // A document whose page could not be posted back (more fields than the page takes).
    let mut big = hostile();
    big.answers
        .extend((0..2_000).map(|i| scrm_model::SupplierAnswer {
            question_id: format!("X-{i}"),
            answer: "3".into(),
            evidence: None,
            evidence_date: None,
            comment: None,
        }));
    let json = serde_json::to_vec(&big).unwrap_or_else(|e| panic!("{e}"));
    let r = upload(&app, &upload_body("big.json", &json, "en"));
    assert_eq!(r.status, 422, "{}", String::from_utf8_lossy(&r.body));
    assert!(String::from_utf8_lossy(&r.body).contains("more than the 5000 the page takes"));
    // The upload route takes a multipart body only, and the others none.
    let r = post(&app, "upload", "lang=en");
    assert_eq!(r.status, 415);
    let r = app.handle(
        &Head {
            method: "POST",
            url: &format!("/{TOKEN}/score"),
            host: Some(HOST),
            origin: Some("http://127.0.0.1:8080"),
            content_type: Some("multipart/form-data; boundary=XB"),
            content_length: None,
        },
        &upload_body("a.csv", csv, "en"),
    );
    assert_eq!(r.status, 415);
}

/// A document with two answers to one question (in two spellings, as a JSON file can have
/// them) and an extra profile field: its workbook, the second answer in a row below the listed
/// questions, reads back to the supplier and the problems the document reads to, but for the
/// note that names the extra field (a workbook's profile rows outside the format are noted).
#[test]
fn a_second_answer_reads_back_from_the_workbook_as_from_the_document() {
    let catalog = Catalog::builtin();
    let mut doc = demo_doc("V-0047");
    let first = doc.answers[0].clone();
    doc.answers.push(SupplierAnswer {
        question_id: first.question_id.to_lowercase(),
        answer: "1".into(),
        comment: Some("second".into()),
        ..first
    });
    doc.vendor.extra.insert("duns".into(), "123456789".into());
    let xlsx = scrm_report::write_template_xlsx_prefilled(
        catalog.questions(),
        Lang::En,
        None,
        Some(scrm_report::Prefill::Document {
            doc: &doc,
            lookup: catalog,
        }),
        catalog.version(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_vec(&doc).unwrap_or_else(|e| panic!("{e}"));
    let (from_json, _) = ingest_bytes(&json, "V-0047.json");
    let (from_xlsx, _) = ingest_bytes(&xlsx, "V-0047.xlsx");
    assert_eq!(from_xlsx.vendors, from_json.vendors);
    let mut codes = problem_codes(&from_xlsx);
    let extra = ("extra-columns".to_string(), Some("duns".to_string()));
    assert!(codes.contains(&extra), "{codes:?}");
    codes.retain(|c| *c != extra);
    let json_codes = problem_codes(&from_json);
    assert_eq!(codes, json_codes);
    assert!(
        json_codes.iter().any(|(c, _)| c.contains("duplicate")),
        "{json_codes:?}"
    );
}
