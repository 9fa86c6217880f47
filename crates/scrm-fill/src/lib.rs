//! `scrm fill`: a local page where a supplier fills in its questionnaire, scores it with the
//! buyer's policy and the same engine the buyer runs, sees what to improve, and downloads its
//! answers to send. The page is served on 127.0.0.1 only, behind a secret path; it keeps nothing
//! and has no script.
//!
//! [`form`] reads the posted form into a supplier document; [`app`] answers each request (the
//! document is read exactly as a `.json` questionnaire is, so the page shows the problems every
//! other command would); [`upload`] reads a questionnaire file the supplier opens in the page;
//! [`serve`] is the HTTP server (hyper, on 127.0.0.1). The page itself is rendered by
//! `scrm_report::render_fill_page`.

pub mod app;
pub mod form;
pub mod serve;
pub mod upload;

pub use app::{
    App, Clock, DEFAULT_MAX_BODY, FillConfig, Head, Response, Route, Save, Scoring, canonical_ids,
    document_of, file_stem, new_token,
};
pub use form::{Download, FormError, Submission, encode, fields_of, parse_form};
pub use serve::{Running, ServeError, bind, port_of, serve, spawn};
