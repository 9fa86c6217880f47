//! Errors that stop a run before it can report anything useful. Everything else (bad rows,
//! unreadable files inside a folder) is a located [`crate::Problem`].

use std::path::PathBuf;

/// Why ingestion could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A path given by the caller does not exist.
    #[error("{}: no such file or folder", path.display())]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// A path given by the caller exists but cannot be read.
    #[error("{}: cannot be read: {source}", path.display())]
    Unreadable {
        /// The path as given.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Walking a folder given by the caller failed.
    #[error("{}: cannot list the folder: {source}", path.display())]
    Walk {
        /// The folder as given.
        path: PathBuf,
        /// The walk error.
        source: walkdir::Error,
    },
}
