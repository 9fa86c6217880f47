//! Reading a profile table (one row per vendor): its columns worked out once from the header,
//! each row checked on its own, without the run (so a CSV file's rows are checked in parallel),
//! then applied to the run in file order.

use crate::ProblemCode;
use crate::collector::{Collector, EXTRA, Layer};
use crate::packed::{PackedField, encode, key_bit};
use crate::table::{
    Header, Row, RowSource, as_written, cell_within, missing_column, report_stop, width_issue,
    within_rows,
};
use crate::text::trim_str;
use crate::validate::{
    Canon, ColRef, Issue, PROFILE_FIELDS, ProfileKind, blank_vendor, check_profile_value,
    extra_columns,
};
use scrm_model::VendorId;

/// A profile table's columns, worked out once from its header.
pub(crate) struct ProfileCols {
    vcol: usize,
    vref: ColRef,
    /// Profile fields (validated), then extra columns (kept as written, trimmed): the column
    /// and the index of its key in `keys` (and, for a profile field, what it holds).
    fields: Vec<(usize, u32, ProfileKind)>,
    extras: Vec<(usize, u32)>,
    /// Profile field names, then `extra:` keys.
    keys: Vec<String>,
    /// Column references made once: a profile file may have a million rows.
    crefs: Vec<ColRef>,
    limit: usize,
}

/// One data row, checked without the run. What needs the rows before it (whether its vendor
/// already had a row, the row limit) is left to [`Apply::row`].
pub(crate) struct Checked {
    /// The line (or worksheet row); for a CSV block, counted from the block's first line.
    line: u64,
    vendor: Option<VendorId>,
    issues: Vec<Issue>,
    /// Where a duplicate-vendor issue goes among `issues`: after the vendor cell's own, before
    /// the fields', as when rows are checked one after the other.
    dup_at: usize,
    /// Key index, value (of the cell in that column, trimmed), column.
    values: Vec<(u32, Canon, u32)>,
    /// The row as written: the text of its values, and the quarantine's if rejected.
    cells: csv::StringRecord,
    /// Where [`ProfileCols::encode`] put the row's fields in its block's buffer, and their key
    /// bits; `None` when not encoded.
    encoded: Option<(u32, u32, u64)>,
}

impl Checked {
    /// The text a field stores: the value's canonical text, or its cell in column `col` as
    /// written (trimmed). One definition for the rows encoded where they are checked and those
    /// applied field by field.
    fn value<'a>(&'a self, v: &'a Canon, col: u32) -> &'a str {
        v.text(self.cells.get(col as usize).map_or("", trim_str))
    }
}

impl ProfileCols {
    /// The columns of a profile table, after reporting the header's problems; `None` when the
    /// file is not to be loaded (no `vendor_id`, or a column twice).
    pub(crate) fn new(col: &mut Collector, part: u32, header: &Header) -> Option<Self> {
        let Some(vcol) = header.find("vendor_id") else {
            let help = format!(
                "a profile table needs vendor_id and may have {}",
                PROFILE_FIELDS.join(", ")
            );
            missing_column(col, part, header, "vendor_id", help);
            return None;
        };
        let mut fields: Vec<(usize, u32, ProfileKind)> = Vec::new();
        let mut extra_cols: Vec<usize> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        let mut dup = false;
        for i in 0..header.raw.len() {
            let key = &header.keys[i];
            if i == vcol || header.raw[i].trim().is_empty() {
                continue;
            }
            if keys.iter().any(|k| k == key) || (key == "vendor_id") {
                dup = true;
                col.issue(
                    part,
                    Some(header.row),
                    Issue::new(
                        ProblemCode::DuplicateColumn,
                        header.col(i),
                        Some(&header.raw[i]),
                        format!("'{key}' appears twice in the header; the file is not loaded"),
                    )
                    .help("remove or rename one of the two columns"),
                );
            } else if PROFILE_FIELDS.contains(&key.as_str()) {
                fields.push((i, keys.len() as u32, ProfileKind::of(key)));
                keys.push(key.clone());
            } else {
                extra_cols.push(i);
            }
        }
        if dup {
            return None;
        }
        if !extra_cols.is_empty() {
            let names: Vec<&str> = extra_cols.iter().map(|&i| header.raw[i].trim()).collect();
            col.issue(
                part,
                Some(header.row),
                extra_columns(
                    &names,
                    "columns outside the profile format are kept and passed through",
                ),
            );
        }
        let mut extras = Vec::with_capacity(extra_cols.len());
        for i in extra_cols {
            extras.push((i, keys.len() as u32));
            keys.push(format!("{EXTRA}{}", header.raw[i].trim()));
        }
        Some(Self {
            vcol,
            vref: header.col(vcol),
            fields,
            extras,
            keys,
            crefs: (0..header.raw.len()).map(|i| header.col(i)).collect(),
            limit: col.opts.limits.max_field_bytes,
        })
    }

