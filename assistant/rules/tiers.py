"""Tiers: which of a version's special rates (domestic compute, start-ups, SMEs ...) applies.

A tier's ``when`` lists the facts it needs; the first tier whose facts all match wins (like
Catala's exceptions over a default rule) and swaps the parameters behind some roles (``use``).
A tier whose fact is not given neither applies nor is ruled out: the calculator then shows
what it would give (``conflicts.tier_not_applied_notice``) rather than pick it silently.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from assistant.rules.model import ROLES, Parameter, Tier, Version
from assistant.rules.notices import Notice


def tier_match(tier: Tier, version: Version, facts: dict[str, Any], base: Decimal) -> tuple[bool | None, list[Notice]]:
    """True / False, or None when a fact it needs is missing.

    A fact compared with a parameter (``{at_most: PARAM}``) may fall back to the base
    (``fallback: base``: this claim taken as the year's only one); that assumption is returned
    as a notice, to be reported only if the tier is used.
    """
    notes: list[Notice] = []
    unknown = False
    for fact, spec in tier.when.items():
        value = facts.get(fact)
        if isinstance(spec, dict):
            if value is None and spec.get("fallback") == "base":
                value = base
                notes.append(
                    Notice(
                        code=f"assumed:{fact}",
                        en=f"{fact} not given: assumed this amount is the only one declared this year.",
                        zh=f"未提供{fact}：假定本次金额为本年度唯一申报金额。",
                    )
                )
            if value is None:
                unknown = True
                continue
            for op, pname in spec.items():
                if op == "fallback":
                    continue
                limit = version.parameters[pname].value
                if op == "at_most" and not value <= limit:
                    return False, []
                if op == "at_least" and not value >= limit:
                    return False, []
        else:
            if value is None:
                unknown = True
                continue
            if value != spec:
                return False, []
    return (None if unknown else True), notes


def choose_tier(
    version: Version, facts: dict[str, Any], base: Decimal, forced: Tier | None = None
) -> tuple[Tier | None, list[Notice]]:
    """The first tier the facts match, with the assumptions it rests on; ``forced`` (a tier
    shown for a missing fact) is taken as given, with no assumptions."""
    if forced is not None:
        return forced, []
    for t in version.tiers:
        match, notes = tier_match(t, version, facts, base)
        if match:
            return t, notes
    return None, []


def param_roles(version: Version, tier: Tier | None) -> dict[str, Parameter | None]:
    """The parameter behind each role (rate, caps, minimum, fixed sum) under ``tier``: the
    version's own, with the tier's swaps applied."""
    roles = {r: version.param(r) for r in ROLES}
    if tier:
        for role, pname in tier.use.items():
            roles[role] = version.parameters[pname]
    return roles


__all__ = ["choose_tier", "param_roles", "tier_match"]
