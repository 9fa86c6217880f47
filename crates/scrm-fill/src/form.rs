//! Reading the page's posted form into a supplier document, and the inverse (the fields a page
//! showing a document submits), for tests and for the round trip the two must make.
//!
//! The form is untrusted input like any supplier file: it is read, never trusted. Nothing here
//! validates a value; the document goes through the same reader as a `.json` questionnaire, which
//! locates every problem. What this module guarantees is that nothing typed is lost or invented:
//! every field the page has lands in the document as typed (line breaks normalized, ends
//! trimmed), and a field the page does not have is counted, not guessed at.

use scrm_model::{Lang, SupplierAnswer, SupplierDocument, SupplierProfileDoc};
use scrm_report::html::{
    FIELD_ANSWER, FIELD_COMMENT, FIELD_DATE, FIELD_EVIDENCE, FIELD_EXTRA, FIELD_PROFILE,
};
use std::collections::HashMap;

/// The format marker every document the page makes carries.
pub const FORMAT: &str = "scrm-supplier/1";

/// Why a posted form was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// More fields than any page has.
    #[error("the form has more than {limit} fields; the page has four per question and a few more")]
    TooManyFields {
        /// The most fields read.
        limit: usize,
    },
}

/// A download the page asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Download {
    /// The document as JSON, as typed.
    Json,
    /// The questionnaire template, filled with what was typed (values the reader refuses
    /// included, as text).
    Xlsx,
    /// The score as an OSCAL assessment-results document, as `scrm score --format oscal-ar`
    /// writes it for this one supplier.
    OscalAr,
}

/// What one submit of the page carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The supplier's document, as typed.
    pub doc: SupplierDocument,
    /// The language the page is to be shown in, when the form names a valid one.
    pub lang: Option<Lang>,
    /// The download asked for, if any (`as`); an unknown one is `None`.
    pub download: Option<Download>,
    /// Fields the page does not have (a form not made by this page), by name, in order.
    pub unknown: Vec<String>,
}

/// Text as a field holds it: line breaks as `\n` (browsers send `\r\n`), ends trimmed.
fn clean(v: &str) -> String {
    v.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_string()
}

fn opt(v: String) -> Option<String> {
    (!v.is_empty()).then_some(v)
}

