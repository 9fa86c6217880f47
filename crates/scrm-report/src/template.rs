//! Supplier questionnaire templates: the XLSX workbook suppliers fill in, a long CSV and a JSON
//! skeleton, each optionally prefilled from a known supplier.
//!
//! # XLSX layout (the ingest crate reads exactly this)
//!
//! * Sheets [`TemplateSheets`]: `Instructions`, `Profile`, `Questionnaire`; in zh-TW the names get
//!   a localized suffix after a space (`Instructions 說明`, `Profile 基本資料`, `Questionnaire 問卷`).
//! * Header cells are the localized label followed by the machine key in parentheses
//!   (`Answer (answer)`, `回答 (answer)`): readers match on the key inside the last parentheses.
//! * `Profile`: row 1 = `field | label | value | help`; rows 2-9 hold [`PROFILE_KEYS`] in
//!   column A (machine key), the localized label in B, the value in C (empty or prefilled) and
//!   the allowed values or format in D (prefilled from a document, its profile fields outside
//!   the format follow, one a row, key in A). C has dropdowns for `criticality`, `ai_role` and
//!   `data_access` (canonical English values in both languages) and date validation on
//!   `assessed_on`. `certifications` are separated by `;`.
//! * `Questionnaire`: row 1 = [`QUESTIONNAIRE_KEYS`]; one row per question that applies to the
//!   role, in catalog order (then, prefilled from a document, the rows of its answers the sheet
//!   does not list: see below). `answer` has a dropdown by answer kind: maturity `0`-`5` (+ `na`),
//!   yes/partial/no `yes`, `partial`, `no` (+ `na`); in zh-TW the words are `是`, `部分`, `否`,
//!   `不適用` (digits unchanged). `evidence_date` has date validation. Prefilled maturity answers
//!   are numbers and dates are date cells formatted `yyyy-mm-dd`, as if a person had typed them;
//!   readers must accept numbers, text and dates in those cells.
//! * Both data sheets are protected **without a password** (the Instructions sheet says so): the
//!   question columns are locked, `value` / `answer`, `evidence`, `evidence_date`, `comment` are
//!   not. The aim is to prevent accidents, not to enforce anything.
//!
//! # Long CSV
//!
//! Columns [`TEMPLATE_CSV_COLUMNS`], one row per applicable question. `vendor_id` and the answer
//! columns are empty unless prefilled: the supplier writes its vendor id on every row. Answers
//! use canonical spellings (`yes`, `3`, `na`) whatever the language; CSV is a machine format.
//!
//! # JSON
//!
//! A [`scrm_model::SupplierDocument`] with `format: "scrm-supplier/1"`, the profile (empty strings
//! to fill, or prefilled) and one answer per applicable question.
//!
//! When `role` is `None` the prefilled supplier's AI role is used; when both are unknown every
//! question is listed (the most demanding reading).
//!
//! # Prefill
//!
//! The XLSX template is prefilled from a [`Prefill`]: a supplier as read (`Vendor`: the values
//! ingestion accepted, in canonical spelling, what [`write_template_xlsx`] takes), or a supplier
//! document as typed (`Document`: the `scrm fill` page's XLSX download). A document's every value
//! is written, valid or not: valid ones as above (numbers, the language's words, date cells),
//! the others as the text typed, neutralized, so the supplier sees and fixes them in Excel and
//! scrm's reader finds in them the problems it finds in the JSON document. The sheet lists the
//! questions of the document's AI role when it is a valid one; its answers are matched to them
//! by canonical id (any spelling the catalog accepts).
//!
//! **Answers the sheet does not list** (to another role's question, a second answer to a listed
//! question, an unknown question id) are neither dropped nor listed apart: each is a row below
//! the listed questions, in the document's order, with its question's cells when the catalog
//! has it, and in the `guidance` cell a note saying why the row is there (an unknown id is in
//! an unlocked cell, to be corrected). Being rows of the one answer table, they read back as
//! the document reads: the other role's answer is kept, the unknown id is the same
//! `unknown-question` problem, the second answer the same duplicate. A blank answer to a known
//! question carries nothing and is left out. The CSV and JSON templates are prefilled from a
//! supplier as read only.

use crate::ReportError;
use crate::cell::{neutralize_cell, str_width, truncate_utf16};
use crate::i18n::{L, header, l, scale_lines};
use crate::xlsx_out::{CELL_MAX, col, row};
use chrono::Datelike;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, ProtectionOptions, Workbook, Worksheet,
};
use scrm_model::{
    AiRole, Answer, AnswerKind, AnswerValue, Criticality, DataAccess, Lang, Question,
    SupplierAnswer, SupplierDocument, SupplierProfileDoc, Vendor,
};

mod prefill;
pub use prefill::Prefill;
use prefill::{AnswerCells, Cell, Placed, Stray};

/// Machine keys of the `Profile` rows, in row order (rows 2-9).
pub use scrm_model::columns::PROFILE_COLUMNS as PROFILE_KEYS;

/// Machine keys of the `Questionnaire` columns, in column order.
pub const QUESTIONNAIRE_KEYS: [&str; 9] = [
    "question_id",
    "topic",
    "question",
    "guidance",
    "answer_kind",
    "answer",
    "evidence",
    "evidence_date",
    "comment",
];

/// Columns of the long CSV template: the long answers layout.
pub use scrm_model::columns::LONG_ANSWER_COLUMNS as TEMPLATE_CSV_COLUMNS;

/// The three template sheet names of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateSheets {
    /// How to fill the template, the answer scale, the catalog version.
    pub instructions: &'static str,
    /// The supplier profile (key, label, value, help).
    pub profile: &'static str,
    /// One row per question.
    pub questionnaire: &'static str,
}

/// The template sheet names in `lang` (`Questionnaire`, or `Questionnaire 問卷` in zh-TW).
pub fn template_sheets(lang: Lang) -> TemplateSheets {
    let t = l(lang);
    TemplateSheets {
        instructions: t.sheet_instructions,
        profile: t.sheet_profile,
        questionnaire: t.sheet_questionnaire,
    }
}

