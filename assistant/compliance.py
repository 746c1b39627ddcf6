"""Compliance checks for a described voucher use, contract or voucher measure.

``check_compliance(facts)`` returns findings, each with a severity, the rules or laws it touches
(corpus document + clause), an explanation and advice in Chinese and English. The findings are
data, like the programs: ``compliance_findings.yaml`` holds one row per finding with the
conditions (``when``) over the compliance facts that make it fire, using the eligibility
operators; this module only applies the table, and ``compliance_logic.py`` holds the few checks
that are real logic (line items, date windows, registration outside a local program). The facts
a check reads, with their labels in both languages, are public: ``facts_catalogue()`` (the web
form builds its fields from it). The checks are deterministic rules, not advice; the assistant
presents them with their citations and suggests asking the issuer or a lawyer.

Eligibility facts (``assistant.rules.facts.FACTS``) may be given too; they are parsed the
same way as for eligibility.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field

from assistant.compliance_logic import LOGIC, Ctx, Hit, program_clauses
from assistant.rules.eligibility import today
from assistant.rules.errors import RulesInputError
from assistant.rules.facts import FACTS, normalize_fact
from assistant.rules.loader import get_program, load_programs
from assistant.rules.model import Reference
from assistant.rules.ops import Op, holds
from assistant.rules.values import parse_bool, parse_date, parse_int

Severity = Literal["high", "medium", "low", "info"]
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}
_HERE = Path(__file__).resolve().parent
FINDINGS_FILE = _HERE / "compliance_findings.yaml"
FACTS_FILE = _HERE / "compliance_facts.yaml"


# ---------------------------------------------------------------- the public fact list


class FactChoice(BaseModel):
    value: str
    zh: str
    en: str


class ComplianceFact(BaseModel):
    """One fact a compliance check reads: its type, the form group it belongs to, its labels."""

    name: str
    type: Literal["bool", "choice", "date", "int", "list", "region", "program"]
    group: Literal["general", "contract", "user", "issuer"]
    label_zh: str
    label_en: str
    help_zh: str = ""
    help_en: str = ""
    choices: list[FactChoice] = Field(default_factory=list)
    label: str = ""  # the label in the language asked for (facts_catalogue(lang))

    def choice_label(self, value: Any, lang: str) -> str:
        for c in self.choices:
            if c.value == value:
                return c.zh if lang == "zh" else c.en
        return str(value)


@lru_cache(maxsize=1)
def _catalogue() -> tuple[ComplianceFact, ...]:
    raw = yaml.safe_load(FACTS_FILE.read_text(encoding="utf-8"))
    return tuple(ComplianceFact.model_validate(f) for f in raw["facts"])


def issuer_facts() -> frozenset[str]:
    """The facts only a body drafting or running a voucher measure states (group ``issuer``):
    read in a message, they make the asker the issuer."""
    return frozenset(f.name for f in _catalogue() if f.group == "issuer")


def facts_catalogue(lang: str = "zh") -> list[ComplianceFact]:
    """Every compliance fact with its type, group, choices and labels; ``label`` is in ``lang``
    (``zh`` or ``en``). The web compliance form builds its fields from this list."""
    return [f.model_copy(update={"label": f.label_zh if lang == "zh" else f.label_en}) for f in _catalogue()]


def _fact_specs() -> dict[str, ComplianceFact]:
    return {f.name: f for f in _catalogue()}


# ---------------------------------------------------------------- the findings table


class When(BaseModel):
    fact: str
    op: Op
    value: Any = None

    def holds(self, facts: dict[str, Any]) -> bool:
        """False when the fact is not given: a finding never fires on a guess."""
        value = facts.get(self.fact)
        return value is not None and holds(self.op, value, self.value)


class Escalate(BaseModel):
    severity: Severity
    when: list[When]


class FindingRule(BaseModel):
    """One row of ``compliance_findings.yaml``."""

    id: str
    severity: Severity
    when: list[When] = Field(default_factory=list)
    when_any: list[When] = Field(default_factory=list)
    logic: str | None = None
    variant: str = "default"
    program_clauses: str | None = None
    fallback_references: list[Reference] = Field(default_factory=list)
    severity_if_no_clause: Severity | None = None
    severity_if_no_program: Severity | None = None
    escalate: Escalate | None = None
    references: list[Reference] = Field(default_factory=list)
    title_zh: str
    title_en: str
    explanation_zh: str
    explanation_en: str
    advice_zh: str
    advice_en: str

    def fires(self, facts: dict[str, Any]) -> bool:
        return all(w.holds(facts) for w in self.when) and (
            not self.when_any or any(w.holds(facts) for w in self.when_any)
        )


@lru_cache(maxsize=1)
def findings_table() -> tuple[FindingRule, ...]:
    """The rows of ``compliance_findings.yaml``, checked: facts known, logic known."""
    raw = yaml.safe_load(FINDINGS_FILE.read_text(encoding="utf-8"))
    rows = tuple(FindingRule.model_validate(r) for r in raw["findings"])
    known = set(_fact_specs()) | set(FACTS)
    for r in rows:
        for w in [*r.when, *r.when_any, *(r.escalate.when if r.escalate else [])]:
            if w.fact not in known:
                raise ValueError(f"compliance finding {r.id}: unknown fact {w.fact!r}")
        if r.logic is not None and r.logic not in LOGIC:
            raise ValueError(f"compliance finding {r.id}: unknown logic {r.logic!r}")
        if r.logic is None and not (r.when or r.when_any):
            raise ValueError(f"compliance finding {r.id}: needs when, when_any or logic")
    return rows


class Finding(BaseModel):
    id: str
    severity: Severity
    title_zh: str
    title_en: str
    references: list[Reference]
    explanation_zh: str
    explanation_en: str
    recommendation_zh: str
    recommendation_en: str
    facts: dict[str, Any] = Field(default_factory=dict)

    @property
    def rule(self) -> Reference:
        return self.references[0]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "references": [r.model_dump() for r in self.references],
            "explanation_zh": self.explanation_zh,
            "explanation_en": self.explanation_en,
            "recommendation_zh": self.recommendation_zh,
            "recommendation_en": self.recommendation_en,
            "facts": {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.facts.items()},
        }


# ---------------------------------------------------------------- applying the table


def _normalize(facts: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(facts, dict):
        raise RulesInputError("facts", "expected a mapping of facts")
    specs = _fact_specs()
    out: dict[str, Any] = {}
    for key, value in facts.items():
        if value is None or value == "":
            continue
        spec = specs.get(key)
        kind = spec.type if spec else None
        if kind == "bool":
            out[key] = parse_bool(value, key)
        elif kind == "choice" and spec is not None:
            choice = str(value).strip().lower().replace("-", "_")
            allowed = [c.value for c in spec.choices]
            if choice not in allowed:
                raise RulesInputError(key, f"{value!r} is not one of: {', '.join(sorted(allowed))}")
            out[key] = choice
        elif kind == "date" and key not in FACTS:
            out[key] = parse_date(value, key)
        elif kind == "program":
            out[key] = get_program(str(value)).id
        elif key in FACTS:
            out[key] = normalize_fact(key, value)
        elif kind == "int":
            out[key] = parse_int(value, key)
        else:
            out[key] = value
    return out


def _fill(text: str, values: dict[str, str]) -> str:
    class _Keep(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return text.format_map(_Keep(values))


def _choice_values(facts: dict[str, Any], lang: str) -> dict[str, str]:
    specs = _fact_specs()
    return {k: specs[k].choice_label(v, lang) for k, v in facts.items() if k in specs and specs[k].choices}


def _finding(row: FindingRule, ctx: Ctx, hit: Hit) -> Finding:
    refs = list(hit.references)
    severity = row.severity
    if row.program_clauses:
        found = program_clauses(ctx, row.program_clauses)
        if not found and ctx.program is not None and row.severity_if_no_clause:
            severity = row.severity_if_no_clause
        refs += found or row.fallback_references
    if ctx.program is None and row.severity_if_no_program:
        severity = row.severity_if_no_program
    if row.escalate and all(w.holds(ctx.facts) for w in row.escalate.when):
        severity = row.escalate.severity
    zh = {**_choice_values(ctx.facts, "zh"), **hit.values}
    en = {**_choice_values(ctx.facts, "en"), **hit.values}
    used = [w.fact for w in [*row.when, *row.when_any] if w.fact != "role"]
    facts = hit.facts or {k: ctx.facts[k] for k in used if k in ctx.facts}
    return Finding(
        id=f"{row.id}:{hit.id_suffix}" if hit.id_suffix else row.id,
        severity=severity,
        title_zh=_fill(row.title_zh, zh),
        title_en=_fill(row.title_en, en),
        references=list(dict.fromkeys(refs + row.references)),
        explanation_zh=_fill(row.explanation_zh, zh),
        explanation_en=_fill(row.explanation_en, en),
        recommendation_zh=_fill(row.advice_zh, zh),
        recommendation_en=_fill(row.advice_en, en),
        facts=facts,
    )


def check_compliance(facts: dict[str, Any]) -> list[Finding]:
    """Findings for a described voucher use, contract or voucher measure, most severe first."""
    f = _normalize(facts)
    program = get_program(f["program"]) if "program" in f else None
    on = f.get("date") or f.get("contract_signed") or today()
    programs = [program] if program else list(load_programs().values())
    ctx = Ctx(facts=f, program=program, programs=programs, on=on)
    findings: list[Finding] = []
    for row in findings_table():
        if row.logic is not None:
            hits = [h for h in LOGIC[row.logic](ctx) if h.variant == row.variant]
        else:
            hits = [Hit()] if row.fires(f) else []
        findings.extend(_finding(row, ctx, h) for h in hits)
    findings.sort(key=lambda x: _SEVERITY_ORDER[x.severity])
    return findings


def checks_performed() -> list[dict[str, str]]:
    """What the checks look at, one line per finding id (for 'no issues found' answers)."""
    seen: dict[str, str] = {}
    for row in findings_table():
        seen.setdefault(row.id, row.title_en.replace(" ({program_en})", ""))
    return [{"id": i, "description": d} for i, d in seen.items()]


__all__ = [
    "ComplianceFact",
    "FactChoice",
    "Finding",
    "FindingRule",
    "check_compliance",
    "checks_performed",
    "facts_catalogue",
    "findings_table",
]
