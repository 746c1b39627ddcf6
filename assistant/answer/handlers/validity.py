"""Is it still in force, can we still apply (in 2026): the period, the latest known statement,
and whom to ask — never eligibility conditions instead."""

from __future__ import annotations

import datetime as dt
import re

from assistant.answer.evidence import AskContext, best_evidence, from_the_text, lang_hits, search, terms
from assistant.answer.format import date_text
from assistant.answer.handlers.common import confirm, rules_summary
from assistant.answer.messages import say
from assistant.answer.sentences import pick_best
from assistant.answer.validity import closed_round, named_doc, round_line, statement_text, validity, validity_line
from assistant.lexicon import patterns
from assistant.understand.dates import find_dates
from assistant.understand.documents import names_a_document_year

# "can we still apply now?", "现在还能申请吗": today, whatever date the contract carries
_STILL_OPEN_NOW = patterns("asked.yaml", "still_open_now")


def _date_asked(ctx: AskContext) -> dt.date:
    as_of = ctx.case.as_of
    own = find_dates(ctx.ask.text, ctx.today)
    # "Still open for 2026? Our contract ran to 31 December 2025 …": the date of another point is not this one's
    elsewhere = len(ctx.case.asks) > 1 and (as_of is None or not any(m.value <= as_of <= m.last for m in own))
    if (
        as_of is not None
        and not elsewhere  # "目前是否仍在有效期内？如2027年1月再提交，是否还可以？": 2027 is the second's
        and not (ctx.ask.documents and names_a_document_year(ctx.case.text, as_of.year))
    ):
        return as_of  # not "杭州2024年7月的措施是否已被替代": that month names the document
    year = ctx.ask.year
    signed = [p.signed for p in ctx.case.purchases if p.signed is not None]
    if year is None and len(signed) == 1 and signed[0] > ctx.today and re.search(r"签|sign", ctx.ask.text, re.I):
        return signed[0]  # "2027年签的合同 能补吗": whether the text runs when it is signed
    if year is not None and year > ctx.today.year:
        return dt.date(year, 1, 1)
    if year is not None and year < ctx.today.year:
        return dt.date(year, 12, 31)
    return ctx.today


# "是否已被新版替代", "2023年的和2025年的现在适用哪一个": whether a text was replaced, asked now
_REPLACED = re.compile(
    r"替代|取代|废止|代替|被[^，。？?]{0,12}(新版|新政策|新举措|新文件|新办法)|适用哪(一)?(个|份|版)|以哪(个|份|一版)为准"
    r"|哪(个|份|一版)(文件|版本|政策)?(为准|有效|适用)|\b(superseded|replaced|repealed)\b|which (one|version|text) applies",
    re.I,
)


def handle(ctx: AskContext) -> None:
    d, lang = ctx.draft, ctx.lang
    replaced_asked = bool(_REPLACED.search(ctx.ask.text))
    on = ctx.today if replaced_asked or _STILL_OPEN_NOW.search(ctx.ask.text) else _date_asked(ctx)
    d.regions = list(ctx.ask.regions)
    states = []
    if not ctx.ask.regions and (_national_status(ctx) or (replaced_asked and _replaced_texts(ctx))):
        return
    for region in ctx.ask.regions:
        programs: list[str | None] = [*ctx.kb.programs_for([region])] or [None]
        for pid in programs[:1]:
            closed = closed_round(ctx, pid)
            if closed is not None:  # "2024年度奖补现在还能补报吗": that round's closing day
                found = search(ctx, [region], references=[closed.reference.model_dump()], k=3)
                d.say(round_line(ctx, closed, found))
                d.programs.append(str(pid))
                states.append("ended")
                continue
            v = validity(ctx, pid, region, on, named_doc(ctx, pid))
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
    # "被什么政策取代了", "What has replaced it?": with no later version known, that is the answer
    successor_unknown = bool(_SUCCESSOR_ASKED.search(ctx.ask.text)) and "succeeded" not in states
    if replaced_asked and states and not successor_unknown and _replaced_texts(ctx):
        return
    if states and "succeeded" not in states and (_NEW_TEXT_ASKED.search(ctx.ask.text) or successor_unknown):
        # "2026年有没有新的通知", "是否已出台接续政策": none is in the knowledge base; the period
        # above says why it matters (stated, so this is no refusal)
        d.say(say(lang, "validity.no_new_text"))
        d.verdict = "not_published"
        d.bounded_instead = True
    elif "in_force" in states and _AFTER_THE_END.search(ctx.ask.text) and _APPLY.search(ctx.ask.text):
        # "有效期届满后还能否提交申报": the texts give the end, not what happens after it
        d.say(say(lang, "validity.after_end_unpublished"))
        d.verdict = "not_published"
        d.bounded_instead = True
    elif "succeeded" in states:
        d.verdict = "answered"  # whether the later text replaced it is not stated
    elif "ended" in states:
        d.verdict = "ended"
    elif "in_force" in states:
        d.verdict = "in_force"
    else:
        d.verdict = "answered"


