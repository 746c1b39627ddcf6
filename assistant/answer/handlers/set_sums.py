"""Amounts that do not start from the user's contract: the contract a target amount needs
("想拿100万要签多大的合同"), and a one-off award of a set sum (Langfang's 50万 for newly settled
firms), whose amount the calculator gives without a base."""

from __future__ import annotations

from decimal import Decimal

from assistant.answer.evidence import AskContext, cite_ref, search
from assistant.answer.facts import applicant_facts, rules_date
from assistant.answer.format import money, percent
from assistant.answer.handlers.common import rules_summary
from assistant.answer.messages import say
from assistant.answer.steps import add_steps
from assistant.answer.validity import period_caveat
from assistant.models import AskAmount


def is_set_sum(ctx: AskContext, pid: str) -> bool:
    """Whether the scheme this ask uses pays a set sum whatever the base."""
    info = ctx.session.call("program_info", program=pid, date=ctx.today.isoformat(), voucher=ctx.voucher)
    params = info.get("version", {}).get("parameters", {}) if "error" not in info else {}
    return "fixed_amount" in params and not params.get("rate", {}).get("value")


def target_line(ctx: AskContext, region: str, pid: str) -> int:
    """'How big a contract for X': base = X / rate, then the calculator confirms the amount."""
    lang, d = ctx.lang, ctx.draft
    assert ctx.case.target is not None
    on = rules_date(ctx.case, ctx.ask, ctx.today)
    info = ctx.session.call("program_info", program=pid, date=on.isoformat(), voucher=ctx.voucher)
    rate = info["version"]["parameters"].get("rate", {}).get("value")
    if not rate:
        rules_summary(ctx, region, pid)
        return 0
    base = (ctx.case.target.value / Decimal(str(rate))).quantize(Decimal("0.01"))
    calc = ctx.session.call(
        "calculate_voucher",
        program=pid,
        amount=format(base, "f"),
        date=on.isoformat(),
        facts=applicant_facts(ctx.case, ctx.ask),
        voucher=ctx.voucher,
    )
    if "error" in calc:
        return 0
    found = search(ctx, [region], references=list(calc.get("references", [])), k=3, fetch_only=True)
    rate_step = next((s for s in calc["steps"] if s.get("kind") == "rate"), None)
    mark = cite_ref(ctx, found, rate_step.get("reference") if rate_step else None, [percent(rate)])
    vlabel = calc.get("version_label") if lang == "en" else info["version"]["label_zh"]
    base_label = info["base_label_en"] if lang == "en" else info["base_label_zh"]
    d.amounts.append(
        AskAmount(
            program=pid,
            version=calc.get("version", ""),
            region=region,
            base=calc.get("base", ""),
            amount=calc.get("amount"),
        )
    )
    d.say(
        say(
            lang,
            "calc.target",
            version=vlabel,
            target=money(ctx.case.target.value, lang),
            base_label=base_label,
            base=money(base, lang),
            amount=money(calc.get("amount"), lang),
            mark=mark,
        )
    )
    if calc.get("capped_by"):
        d.add_caveat(say(lang, "calc.target_capped"))
    add_steps(ctx, calc, found, base_label)
    period_caveat(ctx, pid, region, found, ctx.today)
    return 1


__all__ = ["is_set_sum", "target_line"]
