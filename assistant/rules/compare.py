"""Compare every program for one enterprise profile: eligibility and amount, ranked.

Ranking: eligible programs first, then undetermined, then not eligible; within a group the
larger amount first; programs whose amount cannot be computed (unpublished ratio) after those
with an amount.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from assistant.rules.calculator import Calculation, calculate
from assistant.rules.eligibility import Eligibility, check_eligibility, profile_date
from assistant.rules.errors import RulesInputError
from assistant.rules.model import identity_json
from assistant.rules.values import parse_money, wan, yuan

_STATUS_ORDER = {"eligible": 0, "undetermined": 1, "not_eligible": 2}


class ComparisonRow(BaseModel):
    """One program in a comparison: its status, amount (if any) and why, with the full
    eligibility and calculation behind them."""

    rank: int = 0
    program: str
    voucher: str = "compute"
    scheme: str = "compute"
    program_name: str
    program_name_en: str = ""
    status: str
    version: str
    amount: Decimal | None = None
    capped_by: str | None = None
    reason: str = ""  # why no amount, or the failed conditions
    reason_zh: str = ""
    missing: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    eligibility: Eligibility
    calculation: Calculation | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "program": self.program,
            "voucher": self.voucher,
            "scheme": self.scheme,
            "program_name": self.program_name,
            "program_name_en": self.program_name_en,
            "status": self.status,
            "version": self.version,
            "amount": yuan(self.amount) if self.amount is not None else None,
            "amount_wan": wan(self.amount) if self.amount is not None else None,
            "capped_by": self.capped_by,
            "reason": self.reason,
            "reason_zh": self.reason_zh,
            "missing": self.missing,
            "warnings": self.warnings,
        }


class Comparison(BaseModel):
    """Every program compared for one profile on one date and base, ranked."""

    date: dt.date
    base: Decimal
    rows: list[ComparisonRow]

    def as_json(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "base": yuan(self.base), "rows": [r.as_json() for r in self.rows]}


def _outside(eligibility: Any) -> bool:
    """The applicant is registered outside a program whose text is silent on outside applicants."""
    return eligibility is not None and any(w.code == "outside_applicant_unaddressed" for w in eligibility.warnings)


def compare(
    profile: dict[str, Any],
    amount: Any = None,
    on: Any = None,
    compute_type: Any = None,
    claimed_this_year: Any = None,
    programs: list[str] | None = None,
    voucher: Any = None,
) -> Comparison:
    """Every program's eligibility and amount for ``profile`` (a dict of facts).

    ``voucher`` compares every scheme of that type (模型券 across regions); default compute.

    ``amount`` (or ``profile['amount']``) is the base in yuan; ``on`` defaults to
    ``profile['date']`` or today.
    """
    if not isinstance(profile, dict):
        raise RulesInputError("profile", "expected a mapping of facts")
    profile = dict(profile)
    if on is not None:
        profile["date"] = on
    if compute_type is not None:
        profile["compute_type"] = compute_type
    base_value = amount if amount is not None else profile.get("amount")
    if base_value is None:
        raise RulesInputError("amount", "give the amount (contract, settlement or rent, in yuan) to compare programs")
    base = parse_money(base_value, "amount")
    claimed = claimed_this_year if claimed_this_year is not None else profile.get("claimed_this_year", "0")
    day = profile_date(profile)
    eligibilities = check_eligibility(profile, voucher=voucher)
    if programs:
        eligibilities = [e for e in eligibilities if e.program in programs]
    facts = {k: v for k, v in profile.items() if k not in {"date", "on", "amount", "claimed_this_year", "program"}}
    rows = [_row(e, base, day, claimed, facts) for e in eligibilities]
    _rank(rows)
    return Comparison(date=day, base=base, rows=rows)


def _row(e: Eligibility, base: Decimal, day: dt.date, claimed: Any, facts: dict[str, Any]) -> ComparisonRow:
    """One program's row: why not, for a program the facts exclude; otherwise its amount, and
    for an undetermined one what is still needed before the amount holds."""
    row = ComparisonRow(
        **identity_json(e),
        status=e.status,
        version=e.version,
        eligibility=e,
        missing=[m.fact for m in e.missing],
    )
    if e.status == "not_eligible":
        row.reason = "; ".join(r.reason_en for r in e.failed)
        row.reason_zh = "；".join(r.reason_zh for r in e.failed)
        return row
    calc = calculate(e.program, base, on=day, claimed_this_year=claimed, facts=facts, scheme=e.scheme)
    row.calculation = calc
    row.amount = calc.amount
    row.capped_by = calc.capped_by
    row.warnings = calc.warning_texts()
    if calc.amount is None:
        row.reason = "No amount: the ratio is not published."
        row.reason_zh = "无法计算：比例未公开。"
    elif e.status == "undetermined":
        needs_en = ["still needed: " + ", ".join(row.missing)] if row.missing else []
        needs_zh = ["尚需：" + "、".join(row.missing)] if row.missing else []
        if _outside(e):
            needs_en.append("the text does not say whether firms registered elsewhere may apply")
            needs_zh.append("公开文本未说明外地注册企业能否申请")
        row.reason = "Amount if eligible; " + "; ".join(needs_en)
        row.reason_zh = "如符合条件可得；" + "；".join(needs_zh)
    return row


def _rank(rows: list[ComparisonRow]) -> None:
    """Sort ``rows`` in place and number them (see the module docstring for the order)."""
    # Programs of the applicant's own region come before those whose text is silent on
    # outside applicants, whatever the amounts: a bigger figure elsewhere is not an offer.
    rows.sort(
        key=lambda r: (
            _STATUS_ORDER[r.status],
            _outside(r.eligibility),
            r.amount is None,
            -(r.amount or Decimal(0)),
            r.program,
        )
    )
    for i, r in enumerate(rows, 1):
        r.rank = i
