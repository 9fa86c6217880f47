//! Located problems, their typed catalogue of codes, and rejected rows.

use serde::{Serialize, Serializer};
use std::fmt;

/// Where a problem is: file, sheet (XLSX), row (1-based line or Excel row) and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// Path of the file as given or found under a given folder.
    pub file: String,
    /// Sheet name, for workbooks.
    pub sheet: Option<String>,
    /// Row: the 1-based line where a CSV record starts, the Excel row number, or the JSON line.
    pub row: Option<u64>,
    /// Column: the header as written (CSV), `F (answer)` (XLSX), a JSON path or a character
    /// column for JSON syntax errors.
    pub column: Option<String>,
}

impl Location {
    /// A location naming only a file.
    pub fn file(file: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            sheet: None,
            row: None,
            column: None,
        }
    }
}

/// `file:sheet:row:column`, leaving out the parts that are unknown, so that it can be grepped
/// and pasted into an editor's "go to" box.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(s) = &self.sheet {
            write!(f, ":{s}")?;
        }
        if let Some(r) = self.row {
            write!(f, ":{r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ":{c}")?;
        }
        Ok(())
    }
}

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemSeverity {
    /// Data was rejected or a file could not be loaded.
    Error,
    /// Everything was loaded, but something deserves a look.
    Warning,
}

impl ProblemSeverity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($( $(#[$m:meta])* $var:ident = $name:literal, $sev:ident, $desc:literal, $zh:literal; )+) => {
        /// Every problem ingestion reports, with a stable kebab-case name (documented in
        /// `docs/formats.md`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ProblemCode { $( $(#[$m])* $var ),+ }

        impl ProblemCode {
            /// Every code, in documentation order.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$var),+];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$var => $name),+ }
            }

            /// A one-line description for documentation and `--explain`.
            pub fn description(self) -> &'static str {
                match self { $(Self::$var => $desc),+ }
            }

            /// The description in a language: the English one, or its Traditional Chinese
            /// (Taiwan) paraphrase, for suppliers who read `validate` and `scrm fill` in
            /// Chinese. The located message stays in English: it quotes values and names.
            pub fn description_in(self, lang: scrm_model::Lang) -> &'static str {
                match lang {
                    scrm_model::Lang::En => self.description(),
                    scrm_model::Lang::ZhTw => match self { $(Self::$var => $zh),+ },
                }
            }

            /// The default severity (strict mode reports every problem as an error).
            pub fn severity(self) -> ProblemSeverity {
                match self { $(Self::$var => ProblemSeverity::$sev),+ }
            }

            /// Looks a code up by its kebab-case name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($name => Some(Self::$var),)+ _ => None }
            }
        }
    };
}

