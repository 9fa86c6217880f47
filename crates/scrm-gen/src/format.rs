//! Hand-formatted CSV rows: every field is copied from prepared bytes, so writing runs at
//! memory speed (no `fmt` machinery on the hot path).

use crate::engine::{Ctx, Evidence, GenVendor, push_csv};
use crate::names::{COMMENTS, EVIDENCE_EXT, EVIDENCE_PREFIX};

/// Header of `answers.csv` (the long response format).
pub(crate) const ANSWERS_HEADER: &str =
    "vendor_id,question_id,answer,evidence,evidence_date,comment\n";
/// Header of `vendors.csv` (profiles).
pub(crate) const VENDORS_HEADER: &str =
    "vendor_id,name,country,criticality,ai_role,data_access,assessed_on,certifications\n";
/// Header of `exclusions.csv`.
pub(crate) const EXCLUSIONS_HEADER: &str = "vendor_id,source,reference,listed_on\n";

/// `V-` and the 1-based number, zero-padded to `width`.
pub(crate) fn vendor_id(index: u64, width: usize) -> String {
    format!("V-{:0width$}", index + 1)
}

/// Digits needed for vendor ids of a portfolio of `n` (at least 4, as in `V-0042`).
pub(crate) fn id_width(n: u64) -> usize {
    n.max(1).to_string().len().max(4)
}

fn push_u16(out: &mut Vec<u8>, mut n: u16, min_digits: usize) {
    let mut digits = [0u8; 5];
    let mut len = 0;
    while n > 0 || len < min_digits {
        digits[len] = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
    }
    out.extend(digits[..len].iter().rev());
}

fn push_evidence(out: &mut Vec<u8>, e: Evidence) {
    out.extend_from_slice(EVIDENCE_PREFIX[usize::from(e.family).min(7)].as_bytes());
    out.push(b'-');
    push_u16(out, e.number, 3);
    out.extend_from_slice(b" v");
    push_u16(out, u16::from(e.version), 1);
    out.push(b'.');
    out.extend_from_slice(EVIDENCE_EXT[usize::from(e.ext).min(2)].as_bytes());
}

/// The evidence reference as text (for JSON documents).
pub(crate) fn evidence_text(e: Evidence) -> String {
    let mut v = Vec::with_capacity(24);
    push_evidence(&mut v, e);
    String::from_utf8(v).unwrap_or_default()
}

/// Appends the vendor's answer rows.
pub(crate) fn answers_rows(ctx: &Ctx, id: &str, v: &GenVendor, out: &mut Vec<u8>) {
    let mut id_csv = Vec::with_capacity(id.len() + 2);
    push_csv(&mut id_csv, id);
    for (k, a) in v.answers.iter().enumerate() {
        out.extend_from_slice(&id_csv);
        out.push(b',');
        out.extend_from_slice(&ctx.qs[a.q as usize].csv_id);
        out.push(b',');
        let text = if v.casual {
            a.ans.casual()
        } else {
            a.ans.canonical()
        };
        out.extend_from_slice(text.as_bytes());
        out.push(b',');
        if let Some(e) = a.evidence {
            push_evidence(out, e);
        }
        out.push(b',');
        if let Some(d) = a.evidence_days_ago {
            out.extend_from_slice(ctx.date(d));
        }
        out.push(b',');
        match (k, v.first_comment, a.comment) {
            (0, Some(text), _) => push_csv(out, text),
            (_, _, Some(c)) => push_csv(out, COMMENTS[usize::from(c) % COMMENTS.len()]),
            _ => {}
        }
        out.push(b'\n');
    }
}

/// Appends the vendor's profile row.
pub(crate) fn vendor_row(ctx: &Ctx, id: &str, v: &GenVendor, out: &mut Vec<u8>) {
    push_csv(out, id);
    out.push(b',');
    push_csv(out, &v.name);
    out.push(b',');
    out.extend_from_slice(v.country.as_bytes());
    out.push(b',');
    out.extend_from_slice(v.criticality.as_str().as_bytes());
    out.push(b',');
    out.extend_from_slice(v.ai_role.as_str().as_bytes());
    out.push(b',');
    out.extend_from_slice(v.data_access.as_str().as_bytes());
    out.push(b',');
    if let Some(d) = v.assessed_days_ago {
        out.extend_from_slice(ctx.date(d));
    }
    out.push(b',');
    push_csv(out, &v.certifications.join(";"));
    out.push(b'\n');
}

/// Appends the vendor's exclusion row, if it is listed.
pub(crate) fn exclusion_row(ctx: &Ctx, id: &str, v: &GenVendor, out: &mut Vec<u8>) -> bool {
    let Some(x) = &v.exclusion else {
        return false;
    };
    push_csv(out, id);
    out.push(b',');
    out.extend_from_slice(x.source.as_bytes());
    out.push(b',');
    push_csv(out, &x.reference);
    out.push(b',');
    out.extend_from_slice(ctx.date(x.listed_days_ago));
    out.push(b'\n');
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_ids() {
        let mut v = Vec::new();
        push_u16(&mut v, 7, 3);
        v.push(b' ');
        push_u16(&mut v, 1234, 3);
        v.push(b' ');
        push_u16(&mut v, 0, 1);
        assert_eq!(String::from_utf8(v).unwrap(), "007 1234 0");
        assert_eq!(vendor_id(41, id_width(50)), "V-0042");
        assert_eq!(vendor_id(0, id_width(1_000_000)), "V-0000001");
        let mut q = Vec::new();
        push_csv(&mut q, "Pilot; \"phase 2\", later");
        assert_eq!(
            String::from_utf8(q).unwrap(),
            "\"Pilot; \"\"phase 2\"\", later\""
        );
    }
}
