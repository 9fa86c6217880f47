//! The run's state while files are read: vendors, answers in input order, profile layers,
//! per-file counts, problems and rejects; and the final pass that resolves duplicates and
//! profile conflicts into an [`Ingested`].

use crate::compact::ReadVendor;
use crate::earliest::{Earliest, Key};
use crate::packed::{Arena, PackedField, PackedLayer};
use crate::text::shown;
use crate::validate::{ColRef, Issue};
use crate::{IngestOptions, Ingested, Location, Problem, ProblemCode, ProblemSeverity, Reject};
use chrono::NaiveDate;
use hashbrown::HashTable;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use scrm_model::{
    Answer, AnswerSpec, AnswerValue, Exclusion, InputFile, QuestionId, QuestionLookup, Resolution,
    Vendor, VendorId, VendorProfile,
};
use std::any::Any;
use std::collections::BTreeMap;
use std::hash::BuildHasher;

/// Counts and identity of one input file.
#[derive(Debug, Clone)]
pub(crate) struct FileSlot {
    pub path: String,
    pub kind: &'static str,
    /// The file's digest in the run's algorithm (`IngestOptions::input_digest`), lower-case hex.
    pub digest: String,
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
}

/// A part of a file that rows are located in: the file itself, or one sheet of a workbook.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub file: u32,
    pub sheet: Option<String>,
    /// Column labels by index (tables); JSON parts label answers `answers[i].answer`.
    pub labels: Vec<String>,
    pub json: bool,
    /// Its answers are derived through an adapter from foreign rows, not rows themselves: a
    /// conflict between two of them is reported, but no row is un-counted or rejected for it.
    pub derived: bool,
}

/// An accepted answer as stored until the final pass (compact: no question id string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stored {
    pub q: u32,
    pub part: u32,
    pub row: u64,
    pub col: u32,
    pub value: AnswerValue,
    pub evidence: Option<Box<str>>,
    pub date: Option<NaiveDate>,
    pub comment: Option<Box<str>>,
}

impl Stored {
    /// An accepted answer to keep, located at `(part, row, col)`: evidence and comment trimmed
    /// (blank becomes none). `None` for a blank answer with no evidence, date or comment, which
    /// is counted as accepted but says nothing beyond the default (unanswered).
    pub(crate) fn keep(
        q: u32,
        (part, row, col): (u32, u64, u32),
        value: AnswerValue,
        evidence: &str,
        date: Option<NaiveDate>,
        comment: &str,
    ) -> Option<Self> {
        let text = |s: &str| -> Option<Box<str>> {
            let t = s.trim();
            (!t.is_empty()).then(|| t.into())
        };
        let (evidence, comment) = (text(evidence), text(comment));
        if value == AnswerValue::Unanswered
            && evidence.is_none()
            && date.is_none()
            && comment.is_none()
        {
            return None;
        }
        Some(Self {
            q,
            part,
            row,
            col,
            value,
            evidence,
            date,
            comment,
        })
    }

    fn same_answer(&self, o: &Stored) -> bool {
        self.value == o.value
            && self.evidence == o.evidence
            && self.date == o.date
            && self.comment == o.comment
    }
}

/// How a raw question id resolved (cached per distinct spelling).
#[derive(Debug, Clone)]
pub(crate) enum QRes {
    Known(u32, AnswerSpec),
    Unknown(Option<String>),
}

/// Who declared a profile field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layer {
    /// The supplier, in its own questionnaire (or a profile file among the inputs).
    Supplier,
    /// The buyer's profile file: wins field by field.
    Buyer,
}

#[derive(Debug, Clone)]
struct PField {
    value: String,
    part: u32,
    row: Option<u64>,
    col: ColRef,
}

#[derive(Debug, Default)]
pub(crate) struct VendorAcc {
    answers: Vec<Stored>,
    /// Supplier-declared fields; boxed, since nearly every vendor has none and a million
    /// vendors' slots are written once each (fresh pages) when a buyer's file is read: the
    /// slot's size matters here, not one more allocation for the rare vendor that has them.
    #[allow(clippy::box_collection)]
    supplier: Option<Box<BTreeMap<String, PField>>>,
    buyer: PackedLayer,
    /// Already handed to the map by the grouped long-CSV reader ([`Early`]).
    finished: bool,
}

impl VendorAcc {
    /// Whether a block worker may finish this vendor on its own: nothing is stored for it yet.
    /// A supplier-declared profile does not stand in the way: every other input is read before
    /// the first row of the file finished early, so the profile is whole by then, and where it
    /// differs from the buyer's is reported when the worker's result is merged
    /// ([`Collector::finished_early`]).
    pub(crate) fn open_for_early(&self) -> bool {
        self.answers.is_empty() && !self.finished
    }

    /// The vendor's profile fields, the buyer's over the supplier's (`declared`: those from
    /// profile tables), by key.
    fn merged<'x>(
        &'x self,
        declared: &'x PackedLayer,
        arena: &'x Arena,
    ) -> BTreeMap<&'x str, &'x str> {
        let mut merged: BTreeMap<&str, &str> = self
            .supplier
            .iter()
            .flat_map(|m| m.iter())
            .map(|(k, s)| (k.as_str(), s.value.as_str()))
            .collect();
        merged.extend(arena_fields(declared, arena));
        merged.extend(arena_fields(&self.buyer, arena));
        merged
    }
}

/// The map of [`crate::ingest_map`] with its result type erased, so that the reader can call it.
pub(crate) type EarlyFn<'a> =
    &'a (dyn Fn(ReadVendor<'_>, &[&Exclusion]) -> Box<dyn Any + Send> + Sync);

/// Finishing vendors as soon as their rows are read, for a single long CSV grouped by vendor.
///
/// A block worker hands every vendor that neither opens nor closes its block to the map at once
/// (its rows cannot continue into a neighbouring block). That is only right if the vendor has no
/// rows anywhere else; the merge checks it, and when a finished vendor turns up again the run is
/// marked `scattered` and the caller reads everything again the ordinary way.
pub(crate) struct Early<'a> {
    map: EarlyFn<'a>,
    /// Exclusion entries (indexes into `Collector::exclusions`, which the collector owns and
    /// keeps appending to, so no references) by vendor id.
    by_vendor: FxHashMap<String, Vec<u32>>,
    /// Vendors finished early, with what the map gave.
    /// By vendor index (the ids are in `Collector::vendor_ids`: not held twice).
    done: Vec<(u32, Box<dyn Any + Send>)>,
    scattered: bool,
}

