//! The command line: every subcommand, flag and help text (clap derive; doc comments are help).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Score suppliers' AI security maturity (NIST AI RMF, ISO/IEC 42001, C-SCRM) and flag those at
/// risk of exclusion.
///
/// scrm reads supplier questionnaires (CSV long or wide, filled XLSX templates, JSON), scores
/// every supplier on two lenses at once (AIRM: NIST AI RMF 1.0; AIMS: ISO/IEC 42001:2023) plus
/// the C-SCRM baseline, applies the policy's thresholds, knock-outs and hard gates, and says who
/// is eligible, conditional, at risk or excluded, and why.
#[derive(Debug, Parser)]
#[command(name = "scrm", version, propagate_version = true, max_term_width = 100)]
#[command(
    after_help = "Exit codes: 0 = nothing flagged, 1 = something flagged (or problems found), 2 = usage or input error.\n\
Examples:\n  scrm score fixtures/demo\n  scrm validate supplier.xlsx\n  scrm explain V-0007 fixtures/demo\n  scrm template --lang zh-TW --out questionnaire.xlsx"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options every subcommand takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// More log output on stderr (-v info, -vv debug, -vvv trace). RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true, help_heading = "Global options")]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Global options"
    )]
    pub quiet: bool,
    /// Worker threads (default: one per core).
    #[arg(long, global = true, value_name = "N", help_heading = "Global options")]
    pub threads: Option<usize>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score suppliers and flag those at risk.
    #[command(
        after_help = "Examples:\n  scrm score answers.csv --vendors vendors.csv --exclusions exclusions.csv\n  scrm score responses/ --format xlsx --out portfolio.xlsx\n  scrm score answers.csv --format json --fail-on excluded\n  scrm score answers.csv --history history/ --format csv --out results.csv\n  scrm score responses/ --format oscal-poam --out poam.json"
    )]
    Score(ScoreArgs),
    /// Check questionnaires without scoring: every problem, located.
    #[command(
        after_help = "Exit codes: 0 = clean, 1 = problems found (2 with --strict), 2 = could not run.\nExamples:\n  scrm validate responses/\n  scrm validate supplier.csv --encoding big5 --format json\n  scrm validate responses/ --format sarif > problems.sarif\n  scrm validate 問卷.xlsx --lang zh-TW"
    )]
    Validate(ValidateArgs),
    /// Show each question's contribution to a supplier's scores.
    #[command(
        after_help = "Examples:\n  scrm explain V-0007 fixtures/demo --vendors fixtures/demo/vendors.csv\n  scrm explain V-0007 fixtures/demo --view governance     (by ISO/IEC 38500 task)\n  scrm explain V-0007 fixtures/demo --view risks          (by NIST AI 600-1 GenAI risk)"
    )]
    Explain(ExplainArgs),
    /// The smallest set of answer improvements that clears the bar (what-if).
    #[command(
        after_help = "Examples:\n  scrm plan V-0007 fixtures/demo --vendors fixtures/demo/vendors.csv\n  scrm plan V-0007 fixtures/demo --set GV-6.1=3 --set SUP-AIBOM=yes   (free what-if)"
    )]
    Plan(PlanArgs),
    /// HTML report: portfolio dashboard, or one supplier's scorecard with --vendor.
    #[command(
        after_help = "Examples:\n  scrm report fixtures/demo --vendors fixtures/demo/vendors.csv --out portfolio.html\n  scrm report fixtures/demo --vendor V-0007 --lang zh-TW --out scorecard.html\n  scrm report fixtures/demo --format json --out portfolio.json"
    )]
    Report(ReportArgs),
    /// A local page where a supplier fills in, scores and downloads its questionnaire.
    #[command(
        long_about = "A local page where a supplier fills in its questionnaire in a browser, scores it with the buyer's policy (the same engine and checks as `scrm score`), sees the findings and the smallest set of improvements that clears the bar, and downloads its answers (JSON, or the XLSX template) to send.\n\nThe page is served on 127.0.0.1 only, at an address with a fresh secret that scrm prints; it keeps nothing and has no script. Give a questionnaire (any format scrm reads, or through --adapter) to open the page filled in and scored. Ctrl-C stops it.",
        after_help = "Examples:\n  scrm fill                                   (a blank questionnaire)\n  scrm fill --lang zh-TW --policy buyer-policy.toml\n  scrm fill questionnaire.xlsx                (filled in and scored)\n  scrm fill --save answers.json               (saved at every submit; run it again to resume)\n  scrm fill fixtures/demo --vendor V-0007"
    )]
    Fill(FillArgs),
    /// Write a blank questionnaire template for suppliers (`scrm fill FILE` opens one filled in).
    #[command(
        after_help = "Examples:\n  scrm template --out questionnaire.xlsx\n  scrm template --lang zh-TW --role deployer --out 問卷.xlsx\n  scrm template --format csv --out questionnaire.csv"
    )]
    Template(TemplateArgs),
    /// The question bank: list, show, export, crosswalk.
    Catalog(CatalogArgs),
    /// The scoring policy: init, check, diff.
    Policy(PolicyArgs),
    /// Adapters for foreign questionnaires (CSA CAIQ, your own sheets): list, init, check.
    #[command(
        after_help = "Exit codes: 0 = adapter valid and (with inputs) read without problems, 1 = adapter invalid or problems found, 2 = could not run.\nExamples:\n  scrm adapter list\n  scrm adapter init csa-caiq-v4 --out caiq.toml\n  scrm adapter check caiq.toml\n  scrm adapter check csa-caiq-v4 V-0001.xlsx            (dry run: the answers it derives)\n  scrm adapter check caiq.toml suppliers/ --format csv --out answers.csv\n  scrm score suppliers/ --adapter csa-caiq-v4"
    )]
    Adapter(AdapterArgs),
    /// Compare two runs of a history store (default: the last two).
    #[command(
        after_help = "Exit codes: 0 = no vendor newly crossed the --fail-on level, 1 = some did, 2 = error.\nExample:\n  scrm diff --history history/"
    )]
    Diff(DiffArgs),
    /// The history store: list its runs, verify them, prune old ones.
    #[command(
        after_help = "Exit codes: 0 = done (verify: no run changed), 1 = verify found a changed run, 2 = error.\nExamples:\n  scrm history list --history history/\n  scrm history verify --history history/\n  scrm history prune --history history/ --keep 7 --older-than 30 --dry-run"
    )]
    History(HistoryArgs),
    /// Generate a synthetic portfolio (or the bundled demo) for demos and benchmarks.
    #[command(
        after_help = "Examples:\n  scrm gen --vendors 100000 --seed 42 --out /tmp/p100k\n  scrm gen --demo --out fixtures/demo"
    )]
    Gen(GenArgs),
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout.
    Man,
}

