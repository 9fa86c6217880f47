//! The `scrm fill` page: the questionnaire as an HTML form a supplier fills in and scores in its
//! own browser, with the outcome (status, scores, findings, the what-if plan) above the form once
//! scored and every problem shown beside the field it is about.
//!
//! The page has no script: each button submits the form to the local server, which answers with
//! the page again (or the full scorecard, or a download). Field names are the contract with the
//! form reader (`scrm-fill`): `vendor.<key>` for the profile, `x:<key>` for the profile's extra
//! fields, and [`FIELD_ANSWER`], [`FIELD_EVIDENCE`], [`FIELD_DATE`], [`FIELD_COMMENT`] followed
//! by the question id for the answers. Every value shown is supplier text, HTML-escaped.

use super::scorecard::scorecard_sections;
use super::{
    ScorecardReport, Shell, escape_html, escape_html_value, manifest_section, page_styled,
};
use crate::i18n::{l, scale_lines};
use scrm_model::{
    AiRole, AnswerKind, AnswerValue, Lang, Question, SupplierAnswer, SupplierDocument,
    SupplierProfileDoc,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Prefix of an answer field's name (`a:GV-1.1`).
pub const FIELD_ANSWER: &str = "a:";
/// Prefix of an evidence field's name.
pub const FIELD_EVIDENCE: &str = "e:";
/// Prefix of an evidence date field's name.
pub const FIELD_DATE: &str = "d:";
/// Prefix of a comment field's name.
pub const FIELD_COMMENT: &str = "c:";
/// Prefix of a profile extra field's name (`x:tax_id`).
pub const FIELD_EXTRA: &str = "x:";
/// The files the page's upload offers to open (what the reader opens).
pub const UPLOAD_EXTENSIONS: [&str; 8] = [
    "csv", "tsv", "txt", "xlsx", "xlsm", "json", "jsonl", "ndjson",
];

/// Prefix of a profile field's name (`vendor.country`), as JSON problems locate them.
pub const FIELD_PROFILE: &str = "vendor.";

/// One problem to show on the page: beside `field` when it names one of the form's fields, and
/// in the list at the top either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillNote {
    /// The form field it is about (`vendor.country`, `a:GV-1.1`), when it is about one.
    pub field: Option<String>,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The problem's stable code.
    pub code: &'static str,
    /// Where it was found, as the problem says (file, row, column).
    pub location: String,
    /// What is wrong, in English as the reader writes it (it quotes names and values).
    pub message: String,
    /// What the code means, in each language of [`Lang::ALL`] (`ProblemCode::description_in`):
    /// a page in another language than English leads with it, then gives the message.
    pub meaning: [&'static str; 2],
    /// The offending value.
    pub value: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// How many times the reader reported it (a blank vendor id, once per answer).
    pub count: usize,
}

/// Everything the page shows.
#[derive(Debug, Clone, Copy)]
pub struct FillPage<'a> {
    /// The values in the form (what was submitted, or the prefill).
    pub doc: &'a SupplierDocument,
    /// The question bank, in catalog order.
    pub questions: &'a [Question],
    /// The outcome, once scored.
    pub outcome: Option<&'a ScorecardReport<'a>>,
    /// Problems found in the answers, and in the buyer's files.
    pub notes: &'a [FillNote],
    /// The catalog's version, and the policy's name, for the header.
    pub catalog_version: &'a str,
    /// The policy's name.
    pub policy_name: &'a str,
    /// The date scores are computed as of.
    pub as_of: chrono::NaiveDate,
    /// Where the prefill came from, when the page was opened on a file.
    pub source: Option<&'a str>,
    /// What became of saving the answers at this submit (`scrm fill --save`): `Ok(where)` or
    /// `Err(why)`; `None` when nothing was to be saved.
    pub saved: Option<Result<&'a str, &'a str>>,
}

