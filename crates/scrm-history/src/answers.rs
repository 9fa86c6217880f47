//! The history's answers file (`vendor_id`, `question_id`, `answer`; one row an answer),
//! written with its three columns already dictionary-encoded.
//!
//! Through a polars frame, each of the 21 million values of a 100k-vendor run went into a string
//! view, a cardinality estimate and a hash group-by that found again the few hundred distinct
//! values the run knew all along: three seconds, the longest part of recording a run. Here each
//! row is three small integers: the vendor's place among the row group's vendors (they come in
//! order), the question's in the row group's questions, and the answer's among the ten
//! canonical spellings. Readers see plain string columns, as before.

use crate::HistoryError;
use crate::store::{AnswerValues, RecordedAnswers};
use polars_arrow::array::{Array, DictionaryArray, PrimitiveArray, Utf8ViewArray};
use polars_arrow::bitmap::MutableBitmap;
use polars_arrow::datatypes::{ArrowDataType, ArrowSchema, Field, IntegerType};
use polars_arrow::record_batch::RecordBatchT;
use polars_parquet::write::{
    CompressionOptions, Encoding, FileWriter, KeyValue, StatisticsOptions, Version, WriteOptions,
    row_group_iter, to_parquet_schema,
};
use rustc_hash::FxHashMap;
use scrm_model::{AnswerValue, QuestionId};
use std::io::Write;
use std::sync::Arc;

/// Answer rows per row group (and per dictionary): a row group's vendors and questions are a
/// few thousand and a few hundred.
const ROWS: usize = 1 << 18;

/// The answers a cell can hold, in the order of their keys ([`answer_key`]); the dictionary is
/// their canonical spellings ([`AnswerValue::canonical_str`]).
const ORDER: [AnswerValue; 10] = [
    AnswerValue::Maturity(0),
    AnswerValue::Maturity(1),
    AnswerValue::Maturity(2),
    AnswerValue::Maturity(3),
    AnswerValue::Maturity(4),
    AnswerValue::Maturity(5),
    AnswerValue::Yes,
    AnswerValue::Partial,
    AnswerValue::No,
    AnswerValue::NotApplicable,
];

/// An answer's key in [`ORDER`]; `None` (a null cell) for a blank answer and for a level
/// outside 0-5, which parsing never makes.
fn answer_key(v: AnswerValue) -> Option<u32> {
    Some(match v {
        AnswerValue::Maturity(n) if n <= 5 => u32::from(n),
        AnswerValue::Maturity(_) | AnswerValue::Unanswered => return None,
        AnswerValue::Yes => 6,
        AnswerValue::Partial => 7,
        AnswerValue::No => 8,
        AnswerValue::NotApplicable => 9,
    })
}

/// The rows of one row group, as dictionary keys.
#[derive(Default)]
struct Group<'a> {
    vendors: Vec<&'a str>,
    vendor_keys: Vec<u32>,
    questions: Vec<&'static str>,
    /// By [`QuestionId::key`]: an interned id's address hashes in one multiplication, where its
    /// text took a few percent of a nightly run (21 million answers at 100k vendors).
    question_index: FxHashMap<usize, u32>,
    question_keys: Vec<u32>,
    answer_keys: Vec<u32>,
    answered: MutableBitmap,
}

impl<'a> Group<'a> {
    fn push(&mut self, vendor: &'a str, q: QuestionId, value: AnswerValue) {
        if self.vendors.last() != Some(&vendor) {
            self.vendors.push(vendor);
        }
        self.vendor_keys.push(self.vendors.len() as u32 - 1);
        let next = self.questions.len() as u32;
        let key = *self.question_index.entry(q.key()).or_insert(next);
        if key == next {
            self.questions.push(q.as_str());
        }
        self.question_keys.push(key);
        let a = answer_key(value);
        self.answer_keys.push(a.unwrap_or(0));
        self.answered.push(a.is_some());
    }

    fn len(&self) -> usize {
        self.vendor_keys.len()
    }