    /// Checks one row; `None` for a blank row (skipped, not counted).
    pub(crate) fn check(&self, row: Row) -> Option<Checked> {
        if row.is_blank() {
            return None;
        }
        let mut issues: Vec<Issue> = row.unclosed.iter().cloned().collect();
        let unclosed = issues.len();
        if let Some(w) = row.width {
            issues.push(width_issue(w));
        }
        let vendor = cell_within(self.limit, &row, Some(self.vcol), &self.vref, &mut issues)
            .and_then(VendorId::new);
        if vendor.is_none() && issues.len() == unclosed {
            issues.push(blank_vendor(&self.vref));
        }
        let dup_at = issues.len();
        let mut values = Vec::with_capacity(self.fields.len());
        for &(i, k, kind) in &self.fields {
            let cref = &self.crefs[i];
            if let Some(s) = cell_within(self.limit, &row, Some(i), cref, &mut issues) {
                match check_profile_value(kind, &self.keys[k as usize], s, cref) {
                    Ok(Some(v)) => values.push((k, v, i as u32)),
                    Ok(None) => {}
                    Err(i) => issues.push(i),
                }
            }
        }
        for &(i, k) in &self.extras {
            let cref = &self.crefs[i];
            if let Some(s) = cell_within(self.limit, &row, Some(i), cref, &mut issues)
                && !trim_str(s).is_empty()
            {
                values.push((k, Canon::AsWritten, i as u32));
            }
        }
        Some(Checked {
            line: row.line,
            vendor,
            issues,
            dup_at,
            values,
            cells: row.cells,
            encoded: None,
        })
    }

    /// The profile keys of the columns, in the order their indexes count.
    pub(crate) fn keys(&self) -> &[String] {
        &self.keys
    }

    /// Encodes a checked row's fields for the profile arena into `out` (the block's buffer), as
    /// the serial apply would store them one by one for a vendor seen first: `keys` are the
    /// columns' key indexes ([`Collector::profile_key`], made once per file), `line_off` moves the
    /// row's line from its block's to the file's. Done where rows are checked, in parallel; a
    /// row that will be rejected is not encoded.
    pub(crate) fn encode(
        &self,
        c: &mut Checked,
        keys: &[u32],
        (part, line_off): (u32, u64),
        out: &mut Vec<u8>,
    ) {
        if c.vendor.is_none() || !c.issues.is_empty() {
            return;
        }
        let start = out.len();
        let mut has = 0;
        for &(k, ref v, i) in &c.values {
            let f = PackedField {
                value: c.value(v, i),
                part,
                row: Some(c.line + line_off),
                col: self.crefs[i as usize].as_ref().map(|c| c.0),
            };
            let key = keys[k as usize];
            encode(out, key, f);
            has |= key_bit(key);
        }
        // A block's buffer stays far below 4 GiB (a block is at most the record cap).
        if let (Ok(a), Ok(b)) = (u32::try_from(start), u32::try_from(out.len())) {
            c.encoded = Some((a, b, has));
        }
    }
}