/// Where the questionnaires come from, and how to read them.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Questionnaire files or folders (CSV long/wide, XLSX, JSON, JSONL); folders are read recursively.
    #[arg(value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    /// Buyer's vendor profiles CSV (vendor_id, name, country, criticality, ai_role, data_access, ...).
    #[arg(long, value_name = "FILE", help_heading = "Inputs")]
    pub vendors: Option<PathBuf>,
    /// Exclusions CSV (vendor_id, source, reference, listed_on): hard gates.
    #[arg(long, value_name = "FILE", help_heading = "Inputs")]
    pub exclusions: Option<PathBuf>,
    /// Scoring policy TOML (default: the built-in policy; see `scrm policy init`).
    #[arg(long, value_name = "FILE", help_heading = "Inputs")]
    pub policy: Option<PathBuf>,
    /// Buyer catalog overlay TOML: add questions, change weights, switch questions off.
    #[arg(long, value_name = "FILE", help_heading = "Inputs")]
    pub catalog: Option<PathBuf>,
    /// Read the questionnaires through this adapter: a foreign questionnaire (a CSA CAIQ
    /// workbook, your own sheet) mapped onto scrm's questions. A file, or a built-in adapter's
    /// name (see `scrm adapter list`). Repeat it for a folder of several kinds: each file is
    /// read through the first adapter that finds its table there.
    #[arg(long, value_name = "FILE|NAME", help_heading = "Inputs")]
    pub adapter: Vec<String>,
    /// Text encoding of CSV inputs (e.g. utf-8, big5, utf-16le); default: detect.
    #[arg(long, value_name = "LABEL", help_heading = "Reading")]
    pub encoding: Option<String>,
    /// CSV delimiter: comma, semicolon, tab (default: detect).
    #[arg(long, value_name = "DELIM", help_heading = "Reading")]
    pub delimiter: Option<Delimiter>,
    /// Any input problem is fatal (exit 2) instead of rejecting the row.
    #[arg(long, help_heading = "Reading")]
    pub strict: bool,
    /// Where rejected rows go (default: <out>.rejects.csv, or scrm-rejects.csv).
    #[arg(long, value_name = "FILE", help_heading = "Reading")]
    pub rejects: Option<PathBuf>,
    /// Digest the manifest records of each input file: sha256 (sha256sum, FIPS 180-4), or
    /// blake3 (b3sum; 2.5 times faster, for large nightly runs; not FIPS-approved).
    #[arg(
        long,
        value_name = "ALGO",
        default_value = "sha256",
        help_heading = "Reading"
    )]
    pub input_digest: Digest,
    /// Largest CSV field / cell, in bytes.
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = 65_536,
        help_heading = "Limits"
    )]
    pub max_field_bytes: usize,
    /// Most rows read from one file.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1_000_000_000,
        help_heading = "Limits"
    )]
    pub max_rows: u64,
    /// Most columns in a table's header (Excel's own limit by default).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 16_384,
        help_heading = "Limits"
    )]
    pub max_columns: usize,
    /// Most problems listed and rejected rows kept (the first in input order); the rest are
    /// counted.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 100_000,
        help_heading = "Limits"
    )]
    pub max_problems: usize,
    /// Largest decompressed XLSX, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 256 * 1024 * 1024, help_heading = "Limits")]
    pub max_xlsx_bytes: u64,
    /// Largest XLSX compression ratio (zip-bomb guard).
    #[arg(
        long,
        value_name = "RATIO",
        default_value_t = 100,
        help_heading = "Limits"
    )]
    pub max_xlsx_ratio: u64,
    /// Deepest JSON nesting.
    #[arg(
        long,
        value_name = "DEPTH",
        default_value_t = 64,
        help_heading = "Limits"
    )]
    pub max_json_depth: usize,
    /// Largest JSON document (or JSON Lines line), in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024, help_heading = "Limits")]
    pub max_json_bytes: u64,
    /// Score as of this date (YYYY-MM-DD): evidence age, exemption expiry. Default: today (UTC).
    #[arg(
        long,
        value_name = "DATE",
        env = "SCRM_AS_OF",
        help_heading = "Scoring"
    )]
    pub as_of: Option<String>,
}

