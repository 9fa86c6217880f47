//! The `fill` target: a form posted to `scrm fill`'s page. The case is the request body, posted
//! to each route the page has; each answer must be a page, a scorecard or a download (or a
//! refusal of a form with too many fields), with nothing live in it, and the JSON download must
//! be the document the form reads as. The case is also uploaded as a questionnaire file.

use scrm_catalog::Catalog;
use scrm_fill::{App, FillConfig, Head};
use scrm_model::SupplierDocument;
use scrm_policy::Policy;
use std::sync::{Arc, OnceLock};

const TOKEN: &str = "00000000000000000000000000000000";
const HOST: &str = "127.0.0.1:1";
/// Fewer fields than the binary's 100,000, so that the refusal is reached too.
const MAX_FIELDS: usize = 2_000;

fn app() -> &'static App {
    static A: OnceLock<App> = OnceLock::new();
    A.get_or_init(|| {
        let catalog = Catalog::builtin().clone();
        let policy = Policy::builtin(Some(&catalog)).unwrap_or_else(|e| panic!("{e}"));
        let now = chrono::DateTime::from_timestamp(1_793_000_000, 0).unwrap_or_default();
        let cfg = FillConfig {
            tool_version: "fuzz".into(),
            max_body: 1 << 20,
            max_fields: MAX_FIELDS,
            ..FillConfig::new(catalog, policy, Arc::new(move || now))
        };
        App::new(cfg, TOKEN.into(), 1)
    })
}

fn post(route: &str, body: &[u8]) -> scrm_fill::Response {
    app().handle(
        &Head {
            method: "POST",
            url: &format!("/{TOKEN}/{route}"),
            host: Some(HOST),
            origin: Some("http://127.0.0.1:1"),
            content_type: Some("application/x-www-form-urlencoded"),
            content_length: None,
        },
        body,
    )
}

/// The case uploaded as a questionnaire file: a JSON document when it starts like one, a
/// workbook when it starts like a zip, a CSV otherwise. The answer is the page opened on it, or
/// a refusal with a reason (no file, several suppliers); the page is inert, and a JSON
/// document's texts are not in it as given.
fn check_upload(data: &[u8]) {
    let ext = match data.first() {
        Some(b'{') => "json",
        Some(b'P') => "xlsx",
        _ => "csv",
    };
    let mut body = format!(
        "--FZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"case.{ext}\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\r\n--FZ--\r\n");
    let r = app().handle(
        &Head {
            method: "POST",
            url: &format!("/{TOKEN}/upload"),
            host: Some(HOST),
            origin: Some("http://127.0.0.1:1"),
            content_type: Some("multipart/form-data; boundary=FZ"),
            content_length: None,
        },
        &body,
    );
    match r.status {
        200 => {
            let page = String::from_utf8(r.body).unwrap_or_else(|e| panic!("upload: {e}"));
            let doc = serde_json::from_slice::<SupplierDocument>(data)
                .unwrap_or_else(|_| app_prefill().clone());
            assert_inert("upload", &page, &doc);
        }
        // No file (an empty case), a body the boundary cuts (a case holding it), or a file of
        // several suppliers.
        400 | 422 => {}
        s => panic!("upload: {s}: {}", String::from_utf8_lossy(&r.body)),
    }
}

/// The page's starting document (blank).
fn app_prefill() -> &'static SupplierDocument {
    static D: OnceLock<SupplierDocument> = OnceLock::new();
    D.get_or_init(|| scrm_report::template_document(Catalog::builtin().questions(), None, None))
}

