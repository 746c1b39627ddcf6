"""Rounding: base × rate, then the program's own rounding rule, each as a cited step.

Each program's YAML states its rule (``rounding:``). The default is yuan to the fen, truncated
(ROUND_DOWN), so an amount never exceeds rate × base; Nanning truncates to 4 decimals of 万元
as its official worked example does, and rounds its pro-rated base the same way
(``basis_too``). Rounding happens once, before the caps, so a cap is never rounded.
"""

from __future__ import annotations

from decimal import Decimal

from assistant.rules.calculation import Step
from assistant.rules.model import Rounding
from assistant.rules.values import plain, quantize, wan, yuan


def round_to_rule(rule: Rounding, amount: Decimal) -> Decimal:
    """``amount`` (yuan) rounded as ``rule`` says (unit, decimals, mode); still in yuan."""
    return quantize(amount, rule.unit, rule.places, rule.mode)


def apply_rate(basis: Decimal, rate: Decimal, rule: Rounding, steps: list[Step]) -> Decimal:
    """The amount before caps: ``basis × rate`` exactly, then rounded; both recorded as steps
    so the unrounded product stays visible next to the rounded amount."""
    raw = basis * rate
    steps.append(
        Step(
            kind="product",
            numbers={"base": basis, "rate": rate, "product": raw},
            label=f"Base × rate = {yuan(basis)} × {plain(rate)}",
            label_zh="基数 × 比例",
            value=plain(raw),
        )
    )
    amount = round_to_rule(rule, raw)
    steps.append(
        Step(
            kind="rounding",
            numbers={"before": raw, "after": amount},
            label=f"Rounding: {rule.describe()}",
            label_zh="取整规则："
            + ("截断（不四舍五入）" if rule.mode == "ROUND_DOWN" else "四舍五入")
            + f"，保留{'万元' if rule.unit == 'wan' else '元'}{rule.places}位小数",
            value=f"{yuan(amount)} ({wan(amount)}万元)",
            reference=rule.reference,
        )
    )
    return amount


__all__ = ["apply_rate", "round_to_rule"]
