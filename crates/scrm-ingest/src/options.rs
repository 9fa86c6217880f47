//! Ingestion options and the resource limits that keep hostile or broken files from exhausting
//! memory or time.

/// Resource limits. Exceeding one is a located error, never a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted field (CSV field, cell text, JSON string), in bytes. Default 64 KiB.
    pub max_field_bytes: usize,
    /// Most data rows read from one file; the rest of the file is not read. Default 1,000,000,000 (about 5 million vendors of 200 answers).
    pub max_rows: u64,
    /// Most columns in a table's header; a wider table is not read. Default 16,384, Excel's own
    /// limit: each header cell that names no question is matched against the catalog for a
    /// did-you-mean, and a hostile header of a million cells would take that many times longer.
    pub max_columns: usize,
    /// Most problems listed, and rejected rows kept for the rejects file, over all inputs. Past
    /// it, problems are counted by file and code but not kept, and one `too-many-problems`
    /// problem per file says how many; every row is still read, and the counts stay whole.
    /// Default 100,000: each kept problem and rejected row costs about a kilobyte, and a
    /// portfolio read without its buyer's catalog overlay rejects nearly half its rows (at a
    /// million vendors, some 90 million).
    pub max_problems: usize,
    /// Largest total decompressed size of an XLSX workbook, in bytes. Default 256 MiB.
    pub max_xlsx_bytes: u64,
    /// Largest decompressed:compressed ratio of one XLSX part larger than 1 MiB. Default 100.
    pub max_xlsx_ratio: u64,
    /// Deepest nesting of arrays and objects in a JSON document. Default 64.
    pub max_json_depth: usize,
    /// Largest JSON document (a `.json` file, or one line of JSON Lines), in bytes; a larger
    /// one is not parsed. Default 64 MiB: a supplier's document is tens of kilobytes, and a
    /// document is held whole while it is parsed.
    pub max_json_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_field_bytes: 64 * 1024,
            max_rows: 1_000_000_000,
            max_columns: 16_384,
            max_problems: 100_000,
            max_xlsx_bytes: 256 * 1024 * 1024,
            max_xlsx_ratio: 100,
            max_json_depth: 64,
            max_json_bytes: 64 * 1024 * 1024,
        }
    }
}

/// How to read inputs.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Encoding of text files; `None` detects it (BOM, then UTF-8, then a guess by `chardetng`).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// CSV delimiter; `None` sniffs it on the header line (comma, semicolon or tab).
    pub delimiter: Option<u8>,
    /// Report every problem, warnings included, as an error (the caller decides the exit code).
    pub strict: bool,
    /// Resource limits.
    pub limits: Limits,
    /// Size of the blocks a CSV file is read and parsed in, in bytes (default 2 MiB). Long CSV
    /// blocks are parsed in parallel; results do not depend on this value or on the thread count.
    /// Four blocks per thread are in flight, and as many read ahead: 2 MiB keeps that (and the
    /// pages the kernel must clear for it) at 32 MiB on two cores, and was about 4 % faster than
    /// 4 MiB at 100k vendors (benches/README.md).
    pub chunk_bytes: usize,
    /// The digest recorded of each input file's bytes (SHA-256 unless asked otherwise).
    pub input_digest: crate::InputDigest,
    /// Read every input (not the buyer's profile and exclusion files) as a foreign
    /// questionnaire, each file through the first of these adapters that finds its table there
    /// (CSV and XLSX files only). Empty: the inputs are scrm's own formats.
    pub adapters: Vec<std::sync::Arc<scrm_adapter::Adapter>>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        Self {
            encoding: None,
            delimiter: None,
            strict: false,
            limits: Limits::default(),
            chunk_bytes: 2 * 1024 * 1024,
            input_digest: crate::InputDigest::Sha256,
            adapters: Vec::new(),
        }
    }
}
