//! Checks the tests and the fuzz harness share: an OSCAL document holds no live supplier text.
//! Not part of the API.

use serde_json::Value;

/// The markup fields of OSCAL (`title` is a markup line; the others are multi-line markup).
const MARKUP: [&str; 5] = ["title", "description", "statement", "remarks", "prose"];

/// The first Markdown-active character of `s` not escaped with a backslash, ignoring the
/// bullets the exporter writes itself (`* ` at the start of a line).
pub fn live_markup(s: &str) -> Option<char> {
    let mut escaped = false;
    let mut line_start = true;
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if line_start && c == '*' && chars.get(i + 1) == Some(&' ') {
            // The exporter's own list item.
        } else if matches!(
            c,
            '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '!' | '#' | '{' | '}' | '|' | '~'
        ) {
            return Some(c);
        }
        line_start = c == '\n';
    }
    None
}

/// Panics unless every string of an OSCAL document is inert: no control character (a line
/// break only in a multi-line markup field, where only the exporter writes one) and, in a
/// markup field, no unescaped Markdown. Returns how many markup fields were checked.
pub fn assert_inert(doc: &Value) -> usize {
    let mut checked = 0;
    walk(doc, "", &mut |key, v| {
        let Some(s) = v.as_str() else { return };
        let markup = MARKUP.contains(&key);
        let multiline = markup && key != "title";
        assert!(
            !s.chars()
                .any(|c| scrm_model::safe::is_unsafe_char(c) && !(multiline && c == '\n')),
            "{key}: a control character in {s:?}"
        );
        if markup {
            checked += 1;
            if let Some(c) = live_markup(s) {
                panic!("{key}: unescaped {c:?} in {s:?}");
            }
        }
    });
    checked
}

/// Visits every (key, value) pair of a JSON tree; array elements get their array's key.
pub fn walk<'v>(v: &'v Value, key: &str, f: &mut impl FnMut(&str, &'v Value)) {
    f(key, v);
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, k, f)),
        Value::Array(a) => a.iter().for_each(|x| walk(x, key, f)),
        _ => {}
    }
}
