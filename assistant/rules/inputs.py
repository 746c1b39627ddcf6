"""A claim's inputs, parsed and checked before any rule runs.

The calculator never turns bad input into a number: each value is parsed with the parser for
its type (``values.py``, ``facts.py``) and a bad one raises ``RulesInputError`` naming it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from assistant.rules.eligibility import today
from assistant.rules.errors import RulesInputError
from assistant.rules.facts import normalize_fact, normalize_facts
from assistant.rules.values import parse_date, parse_money


class ClaimInputs(BaseModel):
    """One claim's inputs, parsed: the base, the date, what was received this year, the facts,
    and the contract dates for programs that pro-rate."""

    base: Decimal
    on: dt.date
    claimed: Decimal
    facts: dict[str, Any]
    start: dt.date | None = None
    end: dt.date | None = None


def parse_inputs(
    amount: Any,
    on: Any,
    compute_type: Any,
    claimed_this_year: Any,
    facts: Any,
    start: Any,
    end: Any,
    *,
    base_needed: bool = True,
) -> ClaimInputs:
    """Every input parsed once, before any rule runs, so a bad value raises ``RulesInputError``
    naming its field instead of reaching a number. ``start``/``end`` may also come as facts."""
    # a set-sum award pays whatever the base: 0 (no contract yet) is a valid input there
    base = parse_money(amount, "amount", allow_zero=not base_needed)
    claimed = parse_money(
        claimed_this_year if claimed_this_year not in (None, "") else 0, "claimed_this_year", allow_zero=True
    )
    facts = normalize_facts(dict(facts or {}))
    if compute_type not in (None, ""):
        facts["compute_type"] = normalize_fact("compute_type", compute_type)
    day = parse_date(on, "date") if on not in (None, "") else today()
    start_d = parse_date(start, "start") if start not in (None, "") else facts.pop("start", None)
    end_d = parse_date(end, "end") if end not in (None, "") else facts.pop("end", None)
    if isinstance(start_d, str):
        start_d = parse_date(start_d, "start")
    if isinstance(end_d, str):
        end_d = parse_date(end_d, "end")
    if start_d and end_d and end_d <= start_d:
        raise RulesInputError(
            "end", f"the end date {end_d.isoformat()} must be after the start date {start_d.isoformat()}"
        )
    if (start_d is None) != (end_d is None):
        missing = "end" if end_d is None else "start"
        raise RulesInputError(missing, "give both the start and the end date of the contract, or neither")
    return ClaimInputs(base=base, on=day, claimed=claimed, facts=facts, start=start_d, end=end_d)


__all__ = ["ClaimInputs", "parse_inputs"]
