//! Streams a large JSON document: it is serialized once as a skeleton with a marker where each
//! long list goes, and each marker is replaced by that list's elements as they are made, so the
//! document is never held whole, neither as a tree nor as text. The OSCAL and SARIF exports of
//! a million suppliers are written this way.

use serde::Serialize;
use serde_json::value::RawValue;
use std::io::{self, Write};

/// What list `list`'s place holds in a skeleton until its elements are written there: a JSON
/// object no serialized string can hold (a string's quotes are escaped).
pub fn marker(list: usize) -> serde_json::Result<Box<RawValue>> {
    RawValue::from_string(marker_text(list))
}

fn marker_text(list: usize) -> String {
    format!("{{\"scrm-splice\":{list}}}")
}

/// A list element serialized as it sits in its list `depth` levels deep (`{ "a": [ here` is
/// depth 2): pretty-printed, every line after the first indented as serde_json's pretty printer
/// would (it indents the first itself). JSON strings hold no raw line break, so every line break
/// is the printer's own. Callers make elements on the cores that build them, so serializing a
/// document is spread like building it.
pub fn element<T: Serialize>(value: &T, depth: usize) -> serde_json::Result<String> {
    let text = serde_json::to_string_pretty(value)?;
    Ok(text.replace('\n', &format!("\n{}", "  ".repeat(depth))))
}

/// Writes one list's elements where its marker stood, separated as serde_json's pretty printer
/// separates array elements at the marker's depth.
pub struct ListWriter<'w> {
    out: &'w mut dyn Write,
    first: bool,
    indent: &'w [u8],
}

impl ListWriter<'_> {
    /// Writes one element, as [`element`] serialized it at the list's depth.
    pub fn push(&mut self, text: &str) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b",\n")?;
            self.out.write_all(self.indent)?;
        }
        self.first = false;
        self.out.write_all(text.as_bytes())
    }
}

/// Writes `skeleton` (a document pretty-printed with [`marker`]`(k)` as the only element of each
/// list `k` of `lists`, in document order) with each marker replaced by the elements `fill(k, …)`
/// writes: the same bytes as the whole document pretty-printed at once.
///
/// A marker missing from the skeleton is a defect of the caller, reported as
/// [`io::ErrorKind::InvalidData`].
pub fn write_spliced<E: From<io::Error>>(
    out: &mut dyn Write,
    skeleton: &[u8],
    lists: &[usize],
    fill: &mut dyn FnMut(usize, &mut ListWriter<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let mut rest = skeleton;
    for &k in lists {
        let m = marker_text(k);
        let at = rest
            .windows(m.len())
            .position(|w| w == m.as_bytes())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("internal error: list {k}'s place is missing from the document"),
                )
            })?;
        let line_start = rest[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let indent = &rest[line_start..at];
        out.write_all(&rest[..at])?;
        fill(
            k,
            &mut ListWriter {
                out: &mut *out,
                first: true,
                indent,
            },
        )?;
        rest = &rest[at + m.len()..];
    }
    out.write_all(rest)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Doc<T> {
        name: &'static str,
        inner: Inner<T>,
        tail: Vec<T>,
    }

    #[derive(Serialize)]
    struct Inner<T> {
        items: Vec<T>,
    }

    #[derive(Serialize, Clone)]
    struct Item {
        id: usize,
        text: String,
        tags: Vec<&'static str>,
    }

    fn items(n: usize) -> Vec<Item> {
        (0..n)
            .map(|id| Item {
                id,
                text: format!("line\nbreak \"{id}\" {{\"scrm-splice\":0}}"),
                tags: vec!["a", "b"],
            })
            .collect()
    }

    /// Streamed and whole documents are the same bytes, for lists of every length at two
    /// depths, with element text that looks like a marker.
    #[test]
    fn spliced_equals_whole() {
        for (n, m) in [(1, 1), (3, 2), (5, 1)] {
            let whole = serde_json::to_vec_pretty(&Doc {
                name: "x",
                inner: Inner { items: items(n) },
                tail: items(m),
            })
            .unwrap_or_default();
            let skeleton = serde_json::to_vec_pretty(&Doc {
                name: "x",
                inner: Inner {
                    items: vec![marker(0).unwrap()],
                },
                tail: vec![marker(1).unwrap()],
            })
            .unwrap_or_default();
            let mut out = Vec::new();
            let r: io::Result<()> = write_spliced(&mut out, &skeleton, &[0, 1], &mut |k, list| {
                let (list_items, depth) = if k == 0 { (items(n), 3) } else { (items(m), 2) };
                for it in &list_items {
                    list.push(&element(it, depth)?)?;
                }
                Ok(())
            });
            assert!(r.is_ok(), "{r:?}");
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&whole)
            );
        }
    }

    #[test]
    fn a_missing_marker_is_invalid_data() {
        let mut out = Vec::new();
        let r: io::Result<()> = write_spliced(&mut out, b"{\"a\": []}", &[0], &mut |_, _| Ok(()));
        assert_eq!(r.map_err(|e| e.kind()), Err(io::ErrorKind::InvalidData));
    }

    #[test]
    fn a_marker_is_compact_json() {
        let m = marker(7).unwrap();
        assert_eq!(m.get(), "{\"scrm-splice\":7}");
    }
}
