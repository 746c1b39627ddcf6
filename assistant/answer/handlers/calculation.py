"""How much do we get: one computed line per purchase and region, from the calculator.

Purchases tied to a region in the message count there only; the others count in every region
asked about. Several contracts under one program in one year are claimed in order, each reduced
by what the earlier ones and the amounts already received used of the annual cap. An amount
under an ended program is a reference under the old rule, said in the conclusion itself.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from assistant.answer.evidence import AskContext, add_details, cite_ref, ref_hit, search
from assistant.answer.facts import applicant_facts, case_facts, purchase_facts, rules_date
from assistant.answer.format import money
from assistant.answer.handlers.bases import (
    as_decimal,
    line_item_steps,
    other_purchases,
    published_rate,
    purchase_bases,
    quiet_claim,
)
from assistant.answer.handlers.common import (
    SCHEME_VOUCHERS,
    _condition_label,
    ask_missing,
    named_versions,
    no_program,
    reasons_and_questions,
    registered_elsewhere,
    rules_summary,
    scheme_name,
    uses_scheme,
)
from assistant.answer.handlers.quota import quota_left_lines
from assistant.answer.handlers.schemes import (
    asked_groups,
    purchase_groups,
    scheme_by_facts,
    stacking_clause,
    stacking_line,
    use_scheme,
)
from assistant.answer.handlers.set_sums import is_set_sum, target_line
from assistant.answer.messages import say
from assistant.answer.render import circled
from assistant.answer.rules_text import calc_caveats, conflict_caveat, program_refs
from assistant.answer.steps import add_steps, cap_note
from assistant.answer.validity import period_caveat, validity, validity_line
from assistant.lexicon import patterns
from assistant.models import AskAmount
from assistant.understand.case import Purchase

# The asker's own purchase named without its amount, a quantity that is not money
# (lexicon/amount_needed.yaml): the amount in yuan is what the answer needs.
_OUR_PURCHASE = patterns("amount_needed.yaml", "our_purchase")
_NOT_MONEY = patterns("amount_needed.yaml", "not_money")


def _purchases_for(ctx: AskContext, region: str) -> list[Purchase]:
    """The purchases this ask is about in ``region``: those the ask names (by amount or order),
    else those tied to the region, else those tied to no region the ask is about."""
    chosen = [ctx.case.purchases[i] for i in ctx.ask.purchases if i < len(ctx.case.purchases)]
    bought = [p for p in (chosen or ctx.case.purchases) if p.amount is not None and p.item == "compute"]
    return [p for p in bought if p.region in (region, None) or p.region not in ctx.ask.regions]


def handle(ctx: AskContext) -> None:
    d = ctx.draft
    regions = ctx.ask.regions
    d.regions = list(regions)
    computed = 0
    several_vouchers = False
    rules_given = False  # the rate and cap already stated (no purchase to compute)
    for region in regions:
        programs = ctx.kb.programs_for([region])
        if not programs:
            no_program(ctx, region)
            continue
        pid = programs[0]
        purchases = _purchases_for(ctx, region)
        if not purchases:
            if not _scheme_for(ctx, region, pid):
                continue
            d.programs.append(pid)
            if ctx.case.target is not None:
                computed += target_line(ctx, region, pid)
            elif is_set_sum(ctx, pid):
                computed += _set_sum(ctx, region, pid)
            else:
                rules_summary(ctx, region, pid)
                rules_given = True
                ask_missing(ctx, "amount")
                if d.verdict == "answered" and (
                    _OUR_PURCHASE.search(ctx.case.text)
                    or _NOT_MONEY.search(ctx.case.text)
                    or any(n.code == "amount_unusable" for n in ctx.case.notes)
                ):
                    # "去年签的算力合同能补多少", "我们有64张卡", "-5万的合同": our contract's amount
                    # (in yuan) is what is needed
                    d.verdict = "clarify"
            continue
        d.programs.append(pid)
        groups = asked_groups(ctx, purchase_groups(ctx, purchases))  # 算力租金 and 模型服务: one voucher each
        for kind, group in groups:
            if use_scheme(ctx, region, pid, kind):
                computed += _lines(ctx, region, pid, group)
            else:
                d.verdict = "not_published"
        ctx.voucher = None
        several_vouchers = several_vouchers or len(groups) > 1
        if len(groups) > 1:
            kinds = [k for k, _ in groups]
            stacking_line(ctx, kinds, stacking_clause(ctx, region, kinds))
        registered_elsewhere(ctx, region, pid)
    lines = [a for a in d.amounts if a.amount is not None]
    # two versions of one program are alternatives, never a sum
    one_program = len({(a.region, a.program, a.version) for a in lines}) == 1
    alternatives = any(p.alternative for p in ctx.case.purchases)  # the same contract with and without tax
    if len(lines) > 1 and one_program and not several_vouchers and not alternatives:  # two kinds: no one sum
        parts = [Decimal(a.amount) for a in lines if a.amount]
        total = ctx.session.derive("total", {"amounts": parts}, sum(parts, Decimal(0)))
        d.total = format(total, "f")
        d.say(say(ctx.lang, "calc.total", total=money(total, ctx.lang)))
    other_purchases(ctx)
    contact = ctx.kb.contact_of(regions[0], d.programs[0]) if regions and d.programs else None
    if computed and contact and {"contact", "issuer"} & set(ctx.ask.topics):
        d.say(say(ctx.lang, "process.contact", issuer=contact))  # "请答复可获支持金额及主管部门"
    if not d.conclusion and d.questions:
        d.say(d.questions[0].text)
    pids = ctx.kb.programs_for(regions[:1])
    if d.verdict == "clarify" and not d.amounts and pids and not rules_given:
        # "USD 500k", "3kw": while the amount is confirmed, the rate and cap it will meet (cited);
        # with no published rate no amount would come of it, so that is the answer
        rules_summary(ctx, regions[0], pids[0])
        if d.verdict != "not_published":
            d.verdict = "clarify"
    if computed:
        d.verdict = (
            "amount" if any(a.amount not in (None, "0.00") for a in d.amounts) or d.verdict == "answered" else d.verdict
        )


def _scheme_for(ctx: AskContext, region: str, pid: str) -> bool:
    """Whether ``pid`` issues the voucher the ask names ("上海的模型券"): then every calculation
    below uses that scheme; if not, say so instead of answering with the compute voucher."""
    kind = ctx.ask.voucher
    if kind not in SCHEME_VOUCHERS or uses_scheme(ctx, pid):
        return True
    name, voucher = ctx.kb.region_name(region, ctx.lang), say(ctx.lang, f"vouchers.{kind}")
    ctx.draft.say(say(ctx.lang, "calc.no_such_voucher", region=name, voucher=voucher))
    ctx.draft.verdict = "not_published"
    return False


def _lines(ctx: AskContext, region: str, pid: str, purchases: list[Purchase]) -> int:
    lang, d = ctx.lang, ctx.draft
    received: Decimal | None = None
    computed: list[Decimal] = []
    count = 0
    several = len([p for p in purchases if not p.alternative]) > 1
    year_total = sum((p.amount.value for p in purchases if p.amount is not None and not p.alternative), Decimal(0))
    for i, p in enumerate(purchases):
        variants = purchase_bases(ctx, p, pid)
        if variants is None:
            d.verdict = "clarify"
            continue
        for (vlabel, base, accumulates), on in _each_version(ctx, pid, p, variants):
            if received is None:
                received = ctx.case.received_in(on.year) + _used_before(ctx, pid, on.year)
            facts = {**applicant_facts(ctx.case, ctx.ask), **purchase_facts(p)}
            if several:  # 30万 and 35万 this year: a tier set by the year's total sees 65万, not each
                facts.setdefault("annual_contract_total", format(year_total, "f"))
            rate_param = published_rate(ctx, pid, on)
            published = as_decimal(rate_param["value"]) if rate_param else None
            if (
                published is not None
                and ctx.case.rate is not None
                and (ctx.case.rate >= published or not (rate_param or {}).get("upper_bound"))
            ):
                # "按30%算能拿多少": the text's own rate applies; a different one is not the rule
                facts.pop("rate", None)
                if ctx.case.rate != published:
                    d.add_caveat(say(lang, "calc.user_rate_ignored"))
            compute_type = facts.pop("compute_type", None)
            calc = ctx.session.call(
                "calculate_voucher",
                program=pid,
                voucher=ctx.voucher,
                scheme=scheme_by_facts(ctx, pid, facts),
                amount=format(base, "f"),
                date=on.isoformat(),
                compute_type=compute_type,
                claimed_this_year=format(received, "f") if received else None,
                facts=facts,
                start=p.start.isoformat() if p.start and p.end else None,
                end=p.end.isoformat() if p.start and p.end else None,
            )
            label = say(lang, "calc.purchase_label", n=circled(i + 1)) if several else ""
            label = (label + vlabel) if vlabel else label
            if "error" in calc:
                d.say(say(lang, "calc.cannot", message=calc["error"].get("message", "")))
                continue
            count += 1
            _one_line(ctx, region, pid, p, calc, label, first=(count == 1))
            if calc.get("amount") is not None and accumulates:
                received += Decimal(calc["amount"])
                computed.append(Decimal(calc["amount"]))
    if ctx.case.guessed and computed:
        # "按30%算能拿两千四百万吗": their figure is checked against ours, never repeated as a result
        same = ctx.case.guessed[-1].value == sum(computed, Decimal(0))
        d.say(say(lang, "calc.guess_matches" if same else "calc.guess_differs"))
    return count


def _each_version(ctx: AskContext, pid: str, p: Purchase, variants: list[Any]) -> list[tuple[Any, dt.date]]:
    """Each base variant at the date its rules are taken at; an ask naming two versions of the
    program ("按2024年措施和2025年举措分别可支持多少") gets a line under each, at its start (a signed
    date still decides alone: then only one version applied)."""
    versions = named_versions(ctx, pid) if p.signed is None and ctx.case.as_of is None else []
    if len(versions) < 2:
        on = rules_date(ctx.case, ctx.ask, ctx.today, p)
        return [(v, on) for v in variants]
    return [((vlabel, base, False), on) for vlabel, base, _ in variants for on in versions]


def _used_before(ctx: AskContext, pid: str, year: int) -> Decimal:
    """ "第二份还能拿多少": the contracts of the same year named before the one asked about use the
    annual cap first; what they take is computed in order (and said) before this one."""
    asked = [i for i in ctx.ask.purchases if i < len(ctx.case.purchases)]
    if not asked or ctx.case.received_in(year):
        return Decimal(0)  # what the earlier contracts brought is what the user says was received
    mine = ctx.case.purchases[min(asked)]
    used = Decimal(0)
    for p in ctx.case.purchases[: min(asked)]:
        if p.amount is None or p.alternative or p.voucher != mine.voucher or p.item != "compute":
            continue
        on = rules_date(ctx.case, ctx.ask, ctx.today, p)
        calc = quiet_claim(ctx, pid, p, on, ctx.case.received_in(year) + used) if on.year == year else None
        used += Decimal(calc.get("amount") or 0) if calc is not None else Decimal(0)
    if used:
        ctx.draft.add_caveat(say(ctx.lang, "calc.used_before", amount=money(used, ctx.lang)))
    return used


def _set_sum(ctx: AskContext, region: str, pid: str) -> int:
    """A one-off award of a set sum ("新落户的一次性算力券给多少"): no contract amount is needed;
    the calculator pays the sum on a base of 0 and checks the award's own conditions."""
    on = rules_date(ctx.case, ctx.ask, ctx.today)
    received = ctx.case.received_in(on.year)
    calc = ctx.session.call(
        "calculate_voucher",
        program=pid,
        voucher=ctx.voucher,
        amount="0",
        date=on.isoformat(),
        claimed_this_year=format(received, "f") if received else None,
        facts=applicant_facts(ctx.case, ctx.ask),
    )
    if "error" in calc:
        return 0
    _one_line(ctx, region, pid, Purchase(), calc, "", first=True)
    return 1


