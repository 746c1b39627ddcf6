"""Which region or program is better: with an amount, one computed line per program (the
calculator's amounts, ranked); without, each program's rate and caps side by side."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from assistant.answer.evidence import AskContext, cite_ref, search
from assistant.answer.facts import applicant_facts, base_of, rules_date
from assistant.answer.format import money, percent
from assistant.answer.handlers.common import SCHEME_VOUCHERS
from assistant.answer.messages import say, sep
from assistant.answer.rules_text import conflict_caveat, program_refs, rule_lines
from assistant.models import AskAmount


def handle(ctx: AskContext) -> None:
    d, lang = ctx.draft, ctx.lang
    regions = ctx.ask.regions
    d.regions = list(regions)
    programs = ctx.kb.programs_for(regions) if regions else list(ctx.kb.programs)
    d.programs = list(programs)
    on = rules_date(ctx.case, ctx.ask, ctx.today)
    purchases = ctx.case.compute_purchases
    base = (
        base_of(purchases[0], "contract", ctx.session)
        if purchases and purchases[0].amount and purchases[0].amount.currency == "CNY"
        else None
    )
    if base is not None and base > 0:
        _with_amount(ctx, programs, base, on.isoformat())
    else:
        _rates(ctx, programs, on.isoformat())
    for r in regions:
        if not ctx.kb.region_programs.get(r):
            d.table.append(say(lang, "compare.doc_only", region=ctx.kb.region_name(r, lang)))
    d.add_caveat(say(lang, "compare.caveat"))


def _with_amount(ctx: AskContext, programs: list[str], base: Decimal, date: str) -> None:
    d, lang = ctx.draft, ctx.lang
    facts = applicant_facts(ctx.case)
    purchase = ctx.case.compute_purchases[0]
    compute_type = None if purchase.domestic is None else ("domestic" if purchase.domestic else "non_domestic")
    received = ctx.case.received_in(int(date[:4]))
    res = ctx.session.call(
        "compare_programs",
        facts=facts,
        amount=format(base, "f"),
        programs=programs,
        date=date,
        compute_type=compute_type,
        claimed_this_year=format(received, "f") if received else None,
    )
    rows = res.get("rows", [])
    refs = [ref for r in rows for ref in (r.get("references") or [])[:2]]
    found = search(ctx, [], references=refs, fetch_only=True)
    parts = []
    for r in rows:
        name = r["program_name_en"] if lang == "en" else r["program_name"]
        marks = "".join(cite_ref(ctx, found, ref) for ref in (r.get("references") or [])[:2])
        d.amounts.append(
            AskAmount(
                program=r["program"],
                region=ctx.kb.programs[r["program"]].region,
                base=format(base, "f"),
                amount=r.get("amount"),
            )
        )
        if r.get("amount") is None:
            line = say(
                lang,
                "compare.no_amount",
                name=name,
                reason=r.get("reason") if lang == "en" else (r.get("reason_zh") or ""),
            )
        elif r["status"] == "not_eligible":
            line = say(
                lang,
                "compare.not_eligible",
                name=name,
                reason=r.get("reason") if lang == "en" else (r.get("reason_zh") or ""),
            )
        else:
            key = "compare.line_met" if r["status"] == "eligible" else "compare.line_if"
            line = say(lang, key, name=name, rate=r.get("rate_percent") or "", amount=money(r["amount"], lang))
            rate = r.get("rate_percent")
            key = "compare.part" if rate else "compare.part_no_rate"
            parts.append(say(lang, key, name=name, rate=rate or "", amount=money(r["amount"], lang)) + marks)
        d.table.append(line + marks)
    ok = [r for r in rows if r.get("amount") is not None and r["status"] != "not_eligible"]
    if ok:
        best = max(ok, key=lambda r: Decimal(r["amount"]))
        name = best["program_name_en"] if lang == "en" else best["program_name"]
        lead = say(
            lang, "compare.with_amount", base=money(base, lang), lines=("; " if lang == "en" else "；").join(parts[:6])
        )
        d.say(lead + say(lang, "compare.best", name=name, amount=money(best["amount"], lang)))
        d.verdict = "amount"
    else:
        d.say(say(lang, "compare.none", base=money(base, lang)))


def _main_cap(info: dict[str, Any]) -> Any:
    params = info["version"]["parameters"]
    for role in ("annual_cap", "per_claim_cap", "cumulative_cap"):
        if params.get(role, {}).get("value") is not None:
            return params[role]["value"]
    return None


def _rates(ctx: AskContext, programs: list[str], date: str) -> None:
    d, lang = ctx.draft, ctx.lang
    kind = ctx.ask.voucher if ctx.ask.voucher in SCHEME_VOUCHERS else None  # "各地的语料券比例"
    infos = [ctx.session.call("program_info", program=p, date=date, voucher=kind) for p in programs]
    if kind is not None:
        without = [ctx.kb.program_name(p, lang) for p, i in zip(programs, infos) if "error" in i]
        if without:
            voucher = say(lang, f"vouchers.{kind}")
            d.add_caveat(say(lang, "compare.no_such_voucher", names=sep(lang).join(without), voucher=voucher))
    infos = [i for i in infos if "error" not in i]
    refs = [r for info in infos for r in program_refs(info)]
    found = search(ctx, [], references=refs, fetch_only=True)
    topics = {t for t in ctx.ask.topics if t in ("rate", "cap", "domestic")}
    best: tuple[str, Decimal] | None = None
    rates: list[Decimal] = []
    listed: list[str] = []
    for info in infos:
        lines, _ = rule_lines(ctx, info, found, topics)
        name = info["name_en"] if lang == "en" else info["name"]
        d.table.append(f"{name}: " + " ".join(lines) if lang == "en" else f"{name}：" + "".join(lines))
        rate = info["version"]["parameters"].get("rate", {}).get("value")
        cap = _main_cap(info)
        listed.append(
            say(
                lang,
                "compare.rate_item",
                name=name,
                rate=percent(rate) if rate is not None else say(lang, "compare.unpublished"),
                cap=money(cap, lang) if cap is not None else say(lang, "compare.unpublished"),
            )
        )
        if rate is not None and (best is None or Decimal(rate) > best[1]):
            best = (name, Decimal(rate))
        if rate is not None:
            rates.append(Decimal(rate))
        conflict_caveat(ctx, info, found)
    d.say(say(lang, "compare.rates", items=("; " if lang == "en" else "；").join(listed)))
    if best and len(infos) > 1 and ("rate" in ctx.ask.topics or not ctx.ask.topics):
        tied = rates.count(best[1]) > 1  # two at 30%: neither is "the highest"
        d.say(say(lang, "compare.same_rate" if tied else "compare.best_rate", name=best[0], rate=percent(best[1])))


__all__ = ["handle"]
