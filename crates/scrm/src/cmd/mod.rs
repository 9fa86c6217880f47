//! One module per subcommand; each returns the process exit code.

pub mod adapter;
pub mod catalog;
pub mod diff;
pub mod fill;
pub mod generate;
pub mod history;
pub mod policy;
pub mod report;
pub mod score;
pub mod template;
pub mod validate;
pub mod vendor;

use crate::cli::FailOn;
use scrm_model::Status;

/// Exit code 1 when any status reaches the `--fail-on` level.
pub fn flagged(statuses: impl IntoIterator<Item = Status>, fail_on: FailOn) -> bool {
    let level = match fail_on {
        FailOn::AtRisk => Status::AtRisk,
        FailOn::Excluded => Status::Excluded,
        FailOn::Never => return false,
    };
    statuses.into_iter().any(|s| s >= level)
}

/// The status a `--fail-on` value names (for the history diff).
pub fn fail_status(fail_on: FailOn) -> Option<Status> {
    match fail_on {
        FailOn::AtRisk => Some(Status::AtRisk),
        FailOn::Excluded => Some(Status::Excluded),
        FailOn::Never => None,
    }
}
