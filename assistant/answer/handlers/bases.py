"""The bases a purchase is computed on, and the user's own rate, before the calculator runs.

A range ("八十多万") gives its two ends as alternatives, a monthly or quarterly figure is
multiplied by the term when the term is known (an approximate monthly figure too, said back as
such), a foreign currency or an amount to confirm becomes a question instead of a number.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from assistant.answer.evidence import AskContext
from assistant.answer.facts import applicant_facts, base_of, figure_for, line_roles, purchase_facts
from assistant.answer.format import money
from assistant.answer.handlers.common import ask_missing
from assistant.answer.messages import say
from assistant.understand.case import LineItem, Purchase

_PER = {"month": 12, "quarter": 4}


# "一年能补多少" after a monthly figure: the year is the term asked about (12 months, said back)
_A_YEAR_ASKED = re.compile(r"一年|每年|全年|年度|per year|a year|annual", re.I)


def purchase_bases(ctx: AskContext, p: Purchase, pid: str) -> list[tuple[str, Decimal, bool]] | None:
    """(label, base, accumulates) for one purchase under program ``pid``: a range gives its two
    ends (alternatives, not two claims); a monthly or quarterly figure is multiplied by the term
    when it is known. None when the purchase cannot be computed and a question was asked instead."""
    lang, d = ctx.lang, ctx.draft
    basis = ctx.kb.programs[pid].base_basis
    money_ = figure_for(p, basis)
    assert money_ is not None
    if ctx.kb.programs[pid].base_paid_only and p.paid is False and p.paid_amount is None:
        # "12万发票已开但还没付款" under a program that pays on fees actually paid: not yet in the base
        unpaid = ctx.session.derive("unpaid_amount", {"text": money_.text}, money_.value)  # the user's figure
        d.say(say(lang, "calc.not_paid_yet", amount=money(unpaid, lang)))
        return []
    if money_.currency != "CNY":
        ask_missing(ctx, "currency")
        return None
    if money_.confirm:
        value = ctx.session.derive("understood_amount", {"text": money_.text}, money_.value)
        ctx.draft.ask_for("amount", say(lang, "questions.confirm_amount", text=money_.text, value=money(value, lang)))
        return None
    base = base_of(p, basis, ctx.session, ctx.kb.programs[pid].base_includes)
    if base is None or base <= 0:
        d.say(say(lang, "calc.nothing_left"))
        return []
    if money_.per in _PER:
        months = p.term_months or (12 if money_.per == "quarter" or _A_YEAR_ASKED.search(ctx.ask.text) else None)
        if months is None:  # an approximate monthly figure is computed like any approximate amount
            ask_missing(ctx, "monthly_total")
            return None
        factor = Decimal(months) if money_.per == "month" else Decimal(months) / 3
        total = ctx.session.derive(
            "per_period_times_term",
            {"each": base, "months": months, "per": money_.per},
            (base * factor).quantize(Decimal("0.01")),
        )
        d.add_caveat(
            say(lang, "calc.per_period_times_term", each=money(base, lang), months=months, base=money(total, lang))
        )
        base = total
    if money_.high is not None and money_.high > money_.value:
        high = ctx.session.derive(
            "range_high", {"low": base, "high_amount": money_.high}, base + (money_.high - money_.value)
        )
        return [
            (say(lang, "calc.range_low", base=money(base, lang)), base, False),
            (say(lang, "calc.range_high", base=money(high, lang)), high, False),
        ]
    return [("", base, True)]


def line_item_steps(ctx: AskContext, p: Purchase, pid: str) -> None:
    """The lines of a bill besides compute, in the steps: taken out of the amount they are inside,
    left out when listed beside the compute fee, or counted where the program's text counts
    them (Langfang: storage and technical support)."""
    lang = ctx.lang
    program = ctx.kb.programs[pid]
    includes = program.base_includes
    if not p.excluded or p.amount is None:
        return

    def listed(lines: list[LineItem]) -> str:
        return "、".join(f"{say(lang, 'items.' + li.item)}{money(li.amount.value, lang)}" for li in lines)

    base = base_of(p, "contract", None, includes)
    assert base is not None
    roles = line_roles(p, includes)
    taken, counted, left_out = roles.taken, roles.counted, roles.left_out
    if taken:
        gross = money(p.amount.value, lang)
        ctx.draft.steps.append(say(lang, "steps.excluded", gross=gross, parts=listed(taken), base=money(base, lang)))
    for li in left_out + counted:  # the user's own figures, said back: recorded so they stay traceable
        where = "inside_the_base" if li.item in includes else "outside_the_base"
        ctx.session.record(where, {"item": li.item}, {"amount": format(li.amount.value, "f")})
    if left_out:
        ctx.draft.steps.append(say(lang, "steps.beside_out", parts=listed(left_out)))
    if counted:
        label = program.base_label_en if lang == "en" else program.base_label_zh
        name = ctx.kb.program_name(pid, lang)
        ctx.draft.steps.append(
            say(lang, "steps.included", name=name, parts=listed(counted), label=label, base=money(base, lang))
        )


def published_rate(ctx: AskContext, pid: str, on: dt.date) -> dict[str, Any] | None:
    """The program's own rate parameter on ``on`` (None when the text publishes none)."""
    if ctx.case.rate is None:
        return None
    info = ctx.session.call("program_info", program=pid, date=on.isoformat(), voucher=ctx.voucher)
    rate = info.get("version", {}).get("parameters", {}).get("rate", {}) if "error" not in info else {}
    return rate if rate.get("value") else None


