//! The scrm question bank: one versioned catalog of plain-language questions (English and
//! Traditional Chinese) covering NIST AI RMF 1.0, ISO/IEC 42001:2023 and C-SCRM (NIST CSF 2.0
//! GV.SC, SP 800-161r1), plus supplier-specific AI supply chain topics.
//!
//! The catalog is a set of reviewable TOML files and a crosswalk CSV under `catalog/`, embedded
//! in the binary at build time. Its content hash (SHA-256 over the embedded sources, in a fixed
//! order) travels with every result, so a score can always be traced to the exact questions
//! and weights behind it. A buyer may adjust the bank with an overlay file
//! ([`Catalog::with_overlay`]): change weights, switch questions off, add questions.
//!
//! [`Catalog`] also implements [`scrm_model::QuestionLookup`], mapping the id spellings found
//! in real questionnaires (`GOVERN 1.1`, `gv1.1`, `ai-rmf-gv-1.1`, `A.10.3`, ...) onto
//! canonical ids.

mod crosswalk;
mod error;
pub mod export;
pub mod frameworks;
mod load;
mod lookup;

pub use crosswalk::{Crosswalk, CrosswalkPair};
pub use error::{CatalogError, CatalogProblem};
pub use frameworks::{FrameworkItem, aims_item_for, normalize_airm_subcategory};

use error::Problems;
use load::{Patch, Pos};
use scrm_model::{Lens, Question};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The embedded catalog sources, in hash order: the header, the question files in catalog
/// order, then the crosswalk.
const BUILTIN_SOURCES: &[(&str, &str)] = &[
    ("catalog.toml", include_str!("../catalog/catalog.toml")),
    ("airm.toml", include_str!("../catalog/airm.toml")),
    ("aims.toml", include_str!("../catalog/aims.toml")),
    ("cscrm.toml", include_str!("../catalog/cscrm.toml")),
    ("supplier.toml", include_str!("../catalog/supplier.toml")),
    ("crosswalk.csv", include_str!("../catalog/crosswalk.csv")),
];

/// The name of the header file among the sources.
const HEADER_FILE: &str = "catalog.toml";

/// One question with its state in this catalog.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub(crate) question: Question,
    /// `false` once an overlay switched the question off.
    pub(crate) enabled: bool,
}

/// A validated, versioned question bank.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    id: String,
    version: String,
    hash: String,
    /// Every question, including switched-off ones, in catalog order.
    pub(crate) entries: Vec<Entry>,
    /// Enabled questions, in catalog order.
    questions: Vec<Question>,
    /// Canonical id → index in `entries`.
    pub(crate) by_id: BTreeMap<String, usize>,
    /// Token key of every canonical id and alias → index in `entries`.
    pub(crate) by_key: BTreeMap<String, usize>,
    /// The characters of each of `by_key`'s keys counted, in its order ([`lookup::Bins`]).
    pub(crate) key_bins: Vec<lookup::Bins>,
    /// Canonical id → index in `questions` (enabled only).
    enabled_pos: BTreeMap<String, usize>,
    crosswalk: Crosswalk,
    /// Every source the catalog was built from, in hash order (overlays last).
    sources: Vec<Source>,
}

/// One file the catalog was built from.
#[derive(Debug, Clone, PartialEq)]
struct Source {
    /// The name problems are reported under: the catalog's own file name, or an overlay's path
    /// as the user gave it.
    name: String,
    /// Whether this is a buyer overlay. An overlay is hashed by its text and position alone,
    /// because its path says where the file lies, not what it asks: `--catalog x.toml` and
    /// `--catalog /abs/x.toml` must give the same hash, or a nightly run re-scores every vendor.
    overlay: bool,
    text: String,
}

impl Source {
    /// The name the content hash covers.
    fn hashed_name(&self) -> &str {
        if self.overlay {
            OVERLAY_HASH_NAME
        } else {
            &self.name
        }
    }
}

/// What every overlay is called in the content hash (see [`Source::overlay`]).
const OVERLAY_HASH_NAME: &str = "overlay";

/// The lenses a question counts in: AI RMF when it cites an AI RMF subcategory, ISO/IEC 42001
/// when it cites a clause or control, C-SCRM when it cites a CSF 2.0 GV.SC subcategory.
/// Always in [`Lens::ALL`] order.
pub fn lenses_of(q: &Question) -> Vec<Lens> {
    let mut out = Vec::new();
    if !q.refs.airm.is_empty() {
        out.push(Lens::Airm);
    }
    if !q.refs.aims.is_empty() {
        out.push(Lens::Aims);
    }
    if q.refs.csf.iter().any(|c| c.starts_with("GV.SC-")) {
        out.push(Lens::Cscrm);
    }
    out
}

