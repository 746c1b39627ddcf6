"""Is a program (or a region's policy document) in force on a date, and what is known beyond it.

Every answer that states an amount or a rule carries this: an ended program's amount is a
reference under the old rule, with the latest known statement about continuation and whom to
ask; a program ending within ``SOON_DAYS`` is flagged; a future start is said.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

from assistant.answer.evidence import AskContext, Search, cite_ref
from assistant.answer.format import date_text
from assistant.answer.knowledge import DocInfo
from assistant.answer.messages import say
from assistant.rules.model import Round, Statement, Version

SOON_DAYS = 90  # "ends soon": within 90 days of the date asked about (as the calculator warns)

# "succeeded": the version asked about states no end, and a later version of the same program
# applies from a later date; whether the later one formally replaces it is not stated.
State = Literal["in_force", "ended", "not_yet", "unknown", "draft", "succeeded"]


@dataclass
class Validity:
    state: State
    title: str
    start: dt.date | None
    end: dt.date | None
    doc: DocInfo | None
    program: str | None
    statement: Statement | None
    ends_soon: bool
    reference: dict[str, str] | None  # the clause that gives the period
    successor: tuple[str, dt.date] | None = None  # (title, start) of the version after it


def validity(
    ctx: AskContext, program: str | None, region: str | None, on: dt.date, doc_id: str | None = None
) -> Validity | None:
    """The validity of ``program`` (or of ``region``'s first policy document) on ``on``;
    ``doc_id``: the version the question names ("上海2023年大模型措施"), not the current one."""
    kb = ctx.kb
    doc = kb.doc_of(program, region)
    start: dt.date | None
    successor: tuple[str, dt.date] | None = None
    if program and program in kb.programs:
        p = kb.programs[program]
        scheme = _scheme_named(ctx.ask.text, p)  # "杭州人工智能终端企业的算力券": that scheme's versions
        versions = sorted((scheme or p).versions, key=lambda v: v.effective_from)
        named = [v for v in versions if doc_id and v.corpus_doc == doc_id]
        if named:
            v, state, successor = _named_version(ctx, named[-1], versions, on)
        else:
            v, state = _version_on(versions, on)
        doc = kb.docs.get(v.corpus_doc, doc)
        ref = v.reference.model_dump() if v.reference else None
        statement = p.statements[0] if p.statements else None
        title = v.label_en if ctx.lang == "en" and v.label_en else (v.label_zh or (doc.title if doc else p.name))
        start, end = v.effective_from, v.effective_to
    elif doc is not None:
        start, end, statement, ref, title = doc.effective_from, doc.effective_to, None, None, doc.title
        if start and on < start:
            state = "not_yet"
        elif end and on > end:
            state = "ended"
        elif doc.status in ("expired", "superseded"):
            state = "ended"
        elif doc.status == "draft":
            state = "draft"
        else:
            state = "in_force" if doc.status != "reported" else "unknown"
    else:
        return None
    # "Ends soon" is about today: a past date asked about ("2025年") is answered as history.
    soon = state == "in_force" and end is not None and on >= ctx.today and (end - on).days <= SOON_DAYS
    ctx.session.record(
        "validity",
        {"program": program, "region": region, "date": on},
        {
            "state": state,
            "title": title,
            "start": start,
            "end": end,
            "statement_date": statement.date if statement else None,
        },
    )
    return Validity(state, title, start, end, doc, program, statement, soon, ref, successor)


def _scheme_named(text: str, program: Any) -> Any:
    """The scheme of a program whose own name the question uses ("人工智能终端企业" of
    "杭州市人工智能终端企业算力券（征求意见稿）"), or None."""
    for scheme in getattr(program, "schemes", None) or []:
        core = re.sub(r"^[\u4e00-\u9fff]{2,3}[市省区]|算力券|[（(][^）)]*[）)]", "", scheme.name)
        if len(core) >= 4 and core in text:
            return scheme
    return None


def _version_on(versions: list[Version], on: dt.date) -> tuple[Version, State]:
    """The version that applies on ``on`` (the latest started), or the one that ended last."""
    current = [v for v in versions if v.in_force_on(on)]
    if current:
        v = max(current, key=lambda x: x.effective_from)
        return v, "draft" if v.status == "draft" else "in_force"  # a 征求意见稿 is not in force
    if all(v.effective_from > on for v in versions):
        return versions[0], "not_yet"
    return max((x for x in versions if x.effective_from <= on), key=lambda x: x.effective_to or dt.date.max), "ended"


def _named_version(
    ctx: AskContext, v: Version, versions: list[Version], on: dt.date
) -> tuple[Version, State, tuple[str, dt.date] | None]:
    """The state of the version a question names. One that states no end while a later version
    of the program applies is "succeeded": the texts do not say it was replaced."""
    later = [x for x in versions if x.effective_from > v.effective_from and x.corpus_doc != v.corpus_doc]
    if later and later[0].effective_from <= on and v.effective_to is None and v.status != "draft":
        doc = ctx.kb.docs.get(later[0].corpus_doc)
        return v, "succeeded", (doc.title if doc else later[0].label_zh, later[0].effective_from)
    if v.in_force_on(on):
        return v, "draft" if v.status == "draft" else "in_force", None
    return v, "not_yet" if v.effective_from > on else "ended", None


def statement_text(ctx: AskContext, v: Validity, found: Search) -> str:
    if v.statement is None:
        return ""
    st = v.statement
    mark = cite_ref(ctx, found, st.reference.model_dump(), ["2026", "延续", "继续"])
    return (st.en if ctx.lang == "en" else st.zh).rstrip("。.") + mark


def validity_line(ctx: AskContext, v: Validity, found: Search, *, for_amount: bool) -> str:
    """One sentence for the conclusion (``for_amount``: the amount is a reference) or a caveat."""
    lang = ctx.lang
    issuer = ctx.kb.issuer_of(None, v.program) or (v.doc.issuer if v.doc else "") or say(lang, "validity.the_issuer")
    mark = cite_ref(ctx, found, v.reference, ["执行期", "结束", "施行"]) if v.reference else ""
    if v.state == "ended" and v.end:
        key = "validity.ended_amount" if for_amount else "validity.ended"
        if v.end >= ctx.today:  # "2027年签的合同": the period ends before the time asked about
            key = "validity.ends_before"
        line = say(lang, key, title=v.title, end=date_text(v.end, lang), mark=mark)
        statement = statement_text(ctx, v, found)
        return (
            line
            + (say(lang, "validity.statement", statement=statement) if statement else "")
            + say(lang, "validity.ask_issuer", issuer=issuer)
        )
    if v.state == "draft":
        return say(lang, "validity.draft", title=v.title, mark=mark)
    if v.state == "succeeded" and v.successor:
        later, since = v.successor
        return say(lang, "validity.succeeded", title=v.title, mark=mark, later=later, start=date_text(since, lang))
    if v.state == "not_yet" and v.start:
        return say(lang, "validity.not_yet", title=v.title, start=date_text(v.start, lang), mark=mark)
    if v.ends_soon and v.end:
        return say(lang, "validity.ends_soon", title=v.title, end=date_text(v.end, lang), mark=mark, issuer=issuer)
    return ""


def period_caveat(
    ctx: AskContext, program: str | None, region: str | None, found: Search, on: dt.date
) -> Validity | None:
    """Add the validity sentence as a caveat when the program ended, has not started or ends soon."""
    v = validity(ctx, program, region, on)
    if v is not None:
        line = validity_line(ctx, v, found, for_amount=False)
        if line:
            ctx.draft.add_caveat(line)
        if v.statement is not None and v.state != "ended" and v.statement.confidence == "lead":
            ctx.draft.add_caveat(statement_text(ctx, v, found))
    return v


def named_doc(ctx: AskContext, program: str | None) -> str | None:
    """The document of ``program`` the ask names ("2023年的《…若干措施》现在是否有效")."""
    docs = (ctx.kb.docs.get(d) for d in ctx.ask.documents)
    return next((doc.doc_id for doc in docs if program and doc is not None and doc.program == program), None)


# "2024年度……现在还能补报吗", "2024年度奖补还能不能申报": a yearly round named by its year
_ROUND_YEAR = re.compile(r"(20\d\d)\s*年度")
_LATE = re.compile(r"补报|补交|补申|还能(不能)?(申报|报|申请)|还可以(申报|报)")


def closed_round(ctx: AskContext, program: str | None) -> Round | None:
    """The application round the ask names by its year, when its closing day has passed."""
    if program is None or program not in ctx.kb.programs:
        return None
    years = {int(y) for y in _ROUND_YEAR.findall(ctx.ask.text)}
    if not years and _LATE.search(ctx.ask.text):  # "1.申报截止时间 …… 4.现在还能补报吗" under one title
        years = {int(y) for y in _ROUND_YEAR.findall(ctx.case.text)}
    rounds = [r for r in ctx.kb.programs[program].rounds if r.year in years and r.closes < ctx.today]
    return rounds[0] if rounds else None


def round_line(ctx: AskContext, r: Round, found: Search) -> str:
    """ "青岛2024年度奖补项目的申报截止时间为2025年5月15日，已经过去", cited."""
    mark = cite_ref(ctx, found, r.reference.model_dump(), ["截止"])
    label = r.label_en if ctx.lang == "en" else r.label_zh
    return say(ctx.lang, "validity.round_closed", label=label, closes=date_text(r.closes, ctx.lang), mark=mark)


__all__ = [
    "SOON_DAYS",
    "Validity",
    "closed_round",
    "named_doc",
    "period_caveat",
    "round_line",
    "statement_text",
    "validity",
    "validity_line",
]
