//! Untrusted text made safe for OSCAL's three kinds of text field: markup (Markdown), plain
//! strings, and tokens.
//!
//! Supplier names, the buyer's exclusion references and policy exemption reasons reach titles and
//! descriptions, which OSCAL tools render as Markdown: unescaped, a name could become a link, an
//! image fetched from anywhere, raw HTML or a heading. JSON escaping (serde_json) keeps the
//! document well formed; this module keeps the text literal once it is rendered.

use scrm_model::safe::escape_controls;

/// Text for a markup field (`title`, `description`, `statement`): every control character and
/// line break written as a visible `\u{…}` escape (a markup line may not break, and a supplier
/// may not start a block on a line of its own), then every character that Markdown gives a
/// meaning backslash-escaped, as CommonMark allows for any ASCII punctuation: what starts
/// emphasis, code, links, images, raw HTML, entities, tables, strike-through and OSCAL's
/// parameter insertions (`{{ insert: … }}`) anywhere, and what starts a heading, list or
/// thematic break at the start of the text (the only line start it has).
pub fn markup(s: &str) -> String {
    escape_markup(s, true)
}

/// [`markup`] for text that follows other text on its line (`catalog {version}`), where what
/// starts a block means nothing: `2026.11.0` stays as it is rather than `2026\.11.0`.
pub fn markup_inline(s: &str) -> String {
    escape_markup(s, false)
}

fn escape_markup(s: &str, line_start: bool) -> String {
    let line = escape_controls(s, false);
    let mut out = String::with_capacity(line.len() + 8);
    // A leading run of digits followed by `.` or `)` is an ordered list item.
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    for (i, c) in line.char_indices() {
        let inline = matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '&'
                | '!'
                | '#'
                | '{'
                | '}'
                | '|'
                | '~'
        );
        let block_start = line_start
            && ((i == 0 && matches!(c, '-' | '+' | '='))
                || (digits > 0 && i == digits && matches!(c, '.' | ')')));
        if inline || block_start {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text for a plain string field (a party's `name`, a property's `value`): one line, control
/// characters escaped, no leading or trailing white space (OSCAL's `string` is `^\S(.*\S)?$`).
/// `None` when nothing is left.
pub fn string(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| escape_controls(t, false).into_owned())
}

/// An id made into an OSCAL token (`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`): lower case, any other
/// character as `_`, and `_` in front when it does not start with a letter. Catalog question ids
/// (`GV-6.1`, `SUP-INCIDENT-NOTIFY`) keep their spelling, lower-cased.
pub fn token(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c.to_lowercase().next().unwrap_or('_')
            } else {
                '_'
            }
        })
        .collect();
    if !out
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
    {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_keeps_hostile_text_literal() {
        let cases = [
            ("Acme Corp", "Acme Corp"),
            (
                "[click](http://evil.example)",
                "\\[click\\](http://evil.example)",
            ),
            (
                "![x](http://t.example/p.png)",
                "\\!\\[x\\](http://t.example/p.png)",
            ),
            (
                "<script>alert(1)</script>",
                "\\<script\\>alert(1)\\</script\\>",
            ),
            ("# Heading", "\\# Heading"),
            ("- item", "\\- item"),
            ("12. item", "12\\. item"),
            ("V-0005 (Acme) 2.5", "V-0005 (Acme) 2.5"),
            ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
            ("{{ insert: param, x }}", "\\{\\{ insert: param, x \\}\\}"),
            ("&amp;", "\\&amp;"),
            ("line\nbreak", "line\\\\u\\{a\\}break"),
            ("Red\u{1b}[31m", "Red\\\\u\\{1b\\}\\[31m"),
            ("台積電股份有限公司", "台積電股份有限公司"),
        ];
        for (input, want) in cases {
            assert_eq!(markup(input), want, "{input:?}");
        }
    }

    #[test]
    fn inline_fragments_keep_block_starts() {
        assert_eq!(markup_inline("2026.11.0"), "2026.11.0");
        assert_eq!(markup_inline("-2+3 <b>"), "-2+3 \\<b\\>");
        assert_eq!(markup("-2+3"), "\\-2+3");
    }

    #[test]
    fn strings_are_one_trimmed_line() {
        assert_eq!(
            string("  Acme \n Corp  ").as_deref(),
            Some("Acme \\u{a} Corp")
        );
        assert_eq!(string(" \t "), None);
        assert_eq!(string("=HYPERLINK()").as_deref(), Some("=HYPERLINK()"));
    }

    #[test]
    fn tokens() {
        assert_eq!(token("GV-6.1"), "gv-6.1");
        assert_eq!(token("SUP-INCIDENT-NOTIFY"), "sup-incident-notify");
        assert_eq!(token("42-X(1)"), "_42-x_1_");
        assert_eq!(token("AIMS-A.10.3"), "aims-a.10.3");
    }
}
