"""What the rules or the law say: rates and caps from the program data, issuer and document
number from the document's metadata, an article the user names by number, otherwise the clause
that answers — framed as what that clause says, with its citation."""

from __future__ import annotations

import re

from assistant.answer.evidence import (
    AskContext,
    add_details,
    best_evidence,
    cite_ref,
    from_the_text,
    say_best_clauses,
    say_clause_on,
    search,
)
from assistant.answer.format import shorten, yuanify
from assistant.answer.handlers import version_on
from assistant.answer.handlers.common import cap_year_open, rules_summary, uses_scheme
from assistant.answer.handlers.document_info import document_info
from assistant.answer.messages import say
from assistant.answer.sentences import asks_open_detail
from assistant.lexicon import load_yaml, patterns
from assistant.understand.topics import voucher_types
from assistant.understand.words_ask import repeats_a_claim

_RULE_TOPICS = {"rate", "cap", "domestic", "minimum"}
# The legal texts by their names, and the words that pick a topic's evidence (lexicon/evidence_words.yaml)
LAW_DOCS: dict[str, str] = load_yaml("evidence_words.yaml")["law_docs"]
PREFER: dict[str, list[str]] = load_yaml("evidence_words.yaml")["prefer"]
SEARCH_EXTRA: dict[str, str] = load_yaml("evidence_words.yaml")["search_extra"]


# "穗开经信规字〔2025〕7号文件中的比例": a document number naming the text the question is about
_NAMED_NUMBER_ONLY = re.compile(r"号(文件|文|通知|政策|措施)?(中|里|里面|内|规定的|的)")

# "最多能连续拿几年", "最长可享受年限": a length of time asked for
_HOW_LONG = re.compile(r"几年|多少年|多久|多长时间|年限|几个月|how (long|many years)", re.I)

# "发票应该按什么金额开": how to invoice (a clause of its own), not which figure is the base
_HOW_TO_INVOICE = re.compile(
    r"(发票|票)[^，。？?]{0,10}(开|开具)[？?吗]?$|(怎么|如何|按什么|按多少)[^，。？?]{0,6}开(具)?(发)?票|how (should|do) .{0,20}invoice",
    re.I,
)


def _timed_step(text: str) -> set[str]:
    """ "多久结算一次" asks how often a step happens: its own words find the clause, and the words
    of a validity period ("能用多久" shares none with 有效期) would find the wrong one."""
    return (
        {"duration"}
        if re.search(
            r"结算|结一次|多久结|兑付|审核|审批|到账|拨付|批下来|(申报|组织|受理)(一次|一轮|一批)|settle|pay out|approv",
            text,
            re.I,
        )
        else set()
    )


