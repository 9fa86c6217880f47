//! The page's requests and what each answers, without sockets: [`App::handle`] takes a request
//! as plain data and returns the response, so that every route, check and page is tested
//! without a server.
//!
//! Routes live under a secret first path segment (`/<token>/`), which the binary prints and no
//! other page or local user can guess: `GET /<token>/` shows the form (scored, when it was opened
//! on a file), `POST score` scores it, `POST scorecard` returns the full scorecard, `POST
//! download` the answers as JSON or XLSX. Anything else is a 404 that says nothing.

use crate::form::{self, Download, Submission};
use scrm_catalog::Catalog;
use scrm_ingest::{IngestOptions, Ingested, Problem, ProblemSeverity};
use scrm_model::{
    InputFile, Lang, Plan, RunManifest, SupplierDocument, SupplierProfileDoc, Vendor, VendorResult,
};
use scrm_policy::Policy;
use scrm_report::{FillNote, FillPage, ScorecardReport, TierThresholds};
use scrm_score::Engine;
use std::path::PathBuf;
use std::sync::Arc;

/// The clock: what "today" is when no `as_of` is fixed, and the manifest's `generated_at`.
pub type Clock = Arc<dyn Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync>;

/// Saves a submitted document's JSON (`scrm fill --save FILE`): `Ok(where)` or `Err(why)`. The
/// binary writes the file (atomically); the library never touches the file system for it.
pub type Save = Arc<dyn Fn(&[u8]) -> Result<String, String> + Send + Sync>;

/// Everything the page scores with, fixed when `scrm fill` starts.
pub struct FillConfig {
    /// The question bank (the buyer's overlay applied).
    pub catalog: Catalog,
    /// The buyer's policy.
    pub policy: Policy,
    /// Per-tier minimums drawn on the scorecard.
    pub thresholds: Vec<TierThresholds>,
    /// How documents are read (limits, digest).
    pub ingest: IngestOptions,
    /// The buyer's profile file, whose values win over the supplier's, as in every command.
    pub profiles: Option<PathBuf>,
    /// The buyer's exclusions file: hard gates.
    pub exclusions: Option<PathBuf>,
    /// The date to score as of; `None`: the clock's date at each request.
    pub as_of: Option<chrono::NaiveDate>,
    /// The clock.
    pub clock: Clock,
    /// The page's language until the supplier switches it.
    pub lang: Lang,
    /// What the form holds when it is first shown.
    pub prefill: SupplierDocument,
    /// Where the prefill came from; when set, the first page is scored at once.
    pub source: Option<String>,
    /// The files the manifest lists besides the document (policy, catalog overlay, adapters),
    /// with their digests.
    pub manifest_inputs: Vec<InputFile>,
    /// scrm's version, for the manifest.
    pub tool_version: String,
    /// The largest request body read, in bytes.
    pub max_body: usize,
    /// The most form fields read.
    pub max_fields: usize,
    /// Where each submit's answers are saved, if anywhere.
    pub save: Option<Save>,
}

/// A request, as plain data.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The path and query, as sent.
    pub url: &'a str,
    /// The `Host` header.
    pub host: Option<&'a str>,
    /// The `Origin` header.
    pub origin: Option<&'a str>,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The body (the server reads at most `max_body` + 1 bytes of it).
    pub body: &'a [u8],
}

/// A response, as plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Headers besides the ones every response has ([`SECURITY_HEADERS`]).
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// Headers on every response: no caching of supplier answers, no framing, no sniffing, the
/// referrer (the address holds the secret) sent to this page only, and a policy that lets the
/// page fetch nothing and post only to itself. (`no-referrer` would make the browser send
/// `Origin: null` with the page's own posts.)
pub const SECURITY_HEADERS: [(&str, &str); 6] = [
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
];