/// Digests of input files (see `scrm_ingest::InputDigest`).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Digest {
    /// SHA-256
    Sha256,
    /// BLAKE3
    Blake3,
}

/// CSV delimiters.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Delimiter {
    /// `,`
    Comma,
    /// `;`
    Semicolon,
    /// tab
    Tab,
}

/// When to exit 1.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    /// Any supplier at risk or excluded.
    AtRisk,
    /// Any supplier excluded.
    Excluded,
    /// Never (exit 0 whatever the results).
    Never,
}

/// Output formats of `score`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ScoreFormat {
    /// Terminal table (default).
    Table,
    /// CSV, one row per supplier (manifest in <out>.manifest.json).
    Csv,
    /// One JSON document with manifest, summary and vendors.
    Json,
    /// JSON Lines: manifest, then one vendor per line.
    Jsonl,
    /// Parquet, one row per supplier (manifest in the file metadata).
    Parquet,
    /// Portfolio workbook: Summary, Vendors, Findings, Remediation.
    Xlsx,
    /// Self-contained HTML portfolio dashboard.
    Html,
    /// OSCAL 1.1.2 assessment results (JSON): one result per supplier, with findings and risks.
    OscalAr,
    /// OSCAL 1.1.2 plan of action and milestones (JSON): an item per finding to resolve, the
    /// improvement plan as each risk's remediation.
    OscalPoam,
    /// SARIF 2.1.0 for SARIF dashboards: each supplier's standing (pass, review, fail) with its
    /// scores, and each finding under its code's rule.
    Sarif,
}