/// What a block worker may read of the run while blocks are parsed (the collector is only
/// changed between batches).
pub(crate) struct EarlyView<'c> {
    pub map: EarlyFn<'c>,
    by_vendor: &'c FxHashMap<String, Vec<u32>>,
    exclusions: &'c [Exclusion],
    vendor_ix: &'c HashTable<u32>,
    arena: &'c Arena,
    declared: &'c [PackedLayer],
    vendor_ids: &'c [VendorId],
    vendors: &'c [VendorAcc],
}

impl EarlyView<'_> {
    /// The index of a vendor in the run, if it has one. `guess` is checked first: a block's
    /// vendors come in the order the buyer's profile file named them (both sorted by id, as a
    /// rule), so the vendor after the last one found is nearly always the one after its index,
    /// and a comparison replaces a probe of a million-entry table, which missed the cache.
    pub(crate) fn index_of(&self, id: &VendorId, guess: Option<u32>) -> Option<u32> {
        match guess.and_then(|g| self.vendor_ids.get(g as usize)) {
            Some(at) if crate::text::short_eq(at.as_str().as_bytes(), id.as_str().as_bytes()) => {
                guess
            }
            _ => find_vendor(self.vendor_ix, self.vendor_ids, id.as_str()),
        }
    }

    /// The buyer-declared profile of a vendor that may be finished in a worker, given its
    /// index in the run ([`EarlyView::index_of`]) and passing it on (so the merge need not look
    /// it up again), or `None` when it may not be finished (see [`VendorAcc::open_for_early`]).
    pub(crate) fn profile(
        &self,
        id: &VendorId,
        index: Option<u32>,
    ) -> Option<(Option<u32>, VendorProfile)> {
        match index {
            None => Some((None, VendorProfile::bare(id.clone()))),
            Some(vi) => {
                let acc = &self.vendors[vi as usize];
                acc.open_for_early().then(|| {
                    let declared = self.declared.get(vi as usize).copied().unwrap_or_default();
                    let profile = if acc.supplier.is_some() || !declared.is_empty() {
                        assemble_profile(id.clone(), acc.merged(&declared, self.arena))
                    } else {
                        // Borrowed from the arena: only the profile's own strings are
                        // allocated. In the layer's order, not sorted by key as a merge is: a
                        // layer holds each key once, and each key sets a field of its own (the
                        // extra ones a map's entry), so the order changes nothing.
                        assemble_profile(id.clone(), arena_fields(&acc.buyer, self.arena))
                    };
                    (Some(vi), profile)
                })
            }
        }
    }

    /// The exclusion entries naming a vendor.
    pub(crate) fn exclusions_of(&self, id: &VendorId) -> Vec<&Exclusion> {
        self.by_vendor.get(id.as_str()).map_or_else(Vec::new, |ix| {
            ix.iter().map(|&i| &self.exclusions[i as usize]).collect()
        })
    }
}

/// A packed layer's fields as key and value, borrowed from the arena.
fn arena_fields<'x>(
    layer: &'x PackedLayer,
    arena: &'x Arena,
) -> impl Iterator<Item = (&'x str, &'x str)> {
    layer.iter(arena).map(|(k, f)| (k, f.value))
}

fn id_hash(id: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(id)
}

/// The index of a vendor id in `ids`, through the table of indexes.
fn find_vendor(table: &HashTable<u32>, ids: &[VendorId], id: &str) -> Option<u32> {
    table
        .find(id_hash(id), |&i| ids[i as usize].as_str() == id)
        .copied()
}

pub(crate) struct Collector<'a> {
    pub lookup: &'a dyn QuestionLookup,
    pub opts: &'a IngestOptions,
    pub files: Vec<FileSlot>,
    pub parts: Vec<Part>,
    /// Indexes into `vendor_ids`, found through the ids ([`find_vendor`]).
    vendor_ix: HashTable<u32>,
    /// Every vendor's packed profile layers: the buyer's and those its suppliers declared in
    /// profile tables.
    arena: Arena,
    /// The fields each vendor's suppliers declared in CSV profile tables, packed, by vendor
    /// index (empty until such a table is read): other declarations (a JSON document's
    /// profile, a workbook's profile table or Profile sheet) are in [`VendorAcc`]'s map. The two
    /// never hold the same key. Not in [`VendorAcc`]: most runs have none, and a million slots
    /// are written when a buyer's file is read.
    declared: Vec<PackedLayer>,
    vendor_ids: Vec<VendorId>,
    vendors: Vec<VendorAcc>,
    q_ix: FxHashMap<QuestionId, u32>,
    qtable: Vec<(QuestionId, AnswerSpec)>,
    qcache: FxHashMap<String, QRes>,
    /// The problems and rejected rows listed: the earliest in input order, up to the limit.
    problems: Earliest<Problem>,
    rejects: Earliest<Reject>,
    /// Past the problem limit: problems counted by (file, code), and rejected rows by file,
    /// not kept ([`crate::Limits::max_problems`]).
    unlisted: BTreeMap<(u32, ProblemCode), u64>,
    unlisted_rejects: BTreeMap<u32, u64>,
    seq: u64,
    pub exclusions: Vec<Exclusion>,
    pub early: Option<Early<'a>>,
}