impl Response {
    fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
            body: format!("{body}\n").into_bytes(),
        }
    }

    fn html(body: String) -> Self {
        Self {
            status: 200,
            headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
            body: body.into_bytes(),
        }
    }

    fn attachment(content_type: &str, file: &str, body: Vec<u8>) -> Self {
        Self {
            status: 200,
            headers: vec![
                ("Content-Type", content_type.into()),
                // `file` is made of [A-Za-z0-9._-] only (`file_stem`): no quoting needed.
                (
                    "Content-Disposition",
                    format!("attachment; filename=\"{file}\""),
                ),
            ],
            body,
        }
    }
}

/// The page's server-side state: the configuration, the secret and the port it was bound to.
pub struct App {
    cfg: FillConfig,
    token: String,
    hosts: Vec<String>,
    origins: Vec<String>,
}

/// A fresh secret for the address: 128 bits from the operating system, as hex.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b)?;
    Ok(hex::encode(b))
}

/// A file name from a vendor id: letters, digits, `.`, `_` and `-` kept, anything else `_`, at
/// most 64 characters; supplier text never becomes a path or a header's syntax.
pub fn file_stem(vendor_id: &str) -> String {
    let s: String = vendor_id
        .trim()
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_start_matches('.');
    if s.is_empty() {
        "scrm-questionnaire".to_string()
    } else {
        format!("scrm-{s}")
    }
}

/// The page's document for a vendor read from a file: its profile and every answer, in the
/// text the JSON format takes.
pub fn document_of(v: &Vendor) -> SupplierDocument {
    let p = &v.profile;
    SupplierDocument {
        format: Some(form::FORMAT.to_string()),
        vendor: SupplierProfileDoc {
            vendor_id: p.vendor_id.as_str().to_string(),
            name: p.name.clone(),
            country: p.country.clone(),
            criticality: p.criticality.map(|c| c.as_str().to_string()),
            ai_role: p.ai_role.map(|c| c.as_str().to_string()),
            data_access: p.data_access.map(|c| c.as_str().to_string()),
            assessed_on: p.assessed_on.map(|d| d.to_string()),
            certifications: p.certifications.clone(),
            extra: p.extra.clone(),
        },
        answers: v
            .answers
            .values()
            .map(|a| scrm_model::SupplierAnswer {
                question_id: a.question.as_str().to_string(),
                answer: a.value.canonical(),
                evidence: a.evidence.clone(),
                evidence_date: a.evidence_date.map(|d| d.to_string()),
                comment: a.comment.clone(),
            })
            .collect(),
    }
}

/// A submitted document, read as a `.json` questionnaire is and scored.
pub struct Scoring {
    /// The document's JSON, exactly as read (and as downloaded): the manifest's digest is of it.
    pub json: Vec<u8>,
    /// What the reader made of it, with the buyer's files.
    pub ingested: Ingested,
    /// The reader's problems, placed on the form's fields.
    pub notes: Vec<FillNote>,
    /// The manifest of this scoring.
    pub manifest: RunManifest,
    /// The supplier's result and what-if plan, when a supplier was read.
    pub outcome: Option<(VendorResult, Plan)>,
}

