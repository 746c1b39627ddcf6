"""The base, pro-rated by day count where a program does so (Nanning's base period).

Only the days of the contract inside the program's base period count: base × days inside /
contract days, both date differences (no +1), as the official worked example computes them.
A contract wholly outside the period is a failed condition, cited like any other; without the
contract's dates the whole amount is taken as inside the period, and the calculator says so.
"""

from __future__ import annotations

from decimal import Decimal

from assistant.rules.calculation import Step
from assistant.rules.conditions import ConditionResult
from assistant.rules.inputs import ClaimInputs
from assistant.rules.model import Parameter, Program, Version
from assistant.rules.notices import Notice
from assistant.rules.rounding import round_to_rule
from assistant.rules.values import wan, yuan


def base_for_claim(
    program: Program, version: Version, inp: ClaimInputs, steps: list[Step], warnings: list[Notice], *, quiet: bool
) -> tuple[Decimal, ConditionResult | None]:
    """The base the rate applies to, with its steps; and the failed condition when the
    contract lies wholly outside the base period (then the base is not pro-rated)."""
    basis = inp.base
    steps.append(
        Step(
            kind="base",
            label=f"Base: {program.base_label_en}",
            label_zh=f"计算基数：{program.base_label_zh}",
            value=yuan(basis),
            numbers={"base": basis},
        )
    )
    if not version.prorate:
        return basis, None
    ps = version.parameters[version.prorate["period_start"]]
    pe = version.parameters[version.prorate["period_end"]]
    if not (inp.start and inp.end):
        if not quiet:
            warnings.append(_assumed_full_notice(ps, pe))
        return basis, None
    overlap = (min(inp.end, pe.value) - max(inp.start, ps.value)).days
    total = (inp.end - inp.start).days
    steps.extend(_day_steps(ps, pe, overlap, total))
    if overlap <= 0:
        return basis, _outside_base_period(inp, ps, pe)
    basis = basis * Decimal(overlap) / Decimal(total)
    if program.rounding.basis_too:
        basis = round_to_rule(program.rounding, basis)
    steps.append(
        Step(
            kind="prorated_base",
            numbers={"base": basis, "period_days": Decimal(overlap), "contract_days": Decimal(total)},
            label=f"Pro-rated base = base × {overlap}/{total}"
            + (f", {program.rounding.describe()}" if program.rounding.basis_too else ""),
            label_zh=f"折算基数 = 基数 × {overlap}/{total}",
            value=f"{yuan(basis)} ({wan(basis)}万元)",
            reference=ps.reference,
        )
    )
    return basis, None


def _assumed_full_notice(ps: Parameter, pe: Parameter) -> Notice:
    """Without the contract's dates, the whole amount counts as inside the base period."""
    return Notice(
        code="prorate_assumed_full",
        en=f"Contract start and end dates not given: the whole amount is treated as settled within the base period "
        f"{ps.value.isoformat()}–{pe.value.isoformat()}. Give start and end to pro-rate by day count.",
        zh=f"未提供合同起止日期：按全部金额均发生在基期（{ps.value.isoformat()}至{pe.value.isoformat()}）内计算；"
        f"提供起止日期可按天数折算。",
    )


def _day_steps(ps: Parameter, pe: Parameter, overlap: int, total: int) -> list[Step]:
    """The two day counts as steps: days inside the base period (never below zero) and the
    contract's days, both plain date differences."""
    return [
        Step(
            kind="period_days",
            numbers={"days": Decimal(max(overlap, 0))},
            label=f"Days in the base period {ps.value.isoformat()}–{pe.value.isoformat()} "
            f"(min(end, {pe.value.isoformat()}) − max(start, {ps.value.isoformat()}), a date difference, no +1)",
            label_zh=f"基期内天数（{ps.value.isoformat()}至{pe.value.isoformat()}，日期相减，不加1）",
            value=str(max(overlap, 0)),
            reference=ps.reference,
        ),
        Step(
            kind="contract_days",
            numbers={"days": Decimal(total)},
            label="Contract days (end − start, a date difference, no +1)",
            label_zh="合同天数（结束日期减开始日期，不加1）",
            value=str(total),
            reference=ps.reference,
        ),
    ]


def _outside_base_period(inp: ClaimInputs, ps: Parameter, pe: Parameter) -> ConditionResult:
    """The contract period does not overlap the base period: a failed condition, cited to the
    clause that sets the period."""
    assert inp.start and inp.end
    return ConditionResult(
        condition="within_base_period",
        fact="start/end",
        status="failed",
        effect="require",
        value=f"{inp.start.isoformat()}..{inp.end.isoformat()}",
        requirement_zh="合同期与基期有重叠",
        requirement_en="the contract period overlaps the base period",
        reason_zh=f"不符合：合同期{inp.start.isoformat()}至{inp.end.isoformat()}与基期"
        f"{ps.value.isoformat()}至{pe.value.isoformat()}无重叠",
        reason_en=f"Not met: the contract period {inp.start.isoformat()}..{inp.end.isoformat()} does not overlap "
        f"the base period {ps.value.isoformat()}..{pe.value.isoformat()}",
        reference=ps.reference,
    )


__all__ = ["base_for_claim"]