impl<'a> Collector<'a> {
    pub(crate) fn new(lookup: &'a dyn QuestionLookup, opts: &'a IngestOptions) -> Self {
        Self {
            lookup,
            opts,
            files: Vec::new(),
            parts: Vec::new(),
            vendor_ix: HashTable::new(),
            arena: Arena::default(),
            declared: Vec::new(),
            vendor_ids: Vec::new(),
            vendors: Vec::new(),
            q_ix: FxHashMap::default(),
            qtable: Vec::new(),
            qcache: FxHashMap::default(),
            problems: Earliest::new(opts.limits.max_problems),
            rejects: Earliest::new(opts.limits.max_problems),
            unlisted: BTreeMap::new(),
            unlisted_rejects: BTreeMap::new(),
            seq: 0,
            exclusions: Vec::new(),
            early: None,
        }
    }

    /// Registers a file; returns its whole-file part.
    pub(crate) fn new_file(&mut self, path: String, kind: &'static str) -> u32 {
        self.files.push(FileSlot {
            path,
            kind,
            digest: String::new(),
            read: 0,
            accepted: 0,
            rejected: 0,
        });
        let file = (self.files.len() - 1) as u32;
        self.new_part(file, None, Vec::new(), false)
    }

    pub(crate) fn new_part(
        &mut self,
        file: u32,
        sheet: Option<String>,
        labels: Vec<String>,
        json: bool,
    ) -> u32 {
        self.parts.push(Part {
            file,
            sheet,
            labels,
            json,
            derived: false,
        });
        (self.parts.len() - 1) as u32
    }

    pub(crate) fn file_of(&mut self, part: u32) -> &mut FileSlot {
        let f = self.parts[part as usize].file as usize;
        &mut self.files[f]
    }

    pub(crate) fn location(&self, part: u32, row: Option<u64>, col: Option<&str>) -> Location {
        let p = &self.parts[part as usize];
        Location {
            file: self.files[p.file as usize].path.clone(),
            sheet: p.sheet.clone(),
            row,
            column: col.map(str::to_string),
        }
    }

    fn next_key(&mut self, part: u32, row: Option<u64>, col: &ColRef) -> Key {
        self.seq += 1;
        (
            part,
            row.unwrap_or(0),
            col.as_ref().map_or(0, |c| c.0.saturating_add(1)),
            self.seq,
        )
    }

    /// Records a located problem; past the problem limit, counts the latest in input order
    /// ([`Earliest`]).
    pub(crate) fn issue(&mut self, part: u32, row: Option<u64>, issue: Issue) {
        let key = self.next_key(part, row, &issue.col);
        if !self.problems.admits(&key) {
            return self.count_unlisted(part, issue.code);
        }
        let severity = if self.opts.strict {
            ProblemSeverity::Error
        } else {
            issue.code.severity()
        };
        let location = self.location(part, row, issue.col.as_ref().map(|c| c.1.as_str()));
        let problem = Problem {
            code: issue.code,
            severity,
            location,
            value: issue.value,
            message: issue.message,
            help: issue.help,
        };
        if let Some(((part, ..), p)) = self.problems.push(key, problem) {
            self.count_unlisted(part, p.code);
        }
    }

    /// Counts a problem past the limit, by file and code.
    fn count_unlisted(&mut self, part: u32, code: ProblemCode) {
        let file = self.parts[part as usize].file;
        *self.unlisted.entry((file, code)).or_default() += 1;
    }

    /// Counts a rejected row past the limit, by file.
    fn count_unlisted_reject(&mut self, part: u32) {
        let file = self.parts[part as usize].file;
        *self.unlisted_rejects.entry(file).or_default() += 1;
    }

