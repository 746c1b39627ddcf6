"""Runs every OpenFisca-style situation under tests/rules/*.yaml (see tests/rules/README.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.compliance import check_compliance
from assistant.rules import RulesInputError, calculate, calculate_claims, check_eligibility
from assistant.rules.clauses import clause_text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

SITUATIONS = Path(__file__).parent / "rules"


def _load() -> list[tuple[str, str, dict[str, Any]]]:
    cases = []
    for path in sorted(SITUATIONS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        kind = data.get("kind", "calculation")
        for case in data["cases"]:
            case.setdefault("program", data.get("program"))
            case.setdefault("voucher", data.get("voucher"))
            case.setdefault("scheme", data.get("scheme"))
            cases.append((kind, f"{path.stem}: {case['name']}", case))
    return cases


CASES = _load()


def test_enough_situations() -> None:
    calc = [c for k, _n, c in CASES if k == "calculation"]
    assert len(calc) >= 80, len(calc)
    programs = {c["program"] for c in calc}
    from assistant.rules import load_programs

    assert set(load_programs()) <= programs, set(load_programs()) - programs


def test_every_scheme_has_typical_capped_and_refused_situations() -> None:
    """Each scheme beyond a program's default has at least three worked cases (issue 11)."""
    from assistant.rules import all_schemes, get_scheme

    counts: dict[tuple[str, str], int] = {}
    for kind, _n, c in CASES:
        if kind == "calculation" and (c.get("scheme") or c.get("voucher")):
            key = (c["program"], get_scheme(c["program"], c.get("voucher"), c.get("scheme")).scheme)
            counts[key] = counts.get(key, 0) + 1
    short = [
        f"{s.id}/{s.scheme}: {counts.get((s.id, s.scheme), 0)}"
        for s in all_schemes()
        if s.scheme != "compute" and counts.get((s.id, s.scheme), 0) < 3
    ]
    assert not short, short


@pytest.mark.parametrize("kind,name,case", CASES, ids=[n for _k, n, _c in CASES])
def test_situation(kind: str, name: str, case: dict[str, Any]) -> None:
    ref = case.get("reference")
    assert ref and ref.get("doc") and ref.get("clause"), "every situation cites a clause"
    assert case.get("description"), "every situation explains itself"
    assert clause_text(ref["doc"], str(ref["clause"]), CORPUS) is not None, f"cited clause not in corpus: {ref}"
    if kind == "eligibility":
        _eligibility(case)
    elif kind == "compliance":
        _compliance(case)
    else:
        _calculation(case)


def _inputs(case: dict[str, Any]) -> dict[str, Any]:
    inp = dict(case.get("input") or {})
    return {
        "voucher": case.get("voucher"),
        "scheme": case.get("scheme"),
        "on": inp.get("date"),
        "compute_type": inp.get("compute_type"),
        "claimed_this_year": inp.get("claimed_this_year", "0"),
        "facts": inp.get("facts") or {},
        **({"start": inp["start"]} if "start" in inp else {}),
        **({"end": inp["end"]} if "end" in inp else {}),
    }


def _calculation(case: dict[str, Any]) -> None:
    program = case["program"]
    inp = case.get("input") or {}
    kwargs = _inputs(case)
    if "error" in case:
        with pytest.raises(RulesInputError) as info:
            calculate(program, inp.get("amount"), **kwargs)
        assert info.value.field == case["error"]["field"], str(info.value)
        assert case["error"]["message_contains"].lower() in str(info.value).lower(), str(info.value)
        return
    out = case["output"]
    if "claims" in case:
        results = calculate_claims(
            program,
            case["claims"],
            on=kwargs["on"],
            compute_type=kwargs["compute_type"],
            claimed_this_year=kwargs["claimed_this_year"],
            facts=kwargs["facts"],
            voucher=kwargs["voucher"],
            scheme=kwargs["scheme"],
        )
        assert [r.as_json()["amount"] for r in results] == out["amounts"]
        return
    data = calculate(program, inp["amount"], **kwargs).as_json()
    for key in ("amount", "amount_wan", "capped_by", "version", "tier", "eligible", "rate", "voucher"):
        if key in out:
            expected = out[key]
            if key == "version" and expected is not None:
                expected = str(expected)
            assert data[key] == expected, f"{key}: {data[key]!r} != {expected!r}\n{data['warnings']}"
    warnings = "\n".join(data["warnings"])
    for text in out.get("warnings_contain", []):
        assert text in warnings, f"{text!r} not in warnings:\n{warnings}"
    for text in out.get("warnings_not_contain", []):
        assert text not in warnings, f"{text!r} unexpectedly in warnings:\n{warnings}"
    steps = "\n".join(f"{s['label']} {s['value']}" for s in data["steps"])
    for text in out.get("steps_contain", []):
        assert text in steps, f"{text!r} not in steps:\n{steps}"
    for ref in out.get("references_contain", []):
        assert ref in data["references"], f"{ref} not in {data['references']}"


def _eligibility(case: dict[str, Any]) -> None:
    (result,) = check_eligibility(case["profile"], program_id=case["program"])
    out = case["output"]
    assert result.status == out["status"], [r.reason_en for r in result.reasons]
    missing = [m.fact for m in result.missing]
    if "missing" in out:
        assert missing == out["missing"]
    for fact in out.get("missing_contains", []):
        assert fact in missing, missing
    questions = " ".join(m.question_zh for m in result.missing)
    for text in out.get("questions_contain", []):
        assert text in questions
    failed = [r.fact for r in result.failed]
    for fact in out.get("failed_contains", []):
        assert fact in failed, failed
    warnings = " ".join(w.en for w in result.warnings)
    for text in out.get("warnings_contain", []):
        assert text in warnings, warnings


def _compliance(case: dict[str, Any]) -> None:
    findings = check_compliance(case["facts"])
    out = case["output"]
    ids = [f.id for f in findings]
    assert sorted(ids) == sorted(out["findings"]), ids
    by_id = {f.id: f for f in findings}
    for fid, severity in (out.get("severity") or {}).items():
        assert by_id[fid].severity == severity
    refs = [r.model_dump() for f in findings for r in f.references]
    for ref in out.get("references_contain", []):
        assert ref in refs, refs
    for f in findings:
        assert f.explanation_zh and f.explanation_en and f.recommendation_zh and f.recommendation_en
