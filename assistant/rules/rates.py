"""The rate, and the amount before caps: base × rate (rounded), a set sum, or no amount at all.

The rate is the chosen tier's (or the version's) published value. A user may supply one as
the fact ``rate`` only where the text leaves room: where no ratio is published (Guizhou), or
below a published maximum (最高/不超过); any other user rate is an error naming the text's
rate, never silently used. A number no public text gives is never invented: without a rate
or a set sum there is no amount (``None``), and the warning says how to supply one.
"""

from __future__ import annotations

from decimal import Decimal

from assistant.rules.calculation import Step
from assistant.rules.errors import RulesInputError
from assistant.rules.model import Parameter, Program, Tier, Version
from assistant.rules.notices import Notice
from assistant.rules.rounding import apply_rate
from assistant.rules.values import percent, wan, yuan


def resolve_rate(
    program: Program, version: Version, rate_p: Parameter | None, user_rate: Decimal | None, warnings: list[Notice]
) -> Decimal | None:
    """The rate to apply: the published one, or the user's where the text allows it (noted);
    ``None`` when neither exists. Raises ``RulesInputError`` on a user rate the text rules out."""
    rate: Decimal | None = rate_p.value if rate_p and rate_p.known else None
    if user_rate is None or user_rate == rate:
        return rate  # none given, or the text's own rate said back ("按30%是4500")
    if rate is None:
        warnings.append(
            Notice(
                code="user_supplied_rate",
                en=f"The ratio {percent(user_rate)} was supplied by the user; no public text gives this program's ratio. "
                f"The amount is illustrative only.",
                zh=f"比例{percent(user_rate)}为用户提供；公开文本未载明该项目的比例，金额仅供参考。",
            )
        )
        return user_rate
    if rate_p is not None and rate_p.upper_bound and user_rate <= rate:
        warnings.append(
            Notice(
                code="user_supplied_rate",
                en=f"Rate {percent(user_rate)} supplied by the user (the text allows at most {percent(rate_p.value)}).",
                zh=f"比例{percent(user_rate)}为用户提供（文本规定最高{percent(rate_p.value)}）。",
            )
        )
        return user_rate
    assert rate_p is not None
    how = "at most" if rate_p.upper_bound else "fixed at"
    raise RulesInputError(
        "rate",
        f"{program.id} {version.id}: the rate is {how} {percent(rate_p.value)} "
        f"({rate_p.reference.label() if rate_p.reference else ''}); got {percent(user_rate)}",
    )


def amount_before_caps(
    program: Program,
    basis: Decimal,
    rate: Decimal | None,
    tier: Tier | None,
    roles: dict[str, Parameter | None],
    user_rate: Decimal | None,
    steps: list[Step],
    warnings: list[Notice],
    *,
    quiet: bool,
) -> Decimal | None:
    """base × rate rounded by the program's rule; a one-off set sum where there is no rate;
    ``None`` (with the reason) where the ratio is not published."""
    fixed_p = roles["fixed_amount"]
    if rate is None and fixed_p is not None and fixed_p.known:
        # A one-off award: the set sum, whatever the base (then the caps).
        amount: Decimal = fixed_p.value
        steps.append(
            Step(
                kind="fixed",
                numbers={"amount": amount},
                label=f"One-off award of a set sum ({wan(amount)}万元), whatever the base",
                label_zh=f"一次性定额（{wan(amount)}万元），与基数无关",
                value=yuan(amount),
                reference=fixed_p.reference,
            )
        )
        return amount
    rate_p = roles["rate"]
    if rate is None:
        _no_rate(rate_p, steps, warnings)
        return None
    _rate_step(rate, rate_p, tier, user_rate, steps, warnings, quiet=quiet)
    return apply_rate(basis, rate, program.rounding, steps)


def _no_rate(rate_p: Parameter | None, steps: list[Step], warnings: list[Notice]) -> None:
    """No published rate and none supplied: a step saying so, and a warning with the text's own
    reason and how to see an illustrative amount."""
    why = rate_p.note.en if rate_p and rate_p.note else "No public text consulted gives this program's ratio."
    why_zh = rate_p.note.zh if rate_p and rate_p.note else "所查公开文本均未载明该项目的比例。"
    steps.append(
        Step(
            kind="rate_unpublished",
            label="Rate: not published",
            label_zh="比例：未公开",
            value="unknown",
            reference=rate_p.reference if rate_p else None,
        )
    )
    warnings.append(
        Notice(
            code="rate_unpublished",
            en=f"No amount: {why} The calculator does not invent a ratio. To see an illustrative amount, "
            f"supply the ratio yourself as the fact `rate` (CLI: --set rate=0.3).",
            zh=f"无法计算金额：{why_zh}计算器不会自行假设比例。如需示意金额，请自行提供比例（事实 rate，命令行 --set rate=0.3）。",
        )
    )


def _rate_step(
    rate: Decimal,
    rate_p: Parameter | None,
    tier: Tier | None,
    user_rate: Decimal | None,
    steps: list[Step],
    warnings: list[Notice],
    *,
    quiet: bool,
) -> None:
    """The rate as a cited step (with its tier), and what the reader must know about it: that a
    published maximum makes the amount a ceiling, that the official text does not confirm it."""
    rate_ref = rate_p.reference if rate_p and rate_p.reference and user_rate is None else None
    tier_label = f" ({tier.label_en})" if tier and tier.label_en else ""
    tier_label_zh = f"（{tier.label_zh}）" if tier and tier.label_zh else ""
    steps.append(
        Step(
            kind="rate",
            numbers={"rate": rate},
            label=f"Rate{tier_label}"
            + (" — a maximum (最高/不超过)" if rate_p and rate_p.upper_bound and user_rate is None else ""),
            label_zh=f"比例{tier_label_zh}"
            + ("（上限）" if rate_p and rate_p.upper_bound and user_rate is None else ""),
            value=percent(rate),
            reference=rate_ref or (rate_p.reference if rate_p else None),
        )
    )
    if rate_p and rate_p.upper_bound and user_rate is None and not quiet:
        warnings.append(
            Notice(
                code="rate_is_maximum",
                en=f"{percent(rate)} is the maximum the text allows (最高/不超过); the rate actually granted is set on review, "
                f"so this amount is a ceiling.",
                zh=f"{percent(rate)}为文本规定的上限（最高/不超过），实际比例以评审核定为准，本金额为上限。",
            )
        )
    if rate_p and rate_p.status == "unverified" and not quiet:
        warnings.append(
            Notice(
                code=f"unverified:{rate_p.name}",
                en=f"The rate {percent(rate)} is not confirmed by the official text"
                + (f": {rate_p.note.en}" if rate_p.note else "."),
                zh=f"比例{percent(rate)}未经官方文本核实" + (f"：{rate_p.note.zh}" if rate_p.note else "。"),
            )
        )


__all__ = ["amount_before_caps", "resolve_rate"]