def _one_line(
    ctx: AskContext, region: str, pid: str, p: Purchase, calc: dict[str, Any], label: str, first: bool
) -> None:
    lang, d = ctx.lang, ctx.draft
    scheme = calc.get("scheme") if calc.get("scheme") not in (None, ctx.voucher or "compute") else None
    info = ctx.session.call("program_info", program=pid, date=calc["date"], voucher=ctx.voucher, scheme=scheme)
    elig = ctx.session.call(
        "check_eligibility",
        facts=case_facts(ctx.case, p),
        program=pid,
        date=calc["date"],
        voucher=ctx.voucher,
        scheme=scheme,  # a scheme the user's traits chose is checked on its own conditions
    )
    e0 = (elig.get("results") or [{}])[0]
    refs = list(calc.get("references", [])) + [m["reference"] for m in e0.get("missing", [])] + program_refs(info)
    found = search(ctx, [region], references=refs, k=3, fetch_only=True)
    name = scheme_name(ctx, info, pid, scheme)
    vlabel = calc.get("version_label") if lang == "en" else (info["version"]["label_zh"] or name)
    base_label = info["base_label_en"] if lang == "en" else info["base_label_zh"]
    amount = calc.get("amount")
    # a contract signed after today ("2027年3月签") meets the period as it will be then
    v = validity(ctx, pid, region, max(ctx.today, dt.date.fromisoformat(calc["date"])))
    ended = v is not None and v.state == "ended"
    d.amounts.append(
        AskAmount(
            program=pid,
            version=calc.get("version", ""),
            version_status=calc.get("version_status", ""),
            period_ended=ended,
            region=region,
            base=calc.get("base", ""),
            amount=amount,
            label=label,
        )
    )
    rate_step = next((s for s in calc["steps"] if s.get("kind") in ("rate", "rate_unpublished", "fixed")), None)
    rate_mark = cite_ref(
        ctx, found, rate_step.get("reference") if rate_step else None, [calc.get("rate_percent") or "未"]
    )
    cap_step = next((s for s in calc["steps"] if s.get("kind") == "cap"), None)
    cap_mark = (
        cite_ref(ctx, found, cap_step.get("reference") if cap_step else None, ["万元"]) if calc.get("capped_by") else ""
    )
    head = f"{label}：" if label and lang != "en" else (f"{label}: " if label else "")
    if calc.get("eligible") is False:
        failed = [r for r in calc.get("reasons", []) if r["status"] == "failed"]
        marks = "".join(cite_ref(ctx, found, r["reference"]) for r in failed)
        why = ("; " if lang == "en" else "；").join(_condition_label(ctx, pid, r["condition"]) for r in failed)
        d.say(head + say(lang, "calc.not_eligible", name=name, why=why, marks=marks, amount=money(amount, lang)))
        d.verdict = "not_eligible"
    elif amount is None:
        d.say(head + say(lang, "calc.rate_unpublished", name=name, mark=rate_mark))
        d.verdict = "not_published"
        issuer = ctx.kb.issuer_of(region, pid)
        d.add_caveat(say(lang, "calc.ask_issuer_rate", issuer=issuer) if issuer else say(lang, "common.contact"))
    else:
        capped = cap_note(ctx, calc)
        marks = rate_mark + (cap_mark if cap_mark != rate_mark else "")  # one clause, one marker
        if ctx.case.rate is not None and not info["version"]["parameters"].get("rate", {}).get("value"):
            key = "calc.user_rate"
        elif any(s.get("kind") == "fixed" for s in calc["steps"]):
            key = "calc.set_sum"
        elif ended:
            key = "calc.reference_amount"
        else:
            key = "calc.amount"
        d.say(
            head
            + say(
                lang,
                key,
                version=vlabel,
                name=name,
                base_label=base_label,
                base=money(calc["base"], lang),
                amount=money(amount, lang),
                cap_note=capped,
                rate=calc.get("rate_percent") or "",
                marks=marks,
                voucher=say(lang, f"vouchers.{ctx.voucher or 'compute'}"),
            )
        )
        prorated = next((s for s in calc["steps"] if s.get("kind") == "prorated_base"), None)
        if prorated is not None:
            n = prorated["numbers"]
            d.say(
                say(
                    lang,
                    "calc.prorated",
                    period=n["period_days"],
                    total=n["contract_days"],
                    base=money(n["base"], lang),
                )
            )
        if ended and v is not None:
            d.say(validity_line(ctx, v, found, for_amount=True))
        if "quota_left" in ctx.ask.topics:
            quota_left_lines(ctx, calc, found)
    line_item_steps(ctx, p, pid)
    add_steps(
        ctx,
        calc,
        found,
        base_label,
        prefix=f"（{label}）" if label and lang != "en" else (f"({label}) " if label else ""),
    )
    if first:
        reasons_and_questions(ctx, e0, found, pid)
        calc_caveats(ctx, calc, found, info)
        conflict_caveat(ctx, info, found)
        if not ended:
            period_caveat(ctx, pid, region, found, ctx.today)
    if (
        ctx.case.rate is not None
        and info["version"]["parameters"].get("rate", {}).get("value")
        and ctx.case.rate != as_decimal(info["version"]["parameters"]["rate"]["value"])
    ):
        d.add_caveat(say(lang, "calc.user_rate_ignored"))


__all__ = ["handle", "ref_hit", "add_details", "conflict_caveat"]