codes! {
    /// A required column is absent.
    MissingColumn = "missing-column", Error, "A required column is missing from the header; the file is not loaded.", "標題列缺少必要欄位；檔案不載入。";
    /// Two header cells name the same column.
    DuplicateColumn = "duplicate-column", Error, "Two header cells name the same field; the file is not loaded.", "兩個標題儲存格指向同一欄位；檔案不載入。";
    /// A header is neither a known field nor a question id.
    UnknownColumn = "unknown-column", Error, "A wide-table header is neither a known field nor a question id; its non-blank cells are rejected.", "寬表的標題既不是已知欄位，也不是題目編號；該欄非空白的儲存格被拒絕。";
    /// Columns outside the format.
    ExtraColumns = "extra-columns", Warning, "Columns outside the format: kept as profile extras (profiles) or ignored (answers, exclusions).", "格式以外的欄位：在基本資料檔中保留為附加欄位，在回答與排除名單中略過。";
    /// Unknown question id.
    UnknownQuestion = "unknown-question", Error, "The question id is not in the catalog; the row is rejected.", "題目編號不在題庫中；該列被拒絕。";
    /// Unparseable answer.
    InvalidAnswer = "invalid-answer", Error, "The answer is not 0-5, yes, partial, no, na or blank; the row is rejected.", "回答不是 0-5、yes（是）、partial（部分）、no（否）、na（不適用）或空白；該列被拒絕。";
    /// Valid answer of the wrong kind.
    AnswerKindMismatch = "answer-kind-mismatch", Error, "The answer is valid but not of the kind the question asks for (maturity 0-5 vs yes/partial/no).", "回答本身有效，但不是此題要求的類型（成熟度 0-5 或 yes/partial/no）。";
    /// `na` where not allowed.
    NaNotAllowed = "na-not-allowed", Error, "The question does not allow 'na' (not applicable).", "此題不允許回答 na（不適用）。";
    /// Bad date.
    InvalidDate = "invalid-date", Error, "The date is not a valid YYYY-MM-DD date.", "日期不是有效的 YYYY-MM-DD 格式。";
    /// Bad enum value.
    InvalidEnum = "invalid-enum", Error, "The value is not one of the field's allowed values.", "值不在此欄位允許的選項中。";
    /// Bad country code.
    InvalidCountry = "invalid-country", Error, "The country is not an ISO 3166-1 alpha-2 code.", "國家不是 ISO 3166-1 二位字母代碼。";
    /// Blank vendor id.
    BlankVendorId = "blank-vendor-id", Error, "The vendor id is blank.", "供應商編號為空白。";
    /// A vendor twice in one profile file.
    DuplicateVendor = "duplicate-vendor", Error, "A vendor appears twice in one profile file; the later row is rejected.", "同一供應商在同一個基本資料檔中出現兩次；後面那一列被拒絕。";
    /// Conflicting duplicate answer.
    DuplicateConflict = "duplicate-conflict", Error, "A second, different answer to the same (vendor, question); the first in input order is kept, the later one rejected.", "同一（供應商、題目）有第二個不同的回答；保留輸入順序中的第一個，拒絕後者。";
    /// Identical duplicate answer.
    DuplicateIdentical = "duplicate-identical", Warning, "The same answer to the same (vendor, question) again; counted as accepted and merged into the first.", "同一（供應商、題目）的相同回答重複出現；視為已接受並併入第一個。";
    /// Supplier and buyer profile disagree.
    ProfileConflict = "profile-conflict", Warning, "Two profile sources disagree on a field; the buyer's profile file wins, otherwise the first source in input order.", "兩個基本資料來源對同一欄位不一致；以採購方的基本資料檔為準，否則以輸入順序中的第一個來源為準。";
    /// An exclusion's `reference` or `listed_on` cannot be read: the exclusion is kept without it.
    ExclusionDetailIgnored = "exclusion-detail-ignored", Warning, "An exclusion row's reference or listed_on cannot be read (not a date, not text, too long): the exclusion is kept (the supplier is still listed) and the field left empty.", "排除名單列的 reference 或 listed_on 無法讀取（不是日期、不是文字或過長）：該排除仍然有效（供應商仍在名單上），該欄位留空。";
    /// Field over the size limit.
    FieldTooLarge = "field-too-large", Error, "A field is larger than the field-size limit.", "欄位大小超過上限。";
    /// Row count over the limit.
    TooManyRows = "too-many-rows", Error, "The file has more data rows than the row limit; the rest of the file is not read.", "檔案的資料列數超過上限；其餘部分不讀取。";
    /// More problems than the limit.
    TooManyProblems = "too-many-problems", Error, "More problems than the problem limit: the rest are counted, not listed, and their rows are not in the rejects file; every row is still read.", "問題數量超過上限：其餘問題只計數不列出，其所在列也不寫入拒絕檔；每一列仍會讀取。";
    /// Header wider than the limit.
    TooManyColumns = "too-many-columns", Error, "A table's header, or a worksheet's cell, lies past the column limit; the table or worksheet is not read.", "表格標題或工作表儲存格超出欄數上限；該表格或工作表不讀取。";
    /// Workbook too large when decompressed.
    XlsxTooLarge = "xlsx-too-large", Error, "The workbook's decompressed size, or what a sheet takes once read, exceeds the XLSX size limit; it is not opened, or the sheet is not read.", "活頁簿解壓縮後的大小，或工作表讀取後所需的空間，超過 XLSX 大小上限；不開啟，或不讀取該工作表。";
    /// Suspicious compression ratio.
    XlsxRatio = "xlsx-ratio", Error, "A workbook part is compressed more than the ratio limit allows (zip bomb guard); it is not opened.", "活頁簿某部分的壓縮比超過上限（防範壓縮炸彈）；不開啟。";
    /// A sheet with no recognizable header.
    SkippedSheet = "skipped-sheet", Warning, "A worksheet has no vendor_id or question_id header; it is skipped.", "工作表沒有 vendor_id 或 question_id 標題；略過。";
    /// JSON nested too deeply.
    JsonTooDeep = "json-too-deep", Error, "The JSON document nests deeper than the depth limit; it is not parsed.", "JSON 文件巢狀層數超過上限；不解析。";
    /// JSON document over the size limit.
    JsonTooLarge = "json-too-large", Error, "A JSON document (or JSON Lines line) is larger than the JSON size limit; it is not parsed.", "JSON 文件（或 JSON Lines 的一行）超過 JSON 大小上限；不解析。";
    /// JSON syntax error.
    JsonSyntax = "json-syntax", Error, "The JSON text is not well formed.", "JSON 文字格式不正確。";
    /// JSON of the wrong shape.
    JsonSchema = "json-schema", Error, "The JSON document does not match the supplier schema (docs/schema/supplier.schema.json).", "JSON 文件不符合供應商結構描述（docs/schema/supplier.schema.json）。";
    /// Invalid bytes for the encoding.
    Encoding = "encoding", Error, "Bytes that are not valid in the file's encoding; the row is rejected.", "有位元組在檔案的編碼中無效；該列被拒絕。";
    /// A legacy encoding guessed.
    EncodingGuessed = "encoding-guessed", Warning, "The file is neither UTF-8 nor marked with a BOM, and no encoding was named: its encoding was guessed, and its text decoded from the encoding named.", "檔案不是 UTF-8，也沒有位元組順序記號（BOM），且未指定編碼：其編碼係推測而得，文字依所列編碼解碼。";
    /// Bytes replaced while transcoding.
    EncodingReplaced = "encoding-replaced", Warning, "Some bytes could not be decoded from the detected or given legacy encoding and were replaced by U+FFFD.", "部分位元組無法以偵測到或指定的舊式編碼解碼，已替換為 U+FFFD。";
    /// Wrong number of fields.
    UnequalFields = "unequal-fields", Error, "The row has fewer fields than the header, or non-blank fields past it.", "該列的欄位比標題少，或在標題之後還有非空白欄位。";
    /// A quote that opens a field and is never closed.
    UnclosedQuote = "unclosed-quote", Error, "A quote opens a field and is not closed before the end of the file; the row is rejected up to the end of the quote's line, and the lines after it are read as rows.", "欄位的開頭引號直到檔案結尾都沒有對應的結束引號；該列（至引號所在行的行尾為止）被拒絕，其後各行照常讀取為資料列。";
    /// Empty file.
    EmptyFile = "empty-file", Warning, "The file is empty.", "檔案是空的。";
    /// I/O failure or undecodable container.
    UnreadableFile = "unreadable-file", Error, "The file could not be read or opened.", "無法讀取或開啟檔案。";
    /// Unsupported extension.
    UnsupportedFile = "unsupported-file", Error, "A file named on the command line has an extension scrm does not read.", "命令列指定的檔案副檔名不是 scrm 可讀取的格式。";
    /// An adapter finds no table in a file.
    AdapterNoTable = "adapter-no-table", Error, "Read through an adapter, the file has no sheet with the adapter's header (its question and answer columns); it is not loaded.", "透過轉接器讀取時，檔案中沒有含轉接器標題（題目與回答欄）的工作表；不載入。";
    /// Foreign questions an adapter neither maps nor ignores.
    UnmappedQuestion = "unmapped-question", Warning, "Read through an adapter, the table holds questions the adapter neither maps nor ignores; their answers are not used.", "透過轉接器讀取時，表格中有轉接器既未對應也未略過的題目；其回答不使用。";
    /// Foreign questions an adapter maps but the file lacks.
    MissingMappedQuestion = "missing-mapped-question", Warning, "Read through an adapter, the file lacks foreign questions the adapter maps; the scrm questions they feed are answered from the rest, or left unanswered.", "透過轉接器讀取時，檔案缺少轉接器所對應的外部題目；其對應的 scrm 題目由其餘回答計算，或維持未回答。";
    /// A sheet another adapter would read, left unread.
    AdapterSheetLeft = "adapter-sheet-left", Warning, "Read through several adapters, a workbook has a sheet that an adapter other than the one reading the file would read; the sheet is not read.", "以多個轉接器讀取時，活頁簿中有一個工作表應由另一個轉接器讀取；該工作表不讀取。";
    /// A symbolic link inside a folder.
    LinkNotFollowed = "link-not-followed", Warning, "A symbolic link found in a folder is not followed: it may lead outside the folder. Name the file it points to, to read it.", "資料夾中的符號連結不會被追蹤：它可能指向資料夾之外。若要讀取，請直接指定其指向的檔案。";
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ProblemCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One located, explained problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// What kind of problem.
    pub code: ProblemCode,
    /// Error or warning (every problem is an error in strict mode).
    pub severity: ProblemSeverity,
    /// Where.
    pub location: Location,
    /// The offending value as read (untrusted supplier text).
    pub value: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it: the valid values or a did-you-mean.
    pub help: Option<String>,
}

/// A row set aside: where it was, why, and the row as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    /// Where the row was.
    pub location: Location,
    /// The first reason's code.
    pub code: ProblemCode,
    /// Every reason, joined with `; `.
    pub reason: String,
    /// The row's fields as read. For a wide-table cell, a JSON answer and a conflicting
    /// duplicate, the answer in the long layout
    /// `vendor_id,question_id,answer,evidence,evidence_date,comment`.
    pub original: Vec<String>,
}