/// `scrm score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ScoreFormat::Table)]
    pub format: ScoreFormat,
    /// Write to this file instead of stdout.
    #[arg(long, short, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Exit 1 when a supplier reaches this status.
    #[arg(long, value_enum, default_value_t = FailOn::AtRisk)]
    pub fail_on: FailOn,
    /// Append this run to a history store (Parquet, atomic); unchanged suppliers are not re-scored.
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// Sign the recorded run with the store's key, and reuse the newest run only when it carries
    /// the key's signature: an Ed25519 private key (PKCS#8 PEM, `scrm history keygen` or
    /// `openssl genpkey -algorithm ed25519`) or a shared secret (any other file of at least 32
    /// bytes). A public key only verifies: it is refused before anything is scored
    /// (docs/history.md).
    #[arg(long, value_name = "FILE", requires = "history")]
    pub history_key: Option<PathBuf>,
    /// With --format sarif: an earlier run's SARIF log. Each result says whether it is new,
    /// unchanged or updated since, and the results gone since come back as absent.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Language of labels in HTML output.
    #[arg(long, default_value = "en", value_name = "LANG")]
    pub lang: String,
}

/// `scrm adapter`.
#[derive(Debug, Args)]
pub struct AdapterArgs {
    #[command(subcommand)]
    pub command: AdapterCommand,
}

/// Adapter subcommands.
#[derive(Debug, Subcommand)]
pub enum AdapterCommand {
    /// The built-in adapters.
    List,
    /// Write a built-in adapter's file, to copy and adjust.
    Init {
        /// The built-in adapter's name.
        name: String,
        /// Where to write it (default: stdout); an existing file is not overwritten.
        #[arg(long, short, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// Check an adapter against the catalog and show what it covers; with inputs, a dry run:
    /// read them through it and show every answer it derives, and every problem.
    Check(AdapterCheckArgs),
}

/// `scrm adapter check`.
#[derive(Debug, Args)]
pub struct AdapterCheckArgs {
    /// The adapter: a file, or a built-in adapter's name.
    #[arg(value_name = "FILE|NAME")]
    pub adapter: String,
    /// Foreign questionnaires (CSV, XLSX) or folders of them, to read through the adapter.
    #[arg(value_name = "INPUTS")]
    pub inputs: Vec<PathBuf>,
    /// Buyer catalog overlay TOML the adapter's questions are checked against.
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = AdapterFormat::Human)]
    pub format: AdapterFormat,
    /// Write to this file instead of stdout.
    #[arg(long, short, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// With `--format csv`: also write the profile fields the suppliers declare in their files
    /// (name, country, ...) to this profile CSV, which scrm reads beside the answers.
    #[arg(long, value_name = "PATH")]
    pub profiles: Option<PathBuf>,
    /// Text encoding of CSV inputs (e.g. utf-8, big5, utf-16le); default: detect.
    #[arg(long, value_name = "LABEL", help_heading = "Reading")]
    pub encoding: Option<String>,
    /// CSV delimiter: comma, semicolon, tab (default: detect).
    #[arg(long, value_name = "DELIM", help_heading = "Reading")]
    pub delimiter: Option<Delimiter>,
}

