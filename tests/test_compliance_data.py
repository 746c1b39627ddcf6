"""Compliance findings as data (issue 11): the findings table, the public fact list the web form
builds from, the `check` command with a supplier kickback, and no rules -> compliance cycle."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from assistant.compliance import check_compliance, facts_catalogue, findings_table
from assistant.rules import FACTS
from assistant.rules.clauses import clause_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def test_every_row_is_bilingual_cited_and_resolves() -> None:
    rows = findings_table()
    assert len({r.id for r in rows}) >= 20
    for r in rows:
        assert r.title_zh and r.title_en and r.explanation_zh and r.explanation_en and r.advice_zh and r.advice_en
        refs = [*r.references, *r.fallback_references]
        assert refs or r.logic, r.id
        for ref in refs:
            assert clause_text(ref.doc, ref.clause, CORPUS) is not None, (r.id, ref)


def test_every_fact_a_row_reads_is_public_or_an_eligibility_fact() -> None:
    public = {f.name for f in facts_catalogue()}
    for r in findings_table():
        for w in [*r.when, *r.when_any]:
            assert w.fact in public or w.fact in FACTS, (r.id, w.fact)


def test_facts_catalogue_has_labels_in_both_languages() -> None:
    zh = facts_catalogue("zh")
    en = facts_catalogue("en")
    assert [f.name for f in zh] == [f.name for f in en]
    for a, b in zip(zh, en):
        assert a.label == a.label_zh and b.label == b.label_en and a.label_zh and a.label_en
        assert a.group in {"general", "contract", "user", "issuer"}
        if a.type == "choice":
            assert a.choices and all(c.zh and c.en for c in a.choices)
    names = {f.name for f in zh}
    # what the web form and the understanding layer already send
    for name in ("role", "program", "voucher_action", "kickback", "contract_amount_inflated", "sham_contract"):
        assert name in names
    for name in ("local_registration_required", "fair_competition_review_done", "supplier_related", "line_items"):
        assert name in names


def test_check_with_a_supplier_kickback_returns_its_finding(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text("kickback: true\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "check", "--facts", str(facts), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"findings", "checks"}
    (finding,) = data["findings"]
    assert finding["id"] == "collusion_kickback" and finding["severity"] == "high"
    for key in ("title_zh", "title_en", "references", "explanation_zh", "explanation_en", "recommendation_zh"):
        assert finding[key]
    assert "返点" in finding["explanation_zh"] and "好处费" in finding["explanation_zh"]
    assert {"doc": "civil-code-excerpts", "clause": "第一百五十四条"} in finding["references"]
    assert all(set(c) == {"id", "description"} for c in data["checks"])


def test_a_choice_fact_names_its_value_in_the_title() -> None:
    (f,) = check_compliance({"voucher_action": "lending"})
    assert f.title_zh == "算力券出借" and f.title_en == "Voucher lending"


def test_the_rules_package_never_imports_the_compliance_layer() -> None:
    for path in (ROOT / "assistant" / "rules").glob("*.py"):
        assert not re.search(r"assistant\.compliance|from assistant import compliance", path.read_text()), path


def test_finding_texts_never_show_a_fact_code() -> None:
    """What a finding says is read by people: "本合同期限为18个月", never "contract_term_months = 18"."""
    code = re.compile(r"\b[a-z]+(_[a-z]+)+\b")
    for r in findings_table():
        for text in (r.title_zh, r.explanation_zh, r.advice_zh, r.title_en, r.explanation_en, r.advice_en):
            shown = re.sub(r"\{[a-z_]+\}", "", text)  # placeholders are filled in, not shown
            assert not code.search(shown), (r.id, text)


def test_a_contract_longer_than_allowed_says_its_term_in_words() -> None:
    found = check_compliance({"program": "beijing-municipal", "contract_term_months": 18, "date": "2025-06-01"})
    term = [f for f in found if f.id.startswith("contract_term")]
    assert term and "18个月" in term[0].explanation_zh and "contract_term_months" not in term[0].explanation_zh