/// An answer as written in `lang`: digits for maturity, `yes`/`partial`/`no`/`na` in English,
/// `是`/`部分`/`否`/`不適用` in zh-TW; `None` for unanswered. `AnswerValue::parse` reads all of them.
pub fn answer_word(v: AnswerValue, lang: Lang) -> Option<String> {
    let w = match (v, lang) {
        (AnswerValue::Unanswered, _) => return None,
        (AnswerValue::Maturity(n), _) => return Some(n.to_string()),
        (AnswerValue::Yes, Lang::En) => "yes",
        (AnswerValue::Partial, Lang::En) => "partial",
        (AnswerValue::No, Lang::En) => "no",
        (AnswerValue::NotApplicable, Lang::En) => "na",
        (AnswerValue::Yes, Lang::ZhTw) => "是",
        (AnswerValue::Partial, Lang::ZhTw) => "部分",
        (AnswerValue::No, Lang::ZhTw) => "否",
        (AnswerValue::NotApplicable, Lang::ZhTw) => "不適用",
    };
    Some(w.to_string())
}

/// The dropdown values of a question's answer cell.
fn answer_choices(kind: AnswerKind, na: bool, lang: Lang) -> Vec<String> {
    let mut v: Vec<AnswerValue> = match kind {
        AnswerKind::Maturity => (0..=5).map(AnswerValue::Maturity).collect(),
        AnswerKind::YesPartialNo => vec![AnswerValue::Yes, AnswerValue::Partial, AnswerValue::No],
    };
    if na {
        v.push(AnswerValue::NotApplicable);
    }
    v.into_iter().filter_map(|a| answer_word(a, lang)).collect()
}

fn effective_role(role: Option<AiRole>, prefill: Option<&Vendor>) -> Option<AiRole> {
    role.or_else(|| prefill.and_then(|v| v.profile.ai_role))
}

fn applicable(questions: &[Question], role: Option<AiRole>) -> Vec<&Question> {
    questions.iter().filter(|q| q.applies_to(role)).collect()
}

fn prefill_answer<'a>(prefill: Option<&'a Vendor>, q: &Question) -> Option<&'a Answer> {
    prefill.and_then(|v| v.answers.get(&q.id))
}

fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, ReportError> {
    Ok(ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        u8::try_from(d.month()).unwrap_or(1),
        u8::try_from(d.day()).unwrap_or(1),
    )?)
}

struct Fmt {
    header: Format,
    title: Format,
    bold_wrap: Format,
    wrap: Format,
    locked_wrap: Format,
    input: Format,
    input_wrap: Format,
    input_date: Format,
}

impl Fmt {
    fn new() -> Self {
        let input = Format::new()
            .set_unlocked()
            .set_background_color(Color::RGB(0xFFF9E6))
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xD9D9D9))
            .set_align(FormatAlign::Top);
        Self {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0x1F3A5F))
                .set_font_color(Color::White)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            title: Format::new().set_bold().set_font_size(14),
            bold_wrap: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            locked_wrap: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0xF3F6FA)),
            input_wrap: input.clone().set_text_wrap(),
            input_date: input.clone().set_num_format("yyyy-mm-dd"),
            input,
        }
    }
}

/// Writes untrusted text into a template cell: neutralized, within Excel's limit, as a string.
fn put(ws: &mut Worksheet, r: u32, c: u16, s: &str, f: &Format) -> Result<(), ReportError> {
    let n = neutralize_cell(s);
    ws.write_string_with_format(r, c, truncate_utf16(&n, CELL_MAX), f)?;
    Ok(())
}

/// Lines a wrapped cell needs at a column width (in characters), for row heights.
fn lines_needed(s: &str, width: f64) -> usize {
    let w = width.max(1.0) as usize;
    s.split('\n')
        .map(|line| str_width(line).div_ceil(w.saturating_sub(1).max(1)).max(1))
        .sum()
}

/// Writes the XLSX questionnaire template (see the module docs for the exact layout),
/// prefilled from a supplier as read (its valid answers), if any.
pub fn write_template_xlsx(
    questions: &[Question],
    lang: Lang,
    role: Option<AiRole>,
    prefill: Option<&Vendor>,
    catalog_version: &str,
) -> Result<Vec<u8>, ReportError> {
    write_template_xlsx_prefilled(
        questions,
        lang,
        role,
        prefill.map(Prefill::Vendor),
        catalog_version,
    )
}

/// Writes the XLSX questionnaire template prefilled from a supplier as read or a document as
/// typed ([`Prefill`]): see the module docs for the layout and for what is written where.
pub fn write_template_xlsx_prefilled(
    questions: &[Question],
    lang: Lang,
    role: Option<AiRole>,
    prefill: Option<Prefill<'_>>,
    catalog_version: &str,
) -> Result<Vec<u8>, ReportError> {
    let t = l(lang);
    let f = Fmt::new();
    let role = role.or_else(|| prefill.and_then(Prefill::role));
    let mut wb = Workbook::new();
    // A fixed creation date keeps the bytes reproducible.
    let when = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(t.i_title)
            .set_author("scrm")
            .set_creation_datetime(&when),
    );
    instructions_sheet(
        wb.add_worksheet().set_name(t.sheet_instructions)?,
        t,
        lang,
        role,
        catalog_version,
        &f,
    )?;
    profile_sheet(
        wb.add_worksheet().set_name(t.sheet_profile)?,
        t,
        prefill,
        &f,
    )?;
    let listed = applicable(questions, role);
    let placed = prefill
        .map(|p| p.place(questions, &listed))
        .unwrap_or_default();
    questionnaire_sheet(
        wb.add_worksheet().set_name(t.sheet_questionnaire)?,
        t,
        lang,
        &listed,
        &placed,
        &f,
    )?;
    Ok(wb.save_to_buffer()?)
}