impl App {
    /// The app for a server bound to `port` on the loopback interface, with the address secret
    /// `token`.
    pub fn new(cfg: FillConfig, token: String, port: u16) -> Self {
        let hosts = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|h| format!("{h}:{port}"))
            .collect::<Vec<_>>();
        let origins = hosts.iter().map(|h| format!("http://{h}")).collect();
        Self {
            cfg,
            token,
            hosts,
            origins,
        }
    }

    /// The address to open: `http://127.0.0.1:<port>/<token>/`.
    pub fn url(&self) -> String {
        format!("http://{}/{}/", self.hosts[0], self.token)
    }

    /// The largest body the server is to read.
    pub fn max_body(&self) -> usize {
        self.cfg.max_body
    }

    /// The route of a path, when it starts with the secret; the secret is compared in full
    /// whatever its first wrong byte (no timing hint, however unlikely over loopback).
    fn route<'u>(&self, url: &'u str) -> Option<&'u str> {
        let path = url.split(['?', '#']).next().unwrap_or("");
        let rest = path.strip_prefix('/')?;
        let (token, route) = rest.split_once('/').unwrap_or((rest, ""));
        let same = token.len() == self.token.len()
            && token
                .bytes()
                .zip(self.token.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        same.then_some(route)
    }

    /// Answers one request. Never panics on any input.
    pub fn handle(&self, req: &Request<'_>) -> Response {
        // DNS rebinding: a page on another name that resolves here is not this page.
        if !req.host.is_some_and(|h| self.hosts.iter().any(|x| x == h)) {
            return Response::text(421, "this page answers only to 127.0.0.1 and localhost");
        }
        // `/<token>` without its slash: the page's relative form actions need it.
        if req.url.split(['?', '#']).next() == Some(&format!("/{}", self.token)) {
            return Response {
                status: 308,
                headers: vec![("Location", format!("/{}/", self.token))],
                body: Vec::new(),
            };
        }
        let Some(route) = self.route(req.url) else {
            return Response::text(404, "not found: open the address `scrm fill` printed");
        };
        match (req.method, route) {
            ("GET" | "HEAD", "") => self.first_page(),
            ("POST", "score" | "scorecard" | "download") => {
                // Cross-site posts: another site's page cannot know the secret, and a browser
                // says where a post comes from; refuse one from anywhere else.
                if let Some(o) = req.origin
                    && !self.origins.iter().any(|x| x == o)
                {
                    return Response::text(403, "a post from another site is refused");
                }
                if !req.content_type.is_some_and(|c| {
                    c.split(';')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
                }) {
                    return Response::text(415, "the page posts application/x-www-form-urlencoded");
                }
                if req.body.len() > self.cfg.max_body {
                    return Response::text(
                        413,
                        &format!("the form is larger than {} bytes", self.cfg.max_body),
                    );
                }
                let sub = match form::parse_form(req.body, self.cfg.max_fields) {
                    Ok(s) => s,
                    Err(e) => return Response::text(400, &e.to_string()),
                };
                if !sub.unknown.is_empty() {
                    tracing::debug!(
                        count = sub.unknown.len(),
                        "form fields the page does not have were ignored"
                    );
                }
                match route {
                    "score" => self.score_page(&sub),
                    "scorecard" => self.scorecard(&sub),
                    _ => self.download(&sub),
                }
            }
            (_, "" | "score" | "scorecard" | "download") => Response {
                headers: vec![
                    (
                        "Allow",
                        if route.is_empty() {
                            "GET, HEAD"
                        } else {
                            "POST"
                        }
                        .into(),
                    ),
                    ("Content-Type", "text/plain; charset=utf-8".into()),
                ],
                ..Response::text(405, "method not allowed")
            },
            _ => Response::text(404, "not found"),
        }
    }

    fn first_page(&self) -> Response {
        let lang = self.cfg.lang;
        if self.cfg.source.is_some() {
            let sub = Submission {
                doc: self.cfg.prefill.clone(),
                lang: Some(lang),
                download: None,
                unknown: Vec::new(),
            };
            // Showing what is on disk saves nothing.
            return self.score_page_saving(&sub, false);
        }
        let as_of = self.as_of();
        Response::html(scrm_report::render_fill_page(
            &FillPage {
                doc: &self.cfg.prefill,
                questions: self.cfg.catalog.questions(),
                outcome: None,
                notes: &[],
                catalog_version: self.cfg.catalog.version(),
                policy_name: &self.cfg.policy.name,
                as_of,
                source: None,
                saved: None,
            },
            lang,
        ))
    }

    fn as_of(&self) -> chrono::NaiveDate {
        self.cfg
            .as_of
            .unwrap_or_else(|| (self.cfg.clock)().date_naive())
    }

    /// Reads a document as a `.json` questionnaire is read (with the buyer's profile and
    /// exclusion files), and scores the supplier it holds: what every route shows.
    pub fn score_document(&self, doc: &SupplierDocument) -> Scoring {
        let mut json = serde_json::to_vec_pretty(doc).unwrap_or_default();
        json.push(b'\n');
        let display = format!("{}.json", file_stem(&doc.vendor.vendor_id));
        let ingested = match scrm_ingest::ingest_document(
            &json,
            &display,
            self.cfg.profiles.as_deref(),
            self.cfg.exclusions.as_deref(),
            &self.cfg.catalog,
            &self.cfg.ingest,
        ) {
            Ok(i) => i,
            Err(e) => {
                // The buyer's files went missing since the start: say so on the page.
                let mut i = Ingested::default();
                i.problems.push(io_problem(&display, &e.to_string()));
                i
            }
        };
        let notes = ingested
            .problems
            .iter()
            .map(|p| note_of(p, &display, doc))
            .collect();
        let as_of = self.as_of();
        let engine = Engine::new(&self.cfg.catalog, &self.cfg.policy, as_of);
        let outcome = ingested.vendors.first().map(|v| {
            let ex = exclusions_of(&ingested, v);
            (engine.score(v, &ex), engine.plan(v, &ex))
        });
        let mut inputs = ingested.files.clone();
        inputs.extend(self.cfg.manifest_inputs.iter().cloned());
        let manifest = RunManifest {
            tool_version: self.cfg.tool_version.clone(),
            catalog_version: self.cfg.catalog.version().to_string(),
            catalog_hash: self.cfg.catalog.hash().to_string(),
            policy_name: self.cfg.policy.name.clone(),
            policy_hash: self.cfg.policy.hash.clone(),
            as_of,
            inputs,
            counts: scrm_model::RunCounts {
                vendors: ingested.vendors.len() as u64,
                ..ingested.counts()
            },
            generated_at: (self.cfg.clock)().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        };
        Scoring {
            json,
            ingested,
            notes,
            manifest,
            outcome,
        }
    }

    /// Saves a submitted document's JSON when the page saves (`--save`).
    fn save(&self, s: &Scoring) -> Option<Result<String, String>> {
        let save = self.cfg.save.as_ref()?;
        let r = save(&s.json);
        if let Err(e) = &r {
            tracing::warn!(error = %e.escape_debug(), "the answers were not saved");
        }
        Some(r)
    }

    fn score_page(&self, sub: &Submission) -> Response {
        self.score_page_saving(sub, true)
    }

    fn score_page_saving(&self, sub: &Submission, save: bool) -> Response {
        let lang = sub.lang.unwrap_or(self.cfg.lang);
        let s = self.score_document(&sub.doc);
        let saved = if save { self.save(&s) } else { None };
        let report = s.outcome.as_ref().map(|(result, plan)| ScorecardReport {
            result,
            manifest: &s.manifest,
            questions: self.cfg.catalog.questions(),
            vendor: s.ingested.vendors.first(),
            thresholds: &self.cfg.thresholds,
            plan: Some(plan),
            explanation: None,
            governance: None,
            risks: None,
            max_evidence_age_days: self.cfg.policy.evidence.max_age_days,
        });
        Response::html(scrm_report::render_fill_page(
            &FillPage {
                doc: &sub.doc,
                questions: self.cfg.catalog.questions(),
                outcome: report.as_ref(),
                notes: &s.notes,
                catalog_version: self.cfg.catalog.version(),
                policy_name: &self.cfg.policy.name,
                as_of: s.manifest.as_of,
                source: self.cfg.source.as_deref(),
                saved: saved
                    .as_ref()
                    .map(|r| r.as_ref().map(String::as_str).map_err(String::as_str)),
            },
            lang,
        ))
    }

    fn scorecard(&self, sub: &Submission) -> Response {
        let lang = sub.lang.unwrap_or(self.cfg.lang);
        let s = self.score_document(&sub.doc);
        // A failure shows on the next page; the scorecard has no place for it.
        let _ = self.save(&s);
        let (Some(v), Some((result, plan))) = (s.ingested.vendors.first(), &s.outcome) else {
            // Nothing to score (no vendor id, say): the page, with the problems.
            return self.score_page_saving(sub, false);
        };
        let engine = Engine::new(&self.cfg.catalog, &self.cfg.policy, s.manifest.as_of);
        let ex = exclusions_of(&s.ingested, v);
        let explanation = engine.explain(v, &ex);
        let governance = scrm_score::governance_view(&explanation, self.cfg.catalog.questions());
        let risks = engine.risk_view(v);
        Response::html(scrm_report::render_scorecard_html(
            &ScorecardReport {
                result,
                manifest: &s.manifest,
                questions: self.cfg.catalog.questions(),
                vendor: Some(v),
                thresholds: &self.cfg.thresholds,
                plan: Some(plan),
                explanation: Some(&explanation),
                governance: Some(&governance),
                risks: Some(&risks),
                max_evidence_age_days: self.cfg.policy.evidence.max_age_days,
            },
            lang,
        ))
    }

    fn download(&self, sub: &Submission) -> Response {
        let lang = sub.lang.unwrap_or(self.cfg.lang);
        let stem = file_stem(&sub.doc.vendor.vendor_id);
        match sub.download {
            Some(Download::Json) => {
                let s = self.score_document(&sub.doc);
                let _ = self.save(&s);
                Response::attachment("application/json", &format!("{stem}.json"), s.json)
            }
            Some(Download::Xlsx) => {
                let s = self.score_document(&sub.doc);
                let _ = self.save(&s);
                let Some(v) = s.ingested.vendors.first() else {
                    return self.score_page_saving(sub, false);
                };
                match scrm_report::write_template_xlsx(
                    self.cfg.catalog.questions(),
                    lang,
                    None,
                    Some(v),
                    self.cfg.catalog.version(),
                ) {
                    Ok(bytes) => Response::attachment(
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        &format!("{stem}.xlsx"),
                        bytes,
                    ),
                    Err(e) => Response::text(500, &format!("the workbook was not written: {e}")),
                }
            }
            None => Response::text(400, "download as json or xlsx"),
        }
    }
}

