//! A workbook's central directory as the `zip` crate reads it, so that its decompressed size and
//! compression ratios are checked before any part of it is inflated (zip bomb guard).

/// One archive member as the central directory declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ZipEntry {
    pub name: String,
    pub compressed: u64,
    pub uncompressed: u64,
}

/// Lists the central directory (zip64 included) without inflating anything. `Err` says why the
/// archive is not a zip. The `zip` crate reads it, as calamine does when it opens the workbook.
pub(crate) fn central_directory(b: &[u8]) -> Result<Vec<ZipEntry>, String> {
    let unreadable = |e: zip::result::ZipError| format!("not a readable zip archive ({e})");
    let zip = zip::ZipArchive::new(std::io::Cursor::new(b)).map_err(unreadable)?;
    (0..zip.len())
        .map(|i| {
            let e = zip.by_index_data(i).map_err(unreadable)?;
            Ok(ZipEntry {
                name: String::from_utf8_lossy(e.name_raw()).into_owned(),
                compressed: e.compressed_size(),
                uncompressed: e.size(),
            })
        })
        .collect()
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
