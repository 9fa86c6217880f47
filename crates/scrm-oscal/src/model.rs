//! The part of the OSCAL 1.1 model scrm writes: assessment results and POA&M documents, as
//! serde types whose field names and order are OSCAL's JSON ones.
//!
//! Only what scrm fills in is modelled; every field here exists in OSCAL 1.1.2 and 1.2.1 with the
//! same meaning (the tests validate against both schemas). Empty lists are left out, as OSCAL
//! requires (its arrays have `minItems: 1`).

use serde::Serialize;

/// Serde's test for a list OSCAL forbids to be empty.
fn none<T>(v: &[T]) -> bool {
    v.is_empty()
}

/// `{"assessment-results": …}`. `R` is how each result is held: typed, or already serialized
/// (a supplier's part of a large document is written on its own core, then spliced in).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentResultsDocument<R = AssessmentResult> {
    /// The document.
    #[serde(rename = "assessment-results")]
    pub assessment_results: AssessmentResults<R>,
}

/// `{"plan-of-action-and-milestones": …}`, its observations, risks and items held as `O`, `K`
/// and `I` (typed, or already serialized).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoamDocument<O = Observation, K = Risk, I = PoamItem> {
    /// The document.
    #[serde(rename = "plan-of-action-and-milestones")]
    pub poam: Poam<O, K, I>,
}

/// An OSCAL assessment results document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AssessmentResults<R = AssessmentResult> {
    /// Document id.
    pub uuid: String,
    /// Title, time, versions, the assessed suppliers as parties.
    pub metadata: Metadata,
    /// The assessment plan: here a back-matter resource naming scrm's catalog and policy.
    pub import_ap: Import,
    /// One result per supplier.
    pub results: Vec<R>,
    /// The plan and the input files.
    pub back_matter: BackMatter,
}

/// An OSCAL plan of action and milestones.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Poam<O = Observation, K = Risk, I = PoamItem> {
    /// Document id.
    pub uuid: String,
    /// Title, time, versions, the suppliers concerned as parties.
    pub metadata: Metadata,
    /// What was observed (one per finding).
    #[serde(skip_serializing_if = "none")]
    pub observations: Vec<O>,
    /// One per supplier at risk or excluded, with the remediation scrm found.
    #[serde(skip_serializing_if = "none")]
    pub risks: Vec<K>,
    /// One per finding to resolve.
    pub poam_items: Vec<I>,
    /// The plan and the input files.
    pub back_matter: BackMatter,
}

/// Document metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Metadata {
    /// Markup line.
    pub title: String,
    /// RFC 3339 with a time zone.
    pub last_modified: String,
    /// The document's version.
    pub version: String,
    /// The OSCAL version the document conforms to.
    pub oscal_version: String,
    /// Namespaced facts about the run.
    #[serde(skip_serializing_if = "none")]
    pub props: Vec<Property>,
    /// The assessed suppliers.
    #[serde(skip_serializing_if = "none")]
    pub parties: Vec<Party>,
}

/// A party (here: an organization, one per supplier).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Party {
    /// Party id.
    pub uuid: String,
    /// `organization`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The supplier's name (a plain string, not markup).
    pub name: String,
    /// The supplier's id.
    #[serde(skip_serializing_if = "none")]
    pub props: Vec<Property>,
}

/// A namespaced name-value pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Property {
    /// Token.
    pub name: String,
    /// URI of the namespace the name belongs to (absent: OSCAL's own names).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ns: Option<String>,
    /// A single line, no leading or trailing space.
    pub value: String,
    /// Token qualifying the value (for references: the framework).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
}

/// A reference to another document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Import {
    /// URI reference; `#uuid` names a back-matter resource.
    pub href: String,
    /// Markup.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// The result of assessing one supplier.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AssessmentResult {
    /// Result id.
    pub uuid: String,
    /// Markup line.
    pub title: String,
    /// Markup.
    pub description: String,
    /// When the assessment (the scoring) happened.
    pub start: String,
    /// Scores, levels and the like, namespaced.
    #[serde(skip_serializing_if = "none")]
    pub props: Vec<Property>,
    /// What was assessed.
    pub reviewed_controls: ReviewedControls,
    /// What was seen.
    #[serde(skip_serializing_if = "none")]
    pub observations: Vec<Observation>,
    /// The supplier's standing as a risk, when at risk or excluded.
    #[serde(skip_serializing_if = "none")]
    pub risks: Vec<Risk>,
    /// One per scrm finding.
    #[serde(skip_serializing_if = "none")]
    pub findings: Vec<Finding>,
}

/// The controls an assessment covered.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ReviewedControls {
    /// Markup.
    pub description: String,
    /// Selections.
    pub control_selections: Vec<ControlSelection>,
}

/// A selection of controls.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ControlSelection {
    /// Every control of the plan (scrm's catalog).
    pub include_all: IncludeAll,
}

/// OSCAL's empty object meaning "all".
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct IncludeAll {}

/// Something the assessment saw.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Observation {
    /// Observation id.
    pub uuid: String,
    /// Markup line.
    pub title: String,
    /// Markup.
    pub description: String,
    /// Finding code, severity, questions.
    #[serde(skip_serializing_if = "none")]
    pub props: Vec<Property>,
    /// `EXAMINE`: a questionnaire and lists were examined.
    pub methods: Vec<String>,
    /// `finding`.
    #[serde(skip_serializing_if = "none")]
    pub types: Vec<String>,
    /// The supplier.
    #[serde(skip_serializing_if = "none")]
    pub subjects: Vec<SubjectReference>,
    /// When it was collected.
    pub collected: String,
}

