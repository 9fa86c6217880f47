//! Integration tests of the `scrm` binary: every subcommand run for real from the workspace
//! root with a pinned clock (`SCRM_NOW`), colour off and no `RUST_LOG`, snapshotting stdout,
//! stderr and the exit code together. Outputs that go to files are written into temp dirs.

#[macro_use]
mod common;

mod adapter;
mod catalog;
mod fill;
mod generate;
mod history;
mod hostile;
mod incremental;
mod misc;
mod oscal;
mod policy;
mod report;
mod retention;
mod sarif;
mod score;
mod template;
mod validate;
mod vendor;
