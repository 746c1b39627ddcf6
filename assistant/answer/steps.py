"""Calculation steps in words, from the calculator's structured steps (kind + exact numbers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from assistant.answer.evidence import AskContext, Search, cite_ref
from assistant.answer.format import money, percent
from assistant.answer.messages import say

_CAPS = ("per_claim_cap", "annual_cap", "cumulative_cap")


def _n(step: dict[str, Any], name: str) -> Decimal:
    return Decimal(step["numbers"][name])


def step_line(ctx: AskContext, step: dict[str, Any], calc: dict[str, Any], base_label: str) -> str:
    """One step as users read it; "" for steps that add nothing (the version, an exact rounding)."""
    lang, kind = ctx.lang, step.get("kind")
    if kind == "base":
        if any(s.get("kind") == "fixed" for s in calc["steps"]):
            return ""  # a set sum: the base plays no part
        return say(lang, "steps.base", label=base_label, base=money(_n(step, "base"), lang))
    if kind == "fixed":
        return say(lang, "steps.fixed", amount=money(_n(step, "amount"), lang))
    if kind == "period_days":
        return say(lang, "steps.period_days", days=step["numbers"]["days"])
    if kind == "contract_days":
        return say(lang, "steps.contract_days", days=step["numbers"]["days"])
    if kind == "prorated_base":
        n = step["numbers"]
        return say(
            lang,
            "steps.prorated",
            period=n["period_days"],
            total=n["contract_days"],
            base=money(_n(step, "base"), lang),
        )
    if kind == "rate":
        tier = calc.get("tier")
        return say(
            lang, "steps.rate", rate=percent(_n(step, "rate")), tier=f" ({tier})" if tier and lang == "en" else ""
        )
    if kind == "rate_unpublished":
        return say(lang, "steps.rate_unpublished")
    if kind in ("product", "rounding") and calc.get("capped_by") in _CAPS:
        # a cap binds: the uncapped product is no amount anyone gets, so it is not shown as one
        if kind == "rounding":
            return ""
        return say(lang, "steps.product_over_cap", base=money(_n(step, "base"), lang), rate=percent(_n(step, "rate")))
    if kind == "product":
        product = _n(step, "product")
        shown = (
            money(product, lang)
            if product == product.to_integral_value()
            else say(lang, "steps.exact_yuan", value=format(product.normalize(), "f"))
        )
        return f"{money(_n(step, 'base'), lang)} × {percent(_n(step, 'rate'))} = {shown}"
    if kind == "rounding":
        if _n(step, "before") == _n(step, "after"):
            return ""
        return say(lang, "steps.rounding", rule=calc.get("rounding", ""), amount=money(_n(step, "after"), lang))
    if kind == "cap":
        cap, received, remaining = _n(step, "cap"), _n(step, "received"), _n(step, "remaining")
        label = say(lang, f"rules.role.{step.get('role')}")
        if received:
            return say(
                lang,
                "steps.cap_net",
                label=label,
                cap=money(cap, lang),
                received=money(received, lang),
                remaining=money(remaining, lang),
            )
        return say(lang, "steps.cap", label=label, cap=money(cap, lang))
    if kind == "capped":
        return say(
            lang,
            "steps.capped",
            label=say(lang, f"rules.role.{step.get('role')}"),
            amount=money(_n(step, "amount"), lang),
        )
    if kind == "minimum":
        return say(lang, "steps.minimum", minimum=money(_n(step, "minimum"), lang))
    if kind == "result":
        return say(lang, "steps.result", amount=money(_n(step, "amount"), lang))
    return ""  # version (said in the conclusion), not_eligible (said in the conclusion)


def add_steps(ctx: AskContext, calc: dict[str, Any], found: Search, base_label: str, prefix: str = "") -> None:
    for st in calc.get("steps", []):
        line = step_line(ctx, st, calc, base_label)
        if not line:
            continue
        ref = st.get("reference")
        mark = cite_ref(ctx, found, ref, [st.get("value", "")[:4]]) if ref else ""
        ctx.draft.steps.append(prefix + line + mark)


def cap_note(ctx: AskContext, calc: dict[str, Any]) -> str:
    """Which cap or minimum limited the amount, with its figure (and what was already received)."""
    lang, role = ctx.lang, calc.get("capped_by")
    if not role:
        return ""
    if role == "min_claim":
        step = next((s for s in calc["steps"] if s.get("kind") == "minimum"), None)
        minimum = money(step["numbers"]["minimum"], lang) if step else ""
        return say(lang, "calc.below_minimum", minimum=minimum)
    step = next((s for s in calc["steps"] if s.get("kind") == "cap" and s.get("role") == role), None)
    if step is None:
        return say(lang, "calc.capped", label=say(lang, f"rules.role.{role}"), cap="", received="")
    n = step["numbers"]
    received = say(lang, "calc.net_of", received=money(n["received"], lang)) if Decimal(n["received"]) else ""
    return say(lang, "calc.capped", label=say(lang, f"rules.role.{role}"), cap=money(n["cap"], lang), received=received)


__all__ = ["add_steps", "cap_note", "step_line"]
