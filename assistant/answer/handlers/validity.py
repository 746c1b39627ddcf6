"""Is it still in force, can we still apply (in 2026): the period, the latest known statement,
and whom to ask — never eligibility conditions instead."""

from __future__ import annotations

import datetime as dt
import re

from assistant.answer.evidence import AskContext, according_key, best_evidence, search
from assistant.answer.format import date_text, shorten, yuanify
from assistant.answer.handlers.common import confirm, rules_summary
from assistant.answer.messages import say
from assistant.answer.validity import statement_text, validity, validity_line
from assistant.understand.documents import names_a_document_year


def _date_asked(ctx: AskContext) -> dt.date:
    as_of = ctx.case.as_of
    if as_of is not None and not (ctx.ask.documents and names_a_document_year(ctx.case.text, as_of.year)):
        return as_of  # not "杭州2024年7月的措施是否已被替代": that month names the document
    year = ctx.ask.year
    if year is not None and year > ctx.today.year:
        return dt.date(year, 1, 1)
    if year is not None and year < ctx.today.year:
        return dt.date(year, 12, 31)
    return ctx.today


def _named_doc(ctx: AskContext, program: str | None) -> str | None:
    """The document of ``program`` the ask names ("2023年的《…若干措施》现在是否有效")."""
    docs = (ctx.kb.docs.get(d) for d in ctx.ask.documents)
    return next((doc.doc_id for doc in docs if program and doc is not None and doc.program == program), None)


def handle(ctx: AskContext) -> None:
    d, lang = ctx.draft, ctx.lang
    on = _date_asked(ctx)
    d.regions = list(ctx.ask.regions)
    states = []
    for region in ctx.ask.regions:
        programs: list[str | None] = [*ctx.kb.programs_for([region])] or [None]
        for pid in programs[:1]:
            v = validity(ctx, pid, region, on, _named_doc(ctx, pid))
            if v is None:
                continue
            if pid:
                d.programs.append(pid)
            refs = [v.reference] if v.reference else []
            if v.statement is not None:
                refs.append(v.statement.reference.model_dump())
            found = search(
                ctx, [region], references=refs, k=3, extra="执行期 有效期 延续" if lang != "en" else "period continue"
            )
            states.append(v.state)
            line = validity_line(ctx, v, found, for_amount=False)
            if v.state == "in_force" and v.end and v.end < ctx.today:
                mark = ctx.cite(found["references"][0]) if v.reference and found.get("references") else ""
                span = say(lang, "validity.span", start=date_text(v.start, lang), end=date_text(v.end, lang))
                line = say(lang, "validity.in_force_then", title=v.title, mark=mark, span=span, year=on.year)
                statement = statement_text(ctx, v, found)
                line += say(lang, "validity.statement", statement=statement) if statement else ""
                line += say(lang, "validity.ask_issuer", issuer=ctx.kb.issuer_of(region, pid) or "")
            elif v.state == "in_force" and not line:
                mark = ctx.cite(found["references"][0]) if v.reference and found.get("references") else ""
                if v.end:
                    span = say(lang, "validity.span", start=date_text(v.start, lang), end=date_text(v.end, lang))
                    line = say(lang, "validity.in_force", title=v.title, mark=mark, span=span)
                else:
                    line = say(lang, "validity.in_force_open", title=v.title, mark=mark, start=date_text(v.start, lang))
            elif v.state == "unknown" and not line:
                line = say(lang, "validity.unknown", title=v.title, mark="")
            elif v.state == "in_force" and line:  # ends soon: say the span too
                pass
            d.say(line)
            if pid and set(ctx.ask.topics) & {"cap", "rate"}:
                rules_summary(ctx, region, pid)  # "提高上限了吗": the figures the texts give
            _mechanics(ctx, found, v.reference)
            if v.statement is not None and v.state != "ended" and not (v.end and v.end < ctx.today):
                d.add_caveat(v.statement.en if lang == "en" else v.statement.zh)
            confirm(ctx, region, pid)
    if "ended" in states and _NEW_TEXT_ASKED.search(ctx.ask.text):
        # "2026年有没有新的通知": none is in the knowledge base; the period above says why it matters
        d.say(say(lang, "validity.no_new_text"))
        d.verdict = "not_published"
    elif "succeeded" in states:
        d.verdict = "answered"  # whether the later text replaced it is not stated
    elif "ended" in states:
        d.verdict = "ended"
    elif "in_force" in states:
        d.verdict = "in_force"
    else:
        d.verdict = "answered"


# "有没有新的通知", "出台新政策了吗", "is there a new notice": a later text, not the period
_NEW_TEXT_ASKED = re.compile(
    r"(有没有|有无|是否有|是否)(出台|发布|印发)?(了)?[^，。？?]{0,6}新的?(通知|政策|文件|措施|办法|方案)|"
    r"(出台|发布|印发)(了)?新的?(通知|政策|文件|措施|办法|方案)|新的?(通知|政策|文件|措施|办法)(出来|出台|发布)|"
    r"(是否|有没有)还有[^，。？?]{0,6}(通知|政策|文件|措施)|"
    r"\b(new|newer|later|follow-up) (notice|policy|measures|document|round)\b",
    re.I,
)
_MECHANICS = re.compile(r"个月|季度|有效期|结算|先|后|全额|截止|到期|valid|months|quarter|before|after")


def _mechanics(ctx: AskContext, found: dict[str, object], period_ref: dict[str, str] | None) -> None:
    """ "有效期多长", "多久结算一次", "先付钱吗": what the texts say about the voucher itself,
    beside the program's period, when a clause answers it."""
    raw = found.get("hits")
    hits = [h for h in raw if isinstance(h, dict)] if isinstance(raw, list) else []
    skip = {h["chunk_id"] for h in hits if period_ref and h["locator"] == period_ref.get("clause")}
    hit, sentence, score = best_evidence(ctx, hits, [], skip)
    if hit is None or score < 1.5 or not _MECHANICS.search(sentence):
        return
    ctx.draft.say(
        say(
            ctx.lang,
            according_key(hit),
            title=hit["title"],
            locator=hit["locator"],
            text=yuanify(shorten(sentence, 160)),
            mark=ctx.cite(hit),
        )
    )


__all__ = ["handle"]