/// SHA-256 (lower-case hex) over named sources; each name and text is length-prefixed so that
/// moving bytes between files changes the hash.
fn content_hash(sources: &[Source]) -> String {
    let mut h = Sha256::new();
    for source in sources {
        let (name, text) = (source.hashed_name(), &source.text);
        h.update((name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Control characters from file names or quoted values shown as escapes, so a problem
/// message can never drive a terminal or split a log line.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Sorts problems by file (in the order the files were given), line and column, and makes
/// their text printable.
fn sorted(mut problems: Vec<CatalogProblem>, file_order: &[String]) -> CatalogError {
    for p in &mut problems {
        p.file = printable(&p.file);
        p.message = printable(&p.message);
        p.help = p.help.as_deref().map(printable);
    }
    let rank = |f: &str| file_order.iter().position(|n| n == f).unwrap_or(usize::MAX);
    problems.sort_by_key(|p| (rank(&p.file), p.line, p.column));
    CatalogError { problems }
}

impl Catalog {
    /// The catalog shipped with scrm.
    pub fn builtin() -> &'static Catalog {
        static BUILTIN: OnceLock<Catalog> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The embedded sources are fixed at build time and `tests/builtin.rs` loads them
            // with full validation, so a failure here is a build defect, not an input error.
            Catalog::from_sources(BUILTIN_SOURCES)
                .unwrap_or_else(|e| panic!("the embedded question bank is invalid: {e}"))
        })
    }

    /// The embedded sources as (file name, text), in hash order.
    pub fn builtin_sources() -> &'static [(&'static str, &'static str)] {
        BUILTIN_SOURCES
    }

    /// Builds a catalog from named sources: `catalog.toml` (the header), every question file
    /// it lists, and its crosswalk CSV. The hash covers the sources in the order given.
    pub fn from_sources(sources: &[(&str, &str)]) -> Result<Catalog, CatalogError> {
        let names: Vec<String> = sources.iter().map(|(n, _)| n.to_string()).collect();
        let mut problems: Vec<CatalogProblem> = Vec::new();
        let find = |name: &str| sources.iter().find(|(n, _)| *n == name).map(|(_, s)| *s);

        let Some(header_src) = find(HEADER_FILE) else {
            let problem = CatalogProblem {
                file: HEADER_FILE.into(),
                line: None,
                column: None,
                message: "no catalog.toml among the sources".into(),
                help: Some(format!("the sources given were {names:?}")),
            };
            return Err(sorted(vec![problem], &names));
        };
        let mut hp = Problems::new(HEADER_FILE, header_src);
        let header = load::read_header(&mut hp, header_src);
        problems.append(&mut hp.list);
        let Some(header) = header else {
            return Err(sorted(problems, &names));
        };

        // Every listed file must be given, and every given file listed.
        let mut patches: Vec<Patch> = Vec::new();
        for file in &header.files {
            match find(file) {
                Some(src) => {
                    let mut p = Problems::new(file, src);
                    patches.extend(load::read_question_file(&mut p, src));
                    problems.append(&mut p.list);
                }
                None => problems.push(CatalogProblem {
                    file: HEADER_FILE.into(),
                    line: None,
                    column: None,
                    message: format!("catalog.toml lists '{file}' but no such source was given"),
                    help: Some(format!("the sources given were {names:?}")),
                }),
            }
        }
        let crosswalk = match find(&header.crosswalk) {
            Some(src) => {
                let (cw, mut ps) = Crosswalk::parse(&header.crosswalk, src);
                problems.append(&mut ps);
                cw
            }
            None => {
                problems.push(CatalogProblem {
                    file: HEADER_FILE.into(),
                    line: None,
                    column: None,
                    message: format!(
                        "catalog.toml names the crosswalk '{}' but no such source was given",
                        header.crosswalk
                    ),
                    help: Some(format!("the sources given were {names:?}")),
                });
                Crosswalk::default()
            }
        };
        for (name, _) in sources {
            let listed = *name == HEADER_FILE
                || *name == header.crosswalk
                || header.files.iter().any(|f| f == name);
            if !listed {
                problems.push(CatalogProblem {
                    file: name.to_string(),
                    line: None,
                    column: None,
                    message: format!("'{name}' is not listed in catalog.toml"),
                    help: Some(
                        "add it to 'files' in [catalog], or leave it out of the sources".into(),
                    ),
                });
            }
        }

        // Questions: complete, with unique ids.
        let mut entries: Vec<Entry> = Vec::new();
        let mut first_seen: BTreeMap<String, Pos> = BTreeMap::new();
        let mut alias_pos: BTreeMap<(usize, String), Pos> = BTreeMap::new();
        for patch in &patches {
            let Some((id, pos)) = &patch.id else { continue };
            if let Some(first) = first_seen.get(id) {
                problems.push(pos.problem(
                    format!("duplicate question id '{id}'"),
                    Some(format!("first defined at {first}")),
                ));
                continue;
            }
            first_seen.insert(id.clone(), pos.clone());
            if let Some(problem) = load::id_syntax_problem(id, pos) {
                problems.push(problem);
                continue;
            }
            let missing = patch.missing();
            if !missing.is_empty() {
                let at = patch.pos.as_ref().unwrap_or(pos);
                problems.push(at.problem(
                    format!("question '{id}' is missing {}", quote_list(&missing)),
                    Some("every question needs topic, text and guidance (each with en and zh-TW), answer, weight, roles and governance".into()),
                ));
                continue;
            }
            if let Some(q) = patch.to_question() {
                for (alias, apos) in patch.aliases.iter().flatten() {
                    alias_pos.insert((entries.len(), alias.clone()), apos.clone());
                }
                entries.push(Entry {
                    question: q,
                    enabled: true,
                });
            }
        }
        let (by_id, by_key) = index(
            &entries,
            &first_seen,
            &alias_pos,
            HEADER_FILE,
            &mut problems,
        );
        if !problems.is_empty() {
            return Err(sorted(problems, &names));
        }
        let sources: Vec<Source> = sources
            .iter()
            .map(|(n, s)| Source {
                name: n.to_string(),
                overlay: false,
                text: s.to_string(),
            })
            .collect();
        Ok(Catalog::assemble(
            header.id,
            header.version,
            entries,
            by_id,
            by_key,
            crosswalk,
            sources,
        ))
    }

    fn assemble(
        id: String,
        version: String,
        entries: Vec<Entry>,
        by_id: BTreeMap<String, usize>,
        by_key: BTreeMap<String, usize>,
        crosswalk: Crosswalk,
        sources: Vec<Source>,
    ) -> Catalog {
        let questions: Vec<Question> = entries
            .iter()
            .filter(|e| e.enabled)
            .map(|e| e.question.clone())
            .collect();
        let enabled_pos = questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.to_string(), i))
            .collect();
        let hash = content_hash(&sources);
        let key_bins = by_key.keys().map(|k| lookup::Bins::of(k)).collect();
        Catalog {
            id,
            version,
            hash,
            entries,
            questions,
            by_id,
            by_key,
            key_bins,
            enabled_pos,
            crosswalk,
            sources,
        }
    }

    /// Applies a buyer overlay (same `[[question]]` format). An entry with an existing id
    /// replaces only the fields it gives; `enabled = false` switches a question off (and
    /// `true` back on); an entry with a new id must be complete and is appended. An optional
    /// `[catalog] version = "acme-1"` suffixes the version (`2026.11.0+acme-1`). The hash of
    /// the result covers the overlay's text, not its `name`: the same overlay read from another
    /// path gives the same catalog hash.
    pub fn with_overlay(&self, name: &str, toml_src: &str) -> Result<Catalog, CatalogError> {
        let mut p = Problems::new(name, toml_src);
        let (suffix, patches) = load::read_overlay(&mut p, toml_src);
        let mut problems = p.list;
        let mut entries = self.entries.clone();
        let mut seen: BTreeMap<String, Pos> = BTreeMap::new();
        let mut new_ids: BTreeMap<String, Pos> = BTreeMap::new();
        let mut alias_pos: BTreeMap<(usize, String), Pos> = BTreeMap::new();
        for patch in &patches {
            let Some((raw_id, pos)) = &patch.id else {
                continue;
            };
            let target = self.find_entry(raw_id);
            let canonical =
                target.map_or_else(|| raw_id.clone(), |i| entries[i].question.id.to_string());
            if let Some(first) = seen.get(&canonical) {
                problems.push(pos.problem(
                    format!("question '{canonical}' is changed twice in this overlay"),
                    Some(format!("first changed at {first}")),
                ));
                continue;
            }
            seen.insert(canonical.clone(), pos.clone());
            let index = match target {
                Some(i) => {
                    patch.apply_to(&mut entries[i].question);
                    tracing::debug!(question = %canonical, file = name, "overlay replaces given fields");
                    i
                }
                None => {
                    let bad_id = load::id_syntax_problem(raw_id, pos);
                    let id_ok = bad_id.is_none();
                    problems.extend(bad_id);
                    let missing = patch.missing();
                    if !missing.is_empty() {
                        let suggestion = self.suggest(raw_id);
                        let help = match suggestion {
                            Some(s) => format!(
                                "did you mean the existing question '{s}'? otherwise '{raw_id}' is added as a new question and must be complete"
                            ),
                            None => format!(
                                "'{raw_id}' is not in the catalog, so it is added as a new question and must be complete"
                            ),
                        };
                        let at = patch.pos.as_ref().unwrap_or(pos);
                        problems.push(at.problem(
                            format!(
                                "new question '{raw_id}' is missing {}",
                                quote_list(&missing)
                            ),
                            Some(help),
                        ));
                        continue;
                    }
                    if !id_ok {
                        continue;
                    }
                    let Some(q) = patch.to_question() else {
                        continue;
                    };
                    tracing::debug!(question = %raw_id, file = name, "overlay adds a question");
                    new_ids.insert(raw_id.clone(), pos.clone());
                    entries.push(Entry {
                        question: q,
                        enabled: true,
                    });
                    entries.len() - 1
                }
            };
            if let Some(enabled) = patch.enabled {
                if !enabled {
                    tracing::debug!(question = %canonical, file = name, "overlay switches the question off");
                }
                entries[index].enabled = enabled;
            }
            for (alias, apos) in patch.aliases.iter().flatten() {
                alias_pos.insert((index, alias.clone()), apos.clone());
            }
        }
        let (by_id, by_key) = index(&entries, &new_ids, &alias_pos, name, &mut problems);
        let mut file_order: Vec<String> = self.sources.iter().map(|s| s.name.clone()).collect();
        file_order.push(name.to_string());
        if !problems.is_empty() {
            return Err(sorted(problems, &file_order));
        }
        let version = match suffix {
            Some(s) if self.version.contains('+') => format!("{}.{s}", self.version),
            Some(s) => format!("{}+{s}", self.version),
            None => self.version.clone(),
        };
        let mut sources = self.sources.clone();
        sources.push(Source {
            name: name.to_string(),
            overlay: true,
            text: toml_src.to_string(),
        });
        Ok(Catalog::assemble(
            self.id.clone(),
            version,
            entries,
            by_id,
            by_key,
            self.crosswalk.clone(),
            sources,
        ))
    }

    /// The catalog id (`scrm-ai-scrm`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The catalog version (`2026.11.0`, or `2026.11.0+acme-1` after an overlay).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// SHA-256 (lower-case hex) over every source, overlays included.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Enabled questions in catalog order: files in catalog.toml order, questions in file
    /// order, overlay additions last.
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// An enabled question by canonical id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.enabled_pos.get(id).map(|&i| &self.questions[i])
    }

    /// Canonical ids of questions an overlay switched off, in catalog order.
    pub fn disabled_ids(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| !e.enabled)
            .map(|e| e.question.id.as_str())
            .collect()
    }

    /// The AI RMF ↔ ISO/IEC 42001 crosswalk.
    pub fn crosswalk(&self) -> &Crosswalk {
        &self.crosswalk
    }
}