/// Applies checked rows to the run, in file order.
pub(crate) struct Apply<'c> {
    cols: &'c ProfileCols,
    layer: Layer,
    part: u32,
    /// The row each vendor's profile came from in this file, by vendor index (`NO_ROW`: none
    /// yet); an index, not a map of ids, since the collector already holds every id once.
    first_row: Vec<u64>,
    seen: u64,
}

const NO_ROW: u64 = u64::MAX;

impl<'c> Apply<'c> {
    pub(crate) fn new(cols: &'c ProfileCols, layer: Layer, part: u32) -> Self {
        Self {
            cols,
            layer,
            part,
            first_row: Vec::new(),
            seen: 0,
        }
    }

    /// Applies one row, its line moved on by `line_off`; `false` once the row limit is passed
    /// (reported; the rest of the file is not read). The row is borrowed, its vendor id and
    /// issues taken: what is left of it is freed by the caller, off this serial path.
    /// `encoded` is the buffer of the row's block, where [`ProfileCols::encode`] put its fields
    /// (empty when rows are not encoded).
    pub(crate) fn row(
        &mut self,
        col: &mut Collector,
        c: &mut Checked,
        line_off: u64,
        encoded: &[u8],
    ) -> bool {
        let part = self.part;
        let line = c.line + line_off;
        if !within_rows(col, part, &mut self.seen, line) {
            return false;
        }
        col.count_read(part, 1);
        let (vendor, mut issues, dup_at) =
            (c.vendor.take(), std::mem::take(&mut c.issues), c.dup_at);
        let values = &c.values;
        // Looked up once: most rows are a vendor's first sight, added below without a second.
        let found = vendor.as_ref().and_then(|v| col.vendor_index(v));
        if let (Some(v), Some(vi)) = (&vendor, found)
            && let Some(&first) = self.first_row.get(vi as usize).filter(|&&l| l != NO_ROW)
        {
            let dup = Issue::new(
                ProblemCode::DuplicateVendor,
                self.cols.vref.clone(),
                Some(v.as_str()),
                format!("vendor '{v}' already has a profile row at row {first}"),
            )
            .help("merge the two rows into one");
            issues.insert(dup_at, dup);
        }
        let Some(vendor) = vendor.filter(|_| issues.is_empty()) else {
            col.reject(part, Some(line), issues, as_written(&c.cells));
            return true;
        };
        let vi = found.unwrap_or_else(|| col.add_vendor_owned(vendor));
        if self.first_row.len() <= vi as usize {
            self.first_row.resize(vi as usize + 1, NO_ROW);
        }
        self.first_row[vi as usize] = line;
        col.count_accepted(part, 1);
        // A vendor seen first takes the row's fields as encoded where the row was checked;
        // one with fields already (from another file) has each checked against those.
        if let Some((a, b, has)) = c.encoded
            && let Some(fields) = encoded.get(a as usize..b as usize)
            && col.fields_encoded(self.layer, vi, fields, has)
        {
            return true;
        }
        for &(k, ref v, i) in values {
            let key = &self.cols.keys[k as usize];
            let cref = &self.cols.crefs[i as usize];
            col.profile_field(self.layer, vi, (key, c.value(v, i)), part, Some(line), cref);
        }
        true
    }
}

/// Reads a profile table row by row (`vendor_id` plus profile columns; unknown columns are kept
/// as extras). A CSV file is read by [`crate::csvin`] in parallel blocks instead.
pub(crate) fn read_profiles(
    col: &mut Collector,
    part: u32,
    header: &Header,
    layer: Layer,
    rows: &mut dyn RowSource,
) {
    let Some(cols) = ProfileCols::new(col, part, header) else {
        return;
    };
    let mut apply = Apply::new(&cols, layer, part);
    while let Some(row) = rows.next_row() {
        match row {
            Ok(row) => {
                if let Some(mut c) = cols.check(row)
                    && !apply.row(col, &mut c, 0, &[])
                {
                    return;
                }
            }
            Err(stop) => return report_stop(col, part, stop),
        }
    }
}
