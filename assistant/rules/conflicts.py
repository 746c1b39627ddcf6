"""Conflict warnings: what another reading of the rules would give, with its amount.

Two things can make the chosen figure one answer among several: a tier that would apply if a
fact not given were known (a start-up's higher rate), and another version of the text in force
on the same date or declared as its alternative (a reported draft beside the official text).
The calculator never picks one silently: each is computed and reported here as a notice with
its figures in ``data``, so the answer can state them without reading numbers out of words.
"""

from __future__ import annotations

from assistant.rules.calculation import Calculation
from assistant.rules.model import Tier, Version
from assistant.rules.notices import Notice
from assistant.rules.values import percent, plain, yuan


def tier_not_applied_notice(tier: Tier, missing: list[str], alt: Calculation) -> Notice:
    """``tier`` was not applied because ``missing`` facts were not given; ``alt`` is the claim
    computed as if it applied."""
    assert alt.amount is not None
    return Notice(
        code=f"tier_not_applied:{tier.id}",
        data={
            "tier": tier.id,
            "missing": ",".join(missing),
            "rate": plain(alt.rate) if alt.rate is not None else "",
            "amount": yuan(alt.amount),
        },
        en=f"Not applied because {', '.join(missing)} was not given: if {tier.label_en or tier.id}, the rate is "
        f"{percent(alt.rate)} and the amount {yuan(alt.amount)} yuan ({alt.amount_wan}万元).",
        zh=f"因未提供{'、'.join(missing)}而未适用：若{tier.label_zh or tier.id}，比例为{percent(alt.rate)}，"
        f"金额{yuan(alt.amount)}元（{alt.amount_wan}万元）。",
    )


def alternative_notice(alt: Version, alt_calc: Calculation) -> Notice:
    """The claim under another version ``alt`` (``alt_calc``): its status, source, dates, rate
    and amount."""
    amount_en = (
        f"{yuan(alt_calc.amount)} yuan ({alt_calc.amount_wan}万元)" if alt_calc.amount is not None else "no amount"
    )
    amount_zh = f"{yuan(alt_calc.amount)}元（{alt_calc.amount_wan}万元）" if alt_calc.amount is not None else "无法计算"
    rate = f"rate {percent(alt_calc.rate)}" if alt_calc.rate is not None else "rate unknown"
    span = f"{alt.effective_from.isoformat()}" + (
        f" to {alt.effective_to.isoformat()}" if alt.effective_to else " onward"
    )
    return Notice(
        code=f"alternative:{alt.id}",
        data={
            "version": alt.id,
            "status": alt.status,
            "rate": plain(alt_calc.rate) if alt_calc.rate is not None else "",
            "amount": yuan(alt_calc.amount) if alt_calc.amount is not None else "",
        },
        en=f"Alternative version {alt.id} — {alt.label_en or alt.id} ({alt.status}, {alt.corpus_doc}, {span}): "
        f"{rate} gives {amount_en}.",
        zh=f"另一版本{alt.id}——{alt.label_zh or alt.id}（{alt.status}，{alt.corpus_doc}，{span}）：比例"
        f"{percent(alt_calc.rate) if alt_calc.rate is not None else '未知'}，金额{amount_zh}。",
    )


__all__ = ["alternative_notice", "tier_not_applied_notice"]