/// Output formats of `adapter check`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum AdapterFormat {
    /// Readable text.
    Human,
    /// JSON: the adapter, its coverage, the files read, the derived answers and the problems.
    Json,
    /// The derived answers as a long CSV (vendor_id, question_id, answer, evidence,
    /// evidence_date, comment), which every scrm command reads.
    Csv,
}

/// `scrm validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ValidateFormat::Human)]
    pub format: ValidateFormat,
    /// Language of the readable report: `en` or `zh-TW` (each problem's meaning in Chinese,
    /// its message in English). JSON and SARIF are the same in every language.
    #[arg(long, default_value = "en", value_name = "LANG")]
    pub lang: String,
}

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ValidateFormat {
    /// Readable text.
    Human,
    /// JSON: files, problems, rejects and counts.
    Json,
    /// SARIF 2.1.0 for code-scanning tools: each problem at its file and line.
    Sarif,
}

/// Views of `scrm explain`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExplainView {
    /// Each question's contribution to each lens score.
    Questions,
    /// Each lens score split by ISO/IEC 38500 governance task (evaluate, direct, monitor).
    Governance,
    /// Readiness against each generative-AI risk of NIST AI 600-1.
    Risks,
}

/// Human or JSON output.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TextFormat {
    /// Readable text.
    Human,
    /// JSON.
    Json,
}

/// One supplier: `scrm explain` and `scrm plan`.
#[derive(Debug, Args)]
pub struct VendorArgs {
    /// The supplier's vendor_id.
    pub vendor: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
    /// Language of question texts.
    #[arg(long, default_value = "en", value_name = "LANG")]
    pub lang: String,
}

/// `scrm explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub vendor: VendorArgs,
    /// What to show: each question's contribution, the lens scores split by ISO/IEC 38500
    /// governance task (evaluate, direct, monitor), or readiness against the GenAI risks of NIST
    /// AI 600-1.
    #[arg(long, value_enum, default_value_t = ExplainView::Questions)]
    pub view: ExplainView,
}

/// `scrm plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub vendor: VendorArgs,
    /// Free what-if: change an answer and show the new scores and status (repeatable), e.g. GV-6.1=3.
    #[arg(long = "set", value_name = "QUESTION=ANSWER")]
    pub set: Vec<String>,
}

/// `scrm report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// HTML (kept for scripts that pass it; `--format` chooses the format).
    #[arg(long, default_value_t = true)]
    pub html: bool,
    /// The page (html), or its numbers for a dashboard (json): the portfolio's counts and the
    /// roll-up of both views, or one supplier's result, plan and views.
    #[arg(long, short, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// Write the report here (default: stdout).
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// One supplier's scorecard instead of the portfolio page.
    #[arg(long, value_name = "VENDOR_ID")]
    pub vendor: Option<String>,
    /// Language of every label: en or zh-TW.
    #[arg(long, default_value = "en", value_name = "LANG")]
    pub lang: String,
}

/// Formats of `scrm report`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    /// The HTML page.
    Html,
    /// The page's numbers as JSON.
    Json,
}

/// Template formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TemplateFormat {
    /// Excel workbook with dropdowns and protection.
    Xlsx,
    /// Long CSV with the questions listed.
    Csv,
    /// JSON supplier document skeleton.
    Json,
}

/// `scrm template`.
#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Template format.
    #[arg(long, short, value_enum, default_value_t = TemplateFormat::Xlsx)]
    pub format: TemplateFormat,
    /// Language: en or zh-TW.
    #[arg(long, default_value = "en", value_name = "LANG")]
    pub lang: String,
    /// Write here (required for xlsx; default stdout for csv/json).
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Only the questions for this supplier role.
    #[arg(long, value_name = "ROLE", value_parser = ["provider", "integrator", "deployer", "none"])]
    pub role: Option<String>,
    /// Buyer catalog overlay TOML.
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
}