/// Certifications as one field: separated by semicolons (ASCII or full-width, as a Chinese
/// keyboard types them) or line breaks.
fn split_certifications(v: &str) -> Vec<String> {
    v.split([';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// One answer's four fields as read.
#[derive(Default)]
struct Parts {
    answer: String,
    evidence: String,
    date: String,
    comment: String,
}

/// Reads a posted form (`application/x-www-form-urlencoded`, UTF-8; bytes that are not UTF-8
/// become U+FFFD). A field given twice keeps its last value; answers are in the order their
/// questions first appear; a question whose four fields are all blank is left out.
pub fn parse_form(body: &[u8], max_fields: usize) -> Result<Submission, FormError> {
    let mut profile = SupplierProfileDoc::default();
    let mut order: Vec<String> = Vec::new();
    let mut parts: HashMap<String, Parts> = HashMap::new();
    let mut lang = None;
    let mut switch = None;
    let mut download = None;
    let mut unknown = Vec::new();
    for (n, (k, v)) in form_urlencoded::parse(body).enumerate() {
        if n >= max_fields {
            return Err(FormError::TooManyFields { limit: max_fields });
        }
        let v = clean(&v);
        let answer_part = [FIELD_ANSWER, FIELD_EVIDENCE, FIELD_DATE, FIELD_COMMENT]
            .iter()
            .enumerate()
            .find_map(|(i, p)| k.strip_prefix(p).map(|id| (i, id)));
        if let Some((i, id)) = answer_part {
            let id = id.trim();
            if !parts.contains_key(id) {
                order.push(id.to_string());
            }
            let p = parts.entry(id.to_string()).or_default();
            *[&mut p.answer, &mut p.evidence, &mut p.date, &mut p.comment][i] = v;
            continue;
        }
        if let Some(key) = k.strip_prefix(FIELD_EXTRA) {
            let key = clean(key);
            let key = key.as_str();
            if !key.is_empty() && !v.is_empty() {
                profile.extra.insert(key.to_string(), v);
            } else if !key.is_empty() {
                profile.extra.remove(key);
            }
            continue;
        }
        if let Some(key) = k.strip_prefix(FIELD_PROFILE) {
            match key {
                "vendor_id" => profile.vendor_id = v,
                "name" => profile.name = opt(v),
                "country" => profile.country = opt(v),
                "criticality" => profile.criticality = opt(v),
                "ai_role" => profile.ai_role = opt(v),
                "data_access" => profile.data_access = opt(v),
                "assessed_on" => profile.assessed_on = opt(v),
                "certifications" => profile.certifications = split_certifications(&v),
                _ => unknown.push(k.into_owned()),
            }
            continue;
        }
        match &*k {
            "lang" => lang = v.parse::<Lang>().ok(),
            "switch_lang" => switch = v.parse::<Lang>().ok(),
            "as" => {
                download = match v.as_str() {
                    "json" => Some(Download::Json),
                    "xlsx" => Some(Download::Xlsx),
                    "oscal-ar" => Some(Download::OscalAr),
                    _ => None,
                }
            }
            _ => unknown.push(k.into_owned()),
        }
    }
    let answers = order
        .into_iter()
        .filter_map(|id| {
            let p = parts.remove(&id)?;
            let blank = [&p.answer, &p.evidence, &p.date, &p.comment]
                .iter()
                .all(|s| s.is_empty());
            (!blank).then(|| SupplierAnswer {
                question_id: id,
                answer: p.answer,
                evidence: opt(p.evidence),
                evidence_date: opt(p.date),
                comment: opt(p.comment),
            })
        })
        .collect();
    Ok(Submission {
        doc: SupplierDocument {
            format: Some(FORMAT.to_string()),
            vendor: profile,
            answers,
        },
        lang: switch.or(lang),
        download,
        unknown,
    })
}

/// The fields a page showing `doc` submits, in page order (profile, extras, answers), blanks
/// included: what [`parse_form`] reads back into `doc`. The page itself renders them from the
/// same names (`scrm_report::html::fill`); tests post these.
pub fn fields_of(doc: &SupplierDocument) -> Vec<(String, String)> {
    let p = &doc.vendor;
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut out: Vec<(String, String)> = [
        ("vendor_id", p.vendor_id.clone()),
        ("name", o(&p.name)),
        ("country", o(&p.country)),
        ("criticality", o(&p.criticality)),
        ("ai_role", o(&p.ai_role)),
        ("data_access", o(&p.data_access)),
        ("assessed_on", o(&p.assessed_on)),
        ("certifications", p.certifications.join("; ")),
    ]
    .into_iter()
    .map(|(k, v)| (format!("{FIELD_PROFILE}{k}"), v))
    .collect();
    for (k, v) in &p.extra {
        out.push((format!("{FIELD_EXTRA}{k}"), v.clone()));
    }
    for a in &doc.answers {
        let id = &a.question_id;
        out.push((format!("{FIELD_ANSWER}{id}"), a.answer.clone()));
        out.push((format!("{FIELD_EVIDENCE}{id}"), o(&a.evidence)));
        out.push((format!("{FIELD_DATE}{id}"), o(&a.evidence_date)));
        out.push((format!("{FIELD_COMMENT}{id}"), o(&a.comment)));
    }
    out
}

/// Encodes fields as a browser posts them.
pub fn encode(fields: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn doc() -> SupplierDocument {
        SupplierDocument {
            format: Some(FORMAT.to_string()),
            vendor: SupplierProfileDoc {
                vendor_id: "V-0007".into(),
                name: Some("Formosa Edge AI 台灣".into()),
                country: Some("TW".into()),
                criticality: None,
                ai_role: Some("provider".into()),
                data_access: Some("confidential".into()),
                assessed_on: Some("2026-11-30".into()),
                certifications: vec!["ISO/IEC 42001".into(), "SOC 2".into()],
                extra: [("tax_id".to_string(), "12345678".to_string())].into(),
            },
            answers: vec![
                SupplierAnswer {
                    question_id: "GV-1.1".into(),
                    answer: "3".into(),
                    evidence: Some("https://example.test/policy.pdf".into()),
                    evidence_date: Some("2026-10-01".into()),
                    comment: Some("two lines\nsecond".into()),
                },
                SupplierAnswer {
                    question_id: "SUP-AIBOM".into(),
                    answer: String::new(),
                    evidence: None,
                    evidence_date: None,
                    comment: Some("=HYPERLINK(\"x\")".into()),
                },
            ],
        }
    }

    #[test]
    fn a_document_survives_the_form() {
        let d = doc();
        let body = encode(&fields_of(&d));
        let s = parse_form(body.as_bytes(), 10_000).unwrap();
        assert_eq!(s.doc, d);
        assert_eq!((s.lang, s.download, s.unknown.len()), (None, None, 0));
    }

    #[test]
    fn what_a_browser_sends_is_normalized() {
        let body = "lang=en&switch_lang=zh-TW&as=xlsx&vendor.vendor_id=+V1+&vendor.certifications=A%EF%BC%9BB%3B+%3B&a%3AGV-1.1=4&c%3AGV-1.1=a%0D%0Ab%0D%0A&a%3AMP-1.1=&e%3AMP-1.1=&d%3AMP-1.1=&c%3AMP-1.1=&a%3AGV-1.1=5&bogus=1&vendor.nope=2";
        let s = parse_form(body.as_bytes(), 100).unwrap();
        assert_eq!(s.lang, Some(Lang::ZhTw));
        assert_eq!(s.download, Some(Download::Xlsx));
        assert_eq!(
            s.unknown,
            vec!["bogus".to_string(), "vendor.nope".to_string()]
        );
        assert_eq!(s.doc.vendor.vendor_id, "V1");
        assert_eq!(s.doc.vendor.certifications, vec!["A", "B"]);
        // The last of a repeated field wins; an all-blank question is left out.
        assert_eq!(s.doc.answers.len(), 1);
        assert_eq!(s.doc.answers[0].answer, "5");
        assert_eq!(s.doc.answers[0].comment.as_deref(), Some("a\nb"));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_replaced_not_refused() {
        let s = parse_form(b"vendor.name=%FF%FEx&a%3AGV-1.1=%C0", 10).unwrap();
        assert_eq!(s.doc.vendor.name.as_deref(), Some("\u{FFFD}\u{FFFD}x"));
        assert_eq!(s.doc.answers[0].answer, "\u{FFFD}");
    }

    #[test]
    fn too_many_fields_are_refused() {
        let body = "a=1&".repeat(11);
        assert_eq!(
            parse_form(body.as_bytes(), 10),
            Err(FormError::TooManyFields { limit: 10 })
        );
    }

    fn text() -> impl Strategy<Value = String> {
        // Trimmed, `\n` line breaks: the form's own normal form of text.
        "[ a-zA-Z0-9=+&%;:\\.\\-\n台灣\u{FFFD}]{0,12}".prop_map(|s| clean(&s))
    }

    fn some_text() -> impl Strategy<Value = Option<String>> {
        text().prop_map(opt)
    }

    fn answer() -> impl Strategy<Value = SupplierAnswer> {
        (
            "[A-Z]{2}-[0-9]\\.[0-9]",
            text(),
            some_text(),
            some_text(),
            some_text(),
        )
            .prop_filter_map("blank", |(id, answer, evidence, evidence_date, comment)| {
                let a = SupplierAnswer {
                    question_id: id,
                    answer,
                    evidence,
                    evidence_date,
                    comment,
                };
                let blank = a.answer.is_empty()
                    && a.evidence.is_none()
                    && a.evidence_date.is_none()
                    && a.comment.is_none();
                (!blank).then_some(a)
            })
    }

    proptest! {
        #[test]
        fn any_document_in_normal_form_survives_the_form(
            vendor_id in text(),
            name in some_text(),
            country in some_text(),
            certs in proptest::collection::vec("[A-Za-z0-9 /]{0,8}", 0..4),
            answers in proptest::collection::vec(answer(), 0..8),
        ) {
            // Questions are unique in a page; certifications are trimmed and non-blank.
            let mut seen = std::collections::HashSet::new();
            let answers: Vec<_> = answers.into_iter().filter(|a| seen.insert(a.question_id.clone())).collect();
            let certifications = certs.iter().map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
            let d = SupplierDocument {
                format: Some(FORMAT.to_string()),
                vendor: SupplierProfileDoc { vendor_id, name, country, criticality: None, ai_role: None, data_access: None, assessed_on: None, certifications, extra: Default::default() },
                answers,
            };
            let s = parse_form(encode(&fields_of(&d)).as_bytes(), 100_000).unwrap();
            prop_assert_eq!(s.doc, d);
        }
    }
}