/// The exclusion entries that name a vendor.
fn exclusions_of<'i>(i: &'i Ingested, v: &Vendor) -> Vec<&'i scrm_model::Exclusion> {
    i.exclusions
        .iter()
        .filter(|e| &e.vendor_id == v.id())
        .collect()
}

/// A problem that is not about the document: a buyer's file could not be read.
fn io_problem(display: &str, why: &str) -> Problem {
    Problem {
        code: scrm_ingest::ProblemCode::UnreadableFile,
        severity: ProblemSeverity::Error,
        location: scrm_ingest::Location::file(display),
        value: None,
        message: format!("the buyer's files could not be read: {why}"),
        help: Some("restart `scrm fill` with files that exist".into()),
    }
}

/// The form field a problem in the document is about: `vendor.<key>` as it is, and
/// `answers[i].<part>` as the field of the i-th answer's question.
fn field_of(p: &Problem, display: &str, doc: &SupplierDocument) -> Option<String> {
    if p.location.file != display {
        return None;
    }
    let col = p.location.column.as_deref()?;
    if let Some(key) = col.strip_prefix(scrm_report::html::FIELD_PROFILE) {
        // `vendor.extra.tax_id` is the extra field `x:tax_id`.
        return Some(match key.strip_prefix("extra.") {
            Some(k) => format!("{}{k}", scrm_report::html::FIELD_EXTRA),
            None => col.to_string(),
        });
    }
    let rest = col.strip_prefix("answers[")?;
    let (i, part) = rest.split_once("].")?;
    let a = doc.answers.get(i.parse::<usize>().ok()?)?;
    let prefix = match part {
        "answer" | "question_id" => scrm_report::html::FIELD_ANSWER,
        "evidence" => scrm_report::html::FIELD_EVIDENCE,
        "evidence_date" => scrm_report::html::FIELD_DATE,
        "comment" => scrm_report::html::FIELD_COMMENT,
        _ => return None,
    };
    Some(format!("{prefix}{}", a.question_id))
}

fn note_of(p: &Problem, display: &str, doc: &SupplierDocument) -> FillNote {
    FillNote {
        field: field_of(p, display, doc),
        severity: p.severity.as_str(),
        code: p.code.as_str(),
        location: p.location.to_string(),
        message: p.message.clone(),
        value: p.value.clone(),
        help: p.help.clone(),
    }
}