/// `scrm fill`.
#[derive(Debug, Args)]
pub struct FillArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The supplier to open the page with, when the inputs hold several.
    #[arg(long, value_name = "ID")]
    pub vendor: Option<String>,
    /// Language of the page: en or zh-TW (a button on the page switches it).
    #[arg(long, default_value = "en", value_name = "LANG")]
    pub lang: String,
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0, value_name = "PORT")]
    pub port: u16,
    /// Save the answers to FILE (a JSON questionnaire) at every submit, replacing it whole;
    /// without INPUTS, the page opens on FILE when it exists, so work resumes where it stopped.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Largest form the page accepts, in bytes.
    #[arg(long, default_value_t = 8 * 1024 * 1024, value_name = "BYTES", help_heading = "Limits")]
    pub max_form_bytes: usize,
}

/// `scrm catalog`.
#[derive(Debug, Args)]
pub struct CatalogArgs {
    #[command(subcommand)]
    pub command: CatalogCommand,
    /// Buyer catalog overlay TOML.
    #[arg(long, value_name = "FILE", global = true)]
    pub catalog: Option<PathBuf>,
}

/// Catalog subcommands.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// One line per question.
    List {
        /// Only one lens.
        #[arg(long, value_parser = ["airm", "aims", "cscrm"])]
        framework: Option<String>,
        /// Language.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// One question in full (any id spelling).
    Show {
        /// Question id, e.g. GV-6.1, "GOVERN 6.1", A.10.3.
        id: String,
        /// Language.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = TextFormat::Human)]
        format: TextFormat,
    },
    /// The whole catalog as CSV, JSON, Markdown or an OSCAL catalog (the controls OSCAL
    /// assessment results' findings target).
    Export {
        /// Format.
        #[arg(long, short, value_parser = ["csv", "json", "markdown", "oscal"], default_value = "markdown")]
        format: String,
        /// Language.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Only one lens.
        #[arg(long, value_parser = ["airm", "aims", "cscrm"])]
        framework: Option<String>,
    },
    /// The AI RMF ↔ ISO/IEC 42001 crosswalk with its provenance.
    Crosswalk {
        /// Format.
        #[arg(long, short, value_parser = ["text", "csv"], default_value = "text")]
        format: String,
    },
}

/// `scrm policy`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

/// Policy subcommands.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Write the default policy, fully commented.
    Init {
        /// Write here (default: stdout). Refuses to overwrite.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Report every problem in a policy file, with line and column.
    Check {
        /// The policy file.
        file: PathBuf,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = TextFormat::Human)]
        format: TextFormat,
    },
    /// What changed between two policies.
    Diff {
        /// The old policy (or `builtin`).
        a: String,
        /// The new policy (or `builtin`).
        b: String,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = TextFormat::Human)]
        format: TextFormat,
    },
}

/// `scrm diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Older run (id, unique prefix, `previous`); default: the second newest.
    pub run_a: Option<String>,
    /// Newer run; default: the newest.
    pub run_b: Option<String>,
    /// The history store.
    #[arg(long, value_name = "DIR")]
    pub history: PathBuf,
    /// The store's key: both runs must carry its signature. For an Ed25519 store, its public key
    /// (SPKI PEM) is enough (docs/history.md). Repeat it after a key rotation: a run verifies with
    /// any key given.
    #[arg(long, value_name = "FILE")]
    pub history_key: Vec<PathBuf>,
    /// Report score moves of at least this much (0-5 scale, above 0).
    #[arg(long, default_value_t = 0.25, value_parser = score_move)]
    pub threshold: f64,
    /// Exit 1 when a supplier newly reached this status.
    #[arg(long, value_enum, default_value_t = FailOn::AtRisk)]
    pub fail_on: FailOn,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
}

/// `scrm history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub command: HistoryCommand,
}

