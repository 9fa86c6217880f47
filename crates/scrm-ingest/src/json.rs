//! Reading JSON supplier documents (`scrm_model::SupplierDocument`): one per `.json` file, or
//! one per line in JSON Lines (`.jsonl`, `.ndjson`). A document is read to one byte past the
//! size limit at most, and its nesting depth is checked by a byte scan before serde_json parses
//! anything.

use crate::ProblemCode;
use crate::collector::{Collector, EXTRA, Layer, QRes, Stored};
use crate::csvin::{empty, unreadable};
use crate::text::{SAMPLE_BYTES, Utf8Source};
use crate::validate::{
    ColRef, Issue, PROFILE_FIELDS, blank_vendor, check_answer, check_date, check_profile_field,
    too_large, unknown_question,
};
use scrm_model::{SupplierDocument, VendorId};
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;

/// The line and column (1-based) where nesting first goes deeper than `max`.
pub(crate) fn too_deep(text: &[u8], max: usize) -> Option<(u64, u64)> {
    let (mut depth, mut line, mut col) = (0usize, 1u64, 0u64);
    let (mut in_str, mut esc) = (false, false);
    for &b in text {
        col += 1;
        if b == b'\n' {
            line += 1;
            col = 0;
        }
        if in_str {
            if esc {
                esc = false;
            } else if b == b'\\' {
                esc = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some((line, col));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Reads a `.json` (one document) or `.jsonl` (one per line) file.
pub(crate) fn read_json_file(col: &mut Collector, path: &Path, display: String, lines: bool) {
    let part = col.new_file(display, if lines { "jsonl" } else { "json" });
    col.parts[part as usize].json = true;
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return unreadable(col, part, &e.to_string()),
    };
    let mut sample = Vec::new();
    if let Err(e) = (&mut file)
        .take(SAMPLE_BYTES as u64)
        .read_to_end(&mut sample)
    {
        return unreadable(col, part, &e.to_string());
    }
    let enc = crate::csvin::encoding_of(col, part, &sample);
    let mut src = Utf8Source::new(Cursor::new(sample).chain(file), enc, col.opts.input_digest);
    // Read one byte past the limit, to know a document went past it without holding it.
    let max = col.opts.limits.max_json_bytes;
    if lines {
        let mut rdr = BufReader::with_capacity(1 << 20, &mut src);
        let mut buf = Vec::new();
        let mut line = 0u64;
        loop {
            buf.clear();
            let read = (&mut rdr)
                .take(max.saturating_add(1))
                .read_until(b'\n', &mut buf)
                .and_then(|n| {
                    let ended = buf.last() == Some(&b'\n');
                    // The rest of a line past the limit is skipped, not held.
                    if n > 0 && !ended && buf.len() as u64 > max {
                        skip_line(&mut rdr)?;
                    }
                    Ok(n)
                });
            match read {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    unreadable(col, part, &e.to_string());
                    break;
                }
            }
            line += 1;
            let text = buf.strip_suffix(b"\n").unwrap_or(&buf);
            if text.len() as u64 > max {
                json_too_large(col, part, Some(line), max);
                continue;
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            // Without its line feed: a document cut short ends on its own line, where serde_json
            // reports it, not on the next.
            read_document(col, part, text, Some(line));
        }
    } else {
        let mut text = Vec::new();
        if let Err(e) = (&mut src)
            .take(max.saturating_add(1))
            .read_to_end(&mut text)
        {
            return unreadable(col, part, &e.to_string());
        }
        if text.len() as u64 > max {
            json_too_large(col, part, None, max);
        } else if text.iter().all(u8::is_ascii_whitespace) {
            empty(col, part, "the file is empty");
        } else {
            read_document(col, part, &text, None);
        }
    }
    match src.finish() {
        Ok((digest, _)) => col.file_of(part).digest = digest,
        Err(e) => unreadable(col, part, &e.to_string()),
    }
}

/// Skips the rest of a line (through its `\n`, or to the end of the input).
fn skip_line(rdr: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let avail = rdr.fill_buf()?;
        if avail.is_empty() {
            return Ok(());
        }
        match memchr::memchr(b'\n', avail) {
            Some(at) => {
                rdr.consume(at + 1);
                return Ok(());
            }
            None => {
                let n = avail.len();
                rdr.consume(n);
            }
        }
    }
}

/// Rejects a document over the JSON size limit, unparsed: one rejected unit, shown empty in the
/// rejects file (it is too large to copy there).
fn json_too_large(col: &mut Collector, part: u32, line: Option<u64>, max: u64) {
    col.count_read(part, 1);
    let i = Issue::new(
        ProblemCode::JsonTooLarge,
        None,
        None,
        format!("the document is larger than {max} bytes; it is not parsed"),
    )
    .help("a supplier document is tens of kilobytes; check the file, or raise the JSON size limit");
    col.reject(part, Some(line.unwrap_or(1)), vec![i], Vec::new());
}

/// Reads one whole document held in memory, as [`read_json_file`] reads a `.json` file (the
/// size limit, an empty text, the digest of the bytes given).
pub(crate) fn read_json_bytes(col: &mut Collector, text: &[u8], display: String) {
    let part = col.new_file(display, "json");
    col.parts[part as usize].json = true;
    let max = col.opts.limits.max_json_bytes;
    if text.len() as u64 > max {
        json_too_large(col, part, None, max);
    } else if text.iter().all(u8::is_ascii_whitespace) {
        empty(col, part, "the document is empty");
    } else {
        read_document(col, part, text, None);
    }
    col.file_of(part).digest = col.opts.input_digest.hex_of(text);
}

/// Parses and loads one document. Counted units: the document's vendor profile and each
/// answer; a document that does not parse counts as one rejected unit.
fn read_document(col: &mut Collector, part: u32, text: &[u8], line: Option<u64>) {
    let base = line.unwrap_or(1) - 1;
    let max = col.opts.limits.max_json_depth;
    let original = || {
        if line.is_some() {
            vec![String::from_utf8_lossy(text).trim_end().to_string()]
        } else {
            Vec::new()
        }
    };
    if let Some((l, c)) = too_deep(text, max) {
        col.count_read(part, 1);
        let i = Issue::new(
            ProblemCode::JsonTooDeep,
            Some((c as u32, c.to_string())),
            None,
            format!("arrays and objects nest deeper than {max} levels; the document is not parsed"),
        )
        .help("a supplier document nests 3 levels deep; check the file, or raise the JSON depth limit");
        col.reject(part, Some(base + l), vec![i], original());
        return;
    }
    let doc: SupplierDocument = match serde_json::from_slice(text) {
        Ok(d) => d,
        Err(e) => {
            col.count_read(part, 1);
            let code = match e.classify() {
                serde_json::error::Category::Data => ProblemCode::JsonSchema,
                _ => ProblemCode::JsonSyntax,
            };
            let i = Issue::new(
                code,
                Some((e.column() as u32, e.column().to_string())),
                None,
                format!("{e}; the document is not loaded"),
            )
            .help("see docs/schema/supplier.schema.json and the example in fixtures/formats/");
            col.reject(part, Some(base + e.line() as u64), vec![i], original());
            return;
        }
    };
    // A document that names another format (or a later version of this one) is not read as if
    // it were this one: its fields may mean something else.
    if let Some(f) = doc.format.as_deref().filter(|f| *f != FORMAT) {
        col.count_read(part, 1);
        let i = Issue::new(
            ProblemCode::JsonSchema,
            Some((0, "format".to_string())),
            Some(f),
            format!("the document's format is not {FORMAT}; the document is not loaded"),
        )
        .help(format!(
            "this scrm reads {FORMAT} documents (see docs/schema/supplier.schema.json); leave `format` out or set it to {FORMAT}"
        ));
        col.reject(part, Some(base + 1), vec![i], original());
        return;
    }
    load_document(col, part, doc, line);
}

/// The format marker of the supplier documents this reader takes.
const FORMAT: &str = "scrm-supplier/1";

fn load_document(col: &mut Collector, part: u32, doc: SupplierDocument, line: Option<u64>) {
    let limit = col.opts.limits.max_field_bytes;
    let p = doc.vendor;
    let at = |field: &str| -> ColRef { Some((0, format!("vendor.{field}"))) };
    // The profile record.
    col.count_read(part, 1);
    let mut issues = Vec::new();
    let vendor = VendorId::new(&p.vendor_id);
    let vissue = if vendor.is_none() {
        Some(blank_vendor(&at("vendor_id")))
    } else if p.vendor_id.len() > limit {
        Some(too_large(
            p.vendor_id.len(),
            limit,
            &at("vendor_id"),
            &p.vendor_id,
        ))
    } else {
        None
    };
    let vendor = vendor.filter(|_| vissue.is_none());
    issues.extend(vissue.clone());
    let certs = p.certifications.join(";");
    let given: [(&str, Option<&str>); 7] = [
        ("name", p.name.as_deref()),
        ("country", p.country.as_deref()),
        ("criticality", p.criticality.as_deref()),
        ("ai_role", p.ai_role.as_deref()),
        ("data_access", p.data_access.as_deref()),
        ("assessed_on", p.assessed_on.as_deref()),
        (
            "certifications",
            (!certs.is_empty()).then_some(certs.as_str()),
        ),
    ];
    let mut fields = Vec::new();
    for (key, raw) in given {
        let Some(raw) = raw else { continue };
        let cref = at(key);
        if raw.len() > limit {
            issues.push(too_large(raw.len(), limit, &cref, raw));
            continue;
        }
        match check_profile_field(key, raw, &cref) {
            Ok(Some(v)) => fields.push((key.to_string(), v, cref)),
            Ok(None) => {}
            Err(i) => issues.push(i),
        }
    }
    for (k, v) in &p.extra {
        if !v.trim().is_empty() {
            fields.push((
                format!("{EXTRA}{k}"),
                v.trim().to_string(),
                at(&format!("extra.{k}")),
            ));
        }
    }
    let vi = vendor.as_ref().map(|v| col.vendor(v));
    match vi.filter(|_| issues.is_empty()) {
        Some(vi) => {
            col.count_accepted(part, 1);
            for (k, v, cref) in fields {
                col.profile_field(Layer::Supplier, vi, (&k, &v), part, line, &cref);
            }
        }
        None => {
            let mut original = vec![p.vendor_id.clone()];
            original.extend(given.iter().map(|(_, v)| v.unwrap_or("").to_string()));
            col.reject(part, line, issues, original);
        }
    }
    debug_assert_eq!(PROFILE_FIELDS.len(), 7);
    // The answers.
    for (i, a) in doc.answers.into_iter().enumerate() {
        col.count_read(part, 1);
        let c = |f: &str| -> ColRef { Some((i as u32 + 1, format!("answers[{i}].{f}"))) };
        let (qref, aref, eref, dref, cref) = (
            c("question_id"),
            c("answer"),
            c("evidence"),
            c("evidence_date"),
            c("comment"),
        );
        let mut issues: Vec<Issue> = vissue.iter().cloned().collect();
        let ev = a.evidence.as_deref().unwrap_or("");
        let dt = a.evidence_date.as_deref().unwrap_or("");
        let cm = a.comment.as_deref().unwrap_or("");
        let mut sized = true;
        for (raw, r) in [
            (&a.question_id[..], &qref),
            (&a.answer[..], &aref),
            (ev, &eref),
            (dt, &dref),
            (cm, &cref),
        ] {
            if raw.len() > limit {
                issues.push(too_large(raw.len(), limit, r, raw));
                sized = false;
            }
        }
        let mut known = None;
        if sized {
            let spec = match col.resolve(&a.question_id) {
                QRes::Known(gq, spec) => {
                    known = Some(gq);
                    Some(spec)
                }
                QRes::Unknown(s) => {
                    issues.push(unknown_question(&a.question_id, s.as_deref(), &qref));
                    None
                }
            };
            let value = check_answer(&a.answer, spec, &aref, &mut issues);
            let date = check_date(dt, &dref, &mut issues);
            if let (Some(vi), Some(gq), Some(value), true) = (vi, known, value, issues.is_empty()) {
                col.count_accepted(part, 1);
                let at = (part, line.unwrap_or(0), i as u32);
                if let Some(kept) = Stored::keep(gq, at, value, ev, date, cm) {
                    col.store(vi, kept);
                }
                continue;
            }
        }
        let original = vec![
            p.vendor_id.clone(),
            a.question_id.clone(),
            a.answer.clone(),
            ev.to_string(),
            dt.to_string(),
            cm.to_string(),
        ];
        col.reject(part, line, issues, original);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_scan_ignores_brackets_in_strings() {
        assert_eq!(too_deep(br#"{"a":"[[[[[[","b":[1]}"#, 2), None);
        assert_eq!(too_deep(b"[[[1]]]", 2), Some((1, 3)));
        assert_eq!(too_deep(b"{\"a\\\"[[\":\n[[1]]}", 2), Some((2, 2)));
    }
}
