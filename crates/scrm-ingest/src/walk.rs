//! Turning the paths a user gives into the list of files to read, in a stable order, and
//! telling file kinds apart by extension.

use crate::IngestError;
use std::path::{Path, PathBuf};

/// A file kind, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// `.csv`, `.tsv`, `.txt`: the header decides what the table holds.
    Csv,
    /// `.xlsx`, `.xlsm`.
    Xlsx,
    /// `.json`: one supplier document.
    Json,
    /// `.jsonl`, `.ndjson`: one supplier document per line.
    Jsonl,
}

pub(crate) fn kind_of(path: &Path) -> Option<FileKind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "csv" | "tsv" | "txt" => FileKind::Csv,
        "xlsx" | "xlsm" => FileKind::Xlsx,
        "json" => FileKind::Json,
        "jsonl" | "ndjson" => FileKind::Jsonl,
        _ => return None,
    })
}

/// Hidden files and folders, and the `~$name.xlsx` lock files Excel leaves next to open
/// workbooks, are not supplier data.
fn skipped(name: &str) -> bool {
    name.starts_with('.') || name.starts_with("~$")
}

/// One path to read: the path, how it is shown, and its kind (`None`: unsupported extension,
/// only for paths named directly, or an entry the walk does not read: see `skip`).
pub(crate) struct Found {
    pub path: PathBuf,
    pub display: String,
    pub kind: Option<FileKind>,
    /// Why a folder's entry is reported instead of read.
    pub skip: Option<Skip>,
}

/// A folder's entry the walk reports instead of reading.
pub(crate) enum Skip {
    /// A symbolic link: not followed.
    Link,
    /// The walk could not read it (the error's text).
    Unlistable(String),
}

/// Expands the inputs: files as given, folders recursively (sorted by path bytes so that the
/// order never depends on the file system).
pub(crate) fn expand(inputs: &[PathBuf]) -> Result<Vec<Found>, IngestError> {
    let mut out = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => IngestError::NotFound {
                path: input.clone(),
            },
            _ => IngestError::Unreadable {
                path: input.clone(),
                source: e,
            },
        })?;
        if !meta.is_dir() {
            std::fs::File::open(input).map_err(|e| IngestError::Unreadable {
                path: input.clone(),
                source: e,
            })?;
            out.push(Found {
                path: input.clone(),
                display: input.to_string_lossy().into_owned(),
                kind: kind_of(input),
                skip: None,
            });
            continue;
        }
        let mut found = Vec::new();
        // Links inside the folder are not followed (they are reported): a supplier's folder
        // could otherwise lead the reader to any file on the machine, or round a loop. The
        // folder given is followed if it is a link itself.
        let walker = walkdir::WalkDir::new(input)
            .follow_root_links(true)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_str().is_some_and(skipped));
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                // One entry that cannot be listed does not lose the rest of the folder.
                Err(e) => {
                    let Some(path) = e.path().map(Path::to_path_buf) else {
                        return Err(IngestError::Walk {
                            path: input.clone(),
                            source: e,
                        });
                    };
                    let why = e
                        .io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string);
                    found.push((path, None, Some(Skip::Unlistable(why))));
                    continue;
                }
            };
            let link = entry.path_is_symlink();
            if !link && !entry.file_type().is_file() {
                continue;
            }
            let path = entry.into_path();
            // A link is reported when it names a file scrm would read, or a folder.
            let to_folder = || link && std::fs::metadata(&path).is_ok_and(|m| m.is_dir());
            match kind_of(&path) {
                Some(k) if link => found.push((path, Some(k), Some(Skip::Link))),
                Some(k) => found.push((path, Some(k), None)),
                None if to_folder() => found.push((path, None, Some(Skip::Link))),
                None => {
                    // `?`: a file name is supplier text, and Debug escapes its control
                    // characters, so it cannot drive the terminal the log is read on.
                    tracing::debug!(path = ?path, "not a supported extension; ignored")
                }
            }
        }
        found.sort_by(|a, b| {
            a.0.as_os_str()
                .as_encoded_bytes()
                .cmp(b.0.as_os_str().as_encoded_bytes())
        });
        out.extend(found.into_iter().map(|(path, kind, skip)| Found {
            display: path.to_string_lossy().into_owned(),
            path,
            kind,
            skip,
        }));
    }
    Ok(out)
}

/// Checks a single file the caller named (profiles, exclusions).
pub(crate) fn single(path: &Path) -> Result<Found, IngestError> {
    let found = expand(&[path.to_path_buf()])?;
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(IngestError::Unreadable {
            path: path.to_path_buf(),
            source: std::io::Error::other("a folder, expected a file"),
        });
    }
    found
        .into_iter()
        .next()
        .ok_or_else(|| IngestError::NotFound {
            path: path.to_path_buf(),
        })
}