def handle(ctx: AskContext) -> None:
    d, lang, ask = ctx.draft, ctx.lang, ctx.ask
    regions = ask.regions
    d.regions = list(regions)
    topics = set(ask.topics)
    programs = ctx.kb.programs_for(regions)
    if ask.voucher != "compute" and not (programs and uses_scheme(ctx, programs[0])):
        d.say(say(lang, "common.other_voucher", voucher=say(lang, f"vouchers.{ask.voucher}")))
    if ask.articles and _article(ctx):
        return
    if "version_choice" in topics and version_on.handle(ctx):
        return
    if _not_held(ctx):
        return
    district_asked = _DISTRICT_ADDON.search(ask.text) or (
        topics & {"rate", "cap"} and _DISTRICT_VOUCHER.search(ctx.case.text)
    )
    district = _district_without_texts(ctx) if programs and district_asked else ""
    if district:
        d.say(say(lang, "fact.district_addon", district=district, city=ctx.kb.region_name(regions[0], lang)))
        d.programs.append(programs[0])
        rules_summary(ctx, regions[0], programs[0])
        d.verdict = "not_published"
        d.bounded_instead = True  # the city's figures are stated: not a refusal
        return
    # "文号、发布日期、比例和上限": a helpdesk enquiry lists document facts and rules in one
    # breath; each part is answered, the document first, then the rules
    about_doc = bool(regions and topics & {"issuer", "doc_number"})
    if (
        about_doc
        and "issuer" not in topics
        and topics & {"rate", "cap"}
        and _NAMED_NUMBER_ONLY.search(ask.text)
        and not re.search(r"文号|发文|发布(日期|时间|单位)|印发|落款", ask.text)
    ):
        about_doc = False  # "……7号文件中算力券的补贴比例和上限": the number names the text, not asked
    about_rules = bool(programs and (ask.voucher == "compute" or ctx.voucher) and topics & _RULE_TOPICS)
    if "duration" in topics and _HOW_LONG.search(ask.text):
        about_rules = False  # "最多能连续拿几年": how long, whatever "最多" suggests
    claimed = _claimed_figures(ask.text)
    if claimed:
        about_rules = False  # "Someone told us the district can top it up to 100%. Is that right?": that clause
    if "cost_share" in topics and not topics & {"cap", "domestic", "minimum"}:
        about_rules = False  # "省市资金分担比例": who pays, not the voucher's rate
    if programs and "basis" in topics and not about_doc and not _HOW_TO_INVOICE.search(ask.text):  # "按哪个数算"
        from assistant.answer.handlers.common import basis_summary

        d.programs.append(programs[0])
        basis_summary(ctx, regions[0], programs[0])
        return
    if programs and "cap_year" in topics:
        return cap_year_open(ctx, regions[0], programs[0])
    if programs and "rounding" in topics:
        _rounding(ctx, regions, programs[0])
        if not (about_doc or about_rules):
            return
    if about_doc:
        document_info(ctx, regions[0])
        if (
            "budget" in topics and not about_rules
        ):  # "出台时间和每年资金总额" of a text with no figures in the calculator
            _clause_for(ctx, regions, "budget")
    if about_rules:
        d.programs.append(programs[0])
        rules_summary(ctx, regions[0], programs[0])
        if "budget" in topics:  # "年度总额和单户年度上限": the total is a clause, not a parameter
            _clause_for(ctx, regions, "budget")
    if about_doc or about_rules:
        return
    if regions and not programs and topics & {"rate", "cap"}:
        from assistant.answer.handlers.common import no_program

        no_program(ctx, regions[0])
        if "budget" in topics:  # "年度资金总额和补贴比例": the total is a clause of its own
            _clause_for(ctx, regions, "budget")
        return
    outside = "applicant" in topics or re.search(r"外省|省外|外地|异地|outside", ask.text, re.I)
    if programs and outside and ctx.kb.programs[programs[0]].open_to_outside_applicants:
        d.say(say(lang, "eligibility.open_outside", name=ctx.kb.program_name(programs[0], lang)))
    kinds = list(dict.fromkeys(voucher_types(ask.text)))
    if "stacking" in topics and regions:
        from assistant.answer.handlers.schemes import stacking_clause, stacking_line

        # one voucher or none named ("一次性50万和按使用费补的能同时拿吗"): the region's rule on
        # holding several, when a policy text states it; two named ("同时申算力券和模型券"): their clause
        clause = stacking_clause(ctx, regions[0], kinds if len(kinds) > 1 else kinds or ["compute"])
        if (
            len(kinds) < 2
            and clause is not None
            and clause[0].get("kind") == "policy"
            and not re.search(r"哪(个|一个|种)|which", ask.text, re.I)
        ):
            stacking_line(ctx, kinds, clause)
            return
        if len(kinds) > 1 and clause is None:  # no text says: that is the answer
            stacking_line(ctx, kinds, None)
            d.verdict = "not_published"
            names = [say("zh", f"vouchers.{k}") for k in kinds]  # each voucher's own clause, as evidence
            add_details(ctx, search(ctx, regions, k=6, extra=" ".join(names)).get("hits", []), names, n=2)
            return
    prefer = [*claimed, *(w for t in topics for w in PREFER.get(t, []))]
    if _timed_step(ask.text):  # "按什么周期结算": the clause naming the step's rhythm
        prefer = ["季度", "按月", "每月", "周期", "结算", "兑付", *prefer]
    extra = " ".join(SEARCH_EXTRA.get(t, "") for t in sorted(topics - _timed_step(ask.text))).strip()
    found = search(ctx, regions, k=8 if regions else 5, include_national=not regions, extra=extra)
    hits = found.get("hits", [])
    if not hits or (found.get("weak") and not regions):
        d.verdict = "refused"
        d.say(say(lang, "common.not_found"))
        return
    hit, sentence, score = best_evidence(ctx, hits, prefer)
    if hit is None:
        d.verdict = "refused"
        d.say(say(lang, "common.not_found"))
        return
    say_best_clauses(ctx, hits, prefer, (hit, sentence, score), cite_prefer=prefer)
    if asks_open_detail(ask.text, sentence):  # "过期了能不能延期": the text says that is not published
        d.verdict = "not_published"
        d.bounded_instead = True  # what is published beside it is stated
    add_details(ctx, hits, prefer, n=2, min_score=1.0)
    if any(h.get("status") == "reported" for h in hits[:3]):
        d.add_caveat(say(lang, "fact.reported"))
    if any(h.get("status") == "draft" for h in hits[:3]):
        d.add_caveat(say(lang, "fact.draft"))