    /// The group's three columns, leaving it empty for the next.
    fn take(&mut self) -> Result<RecordBatchT<Box<dyn Array>>, HistoryError> {
        let g = std::mem::take(self);
        let n = g.vendor_keys.len();
        let column = |keys: Vec<u32>, valid: Option<MutableBitmap>, values: &[&str]| {
            let keys =
                PrimitiveArray::new(ArrowDataType::UInt32, keys.into(), valid.map(Into::into));
            let values = Utf8ViewArray::from_slice_values(values).boxed();
            DictionaryArray::try_from_keys(keys, values, false).map(|d| d.boxed())
        };
        let spellings = ORDER.map(AnswerValue::canonical_str);
        let answers = spellings.each_ref().map(|s| &**s);
        let arrays = vec![
            column(g.vendor_keys, None, &g.vendors),
            column(g.question_keys, None, &g.questions),
            column(g.answer_keys, Some(g.answered), &answers),
        ]
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(HistoryError::parquet("answers.parquet"))?;
        Ok(RecordBatchT::new(n, Arc::new(schema()), arrays))
    }
}

/// The file's columns: strings, dictionary-encoded; only `answer` has nulls (blank answers).
fn schema() -> ArrowSchema {
    let dict = ArrowDataType::Dictionary(
        IntegerType::UInt32,
        Box::new(ArrowDataType::Utf8View),
        false,
    );
    ArrowSchema::from_iter([
        Field::new("vendor_id".into(), dict.clone(), false),
        Field::new("question_id".into(), dict.clone(), false),
        Field::new("answer".into(), dict, true),
    ])
}

/// Writes every vendor's answers, vendors in the order given, with `metadata` as the file's
/// key-value metadata, a row group at a time. Returns the number of rows.
pub(crate) fn write_answers<A: RecordedAnswers, W: Write>(
    vendors: &[&A],
    metadata: Vec<KeyValue>,
    w: W,
) -> Result<u64, HistoryError> {
    let what = "answers.parquet";
    let options = WriteOptions {
        statistics: StatisticsOptions::default(),
        compression: CompressionOptions::Zstd(None),
        version: Version::V1,
        data_page_size: None,
    };
    let schema = schema();
    let parquet_schema = to_parquet_schema(&schema).map_err(HistoryError::parquet(what))?;
    let mut file = FileWriter::new_with_parquet_schema(w, schema, parquet_schema.clone(), options);
    let mut write = |g: &mut Group<'_>| {
        let n = g.len() as u64;
        let batch = g.take()?;
        let encodings = vec![vec![Encoding::RleDictionary]; 3];
        let columns = row_group_iter(
            batch,
            encodings.into(),
            parquet_schema.fields().to_vec(),
            options,
        );
        file.write(n, columns).map_err(HistoryError::parquet(what))
    };
    let mut g = Group::default();
    let mut total = 0u64;
    for v in vendors {
        let answers: AnswerValues<'_> = v.answer_values()?;
        for (q, value) in answers {
            g.push(v.vendor_id().as_str(), q, value);
            total += 1;
        }
        // A vendor's rows stay in one group: its key is its place in the group's list.
        if g.len() >= ROWS {
            write(&mut g)?;
        }
    }
    if g.len() > 0 {
        write(&mut g)?;
    }
    file.end(Some(metadata))
        .map_err(HistoryError::parquet(what))?;
    Ok(total)
}

/// Every answer value, with maturity levels 0 to `max_level` (for tests of encodings).
#[cfg(test)]
pub(crate) fn every_value(max_level: u8) -> Vec<AnswerValue> {
    let mut all = AnswerValue::WORDS.to_vec();
    all.extend((0..=max_level).map(AnswerValue::Maturity));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_keys_spell_the_canonical_values() {
        for v in every_value(7) {
            let want = (v.is_answered() && !matches!(v, AnswerValue::Maturity(6..)))
                .then(|| v.canonical());
            let got = answer_key(v).map(|k| ORDER[k as usize].canonical());
            assert_eq!(got, want, "{v:?}");
        }
    }
}