/// History subcommands.
#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Every run of the store, oldest first: when, as of which date, vendors per status, size.
    List(StoreArgs),
    /// Check every run against what was recorded with it: every file against its checksum, its
    /// manifest and results against the content hash its id is made from, its summary against
    /// the files, and with --history-key its signature.
    Verify {
        #[command(flatten)]
        store: StoreArgs,
        /// The store's key: every run must carry its signature (a run recorded without it, or
        /// changed by someone without it, is reported changed, and one signed with another key
        /// or scheme says whose it is). For an Ed25519 store, its public key (SPKI PEM) is
        /// enough: auditors verify without being able to sign. Repeat it after a key rotation
        /// (the current key first, then the older ones): each run, the head and the prune log
        /// verify with the key they name.
        #[arg(long, value_name = "FILE")]
        history_key: Vec<PathBuf>,
    },
    /// Remove old runs. Each goes whole (hidden by one rename, then deleted), and the newest
    /// --keep runs always stay, so the next incremental run and `scrm diff` still find theirs.
    Prune {
        #[command(flatten)]
        store: StoreArgs,
        /// Keep this many of the newest runs, whatever their age (at least 1).
        #[arg(long, value_name = "N", value_parser = at_least_one_run)]
        keep: std::num::NonZeroUsize,
        /// Remove only runs generated more than this many days ago (SCRM_NOW pins the clock).
        #[arg(long, value_name = "DAYS")]
        older_than: Option<u32>,
        /// Say what would be removed; remove nothing.
        #[arg(long)]
        dry_run: bool,
        /// The store's key, to sign the prune log's record of each run removed (required when
        /// the store's runs are signed: `history verify` then knows they were pruned on purpose).
        /// For an Ed25519 store, its private key: a public key cannot sign and is refused.
        #[arg(long, value_name = "FILE")]
        history_key: Option<PathBuf>,
    },
    /// Write a new Ed25519 key for a history store: the private key (PKCS#8 PEM, readable by
    /// its owner only) for the nightly job, and its public key beside it (FILE without `.pem`,
    /// plus `.pub.pem`) for auditors. Never overwrites a file.
    Keygen {
        /// The private key's file.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = TextFormat::Human)]
        format: TextFormat,
    },
}

/// The store a history subcommand works on, and how it reports.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The history store.
    #[arg(long, value_name = "DIR")]
    pub history: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
}

/// `diff --threshold`: a score move on the 0-5 scale, above 0 (a move of 0 is no move).
fn score_move(s: &str) -> Result<f64, String> {
    let t: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("expected a number of points on the 0-5 scale, found {s:?}"))?;
    if t.is_finite() && t > 0.0 && t <= 5.0 {
        Ok(t)
    } else {
        Err(format!(
            "{s:?} is outside the 0-5 scale: give a move above 0 and at most 5, for example 0.25"
        ))
    }
}

/// `--keep`: a whole number of runs, at least one.
fn at_least_one_run(s: &str) -> Result<std::num::NonZeroUsize, String> {
    let n: usize = s
        .trim()
        .parse()
        .map_err(|_| format!("expected a whole number of runs, found {s:?}"))?;
    std::num::NonZeroUsize::new(n).ok_or_else(|| {
        "at least 1: the newest run is the one the next incremental run reuses".to_string()
    })
}

/// `scrm gen`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// Number of suppliers.
    #[arg(long, default_value_t = 1000, conflicts_with = "demo")]
    pub vendors: u64,
    /// Seed: the same seed gives byte-identical files.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Output folder.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Buyer catalog overlay TOML: its added questions are answered too (score with the same
    /// overlay).
    #[arg(long, value_name = "FILE", conflicts_with = "demo")]
    pub catalog: Option<PathBuf>,
    /// Write the bundled demo portfolio (about 50 hand-shaped suppliers) instead.
    #[arg(long)]
    pub demo: bool,
    /// Regenerate even if the folder already holds the same portfolio.
    #[arg(long)]
    pub force: bool,
}