def _rounding(ctx: AskContext, regions: list[str], pid: str) -> None:
    """How the program rounds its amounts: the rule the calculator applies, with the clause that
    states it; a program whose texts state none says so (the calculator's reading beside)."""
    program = ctx.kb.programs.get(pid)
    if program is None:
        return
    rule = program.rounding
    name = ctx.kb.program_name(pid, ctx.lang)
    how = (
        rule.describe()
        if ctx.lang == "en"
        else ("截断" if rule.mode == "ROUND_DOWN" else "四舍五入")
        + (f"保留{rule.places}位小数（单位：{'万元' if rule.unit == 'wan' else '元'}）")
    )
    if rule.reference is None:
        ctx.draft.say(say(ctx.lang, "fact.rounding_unpublished", name=name, rule=how))
        if set(ctx.ask.topics) <= {"rounding"}:  # nothing else asked: the answer is "not published"
            ctx.draft.verdict = "not_published"
            ctx.draft.bounded_instead = True
        return
    found = search(ctx, regions, references=[rule.reference.model_dump()], k=2)
    mark = cite_ref(ctx, found, rule.reference.model_dump(), ["截断", "小数", "取整", "位"])
    text = rule.explanation if ctx.lang != "en" and rule.explanation else how + ("." if ctx.lang == "en" else "。")
    ctx.session.record("rounding_rule", {"program": pid}, {"rule": text})  # the rules data it is said from
    ctx.draft.say(say(ctx.lang, "fact.rounding", name=name, rule=text, mark=mark))


def _clause_for(ctx: AskContext, regions: list[str], topic: str) -> None:
    """The best sentence on one topic the figures above do not state, cited."""
    found = search(ctx, regions, k=6, extra=" ".join(PREFER[topic]))
    hits = found.get("hits", [])
    programs = ctx.kb.programs_for(regions)
    current = ctx.kb.current_doc(programs[0], ctx.today) if programs else None
    # the text in force first, its clauses before our notes about it (a note may quote a claim)
    own = [h for h in hits if current is not None and h["doc_id"] == current.doc_id and h.get("text_kind") != "note"]
    say_clause_on(ctx, own or hits, PREFER[topic])


# "闵行区是否有区级配套算力券及其比例", "区里有没有配套": a district's own add-on
_DISTRICT_ADDON = patterns("asked.yaml", "district_addon")
_DISTRICT_VOUCHER = patterns("asked.yaml", "district_voucher_named")


def _claimed_figures(text: str) -> list[str]:
    """The percentages of a claim the user heard and asks us to check ("有人说区里能补到100%，
    对吗"): the clause stating that figure answers, not the program's rate line."""
    if not repeats_a_claim(text):
        return []
    return re.findall(r"\d+(?:\.\d+)?\s*%", text)


def _district_without_texts(ctx: AskContext) -> str:
    """The district (or county) the user named when it has no texts of its own: the ask's region
    is its city, so what the district adds is not in the library."""
    for place in ctx.case.places:
        if place.district and place.region and place.region in ctx.ask.regions:
            if place.district != ctx.kb.region_name(place.region, "zh"):  # not 石景山区, a region of its own
                return place.district if ctx.lang != "en" else place.text
    return ""


