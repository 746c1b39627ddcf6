"""The part of the compliance checks that is real logic, not a table row.

The findings themselves (severity, references, texts) are data in ``compliance_findings.yaml``;
a row with ``logic: NAME`` asks one of the functions below whether it fires, which variant's
text to use, which program clauses to cite and which values fill the text. Only what needs code
lives here: which line items are not compute (and Langfang counting storage), a contract's date
or term against the version of each program in force, and a registration outside a program
that requires local registration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from assistant.rules.conditions import evaluate_conditions
from assistant.rules.model import Program, Reference
from assistant.rules.versions import select_version

NON_COMPUTE = ("storage", "network", "security", "other")
_ITEM_ZH = {"storage": "存储", "network": "网络", "security": "安全", "other": "其他非算力服务"}


class Ctx(BaseModel):
    """The facts of one check and the program(s) they are checked against."""

    facts: dict[str, Any]
    program: Program | None
    programs: list[Program]
    on: dt.date


class Hit(BaseModel):
    """One firing of a logic finding."""

    variant: str = "default"
    id_suffix: str = ""  # appended as ``id:suffix`` (one finding per program)
    references: list[Reference] = Field(default_factory=list)  # cited before the row's own
    values: dict[str, str] = Field(default_factory=dict)  # fill the row's text
    facts: dict[str, Any] = Field(default_factory=dict)


def program_clauses(ctx: Ctx, fact: str) -> list[Reference]:
    """Clauses of the programs in play whose (required) conditions need ``fact``, one each."""
    refs: list[Reference] = []
    for p in ctx.programs:
        version, _, _ = select_version(p, ctx.on)
        for c in p.conditions_for(version):
            if c.fact == fact and c.effect == "require":
                refs.append(c.reference)
                break
    return list(dict.fromkeys(refs))


def non_compute_items(ctx: Ctx) -> list[Hit]:
    items = list(ctx.facts.get("line_items") or [])
    extra = [i for i in items if i in NON_COMPUTE]
    if not extra:
        return []
    variant = "langfang" if ctx.program is not None and ctx.program.id == "langfang" else "default"
    return [
        Hit(
            variant=variant,
            values={"items_zh": "、".join(_ITEM_ZH.get(i, i) for i in extra), "items_en": ", ".join(extra)},
            facts={"line_items": items},
        )
    ]


def _window(ctx: Ctx, fact: str) -> list[Hit]:
    """A contract's signing date or term checked against each program's version in force."""
    if fact not in ctx.facts:
        return []
    hits: list[Hit] = []
    for p in ctx.programs:
        version, _, _ = select_version(p, ctx.on)
        for r in evaluate_conditions(p, version, {fact: ctx.facts[fact]}):
            if r.fact != fact or r.status != "failed" or r.effect != "require":
                continue
            value = r.value.isoformat() if isinstance(r.value, dt.date) else str(r.value)
            hits.append(
                Hit(
                    id_suffix=p.id,
                    references=[r.reference],
                    values={
                        "program_zh": p.name,
                        "program_en": p.name_en or p.id,
                        "requirement_zh": r.requirement_zh,
                        "requirement_en": r.requirement_en,
                        "value": value,
                    },
                    facts={fact: ctx.facts[fact]},
                )
            )
    return hits


def window_date(ctx: Ctx) -> list[Hit]:
    return _window(ctx, "contract_signed")


def window_term(ctx: Ctx) -> list[Hit]:
    return _window(ctx, "contract_term_months")


def registration_outside(ctx: Ctx) -> list[Hit]:
    """A user registered outside a program that requires local registration: the tension with
    the unified-market rules is explained (an issuer's own measure is the issuer rows' business)."""
    if ctx.program is None or "registered_in" not in ctx.facts or ctx.facts.get("role") == "issuer":
        return []
    version, _, _ = select_version(ctx.program, ctx.on)
    return [
        Hit(
            references=[r.reference],
            values={
                "program_zh": ctx.program.name,
                "program_en": ctx.program.name_en or ctx.program.id,
                "requirement_zh": r.requirement_zh,
                "requirement_en": r.requirement_en,
            },
            facts={"registered_in": ctx.facts["registered_in"]},
        )
        for r in evaluate_conditions(ctx.program, version, {"registered_in": ctx.facts["registered_in"]})
        if r.fact == "registered_in" and r.status == "failed" and r.effect == "require"
    ]


LOGIC: dict[str, Callable[[Ctx], list[Hit]]] = {
    "non_compute_items": non_compute_items,
    "window_date": window_date,
    "window_term": window_term,
    "registration_outside": registration_outside,
}