def _national_status(ctx: AskContext) -> bool:
    """A national text named by title ("2021年的《公平竞争审查制度实施细则》现在还有效吗"): its
    status as its source records it; one marked superseded says by which."""
    named = [ctx.kb.docs[x] for x in ctx.ask.documents if x in ctx.kb.docs]
    if not named or any(doc.region != "national" or doc.status not in ("in_force", "superseded") for doc in named):
        return False  # (an expired or reported text: the general path says its period)
    if any(doc.status == "superseded" for doc in named):
        return _replaced_texts(ctx)
    d, lang = ctx.draft, ctx.lang
    for doc in named:
        found = search(ctx, [doc.region], k=3, extra="施行 生效")
        hit = next((h for h in found.get("hits", []) if h["doc_id"] == doc.doc_id), None)
        mark = ctx.cite(hit) if hit else ""
        start = date_text(doc.effective_from or doc.issued, lang) if (doc.effective_from or doc.issued) else ""
        d.say(say(lang, "validity.in_force_open", title=doc.title, mark=mark, start=start))
    d.verdict = "in_force"
    return True


_RELATION = re.compile(r"替代|废止|取代|替换|新版|修订|衔接|又出台|replac|supersed|repeal", re.I)


def _replaced_texts(ctx: AskContext) -> bool:
    """Whether the texts asked about were replaced: a text its source marks as superseded says by
    which (answered); otherwise what the texts say of a newer version, and that the replacement
    itself is not stated (undetermined). False when no text is known to speak of."""
    d, lang = ctx.draft, ctx.lang
    named = [ctx.kb.docs[x] for x in ctx.ask.documents if x in ctx.kb.docs]
    if not named:
        for region in ctx.ask.regions:
            pids = ctx.kb.programs_for([region])
            doc = ctx.kb.current_doc(pids[0], ctx.today) if pids else ctx.kb.doc_of(None, region)
            named += [doc] if doc is not None else []
    if not named:
        return False
    superseded = [doc for doc in named if doc.status == "superseded"]
    for doc in superseded:
        later = ctx.kb.docs.get(doc.superseded_by or "")
        found = search(ctx, [doc.region], k=4, extra="替代 废止 取代 新版")
        hit = next((h for h in found.get("hits", []) if h["doc_id"] == doc.doc_id), None)
        mark = ctx.cite(hit, prefer=["替代", "取代", "废止", "新版"]) if hit else ""
        if later is not None:
            number = later.doc_number or ""
            got = search(ctx, [later.region], query=f"{later.title} {number}", k=4)
            own = [h for h in got.get("hits", []) if h["doc_id"] == later.doc_id]
            cited = next((h for h in own if number and number in h["text"]), own[0] if own else None)
            later_mark = ctx.cite(cited) if cited else ""
            name = f"《{later.title}》" + (f"（{number}）" if number and cited else "")
            d.say(say(lang, "validity.superseded_by", title=doc.title, later=name + later_mark, mark=mark))
        else:
            d.say(say(lang, "validity.superseded", title=doc.title, mark=mark))
    if superseded:
        d.verdict = "answered"
        return True
    regions = list(dict.fromkeys(doc.region for doc in named))
    found = search(ctx, regions, k=6, extra="替代 废止 取代 新版 修订 征求意见 关系")
    # the source's own note (说明) is often where the relation is stated ("两者的衔接关系未见公开")
    hits = [h for h in lang_hits(found.get("hits", []), lang) if _RELATION.search(h["text"])]
    hit, sentence, _score = pick_best(
        hits, terms(ctx), ["替代", "废止", "取代", "新版", "衔接", "未见", "未核实"], top=6
    )
    if hit is not None and _RELATION.search(sentence):
        d.say(from_the_text(ctx, hit, sentence))
    d.say(say(lang, "validity.replacement_unstated", title=named[0].title))
    d.verdict = "undetermined"
    return True


# "有没有新的通知", "出台新政策了吗", "is there a new notice": a later text, not the period
_NEW_TEXT_ASKED = re.compile(
    r"(有没有|有无|是否有|是否)(出台|发布|印发)?(了)?[^，。？?]{0,6}新的?[^，。？?]{0,3}(通知|政策|文件|措施|办法|方案)|"
    r"(出台|发布|印发)(了)?新的?(通知|政策|文件|措施|办法|方案)|新的?(通知|政策|文件|措施|办法)(出来|出台|发布)|"
    r"(是否|有没有)还有[^，。？?]{0,6}(通知|政策|文件|措施)|"
    r"(还会不会|会不会|是否会|是否还会|还会)(继续|延续)|\bwill it (continue|be renewed)\b|接续|后续政策|延续政策|另有[^，。？?]{0,6}(通知|政策|文件|措施|安排)|新一(轮|批|年度)|下一(轮|年度|批)|"
    r"20\d\d年度?[^，。？?]{0,4}(有没有|还有|会不会|是否有)[^，。？?]{0,6}(通知|政策|文件|批次|指南)|"
    r"(今年|明年|新一年|20\d\d年度?)的[^，。？?]{0,6}(出了|出来了?|发了|发布了|出台了)(没|吗|没有)|"  # "今年的出了没"
    r"\b(new|newer|later|follow-up|next|successor) (notice|policy|measures|document|round|scheme|programme|program)\b|"
    r"\b(a|another) (20\d\d|new|second|next) round\b|\bround (in|for) 20\d\d\b|\bsuccessor\b",
    re.I,
)
_SUCCESSOR_ASKED = patterns("asked.yaml", "successor_asked")  # the same words route the ask here
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
    ctx.draft.say(from_the_text(ctx, hit, sentence, limit=160))


# "到期后", "届满后": after the period; with "申报", whether claims are still taken then
_AFTER_THE_END = patterns("asked.yaml", "after_the_end")
_APPLY = re.compile(r"申报|申请|申领|提交|apply|claim", re.I)


__all__ = ["handle"]
