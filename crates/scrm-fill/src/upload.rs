//! A questionnaire uploaded to the page: the `multipart/form-data` body read within its limits,
//! and the file's name reduced to what the page may show and the reader may open it as.

use futures_util::FutureExt as _;
use scrm_model::Lang;
use std::fmt;

/// The extensions the reader opens (as `scrm_ingest` recognizes them), lower case.
pub const EXTENSIONS: [&str; 8] = [
    "csv", "tsv", "txt", "xlsx", "xlsm", "json", "jsonl", "ndjson",
];

/// The longest file name the page shows, in characters.
const NAME_CHARS: usize = 120;

/// What an upload carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The file's name as the page shows it: its last path part, control characters and
    /// bidirectional overrides left out, at most [`NAME_CHARS`] characters.
    pub name: String,
    /// Its extension, one of [`EXTENSIONS`]: what the reader opens it as.
    pub ext: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The page's language, when the form said.
    pub lang: Option<Lang>,
}

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadError {
    /// The body is not `multipart/form-data` with a boundary.
    NotMultipart,
    /// The body does not read as one (or breaks its limits).
    Malformed(String),
    /// No file, or an empty one, was sent.
    NoFile,
    /// The file's extension is not one the reader opens.
    Unsupported(String),
}

impl fmt::Display for UploadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotMultipart => f.write_str("an upload is posted as multipart/form-data"),
            Self::Malformed(e) => write!(f, "the upload could not be read: {e}"),
            Self::NoFile => f.write_str("no file was chosen, or it is empty"),
            Self::Unsupported(name) => write!(
                f,
                "'{name}' is not a questionnaire scrm reads: choose a .{} file",
                EXTENSIONS.join(", .")
            ),
        }
    }
}

/// Reads an upload: one `file` field and, optionally, a `lang` field; any other field, a second
/// file, a body over `max` bytes or a `lang` over 16 bytes is refused. A name given only as
/// `filename*=` (RFC 5987) is not read: the file is then refused for its missing extension.
pub fn parse_upload(
    content_type: Option<&str>,
    body: &[u8],
    max: usize,
) -> Result<Upload, UploadError> {
    let boundary = content_type
        .and_then(|c| multer::parse_boundary(c).ok())
        .ok_or(UploadError::NotMultipart)?;
    let data = bytes::Bytes::copy_from_slice(body);
    let stream = futures_util::stream::once(futures_util::future::ready(Ok::<
        _,
        std::convert::Infallible,
    >(data)));
    let constraints = multer::Constraints::new()
        .allowed_fields(vec!["file", "lang"])
        .size_limit(
            multer::SizeLimit::new()
                .whole_stream(max as u64)
                .for_field("lang", 16),
        );
    let mut parts = multer::Multipart::with_constraints(stream, boundary, constraints);
    // The whole body is in memory: every future completes at once, and one that would wait
    // can only mean a body cut short.
    let cut = || UploadError::Malformed("the body ends early".into());
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut lang = None;
    while let Some(field) = parts
        .next_field()
        .now_or_never()
        .ok_or_else(cut)?
        .map_err(|e| UploadError::Malformed(e.to_string()))?
    {
        let name = field.name().map(str::to_string);
        let file_name = field.file_name().map(str::to_string);
        let content = field
            .bytes()
            .now_or_never()
            .ok_or_else(cut)?
            .map_err(|e| UploadError::Malformed(e.to_string()))?;
        match name.as_deref() {
            Some("lang") => {
                lang = std::str::from_utf8(&content)
                    .ok()
                    .and_then(|s| s.parse().ok())
            }
            // One file a page: a second would silently stand for the first.
            _ if file.is_some() => {
                return Err(UploadError::Malformed("more than one file".into()));
            }
            _ => file = Some((file_name.unwrap_or_default(), content.to_vec())),
        }
    }
    let (raw, bytes) = file
        .filter(|(_, b)| !b.is_empty())
        .ok_or(UploadError::NoFile)?;
    let name = shown_name(&raw);
    // The extension of the whole name, which a long name keeps when shortened.
    let ext = last_part(&raw)
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .and_then(|e| EXTENSIONS.iter().copied().find(|x| *x == e))
        .ok_or_else(|| UploadError::Unsupported(name.clone()))?;
    Ok(Upload {
        name,
        ext,
        bytes,
        lang,
    })
}

