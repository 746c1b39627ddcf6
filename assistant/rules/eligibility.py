"""Eligibility: which program conditions an enterprise meets, fails, or has not told us.

Every condition lives in the program YAML with the fact it needs, its clause reference and
a question in Chinese and English. ``check_eligibility`` returns, per program, a status
(``eligible`` | ``not_eligible`` | ``undetermined``), the reason for each condition met or
failed (cited), and the missing facts with the questions to ask for them.

A profile is a dict of facts (the names the chat's slot extractor fills), plus ``date``. The
facts, their meanings and how their values are read are listed in ``facts.py`` (``FACTS``);
conditions are checked in ``conditions.py``, the version in force is chosen in ``versions.py``.

"Today" lives here (``today()``, pinned through ``TODAY_OVERRIDE``): the evaluation pins it on
this module for cases written for a given date, and every default date reads it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.rules.conditions import ConditionResult, MissingFact, evaluate_conditions, show_value
from assistant.rules.errors import RulesInputError
from assistant.rules.facts import normalize_facts
from assistant.rules.loader import load_programs
from assistant.rules.model import Program, Version, identity_json
from assistant.rules.notices import Notice
from assistant.rules.values import parse_date
from assistant.rules.versions import select_version

TODAY_OVERRIDE: dt.date | None = None  # tests may pin "today"

Status = Literal["eligible", "not_eligible", "undetermined"]


def today() -> dt.date:
    """The date rules are taken at when none is given: the pinned day, else the real one."""
    return TODAY_OVERRIDE or dt.date.today()


class Eligibility(BaseModel):
    """One program's verdict for one profile: status, cited reasons, the facts still needed."""

    program: str
    voucher: str = "compute"  # the scheme's voucher type
    scheme: str = "compute"  # the scheme id within the program file
    program_name: str
    program_name_en: str = ""
    version: str
    date: dt.date
    status: Status
    reasons: list[ConditionResult] = Field(default_factory=list)
    missing: list[MissingFact] = Field(default_factory=list)
    warnings: list[Notice] = Field(default_factory=list)

    @property
    def failed(self) -> list[ConditionResult]:
        return [r for r in self.reasons if r.status == "failed" and r.effect == "require"]

    def as_json(self) -> dict[str, Any]:
        return {
            **identity_json(self),
            "version": self.version,
            "date": self.date.isoformat(),
            "status": self.status,
            "reasons": [
                {
                    "condition": r.condition,
                    "fact": r.fact,
                    "status": r.status,
                    "effect": r.effect,
                    "value": show_value(r.value) if r.value is not None else None,
                    "reason_en": r.reason_en,
                    "reason_zh": r.reason_zh,
                    "reference": r.reference.model_dump(),
                    "confidence": r.confidence,
                }
                for r in self.reasons
            ],
            "missing": [m.model_dump() for m in self.missing],
            "warnings": [w.en for w in self.warnings],
            "warnings_zh": [w.zh for w in self.warnings],
        }


def profile_date(profile: dict[str, Any]) -> dt.date:
    """The date a profile asks about (``date`` or ``on``), else today."""
    value = profile.get("date") or profile.get("on")
    return parse_date(value, "date") if value else today()


def _facts_from_profile(profile: dict[str, Any]) -> dict[str, Any]:
    """The profile's facts: its dates, amounts and program id are inputs, not facts."""
    skip = {"date", "on", "amount", "claimed_this_year", "start", "end", "program"}
    return normalize_facts({k: v for k, v in profile.items() if k not in skip})


def eligibility_for(program: Program, facts: dict[str, Any], on: dt.date) -> Eligibility:
    """``program``'s verdict on ``on`` for parsed ``facts``: the version in force, each
    condition checked, then the status and every warning, in a fixed order (version notices,
    per-condition caveats, then the program-wide ones)."""
    version, _others, notices = select_version(program, on)
    results = evaluate_conditions(program, version, facts)
    missing, caveats = _missing_and_caveats(program, version, results)
    status = _status(results, missing)
    outside = _registered_outside(program, version, facts)
    if outside and status == "eligible":
        status = "undetermined"
    warnings = list(notices) + caveats + _program_notices(program, version, outside)
    return Eligibility(
        **program.identity(),
        version=version.id,
        date=on,
        status=status,
        reasons=results,
        missing=list(missing.values()),
        warnings=warnings,
    )


