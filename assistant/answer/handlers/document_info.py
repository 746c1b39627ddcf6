"""Who issued a region's text, its number, date and period: from the document's metadata, the
day read from a clause where only a report dates it, and each item asked but not published said
to be so ("印发日期和有效期" for an undated text is not answered with its issuer alone)."""

from __future__ import annotations

import re
from typing import Any

from assistant.answer.evidence import AskContext, best_evidence, from_the_text, search
from assistant.answer.format import date_text
from assistant.answer.messages import say
from assistant.answer.sentences import clean_sentence, sentences

_ONLY_NUMBER_ASKED = re.compile(r"文号|发文字号|令号|文件号|文件编号|document number|reference number", re.I)
_OTHER_DOC_FACT = re.compile(
    r"发布|公布|施行|生效|印发|哪天|何时|什么时候|部门|单位|谁|issued|published|effective|who", re.I
)


def document_info(ctx: AskContext, region: str) -> None:
    """The facts of the region's text asked for (issuer, number, date, period) from its metadata;
    what the metadata lacks is said to be unpublished rather than left out."""
    lang, d = ctx.lang, ctx.draft
    programs = ctx.kb.programs_for([region])
    current = ctx.kb.current_doc(programs[0], ctx.today) if programs else None
    named = [ctx.kb.docs[d] for d in ctx.ask.documents if d in ctx.kb.docs and ctx.kb.docs[d].region == region]
    docs = named + ([current] if current else []) + ctx.kb.policy_docs(region)  # the one named first
    if not docs:
        d.verdict = "refused"
        d.say(say(lang, "common.not_found"))
        return
    doc = docs[0]
    ctx.session.record(
        "document_info",
        {"doc": doc.doc_id},
        {
            "title": doc.title,
            "issuer": doc.issuer,
            "doc_number": doc.doc_number,
            "issued": doc.issued,
            "effective_from": doc.effective_from,
            "effective_to": doc.effective_to,
            "status": doc.status,
        },
    )
    duty = _DUTY.findall(ctx.ask.text)  # "由哪个部门审核": the body that reviews, not only the issuer
    found = search(ctx, [region], k=4, extra=" ".join(["印发 发布 出台 文号 责任单位 负责", *duty]))
    hit = next((h for h in found.get("hits", []) if h["doc_id"] == doc.doc_id), None)
    mark = ctx.cite(hit, prefer=["印发", "发布", "号"]) if hit else ""
    parts = [say(lang, "fact.doc_issuer", issuer=doc.issuer)] if doc.issuer else []
    if doc.doc_number:
        parts.append(say(lang, "fact.doc_number", number=doc.doc_number))
    if doc.issued:
        parts.append(say(lang, "fact.doc_issued", date=date_text(doc.issued, lang)))
    if not doc.doc_number:
        parts.append(say(lang, "fact.doc_number_unknown"))
    period_asked = "period" in ctx.ask.topics or _PERIOD_ASKED.search(ctx.ask.text)  # "执行期限", "施行日期"
    if period_asked and doc.effective_from:  # "发文单位和执行期限", "施行日期"
        start = date_text(doc.effective_from, lang)
        parts.append(
            say(lang, "fact.doc_period", start=start, end=date_text(doc.effective_to, lang))
            if doc.effective_to
            else say(lang, "fact.doc_period_open", start=start)
        )
    dated = _dated_sentence(found, doc.doc_id) if not doc.issued and _DATE_ASKED.search(ctx.ask.text) else None
    # each item asked that the metadata lacks is said to be unpublished ("印发日期和有效期")
    text = ctx.ask.text
    asked = {"number": bool(_ONLY_NUMBER_ASKED.search(text)), "date": bool(_DATE_ASKED.search(text))}
    asked["period"] = bool(period_asked)
    known = {"number": bool(doc.doc_number), "date": bool(doc.issued) or dated is not None}
    known["period"] = bool(doc.effective_from)
    if asked["date"] and not known["date"]:
        parts.append(say(lang, "fact.doc_issued_unknown"))
    if asked["period"] and not known["period"]:
        parts.append(say(lang, "fact.doc_period_unknown"))
    d.say(say(lang, "fact.document", title=doc.title, parts=("; " if lang == "en" else "，").join(parts), mark=mark))
    rest = _ISSUER_ASKED.search(text) or (not any(asked.values()) and _OTHER_DOC_FACT.search(text))
    if any(asked.values()) and not any(known[k] for k in asked if asked[k]) and not rest:
        d.verdict = "not_published"  # "文号是多少？", "印发日期和有效期": nothing asked is published
    if "issuer" in ctx.ask.topics:  # who runs it can differ from who issued it (责任单位)
        hits = [h for h in found.get("hits", []) if h["doc_id"] == doc.doc_id]
        best, sentence, score = _duty_sentence(hits, duty) or best_evidence(
            ctx, hits, ["责任单位", "主管", "负责", "组织实施", "受理", "run by", "responsible"]
        )
        if (
            best is not None
            and score > 0
            and re.search(r"责任单位|主管|负责|组织实施|受理|responsible|run by", sentence)
        ):
            d.say(from_the_text(ctx, best, sentence, limit=160))
    if dated is not None:  # "发布时间": a clause may report the day
        d.say(from_the_text(ctx, dated[0], dated[1], limit=160))


# The duties a question names beside "which department" (审核, 拨付): the sentence naming them.
_DUTY = re.compile(r"审核|审批|拨付|兑付|发放|核销|受理")


def _duty_sentence(hits: list[dict[str, Any]], duty: list[str]) -> tuple[dict[str, Any], str, float] | None:
    """The sentence saying which body does the duty asked about ("扬州市数据局负责审核")."""
    for h in hits if duty else []:
        for s in map(clean_sentence, sentences(h["text"])):
            if any(w in s for w in duty) and re.search(r"负责|主管|组织实施", s):
                return h, s, 1.0
    return None


def _dated_sentence(found: dict[str, Any], doc_id: str) -> tuple[dict[str, Any], str] | None:
    """The sentence that dates the text, not the one closest to the rest of the question."""
    return next(
        (
            (h, s)
            for h in found.get("hits", [])
            if h["doc_id"] == doc_id
            for s in map(clean_sentence, sentences(h["text"]))
            if _DAY_REPORTED.search(s)
        ),
        None,
    )


# "于2023年8月出台", "报道日期为2025年5月27日": when the text came out (some give only a month)
_DAY_REPORTED = re.compile(
    r"\d{4}年\d{1,2}月[^，。；]{0,12}(发布|印发|出台|公布|报道)|(发布|印发|出台|公布|报道)[^，。；]{0,8}\d{4}年\d{1,2}月"
)
# "发文单位", "谁发的": who issued or runs it
_ISSUER_ASKED = re.compile(r"部门|单位|机关|谁|who", re.I)
# "有效期", "执行期限": how long the text runs
_PERIOD_ASKED = re.compile(
    r"有效期|执行期|实施期|期限|施行|生效|实施日期|执行日期|valid|how long|effective|in force from", re.I
)
# "发布时间", "何时印发": the day a text was issued or published is asked
_DATE_ASKED = re.compile(
    r"(发布|印发|公布|出台)(时间|日期)|(何时|什么时候|哪天)(发布|印发|公布|出台)|when was [^?]{0,40}(issued|published)",
    re.I,
)


__all__ = ["document_info"]