def quiet_claim(
    ctx: AskContext, pid: str, p: Purchase, on: dt.date, claimed: Decimal = Decimal(0)
) -> dict[str, Any] | None:
    """The calculator's result for one purchase alone, on its plain contract base (no line said
    back, no question asked): what an earlier contract takes from a cap, or whether a claim
    reaches the program's minimum. None when the purchase has no base or the call fails."""
    program = ctx.kb.programs[pid]
    base = base_of(p, program.base_basis, None, program.base_includes)
    if not base:
        return None
    facts = {**applicant_facts(ctx.case, ctx.ask), **purchase_facts(p)}
    calc = ctx.session.call(
        "calculate_voucher",
        program=pid,
        voucher=ctx.voucher,
        amount=format(base, "f"),
        date=on.isoformat(),
        compute_type=facts.pop("compute_type", None),
        claimed_this_year=format(claimed, "f") if claimed else None,
        facts=facts,
    )
    return None if "error" in calc else calc


def as_decimal(value: Any) -> Decimal:
    return Decimal(str(value))


__all__ = ["as_decimal", "line_item_steps", "other_purchases", "published_rate", "purchase_bases"]


def other_purchases(ctx: AskContext) -> None:
    """Contracts for something other than compute ("存储那份60万") are named as outside the base,
    and a base the user proposes ("能按340万申请吗") is answered against the compute purchases."""
    lang, d = ctx.lang, ctx.draft
    others = [p for p in ctx.case.purchases if p.item != "compute" and p.amount is not None]
    for p in others:
        assert p.amount is not None
        # the figure is the user's own, said back: recorded so the answer's numbers stay traceable
        ctx.session.record("outside_the_base", {"item": p.item}, {"amount": format(p.amount.value, "f")})
        d.add_caveat(
            say(lang, "calc.not_compute", item=say(lang, f"items.{p.item}"), amount=money(p.amount.value, lang))
        )
    if not ctx.case.proposed:
        return
    # the base on the program's own basis: a program paying on what was paid takes the paid figure
    programs = ctx.kb.programs_for(ctx.ask.regions)
    basis = ctx.kb.programs[programs[0]].base_basis if programs else "contract"
    figures = [figure_for(p, basis) for p in ctx.case.compute_purchases]
    compute = [f.value for f in figures if f is not None]
    if not compute:
        return
    base = ctx.session.derive("compute_total", {"amounts": compute}, sum(compute, Decimal(0)))
    ctx.session.record("user_figures", {}, {"proposed_base": [p.value for p in ctx.case.proposed]})
    for proposed in ctx.case.proposed:
        if proposed.value != base:
            d.say(say(lang, "calc.proposed_base", proposed=money(proposed.value, lang), base=money(base, lang)))
