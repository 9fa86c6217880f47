//! A workbook's central directory as the `zip` crate reads it, so that its decompressed size and
//! compression ratios are checked before any part of it is inflated (zip bomb guard).

/// One archive member as the central directory declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ZipEntry {
    pub name: String,
    pub compressed: u64,
    pub uncompressed: u64,
    /// Where its local header starts in the archive.
    pub start: u64,
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
                start: e.header_start(),
            })
        })
        .collect()
}

/// A workbook's bytes as calamine reads them, each member read about once: its bytes may be
/// read twice, and 16 KiB more, then reading it fails. calamine inflates and parses a worksheet
/// part once for each sheet that names it, and nothing stops a workbook's sheets from all naming
/// one part: 2,000 sheets over one part of 1.6 MB, a 283 KB file, took 22 s to read. Reads are
/// counted against the member they start in (the members, by where they start, split the file).
pub(crate) struct ReadOnce {
    inner: std::io::Cursor<Vec<u8>>,
    /// Where each member starts, ascending, and the bytes read from it.
    starts: Vec<u64>,
    read: Vec<u64>,
}

/// What a member may be read beyond its own size twice over (headers and the zip crate's
/// look-ahead for small members).
const READ_SLACK: u64 = 16 * 1024;

impl ReadOnce {
    pub(crate) fn new(bytes: Vec<u8>, entries: &[ZipEntry]) -> Self {
        let mut starts: Vec<u64> = entries.iter().map(|e| e.start).collect();
        starts.push(0);
        starts.sort_unstable();
        starts.dedup();
        let read = vec![0; starts.len()];
        Self {
            inner: std::io::Cursor::new(bytes),
            starts,
            read,
        }
    }
}

impl std::io::Read for ReadOnce {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let pos = self.inner.position();
        let i = self.starts.partition_point(|&s| s <= pos).saturating_sub(1);
        let total = self.inner.get_ref().len() as u64;
        let end = self.starts.get(i + 1).copied().unwrap_or(total);
        let size = end.saturating_sub(self.starts[i]);
        if self.read[i] > size.saturating_mul(2).saturating_add(READ_SLACK) {
            return Err(std::io::Error::other(
                "this part of the workbook was read already: two sheets name it",
            ));
        }
        let n = self.inner.read(buf)?;
        self.read[i] += n as u64;
        Ok(n)
    }
}

impl std::io::Seek for ReadOnce {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(to)
    }
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
