//! Writes a history run's `results.parquet` with its row groups encoded and compressed side by
//! side.
//!
//! The file is mostly its `result_json` column (about 3 KB a vendor), and compressing it was the
//! last, single-threaded part of recording a run: polars' batched writer encodes the columns of
//! a row group in parallel but compresses their pages lazily, one after the other, as the file
//! pulls them. Here each row group of [`RESULT_GROUP_ROWS`] rows is read back from the spill,
//! built into a frame, encoded and compressed on its own core, and the pages are written in row
//! order through the same writer, options and metadata as before. The bytes depend on the data
//! alone, never on the thread count.

use crate::HistoryError;
use crate::store::{StoredResult, Summing};
use crate::table::{
    FlatRow, RESULT_JSON_COLUMN, decode, flat_columns, flat_frame, flat_rows, parquet_writer,
    str_col,
};
use polars::prelude::*;
use polars_parquet::parquet::CowBuffer;
use polars_parquet::parquet::error::ParquetResult;
use polars_parquet::parquet::page::Page;
use polars_parquet::write::{
    CompressedPage, CompressionOptions, Encoding, ParquetType, StatisticsOptions, Version,
    WriteOptions, ZstdLevel, array_to_columns, compress, to_parquet_schema,
};
use rayon::prelude::*;
use scrm_model::RunManifest;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// Rows per row group of `results.parquet`: about 50 MB of JSON before compression, so that a
/// run of 100,000 vendors gives both cores several groups, and compression stays as good as with
/// larger groups (zstd's window is far smaller than a group).
pub(crate) const RESULT_GROUP_ROWS: usize = 16_384;

/// Row groups encoded at once: what waits in memory to be written is this many groups'
/// compressed pages (about 12 MB each at 16,384 vendors), and each core holds one group's
/// JSON twice while it builds the group's frame (about 100 MB).
const GROUPS_IN_FLIGHT: usize = 4;

/// Reads the `results.parquet` at `path` a row group at a time, as it was written: `map` gets
/// each group's flat rows (every enum and date checked) and result JSON, and `fold` what it
/// made, in the file's order. What is held at once is a few groups', not the file's (3 GB of
/// JSON at a million vendors).
///
/// As many groups as the pool has threads, up to [`GROUPS_IN_FLIGHT`], are read and mapped side
/// by side: one group's JSON column is decompressed and decoded on one core, and a nightly
/// run's cache, loaded a group after another, kept the second core idle for the first second of
/// a 100k run. The cap keeps memory to a few groups' (about 150 MB each while read) on a machine
/// of many cores.
pub(crate) fn for_each_group<T: Send>(
    path: &Path,
    map: impl Fn(Vec<FlatRow>, Vec<&str>) -> Result<T, HistoryError> + Sync,
    mut fold: impl FnMut(T) -> Result<(), HistoryError>,
) -> Result<(), HistoryError> {
    let mut columns: Vec<String> = flat_columns().into_iter().map(str::to_string).collect();
    columns.push(RESULT_JSON_COLUMN.to_string());
    let window = rayon::current_num_threads().clamp(1, GROUPS_IN_FLIGHT);
    let mut offset = 0;
    loop {
        let groups = (0..window)
            .into_par_iter()
            .map(|i| {
                let part = read_group(path, &columns, offset + i * RESULT_GROUP_ROWS)?;
                let rows = part.height();
                if rows == 0 {
                    return Ok((0, None));
                }
                let flat = flat_rows(&part, path)?;
                let json = str_col(&part, RESULT_JSON_COLUMN, path)?;
                let made = map(flat, json.iter().map(Option::unwrap_or_default).collect())?;
                Ok((rows, Some(made)))
            })
            .collect::<Result<Vec<(usize, Option<T>)>, HistoryError>>()?;
        for (rows, made) in groups {
            let Some(made) = made else {
                return Ok(());
            };
            fold(made)?;
            offset += rows;
            // A short group is the file's last (groups after it in the window read nothing).
            if rows < RESULT_GROUP_ROWS {
                return Ok(());
            }
        }
    }
}

/// The rows of `results.parquet` from `offset` on, one row group's worth.
fn read_group(path: &Path, columns: &[String], offset: usize) -> Result<DataFrame, HistoryError> {
    let file = File::open(path).map_err(HistoryError::io(path))?;
    decode(path, || {
        ParquetReader::new(file)
            .with_columns(Some(columns.to_vec()))
            .with_slice(Some((offset, RESULT_GROUP_ROWS)))
            .finish()
    })
}

/// One row group: its row count and each leaf column's compressed pages.
type Encoded = (u64, Vec<Vec<CompressedPage>>);

