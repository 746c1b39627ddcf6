"""Can we apply: the program's conditions checked against the case, yes / no / not yet known.

The verdict comes from the rules engine's status; the conclusion names the failed conditions
(cited) or the facts still to confirm. A firm registered outside the region is told what the
text says about outside applicants and, where the rules make local registration a condition,
what the unified-market rules say about such conditions.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from assistant import lexicon
from assistant.answer.evidence import AskContext, add_details, cite_ref, search
from assistant.answer.facts import ask_facts, case_facts, rules_date
from assistant.answer.format import money
from assistant.answer.handlers.bases import quiet_claim
from assistant.answer.handlers.common import (
    _condition_label,
    confirm,
    no_program,
    reasons_and_questions,
    scheme_name,
    uses_scheme,
)
from assistant.answer.handlers.schemes import scheme_by_facts
from assistant.answer.messages import say
from assistant.answer.rules_text import conflict_caveat
from assistant.answer.sentences import says_unpublished
from assistant.answer.validity import closed_round, named_doc, period_caveat, validity
from assistant.lexicon import patterns

# "还能申请吗", "can we still apply": whether the program still takes applications
_STILL_APPLY = re.compile(
    r"还(能|可以|可|来得及|赶得上)(不能)?[^，。？?]{0,4}(申请|申报|申领|申|报)|still (apply|be able to apply|claim)"
    r"|(现在|目前|如今|当前)[^，。？?]{0,4}(能否|能不能|可否|是否(可以|能)|可以|能)[^，。？?]{0,6}(申请|申报|申领)",  # "该企业现在能否申领"
    re.I,
)


def handle(ctx: AskContext) -> None:
    if _only_the_period_decides(ctx) or _signed_after_the_period(ctx) or _round_closed(ctx):
        # "现在还能申请北京的算力券吗" after its period, with nothing stated that decides: that it
        # ended and what is known since, not a checklist for a program no longer taking applications
        from assistant.answer.handlers.validity import handle as validity

        validity(ctx)
        return
    d = ctx.draft
    d.regions = list(ctx.ask.regions)
    verdicts = []
    if len(ctx.ask.regions) == 1 and not ctx.kb.programs_for(ctx.ask.regions):
        _from_the_text(ctx)
        return
    for region in ctx.ask.regions:
        programs = ctx.kb.programs_for([region])
        if not programs:
            no_program(ctx, region)
            d.verdict = "answered"
            continue
        verdicts.append(_one(ctx, region, programs[0]))
    if verdicts:
        for v in ("not_eligible", "undetermined", "eligible"):
            if v in verdicts and (v != "eligible" or all(x == "eligible" for x in verdicts)):
                d.verdict = v  # type: ignore[assignment]
                if v != "eligible":
                    break


def _from_the_text(ctx: AskContext) -> None:
    """A region whose documents the rules do not model (Nanjing, Xiamen): who may apply, as its
    text says; whether this firm qualifies stays open."""
    from assistant.answer.handlers.fact import handle as fact

    topics = list(dict.fromkeys([*(t for t in ctx.ask.topics if t not in ("rate", "cap")), "applicant"]))
    ctx.ask = ctx.draft.ask = ctx.ask.model_copy(update={"topics": topics})
    fact(ctx)
    if ctx.draft.verdict == "answered" and not says_unpublished(ctx.draft.conclusion):
        ctx.draft.verdict = "undetermined"  # a text saying its conditions are unpublished stays so


def _what_the_texts_say(ctx: AskContext, region: str) -> None:
    """No condition is published, but a text may speak to what the user asks ("区级细则要求工商
    注册和税务登记都在本区"): its sentence, cited, when it answers well enough."""
    from assistant.answer.evidence import say_clause_on, search

    prefer = ["注册", "税务", "工商", "面向", "主体", "须", "要求", "registered", "must"]
    say_clause_on(ctx, search(ctx, [region], k=6).get("hits", []), prefer, min_score=_TEXT_ANSWERS)


_TEXT_ANSWERS = 2.0  # the sentence score (rare words shared with the question) a clause needs


def _only_the_period_decides(ctx: AskContext) -> bool:
    """Asked whether the firm can still apply (or about a year after the period), every program
    asked about has ended, and the facts stated decide nothing (a firm that fails or meets every
    condition is told so, the period beside)."""
    from assistant.rules import check_eligibility

    if not ctx.ask.regions:
        return False
    still = bool(_STILL_APPLY.search(ctx.ask.text))
    profile = {**case_facts(ctx.case), "date": rules_date(ctx.case, ctx.ask, ctx.today).isoformat()}
    for region in ctx.ask.regions:
        pid = next(iter(ctx.kb.programs_for([region])), None)
        named = named_doc(ctx, pid)
        v = validity(ctx, pid, region, ctx.today, named) if pid else None  # "2023年大模型措施里的补贴现在还能申请吗"
        if pid is None or v is None or v.state != "ended":
            return False
        if not still and not (ctx.ask.year and v.end and ctx.ask.year > v.end.year):
            return False  # "2026年的用量能按这个通知申请吗": a year after the period is the same question
        if named:
            continue  # an older text named, since ended: the later one's conditions are not its
        try:
            found = check_eligibility(profile, pid, voucher=ctx.voucher)
        except Exception:  # the facts do not parse for this program: let the checklist say so
            return False
        if not found or found[0].status != "undetermined":
            return False
    return True


def _below_minimum(ctx: AskContext, pid: str, on: dt.date, info: dict[str, Any]) -> dict[str, Any] | None:
    """The minimum-claim step when the one purchase stated comes to less than the program's
    smallest claim (Qingyang: 5000元), else None."""
    bought = [p for p in ctx.case.purchases if p.amount is not None and not p.alternative]
    if len(bought) != 1 or "min_claim" not in info.get("version", {}).get("parameters", {}):
        return None
    calc = quiet_claim(ctx, pid, bought[0], on)
    if calc is None or calc.get("capped_by") != "min_claim":
        return None
    return next((s for s in calc["steps"] if s.get("kind") == "minimum"), None)


def _one(ctx: AskContext, region: str, pid: str) -> str:
    lang, d = ctx.lang, ctx.draft
    d.programs.append(pid)
    on = rules_date(ctx.case, ctx.ask, ctx.today)
    facts = ask_facts(ctx.case, ctx.ask)
    if (
        "registered_in" not in facts
        and _requires_registration(ctx.kb.programs.get(pid))
        and _OUTSIDE_FIRM.search(ctx.ask.text)
    ):
        facts["registered_in"] = "elsewhere"  # "外地注册、在南京有研发团队的企业能不能申请": not here
    uses_scheme(ctx, pid)
    scheme = scheme_by_facts(ctx, pid, facts)  # "我们是重点人工智能企业": that scheme's own conditions
    when = on.isoformat()
    res = ctx.session.call("check_eligibility", facts=facts, program=pid, date=when, voucher=ctx.voucher, scheme=scheme)
    e0 = (res.get("results") or [{}])[0]
    info = ctx.session.call("program_info", program=pid, date=when, voucher=ctx.voucher, scheme=scheme)
    refs = [r["reference"] for r in e0.get("reasons", [])]
    comp = None
    reg_failed = any(r["status"] == "failed" and r["fact"] == "registered_in" for r in e0.get("reasons", []))
    if facts.get("registered_in") and reg_failed:
        comp = ctx.session.call("check_compliance", facts={"program": pid, "registered_in": facts["registered_in"]})
        for f in comp.get("findings", []):
            refs += f.get("references", [])
    found = search(ctx, [region], references=refs, k=4)
    name = scheme_name(ctx, info, pid, scheme)
    status = e0.get("status", "undetermined")
    failed = [r for r in e0.get("reasons", []) if r["status"] == "failed" and r.get("effect") == "require"]
    met = [r for r in e0.get("reasons", []) if r["status"] == "met"]
    sep = "; " if lang == "en" else "；"
    missing = [r for r in e0.get("reasons", []) if r["status"] == "missing" and r.get("effect") == "require"]
    program = ctx.kb.programs[pid]
    labels = ("、" if lang != "en" else "; ").join
    minimum = _below_minimum(ctx, pid, on, info)
    if minimum is not None:
        # "才15,000元，按30%是4500，这个能申领吗": below the program's smallest claim, whatever else holds
        status = "not_eligible"
        mark = cite_ref(ctx, found, minimum.get("reference"))
        d.say(
            say(
                lang,
                "eligibility.below_minimum",
                name=name,
                minimum=money(minimum["numbers"]["minimum"], lang),
                mark=mark,
            )
        )
    elif (
        status == "undetermined"
        and _only_the_purchase_open(ctx, missing, failed, bool(met) or program.open_to_outside_applicants)
        and not _AFTER_THE_END.search(ctx.ask.text)  # "到期后签订的合同还能否申请": the period decides
        and not _ended_on(ctx, pid, region, max(ctx.today, on))  # a contract signed after the period
    ):
        # "Can we (a Jiangsu JV) apply for Guizhou's?": who may apply is settled; what remains is
        # what the compute claimed must be, which is a requirement of the claim, not a doubt
        status = "eligible"
        conditions = labels(_condition_label(ctx, pid, r["condition"]) for r in missing)
        d.say(say(lang, "eligibility.may_apply", name=name, conditions=conditions))
        missing = []
    elif status == "not_eligible":
        marks = "".join(cite_ref(ctx, found, r["reference"]) for r in failed)
        # each condition with the clause that sets it ("……未获得其他财政资金支持（第十二条）")
        why = sep.join(_condition_label(ctx, pid, r["condition"]) + _clause_of(r, lang) for r in failed)
        d.say(say(lang, "eligibility.not_eligible", name=name, why=why, marks=marks))
    elif status == "eligible" and not e0.get("reasons"):
        # no condition of this program is published: "eligible" would only mean nothing is known
        status = "undetermined"
        d.say(say(lang, "eligibility.none_published", name=name))
        _what_the_texts_say(ctx, region)
    elif (
        status == "eligible"
        and facts.get("supplier_related") is True
        and not _conditions_on(program, "supplier_related")
    ):
        status = "undetermined"  # "从老板另一家公司租来训练": the text says nothing of buying from a related party
        d.say(say(lang, "eligibility.related_unstated", name=name))
    elif status == "eligible" and _outside_unstated(ctx, program):
        status = "undetermined"  # "外地企业租漳州的算力能申吗": no condition says, nor that it is open
        d.say(say(lang, "eligibility.outside", name=name))
    elif status == "eligible":
        d.say(say(lang, "eligibility.eligible", name=name))
    elif met:
        d.say(say(lang, "eligibility.partly", name=name))
    else:
        d.say(say(lang, "eligibility.listed", name=name))
    if status != "not_eligible":
        if met:
            d.say(
                say(lang, "eligibility.met", conditions=labels(_condition_label(ctx, pid, r["condition"]) for r in met))
            )
        if missing:
            shown = missing if not met else missing[:5]  # nothing known yet: every condition is the answer
            d.say(
                say(
                    lang,
                    "eligibility.to_confirm",
                    conditions=labels(_condition_label(ctx, pid, r["condition"]) for r in shown),
                )
            )
    outside_asked = re.search(r"外省|省外|外地|外市|异地|outside|other provinces?", ctx.ask.text, re.I)
    if program.open_to_outside_applicants and (
        outside_asked or (facts.get("registered_in") and facts["registered_in"] != region)
    ):
        d.say(say(lang, "eligibility.open_outside", name=name))
    elif program.open_to_outside_applicants and ctx.ask.topics and "applicant" in ctx.ask.topics:
        d.say(say(lang, "eligibility.open_outside", name=name))
    outside = [w for w in e0.get("warnings", []) if "registered in" in w and "outside" in w]
    if outside and status != "not_eligible":
        d.say(say(lang, "eligibility.outside", name=name))
    v = validity(ctx, pid, region, ctx.today)
    if v is not None and v.state == "ended" and v.end:
        d.say(
            say(
                lang,
                "eligibility.ended",
                end=v.end.isoformat() if lang == "en" else f"{v.end.year}年{v.end.month}月{v.end.day}日",
            )
        )
    reasons_and_questions(ctx, e0, found, pid, show_missing=True, max_questions=6)
    add_details(
        ctx,
        found.get("hits", []),
        ["面向", "注册", "主体", "须", "applicant", "must", "registered"],
        n=1,
        min_score=1.5,
    )
    if comp:
        for f in comp.get("findings", [])[:1]:
            marks = "".join(cite_ref(ctx, found, r) for r in f.get("references", [])[1:3])
            d.add_caveat((f.get("explanation_en") if lang == "en" else f.get("explanation_zh")) + marks)
    for w in (e0.get("warnings") if lang == "en" else e0.get("warnings_zh")) or []:
        if "执行期" in w or "period ended" in w:
            continue
        d.add_caveat(w)
    conflict_caveat(ctx, info, found)
    period_caveat(ctx, pid, region, found, ctx.today)
    confirm(ctx, region, pid)
    return str(status)


def _round_closed(ctx: AskContext) -> bool:
    """ "《青岛市2024年度……申报指南》现在还能补报吗": the round's closing day answers it."""
    return any(closed_round(ctx, pid) is not None for pid in ctx.kb.programs_for(ctx.ask.regions))


def _signed_after_the_period(ctx: AskContext) -> bool:
    """ "如果2027年1月才签合同，还能不能申报": a contract signed after the program's period ends is
    answered by the period, whoever the applicant is."""
    signed = [p.signed for p in ctx.case.purchases if p.signed is not None and p.signed > ctx.today]
    if len(ctx.ask.regions) != 1 or len(signed) != 1 or not re.search(r"签|sign", ctx.ask.text, re.I):
        return False
    pid = next(iter(ctx.kb.programs_for(ctx.ask.regions)), None)
    return pid is not None and _ended_on(ctx, pid, ctx.ask.regions[0], signed[0])


def _ended_on(ctx: AskContext, pid: str, region: str, on: dt.date) -> bool:
    """Whether the program's period has ended by ``on``."""
    then = validity(ctx, pid, region, on)
    return then is not None and then.state == "ended"


def _only_the_purchase_open(ctx: AskContext, missing: list[dict[str, Any]], failed: list[Any], settled: bool) -> bool:
    """Whether "can we apply" is asked, nothing failed, the applicant's side is ``settled`` (a
    condition met, or a text open to applicants from anywhere) and only facts of the purchase are
    open (the program's period is checked by the caller, last: it costs a lookup)."""
    from assistant.rules.facts import FACTS

    return (
        bool(missing)
        and not failed
        and settled
        and bool(_CAN_APPLY.search(ctx.ask.text))
        and all(r.get("fact") in FACTS and FACTS[r["fact"]].about_the == "purchase" for r in missing)
    )


_CAN_APPLY = lexicon.patterns("applicant_kinds.yaml", "can_apply")
_AFTER_THE_END = patterns("asked.yaml", "after_the_end")


_OUTSIDE_FIRM = lexicon.patterns("asked.yaml", "outside_firm")


def _conditions_on(program: Any, fact: str) -> bool:
    """Whether any version of the program has a condition on ``fact``."""
    conditions = [*program.conditions, *(c for v in program.versions for c in v.conditions)] if program else []
    return any(c.fact == fact for c in conditions)


def _requires_registration(program: Any) -> bool:
    """Whether any version of the program has a condition on where the applicant is registered."""
    return _conditions_on(program, "registered_in")


def _outside_unstated(ctx: AskContext, program: Any) -> bool:
    """Whether the ask is about a firm from elsewhere, and the program neither requires local
    registration (a condition would have decided it) nor says it is open to outsiders."""
    return (
        bool(_OUTSIDE_FIRM.search(ctx.ask.text))
        and not program.open_to_outside_applicants
        and not _requires_registration(program)
    )


def _clause_of(result: dict[str, Any], lang: str) -> str:
    clause = (result.get("reference") or {}).get("clause", "")
    return f" ({clause})" if clause and lang == "en" else (f"（{clause}）" if clause else "")


__all__ = ["handle"]
