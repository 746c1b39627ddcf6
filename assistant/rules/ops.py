"""The comparison operators conditions use, shared by eligibility and the compliance findings
table, so "is_false" or "within_region" mean one thing wherever a rule is written as data."""

from __future__ import annotations

from typing import Any, Literal

from assistant.rules.regions import within

Op = Literal[
    "equals",
    "not_equals",
    "in",
    "not_in",
    "is_true",
    "is_false",
    "on_or_after",
    "on_or_before",
    "at_most",
    "at_least",
    "within_region",
    "covers_compute",
]


def holds(op: str, value: Any, target: Any) -> bool:
    """Whether ``value`` (a known fact) passes ``op`` against ``target``."""
    if op == "equals":
        return bool(value == target)
    if op == "not_equals":
        return bool(value != target)
    if op == "in":
        return value in target
    if op == "not_in":
        return value not in target
    if op == "is_true":
        return value is True
    if op == "is_false":
        return value is False
    if op in ("on_or_after", "at_least"):
        return bool(value >= target)
    if op in ("on_or_before", "at_most"):
        return bool(value <= target)
    if op == "within_region":
        targets = target if isinstance(target, list) else [target]
        return any(within(value, t) for t in targets)
    if op == "covers_compute":  # some line item is not in the excluded list
        excluded = set(target or [])
        return any(i not in excluded for i in list(value))
    raise ValueError(f"unknown operator {op!r}")
