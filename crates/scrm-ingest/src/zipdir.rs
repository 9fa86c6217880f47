//! A small reader of a zip archive's central directory, so that a workbook's decompressed size
//! and compression ratios are checked before any part of it is inflated (zip bomb guard).

/// One archive member as the central directory declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ZipEntry {
    pub name: String,
    pub compressed: u64,
    pub uncompressed: u64,
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u32::from_le_bytes(
        b.get(at..at + 4)?.try_into().ok()?,
    )))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

const EOCD: u32 = 0x0605_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const ZIP64_EOCD: u32 = 0x0606_4b50;
const CENTRAL: u32 = 0x0201_4b50;

/// Lists the central directory (zip64 included). `Err` says why the archive is not a zip.
pub(crate) fn central_directory(b: &[u8]) -> Result<Vec<ZipEntry>, String> {
    if b.len() < 22 {
        return Err("too short to be a zip archive".into());
    }
    // The end-of-central-directory record sits in the last 22 + 65,535 (comment) bytes.
    let lowest = b.len().saturating_sub(22 + 65_535);
    let eocd = (lowest..=b.len() - 22)
        .rev()
        .find(|&i| u32_at(b, i) == Some(u64::from(EOCD)))
        .ok_or("no end-of-central-directory record (not a zip archive)")?;
    let bad = || "truncated central directory".to_string();
    let mut count = u16_at(b, eocd + 10).ok_or_else(bad)?;
    let mut offset = u32_at(b, eocd + 16).ok_or_else(bad)?;
    if count == 0xFFFF || offset == 0xFFFF_FFFF {
        let loc = eocd.checked_sub(20).ok_or_else(bad)?;
        if u32_at(b, loc) != Some(u64::from(ZIP64_LOCATOR)) {
            return Err("zip64 locator missing".into());
        }
        let rec = usize::try_from(u64_at(b, loc + 8).ok_or_else(bad)?).map_err(|_| bad())?;
        if u32_at(b, rec) != Some(u64::from(ZIP64_EOCD)) {
            return Err("zip64 end-of-central-directory record missing".into());
        }
        count = u64_at(b, rec + 32).ok_or_else(bad)?;
        offset = u64_at(b, rec + 48).ok_or_else(bad)?;
    }
    let mut at = usize::try_from(offset).map_err(|_| bad())?;
    let mut out = Vec::new();
    for _ in 0..count {
        if u32_at(b, at) != Some(u64::from(CENTRAL)) {
            return Err(bad());
        }
        let mut compressed = u32_at(b, at + 20).ok_or_else(bad)?;
        let mut uncompressed = u32_at(b, at + 24).ok_or_else(bad)?;
        let name_len = u16_at(b, at + 28).ok_or_else(bad)? as usize;
        let extra_len = u16_at(b, at + 30).ok_or_else(bad)? as usize;
        let comment_len = u16_at(b, at + 32).ok_or_else(bad)? as usize;
        let name = b.get(at + 46..at + 46 + name_len).ok_or_else(bad)?;
        let extra = b
            .get(at + 46 + name_len..at + 46 + name_len + extra_len)
            .ok_or_else(bad)?;
        // Zip64 sizes live in extra field 0x0001, only for the fields saturated above.
        let mut e = 0;
        while e + 4 <= extra.len() {
            let id = u16_at(extra, e).ok_or_else(bad)?;
            let len = u16_at(extra, e + 2).ok_or_else(bad)? as usize;
            if id == 1 {
                let mut f = e + 4;
                if uncompressed == 0xFFFF_FFFF {
                    uncompressed = u64_at(extra, f).ok_or_else(bad)?;
                    f += 8;
                }
                if compressed == 0xFFFF_FFFF {
                    compressed = u64_at(extra, f).ok_or_else(bad)?;
                }
            }
            e += 4 + len;
        }
        out.push(ZipEntry {
            name: String::from_utf8_lossy(name).into_owned(),
            compressed,
            uncompressed,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_workbook_directory() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet()
            .write_string(0, 0, "hello")
            .unwrap_or_else(|e| panic!("{e}"));
        let bytes = wb.save_to_buffer().unwrap_or_else(|e| panic!("{e}"));
        let entries = central_directory(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert!(names.contains(&"xl/workbook.xml"), "{names:?}");
        assert!(entries.iter().all(|e| e.uncompressed > 0));
        assert!(central_directory(b"not a zip at all, just text....").is_err());
    }
}
