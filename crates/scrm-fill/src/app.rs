//! The page's requests and what each answers, without sockets: [`App::handle`] takes a request
//! (its [`Head`] and body) as plain data and returns the response, so that every route, check and page is tested
//! without a server.
//!
//! Routes live under a secret first path segment (`/<token>/`), which the binary prints and no
//! other page or local user can guess: `GET /<token>/` shows the form (scored, when it was opened
//! on a file), `POST score` scores it, `POST scorecard` returns the full scorecard, `POST
//! download` the answers as typed, as JSON or as the XLSX template (invalid values included,
//! as text), or the score as OSCAL. Anything else is a 404 that says nothing.

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

/// The largest form `scrm fill` accepts by default: 8 MiB, room for long answers to every
/// question in any script.
pub const DEFAULT_MAX_BODY: usize = 8 << 20;

impl FillConfig {
    /// A configuration with `catalog`, `policy` and `clock`, and everything else as `scrm fill`
    /// has it without flags: a blank questionnaire in English, no buyer files, scored as of the
    /// clock's date, forms up to [`DEFAULT_MAX_BODY`] with four fields a question and 1,000
    /// more, nothing saved, no tier minimums drawn.
    pub fn new(catalog: Catalog, policy: Policy, clock: Clock) -> Self {
        let prefill = scrm_report::template_document(catalog.questions(), None, None);
        let max_fields = 4 * catalog.questions().len() + 1_000;
        Self {
            thresholds: Vec::new(),
            catalog,
            policy,
            ingest: IngestOptions::default(),
            profiles: None,
            exclusions: None,
            as_of: None,
            clock,
            lang: Lang::En,
            prefill,
            source: None,
            manifest_inputs: Vec::new(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            max_body: DEFAULT_MAX_BODY,
            max_fields,
            save: None,
        }
    }
}

/// A request's head: what is checked before its body is read.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The request target, as sent.
    pub url: &'a str,
    /// The `Host` header.
    pub host: Option<&'a str>,
    /// The `Origin` header.
    pub origin: Option<&'a str>,
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The declared body length, when declared.
    pub content_length: Option<usize>,
}

/// What a request asks for, once its head passed [`App::check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `GET /<token>/`: the page.
    Page,
    /// `POST score`: the page, scored.
    Score,
    /// `POST scorecard`: the full scorecard.
    Scorecard,
    /// `POST download`: the answers as JSON or XLSX, or the score as OSCAL.
    Download,
    /// `POST upload`: a questionnaire file opened in the page (`multipart/form-data`).
    Upload,
}

impl Route {
    /// The route's name, for the log (never the secret).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Score => "score",
            Self::Scorecard => "scorecard",
            Self::Download => "download",
            Self::Upload => "upload",
        }
    }
}

