#!/usr/bin/env python3
"""Regenerates `src/frameworks/data.rs`, the framework reference lists embedded in scrm-catalog.

Run from the crate directory with the shared reference data checked out next to the repository:

    python3 tools/gen-frameworks.py ../../../shared > src/frameworks/data.rs

Sources (all public domain NIST text, or our own paraphrase for ISO/IEC 42001):
- AI RMF 1.0 subcategory text: standards.md section 1.4 (the CSA CSV has five empty descriptions
  and two hyphenation artefacts, which section 1.4 repairs).
- CSF 2.0 ids and GV.SC text: csa-datasets-nist/csf-2.0/csf-2.0.csv (Active and Withdrawn rows).
- SP 800-161r1 control ids: csa-datasets-nist/sp800-161r1/800-161-r1-controls.csv, base controls
  plus every enhancement id (`SR-3(3)`) the controls' text cites (Table B-1 and related controls).
- AI 600-1 action ids: csa-datasets-nist/ai-600-1/ai-600-1-1.0-actions.csv; the malformed
  `GV4.3--001` is stored as `GV-4.3-001`, the id its position and subcategory give it.
- ISO/IEC 42001 items: ids from standards.md sections 2.2 and 2.3, titles are scrm's own short
  paraphrase (ISO text is copyrighted and is never reproduced).
"""
import csv
import re
import sys

csv.field_size_limit(10**9)
root = sys.argv[1] if len(sys.argv) > 1 else "../../../shared"
ref = f"{root}/ref/csa-datasets-nist"
md = open(f"{root}/docs/standards.md", encoding="utf-8").read()