    /// Rejects one counted unit (row, cell, document): every issue becomes a problem, and one
    /// reject carries the first code and all reasons.
    pub(crate) fn reject(
        &mut self,
        part: u32,
        row: Option<u64>,
        issues: Vec<Issue>,
        original: Vec<String>,
    ) {
        debug_assert!(!issues.is_empty());
        let Some(first) = issues.first() else { return };
        self.file_of(part).rejected += 1;
        let code = first.code;
        let col = first.col.clone();
        let key = self.next_key(part, row, &col);
        if !self.rejects.admits(&key) {
            self.count_unlisted_reject(part);
            for i in issues {
                self.issue(part, row, i);
            }
            return;
        }
        let reason = issues
            .iter()
            .map(|i| i.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        let location = self.location(part, row, col.as_ref().map(|c| c.1.as_str()));
        let reject = Reject {
            location,
            code,
            reason,
            original,
        };
        if let Some(((part, ..), _)) = self.rejects.push(key, reject) {
            self.count_unlisted_reject(part);
        }
        for i in issues {
            self.issue(part, row, i);
        }
    }

    /// One `too-many-problems` problem for each file with problems or rejected rows past the
    /// limit, saying how many of each code, in file order (listed after every other problem).
    fn unlisted_report(&self) -> Vec<Problem> {
        let mut files: BTreeMap<u32, Vec<(ProblemCode, u64)>> = BTreeMap::new();
        for (&(file, code), &n) in &self.unlisted {
            files.entry(file).or_default().push((code, n));
        }
        for &file in self.unlisted_rejects.keys() {
            files.entry(file).or_default();
        }
        let max = self.opts.limits.max_problems;
        let mut out = Vec::new();
        for (file, codes) in files {
            let total: u64 = codes.iter().map(|c| c.1).sum();
            let each: Vec<String> = codes
                .iter()
                .map(|(code, n)| format!("{} {n}", code.as_str()))
                .collect();
            let rows = self.unlisted_rejects.get(&file).copied().unwrap_or(0);
            let message = format!(
                "past the limit of {max} problems, {total} more were found in this file and \
                 counted, not listed ({}); {rows} of its rejected rows are not in the rejects \
                 file",
                each.join(", ")
            );
            out.push(Problem {
                code: ProblemCode::TooManyProblems,
                severity: ProblemSeverity::Error,
                location: Location::file(self.files[file as usize].path.clone()),
                value: None,
                message,
                help: Some(
                    "the problems listed first are often one cause repeated (a catalog \
                     overlay not given, a column shifted): fix it and read again, or raise \
                     the problem limit"
                        .to_string(),
                ),
            });
        }
        out
    }

    /// Counts one unit read from a part's file.
    pub(crate) fn count_read(&mut self, part: u32, n: u64) {
        self.file_of(part).read += n;
    }

    /// Counts one unit accepted.
    pub(crate) fn count_accepted(&mut self, part: u32, n: u64) {
        self.file_of(part).accepted += n;
    }

    /// The index of a vendor already seen.
    pub(crate) fn vendor_index(&self, id: &VendorId) -> Option<u32> {
        find_vendor(&self.vendor_ix, &self.vendor_ids, id.as_str())
    }

    /// The index of a vendor, creating it on first sight.
    pub(crate) fn vendor(&mut self, id: &VendorId) -> u32 {
        match find_vendor(&self.vendor_ix, &self.vendor_ids, id.as_str()) {
            Some(i) => i,
            None => self.add_vendor(id),
        }
    }

    /// Adds a vendor the caller just looked up and did not find ([`Collector::vendor_index`]),
    /// without looking it up again.
    pub(crate) fn add_vendor(&mut self, id: &VendorId) -> u32 {
        self.add_vendor_owned(id.clone())
    }

    /// [`Collector::add_vendor`] keeping the id given (a buyer's profile file adds a vendor per
    /// row, and the row's id is not needed after).
    pub(crate) fn add_vendor_owned(&mut self, id: VendorId) -> u32 {
        debug_assert!(self.vendor_index(&id).is_none(), "{id} added twice");
        let i = self.vendors.len() as u32;
        let ids = &self.vendor_ids;
        self.vendor_ix.insert_unique(id_hash(id.as_str()), i, |&j| {
            id_hash(ids[j as usize].as_str())
        });
        self.vendor_ids.push(id);
        self.vendors.push(VendorAcc::default());
        i
    }

    /// Makes room for a profile file of about `rows` vendors and `bytes` of packed fields,
    /// estimated from its size: growing a vector of a million vendors step by step copies it
    /// each time into fresh pages the kernel has to clear, which was most of the time spent
    /// reading the file. Reserved memory that is never written costs no resident memory. The
    /// estimates are capped, so that a wrong guess costs address space, not a failed allocation.
    pub(crate) fn reserve_profiles(&mut self, rows: usize, bytes: usize) {
        const MAX_ROWS: usize = 1 << 22;
        const MAX_BYTES: usize = 1 << 31;
        let rows = rows.min(MAX_ROWS).saturating_sub(self.vendors.len());
        self.vendors.reserve(rows);
        self.vendor_ids.reserve(rows);
        let ids = &self.vendor_ids;
        self.vendor_ix
            .reserve(rows, |&j| id_hash(ids[j as usize].as_str()));
        self.arena.reserve(bytes.min(MAX_BYTES));
    }

    /// Turns on finishing vendors early ([`Early`]), once the exclusions are read.
    pub(crate) fn enable_early(&mut self, map: EarlyFn<'a>) {
        let mut by_vendor: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (i, e) in self.exclusions.iter().enumerate() {
            by_vendor
                .entry(e.vendor_id.as_str().to_string())
                .or_default()
                .push(i as u32);
        }
        self.early = Some(Early {
            map,
            by_vendor,
            // Room for every vendor the buyer's profile file named (nearly all are finished
            // early): grown by doubling instead, a million results were copied into fresh pages
            // several times over in the serial merge.
            done: Vec::with_capacity(self.vendors.len()),
            scattered: false,
        });
    }

    /// Whether a vendor finished early turned up again (the run must be read again).
    pub(crate) fn scattered(&self) -> bool {
        self.early.as_ref().is_some_and(|e| e.scattered)
    }

    /// The read-only view block workers use, when finishing early is on and still possible.
    pub(crate) fn early_view(&self) -> Option<EarlyView<'_>> {
        let e = self.early.as_ref().filter(|e| !e.scattered)?;
        Some(EarlyView {
            map: e.map,
            by_vendor: &e.by_vendor,
            exclusions: &self.exclusions,
            vendor_ix: &self.vendor_ix,
            arena: &self.arena,
            declared: &self.declared,
            vendor_ids: &self.vendor_ids,
            vendors: &self.vendors,
        })
    }

    /// Records a vendor a block worker finished; marks the run scattered when the vendor already
    /// has rows (a neighbouring block of the same batch ended or began with it). `known` is the
    /// vendor's index when the worker found it in the run (indexes never change); without it,
    /// an earlier block of the batch may have added the vendor since, so it is looked up.
    pub(crate) fn finished_early(
        &mut self,
        id: &VendorId,
        known: Option<u32>,
        r: Box<dyn Any + Send>,
    ) -> Option<u32> {
        let found = known.or_else(|| find_vendor(&self.vendor_ix, &self.vendor_ids, id.as_str()));
        let vi = match found {
            Some(vi) if !self.vendors[vi as usize].open_for_early() => {
                self.mark_scattered();
                return None;
            }
            Some(vi) => vi,
            None => self.vendor(id),
        };
        let acc = &mut self.vendors[vi as usize];
        acc.finished = true;
        // The worker read the profile already; nothing reads it again but the report of where
        // the supplier's declaration and the buyer's differ, made here as the final pass would.
        let read = VendorAcc {
            supplier: acc.supplier.take(),
            buyer: std::mem::take(&mut acc.buyer),
            ..VendorAcc::default()
        };
        let declared = self.take_declared(vi);
        self.report_conflicts(vi, &read, &declared);
        if let Some(e) = &mut self.early {
            e.done.push((vi, r));
        }
        Some(vi)
    }

    fn mark_scattered(&mut self) {
        if let Some(e) = &mut self.early {
            if !e.scattered {
                tracing::debug!(
                    "a vendor's rows are not all in one place; reading again without finishing vendors early"
                );
            }
            e.scattered = true;
        }
    }

    /// Resolves a raw question id through the catalog, once per distinct spelling.
    pub(crate) fn resolve(&mut self, raw: &str) -> QRes {
        let raw = raw.trim();
        if let Some(r) = self.qcache.get(raw) {
            return r.clone();
        }
        let r = match self.lookup.resolve(raw) {
            Resolution::Known(id, spec) => QRes::Known(self.intern_question(id, spec), spec),
            Resolution::Unknown { suggestion } => QRes::Unknown(suggestion),
        };
        self.qcache.insert(raw.to_string(), r.clone());
        r
    }

