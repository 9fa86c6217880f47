//! Declarative adapters: a TOML file that says how to read a foreign questionnaire (a CSA CAIQ
//! workbook, a buyer's own sheet, a HECVAT-like form) into scrm's questions, so that suppliers
//! who already answered one are scored without filling in scrm's template.
//!
//! An adapter names where the answers are (sheets, header labels, possibly below a title
//! block), where the supplier's id is, what the foreign answer texts mean, and which foreign
//! questions feed which scrm question and how their answers combine. The format is in
//! `docs/adapters.md`.
//!
//! This crate reads and checks adapters ([`parse`]) and applies one to the rows of a sheet
//! ([`find_header`], [`apply`]). Reading the files themselves, with every limit untrusted input
//! needs, is `scrm-ingest`'s job.

mod builtin;
mod derive;
mod extract;
mod parse;
mod pattern;
mod spec;

pub use builtin::{BUILTIN, builtin};
pub use derive::{Derived, Input, Outcome, apply, combine, missing};
pub use extract::{
    CellMiss, Columns, Grid, GridRow, HeaderAt, cell_text, find_header, fold_label, reads_sheet,
    wanted,
};
pub use parse::{AdapterError, FORMAT, parse};
pub use pattern::{CellRef, Pattern};
pub use spec::{
    Adapter, Answers, Combine, Foreign, Mapping, ProfileCell, Route, Scale, TableSpec, VendorFrom,
};
