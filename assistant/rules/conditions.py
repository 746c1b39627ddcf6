"""Conditions: whether one program condition holds for the facts given, with the reason in words.

A condition needs one fact; a fact not given makes the condition ``missing`` (to be asked),
never ``failed``, so an enterprise is never turned away for what it has not yet said. Both
eligibility (every condition) and the calculator (only those the given facts decide) use this.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel

from assistant.rules.model import Condition, Program, Reference, Version
from assistant.rules.ops import holds


class ConditionResult(BaseModel):
    """One condition checked: met, failed or missing, with the value seen, the reason in both
    languages and the clause it comes from (every reason an answer gives is cited)."""

    condition: str
    fact: str
    status: Literal["met", "failed", "missing"]
    effect: Literal["require", "warn"]
    value: Any = None
    requirement_zh: str
    requirement_en: str
    reason_zh: str
    reason_en: str
    reference: Reference
    confidence: str | None = None

    def as_json(self) -> dict[str, Any]:
        d = self.model_dump(mode="json")
        return d


class MissingFact(BaseModel):
    """A fact a required condition still needs, with the question to ask for it."""

    fact: str
    question_zh: str
    question_en: str
    condition: str
    reference: Reference


def show_value(value: Any) -> str:
    """A fact's value as the reasons print it (yes/no, ISO dates, comma lists)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "(none)"
    return str(value)


def _param_value(version: Version, cond: Condition) -> Any:
    """What the fact is compared with: the version's parameter when the condition names one
    (a date window, a term limit), else the condition's own literal."""
    if cond.param:
        p = version.param(cond.param)
        return p.value if p else None
    return cond.value


def evaluate_condition(cond: Condition, version: Version, facts: dict[str, Any]) -> ConditionResult:
    """``cond`` against the facts under ``version``; a ``covers_compute`` condition that holds
    also says which line items must be left out of the amount."""
    value = facts.get(cond.fact)
    extra_en = extra_zh = ""
    if value is None:
        status = "missing"
    else:
        target = _param_value(version, cond)
        op = cond.op
        ok = holds(op, value, target)
        if op == "covers_compute":
            left_out = [i for i in list(value) if i in set(target or [])]
            if ok and left_out:
                extra_en = f"; leave {', '.join(left_out)} out of the amount, it is not covered"
                extra_zh = f"；{'、'.join(left_out)}不在支持范围内，应从金额中扣除"
        status = "met" if ok else "failed"
    shown = show_value(value) if value is not None else "?"
    if status == "met":
        reason_en = f"Met: {cond.label_en} ({cond.fact} = {shown}){extra_en}"
        reason_zh = f"符合：{cond.label_zh}（{cond.fact} = {shown}）{extra_zh}"
    elif status == "failed":
        reason_en = f"Not met: {cond.label_en} ({cond.fact} = {shown})"
        reason_zh = f"不符合：{cond.label_zh}（{cond.fact} = {shown}）"
    else:
        reason_en = f"Unknown: {cond.label_en} — {cond.question_en}"
        reason_zh = f"未知：{cond.label_zh}——{cond.question_zh}"
    return ConditionResult(
        condition=cond.id,
        fact=cond.fact,
        status=status,
        effect=cond.effect,
        value=value,
        requirement_zh=cond.label_zh,
        requirement_en=cond.label_en,
        reason_zh=reason_zh,
        reason_en=reason_en,
        reference=cond.reference,
        confidence=cond.confidence,
    )


def evaluate_conditions(program: Program, version: Version, facts: dict[str, Any]) -> list[ConditionResult]:
    """Every condition of ``program`` under ``version`` (the version's own replace the program's
    of the same id), in order."""
    return [evaluate_condition(c, version, facts) for c in program.conditions_for(version)]


__all__ = ["ConditionResult", "MissingFact", "evaluate_condition", "evaluate_conditions", "show_value"]