    pub(crate) fn intern_question(&mut self, id: QuestionId, spec: AnswerSpec) -> u32 {
        if let Some(&i) = self.q_ix.get(&id) {
            return i;
        }
        let i = self.qtable.len() as u32;
        self.q_ix.insert(id, i);
        self.qtable.push((id, spec));
        i
    }

    /// Stores an accepted answer for a vendor (duplicates are resolved in the final pass).
    pub(crate) fn store(&mut self, vendor: u32, s: Stored) {
        self.vendors[vendor as usize].answers.push(s);
    }

    /// Appends a batch of accepted answers for a vendor, in input order.
    pub(crate) fn store_all(&mut self, vendor: u32, mut run: Vec<Stored>) {
        if self.vendors[vendor as usize].finished {
            self.mark_scattered();
            return;
        }
        let v = &mut self.vendors[vendor as usize].answers;
        if v.is_empty() {
            *v = run;
        } else {
            v.append(&mut run);
        }
    }

    /// The index of a profile key in the arena (added on first sight): a profile file interns
    /// its columns' keys once, so that its rows can be encoded off the serial path.
    pub(crate) fn profile_key(&mut self, key: &str) -> u32 {
        self.arena.intern(key)
    }

    /// A vendor's fields in `layer` as [`crate::packed::encode`] wrote them, from one profile
    /// row, for a vendor that has none in that layer yet: what [`Collector::profile_field`] would
    /// store field by field. `false`, and nothing stored, when the vendor already has fields in
    /// the layer (the caller then adds them one by one, each checked against those), or was
    /// handed on already.
    pub(crate) fn fields_encoded(
        &mut self,
        layer: Layer,
        vendor: u32,
        fields: &[u8],
        has: u64,
    ) -> bool {
        let acc = &mut self.vendors[vendor as usize];
        if acc.finished {
            return false;
        }
        match layer {
            Layer::Buyer => acc.buyer.append_encoded(&mut self.arena, fields, has),
            Layer::Supplier if acc.supplier.is_some() => false,
            Layer::Supplier => {
                let vi = vendor as usize;
                if self.declared.len() <= vi {
                    self.declared.resize(vi + 1, PackedLayer::default());
                }
                self.declared[vi].append_encoded(&mut self.arena, fields, has)
            }
        }
    }