/// `'a', 'b' and 'c'`.
fn quote_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("'{i}'")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Builds the id and token-key indexes, reporting ids and aliases that would make a spelling
/// ambiguous. `id_pos` and `alias_pos` locate the ids and aliases read in this call; problems
/// about older entries (already validated) are reported at the newer one.
fn index(
    entries: &[Entry],
    id_pos: &BTreeMap<String, Pos>,
    alias_pos: &BTreeMap<(usize, String), Pos>,
    fallback_file: &str,
    problems: &mut Vec<CatalogProblem>,
) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_id.insert(e.question.id.to_string(), i);
    }
    let report = |problems: &mut Vec<CatalogProblem>,
                  pos: Option<&Pos>,
                  message: String,
                  help: Option<String>| {
        match pos {
            Some(p) => problems.push(p.problem(message, help)),
            None => problems.push(CatalogProblem {
                file: fallback_file.to_string(),
                line: None,
                column: None,
                message,
                help,
            }),
        }
    };
    // Canonical ids first, so an alias can never shadow another question's own spelling.
    for (i, e) in entries.iter().enumerate() {
        let id = e.question.id.as_str();
        match by_key.get(&lookup::key(id)) {
            Some(&j) if j != i => report(
                problems,
                id_pos.get(id),
                format!(
                    "question id '{id}' is the same id as '{}' once case and punctuation are ignored",
                    entries[j].question.id
                ),
                Some("choose an id that differs in letters or digits".into()),
            ),
            _ => {
                by_key.insert(lookup::key(id), i);
            }
        }
    }
    for (i, e) in entries.iter().enumerate() {
        for alias in &e.question.aliases {
            let pos = alias_pos.get(&(i, alias.clone()));
            let k = lookup::key(alias);
            let shadowed = lookup::structured_candidates(alias)
                .into_iter()
                .find_map(|c| by_id.get(&c).copied())
                .filter(|&j| j != i);
            match by_key.get(&k).copied().filter(|&j| j != i).or(shadowed) {
                Some(j) => report(
                    problems,
                    pos,
                    format!(
                        "alias '{alias}' of question '{}' already names question '{}'",
                        e.question.id, entries[j].question.id
                    ),
                    Some(
                        "an alias must not be a spelling of another question's id or alias".into(),
                    ),
                ),
                None => {
                    by_key.insert(k, i);
                }
            }
        }
    }
    (by_id, by_key)
}
