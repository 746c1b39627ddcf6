"""From a case file to per-ask drafts: route each ask to its handler, or ask back first.

Routing is about what is missing, never about keywords: an ask that needs a region and has
none gets a question (or, when the only places named have no documents, says so); an ambiguous
place gets its readings offered; an intent the classifier is unsure of gets a question. Facts
understanding assumed are said back as caveats. Before routing, each ask is re-read with its
case (reread.py): what a question asks can depend on the rest of the message.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from assistant import lexicon
from assistant.answer.draft import AskDraft, Citer
from assistant.answer.evidence import AskContext
from assistant.answer.facts import as_supposed
from assistant.answer.handlers import HANDLERS, basis_followup, rule_on, simple
from assistant.answer.kinds import admits_kind_asked, bars_what_is_asked
from assistant.answer.knowledge import Knowledge
from assistant.answer.messages import say, sep
from assistant.answer.reread import reread
from assistant.answer.sentences import says_unpublished
from assistant.tools import ToolSession
from assistant.understand.case import Ask, Case
from assistant.understand.documents import unheld_asked, unheld_documents
from assistant.understand.risks import RISK_ASKED
from assistant.understand.subject import domain

# Requests the assistant must not carry out, whatever the rules say (lexicon/injection.yaml).
_FORBIDDEN = {
    kind: lexicon.patterns("injection.yaml", f"forbidden_{kind}")
    for kind in ("false_documents", "official_act", "guarantee", "tax_evasion")
}


def _forbidden(text: str, message: bool = False) -> str | None:
    """The kind of forbidden request ``text`` makes; with ``message``, only the kinds every part
    of a message serves ("帮我开一张假发票 金额80万": its amount is the fake invoice's), not
    "能不能保证批下来", which is declined on its own beside the other questions."""
    kinds = [k for k in _FORBIDDEN if not message or k != "guarantee"]
    return next((kind for kind in kinds if _FORBIDDEN[kind].search(text)), None)


# Answers that depend on the dates the user gives.
_DATED = frozenset({"calculation", "eligibility", "validity"})
NEEDS_REGION = frozenset({"calculation", "eligibility", "validity", "process"})
# Fact topics that only make sense for one region's program ("the rate" of which program?).
PROGRAM_TOPICS = frozenset(
    {"rate", "cap", "budget", "issuer", "doc_number", "period", "minimum", "domestic", "example", "basis"}
)
# Topics of the review law itself ("可以向哪个部门反映", "由谁做公平竞争审查", "以政府名义印发呢"):
# with no region named, the national review rules answer them.
_REVIEW_LAW = frozenset({"report", "responsible", "review_scope", "stage", "government_issued"})
UNCLEAR_BELOW = 0.0  # asks the classifier marks unclear come with confidence 0


def answer_case(
    kb: Knowledge, case: Case, session: ToolSession, today: dt.date
) -> tuple[list[AskDraft], Citer, list[str]]:
    citer = Citer()
    drafts: list[AskDraft] = []
    asks = case.asks or [Ask(text=case.text, intent="fact", confidence=0.0)]
    if _forbidden(case.text, message=True):
        # "帮我开一张假发票 金额80万": every part serves the request, which is declined once
        asks = [asks[0].model_copy(update={"text": case.text})]
    for ask in asks:
        draft = AskDraft(ask=ask)
        seen = as_supposed(case, ask)  # "（2）如尚未付款，能否申请": that point's contract only
        ctx = AskContext(
            kb=kb, session=session, citer=citer, case=seen, ask=ask, draft=draft, today=today, earlier=list(drafts)
        )
        route(ctx)
        drafts.append(draft)
    if any(n.code == "amount_unusable" for n in case.notes):
        # The bounds the note names are the calculator's own, recorded as evidence like its results.
        session.record("amount_bounds", {}, {"min": "0.01", "max": "1e12", "max_zh": "1万亿"})
    if case.invalid_dates:
        session.record("dates_as_written", {}, {"impossible": list(case.invalid_dates)})
    approx = [p.amount for p in case.purchases if p.amount is not None and (p.amount.approx or p.amount.confirm)]
    if approx and any(n.code == "approx_amount" for n in case.notes):
        # "80来万" said back as the figure understood: the reading is recorded like any other result
        session.record("amounts_as_understood", {}, {m.text: format(m.value, "f") for m in approx})
    return drafts, citer, case_caveats(kb, case, drafts)


def route(ctx: AskContext) -> None:
    ask, case = ctx.ask, ctx.case
    if not re.search(r"\w", ask.text) and not case.purchases and not case.places:
        if re.search(r"[?？]", ask.text) or any(unicodedata.category(c) == "So" for c in ask.text):
            # "？？", "👍💰🖥️🙏": someone wants something, not said what
            simple.unclear(ctx, with_help=True)
        else:
            simple.contentless(ctx)  # blank, punctuation or control characters only
        return
    refused = _forbidden(ask.text)
    if refused:
        simple.declined(ctx, refused)
        return
    if "tax" in ask.topics and (domain(ask.text) or _SUPPORT_RECEIVED.search(ask.text)):
        simple.tax_outside(ctx)  # "算力券要不要交企业所得税": no text here says how a voucher is taxed or booked
        return
    if ask.intent in ("greeting", "off_topic"):
        HANDLERS[ask.intent](ctx)
        return
    if basis_followup.answer(ctx, [r for d in ctx.earlier for r in d.legal_refs]):
        return  # "……合规吗？涉及民法典哪一条？": the articles the finding above rests on
    legal = ask.intent == "compliance" and (case.compliance.stated() or RISK_ASKED.search(ask.text))
    if not ask.regions and case.unknown_places and not legal and not _NATIONAL.search(ask.text):
        # (a question about the national level is answered there: "1. 长沙有没有？2. 国家层面呢？")
        simple.unknown_region(ctx, case.unknown_places)
        return
    if (
        not ask.regions
        and not case.purchases
        and not ask.topics
        and not ask.documents
        and _SAYS_NOTHING.match(ask.text)
    ):
        simple.unclear(ctx, with_help=True)  # "算力劵？？", "这个到底咋整 搞不懂": a question back
        return
    if (
        ask.confidence <= UNCLEAR_BELOW
        and not ask.regions
        and not case.purchases
        and not _from_the_texts(ask)
        and not set(ask.topics) & _LAW_TOPICS  # "合同被认定无效，拿到手的补贴会怎么样": the law answers
    ):
        simple.unclear(ctx)
        return
    ask = reread(ctx)
    if case.invalid_dates and ask.intent in _DATED:
        # "合同期2025年2月30日到……", "2205年签的": the date decides the period and the window;
        # ask for it rather than answer on a guess (what else is known stays in the case)
        simple.clarify(ctx, "date", date=sep(ctx.lang).join(case.invalid_dates))
        return
    if (
        not ask.regions
        and (ask.intent == "fact" or (ask.intent == "compliance" and not case.compliance.stated()))
        and set(ask.topics) & {"doc_number", "issuer"}
        and ask.documents
    ):
        # "《公平竞争审查条例》的公布日期", "反垄断法最近一次修正是哪天通过的": the named text's own
        # facts (its region is the country)
        named = ctx.kb.docs.get(ask.documents[0])
        if named is not None:
            ask = ctx.ask = ctx.draft.ask = ask.model_copy(update={"regions": [named.region], "intent": "fact"})
    ambiguous = next((c for c in case.clarifications if c.fact == "place"), None)
    needs_region = ask.intent in NEEDS_REGION or (ask.intent == "fact" and bool(set(ask.topics) & PROGRAM_TOPICS))
    # "Is there a national compute voucher?": whether one exists nationally (no, region by region)
    needs_region = needs_region or (
        ask.intent == "fact" and "exists" in ask.topics and bool(_NATIONAL.search(ask.text))
    )
    unheld = unheld_documents(ask.text, ctx.kb.doc_refs) or (
        not ask.regions and unheld_asked(ask.text, case.text, ctx.kb.doc_refs)
    )
    if ask.intent == "fact" and not ask.documents and unheld:
        needs_region = False  # "《……实施办法》是谁发布的": found wherever the texts mention it
    if not ask.regions and set(ask.topics) & _REVIEW_LAW and ask.intent in ("fact", "eligibility", "compliance"):
        # "某地的条件排斥外地企业，可以向哪个部门反映？": the national review rules say where
        ask = ctx.ask = ctx.draft.ask = ask.model_copy(update={"intent": "compliance"})
        needs_region = False
    if ask.intent == "validity" and ask.documents and all(_national(ctx, x) for x in ask.documents):
        needs_region = False  # "2021年的《……实施细则》现在还有效吗": that text's own status
    if (
        not ask.regions
        and needs_region
        and (
            (ask.intent in ("fact", "validity") and (_names_national_text(ctx) or ask.leans_on))
            or (ask.intent in ("process", "fact") and case.compliance.stated())
        )
    ):
        # "《公平竞争审查条例》的公布日期", "《全国统一大市场建设指引》文号是多少": a question about a
        # national legal text, answered from it (no region to ask for); "……合同写成300万去申请……
        # 如果事后被发现，已领的补贴会怎么处理？": about the arrangement described, not a procedure
        ask = ctx.ask = ctx.draft.ask = ask.model_copy(update={"intent": "compliance"})
        needs_region = False
    if (
        not ask.regions
        and ask.intent == "compliance"
        and _NATIONAL.search(ask.text)
        and not case.compliance.stated()
        and not set(ask.topics) & _REVIEW_LAW
        and not _names_national_text(ctx)
    ):
        ask = ctx.ask = ctx.draft.ask = ask.model_copy(update={"intent": "fact"})
        needs_region = True  # "国家层面是否有统一的算力券": whether a national voucher exists, not a legal check
    if (
        not ask.regions
        and ask.intent == "fact"
        and _NATIONAL.search(ask.text)
        and simple.asks_which_documents(ask.text)
    ):
        simple.national(ctx)  # "国家层面哪些文件提到了算力券": the national texts, listed
        return
    if not ask.regions and needs_region and case.compliance.stated() and any(d.legal_refs for d in ctx.earlier):
        # "……返利条款……会不会无效？还能用这份合同申请算力券吗": the arrangement found risky above
        ask = ctx.ask = ctx.draft.ask = ask.model_copy(update={"intent": "compliance"})
        needs_region = False
    if not ask.regions and needs_region:
        # "国家层面的比例是多少？应到哪里申报？": the second question is about the same level
        if (ambiguous is None and not case.places and _NATIONAL.search(case.text)) or _NATIONAL.search(ask.text):
            simple.national(ctx)
        elif ambiguous is not None:
            simple.clarify(ctx, "place", place=_ambiguous_text(case), options=sep(ctx.lang).join(ambiguous.options))
        elif case.unknown_places:
            simple.unknown_region(ctx, case.unknown_places)
        else:
            simple.clarify(ctx, "region")
        return
    if ask.regions and case.unknown_places:
        partly = say(
            ctx.lang,
            "common.partly_unknown",
            places=sep(ctx.lang).join(case.unknown_places),
            regions=sep(ctx.lang).join(ctx.kb.region_name(r, ctx.lang) for r in ask.regions),
        )
        if ask.intent == "comparison":
            ctx.draft.say(partly)  # "郑州和西安哪个补得多": the place left out is part of the answer
        else:
            ctx.draft.add_caveat(partly)
    matter = rule_on.matter_asked(ask, ctx.earlier[-1].ask.text if ctx.earlier else "")
    if matter is not None:
        rule_on.answer(ctx, matter)  # "训力券对关联交易有没有限制": what the program's text says on it
        return
    HANDLERS[ask.intent](ctx)
    if ctx.draft.verdict in ("in_force", "ended") and _ASKS_WHEN.search(ask.text) and not _WHETHER.search(ask.text):
        # "有效期到哪一天？": a date asked for, answered with it (whether it is in force is not asked)
        ctx.draft.verdict = "answered"
    if ctx.draft.verdict == "answered" and bars_what_is_asked(ask.text, ctx.draft.clauses_said):
        # "省外购买的算力能否申请" answered by "购买省外算力不在支持范围": the rule says no
        ctx.draft.verdict = "not_eligible"
    if ctx.draft.verdict == "answered" and admits_kind_asked(ask.text, ctx.draft.clauses_said):
        # "高校能否申请" answered by "面向……高校": the rule says that kind may apply
        ctx.draft.verdict = "eligible"
    if ctx.draft.verdict == "answered" and says_unpublished(ctx.draft.conclusion):
        # "文号是多少？" answered by a clause saying "文号未找到": the figure is not published
        ctx.draft.verdict = "not_published"
    for c in case.clarifications:
        if c.fact in ("amount", "currency") and ctx.draft.verdict not in ("refused",):
            ctx.draft.ask_for(c.fact, c.question_en if ctx.lang == "en" else c.question_zh)


# What a voucher's tax or booking question is about, besides compute ("补贴要不要交税").
_SUPPORT_RECEIVED = lexicon.patterns("asked.yaml", "support_received")

# A message that names the subject at most and asks nothing in particular: the voucher's name
# with question marks, or words of confusion.
_SAYS_NOTHING = re.compile(
    r"^\W*(算力[券卷劵]|训力[券卷劵]|compute vouchers?)?\W*$"
    r"|^\W*(这个|那个|这)?[^，。？?]{0,4}(到底)?(咋整|怎么办|怎么弄|咋办|咋弄)\W*(搞不懂|看不懂|不明白|不懂)?\W*$"
    r"|^\W*(搞不懂|看不懂|不明白|没看懂)\W*$",
    re.I,
)

_NATIONAL = re.compile(
    r"国家(层面|级|统一|算力券|出台|规定|标准|补贴|政策|文件)|全国(统一|性|层面)|中央(层面|财政)|\b(national|nationwide|nation-wide)\b",
    re.I,
)


# "到哪一天", "什么时候到期": a date asked for; "是否", "还…吗": whether something holds.
_ASKS_WHEN = re.compile(
    r"(到|至)(哪一?天|哪年|哪个月|什么时候|何时)|哪一?天(到期|截止|结束)|(什么时候|何时|哪年)(到期|截止|结束|失效)"
    r"|到期日|截止日期|截止时间|when (does|do|will) (it|they|the \w+) (expire|end|lapse)|expiry date|end date",
    re.I,
)
_WHETHER = re.compile(r"是否|吗|有没有|还(能|可以|在)|whether|\bis it\b|\bstill\b", re.I)


def _national(ctx: AskContext, doc_id: str) -> bool:
    doc = ctx.kb.docs.get(doc_id)
    return doc is not None and doc.region == "national"


def _names_national_text(ctx: AskContext) -> bool:
    """Whether the message names a national text of the library (a law, a regulation, a guideline)."""
    from assistant.understand.documents import named_documents

    return any(d.region == "national" for d in named_documents(ctx.case.text, ctx.kb.doc_refs))


def _ambiguous_text(case: Case) -> str:
    return next((p.text for p in case.places if p.ambiguous), "")


def case_caveats(kb: Knowledge, case: Case, drafts: list[AskDraft]) -> list[str]:
    """What understanding assumed or refused, said once for the whole answer."""
    lang = case.language
    out: list[str] = []
    answered = any(not d.refused and d.verdict != "clarify" for d in drafts)
    if case.injected:
        out.append(say(lang, "common.injection"))
    # An amount we could not use explains why the answer asks for one, answered or not.
    out += [n.en if lang == "en" else n.zh for n in case.notes if n.code == "amount_unusable"]
    if not any(q.fact == "date" for d in drafts for q in d.questions):  # not said twice
        out += [say(lang, "common.invalid_date", date=d) for d in case.invalid_dates]
    if not answered:
        return out
    asked = {r for d in drafts for r in d.regions}
    for place in case.places:
        region = next((c for c in place.chain if c in asked), None)
        if region and place.text and place.text not in (kb.region_name(region, "zh"), kb.region_name(region, "en")):
            name = kb.region_name(region, lang)
            if place.text not in name:
                out.append(say(lang, "common.place_mapped", region=name, place=place.text))
    for note in case.notes:
        out.append(note.en if lang == "en" else note.zh)
    if case.asserted:
        out.append(say(lang, "common.asserted"))  # never repeat the figure: it is not the rule
    return list(dict.fromkeys(out))


# Topics the legal texts answer with no region named.
_LAW_TOPICS = frozenset({"clawback", "law_article", "responsible", "review_scope"})


def _from_the_texts(ask: Ask) -> bool:
    """Whether the intents the classifier hesitates between are both answered from the texts
    ("公平竞争审查由谁负责", "算力券能不能质押"): the best of them is answered, since asking "the
    amount, the conditions or the process?" back fits neither."""
    best_two = sorted(ask.scores, key=lambda k: -ask.scores[k])[:2]
    return len(best_two) == 2 and set(best_two) <= {"fact", "compliance"}


__all__ = ["NEEDS_REGION", "answer_case", "case_caveats", "route"]