/// A reference to what an observation is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SubjectReference {
    /// The subject's id.
    pub subject_uuid: String,
    /// `party`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// An identified risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Risk {
    /// Risk id.
    pub uuid: String,
    /// Markup line.
    pub title: String,
    /// Markup.
    pub description: String,
    /// Markup: what could happen.
    pub statement: String,
    /// Namespaced facts (residual risk, status).
    #[serde(skip_serializing_if = "none")]
    pub props: Vec<Property>,
    /// `open`.
    pub status: String,
    /// When it must be resolved by (the policy's remediation deadline), if the policy sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// What would clear it.
    #[serde(skip_serializing_if = "none")]
    pub remediations: Vec<Response>,
    /// The observations behind it.
    #[serde(skip_serializing_if = "none")]
    pub related_observations: Vec<RelatedObservation>,
}

/// A response to a risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Response {
    /// Response id.
    pub uuid: String,
    /// `recommendation`: scrm proposes, the buyer and supplier decide.
    pub lifecycle: String,
    /// Markup line.
    pub title: String,
    /// Markup.
    pub description: String,
    /// Plan facts (feasible, minimal, total increase).
    #[serde(skip_serializing_if = "none")]
    pub props: Vec<Property>,
    /// One action per answer to improve.
    #[serde(skip_serializing_if = "none")]
    pub tasks: Vec<Task>,
}

/// A task.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Task {
    /// Task id.
    pub uuid: String,
    /// `action`, or `milestone` for the deadline.
    #[serde(rename = "type")]
    pub kind: String,
    /// Markup line.
    pub title: String,
    /// Markup.
    pub description: String,
    /// The question, its answers and its framework references.
    #[serde(skip_serializing_if = "none")]
    pub props: Vec<Property>,
    /// When a milestone falls due.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
}

/// When a task happens: here, on one date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timing {
    /// The date.
    #[serde(rename = "on-date")]
    pub on_date: OnDate,
}

/// A date a task is due on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OnDate {
    /// RFC 3339 with a time zone.
    pub date: String,
}

/// A finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Finding {
    /// Finding id.
    pub uuid: String,
    /// Markup line.
    pub title: String,
    /// Markup.
    pub description: String,
    /// Code, severity, lens, questions, framework references.
    #[serde(skip_serializing_if = "none")]
    pub props: Vec<Property>,
    /// The objective not satisfied.
    pub target: Target,
    /// Its observation.
    #[serde(skip_serializing_if = "none")]
    pub related_observations: Vec<RelatedObservation>,
    /// The supplier's risk, when the finding puts it at risk.
    #[serde(skip_serializing_if = "none")]
    pub related_risks: Vec<RelatedRisk>,
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Target {
    /// `objective-id`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Token of the objective.
    pub target_id: String,
    /// Satisfied or not.
    pub status: ObjectiveStatus,
}

/// An objective's state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveStatus {
    /// `not-satisfied`.
    pub state: String,
}

/// A link to an observation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RelatedObservation {
    /// Its id.
    pub observation_uuid: String,
}

/// A link to a risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RelatedRisk {
    /// Its id.
    pub risk_uuid: String,
}

/// One weakness to resolve.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PoamItem {
    /// Item id.
    pub uuid: String,
    /// Markup line.
    pub title: String,
    /// Markup.
    pub description: String,
    /// Supplier, code, severity, questions.
    #[serde(skip_serializing_if = "none")]
    pub props: Vec<Property>,
    /// Its observation.
    #[serde(skip_serializing_if = "none")]
    pub related_observations: Vec<RelatedObservation>,
    /// The supplier's risk, when the finding puts it at risk.
    #[serde(skip_serializing_if = "none")]
    pub related_risks: Vec<RelatedRisk>,
}

/// Resources the document points to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackMatter {
    /// The plan first, then each input file.
    pub resources: Vec<Resource>,
}

/// A resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Resource {
    /// Resource id.
    pub uuid: String,
    /// Markup line.
    pub title: String,
    /// Markup.
    pub description: String,
    /// Facts: hashes of the catalog and policy, counts of an input file.
    #[serde(skip_serializing_if = "none")]
    pub props: Vec<Property>,
    /// Where the file was, with its digest.
    #[serde(skip_serializing_if = "none")]
    pub rlinks: Vec<Rlink>,
}

/// A link to a resource's file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Rlink {
    /// URI reference.
    pub href: String,
    /// Digests of the file.
    #[serde(skip_serializing_if = "none")]
    pub hashes: Vec<Hash>,
}

/// A digest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hash {
    /// `SHA-256`.
    pub algorithm: String,
    /// Hex.
    pub value: String,
}

/// `{"catalog": …}`: scrm's question bank as an OSCAL catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogDocument {
    /// The catalog.
    pub catalog: Catalog,
}

/// An OSCAL catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Catalog {
    /// Catalog id.
    pub uuid: String,
    /// Title, time, version.
    pub metadata: Metadata,
    /// One group per lens, and the policy's rules.
    pub groups: Vec<Group>,
}

/// A group of controls.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Token.
    pub id: String,
    /// Markup line.
    pub title: String,
    /// The controls.
    pub controls: Vec<Control>,
}

/// A control: a catalog question, or a rule of the policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Control {
    /// Token.
    pub id: String,
    /// `question` or `rule`.
    pub class: String,
    /// Markup line.
    pub title: String,
    /// Label, answer kind, weight, roles, governance task, framework references.
    #[serde(skip_serializing_if = "none")]
    pub props: Vec<Property>,
    /// Statement, guidance and assessment objective.
    pub parts: Vec<Part>,
}

/// Part of a control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    /// Token, unique in the catalog.
    pub id: String,
    /// `statement`, `guidance` or `assessment-objective`.
    pub name: String,
    /// Markup.
    pub prose: String,
}