# Brackets and spaces, which number and title are written with in many forms ("〔2025〕", "[2025]")
_BRACKETS = re.compile(r"[\s\[［(（\]］)）〔〕]")


def _not_held(ctx: AskContext) -> bool:
    """A document named by number or title that the library does not hold ("鲁政办字〔2025〕49号
    文件里的比例", "《公平竞争审查条例实施办法》是谁发布的"): answered from what the held texts
    say about it, never from the rules of another document; a figure they say is not visible is
    not published."""
    from assistant.answer.sentences import says_unpublished
    from assistant.understand.documents import named_documents, unheld_asked, unheld_documents

    refs = ctx.kb.doc_refs  # "哪天公布的" after the text's number: that text, when no region is asked
    names = unheld_documents(ctx.ask.text, refs) if ctx.ask.regions else unheld_asked(ctx.ask.text, ctx.case.text, refs)
    if not names or named_documents(ctx.ask.text, ctx.kb.doc_refs):
        return False
    plain = [_BRACKETS.sub("", n) for n in names]
    found = search(ctx, ctx.ask.regions, query=" ".join(names), extra=ctx.ask.text, k=8, include_national=True)
    hits = [h for h in found.get("hits", []) if any(p in _BRACKETS.sub("", h["text"]) for p in plain)]
    d, lang = ctx.draft, ctx.lang
    if not hits:
        if ctx.ask.regions:
            return False  # the region's own texts answer as for any other question
        d.verdict = "refused"
        d.say(say(lang, "common.not_found"))
        return True
    prefer = [w for t in ctx.ask.topics for w in PREFER.get(t, [])] + ["未见公开", "发布", "施行"]
    hit, sentence, _score = best_evidence(ctx, hits, prefer)
    if hit is None:
        return False
    # the whole passage about the text when it is short: what it is and what is not visible of it
    body = re.sub(r"^\s*(第[一二三四五六七八九十百零〇]+条)\s*(【[^】]{1,30}】\s*)*", "", hit["text"])
    passage = body if len(body) <= 260 else sentence
    text = yuanify(shorten(passage, 260))
    d.say(say(lang, "fact.not_held", name=names[0] if names[0].endswith("号") else f"《{names[0]}》"))
    d.say(from_the_text(ctx, hit, passage, limit=260))
    if set(ctx.ask.topics) & _RULE_TOPICS and re.search(
        r"未见公开|未公开|未见|not (?:been )?published|not visible", text
    ):
        d.verdict = "not_published"
    elif says_unpublished([text]):
        d.verdict = "not_published"
    return True


def article_lines(ctx: AskContext) -> bool:
    return _article(ctx)


def _article(ctx: AskContext) -> bool:
    """The clause the user names by number ("民法典第154条"), looked up exactly."""
    low = ctx.ask.text.lower()
    docs = [doc for word, doc in LAW_DOCS.items() if word in low]
    if not docs:
        for r in ctx.ask.regions:
            docs += [x.doc_id for x in ctx.kb.policy_docs(r)]
    refs = []
    for doc in dict.fromkeys(docs):
        for label in ctx.ask.articles:
            chunk = ctx.kb.clauses.find(doc, label)
            if chunk is not None and chunk.locator == label:
                refs.append({"doc": chunk.doc_id, "clause": chunk.locator})
    if not refs:
        return False
    found = search(ctx, ctx.ask.regions, references=refs, fetch_only=True)
    for h in found.get("references", [])[:2]:
        body = re.sub(r"^\s*(第[一二三四五六七八九十百零〇]+条)\s*(【[^】]{1,30}】\s*)*", "", h["text"])
        ctx.draft.clauses_said.append(body)
        ctx.draft.say(
            say(
                ctx.lang,
                "fact.article",
                title=h["title"],
                locator=h["locator"],
                text=yuanify(shorten(body, 260)),
                mark=ctx.cite(h),
            )
        )
    return bool(found.get("references"))


__all__ = ["handle"]