/// Writes `results.parquet` at `path` for `rows` (in the file's order), then syncs it; returns
/// the checksum of its bytes (`xxh3-128:…`), taken as they are written.
pub(crate) fn write_results_file(
    path: &Path,
    manifest: &RunManifest,
    rows: &[&StoredResult],
) -> Result<String, HistoryError> {
    let what = path.display().to_string();
    let err = || HistoryError::parquet(&what);
    let file = File::create(path).map_err(HistoryError::io(path))?;
    let mut buf = Summing::new(BufWriter::with_capacity(1 << 20, file));
    {
        let empty = flat_frame(&[], Some(Vec::new())).map_err(err())?;
        // The fastest zstd level: the `result_json` column is most of the file and of the time it
        // takes to write, and level 3 made it only a little smaller.
        let level = ZstdLevel::try_new(1).ok();
        let mut w = parquet_writer(&mut buf, manifest)?
            .with_compression(ParquetCompression::Zstd(level))
            .batched(empty.schema())
            .map_err(err())?;
        // What polars' writer derives from the same schema and options (`ParquetWriter::batched`).
        let arrow = empty.schema().to_arrow(CompatLevel::newest());
        let columns = Columns {
            types: to_parquet_schema(&arrow).map_err(err())?.fields().to_vec(),
            encodings: polars::prelude::get_encodings(&arrow).to_vec(),
            options: WriteOptions {
                statistics: StatisticsOptions::default(),
                compression: CompressionOptions::Zstd(level),
                version: Version::V1,
                data_page_size: None,
            },
        };
        for window in rows.chunks(RESULT_GROUP_ROWS * GROUPS_IN_FLIGHT) {
            let groups = window
                .par_chunks(RESULT_GROUP_ROWS)
                .map(|group| columns.encode(group, &what))
                .collect::<Result<Vec<Encoded>, HistoryError>>()?;
            for (n, pages) in &groups {
                w.write_row_group(*n, pages).map_err(err())?;
            }
        }
        w.finish().map_err(err())?;
    }
    let checksum = buf.checksum();
    let file = buf
        .inner
        .into_inner()
        .map_err(|e| HistoryError::io(path)(e.into_error()))?;
    file.sync_all().map_err(HistoryError::io(path))?;
    Ok(checksum)
}

/// How each column of the table is written.
struct Columns {
    types: Vec<ParquetType>,
    encodings: Vec<Vec<Encoding>>,
    options: WriteOptions,
}

impl Columns {
    /// One row group: read back, built into a frame, encoded and compressed.
    fn encode(&self, rows: &[&StoredResult], what: &str) -> Result<Encoded, HistoryError> {
        let err = || HistoryError::parquet(what);
        let read = rows
            .iter()
            .map(|r| r.row_and_json())
            .collect::<Result<Vec<_>, HistoryError>>()?;
        let flat: Vec<&FlatRow> = read.iter().map(|(row, _)| &**row).collect();
        let json: Vec<&str> = read.iter().map(|(_, j)| &**j).collect();
        let mut df = flat_frame(&flat, Some(json)).map_err(err())?;
        df.rechunk_mut();
        let mut pages = Vec::new();
        for batch in df.iter_chunks(CompatLevel::newest(), false) {
            for ((array, ty), enc) in batch.columns().iter().zip(&self.types).zip(&self.encodings) {
                for leaf in array_to_columns(array, ty.clone(), self.options, enc).map_err(err())? {
                    let compressed = leaf
                        .map(|page| {
                            let page = page.map_err(err())?;
                            compress_page(page, self.options.compression)
                                .map_err(|e| err()(PolarsError::from(e)))
                        })
                        .collect::<Result<Vec<CompressedPage>, HistoryError>>()?;
                    pages.push(compressed);
                }
            }
        }
        Ok((rows.len() as u64, pages))
    }
}

/// Compresses one page with `polars_parquet`'s `compress`, then fits its buffer to the
/// compressed size. `compress` leaves a page's buffer at zstd's bound, about the page's own size
/// (1 MB) for some 230 KB of compressed JSON, and a group's pages wait in those buffers until they
/// are written: a fresh 50 MB a group for the kernel to clear, about a third of the time spent
/// writing the file, and 150 MB more at the peak of a 100k run. Fitted at once, each page's large
/// buffer is free again for the next page. The same bytes either way.
fn compress_page(page: Page, options: CompressionOptions) -> ParquetResult<CompressedPage> {
    let mut page = compress(page, Vec::new(), options)?;
    // Dictionary pages are a column's distinct values: small, and left as they are.
    if let CompressedPage::Data(p) = &mut page
        && let CowBuffer::Owned(buffer) = p.slice_mut()
    {
        buffer.shrink_to_fit();
    }
    Ok(page)
}