/// Answers to question ids in another spelling the catalog accepts (`GOVERN 1.1`, `gv1.1`) put
/// under the canonical id, so that the page shows them in their question's place.
pub fn canonical_ids(doc: &mut SupplierDocument, catalog: &Catalog) {
    use scrm_model::{QuestionLookup, Resolution};
    use std::collections::HashSet;
    // An id already there, as spelled, keeps its place: a second spelling of it is left as
    // it is (shown apart, with the reader's duplicate problem) rather than hidden behind it.
    let mut taken: HashSet<String> = doc.answers.iter().map(|a| a.question_id.clone()).collect();
    for a in &mut doc.answers {
        if let Resolution::Known(id, _) = catalog.resolve(&a.question_id)
            && id.as_str() != a.question_id
            && taken.insert(id.as_str().to_string())
        {
            a.question_id = id.as_str().to_string();
        }
    }
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
    /// A plain-text response (refusals, errors).
    pub(crate) fn text(status: u16, body: &str) -> Self {
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
    /// The supplier's result and what-if plan, when a supplier was read and scored.
    pub outcome: Option<(VendorResult, Plan)>,
    /// Where the document's supplier is in `ingested.vendors` (the buyer's profile file names
    /// others), when it was read.
    pub vendor: Option<usize>,
}

impl Scoring {
    /// The document's supplier, as read.
    pub fn vendor(&self) -> Option<&Vendor> {
        self.vendor.map(|i| &self.ingested.vendors[i])
    }
}

impl App {
    /// The app for a server bound to `port` on the loopback interface, with the address secret
    /// `token`.
    pub fn new(mut cfg: FillConfig, token: String, port: u16) -> Self {
        canonical_ids(&mut cfg.prefill, &cfg.catalog);
        // The page's own form must fit: its answers to questions the catalog does not have and
        // its extra profile fields are fields too.
        let known: std::collections::HashSet<&str> = cfg
            .catalog
            .questions()
            .iter()
            .map(|q| q.id.as_str())
            .collect();
        let others = cfg
            .prefill
            .answers
            .iter()
            .filter(|a| !known.contains(a.question_id.as_str()))
            .count();
        let needed = 4 * (known.len() + others) + cfg.prefill.vendor.extra.len() + 1_000;
        cfg.max_fields = cfg.max_fields.max(needed);
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

    /// The route of a request target, when it starts with the secret; the secret is compared in
    /// full whatever its first wrong byte (no timing hint, however unlikely over loopback). An
    /// absolute-form target (`http://127.0.0.1:PORT/…`, which HTTP/1.1 servers accept) is read
    /// by its path.
    fn path_route<'u>(&self, url: &'u str) -> Option<&'u str> {
        let url = match url.strip_prefix("http://") {
            Some(rest) => {
                let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
                // The target's own host must be this page's too (HTTP/1.1 reads it first).
                if !self.hosts.iter().any(|h| h == authority) {
                    return None;
                }
                if path.is_empty() { "/" } else { path }
            }
            None => url,
        };
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

    /// Checks a request's head, before its body is read: the host, the secret, the route, the
    /// method, the origin, the content type and the declared length. A request that fails is
    /// answered at once, its body unread, so that nobody without the secret can hold the server
    /// up by sending a body slowly.
    pub fn check(&self, head: &Head<'_>) -> Result<Route, Response> {
        // DNS rebinding: a page on another name that resolves here is not this page. The host
        // of an absolute-form target is the request's host too (HTTP/1.1 reads it first).
        let target_host = head
            .url
            .strip_prefix("http://")
            .map(|rest| &rest[..rest.find('/').unwrap_or(rest.len())]);
        let local = |h: &str| self.hosts.iter().any(|x| x == h);
        if !head.host.is_some_and(local) || target_host.is_some_and(|h| !local(h)) {
            return Err(Response::text(
                421,
                "this page answers only to 127.0.0.1 and localhost",
            ));
        }
        let Some(route) = self.path_route(head.url) else {
            return Err(Response::text(
                404,
                "not found: open the address `scrm fill` printed",
            ));
        };
        // `/<token>` without its slash: the page's relative form actions need it.
        if route.is_empty()
            && !head
                .url
                .split(['?', '#'])
                .next()
                .unwrap_or("")
                .ends_with('/')
        {
            return Err(Response {
                status: 308,
                headers: vec![("Location", format!("/{}/", self.token))],
                body: Vec::new(),
            });
        }
        let page = || Response {
            status: 303,
            headers: vec![("Location", format!("/{}/", self.token))],
            body: Vec::new(),
        };
        let route = match route {
            "" => Route::Page,
            "score" => Route::Score,
            "scorecard" => Route::Scorecard,
            "download" => Route::Download,
            "upload" => Route::Upload,
            _ => return Err(Response::text(404, "not found")),
        };
        match head.method {
            "GET" | "HEAD" if route == Route::Page => return Ok(route),
            // A reload or a bookmark of a page a post answered: the page, afresh.
            "GET" | "HEAD" => return Err(page()),
            "POST" if route != Route::Page => {}
            _ => {
                let allow = if route == Route::Page {
                    "GET, HEAD"
                } else {
                    "POST"
                };
                return Err(Response {
                    headers: vec![
                        ("Allow", allow.into()),
                        ("Content-Type", "text/plain; charset=utf-8".into()),
                    ],
                    ..Response::text(405, "method not allowed")
                });
            }
        }
        // Cross-site posts: another site's page cannot know the secret, and a browser says
        // where a post comes from; refuse one from anywhere else.
        if let Some(o) = head.origin
            && !self.origins.iter().any(|x| x == o)
        {
            return Err(Response::text(403, "a post from another site is refused"));
        }
        // The page's forms post their fields url-encoded, and a file as multipart.
        let expected = match route {
            Route::Upload => "multipart/form-data",
            _ => "application/x-www-form-urlencoded",
        };
        if !head.content_type.is_some_and(|c| {
            c.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case(expected)
        }) {
            return Err(Response::text(
                415,
                &format!("the page posts {expected} here"),
            ));
        }
        if head.content_length.is_some_and(|n| n > self.cfg.max_body) {
            return Err(self.too_large());
        }
        Ok(route)
    }

    fn too_large(&self) -> Response {
        Response::text(
            413,
            &format!("the form is larger than {} bytes", self.cfg.max_body),
        )
    }

    /// Answers one request, its head and its whole body (the declared length is the body's).
    /// Never panics on any input.
    pub fn handle(&self, head: &Head<'_>, body: &[u8]) -> Response {
        let head = Head {
            content_length: Some(body.len()),
            ..*head
        };
        match self.check(&head) {
            Ok(route) => self.answer(route, head.content_type, body),
            Err(r) => r,
        }
    }

    /// Answers a request whose head passed [`App::check`], with its `Content-Type` and body.
    pub fn answer(&self, route: Route, content_type: Option<&str>, body: &[u8]) -> Response {
        if route == Route::Page {
            return self.first_page();
        }
        if body.len() > self.cfg.max_body {
            return self.too_large();
        }
        if route == Route::Upload {
            return self.upload(content_type, body);
        }
        let mut sub = match form::parse_form(body, self.cfg.max_fields) {
            Ok(s) => s,
            Err(e) => return Response::text(400, &e.to_string()),
        };
        if !sub.unknown.is_empty() {
            tracing::debug!(
                count = sub.unknown.len(),
                "form fields the page does not have were ignored"
            );
        }
        canonical_ids(&mut sub.doc, &self.cfg.catalog);
        match route {
            Route::Score => self.score_page(&sub),
            Route::Scorecard => self.scorecard(&sub),
            _ => self.download(&sub),
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
        let mut s = self.read_document(doc);
        let engine = Engine::new(&self.cfg.catalog, &self.cfg.policy, s.manifest.as_of);
        let outcome = s.vendor().map(|v| {
            let ex = exclusions_of(&s.ingested, v);
            (engine.score(v, &ex), engine.plan(v, &ex))
        });
        s.outcome = outcome;
        s
    }

    /// Reads a document as [`App::score_document`] does, without scoring it: what a download
    /// needs (the JSON, the supplier as read), without the what-if search a plan runs.
    fn read_document(&self, doc: &SupplierDocument) -> Scoring {
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
        // A problem the reader repeats for every row (a blank vendor id is one per answer) is
        // shown once, with its count.
        let mut notes: Vec<FillNote> = Vec::new();
        let mut seen: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
        for n in ingested.problems.iter().map(|p| note_of(p, &display, doc)) {
            let key = (
                n.field.clone(),
                n.code,
                n.location.clone(),
                n.message.clone(),
                n.value.clone(),
            );
            match seen.get(&key) {
                Some(&i) => notes[i].count += 1,
                None => {
                    seen.insert(key, notes.len());
                    notes.push(n);
                }
            }
        }
        let as_of = self.as_of();
        // The document's supplier, not the first of the buyer's file (sorted by id).
        let id = scrm_model::VendorId::new(&doc.vendor.vendor_id);
        let vendor = id.and_then(|id| ingested.vendors.iter().position(|v| v.id() == &id));
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
                vendors: u64::from(vendor.is_some()),
                ..ingested.counts()
            },
            generated_at: (self.cfg.clock)().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        };
        Scoring {
            json,
            ingested,
            notes,
            manifest,
            outcome: None,
            vendor,
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
        self.opened_page(sub, save, self.cfg.source.as_deref(), Vec::new())
    }

    /// The page for `sub`, scored; `source` names where it was opened from, and `file_notes`
    /// are the problems of that file (an upload's), listed before the document's own.
    fn opened_page(
        &self,
        sub: &Submission,
        save: bool,
        source: Option<&str>,
        file_notes: Vec<FillNote>,
    ) -> Response {
        let lang = sub.lang.unwrap_or(self.cfg.lang);
        let mut s = self.score_document(&sub.doc);
        if !file_notes.is_empty() {
            s.notes.splice(0..0, file_notes);
        }
        let saved = if save { self.save(&s) } else { None };
        let report = s.outcome.as_ref().map(|(result, plan)| ScorecardReport {
            result,
            manifest: &s.manifest,
            questions: self.cfg.catalog.questions(),
            vendor: s.vendor(),
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
                source,
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
        let (Some(v), Some((result, plan))) = (s.vendor(), &s.outcome) else {
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
                let s = self.read_document(&sub.doc);
                let _ = self.save(&s);
                Response::attachment("application/json", &format!("{stem}.json"), s.json)
            }
            Some(Download::Xlsx) => {
                let s = self.read_document(&sub.doc);
                let _ = self.save(&s);
                // The workbook holds what the supplier typed, as the JSON download does: not the
                // supplier as read, which has only the valid values (and the buyer's profile over
                // the supplier's). One who carries on in Excel loses nothing, and its workbook
                // reads back to what the document reads to.
                let prefill = scrm_report::Prefill::Document {
                    doc: &sub.doc,
                    lookup: &self.cfg.catalog,
                };
                match scrm_report::write_template_xlsx_prefilled(
                    self.cfg.catalog.questions(),
                    lang,
                    None,
                    Some(prefill),
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
            Some(Download::OscalAr) => {
                let s = self.score_document(&sub.doc);
                let _ = self.save(&s);
                let Some((result, plan)) = &s.outcome else {
                    return self.score_page_saving(sub, false);
                };
                // As `scrm score --format oscal-ar` writes it: a plan for a supplier at risk
                // only (an excluded one's is to resolve its listing, which the document says).
                let plans: &[Plan] = match result.status {
                    scrm_model::Status::AtRisk => std::slice::from_ref(plan),
                    _ => &[],
                };
                let assessment = scrm_oscal::Assessment {
                    results: std::slice::from_ref(result),
                    plans,
                    manifest: &s.manifest,
                    catalog: &self.cfg.catalog,
                    deadline_days: self.cfg.policy.remediation.deadline_days,
                };
                match scrm_oscal::assessment_results_json(&assessment) {
                    Ok(bytes) => Response::attachment(
                        "application/json",
                        &format!("{stem}.oscal-ar.json"),
                        bytes,
                    ),
                    Err(e) => Response::text(500, &format!("the document was not written: {e}")),
                }
            }
            None => Response::text(400, "download as json, xlsx or oscal-ar"),
        }
    }
}

impl App {
    /// A questionnaire file uploaded to the page: opened as `scrm fill FILE` would open it, and
    /// scored. A `.json` supplier document is opened as it is (values the reader refuses
    /// included, beside their fields); another file is read by the reader every command uses,
    /// with the buyer's files and adapters, from a private temporary directory, and the page
    /// starts from its one supplier, with the file's problems listed. Saved like a submit.
    fn upload(&self, content_type: Option<&str>, body: &[u8]) -> Response {
        let up = match crate::upload::parse_upload(content_type, body, self.cfg.max_body) {
            Ok(u) => u,
            Err(e) => return Response::text(400, &e.to_string()),
        };
        let lang = Some(up.lang.unwrap_or(self.cfg.lang));
        // What the page cannot hold is refused, not shown as a page no submit could post back.
        let page = |doc: SupplierDocument, notes: Vec<FillNote>| {
            let fields = crate::form::fields_of(&doc).len();
            if fields > self.cfg.max_fields {
                return Response::text(
                    422,
                    &format!(
                        "'{}' makes a page of {fields} fields, more than the {} the page takes: score it with `scrm score`",
                        up.name, self.cfg.max_fields
                    ),
                );
            }
            let sub = Submission {
                doc,
                lang,
                download: None,
                unknown: Vec::new(),
            };
            self.opened_page(&sub, true, Some(&up.name), notes)
        };
        // A JSON supplier document (the page's own download among them) opens as it is, with
        // or without adapters: they read foreign questionnaires, never scrm's JSON.
        if up.ext == "json"
            && let Ok(mut doc) = serde_json::from_slice::<SupplierDocument>(&up.bytes)
        {
            canonical_ids(&mut doc, &self.cfg.catalog);
            return page(doc, Vec::new());
        }
        let kept = tempfile::Builder::new()
            .prefix("scrm-fill-")
            .tempdir()
            .and_then(|dir| {
                let path = dir.path().join(format!("upload.{}", up.ext));
                std::fs::write(&path, &up.bytes)?;
                Ok((dir, path))
            });
        let (_dir, path) = match kept {
            Ok(x) => x,
            Err(e) => return Response::text(500, &format!("the upload could not be kept: {e}")),
        };
        // One supplier's questionnaire, not a portfolio: the reader's limits for a batch are
        // far above what one needs, and every problem listed is a line of the page.
        let mut opts = self.cfg.ingest.clone();
        opts.limits.max_problems = opts.limits.max_problems.min(UPLOAD_MAX_PROBLEMS);
        opts.limits.max_xlsx_bytes = opts.limits.max_xlsx_bytes.min(UPLOAD_MAX_XLSX_BYTES);
        let read = |opts: &scrm_ingest::IngestOptions| {
            scrm_ingest::ingest(
                std::slice::from_ref(&path),
                self.cfg.profiles.as_deref(),
                self.cfg.exclusions.as_deref(),
                &self.cfg.catalog,
                opts,
            )
        };
        let answered = |i: &Ingested| i.vendors.iter().filter(|v| !v.answers.is_empty()).count();
        let mut ingested = read(&opts);
        // Read through the buyer's adapters and holding no answers: scrm's own template (the
        // page's XLSX download), which no adapter reads.
        if !opts.adapters.is_empty() && ingested.as_ref().is_ok_and(|i| answered(i) == 0) {
            let native = scrm_ingest::IngestOptions {
                adapters: Vec::new(),
                ..opts.clone()
            };
            if let Ok(i) = read(&native)
                && answered(&i) > 0
            {
                ingested = Ok(i);
            }
        }
        let ingested = match ingested {
            Ok(i) => i,
            Err(e) => {
                return Response::text(
                    422,
                    &format!(
                        "'{}' was not read, nor anything saved: the buyer's files could not be read ({e}); restart `scrm fill` with files that exist",
                        up.name
                    ),
                );
            }
        };
        // The file's problems, placed at its name rather than the temporary path.
        let shown = path.display().to_string();
        let problems: Vec<Problem> = ingested
            .problems
            .iter()
            .filter(|p| p.location.file == shown)
            .map(|p| {
                let mut p = p.clone();
                p.location.file = up.name.clone();
                // A message may name a place in the file too (the first of two duplicate
                // answers): the temporary path is private, the file's name is what was sent.
                if p.message.contains(&shown) {
                    p.message = p.message.replace(&shown, &up.name);
                }
                p
            })
            .collect();
        let answered: Vec<&Vendor> = ingested
            .vendors
            .iter()
            .filter(|v| !v.answers.is_empty())
            .collect();
        match answered.as_slice() {
            // Not a field of the form: the file's rows are not the page's.
            [v] => page(
                document_of(v),
                problems
                    .iter()
                    .map(|p| note_of(p, "", &self.cfg.prefill))
                    .collect(),
            ),
            // Nothing to open: the page stays as it was (the upload carries none of it), and
            // nothing is saved over what was.
            [] => {
                let mut why = format!(
                    "'{}' holds no supplier's answers, so the page is as it was and nothing was saved",
                    up.name
                );
                for p in problems.iter().take(5) {
                    // Plain text, but a supplier's value may hold control characters.
                    why.push_str(&format!(
                        "\n  {}[{}] {}: {}",
                        p.severity.as_str(),
                        p.code,
                        scrm_model::safe::escape_controls(&p.location.to_string(), false),
                        scrm_model::safe::escape_controls(&p.message, false)
                    ));
                }
                if problems.len() > 5 {
                    why.push_str(&format!(
                        "\n  … and {} more (`scrm validate` lists them)",
                        problems.len() - 5
                    ));
                }
                Response::text(422, &why)
            }
            many => Response::text(
                422,
                &format!(
                    "'{}' holds {} suppliers' answers: upload one supplier's questionnaire, or open the file with `scrm fill FILE --vendor ID`",
                    up.name,
                    many.len()
                ),
            ),
        }
    }
}

/// The most problems an upload lists: one supplier's questionnaire has a few hundred rows.
const UPLOAD_MAX_PROBLEMS: usize = 1_000;

/// The most an uploaded workbook may take once decompressed: the template is a few hundred KB.
const UPLOAD_MAX_XLSX_BYTES: u64 = 32 << 20;

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
        meaning: Lang::ALL.map(|l| p.code.description_in(l)),
        value: p.value.clone(),
        help: p.help.clone(),
        count: 1,
    }
}
