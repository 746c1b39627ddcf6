"""Binding test: every parameter value appears in the corpus clause it references.

0.20 must appear as "20%", 2000000 as "200万", 2023-09-01 as "2023年9月1日", 12 months as
"12个月" / "一年". A rule and its source text cannot drift apart silently.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.rules import all_schemes, load_programs
from assistant.rules.clauses import clause_text, find_clause
from assistant.rules.values import plain

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

_CN_DIGITS = "零一二三四五六七八九"


def _cn_small(n: int) -> list[str]:
    if n < 10:
        return [_CN_DIGITS[n]] + (["两"] if n == 2 else [])
    if n < 20:
        return ["十" + (_CN_DIGITS[n - 10] if n > 10 else "")]
    if n < 100:
        return [_CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")]
    return []


def renderings(value, unit: str) -> list[str]:
    """Regexes that a clause may use to state ``value``."""
    num = r"(?<![\d.])"
    if unit == "ratio":
        pct = plain(value * 100)
        return [
            num + re.escape(pct) + r"\s*[%％]",
            "百分之" + "(?:" + "|".join(_cn_small(int(pct))) + ")"
            if pct.isdigit() and _cn_small(int(pct))
            else re.escape("百分之" + pct),
        ]
    if unit == "yuan":
        out = [
            num + re.escape(plain(value / Decimal(10000))) + r"\s*万",
            num + re.escape(plain(value)) + r"\s*元",
            num + re.escape(f"{int(value):,}") + r"\s*元",
        ]
        if value >= Decimal(100000000):
            out.append(num + re.escape(plain(value / Decimal(100000000))) + r"\s*亿")
        return out
    if unit == "date":
        d: dt.date = value
        return [rf"{d.year}年0?{d.month}月0?{d.day}日", re.escape(d.isoformat())]
    if unit == "months":
        n = int(value)
        out = [num + rf"{n}\s*个月"] + [f"{c}个月" for c in _cn_small(n)]
        if n % 12 == 0:
            years = n // 12
            out += [num + rf"{years}\s*年"] + [f"{c}年" for c in _cn_small(years)]
        return out
    if unit == "days":
        return [num + rf"{int(value)}\s*天"]
    raise AssertionError(unit)


def _bound_parameters():
    """Every scheme of every program file (compute, model, corpus, ...), not only the default."""
    for program in all_schemes():
        for version in program.versions:
            for p in version.parameters.values():
                if p.value is not None and p.reference is not None:
                    yield pytest.param(
                        program.id, version.id, p, id=f"{program.id}/{program.scheme}/{version.id}/{p.name}"
                    )


@pytest.mark.parametrize("program_id,version_id,param", list(_bound_parameters()))
def test_parameter_value_is_in_its_clause(program_id, version_id, param) -> None:
    text = clause_text(param.reference.doc, param.reference.clause, CORPUS)
    assert text is not None, f"{param.reference.doc} has no clause {param.reference.clause}"
    patterns = renderings(param.value, param.unit)
    assert any(re.search(p, text) for p in patterns), (
        f"{program_id} {version_id}.{param.name} = {param.value} ({param.unit}) not found in "
        f"{param.reference.doc} {param.reference.clause}:\n{text}"
    )


def _all_references():
    for program in all_schemes():
        for ref in program.references():
            yield pytest.param(ref.doc, ref.clause, id=f"{program.id}/{program.scheme}:{ref.doc}:{ref.clause}")


@pytest.mark.parametrize("doc,clause", list(_all_references()))
def test_every_reference_resolves(doc, clause) -> None:
    assert clause_text(doc, clause, CORPUS) is not None, f"{doc} {clause} not found in the corpus"


def test_unpublished_parameters_cite_a_not_published_clause() -> None:
    """A parameter marked unpublished must cite a clause that says so (未见公开 / 未公开)."""
    seen = 0
    for program in all_schemes():
        for version in program.versions:
            for p in version.parameters.values():
                if p.status == "unpublished":
                    seen += 1
                    text = clause_text(p.reference.doc, p.reference.clause, CORPUS)
                    assert text and re.search(r"未见公开|未公开|看不到|未显示|被截断", text), (program.id, p.name, text)
    assert seen >= 3


def test_every_program_doc_has_its_program_id() -> None:
    """The corpus document each program is built on names that program in its front matter."""
    from assistant.rules.clauses import corpus_path

    for program in load_programs().values():
        head = corpus_path(program.corpus_doc, CORPUS).read_text(encoding="utf-8").split("\n---", 1)[0]
        assert re.search(rf"^program:\s*{re.escape(program.id)}\s*$", head, re.M), program.corpus_doc


def test_every_rate_and_cap_of_every_scheme_cites_a_clause() -> None:
    """A published rate, cap or award without a reference could not be bound to its text."""
    bare = [
        f"{s.id}/{s.scheme}/{v.id}.{p.name}"
        for s in all_schemes()
        for v in s.versions
        for p in v.parameters.values()
        if p.unit in ("ratio", "yuan") and (p.reference is None or not p.reference.doc or not p.reference.clause)
    ]
    assert not bare, bare


# ---------------------------------------------------------------- the checker itself can fail


def test_binding_detects_a_wrong_value() -> None:
    text = "第七条 【比例】 最高为合同金额的20%，最高200万元。"
    clause = find_clause(text, "第七条")
    assert any(re.search(p, clause) for p in renderings(Decimal("0.20"), "ratio"))
    assert not any(re.search(p, clause) for p in renderings(Decimal("0.30"), "ratio"))
    assert any(re.search(p, clause) for p in renderings(Decimal("2000000"), "yuan"))
    # 200万 must not match inside 2200万 or 1200万
    assert not any(re.search(p, "最高2200万元") for p in renderings(Decimal("2000000"), "yuan"))
    assert not any(re.search(p, "最高1.200万元") for p in renderings(Decimal("2000000"), "yuan"))


def test_clause_span_stops_at_the_next_label() -> None:
    text = "---\nid: x\n---\n# t\n说明：20%\n第一条 甲 30%\n续行 40%\n第二条 乙 50%\n## English summary\n60%\n"
    assert find_clause(text, "第一条") == "第一条 甲 30%\n续行 40%"
    assert find_clause(text, "第二条") == "第二条 乙 50%"
    assert find_clause(text, "第三条") is None
    nested = "一、总则\n（一）甲 10%\n（二）乙 20%\n二、其他\n（一）丙 30%\n"
    assert find_clause(nested, "一、（二）") == "（二）乙 20%"
    assert find_clause(nested, "二、（一）") == "（一）丙 30%"
    assert "（二）乙 20%" in find_clause(nested, "一、")