fn instructions_sheet(
    ws: &mut Worksheet,
    t: &L,
    lang: Lang,
    role: Option<AiRole>,
    catalog_version: &str,
    f: &Fmt,
) -> Result<(), ReportError> {
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 100)?;
    ws.write_string_with_format(0, 0, t.i_title, &f.title)?;
    let mut r = 2u32;
    ws.write_string_with_format(
        r,
        0,
        header(t.i_catalog_version, "catalog_version"),
        &f.bold_wrap,
    )?;
    put(ws, r, 1, catalog_version, &f.wrap)?;
    r += 1;
    ws.write_string_with_format(r, 0, header(t.i_role, "ai_role"), &f.bold_wrap)?;
    ws.write_string_with_format(r, 1, role.map_or(t.i_role_all, |x| x.as_str()), &f.wrap)?;
    r += 2;
    let section = |ws: &mut Worksheet, r: &mut u32, title: &str, lines: &[&str]| {
        ws.write_string_with_format(*r, 0, title, &f.bold_wrap)?;
        for line in lines {
            ws.write_string_with_format(*r, 1, *line, &f.wrap)?;
            if lines_needed(line, 100.0) > 1 {
                ws.set_row_height(*r, 15.0 * lines_needed(line, 100.0) as f64)?;
            }
            *r += 1;
        }
        *r += 1;
        Ok::<(), ReportError>(())
    };
    section(ws, &mut r, t.i_how, t.i_steps)?;
    section(ws, &mut r, t.i_scale_title, &scale_lines(lang))?;
    section(ws, &mut r, t.i_ynp_title, &t.i_ynp)?;
    section(ws, &mut r, t.i_protection_title, &[t.i_protection])?;
    ws.set_active(true);
    Ok(())
}

fn profile_sheet(
    ws: &mut Worksheet,
    t: &L,
    prefill: Option<Prefill<'_>>,
    f: &Fmt,
) -> Result<(), ReportError> {
    let heads = [
        header(t.h_field, "field"),
        header(t.h_label, "label"),
        header(t.h_value, "value"),
        header(t.h_help, "help"),
    ];
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, col(i), h, &f.header)?;
    }
    let widths = [18.0, 30.0, 36.0, 70.0];
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(col(i), *w)?;
    }
    let labels = [
        t.p_vendor_id,
        t.p_name,
        t.p_country,
        t.p_criticality,
        t.p_ai_role,
        t.p_data_access,
        t.p_assessed_on,
        t.p_certifications,
    ];
    for (i, (key, (label, help))) in PROFILE_KEYS.iter().zip(labels).enumerate() {
        let r = row(i + 1);
        profile_labels(ws, r, key, (label, help), widths, f)?;
        let value = prefill.map_or(Cell::Blank, |p| p.profile(key));
        let fmt = if *key == "assessed_on" {
            &f.input_date
        } else {
            &f.input_wrap
        };
        write_cell(ws, r, 2, &value, Lang::En, fmt)?;
        if let Some(dv) = profile_validation(t, key)? {
            ws.add_data_validation(r, 2, r, 2, &dv)?;
        }
    }
    // A document's fields outside the format, below the profile's, as the reader takes them.
    let extras = prefill.map(Prefill::extras).unwrap_or_default();
    for (i, (key, value)) in extras.into_iter().enumerate() {
        let r = row(PROFILE_KEYS.len() + 1 + i);
        put(ws, r, 0, key, &f.locked_wrap)?;
        profile_labels(ws, r, "", t.p_extra, widths, f)?;
        put(ws, r, 2, value, &f.input_wrap)?;
    }
    ws.set_freeze_panes(1, 0)?;
    protect(ws);
    Ok(())
}

/// A `Profile` row's locked cells (the key, when given, the label and the help) and its height.
fn profile_labels(
    ws: &mut Worksheet,
    r: u32,
    key: &str,
    (label, help): (&str, &str),
    widths: [f64; 4],
    f: &Fmt,
) -> Result<(), ReportError> {
    if !key.is_empty() {
        ws.write_string_with_format(r, 0, key, &f.locked_wrap)?;
    }
    ws.write_string_with_format(r, 1, label, &f.locked_wrap)?;
    ws.write_string_with_format(r, 3, help, &f.locked_wrap)?;
    let lines = lines_needed(help, widths[3]).max(lines_needed(label, widths[1]));
    ws.set_row_height(r, 15.0 * lines as f64 + 3.0)?;
    Ok(())
}

/// The value cell's validation of a profile field: a dropdown of the canonical values, or a
/// date.
fn profile_validation(t: &L, key: &str) -> Result<Option<DataValidation>, ReportError> {
    let choices: Option<&[&str]> = match key {
        "criticality" => Some(Criticality::VALUES),
        "ai_role" => Some(AiRole::VALUES),
        "data_access" => Some(DataAccess::VALUES),
        _ => None,
    };
    Ok(if let Some(c) = choices {
        Some(
            DataValidation::new()
                .allow_list_strings(c)?
                .set_error_message(t.i_error)?,
        )
    } else if key == "assessed_on" {
        Some(date_validation(t)?)
    } else {
        None
    })
}

/// Writes a prefilled input cell: blank, neutralized text, an answer in `lang`'s words (a
/// number for a maturity level) or a date cell.
fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Cell<'_>,
    lang: Lang,
    fmt: &Format,
) -> Result<(), ReportError> {
    match cell {
        Cell::Text(s) => put(ws, r, c, s, fmt)?,
        Cell::Answer(AnswerValue::Maturity(n)) => {
            ws.write_number_with_format(r, c, f64::from(*n), fmt)?;
        }
        Cell::Answer(v) => match answer_word(*v, lang) {
            Some(w) => {
                ws.write_string_with_format(r, c, w, fmt)?;
            }
            None => {
                ws.write_blank(r, c, fmt)?;
            }
        },
        Cell::Date(d) => {
            ws.write_date_with_format(r, c, &excel_date(*d)?, fmt)?;
        }
        Cell::Blank => {
            ws.write_blank(r, c, fmt)?;
        }
    }
    Ok(())
}

