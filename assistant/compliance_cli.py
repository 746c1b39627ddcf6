"""The ``check`` subcommand: compliance findings for a described use, contract or measure.

It lives outside ``assistant.rules`` so the rules package never imports the compliance layer
that is built on it (no rules -> compliance -> rules cycle).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import yaml

from assistant.rules.cli import _guard, _json, _parse_set, _read_yaml


def _doc_meta(doc: str) -> dict[str, Any]:
    """A corpus document's front matter (title, numbering), for naming it by title."""
    from assistant.rules.clauses import corpus_path

    path = corpus_path(doc)
    try:
        m = re.match(r"^---[ \t]*\r?\n(.*?)\r?\n---", Path(path).read_text(encoding="utf-8"), re.DOTALL)
        meta = yaml.safe_load(m.group(1)) if m else {}
    except (OSError, yaml.YAMLError):
        return {}
    return meta if isinstance(meta, dict) else {}


def cmd_check(args: argparse.Namespace) -> int:
    from assistant.compliance import check_compliance, checks_performed

    facts = _read_yaml(args.facts, "--facts")
    facts.update(_parse_set(args.set))
    if args.program:
        facts["program"] = args.program
    findings = check_compliance(facts)
    if args.json:
        _json({"findings": [f.as_json() for f in findings], "checks": checks_performed()})
        return 0
    if not findings:
        print("未发现问题 No issues found by these checks:")
        for c in checks_performed():
            print(f"  - {c['description']}")
        return 0

    def named(doc: str, clause: str) -> str:
        # Titles, not internal ids, and our own clause numbering marked as ours.
        meta = _doc_meta(doc)
        own = "" if meta.get("numbering") == "official" else "（本库编号）"
        return f"《{meta.get('title') or doc}》{clause}{own}"

    for f in findings:
        refs = "; ".join(named(r.doc, r.clause) for r in f.references)
        print(f"[{f.severity}] {f.title_zh} / {f.title_en}")
        print(f"  依据 Rule: {refs}")
        print(f"  说明: {f.explanation_zh}")
        print(f"  Why: {f.explanation_en}")
        print(f"  建议: {f.recommendation_zh}")
        print(f"  Do: {f.recommendation_en}")
        print()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``check`` to the ``python -m assistant`` parser."""
    p = sub.add_parser("check", help="compliance checks for a voucher use, contract or measure")
    p.add_argument("--facts", required=True, help="YAML file of facts (voucher_action, kickback, ...)")
    p.add_argument("--program", help="program id the use falls under")
    p.add_argument("--set", action="append", metavar="KEY=VALUE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_guard(cmd_check))