def _missing_and_caveats(
    program: Program, version: Version, results: list[ConditionResult]
) -> tuple[dict[str, MissingFact], list[Notice]]:
    """The facts required conditions still need (one question per fact, the first condition's),
    and, in condition order, the caveats: a failed ``warn`` condition, a met condition the
    official text does not confirm (SA, U)."""
    missing: dict[str, MissingFact] = {}
    warnings: list[Notice] = []
    for r in results:
        if r.status == "missing" and r.effect == "require" and r.fact not in missing:
            cond = next(c for c in program.conditions_for(version) if c.id == r.condition)
            missing[r.fact] = MissingFact(
                fact=r.fact,
                question_zh=cond.question_zh,
                question_en=cond.question_en,
                condition=cond.id,
                reference=cond.reference,
            )
        if r.status == "failed" and r.effect == "warn":
            warnings.append(Notice(code=f"caveat:{r.condition}", en=r.reason_en, zh=r.reason_zh))
        if r.status == "met" and r.confidence in ("SA", "U"):
            warnings.append(
                Notice(
                    code=f"unverified:{r.condition}",
                    en=f"The condition '{r.requirement_en}' is not confirmed by the official text ({r.confidence}).",
                    zh=f"条件“{r.requirement_zh}”未经官方文本核实（{r.confidence}）。",
                )
            )
    return missing, warnings


def _status(results: list[ConditionResult], missing: dict[str, MissingFact]) -> Status:
    """A failed required condition excludes; otherwise a missing fact leaves it open."""
    if any(r.status == "failed" and r.effect == "require" for r in results):
        return "not_eligible"
    if missing:
        return "undetermined"
    return "eligible"


def _program_notices(program: Program, version: Version, outside: str | None) -> list[Notice]:
    """What holds whatever the conditions say: an applicant registered outside a program that
    is silent on them, conditions only partly published, a version that is not official."""
    warnings: list[Notice] = []
    if outside:
        warnings.append(
            Notice(
                code="outside_applicant_unaddressed",
                en=f"You are registered in {outside}, outside {program.region_name or program.region}; the published "
                "text does not say whether firms registered elsewhere may apply. Ask the issuer before relying on it.",
                zh=f"贵单位注册地（{outside}）不在{program.region_name or program.region}；公开文本未说明外地注册企业能否申请，"
                "请先向主管部门确认。",
            )
        )
    if program.conditions_published == "partial":
        warnings.append(
            Notice(
                code="conditions_incomplete",
                en="Only the conditions visible in public copies are checked; the full application conditions are not "
                "published (未见公开), so 'eligible' means no known condition excludes you. Confirm with the issuer.",
                zh="只核对了公开资料中可见的条件；完整申请条件未见公开，“符合”仅表示没有已知条件排除贵单位，请向主管部门确认。",
            )
        )
    if version.status != "official":
        warnings.append(
            Notice(
                code="version_status",
                en=f"The applicable version ({version.id}) is {version.status} (confidence {version.confidence}), not a confirmed official text.",
                zh=f"适用版本（{version.id}）为{version.status}，可信度{version.confidence}，并非已核实的官方文本。",
            )
        )
    return warnings


def _registered_outside(program: Program, version: Any, facts: dict[str, Any]) -> str | None:
    """The applicant's registration region when it lies outside a local program that has no
    published rule on where applicants must be registered (and does not say it is open)."""
    from assistant.rules.regions import within

    registered = facts.get("registered_in")
    if not registered or program.open_to_outside_applicants or program.region in ("national", ""):
        return None
    if any(c.fact == "registered_in" for c in program.conditions_for(version)):
        return None  # the program's own condition decides
    if within(str(registered), program.region) or within(program.region, str(registered)):
        return None  # inside, or known only at a wider level ("北京的企业" for Shijingshan): not outside
    return str(registered)


def check_eligibility(
    profile: dict[str, Any], program_id: str | None = None, voucher: Any = None, scheme: Any = None
) -> list[Eligibility]:
    """Eligibility of one enterprise profile for one program (``program_id``) or for all.

    ``voucher`` (model, 语料券, ...) or ``scheme`` picks that scheme of the program; without a
    program, ``voucher`` checks every scheme of that type (default: every compute voucher).
    """
    from assistant.rules.schemes import all_schemes, get_scheme, normalize_voucher

    if not isinstance(profile, dict):
        raise RulesInputError("profile", "expected a mapping of facts")
    on = profile_date(profile)
    facts = _facts_from_profile(profile)
    if program_id:
        programs = [get_scheme(program_id, voucher, scheme)]
    elif voucher not in (None, ""):
        kind = normalize_voucher(voucher)
        programs = [s for s in all_schemes() if s.voucher == kind]
    else:
        programs = list(load_programs().values())
    return [eligibility_for(p, facts, on) for p in programs]


__all__ = ["Eligibility", "TODAY_OVERRIDE", "check_eligibility", "eligibility_for", "profile_date", "today"]