    /// A vendor's fields declared in profile tables, taken out (none left behind).
    fn take_declared(&mut self, vi: u32) -> PackedLayer {
        self.declared
            .get_mut(vi as usize)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Records one profile field declared for a vendor.
    pub(crate) fn profile_field(
        &mut self,
        layer: Layer,
        vendor: u32,
        (key, value): (&str, &str),
        part: u32,
        row: Option<u64>,
        col: &ColRef,
    ) {
        let k = match layer {
            Layer::Buyer => self.arena.intern(key),
            Layer::Supplier => 0,
        };
        if self.vendors[vendor as usize].finished {
            // Declared after the vendor was handed on (a file read after the one finished early
            // cannot do it, but the run stays right if one did): read it again the ordinary way.
            self.mark_scattered();
        }
        let declared = self.declared.get(vendor as usize).copied();
        let acc = &mut self.vendors[vendor as usize];
        let old = match layer {
            Layer::Supplier if let Some(old) = declared.and_then(|d| d.get(&self.arena, key)) => {
                if old.value == value {
                    return;
                }
                self.packed_field(old)
            }
            Layer::Supplier => match acc.supplier.as_deref().and_then(|m| m.get(key)) {
                None => {
                    let col = col.clone();
                    let new = PField {
                        value: value.to_string(),
                        part,
                        row,
                        col,
                    };
                    acc.supplier
                        .get_or_insert_with(Box::default)
                        .insert(key.to_string(), new);
                    return;
                }
                Some(old) if old.value == value => return,
                Some(old) => old.clone(),
            },
            Layer::Buyer => match acc.buyer.get_ix(&self.arena, k) {
                None => {
                    let f = PackedField {
                        value,
                        part,
                        row,
                        col: col.as_ref().map(|c| c.0),
                    };
                    acc.buyer.push(&mut self.arena, k, f);
                    return;
                }
                Some(old) if old.value == value => return,
                Some(old) => self.packed_field(old),
            },
        };
        let first = self.location(old.part, old.row, old.col.as_ref().map(|c| c.1.as_str()));
        let vid = self.vendor_ids[vendor as usize].clone();
        let name = display_key(key);
        let issue = Issue::new(
            ProblemCode::ProfileConflict,
            col.clone(),
            Some(value),
            format!(
                "vendor '{vid}': {name} '{}' differs from '{}' declared first at {first}; keeping the first",
                shown(value),
                shown(&old.value)
            ),
        );
        self.issue(part, row, issue);
    }

    /// The final pass: duplicates, profiles, ordering.
    pub(crate) fn finish(self) -> Ingested {
        let (mut ingested, vendors) = self.finish_map(|v, _| v.into_vendor(), false);
        ingested.vendors = vendors;
        ingested
    }

    /// The final pass, handing each finished vendor (in vendor-id order, with the exclusion
    /// entries naming it) to `map` in parallel instead of keeping it: only the compact answers
    /// are held for all vendors at once, and each vendor's answer map lives only while `map`
    /// runs. The returned [`Ingested`] has no vendors; the second value holds what `map` gave,
    /// in vendor-id order.
    ///
    /// With `skip_on_problems`, a run with any problem hands nothing to `map` (a strict run fails
    /// on it anyway, so the vendors are not worth mapping); the problems and counts are complete.
    pub(crate) fn finish_map<R, F>(mut self, map: F, skip_on_problems: bool) -> (Ingested, Vec<R>)
    where
        R: Send + 'static,
        F: Fn(ReadVendor<'_>, &[&Exclusion]) -> R + Sync,
    {
        // Canonical order of questions, so that duplicates sort next to each other.
        let mut order: Vec<u32> = (0..self.qtable.len() as u32).collect();
        order.sort_by(|a, b| self.qtable[*a as usize].0.cmp(&self.qtable[*b as usize].0));
        let mut rank = vec![0u32; order.len()];
        for (r, q) in order.iter().enumerate() {
            rank[*q as usize] = r as u32;
        }
        // Deduplicated in place, only the duplicates collected (in vendor order): at a million
        // vendors, mostly finished early, a vector per vendor here would be a large transient
        // at the run's peak.
        let events: Vec<(u32, Dup)> = self
            .vendors
            .par_iter_mut()
            .enumerate()
            .flat_map_iter(|(vi, v)| {
                let (kept, dups) = dedupe(std::mem::take(&mut v.answers), &rank);
                v.answers = kept;
                dups.into_iter().map(move |d| (vi as u32, d))
            })
            .collect();
        for (vi, d) in events {
            self.duplicate_event(vi, d);
        }
        let mut accs = std::mem::take(&mut self.vendors);
        // The vendors left for this pass, found on every core: at a million vendors, nearly
        // all finished early, a serial walk over every record was a step of its own.
        let open: Vec<u32> = accs
            .par_iter()
            .enumerate()
            .filter(|(_, a)| !a.finished)
            .map(|(vi, _)| vi as u32)
            .collect();
        let mut pending: Vec<(VendorProfile, Vec<Stored>)> = Vec::with_capacity(open.len());
        for vi in open {
            let mut acc = std::mem::take(&mut accs[vi as usize]);
            let k = std::mem::take(&mut acc.answers);
            pending.push((self.build_profile(vi, acc), k));
        }
        drop(accs);
        let mut done = self.early.take().map(|e| e.done).unwrap_or_default();
        pending.sort_by(|a, b| a.0.vendor_id.cmp(&b.0.vendor_id));
        let exclusions = std::mem::take(&mut self.exclusions);
        let mut by_vendor: FxHashMap<&VendorId, Vec<&Exclusion>> = FxHashMap::default();
        for e in &exclusions {
            by_vendor.entry(&e.vendor_id).or_default().push(e);
        }
        let vendors_read = (pending.len() + done.len()) as u64;
        if skip_on_problems && !(self.problems.is_empty() && self.unlisted.is_empty()) {
            pending.clear();
            done.clear();
        }
        let qtable = &self.qtable;
        let pending_ids: Vec<VendorId> = if done.is_empty() {
            Vec::new()
        } else {
            pending.iter().map(|p| p.0.vendor_id.clone()).collect()
        };
        let mapped: Vec<R> = pending
            .into_par_iter()
            .map(|(profile, answers)| {
                let ex = by_vendor
                    .get(&profile.vendor_id)
                    .map_or(&[][..], Vec::as_slice);
                let answers = answer_map(answers, qtable);
                map(ReadVendor::owned(Vendor { profile, answers }), ex)
            })
            .collect();
        drop(by_vendor);
        let mapped = if done.is_empty() {
            mapped
        } else {
            merge_by_id(done, &self.vendor_ids, pending_ids, mapped)
        };
        let unlisted = self.unlisted_report();
        let mut problems = self.problems.into_sorted();
        problems.extend(unlisted);
        let algo = self.opts.input_digest;
        let ingested = Ingested {
            vendors: Vec::new(),
            vendors_read,
            exclusions,
            files: self
                .files
                .into_iter()
                .map(|f| {
                    let mut file = InputFile {
                        path: f.path,
                        kind: f.kind.to_string(),
                        sha256: String::new(),
                        blake3: String::new(),
                        rows_read: f.read,
                        accepted: f.accepted,
                        rejected: f.rejected,
                    };
                    algo.record(f.digest, &mut file);
                    file
                })
                .collect(),
            problems,
            rejects: self.rejects.into_sorted(),
        };
        (ingested, mapped)
    }

    fn answer_label(&self, part: u32, col: u32) -> String {
        let p = &self.parts[part as usize];
        if p.json {
            format!("answers[{col}].answer")
        } else {
            p.labels
                .get(col as usize)
                .cloned()
                .unwrap_or_else(|| format!("column {}", col + 1))
        }
    }

    fn stored_location(&self, s: &Stored) -> Location {
        let p = &self.parts[s.part as usize];
        let row = (!p.json || s.row > 0).then_some(s.row);
        self.location(s.part, row, Some(&self.answer_label(s.part, s.col)))
    }

    pub(crate) fn duplicate_event(&mut self, vendor: u32, d: Dup) {
        let first = self.stored_location(&d.first);
        let later = d.later;
        let qid = self.qtable[later.q as usize].0;
        let vid = self.vendor_ids[vendor as usize].clone();
        let p = &self.parts[later.part as usize];
        let row = (!p.json || later.row > 0).then_some(later.row);
        let derived = p.derived;
        let col: ColRef = Some((later.col, self.answer_label(later.part, later.col)));
        if d.identical {
            let issue = Issue::new(
                ProblemCode::DuplicateIdentical,
                col,
                Some(&later.value.canonical()),
                format!(
                    "vendor '{vid}' answered {qid} again with the same answer (first at {first}); merged"
                ),
            );
            self.issue(later.part, row, issue);
            return;
        }
        let issue = Issue::new(
            ProblemCode::DuplicateConflict,
            col,
            Some(&later.value.canonical()),
            format!(
                "vendor '{vid}' answered {qid} again with a different answer or evidence; the first, at {first} ('{}'), is kept",
                d.first.value.canonical()
            ),
        )
        .help("remove one of the two answers, or correct the vendor or question id");
        if derived {
            // Derived through an adapter: the foreign rows behind it were counted and stand;
            // the later file's answer to this question is dropped, and said so.
            let issue = Issue {
                message: format!(
                    "vendor '{vid}' answered {qid} again, derived through an adapter, with a different answer or evidence; the first, at {first} ('{}'), is kept and this one dropped",
                    d.first.value.canonical()
                ),
                ..issue
            };
            self.issue(later.part, row, issue);
            return;
        }
        let original = vec![
            vid.to_string(),
            qid.to_string(),
            later.value.canonical(),
            later.evidence.as_deref().unwrap_or("").to_string(),
            later.date.map(|d| d.to_string()).unwrap_or_default(),
            later.comment.as_deref().unwrap_or("").to_string(),
        ];
        let file = self.file_of(later.part);
        file.accepted -= 1;
        self.reject(later.part, row, vec![issue], original);
    }

    /// The column of a packed buyer field: buyer profiles are tables, labelled by their part.
    fn packed_col(&self, part: u32, col: Option<u32>) -> ColRef {
        let c = col?;
        let label = self.parts[part as usize]
            .labels
            .get(c as usize)
            .cloned()
            .unwrap_or_else(|| format!("column {}", c + 1));
        Some((c, label))
    }

    fn build_profile(&mut self, vi: u32, acc: VendorAcc) -> VendorProfile {
        let declared = self.take_declared(vi);
        self.report_conflicts(vi, &acc, &declared);
        let vid = self.vendor_ids[vi as usize].clone();
        assemble_profile(vid, acc.merged(&declared, &self.arena))
    }

    /// A packed field as the map of supplier declarations holds one (for a conflict's message).
    fn packed_field(&self, f: PackedField<'_>) -> PField {
        PField {
            value: f.value.to_string(),
            part: f.part,
            row: f.row,
            col: self.packed_col(f.part, f.col),
        }
    }

    /// One `profile-conflict` for each field the supplier declared otherwise than the buyer's
    /// profile file (whose value the vendor's profile takes).
    fn report_conflicts(&mut self, vi: u32, acc: &VendorAcc, declared: &PackedLayer) {
        if acc.buyer.is_empty() || (acc.supplier.is_none() && declared.is_empty()) {
            return;
        }
        // The declarations the buyer's profile contradicts, of both kinds, in key order (they
        // never share a key); the others cost nothing (a folder's million declared profiles).
        let arena = &self.arena;
        let differs = |k: &str, v: &str| acc.buyer.get(arena, k).is_some_and(|b| b.value != v);
        let mut differing: Vec<(&str, PField)> = acc
            .supplier
            .iter()
            .flat_map(|m| m.iter())
            .filter(|(k, s)| differs(k, &s.value))
            .map(|(k, s)| (k.as_str(), s.clone()))
            .collect();
        for (k, f) in declared.iter(arena) {
            if differs(k, f.value) {
                differing.push((k, self.packed_field(f)));
            }
        }
        differing.sort_by(|a, b| a.0.cmp(b.0));
        let vid = &self.vendor_ids[vi as usize];
        let mut issues = Vec::new();
        for (k, s) in &differing {
            let Some(b) = acc.buyer.get(arena, k) else {
                continue;
            };
            let bcol = self.packed_col(b.part, b.col);
            let at = self.location(b.part, b.row, bcol.as_ref().map(|c| c.1.as_str()));
            let issue = Issue::new(
                ProblemCode::ProfileConflict,
                s.col.clone(),
                Some(&s.value),
                format!(
                    "vendor '{vid}': the supplier declared {} '{}' but the buyer's profile at {at} says '{}'; using the buyer's value",
                    display_key(k),
                    shown(&s.value),
                    shown(b.value)
                ),
            );
            issues.push((s.part, s.row, issue));
        }
        for (part, row, issue) in issues {
            self.issue(part, row, issue);
        }
    }
}

/// A profile from its merged fields (buyer over supplier), keyed as [`Collector::profile_field`]
/// records them.
fn assemble_profile<K, V>(vid: VendorId, merged: impl IntoIterator<Item = (K, V)>) -> VendorProfile
where
    K: AsRef<str>,
    V: AsRef<str> + Into<String>,
{
    let mut profile = VendorProfile::bare(vid);
    for (k, v) in merged {
        let k = k.as_ref();
        match k {
            "name" => profile.name = Some(v.into()),
            "country" => profile.country = Some(v.into()),
            "criticality" => profile.criticality = v.as_ref().parse().ok(),
            "ai_role" => profile.ai_role = v.as_ref().parse().ok(),
            "data_access" => profile.data_access = v.as_ref().parse().ok(),
            "assessed_on" => profile.assessed_on = crate::text::parse_date(v.as_ref()),
            "certifications" => {
                profile.certifications = v
                    .as_ref()
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            _ => {
                let name = k.strip_prefix(EXTRA).unwrap_or(k).to_string();
                profile.extra.insert(name, v.into());
            }
        }
    }
    profile
}

/// Prefix of profile keys that hold pass-through extra columns.
pub(crate) const EXTRA: &str = "extra:";

fn display_key(k: &str) -> String {
    match k.strip_prefix(EXTRA) {
        Some(x) => format!("extra field '{x}'"),
        None => k.to_string(),
    }
}

/// Early results and final-pass results (each sorted by vendor id, disjoint) as one list in
/// vendor-id order.
fn merge_by_id<R: Send + 'static>(
    mut done: Vec<(u32, Box<dyn Any + Send>)>,
    names: &[VendorId],
    ids: Vec<VendorId>,
    mapped: Vec<R>,
) -> Vec<R> {
    // On every core: at a million vendors this is a serial step at the end of the run. The
    // ids are distinct, so an unstable sort gives the one order.
    done.par_sort_unstable_by(|a, b| names[a.0 as usize].cmp(&names[b.0 as usize]));
    // The final pass's few vendors (in id order) placed among the early ones by binary
    // search, as boxes (two words each): the one serial step moves those, not the results.
    let mut all: Vec<Box<dyn Any + Send>> = Vec::with_capacity(done.len() + mapped.len());
    let mut early = done.into_iter();
    for (id, r) in ids.into_iter().zip(mapped) {
        let before = early
            .as_slice()
            .partition_point(|(e, _)| names[*e as usize] < id);
        all.extend(early.by_ref().take(before).map(|(_, b)| b));
        all.push(Box::new(r));
    }
    all.extend(early.map(|(_, b)| b));
    // Unboxed on every core, straight into the result's place: a box freed on a thread other
    // than the one that made it is the slow path of the allocator, and these are nearly all
    // of a run's results.
    all.into_par_iter()
        .map(|b| {
            *b.downcast::<R>()
                .unwrap_or_else(|_| unreachable!("early results have the map's type"))
        })
        .collect()
}

/// A duplicate (vendor, question) found in the final pass.
pub(crate) struct Dup {
    pub first: Stored,
    pub later: Stored,
    pub identical: bool,
}

/// Sorts one vendor's answers by question, then by where they stand in the input (their part,
/// registered in input order, and row; stable, so answers of one row or document keep their
/// reading order), keeps the first of each question and reports the others. Input order, not
/// reading order: a file whose vendors are finished as it is read is read after the inputs
/// that follow it ([`crate::ingest_map`]). `rank` orders the question indexes the answers refer
/// to canonically.
pub(crate) fn dedupe(mut answers: Vec<Stored>, rank: &[u32]) -> (Vec<Stored>, Vec<Dup>) {
    answers.sort_by_key(|s| (rank[s.q as usize], s.part, s.row));
    let mut dups = Vec::new();
    let mut i = 0;
    while i < answers.len() {
        let mut j = i + 1;
        while j < answers.len() && answers[j].q == answers[i].q {
            dups.push(Dup {
                first: answers[i].clone(),
                identical: answers[i].same_answer(&answers[j]),
                later: answers[j].clone(),
            });
            j += 1;
        }
        i = j;
    }
    // In place: the vendor's answers are never held twice.
    if !dups.is_empty() {
        answers.dedup_by(|later, first| later.q == first.q);
    }
    (answers, dups)
}

/// A vendor's kept answers (sorted by question id, one per question) as the model's map.
pub(crate) fn answer_map(
    kept: Vec<Stored>,
    qtable: &[(QuestionId, AnswerSpec)],
) -> BTreeMap<QuestionId, Answer> {
    kept.into_iter()
        .map(|s| {
            let qid = qtable[s.q as usize].0;
            (
                qid,
                Answer {
                    question: qid,
                    value: s.value,
                    evidence: s.evidence.map(String::from),
                    evidence_date: s.date,
                    comment: s.comment.map(String::from),
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::profiles::{Apply, ProfileCols};
    use crate::table::{Header, Row};

    /// A buyer field as compared: key, value, part, row.
    type Field = (String, String, u32, Option<u64>);

    /// Every vendor's buyer fields, by key text (key indexes depend on the order keys came in).
    fn buyer_fields(col: &Collector) -> Vec<(String, Vec<Field>)> {
        col.vendor_ids
            .iter()
            .zip(&col.vendors)
            .map(|(id, acc)| {
                let fields = acc
                    .buyer
                    .iter(&col.arena)
                    .map(|(k, f)| (k.to_string(), f.value.to_string(), f.part, f.row))
                    .collect();
                (id.to_string(), fields)
            })
            .collect()
    }

    /// Rows encoded where they are checked ([`ProfileCols::encode`]) give the run exactly what
    /// applying them field by field gives: the same fields and provenance, and the same
    /// conflicts for vendors that already had fields from an earlier file.
    #[test]
    fn encoded_rows_apply_as_field_by_field() {
        let cat = crate::testutil::TestCatalog::load();
        let opts = crate::IngestOptions::default();
        let files: [(&[&str], &[&[&str]]); 2] = [
            (
                &["vendor_id", "name", "criticality", "x", "assessed_on"],
                &[
                    &["V1", " Acme ", "High", "", "2025-01-31"],
                    &["V2", "", "low", "kept", ""],
                    &["V3", "Corp", "hihg", "y", "2025-02-30"],
                    &["V1", "again", "", "", ""],
                    &["", "no id", "", "", ""],
                ],
            ),
            (
                &["vendor_id", "criticality", "name", "country"],
                &[
                    &["V2", "LOW", "Other", "tw"],
                    &["V4", "moderate", "New", "JP"],
                    &["V1", "critical", "Acme", ""],
                ],
            ),
        ];
        let run = |encoded: bool| {
            let mut col = Collector::new(&cat, &opts);
            for (n, (head, rows)) in files.iter().enumerate() {
                let part = col.new_file(format!("vendors-{n}.csv"), "profiles");
                let header = Header::new(head.iter().map(|h| h.to_string()).collect(), 1, false);
                let Some(cols) = ProfileCols::new(&mut col, part, &header) else {
                    panic!("header refused");
                };
                let keys: Vec<u32> = cols.keys().iter().map(|k| col.profile_key(k)).collect();
                let mut apply = Apply::new(&cols, Layer::Buyer, part);
                let mut buf = Vec::new();
                for (i, cells) in rows.iter().enumerate() {
                    let row = Row {
                        line: i as u64 + 2,
                        cells: csv::StringRecord::from(cells.to_vec()),
                        bad_utf8: Vec::new(),
                        ..Row::default()
                    };
                    let Some(mut c) = cols.check(row) else {
                        continue;
                    };
                    if encoded {
                        cols.encode(&mut c, &keys, (part, 100), &mut buf);
                    }
                    assert!(apply.row(&mut col, &mut c, 100, &buf));
                }
            }
            let fields = buyer_fields(&col);
            let problems = col.problems.into_sorted();
            (
                fields,
                problems
                    .iter()
                    .map(|p| format!("{p:?}"))
                    .collect::<Vec<_>>(),
            )
        };
        let (fields, problems) = run(true);
        assert_eq!((fields.clone(), problems.clone()), run(false));
        // V3's row is rejected; the second file met vendors with fields (a conflict on V1's
        // criticality) and one without (V4).
        let ids: Vec<&str> = fields.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["V1", "V2", "V4"]);
        for code in ["ProfileConflict", "DuplicateVendor", "BlankVendorId"] {
            assert!(
                problems.iter().any(|p| p.contains(code)),
                "{code}: {problems:?}"
            );
        }
    }

    /// A million of these are written when a buyer's file is read: keep them small.
    #[test]
    fn vendor_slot_stays_small() {
        let size = std::mem::size_of::<VendorAcc>();
        assert!(size <= 64, "VendorAcc is {size} bytes");
    }
}
