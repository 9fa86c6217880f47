#!/usr/bin/env python3
"""Writes benches/genai-overlay.toml: a buyer catalog overlay of NIST AI 600-1 questions.

A buyer that procures generative AI adds questions on the GenAI Profile's suggested actions to
the built-in catalog. The benchmark uses this overlay to give each synthetic supplier about 200
answers, the shape issue 6 states its targets for (`make bench-genai`; `benches/README.md`).

Source: `shared/ref/csa-datasets-nist/ai-600-1/ai-600-1-1.0-actions.csv` (CSA's CC0 dataset of
NIST AI 600-1; NIST text is in the public domain). Rule: the first two suggested actions of each
AI RMF subcategory, in the file's order (94 actions over 49 subcategories), each a
yes-partial-no question for every AI role. The source spells one id `GV4.3--001`; it is
written `GV-4.3-001`, as the catalog stores it.

Usage: python3 scripts/genai-overlay.py PATH/TO/ai-600-1-1.0-actions.csv > benches/genai-overlay.toml
"""

import csv
import json
import re
import sys

PER_SUBCATEGORY = 2
# ISO/IEC 38500's evaluate-direct-monitor, by AI RMF function.
GOVERNANCE = {"GOVERN": "direct", "MAP": "evaluate", "MEASURE": "monitor", "MANAGE": "direct"}


def toml_str(s: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(s, ensure_ascii=False)


def main() -> None:
    rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
    taken: dict[str, int] = {}
    out = [
        "# A buyer overlay of NIST AI 600-1 (Generative AI Profile) suggested actions, for the",
        "# benchmark at about 200 answers a supplier. Written by scripts/genai-overlay.py from CSA's",
        "# CC0 dataset of NIST AI 600-1 (NIST text is in the public domain); do not edit by hand.",
        "",
        "[catalog]",
        'version = "genai-bench"',
    ]
    for r in rows:
        action = re.sub(r"^([A-Z]{2})-?(\d+\.\d+)-+(\d{3})$", r"\1-\2-\3", r["action_id"])
        sub = r["subcategory_id"]
        if taken.get(sub, 0) >= PER_SUBCATEGORY:
            continue
        taken[sub] = taken.get(sub, 0) + 1
        function = sub.split()[0]
        text = r["suggested_action"].strip()
        out += [
            "",
            "[[question]]",
            f"id = {toml_str('GAI-' + action)}",
            f"topic.en = {toml_str('GenAI profile action ' + action)}",
            f"topic.zh-TW = {toml_str('生成式 AI 概要建議行動 ' + action)}",
            "text.en = "
            + toml_str(
                f"Is NIST AI 600-1 action {action} in place for the generative AI in your "
                f"products and services? The action: {text}"
            ),
            "text.zh-TW = "
            + toml_str(
                f"貴公司的產品與服務所用之生成式 AI，是否已落實 NIST AI 600-1 建議行動 {action}？"
                f"行動內容（英文原文）：{text}"
            ),
            "guidance.en = "
            + toml_str(
                f"Policies, procedures or records showing the action in place, for AI RMF {sub}: "
                f"{r['subcategory_text'].strip()}"
            ),
            "guidance.zh-TW = "
            + toml_str(f"可佐證已落實此行動的政策、程序或紀錄（對應 AI RMF 子類別 {sub}）。"),
            'answer = "yes-partial-no"',
            "weight = 1.0",
            "roles = []",
            f'governance = "{GOVERNANCE[function]}"',
            f"refs.airm = [{toml_str(sub)}]",
            f"refs.ai600_1 = [{toml_str(action)}]",
        ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