fn date_validation(t: &L) -> Result<DataValidation, ReportError> {
    Ok(DataValidation::new()
        .allow_date(DataValidationRule::Between(
            ExcelDateTime::from_ymd(1990, 1, 1)?,
            ExcelDateTime::from_ymd(2100, 12, 31)?,
        ))
        .set_input_title(truncate_utf16(t.date_title, 32))?
        .set_input_message(truncate_utf16(t.date_message, 255))?)
}

fn protect(ws: &mut Worksheet) {
    let opts = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    };
    ws.protect_with_options(&opts);
}

fn questionnaire_sheet(
    ws: &mut Worksheet,
    t: &L,
    lang: Lang,
    qs: &[&Question],
    placed: &Placed<'_>,
    f: &Fmt,
) -> Result<(), ReportError> {
    let labels = [
        t.q_question_id,
        t.q_topic,
        t.q_question,
        t.q_guidance,
        t.q_answer_kind,
        t.q_answer,
        t.q_evidence,
        t.q_evidence_date,
        t.q_comment,
    ];
    for (i, (key, label)) in QUESTIONNAIRE_KEYS.iter().zip(labels).enumerate() {
        ws.write_string_with_format(0, col(i), header(label, key), &f.header)?;
        ws.set_column_width(col(i), Q_WIDTHS[i])?;
    }
    ws.set_row_height(0, 32.0)?;
    for (i, q) in qs.iter().enumerate() {
        let r = row(i + 1);
        put(ws, r, 0, q.id.as_str(), &f.locked_wrap)?;
        question_cells(ws, r, t, lang, q, q.guidance.get(lang), f)?;
        let cells = placed.listed.get(i).and_then(Option::as_ref);
        answer_cells(ws, r, cells.unwrap_or(&AnswerCells::BLANK), lang, f)?;
    }
    for (i, s) in placed.rest.iter().enumerate() {
        stray_row(ws, row(qs.len() + 1 + i), t, lang, s, f)?;
    }
    let rows = qs.len() + placed.rest.len();
    if rows > 0 {
        ws.add_data_validation(1, 7, row(rows), 7, &date_validation(t)?)?;
    }
    ws.set_freeze_panes(1, 1)?;
    protect(ws);
    Ok(())
}

/// Widths of the `Questionnaire` columns, in characters.
const Q_WIDTHS: [f64; 9] = [14.0, 20.0, 60.0, 42.0, 15.0, 12.0, 32.0, 14.0, 32.0];

/// A question's locked cells (topic, text, `guidance`, answer kind), the row's height and the
/// answer cell's dropdown.
fn question_cells(
    ws: &mut Worksheet,
    r: u32,
    t: &L,
    lang: Lang,
    q: &Question,
    guidance: &str,
    f: &Fmt,
) -> Result<(), ReportError> {
    put(ws, r, 1, q.topic.get(lang), &f.locked_wrap)?;
    put(ws, r, 2, q.text.get(lang), &f.locked_wrap)?;
    put(ws, r, 3, guidance, &f.locked_wrap)?;
    ws.write_string_with_format(r, 4, q.answer.kind.as_str(), &f.locked_wrap)?;
    row_height(ws, r, lang, Some(q), guidance)?;
    let dv = DataValidation::new()
        .allow_list_strings(&answer_choices(q.answer.kind, q.answer.na_allowed, lang))?
        .set_input_title(truncate_utf16(t.input_title, 32))?
        .set_input_message(truncate_utf16(q.guidance.get(lang), 255))?
        .set_error_message(t.i_error)?;
    ws.add_data_validation(r, 5, r, 5, &dv)?;
    Ok(())
}

/// A row's height: enough lines for its question's text, its guidance and its topic.
fn row_height(
    ws: &mut Worksheet,
    r: u32,
    lang: Lang,
    q: Option<&Question>,
    guidance: &str,
) -> Result<(), ReportError> {
    let lines = [
        q.map_or(1, |q| lines_needed(q.text.get(lang), Q_WIDTHS[2])),
        lines_needed(guidance, Q_WIDTHS[3]),
        q.map_or(1, |q| lines_needed(q.topic.get(lang), Q_WIDTHS[1])),
    ]
    .into_iter()
    .max()
    .unwrap_or(1);
    ws.set_row_height(r, 15.0 * lines as f64 + 3.0)?;
    Ok(())
}

/// A row's four input cells.
fn answer_cells(
    ws: &mut Worksheet,
    r: u32,
    a: &AnswerCells<'_>,
    lang: Lang,
    f: &Fmt,
) -> Result<(), ReportError> {
    write_cell(ws, r, 5, &a.answer, lang, &f.input)?;
    write_cell(ws, r, 6, &a.evidence, lang, &f.input_wrap)?;
    write_cell(ws, r, 7, &a.evidence_date, lang, &f.input_date)?;
    write_cell(ws, r, 8, &a.comment, lang, &f.input_wrap)
}

/// A typed answer the sheet does not list, below the listed questions, so that nothing typed is
/// lost and the reader finds in it what it finds in the document: a known question's row as a
/// listed one's, its guidance replaced by why the row is there; an unknown id as typed, in an
/// input cell, so the supplier can correct it.
fn stray_row(
    ws: &mut Worksheet,
    r: u32,
    t: &L,
    lang: Lang,
    s: &Stray<'_>,
    f: &Fmt,
) -> Result<(), ReportError> {
    match s.question {
        Some(q) => {
            put(ws, r, 0, q.id.as_str(), &f.locked_wrap)?;
            question_cells(ws, r, t, lang, q, t.q_not_listed, f)?;
        }
        None => {
            put(ws, r, 0, s.typed_id, &f.input_wrap)?;
            put(ws, r, 3, t.q_unknown, &f.locked_wrap)?;
            row_height(ws, r, lang, None, t.q_unknown)?;
        }
    }
    answer_cells(ws, r, &s.cells, lang, f)
}