/// The name a browser sent, as the page may show it: the last part of a path (some browsers
/// send the whole of it), without control characters or bidirectional overrides, bounded.
fn shown_name(raw: &str) -> String {
    let kept: String = last_part(raw)
        .chars()
        .filter(|c| !scrm_model::safe::is_unsafe_char(*c))
        .collect();
    let kept = kept.trim();
    if kept.chars().count() <= NAME_CHARS {
        return match kept {
            "" => "upload".to_string(),
            t => t.to_string(),
        };
    }
    // Shortened in the middle, so that the extension still says what the file is.
    let ext = kept
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| e.chars().count() < 12)
        .unwrap_or("");
    let head: String = kept.chars().take(NAME_CHARS - 13).collect();
    format!("{head}….{ext}")
}

/// The last part of a path a browser sent (some send the whole of it).
fn last_part(raw: &str) -> &str {
    raw.rsplit(['/', '\\']).next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut b = Vec::new();
        for (name, file, content) in parts {
            b.extend_from_slice(b"--B\r\nContent-Disposition: form-data; name=\"");
            b.extend_from_slice(name.as_bytes());
            b.push(b'"');
            if let Some(f) = file {
                b.extend_from_slice(b"; filename=\"");
                b.extend_from_slice(f.as_bytes());
                b.push(b'"');
            }
            b.extend_from_slice(b"\r\n\r\n");
            b.extend_from_slice(content);
            b.extend_from_slice(b"\r\n");
        }
        b.extend_from_slice(b"--B--\r\n");
        b
    }

    const CT: Option<&str> = Some("multipart/form-data; boundary=B");

    #[test]
    fn reads_the_file_and_the_language() {
        let b = body(&[
            ("lang", None, b"zh-TW"),
            (
                "file",
                Some("C:\\Users\\me\\\u{202e}xslx.問卷.XLSX"),
                b"PK..",
            ),
        ]);
        let u = parse_upload(CT, &b, 1 << 20).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(u.name, "xslx.問卷.XLSX");
        assert_eq!(u.ext, "xlsx");
        assert_eq!(u.bytes, b"PK..");
        assert_eq!(u.lang, Some(Lang::ZhTw));
    }

    #[test]
    fn a_long_name_keeps_its_extension() {
        let long = format!("{}.CSV", "問".repeat(200));
        let u = parse_upload(CT, &body(&[("file", Some(&long), b"x")]), 1 << 20)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(u.ext, "csv");
        assert!(
            u.name.ends_with("….CSV") && u.name.chars().count() <= NAME_CHARS,
            "{}",
            u.name
        );
    }

    #[test]
    fn refuses_what_is_not_an_upload_of_a_questionnaire() {
        let file = body(&[("file", Some("answers.csv"), b"vendor_id\n")]);
        assert_eq!(
            parse_upload(Some("application/x-www-form-urlencoded"), &file, 1 << 20),
            Err(UploadError::NotMultipart)
        );
        assert!(matches!(
            parse_upload(CT, &file, 8),
            Err(UploadError::Malformed(_))
        ));
        assert!(matches!(
            parse_upload(CT, &body(&[("other", None, b"x")]), 1 << 20),
            Err(UploadError::Malformed(_))
        ));
        assert_eq!(
            parse_upload(CT, &body(&[("file", Some("a.csv"), b"")]), 1 << 20),
            Err(UploadError::NoFile)
        );
        assert_eq!(
            parse_upload(CT, &body(&[("file", Some("run.sh"), b"x")]), 1 << 20),
            Err(UploadError::Unsupported("run.sh".into()))
        );
        assert!(matches!(
            parse_upload(CT, &file[..file.len() / 2], 1 << 20),
            Err(UploadError::Malformed(_))
        ));
        let two = body(&[("file", Some("a.csv"), b"x"), ("file", Some("b.csv"), b"y")]);
        assert_eq!(
            parse_upload(CT, &two, 1 << 20),
            Err(UploadError::Malformed("more than one file".into()))
        );
    }
}
