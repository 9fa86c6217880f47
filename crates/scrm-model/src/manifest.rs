//! The run manifest every output carries: what was scored, with what, and when.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One input file as the run saw it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct InputFile {
    /// Path as given on the command line (or found under a given folder).
    pub path: String,
    /// What kind of file it was read as (`responses-long-csv`, `xlsx`, `profiles-csv`, ...).
    pub kind: String,
    /// SHA-256 of the file's bytes, lower-case hex (the default digest); empty when the run
    /// recorded BLAKE3 instead, or could not read the file.
    pub sha256: String,
    /// BLAKE3 of the file's bytes, lower-case hex, when the run was asked for that digest
    /// instead of SHA-256 (`--input-digest blake3`: about 2.5 times faster to compute, not a
    /// FIPS-approved hash); absent otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub blake3: String,
    /// Rows (or answers) read.
    pub rows_read: u64,
    /// Rows accepted.
    pub accepted: u64,
    /// Rows rejected to quarantine.
    pub rejected: u64,
}

impl InputFile {
    /// The digest with its algorithm named, `sha256:HEX` or `blake3:HEX` (empty when the file
    /// could not be read), for reports that show one digest column whatever the run chose.
    pub fn digest(&self) -> String {
        if !self.sha256.is_empty() {
            format!("sha256:{}", self.sha256)
        } else if !self.blake3.is_empty() {
            format!("blake3:{}", self.blake3)
        } else {
            String::new()
        }
    }
}

/// Counts over the whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct RunCounts {
    /// Vendors scored.
    pub vendors: u64,
    /// Rows read across inputs.
    pub rows_read: u64,
    /// Rows accepted.
    pub accepted: u64,
    /// Rows rejected.
    pub rejected: u64,
}

/// Provenance of a run. Re-running on the same inputs gives the same manifest but for `generated_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RunManifest {
    /// `scrm` version.
    pub tool_version: String,
    /// Catalog version.
    pub catalog_version: String,
    /// Catalog content hash (SHA-256 hex).
    pub catalog_hash: String,
    /// Policy name (file name or `builtin`).
    pub policy_name: String,
    /// Policy content hash (SHA-256 hex).
    pub policy_hash: String,
    /// The date scoring treated as today (evidence age, exemption expiry).
    pub as_of: chrono::NaiveDate,
    /// Input files in the order read.
    pub inputs: Vec<InputFile>,
    /// Totals.
    pub counts: RunCounts,
    /// When the run happened, RFC 3339 UTC (injectable; the only field that varies between runs).
    pub generated_at: String,
}