/// Writes the long CSV template (see the module docs): one row per applicable question.
pub fn write_template_csv(
    questions: &[Question],
    role: Option<AiRole>,
    prefill: Option<&Vendor>,
) -> Result<Vec<u8>, ReportError> {
    let role = effective_role(role, prefill);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(TEMPLATE_CSV_COLUMNS)?;
    let vid = prefill.map(|v| v.id().as_str()).unwrap_or("");
    for q in applicable(questions, role) {
        w.write_record(long_row(vid, q.id.as_str(), prefill_answer(prefill, q)))?;
    }
    finish_csv(w)
}

/// One answer in the long layout (`vendor_id, question_id, answer, evidence, evidence_date,
/// comment`), each text cell neutralized; a question with no answer has its answer cells blank.
fn long_row(vendor_id: &str, question: &str, a: Option<&Answer>) -> [String; 6] {
    [
        neutralize_cell(vendor_id).into_owned(),
        neutralize_cell(question).into_owned(),
        a.map(|a| a.value.canonical()).unwrap_or_default(),
        neutralize_cell(a.and_then(|a| a.evidence.as_deref()).unwrap_or("")).into_owned(),
        a.and_then(|a| a.evidence_date)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        neutralize_cell(a.and_then(|a| a.comment.as_deref()).unwrap_or("")).into_owned(),
    ]
}

fn finish_csv(mut w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ReportError> {
    w.flush().map_err(csv::Error::from)?;
    w.into_inner()
        .map_err(|e| ReportError::Csv(csv::Error::from(e.into_error())))
}

/// Every answer of every vendor in the long layout, which every scrm command reads (what
/// `scrm adapter check --format csv` converts foreign questionnaires to), each text cell
/// neutralized.
pub fn write_answers_csv(vendors: &[Vendor]) -> Result<Vec<u8>, ReportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(TEMPLATE_CSV_COLUMNS)?;
    for v in vendors {
        for a in v.answers.values() {
            w.write_record(long_row(v.id().as_str(), a.question.as_str(), Some(a)))?;
        }
    }
    finish_csv(w)
}

/// The vendors' profiles in the profile CSV layout (`vendor_id` and the profile fields), each
/// text cell neutralized; every vendor has a row.
pub fn write_profiles_csv(vendors: &[Vendor]) -> Result<Vec<u8>, ReportError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(PROFILE_KEYS)?;
    for v in vendors {
        let p = &v.profile;
        w.write_record([
            neutralize_cell(v.id().as_str()).into_owned(),
            neutralize_cell(p.name.as_deref().unwrap_or("")).into_owned(),
            p.country.clone().unwrap_or_default(),
            p.criticality.map_or("", |c| c.as_str()).to_string(),
            p.ai_role.map_or("", |c| c.as_str()).to_string(),
            p.data_access.map_or("", |c| c.as_str()).to_string(),
            p.assessed_on.map(|d| d.to_string()).unwrap_or_default(),
            neutralize_cell(&p.certifications.join(";")).into_owned(),
        ])?;
    }
    finish_csv(w)
}