/// Checks one case.
pub(crate) fn check(data: &[u8]) {
    check_upload(data);
    let Ok(sub) = scrm_fill::parse_form(data, MAX_FIELDS) else {
        let r = post("score", data);
        assert_eq!(r.status, 400, "a form refused by the reader was answered");
        return;
    };
    for (route, extra) in [
        ("score", &b""[..]),
        ("score", b"&switch_lang=zh-TW"),
        ("scorecard", b""),
    ] {
        let body = [data, extra].concat();
        let r = post(route, &body);
        // The extra field may push a form just under the limit over it.
        if r.status == 400 && scrm_fill::parse_form(&body, MAX_FIELDS).is_err() {
            continue;
        }
        assert_eq!(
            r.status,
            200,
            "{route}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let page = String::from_utf8(r.body).unwrap_or_else(|e| panic!("{route}: {e}"));
        assert_inert(route, &page, &sub.doc);
    }
    let r = post("download", &[data, b"&as=json"].concat());
    if r.status == 200 {
        let back: SupplierDocument =
            serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("download: {e}"));
        let mut again = scrm_fill::parse_form(&[data, b"&as=json"].concat(), MAX_FIELDS)
            .unwrap_or_else(|e| panic!("{e}"))
            .doc;
        // Question ids in another spelling the catalog accepts are put under the canonical one.
        scrm_fill::canonical_ids(&mut again, Catalog::builtin());
        assert!(
            back == again,
            "the JSON download is not the form's document"
        );
    }
    // The XLSX download holds what was typed: as strings that start no formula.
    let body = [data, b"&as=xlsx"].concat();
    let r = post("download", &body);
    // Whatever was typed, the supplier gets its workbook (unless the extra field pushed the
    // form over the limit).
    if r.status != 400 || scrm_fill::parse_form(&body, MAX_FIELDS).is_ok() {
        assert_eq!(
            r.status,
            200,
            "the XLSX download: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert_workbook_inert(&r.body);
    }
    // The OSCAL download, when there is a supplier to score: its markup fields hold no live
    // supplier text.
    let r = post("download", &[data, b"&as=oscal-ar"].concat());
    if r.status == 200 && r.body.starts_with(b"{") {
        let doc: serde_json::Value =
            serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("oscal-ar: {e}"));
        scrm_oscal::testutil::assert_inert(&doc);
    }
}

/// No tag of the page has a handler, a source, a script or a link away; and no supplier text
/// with a character markup gives meaning to is in it as given.
fn assert_inert(what: &str, page: &str, doc: &SupplierDocument) {
    let lower = page.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{what}: a script element");
    for tag in lower
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
    {
        if !tag.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        // Attribute names only: quoted values (escaped text) left out.
        let names: String = tag.split('"').step_by(2).collect::<Vec<_>>().join("\"\"");
        for attr in names.split_whitespace().skip(1) {
            assert!(
                !attr.starts_with("on") && !attr.starts_with("src="),
                "{what}: <{tag}>"
            );
            if attr.starts_with("href=") {
                assert!(tag.contains("href=\"#"), "{what}: a link away in <{tag}>");
            }
        }
    }
    let p = &doc.vendor;
    let texts = [
        Some(p.vendor_id.as_str()),
        p.name.as_deref(),
        p.country.as_deref(),
    ]
    .into_iter()
    .flatten()
    .chain(p.certifications.iter().map(String::as_str))
    .chain(p.extra.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]))
    .chain(
        doc.answers
            .iter()
            .flat_map(|a| {
                [
                    Some(a.question_id.as_str()),
                    Some(a.answer.as_str()),
                    a.evidence.as_deref(),
                    a.evidence_date.as_deref(),
                    a.comment.as_deref(),
                ]
            })
            .flatten(),
    );
    // `&` alone is left out: its escape holds it (`&amp;` holds `&amp`); so is a text the
    // page's own markup holds by chance (`<div`).
    crate::score::assert_escaped(what, page, texts, &['<', '>', '"'], |t| ours().contains(t));
}

/// The page's own markup, as far as a text could match it by chance (`<div`): the blank page
/// and a scored one, whose supplier texts hold no markup character.
fn ours() -> &'static str {
    static O: OnceLock<String> = OnceLock::new();
    O.get_or_init(|| {
        let blank = post("score", b"");
        let scored = post(
            "score",
            b"vendor.vendor_id=V1&vendor.ai_role=provider&a%3AGV-1.1=3&e%3AGV-1.1=x&d%3AGV-1.1=2026-01-01&c%3AGV-1.1=y&a%3ASUP-AIBOM=yes",
        );
        let card = post("scorecard", b"vendor.vendor_id=V1&a%3AGV-1.1=3");
        [blank.body, scored.body, card.body]
            .iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect()
    })
}

/// No cell of the workbook is a formula, and no text cell starts one (or a control character
/// Excel acts on).
fn assert_workbook_inert(bytes: &[u8]) {
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
            .unwrap_or_else(|e| panic!("the XLSX download does not open: {e}"));
    for name in wb.sheet_names() {
        let formulas = wb
            .worksheet_formula(&name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{name}: a formula"
        );
        let range = wb
            .worksheet_range(&name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for (r, c, d) in range.used_cells() {
            if let Data::String(s) = d {
                assert!(
                    !s.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{name} row {r} column {c}: a live cell {s:?}"
                );
            }
        }
    }
}