/// Labels of the page in one language.
struct F {
    title: &'static str,
    local_note: &'static str,
    upload: &'static str,
    upload_button: &'static str,
    source: &'static str,
    score: &'static str,
    scorecard: &'static str,
    download_json: &'static str,
    download_xlsx: &'static str,
    download_oscal: &'static str,
    download_oscal_note: &'static str,
    download_note: &'static str,
    language: &'static str,
    profile: &'static str,
    extra: &'static str,
    problems: &'static str,
    problems_note: &'static str,
    value: &'static str,
    severity: [&'static str; 2],
    unanswered: &'static str,
    invalid: &'static str,
    not_applicable_role: &'static str,
    guidance: &'static str,
    other: &'static str,
    not_in_catalog: &'static str,
    outcome: &'static str,
    profile_unused: &'static str,
    saved: &'static str,
    not_saved: &'static str,
    blank: &'static str,
    sections: [&'static str; 9],
}

static EN: F = F {
    title: "Fill in and score your AI security questionnaire",
    upload: "Open a filled-in questionnaire (the XLSX template, a CSV or a JSON document): it replaces what is in the form.",
    upload_button: "Open",
    local_note: "This page is served by scrm on this computer (127.0.0.1) and keeps no copy of what you type: download your answers to keep them. Scores use the buyer's policy and the same engine the buyer runs.",
    source: "Prefilled from",
    score: "Score",
    scorecard: "Full scorecard",
    download_json: "Download answers (JSON)",
    download_xlsx: "Download answers (XLSX)",
    download_oscal: "Download assessment (OSCAL)",
    download_oscal_note: "This score as an OSCAL assessment-results document (JSON), for the buyer's GRC tools. It names your answers by their SHA-256: send the JSON download with it.",
    download_note: "Both keep everything as typed: in the XLSX, a value with a problem is kept as text, for you to fix in Excel.",
    language: "中文",
    profile: "Your company",
    extra: "Other profile fields",
    problems: "Problems in the answers",
    problems_note: "A value with an error is not scored. Each problem is also shown beside its field below.",
    value: "value",
    severity: ["error", "warning"],
    unanswered: "— not answered —",
    invalid: "not a valid answer",
    not_applicable_role: "Does not apply to your AI role: kept, not scored.",
    guidance: "What counts as evidence",
    other: "Answers to questions not in the catalog",
    not_in_catalog: "Not a question of this catalog.",
    outcome: "Your result",
    profile_unused: "While a field of your profile has an error, none of the profile you entered is used (a profile is taken whole): the buyer's values are used where its profile file has your company, and otherwise the scores assume the most demanding tier and every AI role. Fix the field below.",
    saved: "Your answers were saved to",
    not_saved: "Your answers were NOT saved: download them to keep them.",
    blank: "—",
    sections: [
        "NIST AI RMF · GOVERN",
        "NIST AI RMF · MAP",
        "NIST AI RMF · MEASURE",
        "NIST AI RMF · MANAGE",
        "ISO/IEC 42001 · clauses 4–10",
        "ISO/IEC 42001 · Annex A controls",
        "C-SCRM · NIST CSF 2.0 GV.SC",
        "C-SCRM · supplier practices (NIST SP 800-161r1)",
        "Buyer's questions",
    ],
};

static ZH: F = F {
    title: "填寫並評分貴公司的 AI 資安問卷",
    upload: "開啟已填寫的問卷（XLSX 範本、CSV 或 JSON 文件）：將取代表單中的內容。",
    upload_button: "開啟",
    local_note: "本頁面由本機 (127.0.0.1) 上的 scrm 提供，不會保留您輸入的任何內容：請下載回答以便保存。分數依採購方的政策，並以與採購方相同的評分引擎計算。",
    source: "預先填入自",
    score: "評分",
    scorecard: "完整評分卡",
    download_json: "下載回答 (JSON)",
    download_xlsx: "下載回答 (XLSX)",
    download_oscal: "下載評估結果 (OSCAL)",
    download_oscal_note: "本次評分的 OSCAL 評估結果文件 (JSON)，供採購方的治理、風險與合規工具使用。文件以 SHA-256 指明您的回答：請一併附上 JSON 格式的回答下載檔。",
    download_note: "兩者皆完整保留所輸入的內容：XLSX 中有問題的值以文字保留，方便您在 Excel 中修正。",
    language: "English",
    profile: "貴公司資料",
    extra: "其他基本資料欄位",
    problems: "回答中的問題",
    problems_note: "有錯誤的值不列入評分。每個問題也會顯示在下方對應欄位旁。",
    value: "值",
    severity: ["錯誤", "警告"],
    unanswered: "— 未回答 —",
    invalid: "不是有效的回答",
    not_applicable_role: "不適用於貴公司的 AI 角色：保留但不評分。",
    guidance: "可作為佐證的資料",
    other: "不在題庫中的題目之回答",
    not_in_catalog: "不是本題庫的題目。",
    outcome: "評分結果",
    profile_unused: "基本資料中只要有任一欄位錯誤，您所填的整份基本資料都不會採用（基本資料須整份讀取）：若採購方的基本資料檔有貴公司，則採用其資料；否則評分將假設最嚴格的風險等級與所有 AI 角色。請修正下方欄位。",
    saved: "您的回答已儲存至",
    not_saved: "您的回答未能儲存：請下載以便保存。",
    blank: "—",
    sections: [
        "NIST AI RMF · 治理 (GOVERN)",
        "NIST AI RMF · 對應 (MAP)",
        "NIST AI RMF · 量測 (MEASURE)",
        "NIST AI RMF · 管理 (MANAGE)",
        "ISO/IEC 42001 · 條文 4–10",
        "ISO/IEC 42001 · 附錄 A 控制措施",
        "C-SCRM · NIST CSF 2.0 GV.SC",
        "C-SCRM · 供應商實務 (NIST SP 800-161r1)",
        "採購方自訂題目",
    ],
};

fn f(lang: Lang) -> &'static F {
    match lang {
        Lang::En => &EN,
        Lang::ZhTw => &ZH,
    }
}

/// The page's Content-Security-Policy: no script at all, nothing fetched, forms posted only to
/// the page itself. (The server sends a stricter one as a header too: a meta policy cannot say
/// `frame-ancestors`.)
const FILL_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'";

/// The form's own rules, added to the shared style sheet.
const CSS: &str = r#"
form .bar-actions{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:8px;align-items:center;background:var(--bg);padding:10px 0;margin:0 0 8px;border-bottom:1px solid var(--line)}
form button{font:inherit;padding:6px 12px;border:1px solid #cbd5e1;border-radius:6px;background:#fff;cursor:pointer}
form button.primary{background:var(--accent);color:#fff;border-color:var(--accent);font-weight:600}
form .spacer{flex:1}
fieldset{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 18px;margin:0 0 16px}
legend{font-weight:650;font-size:16px;padding:0 6px}
.pf{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:10px 18px}
label{display:block;font-size:12.5px;color:var(--muted)}
label input,label select,label textarea{display:block;width:100%;margin-top:2px;font:inherit;color:var(--ink);padding:4px 6px;border:1px solid #cbd5e1;border-radius:6px;background:#fff}
.help{font-size:12px;color:var(--muted);margin-top:2px}
.q{border-top:1px solid var(--line);padding:12px 0}
.q:first-of-type{border-top:0}
.q .qh{font-size:13px}.q .qh .qid{margin-right:6px}
.q .qt{margin:4px 0 6px}
.q.notapp{opacity:.6}
.q details{font-size:12.5px;color:var(--muted);margin:0 0 6px}
.qa{display:grid;grid-template-columns:minmax(220px,2fr) minmax(180px,2fr) minmax(140px,1fr);gap:8px 14px}
.q label.wide{margin-top:6px}
.msg{margin:6px 0 0;padding:6px 10px;border-radius:6px;font-size:12.5px}
.msg.error{background:#fef3f2;color:#b42318}.msg.warning{background:#fffaeb;color:#9a6700}
.msg.saved{background:#ecfdf3;color:#1a7f37}
.has-error select,.has-error input,.has-error textarea{border-color:#b42318}
#problems li{margin:2px 0}
#upload{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:0 0 10px}
#upload label{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:0}
#upload input[type=file]{width:auto;border:0;padding:0;background:none}
.en{color:#555}
"#;

/// The section a question is listed under (an index into `F::sections`), from its id: the
/// catalog's ids say which framework each question comes from.
fn section_of(id: &str) -> usize {
    const PREFIXES: [(&str, usize); 8] = [
        ("GV.SC", 6),
        ("GV-", 0),
        ("MP-", 1),
        ("MS-", 2),
        ("MG-", 3),
        ("AIMS-A.", 5),
        ("AIMS-", 4),
        ("SUP-", 7),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| id.starts_with(p))
        .map_or(8, |(_, s)| *s)
}

/// Renders the page (one self-contained HTML document, no script).
pub fn render_fill_page(input: &FillPage<'_>, lang: Lang) -> String {
    let t = l(lang);
    let ft = f(lang);
    let doc = input.doc;
    let mut notes: BTreeMap<&str, Vec<&FillNote>> = BTreeMap::new();
    for n in input.notes {
        if let Some(field) = &n.field {
            notes.entry(field.as_str()).or_default().push(n);
        }
    }
    let mut body = String::new();
    let _ = write!(body, "<p class=\"note\">{}", ft.local_note);
    if let Some(s) = input.source {
        let _ = write!(
            body,
            " {}: <span class=\"mono\">{}</span>",
            ft.source,
            escape_html(s)
        );
    }
    body.push_str("</p>\n");
    match input.saved {
        Some(Ok(to)) => {
            let _ = writeln!(
                body,
                "<p class=\"msg saved\" id=\"saved\">{} <span class=\"mono\">{}</span></p>",
                ft.saved,
                escape_html(to)
            );
        }
        Some(Err(why)) => {
            let _ = writeln!(
                body,
                "<p class=\"msg error\" id=\"saved\">{} {}</p>",
                ft.not_saved,
                escape_html(why)
            );
        }
        None => {}
    }

    if let Some(o) = input.outcome {
        let _ = writeln!(
            body,
            "<div id=\"outcome\" aria-label=\"{}\">{}</div>",
            ft.outcome,
            scorecard_sections(o, lang)
        );
    }
    if !input.notes.is_empty() {
        body.push_str(&problems_section(input.notes, lang));
    }

    // A file to open instead: its own form, since a page's forms do not nest and a file is
    // posted as multipart.
    let _ = writeln!(
        body,
        "<form id=\"upload\" method=\"post\" action=\"upload\" enctype=\"multipart/form-data\" accept-charset=\"utf-8\">\
<input type=\"hidden\" name=\"lang\" value=\"{}\">\
<label class=\"note\">{} <input type=\"file\" name=\"file\" required accept=\".{}\"></label> \
<button type=\"submit\">{}</button></form>",
        lang.tag(),
        ft.upload,
        UPLOAD_EXTENSIONS.join(",."),
        ft.upload_button,
    );

    // The form. Its first button is the one Enter presses.
    let _ = writeln!(
        body,
        "<form method=\"post\" action=\"score\" accept-charset=\"utf-8\" autocomplete=\"off\">\
<input type=\"hidden\" name=\"lang\" value=\"{}\">\
<div class=\"bar-actions\"><button type=\"submit\" class=\"primary\" formaction=\"score\">{}</button>\
<button type=\"submit\" formaction=\"scorecard\" formtarget=\"_blank\">{}</button>\
<button type=\"submit\" formaction=\"download\" name=\"as\" value=\"json\">{}</button>\
<button type=\"submit\" formaction=\"download\" name=\"as\" value=\"xlsx\" title=\"{}\">{}</button>\
<button type=\"submit\" formaction=\"download\" name=\"as\" value=\"oscal-ar\" title=\"{}\">{}</button>\
<span class=\"spacer\"></span>\
<button type=\"submit\" formaction=\"score\" name=\"switch_lang\" value=\"{}\" lang=\"{}\">{}</button></div>",
        lang.tag(),
        ft.score,
        ft.scorecard,
        ft.download_json,
        ft.download_note,
        ft.download_xlsx,
        ft.download_oscal_note,
        ft.download_oscal,
        other_lang(lang).tag(),
        other_lang(lang).tag(),
        ft.language,
    );

    // Profile.
    body.push_str(&profile_fieldset(&doc.vendor, &notes, lang));

    // Questions, by section in catalog order; then answers to ids the catalog does not have.
    let role: Option<AiRole> = doc
        .vendor
        .ai_role
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .and_then(|s| s.parse().ok());
    let mut by_id: BTreeMap<&str, &SupplierAnswer> = BTreeMap::new();
    for a in &doc.answers {
        // The first answer to a question is the one shown (the reader keeps the first too).
        by_id.entry(a.question_id.as_str()).or_insert(a);
    }
    let mut shown: BTreeSet<&str> = BTreeSet::new();
    for (si, title) in ft.sections.iter().enumerate() {
        let qs: Vec<&Question> = input
            .questions
            .iter()
            .filter(|q| section_of(q.id.as_str()) == si)
            .collect();
        if qs.is_empty() {
            continue;
        }
        let _ = write!(
            body,
            "<fieldset id=\"s{si}\"><legend>{}</legend>",
            escape_html(title)
        );
        for q in qs {
            shown.insert(q.id.as_str());
            let a = by_id.get(q.id.as_str()).copied();
            body.push_str(&question_block(
                Some(q),
                q.id.as_str(),
                a,
                role,
                &notes,
                lang,
            ));
        }
        body.push_str("</fieldset>\n");
    }
    let others: Vec<&SupplierAnswer> = doc
        .answers
        .iter()
        .filter(|a| shown.insert(a.question_id.as_str()))
        .collect();
    if !others.is_empty() {
        let _ = write!(
            body,
            "<fieldset id=\"others\"><legend>{}</legend>",
            ft.other
        );
        for a in others {
            body.push_str(&question_block(
                None,
                &a.question_id,
                Some(a),
                role,
                &notes,
                lang,
            ));
        }
        body.push_str("</fieldset>\n");
    }
    body.push_str("</form>\n");
    // What the outcome was computed from: the scorecard's note points here.
    if let Some(o) = input.outcome {
        body.push_str(&manifest_section(o.manifest, t));
    }

    let subtitle = format!(
        "{} {} · {} · {} {}",
        escape_html(&t.i_catalog_version.to_lowercase()),
        escape_html(input.catalog_version),
        escape_html(input.policy_name),
        t.h_as_of,
        input.as_of
    );
    page_styled(
        lang,
        ft.title,
        &subtitle,
        &body,
        "",
        &Shell {
            css: CSS,
            referrer: "same-origin",
            csp: FILL_CSP,
        },
    )
}

fn other_lang(lang: Lang) -> Lang {
    match lang {
        Lang::En => Lang::ZhTw,
        Lang::ZhTw => Lang::En,
    }
}

/// The HTML id of a field's block, for the links from the problem list.
fn anchor(field: &str) -> String {
    format!("f-{field}")
}

fn problems_section(notes: &[FillNote], lang: Lang) -> String {
    let ft = f(lang);
    let mut s = String::new();
    let _ = write!(
        s,
        "<section id=\"problems\"><h2>{} ({})</h2><p class=\"note\">{}</p><ul>",
        ft.problems,
        notes.len(),
        ft.problems_note
    );
    for n in notes {
        let place = match &n.field {
            Some(field) => format!(
                "<a href=\"#{}\">{}</a>",
                escape_html(&anchor(block_of(field))),
                escape_html(&n.location)
            ),
            None => escape_html(&n.location).into_owned(),
        };
        let error = n.severity == "error";
        let _ = write!(
            s,
            "<li class=\"problem\" data-code=\"{}\"><span class=\"sev-{}\">{}</span> <span class=\"mono\">[{}]</span> {}: {}",
            n.code,
            if error { "deny" } else { "warn" },
            ft.severity[usize::from(!error)],
            n.code,
            place,
            said(n, lang)
        );
        if let Some(v) = &n.value {
            let _ = write!(
                s,
                " ({} '<span class=\"mono\">{}</span>')",
                ft.value,
                escape_html(v)
            );
        }
        if n.count > 1 {
            let _ = write!(s, " (×{})", n.count);
        }
        if let Some(h) = &n.help {
            let _ = write!(s, "<div class=\"note\">{}</div>", escape_html(h));
        }
        s.push_str("</li>");
    }
    s.push_str("</ul></section>\n");
    s
}

/// The block a field is shown in: a question's four fields share one (`q:GV-1.1`).
fn block_of(field: &str) -> &str {
    for p in [FIELD_ANSWER, FIELD_EVIDENCE, FIELD_DATE, FIELD_COMMENT] {
        if let Some(id) = field.strip_prefix(p) {
            return id;
        }
    }
    field
}

/// A problem as the page says it: the message alone in English; in another language, what its
/// code means in that language, then the message (English, it quotes names and values).
fn said(n: &FillNote, lang: Lang) -> String {
    let meaning = Lang::ALL
        .iter()
        .position(|l| *l == lang)
        .and_then(|i| n.meaning.get(i))
        .copied()
        .unwrap_or_default();
    match lang {
        Lang::En => escape_html(&n.message).into_owned(),
        Lang::ZhTw => format!(
            "{} <span class=\"en\" lang=\"en\">({})</span>",
            escape_html(meaning),
            escape_html(&n.message)
        ),
    }
}

/// The messages beside one field, and whether one is an error.
fn messages(notes: &BTreeMap<&str, Vec<&FillNote>>, field: &str, lang: Lang) -> (bool, String) {
    let mut s = String::new();
    let mut error = false;
    for n in notes.get(field).into_iter().flatten() {
        error |= n.severity == "error";
        let _ = write!(
            s,
            "<div class=\"msg {}\"><span class=\"mono\">[{}]</span> {}",
            if n.severity == "error" {
                "error"
            } else {
                "warning"
            },
            n.code,
            said(n, lang)
        );
        // On a line of its own: run on after the message, the help read as part of it.
        if let Some(h) = &n.help {
            let _ = write!(s, "<div class=\"help\">{}</div>", escape_html(h));
        }
        s.push_str("</div>");
    }
    (error, s)
}

/// A one-line field; a value with a line break becomes a text area, since a browser drops line
/// breaks from a one-line field's value and the next submit would lose them. The name is a
/// profile key the supplier may have written: kept as typed too, as the value is.
fn text_input(name: &str, value: &str, kind: &str) -> String {
    if value.contains(['\n', '\r']) {
        return format!(
            "<textarea name=\"{}\" rows=\"2\">{}</textarea>",
            escape_html_value(name),
            escape_html_value(value)
        );
    }
    format!(
        "<input type=\"{kind}\" name=\"{}\" value=\"{}\">",
        escape_html_value(name),
        escape_html_value(value)
    )
}

/// Whether a browser's date picker shows `value` as it is: `YYYY-MM-DD`, four digits, a real
/// date from year 1 on. Anything else (`2025-01- 1`, `+202-01-01`) it would show blank and send
/// back empty.
fn picker_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .is_ok_and(|d| chrono::Datelike::year(&d) >= 1)
}

/// A date field: the browser's date picker when the value is a date or blank, else text, so that
/// a value the picker cannot show is kept rather than lost on the next submit.
fn date_input(name: &str, value: &str) -> String {
    let is_date = value.is_empty() || picker_date(value);
    text_input(name, value, if is_date { "date" } else { "text" })
}

fn option(value: &str, label: &str, selected: bool) -> String {
    format!(
        "<option value=\"{}\"{}>{}</option>",
        escape_html_value(value),
        if selected { " selected" } else { "" },
        escape_html(label)
    )
}

/// A select of fixed values; a value in another spelling the reader accepts (`High`, `高`)
/// selects its canonical one, and a value that is none of them is kept as an extra option (marked
/// invalid) so that resubmitting does not drop it.
fn select<'o>(
    name: &str,
    current: &str,
    options: impl IntoIterator<Item = (&'o str, &'o str)>,
    canonical: Option<&str>,
    blank: &str,
    invalid: &str,
) -> String {
    let mut s = format!("<select name=\"{}\">", escape_html(name));
    s.push_str(&option("", blank, current.is_empty()));
    let mut found = current.is_empty();
    for (value, label) in options {
        let hit = !found && canonical == Some(value);
        found |= hit;
        s.push_str(&option(value, label, hit));
    }
    if !found {
        s.push_str(&option(current, &format!("{current} ({invalid})"), true));
    }
    s.push_str("</select>");
    s
}

fn profile_fieldset(
    p: &SupplierProfileDoc,
    notes: &BTreeMap<&str, Vec<&FillNote>>,
    lang: Lang,
) -> String {
    let t = l(lang);
    let ft = f(lang);
    let certs = p.certifications.join("; ");
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    // (key, (label, help), current value, widget).
    enum W {
        Text,
        Date,
        Pick(&'static [&'static str], fn(&str) -> Option<&'static str>),
    }
    fn crit(s: &str) -> Option<&'static str> {
        s.parse::<scrm_model::Criticality>()
            .ok()
            .map(|c| c.as_str())
    }
    fn role(s: &str) -> Option<&'static str> {
        s.parse::<AiRole>().ok().map(|c| c.as_str())
    }
    fn data(s: &str) -> Option<&'static str> {
        s.parse::<scrm_model::DataAccess>().ok().map(|c| c.as_str())
    }
    let rows: [(&str, (&str, &str), String, W); 8] = [
        ("vendor_id", t.p_vendor_id, p.vendor_id.clone(), W::Text),
        ("name", t.p_name, o(&p.name), W::Text),
        ("country", t.p_country, o(&p.country), W::Text),
        (
            "criticality",
            t.p_criticality,
            o(&p.criticality),
            W::Pick(scrm_model::Criticality::VALUES, crit),
        ),
        (
            "ai_role",
            t.p_ai_role,
            o(&p.ai_role),
            W::Pick(AiRole::VALUES, role),
        ),
        (
            "data_access",
            t.p_data_access,
            o(&p.data_access),
            W::Pick(scrm_model::DataAccess::VALUES, data),
        ),
        ("assessed_on", t.p_assessed_on, o(&p.assessed_on), W::Date),
        ("certifications", t.p_certifications, certs, W::Text),
    ];
    let mut s = format!("<fieldset id=\"profile\"><legend>{}</legend>", ft.profile);
    // The reader takes a profile whole or not at all: say what one bad field costs.
    let bad_profile = notes.iter().any(|(field, ns)| {
        // A blank vendor id is its own problem: nothing is scored at all.
        field.starts_with(FIELD_PROFILE)
            && *field != "vendor.vendor_id"
            && ns.iter().any(|n| n.severity == "error")
    });
    if bad_profile {
        let _ = write!(
            s,
            "<div class=\"msg error\" id=\"profile-unused\">{}</div>",
            ft.profile_unused
        );
    }
    s.push_str("<div class=\"pf\">");
    for (key, (label, help), value, w) in rows {
        let name = format!("{FIELD_PROFILE}{key}");
        let widget = match w {
            W::Text => text_input(&name, &value, "text"),
            W::Date => date_input(&name, &value),
            W::Pick(values, canon) => {
                let options = values.iter().map(|v| (*v, *v));
                select(&name, &value, options, canon(&value), ft.blank, ft.invalid)
            }
        };
        let (error, msgs) = messages(notes, &name, lang);
        let _ = write!(
            s,
            "<div id=\"{}\"{}><label>{}{widget}</label><div class=\"help\">{}</div>{msgs}</div>",
            escape_html(&anchor(&name)),
            if error { " class=\"has-error\"" } else { "" },
            escape_html(label),
            escape_html(help)
        );
    }
    s.push_str("</div>");
    if !p.extra.is_empty() {
        let _ = write!(
            s,
            "<h3 style=\"font-size:14px;margin:12px 0 4px\">{}</h3><div class=\"pf\">",
            ft.extra
        );
        for (k, v) in &p.extra {
            let name = format!("{FIELD_EXTRA}{k}");
            let (error, msgs) = messages(notes, &name, lang);
            let _ = write!(
                s,
                "<div id=\"{}\"{}><label><span class=\"mono\">{}</span>{}</label>{msgs}</div>",
                escape_html(&anchor(&name)),
                if error { " class=\"has-error\"" } else { "" },
                escape_html(k),
                text_input(&name, v, "text")
            );
        }
        s.push_str("</div>");
    }
    s.push_str("</fieldset>\n");
    s
}

/// The answer choices of a question: (value, label) with the scale's explanation as label.
fn answer_options(kind: AnswerKind, na: bool, lang: Lang) -> Vec<(String, String)> {
    let t = l(lang);
    let mut v: Vec<(String, String)> = match kind {
        AnswerKind::Maturity => scale_lines(lang)
            .iter()
            .enumerate()
            .map(|(i, line)| (i.to_string(), (*line).to_string()))
            .collect(),
        AnswerKind::YesPartialNo => [AnswerValue::Yes, AnswerValue::Partial, AnswerValue::No]
            .iter()
            .zip(t.i_ynp)
            .map(|(a, line)| (a.canonical(), line.to_string()))
            .collect(),
    };
    if na {
        v.push((
            AnswerValue::NotApplicable.canonical(),
            t.i_ynp[3].to_string(),
        ));
    }
    v
}

fn question_block(
    q: Option<&Question>,
    id: &str,
    a: Option<&SupplierAnswer>,
    role: Option<AiRole>,
    notes: &BTreeMap<&str, Vec<&FillNote>>,
    lang: Lang,
) -> String {
    let t = l(lang);
    let ft = f(lang);
    let applies = q.is_none_or(|q| q.applies_to(role));
    let field = |p: &str| format!("{p}{id}");
    let mut all_msgs = String::new();
    let mut error = false;
    for p in [FIELD_ANSWER, FIELD_EVIDENCE, FIELD_DATE, FIELD_COMMENT] {
        let (e, m) = messages(notes, &field(p), lang);
        error |= e;
        all_msgs.push_str(&m);
    }
    let mut s = format!(
        "<div class=\"q{}{}\" id=\"{}\"><div class=\"qh\"><span class=\"mono qid\">{}</span>",
        if applies { "" } else { " notapp" },
        if error { " has-error" } else { "" },
        escape_html(&anchor(id)),
        escape_html(id)
    );
    match q {
        Some(q) => {
            let refs: Vec<&str> = q
                .refs
                .airm
                .iter()
                .chain(&q.refs.aims)
                .chain(&q.refs.csf)
                .chain(&q.refs.sp800_161)
                .map(String::as_str)
                .collect();
            let _ = write!(
                s,
                "<b>{}</b> <span class=\"note mono\">{}</span>",
                escape_html(q.topic.get(lang)),
                escape_html(&refs.join(" · "))
            );
            if !applies {
                let _ = write!(s, " <span class=\"note\">{}</span>", ft.not_applicable_role);
            }
            let _ = write!(
                s,
                "</div><p class=\"qt\">{}</p><details><summary>{}</summary>{}</details>",
                escape_html(q.text.get(lang)),
                ft.guidance,
                escape_html(q.guidance.get(lang))
            );
        }
        None => {
            let _ = write!(s, "</div><p class=\"qt note\">{}</p>", ft.not_in_catalog);
        }
    }
    let current = a.map(|a| a.answer.trim()).unwrap_or("");
    let answer_widget = match q {
        Some(q) => {
            let options = answer_options(q.answer.kind, q.answer.na_allowed, lang);
            // A value in another spelling (`Yes`, `是`, ` 3`) selects its canonical option.
            let canonical = AnswerValue::parse(current).ok().map(AnswerValue::canonical);
            select(
                &field(FIELD_ANSWER),
                current,
                options.iter().map(|(v, l)| (v.as_str(), l.as_str())),
                canonical.as_deref(),
                ft.unanswered,
                ft.invalid,
            )
        }
        None => text_input(&field(FIELD_ANSWER), current, "text"),
    };
    let val = |get: fn(&SupplierAnswer) -> &Option<String>| {
        a.and_then(|a| get(a).as_deref()).unwrap_or("").to_string()
    };
    let _ = write!(
        s,
        "<div class=\"qa\"><label>{}{answer_widget}</label><label>{}{}</label><label>{}{}</label></div>\
<label class=\"wide\">{}<textarea name=\"{}\" rows=\"2\">{}</textarea></label>{all_msgs}</div>",
        t.q_answer,
        t.q_evidence,
        text_input(&field(FIELD_EVIDENCE), &val(|a| &a.evidence), "text"),
        t.q_evidence_date,
        date_input(&field(FIELD_DATE), &val(|a| &a.evidence_date)),
        t.q_comment,
        escape_html(&field(FIELD_COMMENT)),
        escape_html_value(&val(|a| &a.comment))
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_follow_the_catalog_ids() {
        assert_eq!(section_of("GV-1.1"), 0);
        assert_eq!(section_of("GV.SC-01"), 6);
        assert_eq!(section_of("MG-4.3"), 3);
        assert_eq!(section_of("AIMS-4.1"), 4);
        assert_eq!(section_of("AIMS-A.10.3"), 5);
        assert_eq!(section_of("SUP-AIBOM"), 7);
        assert_eq!(section_of("BUYER-1"), 8);
    }

    #[test]
    fn a_value_the_picker_cannot_show_stays_text() {
        assert!(date_input("d:X", "2025-03-31").contains("type=\"date\""));
        assert!(date_input("d:X", "").contains("type=\"date\""));
        let odd = date_input("d:X", "31/03/2025\"><b>");
        assert!(odd.contains("type=\"text\""));
        for near in [
            "2025-01- 1",
            "2025- 1-01",
            "+202-01-01",
            "0000-01-01",
            "2025-02-30",
        ] {
            assert!(date_input("d:X", near).contains("type=\"text\""), "{near}");
        }
        // A line break cannot live in a one-line field.
        assert!(text_input("e:X", "a\nb", "text").starts_with("<textarea"));
        assert!(odd.contains("value=\"31/03/2025&quot;&gt;&lt;b&gt;\""));
    }

    #[test]
    fn an_invalid_current_value_is_kept_selected() {
        let values = [("low", "low"), ("high", "high")];
        let s = select("vendor.criticality", "huge", values, None, "—", "not valid");
        assert!(s.contains("<option value=\"huge\" selected>huge (not valid)</option>"));
        // Another spelling the reader accepts selects the canonical value.
        let s = select("vendor.criticality", "高", values, Some("high"), "—", "x");
        assert!(s.contains("<option value=\"high\" selected>high</option>"));
        assert_eq!(s.matches(" selected").count(), 1);
    }
}