/// The JSON template as a [`SupplierDocument`] (see the module docs).
pub fn template_document(
    questions: &[Question],
    role: Option<AiRole>,
    prefill: Option<&Vendor>,
) -> SupplierDocument {
    let role = effective_role(role, prefill);
    let p = prefill.map(|v| &v.profile);
    let vendor = SupplierProfileDoc {
        vendor_id: p
            .map(|p| p.vendor_id.as_str().to_string())
            .unwrap_or_default(),
        name: Some(p.and_then(|p| p.name.clone()).unwrap_or_default()),
        country: Some(p.and_then(|p| p.country.clone()).unwrap_or_default()),
        criticality: Some(
            p.and_then(|p| p.criticality)
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
        ),
        ai_role: Some(
            p.and_then(|p| p.ai_role)
                .or(role)
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
        ),
        data_access: Some(
            p.and_then(|p| p.data_access)
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
        ),
        assessed_on: Some(
            p.and_then(|p| p.assessed_on)
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        certifications: p.map(|p| p.certifications.clone()).unwrap_or_default(),
        extra: Default::default(),
    };
    let answers = applicable(questions, role)
        .into_iter()
        .map(|q| {
            let a = prefill_answer(prefill, q);
            SupplierAnswer {
                question_id: q.id.as_str().to_string(),
                answer: a.map(|a| a.value.canonical()).unwrap_or_default(),
                evidence: Some(a.and_then(|a| a.evidence.clone()).unwrap_or_default()),
                evidence_date: Some(
                    a.and_then(|a| a.evidence_date)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                ),
                comment: a.and_then(|a| a.comment.clone()),
            }
        })
        .collect();
    SupplierDocument {
        format: Some("scrm-supplier/1".to_string()),
        vendor,
        answers,
    }
}

/// Writes the JSON template: [`template_document`] pretty-printed, with a trailing newline.
pub fn write_template_json(
    questions: &[Question],
    role: Option<AiRole>,
    prefill: Option<&Vendor>,
) -> Result<Vec<u8>, ReportError> {
    let mut v = serde_json::to_vec_pretty(&template_document(questions, role, prefill))?;
    v.push(b'\n');
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil;
    use crate::xlsx_out::tests::{cell_text, dump_xlsx};
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use std::io::Cursor;

    fn vendor(id: &str) -> Vendor {
        testutil::sample_vendors()
            .into_iter()
            .find(|v| v.id().as_str() == id)
            .unwrap_or_else(|| unreachable!())
    }

    fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn blank_templates_snapshot() {
        let qs = testutil::sample_questions();
        for lang in Lang::ALL {
            let bytes = write_template_xlsx(&qs, lang, Some(AiRole::Integrator), None, "2025.1")
                .unwrap_or_else(|e| panic!("{e}"));
            insta::assert_snapshot!(format!("template_blank_{lang}"), dump_xlsx(&bytes));
        }
    }

    #[test]
    fn sheet_names_and_headers_follow_the_contract() {
        let qs = testutil::sample_questions();
        for lang in Lang::ALL {
            let mut wb = open(
                write_template_xlsx(&qs, lang, None, None, "2025.1")
                    .unwrap_or_else(|e| panic!("{e}")),
            );
            let s = template_sheets(lang);
            assert_eq!(
                wb.sheet_names(),
                vec![s.instructions, s.profile, s.questionnaire]
            );
            let q = wb
                .worksheet_range(s.questionnaire)
                .unwrap_or_else(|e| panic!("{e}"));
            let keys: Vec<String> = q
                .rows()
                .next()
                .unwrap_or_default()
                .iter()
                .map(|c| {
                    let t = c.to_string();
                    t.rsplit_once('(')
                        .map(|(_, k)| k.trim_end_matches(')').to_string())
                        .unwrap_or_default()
                })
                .collect();
            assert_eq!(keys, QUESTIONNAIRE_KEYS);
            // role None: every question, in catalog order.
            let ids: Vec<String> = q.rows().skip(1).map(|r| r[0].to_string()).collect();
            let want: Vec<String> = qs.iter().map(|q| q.id.to_string()).collect();
            assert_eq!(ids, want);
            let p = wb
                .worksheet_range(s.profile)
                .unwrap_or_else(|e| panic!("{e}"));
            let pk: Vec<String> = p.rows().skip(1).map(|r| r[0].to_string()).collect();
            assert_eq!(pk, PROFILE_KEYS);
        }
        assert_eq!(
            template_sheets(Lang::ZhTw).questionnaire,
            "Questionnaire 問卷"
        );
        assert_eq!(header("回答", "answer"), "回答 (answer)");
    }

    #[test]
    fn role_filter_lists_only_applicable_questions() {
        let qs = testutil::sample_questions();
        let bytes = write_template_xlsx(&qs, Lang::En, Some(AiRole::None), None, "2025.1")
            .unwrap_or_else(|e| panic!("{e}"));
        let mut wb = open(bytes);
        let q = wb
            .worksheet_range("Questionnaire")
            .unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<String> = q.rows().skip(1).map(|r| r[0].to_string()).collect();
        assert_eq!(ids, vec!["SC-GV.SC-05", "SC-SR-6"]);
    }

    /// Prefilled templates read back cell for cell: the answers, evidence and dates come back as
    /// a person filling the sheet would have left them, in each language's words.
    #[test]
    fn prefilled_round_trip_each_language() {
        let qs = testutil::sample_questions();
        for (lang, id) in [
            (Lang::En, "V001"),
            (Lang::ZhTw, "V002"),
            (Lang::ZhTw, "V003"),
        ] {
            let v = vendor(id);
            let bytes = write_template_xlsx(&qs, lang, None, Some(&v), "2025.1")
                .unwrap_or_else(|e| panic!("{e}"));
            let s = template_sheets(lang);
            let mut wb = open(bytes.clone());
            let q = wb
                .worksheet_range(s.questionnaire)
                .unwrap_or_else(|e| panic!("{e}"));
            let mut seen = 0;
            for r in q.rows().skip(1) {
                let qid = r[0].to_string();
                let a = v.answers.get(qid.as_str());
                let got = match &r[5] {
                    Data::Float(x) => AnswerValue::parse(&x.to_string()),
                    Data::String(s) => AnswerValue::parse(s),
                    Data::Empty => Ok(AnswerValue::Unanswered),
                    other => panic!("unexpected answer cell {other:?}"),
                };
                let want = a.map_or(AnswerValue::Unanswered, |a| a.value);
                assert_eq!(got, Ok(want), "{id} {qid}");
                if lang == Lang::ZhTw
                    && matches!(
                        want,
                        AnswerValue::Yes
                            | AnswerValue::No
                            | AnswerValue::Partial
                            | AnswerValue::NotApplicable
                    )
                {
                    let word = cell_text(&r[5]);
                    assert!(
                        ["\"是\"", "\"部分\"", "\"否\"", "\"不適用\""].contains(&word.as_str()),
                        "{id} {qid}: {word}"
                    );
                }
                let ev = r[6].to_string();
                assert_eq!(ev, a.and_then(|a| a.evidence.clone()).unwrap_or_default());
                let date = match &r[7] {
                    // Excel serial days count from 1899-12-30 (for dates after 1900-03-01).
                    Data::DateTime(dt) => {
                        chrono::NaiveDate::from_ymd_opt(1899, 12, 30).and_then(|base| {
                            base.checked_add_signed(chrono::TimeDelta::days(dt.as_f64() as i64))
                        })
                    }
                    _ => None,
                };
                assert_eq!(date, a.and_then(|a| a.evidence_date), "{id} {qid}");
                seen += 1;
            }
            let role = v.profile.ai_role;
            assert_eq!(seen, qs.iter().filter(|q| q.applies_to(role)).count());
            let p = wb
                .worksheet_range(s.profile)
                .unwrap_or_else(|e| panic!("{e}"));
            let values: Vec<String> = p.rows().skip(1).map(|r| cell_text(&r[2])).collect();
            insta::assert_snapshot!(
                format!("template_prefilled_profile_{id}_{lang}"),
                values.join("\n")
            );
            insta::assert_snapshot!(format!("template_prefilled_{id}_{lang}"), dump_xlsx(&bytes));
        }
    }

    #[test]
    fn hostile_prefill_is_neutralized() {
        let qs = testutil::sample_questions();
        for v in testutil::hostile_vendors() {
            let bytes = write_template_xlsx(&qs, Lang::En, None, Some(&v), "2025.1")
                .unwrap_or_else(|e| panic!("{e}"));
            let mut wb = open(bytes);
            for sheet in ["Profile", "Questionnaire"] {
                let range = wb.worksheet_range(sheet).unwrap_or_else(|e| panic!("{e}"));
                for (_, _, d) in range.used_cells() {
                    if let Data::String(s) = d {
                        assert!(
                            !s.starts_with(['=', '+', '-', '@', '\t', '\r']),
                            "{sheet}: live cell {s:?}"
                        );
                    }
                }
                let formulas = wb
                    .worksheet_formula(sheet)
                    .unwrap_or_else(|e| panic!("{e}"));
                assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
            }
            let csv = write_template_csv(&qs, None, Some(&v)).unwrap_or_default();
            let mut rd = csv::Reader::from_reader(csv.as_slice());
            for rec in rd.records() {
                for cell in rec.unwrap_or_default().iter() {
                    assert!(
                        !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "csv {cell:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn csv_and_json_templates_snapshot() {
        let qs = testutil::sample_questions();
        let blank = write_template_csv(&qs, Some(AiRole::Deployer), None).unwrap_or_default();
        insta::assert_snapshot!("template_csv_blank", String::from_utf8_lossy(&blank));
        let v = vendor("V002");
        let filled = write_template_csv(&qs, None, Some(&v)).unwrap_or_default();
        insta::assert_snapshot!("template_csv_prefilled", String::from_utf8_lossy(&filled));
        let json = write_template_json(&qs, Some(AiRole::None), None).unwrap_or_default();
        insta::assert_snapshot!("template_json_blank", String::from_utf8_lossy(&json));
        let json = write_template_json(&qs, None, Some(&v)).unwrap_or_default();
        let doc: SupplierDocument = serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc, template_document(&qs, None, Some(&v)));
        insta::assert_snapshot!("template_json_prefilled", String::from_utf8_lossy(&json));
    }

    /// Resolves the sample questions' ids as a catalog does, in any case and with a space for
    /// the hyphen (`gv 1.1`).
    struct SampleIds(Vec<Question>);

    impl scrm_model::QuestionLookup for SampleIds {
        fn resolve(&self, raw: &str) -> scrm_model::Resolution {
            let key = |s: &str| scrm_model::fold(s).replace([' ', '-'], "");
            match self.0.iter().find(|q| key(q.id.as_str()) == key(raw)) {
                Some(q) => scrm_model::Resolution::Known(q.id, q.answer),
                None => scrm_model::Resolution::Unknown { suggestion: None },
            }
        }
    }

    fn typed(id: &str, answer: &str, ev: &str, date: &str, comment: &str) -> SupplierAnswer {
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        SupplierAnswer {
            question_id: id.to_string(),
            answer: answer.to_string(),
            evidence: opt(ev),
            evidence_date: opt(date),
            comment: opt(comment),
        }
    }

    /// A document as a supplier typed it on the fill page: valid and invalid values, a formula
    /// as evidence, Chinese text, an answer in another spelling of its id, answers to a question
    /// the deployer's sheet does not list, to an unknown id and a second one to a listed id.
    fn typed_document() -> SupplierDocument {
        let mut extra = std::collections::BTreeMap::new();
        extra.insert("duns".to_string(), "=1+1".to_string());
        extra.insert("Name".to_string(), "shadows the name".to_string());
        SupplierDocument {
            format: Some("scrm-supplier/1".to_string()),
            vendor: SupplierProfileDoc {
                vendor_id: "V-TYPED".to_string(),
                name: Some("測試供應商".to_string()),
                country: Some("Taiwan".to_string()),
                criticality: Some("High".to_string()),
                ai_role: Some("deployer".to_string()),
                data_access: Some("secret".to_string()),
                assessed_on: Some("2025-13-45".to_string()),
                certifications: vec!["ISO/IEC 42001".to_string(), "SOC 2".to_string()],
                extra,
            },
            answers: vec![
                typed(
                    "gv 1.1",
                    "3.5",
                    "=cmd|' /C calc'!A0",
                    "2026-13-01",
                    "補償性控制：每季審查",
                ),
                typed("GV-6.1", "maybe", "", "", ""),
                typed("MG-3.1", "na", "Vendor SOP", "2025/03/31", ""),
                typed("MG-4.3", "Yes", "IR plan", "2025-03-15", ""),
                typed("MS-2.7", "Level 4", "", "31/03/2025", ""),
                typed("MP-4.1", "yes", "SBOM", "", ""),
                typed("AIMS-A.6.2.6", "", "", "", ""),
                typed("XX-9.9", "4", "", "", "typo'd id"),
                typed("GV-1.1", "2", "", "", "second"),
            ],
        }
    }

    fn rows_of(wb: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<Vec<String>> {
        let range = wb.worksheet_range(sheet).unwrap_or_else(|e| panic!("{e}"));
        range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect()
    }

    /// The fill page's download: every value as typed, valid ones as Excel cells (numbers,
    /// words, dates), invalid ones as their text, neutralized; the deployer's questions in
    /// catalog order, then the answers the sheet does not list, in the document's order.
    #[test]
    fn document_prefill_keeps_what_was_typed() {
        let qs = testutil::sample_questions();
        let ids = SampleIds(qs.clone());
        let doc = typed_document();
        let prefill = Prefill::Document {
            doc: &doc,
            lookup: &ids,
        };
        let bytes = write_template_xlsx_prefilled(&qs, Lang::En, None, Some(prefill), "2025.1")
            .unwrap_or_else(|e| panic!("{e}"));
        let mut wb = open(bytes.clone());
        let profile: Vec<String> = rows_of(&mut wb, "Profile")
            .into_iter()
            .skip(1)
            .map(|r| format!("{} = {}", r[0], r[2]))
            .collect();
        assert_eq!(
            profile,
            [
                r#""vendor_id" = "V-TYPED""#,
                r#""name" = "測試供應商""#,
                r#""country" = "Taiwan""#,
                r#""criticality" = "High""#,
                r#""ai_role" = "deployer""#,
                r#""data_access" = "secret""#,
                r#""assessed_on" = "2025-13-45""#,
                r#""certifications" = "ISO/IEC 42001; SOC 2""#,
                r#""duns" = "'=1+1""#,
            ]
        );
        let q = rows_of(&mut wb, "Questionnaire");
        let answers = |id: &str| -> Vec<Vec<String>> {
            q.iter()
                .filter(|r| r[0] == format!("{id:?}"))
                .map(|r| {
                    let mut v = r[5..].to_vec();
                    while v.last().is_some_and(String::is_empty) {
                        v.pop();
                    }
                    v
                })
                .collect()
        };
        let s = |v: &[&str]| -> Vec<String> { v.iter().map(|x| x.to_string()).collect() };
        assert_eq!(
            answers("GV-1.1"),
            [
                s(&[
                    r#""3.5""#,
                    r#""'=cmd|' /C calc'!A0""#,
                    r#""2026-13-01""#,
                    r#""補償性控制：每季審查""#
                ]),
                s(&["2", "", "", r#""second""#]),
            ]
        );
        assert_eq!(answers("GV-6.1"), [s(&[r#""maybe""#])]);
        assert_eq!(
            answers("MG-3.1"),
            [s(&[r#""na""#, r#""Vendor SOP""#, "date:2025-03-31"])]
        );
        assert_eq!(
            answers("MG-4.3"),
            [s(&[r#""yes""#, r#""IR plan""#, "date:2025-03-15"])]
        );
        assert_eq!(answers("MS-2.7"), [s(&["4", "", r#""31/03/2025""#])]);
        assert_eq!(answers("MP-4.1"), [s(&[r#""yes""#, r#""SBOM""#])]);
        assert_eq!(
            answers("XX-9.9"),
            [s(&[r#""4""#, "", "", r#""typo'd id""#])]
        );
        // The deployer's ten questions, then the three rows the sheet does not list.
        let order: Vec<&str> = q.iter().skip(1).map(|r| r[0].as_str()).collect();
        assert_eq!(order.len(), 13);
        assert_eq!(order[10..], [r#""MP-4.1""#, r#""XX-9.9""#, r#""GV-1.1""#]);
        assert!(!order[..10].contains(&r#""AIMS-A.6.2.6""#));
        insta::assert_snapshot!("template_typed_document_en", dump_xlsx(&bytes));

        // In Chinese, valid words are the language's; what is not valid stays as typed.
        let zh = write_template_xlsx_prefilled(&qs, Lang::ZhTw, None, Some(prefill), "2025.1")
            .unwrap_or_else(|e| panic!("{e}"));
        let mut wb = open(zh);
        let q = rows_of(&mut wb, template_sheets(Lang::ZhTw).questionnaire);
        let row = |id: &str| q.iter().find(|r| r[0] == format!("{id:?}")).cloned();
        assert_eq!(row("MG-4.3").map(|r| r[5].clone()), Some(r#""是""#.into()));
        assert_eq!(
            row("GV-6.1").map(|r| r[5].clone()),
            Some(r#""maybe""#.into())
        );
        assert_eq!(row("MG-3.1").map(|r| r[5].clone()), Some(r#""na""#.into()));
    }

    /// Supplier text never becomes a formula, whichever cell it lands in.
    #[test]
    fn document_prefill_is_neutralized() {
        let qs = testutil::sample_questions();
        let ids = SampleIds(qs.clone());
        let mut doc = typed_document();
        doc.vendor.vendor_id = "@SUM(A1)".into();
        doc.vendor.name = Some("+cmd".into());
        doc.answers
            .push(typed("=HYPERLINK(\"x\")", "-1", "\tx", "=NOW()", "@x"));
        let prefill = Prefill::Document {
            doc: &doc,
            lookup: &ids,
        };
        let bytes = write_template_xlsx_prefilled(&qs, Lang::En, None, Some(prefill), "2025.1")
            .unwrap_or_else(|e| panic!("{e}"));
        let mut wb = open(bytes);
        for sheet in ["Profile", "Questionnaire"] {
            let range = wb.worksheet_range(sheet).unwrap_or_else(|e| panic!("{e}"));
            let mut strings = 0;
            for (_, _, d) in range.used_cells() {
                if let Data::String(s) = d {
                    strings += 1;
                    assert!(
                        !s.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "{sheet}: live cell {s:?}"
                    );
                }
            }
            assert!(strings > 10, "{sheet}");
            let formulas = wb
                .worksheet_formula(sheet)
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
        }
        let q = rows_of(&mut wb, "Questionnaire");
        let last = q.last().cloned().unwrap_or_default();
        assert_eq!(last[0], r#""'=HYPERLINK(\"x\")""#);
        assert_eq!(
            last[5..],
            [r#""'-1""#, r#""'\tx""#, r#""'=NOW()""#, r#""'@x""#]
        );
    }

    /// A supplier as read, through [`Prefill::Vendor`], is the workbook `write_template_xlsx`
    /// has always written: the same bytes.
    #[test]
    fn vendor_prefill_is_the_template_as_before() {
        let qs = testutil::sample_questions();
        let v = vendor("V002");
        let a = write_template_xlsx(&qs, Lang::ZhTw, None, Some(&v), "2025.1").unwrap_or_default();
        let b =
            write_template_xlsx_prefilled(&qs, Lang::ZhTw, None, Some(Prefill::from(&v)), "2025.1")
                .unwrap_or_default();
        assert!(!a.is_empty() && a == b);
    }

    #[test]
    fn template_is_byte_identical_across_runs() {
        let qs = testutil::sample_questions();
        let v = vendor("V002");
        let a = write_template_xlsx(&qs, Lang::ZhTw, None, Some(&v), "2025.1").unwrap_or_default();
        let b = write_template_xlsx(&qs, Lang::ZhTw, None, Some(&v), "2025.1").unwrap_or_default();
        assert!(!a.is_empty() && a == b);
    }
}