def rs(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# AI RMF subcategories: only the section 1.4 tables.
sec = md[md.index("### 1.4 Subcategories"):md.index("### 1.5 Counts")]
airm = re.findall(r"^\| ((GOVERN|MAP|MEASURE|MANAGE) \d+\.\d+) \| (.+?) \|$", sec, re.M)
assert len(airm) == 72, len(airm)

aims_clauses = [
    ("4.1", "4", "Context of the organization and its AI roles"),
    ("4.2", "4", "Needs and expectations of interested parties"),
    ("4.3", "4", "Scope of the AI management system"),
    ("4.4", "4", "Establishing and running the AI management system"),
    ("5.1", "5", "Top-management leadership and commitment"),
    ("5.2", "5", "AI policy"),
    ("5.3", "5", "Roles, responsibilities and authorities"),
    ("6.1", "6", "Actions on AI risks and opportunities (risk criteria, assessment, treatment, impact assessment)"),
    ("6.2", "6", "AI objectives and plans to reach them"),
    ("6.3", "6", "Planning of changes"),
    ("7.1", "7", "Resources"),
    ("7.2", "7", "Competence"),
    ("7.3", "7", "Awareness"),
    ("7.4", "7", "Communication"),
    ("7.5.1", "7", "Documented information: what is kept"),
    ("7.5.2", "7", "Documented information: creating and updating"),
    ("7.5.3", "7", "Documented information: control"),
    ("8.1", "8", "Operational planning and control"),
    ("8.2", "8", "Carrying out AI risk assessments"),
    ("8.3", "8", "Carrying out AI risk treatment"),
    ("8.4", "8", "Carrying out AI system impact assessments"),
    ("9.1", "9", "Monitoring, measurement, analysis and evaluation"),
    ("9.2.1", "9", "Internal audit"),
    ("9.2.2", "9", "Internal audit programme"),
    ("9.3.1", "9", "Management review"),
    ("9.3.2", "9", "Management review inputs"),
    ("9.3.3", "9", "Management review results"),
    ("10.1", "10", "Continual improvement"),
    ("10.2", "10", "Nonconformity and corrective action"),
]
aims_sub = [
    ("6.1.1", "6.1"), ("6.1.2", "6.1"), ("6.1.3", "6.1"), ("6.1.4", "6.1"),
]
annex = [
    ("A.2.2", "Documented AI policy"),
    ("A.2.3", "Alignment with other organizational policies"),
    ("A.2.4", "Periodic review of the AI policy"),
    ("A.3.2", "AI roles defined and assigned"),
    ("A.3.3", "Process for raising AI concerns"),
    ("A.4.2", "Documenting the resources AI systems need"),
    ("A.4.3", "Data resources"),
    ("A.4.4", "Tooling resources"),
    ("A.4.5", "System and computing resources"),
    ("A.4.6", "Human resources and competencies"),
    ("A.5.2", "Impact assessment process"),
    ("A.5.3", "Recording impact assessments"),
    ("A.5.4", "Impacts on individuals and groups"),
    ("A.5.5", "Societal impacts"),
    ("A.6.1.2", "Objectives for responsible development"),
    ("A.6.1.3", "Processes for responsible design and development"),
    ("A.6.2.2", "Requirements and specification"),
    ("A.6.2.3", "Design and development documentation"),
    ("A.6.2.4", "Verification and validation"),
    ("A.6.2.5", "Deployment"),
    ("A.6.2.6", "Operation and monitoring"),
    ("A.6.2.7", "Technical documentation"),
    ("A.6.2.8", "Event log recording"),
    ("A.7.2", "Data for development and enhancement"),
    ("A.7.3", "Data acquisition"),
    ("A.7.4", "Data quality"),
    ("A.7.5", "Data provenance"),
    ("A.7.6", "Data preparation"),
    ("A.8.2", "System documentation for users"),
    ("A.8.3", "External reporting"),
    ("A.8.4", "Communicating incidents"),
    ("A.8.5", "Information for interested parties"),
    ("A.9.2", "Processes for responsible use"),
    ("A.9.3", "Objectives for responsible use"),
    ("A.9.4", "Intended use"),
    ("A.10.2", "Allocating responsibilities with partners, suppliers and customers"),
    ("A.10.3", "Suppliers"),
    ("A.10.4", "Customers"),
]
assert len(aims_clauses) == 29 and len(annex) == 38

csf = list(csv.DictReader(open(f"{ref}/csf-2.0/csf-2.0.csv", encoding="utf-8")))
csf_active = sorted(r["Subcategory ID"] for r in csf if r["Status"] == "Active")
csf_withdrawn = sorted(r["Subcategory ID"] for r in csf if r["Status"] != "Active")
gvsc = [(r["Subcategory ID"], r["Subcategory"].strip()) for r in csf
        if r["Status"] == "Active" and r["Category ID"] == "GV.SC"]
assert len(csf_active) == 106 and len(gvsc) == 10

sp = list(csv.DictReader(open(f"{ref}/sp800-161r1/800-161-r1-controls.csv", encoding="utf-8")))
base = [r["control_id"] for r in sp]
enh = set()
for r in sp:
    enh.update(re.findall(r"\b([A-Z]{2}-\d+\(\d+\))", r["content"]))
enh = {e for e in enh if e.split("(")[0] in set(base)}


def ctl_key(c):
    m = re.match(r"([A-Z]{2})-(\d+)(?:\((\d+)\))?$", c)
    return (m.group(1), int(m.group(2)), int(m.group(3) or 0))


sp_ids = sorted(set(base) | enh, key=ctl_key)

acts = list(csv.DictReader(open(f"{ref}/ai-600-1/ai-600-1-1.0-actions.csv", encoding="utf-8")))
act_ids = []
for r in acts:
    a = r["action_id"]
    if a == "GV4.3--001":
        a = "GV-4.3-001"
    assert re.fullmatch(r"(GV|MP|MS|MG)-\d+\.\d+-\d{3}", a), a
    act_ids.append(a)


# The twelve GAI risks of NIST AI 600-1 section 2, as the `GaiRisk` variants name them. The
# CSV's labels are dirty: a ligature (Conﬁguration), two spellings of CBRN, "Environmental"
# for Environmental Impacts, two labels merged by a comma; "Civil Rights violations" is not one
# of the twelve and is left out.
GAI = {
    "CBRN Information or Capabilities": "Cbrn",
    "Confabulation": "Confabulation",
    "Dangerous, Violent, or Hateful Content": "DangerousContent",
    "Data Privacy": "DataPrivacy",
    "Environmental Impacts": "Environmental",
    "Harmful Bias and Homogenization": "HarmfulBias",
    "Human-AI Configuration": "HumanAiConfiguration",
    "Information Integrity": "InformationIntegrity",
    "Information Security": "InformationSecurity",
    "Intellectual Property": "IntellectualProperty",
    "Obscene, Degrading, and/or Abusive Content": "ObsceneContent",
    "Value Chain and Component Integration": "ValueChain",
}
GAI_ALIASES = {
    "CBRN Information and Capability": "CBRN Information or Capabilities",
    "Environmental": "Environmental Impacts",
    "Human AI Configuration": "Human-AI Configuration",
}
GAI_DROPPED = {"Civil Rights violations"}


def gai_risks(raw):
    out = []
    for label in raw.replace("\ufb01", "fi").split("|"):
        label = label.strip()
        parts = [label]
        if label not in GAI and label not in GAI_ALIASES and label not in GAI_DROPPED:
            # Labels merged by a comma: the known ones (aliases included) it is made of, and
            # nothing else.
            parts = [k for k in list(GAI) + list(GAI_ALIASES) if k in label]
            rest = label
            for k in sorted(parts, key=len, reverse=True):
                rest = rest.replace(k, "")
            assert parts and not rest.strip(" ,"), label
        for p in parts:
            p = GAI_ALIASES.get(p, p)
            if p in GAI_DROPPED or not p:
                continue
            if GAI[p] not in out:
                out.append(GAI[p])
    return sorted(out, key=list(GAI.values()).index)


act_risks = {}
for r in acts:
    a = r["action_id"]
    if a == "GV4.3--001":
        a = "GV-4.3-001"
    act_risks[a] = gai_risks(r["gai_risks"])


def act_key(a):
    f, sub, n = re.match(r"(..)-(\d+\.\d+)-(\d+)", a).groups()
    maj, mi = sub.split(".")
    return ("GV MP MS MG".split().index(f), int(maj), int(mi), int(n))


act_ids = sorted(set(act_ids), key=act_key)
assert len(act_ids) == 212

out = []
w = out.append
w("//! Framework reference lists, generated by `tools/gen-frameworks.py` from the shared reference")
w("//! data (NIST text is public domain; ISO/IEC 42001 titles are scrm's own paraphrase).")
w("//! Do not edit by hand: rerun the generator and review the diff.")
w("")
w("use super::FrameworkItem;")
w("use scrm_model::GaiRisk;")
w("")


def items(name, doc, rows):
    w(f"/// {doc}")
    w(f"pub(crate) static {name}: &[FrameworkItem] = &[")
    for i, g, t in rows:
        w(f"    FrameworkItem {{ id: {rs(i)}, group: {rs(g)}, title: {rs(t)} }},")
    w("];")
    w("")


def strs(name, doc, rows):
    w(f"/// {doc}")
    w(f"pub(crate) static {name}: &[&str] = &[")
    line = "   "
    for s in rows:
        piece = f" {rs(s)},"
        if len(line) + len(piece) > 99:
            w(line)
            line = "   "
        line += piece
    if line.strip():
        w(line)
    w("];")
    w("")


items("AIRM", "NIST AI RMF 1.0 subcategories (NIST AI 100-1 Tables 1-4).",
      [(i, f, t) for i, f, t in airm])
items("AIMS_CLAUSES", "ISO/IEC 42001:2023 clause items scored by scrm (ids; paraphrased titles).",
      aims_clauses)
items("AIMS_ANNEX_A", "ISO/IEC 42001:2023 Annex A controls (ids; paraphrased titles).",
      [(i, ".".join(i.split(".")[:2]), t) for i, t in annex])
w("/// ISO/IEC 42001 ref ids that are valid but roll up into a scored clause item.")
w("pub(crate) static AIMS_SUB_ITEMS: &[(&str, &str)] = &[")
for a, b in aims_sub:
    w(f"    ({rs(a)}, {rs(b)}),")
w("];")
w("")
items("CSF_GV_SC", "NIST CSF 2.0 GV.SC subcategories (NIST CSWP 29).",
      [(i, "GV.SC", t) for i, t in gvsc])
strs("CSF_ACTIVE", "NIST CSF 2.0 subcategory ids with status Active (106).", csf_active)
strs("CSF_WITHDRAWN", "NIST CSF 2.0 ids that were withdrawn (rejected as references).", csf_withdrawn)
strs("SP800_161R1", "NIST SP 800-161r1 control ids and the enhancement ids its text cites.", sp_ids)
strs("AI600_1", "NIST AI 600-1 suggested action ids (212).", act_ids)
w("/// The GAI risks each NIST AI 600-1 suggested action addresses (its `gai_risks`, normalized to")
w("/// the twelve risks of section 2), in action id order.")
w("pub(crate) static AI600_1_RISKS: &[(&str, &[GaiRisk])] = &[")
for a in act_ids:
    rs_ = ", ".join(f"GaiRisk::{v}" for v in act_risks[a])
    w(f"    ({rs(a)}, &[{rs_}]),")
w("];")
w("")
sys.stdout.write("\n".join(out))
