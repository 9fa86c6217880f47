//! Making untrusted supplier text inert in outputs: spreadsheet formulas (OWASP CSV injection)
//! and characters that hijack a terminal or reorder what a reader sees.
//!
//! One definition for every crate that writes supplier text to a file (results, rejects,
//! templates), so the rules cannot drift apart.

use std::borrow::Cow;

/// Whether `c` must not reach a display: control characters (C0, DEL, C1; escape sequences
/// start with ESC or CSI), the bidirectional controls that reorder text (Trojan Source, the
/// Arabic letter mark included), and the Unicode line and paragraph separators, which break a
/// line where a reader (or a JavaScript string) does not expect one.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// Replaces every unsafe character with a visible `\u{1b}`-style escape, so the text stays
/// readable and what was there can still be told. With `keep_breaks`, tab, line feed and carriage
/// return are kept (multi-line comments are legitimate in a quoted CSV field).
pub fn escape_controls(s: &str, keep_breaks: bool) -> Cow<'_, str> {
    let bad = |c: char| is_unsafe_char(c) && !(keep_breaks && matches!(c, '\t' | '\n' | '\r'));
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Appends `c` as its visible escape, `\u{1b}`: the one spelling every output uses for a
/// character it will not let act.
pub fn push_escape(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}

/// Neutralizes a cell of untrusted text for CSV and XLSX.
///
/// Following the OWASP CSV-injection guidance, a value that starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return is prefixed with a single quote `'`, so spreadsheet programs show it
/// as text instead of evaluating it as a formula. Unsafe characters other than tab and line
/// breaks are escaped as with [`escape_controls`] (a CSV file is often looked at with `cat`).
/// Anything else is returned unchanged (and unallocated).
pub fn neutralize_cell(s: &str) -> Cow<'_, str> {
    let formula = matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    let escaped = escape_controls(s, true);
    if formula {
        Cow::Owned(format!("'{escaped}"))
    } else {
        escaped
    }
}

/// Characters of a path written as they are in a URI: the unreserved ones and `/`.
const URI_PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A file path as a URI reference (OSCAL `href`, SARIF `uri`): every byte but the unreserved
/// characters and `/` percent-encoded, so a supplier's file name cannot add a scheme, a query, a
/// fragment or a line break; a path that starts with `/` becomes a `file:` URI.
pub fn uri_path(path: &str) -> String {
    let encoded = percent_encoding::utf8_percent_encode(path, URI_PATH).to_string();
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        let cases = [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(1)", "'@SUM(1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("Acme = good", "Acme = good"),
            ("", ""),
            ("台積電", "台積電"),
            ("Red\u{1b}[31m Corp", "Red\\u{1b}[31m Corp"),
            ("-\u{9b}2J", "'-\\u{9b}2J"),
            ("abc\u{202E}fdp.exe", "abc\\u{202e}fdp.exe"),
            ("\u{61C}a\u{2028}b\u{2029}", "\\u{61c}a\\u{2028}b\\u{2029}"),
            ("line one\nline two\ttab", "line one\nline two\ttab"),
        ];
        let got: Vec<(&str, String)> = cases
            .iter()
            .map(|(i, _)| (*i, neutralize_cell(i).into_owned()))
            .collect();
        let want: Vec<(&str, String)> = cases.iter().map(|(i, o)| (*i, o.to_string())).collect();
        assert_eq!(got, want);
        assert!(matches!(neutralize_cell("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn paths_become_uris() {
        assert_eq!(uri_path("inputs/answers.csv"), "inputs/answers.csv");
        assert_eq!(uri_path("/tmp/a b.csv"), "file:///tmp/a%20b.csv");
        assert_eq!(
            uri_path("javascript:alert(1)#x?y"),
            "javascript%3Aalert%281%29%23x%3Fy"
        );
        assert_eq!(uri_path("問卷.xlsx"), "%E5%95%8F%E5%8D%B7.xlsx");
        assert_eq!(uri_path("a\nb"), "a%0Ab");
    }

    #[test]
    fn escapes_breaks_unless_kept() {
        assert_eq!(escape_controls("a\nb\u{7}", false), "a\\u{a}b\\u{7}");
        assert_eq!(escape_controls("a\nb\u{7}", true), "a\nb\\u{7}");
    }
}
