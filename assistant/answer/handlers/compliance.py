"""Is a planned use, contract or measure allowed: the compliance rules applied to the facts the
case holds (stated in words or in a form), each finding with its legal basis and advice.

Only facts the user stated count: a word such as 子公司 or 同时 alone sets no fact, so it
triggers no finding. A legal question with no facts is answered from the legal texts.
"""

from __future__ import annotations

import re
from typing import Any

from assistant import lexicon
from assistant.answer.evidence import AskContext, add_details, best_evidence, cite_ref, say_best_clauses, search
from assistant.answer.facts import applicant_facts, case_facts, purchase_facts
from assistant.answer.handlers.fact import LAW_DOCS, PREFER, SEARCH_EXTRA
from assistant.answer.messages import say, sep
from assistant.answer.stacking import OpenStacking, level_label, open_stacking
from assistant.lexicon import patterns
from assistant.understand.case import ComplianceFacts
from assistant.understand.topics import article_number


def _point_by_point(ctx: AskContext) -> bool:
    """Whether the message asks about each of several arrangements on its own ("这三点分别有什么
    风险"): then each ask is checked on the facts its own words state."""
    own = [a for a in ctx.case.asks if a.intent == "compliance" and a.own_facts is not None]
    return len(own) > 1 and ctx.ask.own_facts is not None


# Applicant facts that describe one arrangement rather than who the firm is: checked only on the
# point whose words state them.
_ARRANGEMENT_FACTS = ("other_municipal_subsidy",)


def _facts_of(ctx: AskContext, point_by_point: bool) -> tuple[ComplianceFacts, dict[str, Any]]:
    """The arrangements and the purchase and applicant facts the check reads: this point's own,
    or the whole conversation's."""
    from assistant.understand.phrases import read_group

    own, purchase = ctx.ask.own_facts, ctx.ask.own_purchase
    if not point_by_point or own is None or purchase is None:
        # the supplier this question's own words describe ("同一个实控人……能申吗？如果换一家无关的……")
        said = {k: v for k, v in read_group(ctx.ask.text, "purchase").items() if k == "supplier_related"}
        return ctx.case.compliance, {**case_facts(ctx.case), **said}

    who = {k: v for k, v in applicant_facts(ctx.case).items() if k not in _ARRANGEMENT_FACTS}
    stated = {k: v for k, v in read_group(ctx.ask.text, "applicant").items() if k in _ARRANGEMENT_FACTS}
    return own, {**who, **stated, **purchase_facts(purchase)}


def handle(ctx: AskContext) -> None:
    d, lang = ctx.draft, ctx.lang
    regions = ctx.ask.regions
    d.regions = list(regions)
    programs = ctx.kb.programs_for(regions)
    point_by_point = _point_by_point(ctx)
    arrangements, known = _facts_of(ctx, point_by_point)
    facts: dict[str, Any] = {**known, **arrangements.stated()}
    if facts.pop("non_compute_bundled", None) and "line_items" not in facts:
        # "把存储、网络费用都并进算力服务费": the items named are in the contract's compute fee
        from assistant.understand.phrases import non_compute_items_named

        named = non_compute_items_named(ctx.ask.text if point_by_point else ctx.case.text)
        facts["line_items"] = ["compute", *(named or ["other"])]  # 托管费, 机柜: no item of the table
    if programs:
        facts["program"] = programs[0]
        d.programs.append(programs[0])
    signed = facts.get("contract_signed")
    if signed:
        facts["date"] = signed
    # a short question continuing the one before ("需要满足哪些条件？") is answered from the texts
    # (the arrangements were checked for that one), and so is where to report a measure
    stated = (
        (not ctx.ask.leans_on or _ASKS_THE_CHECK.search(ctx.ask.text))
        and "report" not in ctx.ask.topics
        and not set(ctx.ask.topics) & _ABOUT_THE_LAW  # "1. 公平竞争审查由谁负责": the law, not the plan
        and not _an_article_asked_apart(ctx)
        and (
            bool(set(arrangements.stated()) - {"role"})
            or any(
                k in facts
                for k in (
                    "supplier_related",
                    "line_items",
                    "contract_already_claimed",
                    "other_municipal_subsidy",
                    "contract_term_months",
                )
            )
        )
    )
    res = ctx.session.call("check_compliance", facts=facts) if stated else {"findings": []}
    findings = [f for f in res.get("findings", []) if f.get("severity") != "info"] if isinstance(res, dict) else []
    # An article the user names ("民法典545条怎么理解") leads the basis of a finding that rests on it.
    articles = {label for ask in ctx.case.asks for label in ask.articles}
    for f in findings:
        f["references"] = sorted(f.get("references", []), key=lambda r: r.get("clause") not in articles)
    d.legal_refs = [{"doc": r["doc"], "clause": r["clause"]} for f in findings for r in f.get("references", [])[:3]]
    infos = [f for f in res.get("findings", []) if f.get("severity") == "info"] if isinstance(res, dict) else []
    refs = [r for f in findings + infos for r in f.get("references", [])[:3]]
    extra = "" if stated else " ".join(SEARCH_EXTRA.get(t, "") for t in sorted(ctx.ask.topics)).strip()
    concepts = [words for concept, words in _CONCEPT_WORDS.items() if concept in ctx.ask.text] if not stated else []
    # "某市……外地企业不予受理，应该找哪个部门反映": with no region named, where to report is national law
    where = regions or (["national"] if set(ctx.ask.topics) & _NATIONAL_RULES else [])
    found = search(ctx, where, references=refs, k=4, include_national=True, extra=extra)
    # "这是不是地方保护": the articles on it are the answer, the measure's own clause is evidence
    # ("反垄断法哪一条管限定交易": with no region, the concept names the article the search missed)
    by_concept = concepts and (regions or found.get("weak"))
    law = search(ctx, ["national"], k=4, extra=" ".join(concepts)).get("hits", []) if by_concept else []
    stacking = _open_stacking(ctx, findings)
    if stacking is not None:
        # the same receipt read as a second claim on the contract is the same open question
        findings = [f for f in findings if f.get("id") not in ("double_subsidy", "one_claim_per_contract")]
        _say_stacking_open(ctx, found, stacking)
        if not findings:
            d.verdict = "undetermined"
            d.add_caveat(say(lang, "compliance.not_advice"))
            return
    measure = _judges_a_measure(ctx)
    if measure:
        d.say(say(lang, "compliance.measure_undetermined", region=ctx.kb.region_name(regions[0], lang)))
    if findings and measure:
        # the findings are the rules the measure is weighed against, not a ruling on it (asked
        # which articles bear on it, "跟反垄断法……的哪几条有关", those articles are the answer)
        d.verdict = (
            "answered"
            if _ASKS_THE_LAW.search(ctx.ask.text) and not _ASKS_LEAVE.search(ctx.ask.text)
            else "undetermined"
        )
        f = findings[0]
        marks = "".join(cite_ref(ctx, found, r) for r in f.get("references", [])[:3])
        explanation = f["explanation_en"] if lang == "en" else f["explanation_zh"]
        d.say(explanation + marks)
        d.say(say(lang, "compliance.basis", refs=_basis(ctx, f)))
        d.say(say(lang, "compliance.measure_advice"))
        # the measure's own clause as evidence ("……必须通过运河城市算力平台租用")
        own_docs = set(ctx.kb.region_docs.get(regions[0], [])) if regions else set()
        add_details(ctx, [h for h in found.get("hits", []) if h["doc_id"] in own_docs], [], n=1, min_score=1.0)
    elif findings:
        # "阳合同的效力如何，依据哪一条", "会有什么后果": the law asked about an arrangement is an
        # answer about the law (the finding is its content); "行不行", "合规吗" ask for the check
        # (an offer made to us is checked by the ask that asks leave, when another one does:
        # "……违反民法典哪一条？公司有没有风险？" asks the law, then the check)
        leave = _ASKS_LEAVE.search(ctx.ask.text) or (
            _OFFER_TO_US.search(ctx.case.text) and not (_ASKS_ARTICLE.search(ctx.ask.text) and _checked_apart(ctx))
        )
        # "从《民法典》第545条看，能否……": an article named frames the question as one about the law
        # (an article of an issuer's own draft, "第五条写……", frames nothing: the draft is checked)
        own_article = _ISSUER_VOICE.search(ctx.case.text) and not _LAW_ARTICLE.search(ctx.ask.text)
        # "会不会整个合同都无效": whether the law voids it, asked with words that otherwise ask leave
        about_validity = bool(_ASKS_VALIDITY.search(ctx.ask.text))
        the_law = (_ASKS_THE_LAW.search(ctx.ask.text) and (not leave or about_validity)) or (
            bool(ctx.ask.articles) and not own_article
        )
        relayed = _RELAYED.search(ctx.case.text) and not _ISSUER_VOICE.search(ctx.case.text)
        d.verdict = "answered" if the_law or relayed or _LAW_PROVIDES.search(ctx.ask.text) else "risk"
        own_docs = set(ctx.kb.region_docs.get(regions[0], [])) if regions else set()
        if (
            d.verdict == "risk"
            and _APPLY_AGAIN.search(ctx.ask.text)
            and any(r.get("doc") in own_docs for r in findings[0].get("references", []))
        ):
            # "同一笔费用已经拿了区里的补贴，还能再申请南宁市的算力券吗": the region's own condition bars it
            d.verdict = "not_eligible"
        if (
            d.verdict == "risk"
            and _BOTH_ASKED.search(ctx.ask.text)
            and any(r.get("doc") in own_docs for r in findings[0].get("references", []))
        ):
            # "同一笔业务我们和客户能不能都申": what the region's own rule says, asked (not a plan checked)
            d.verdict = "answered"
        for i, f in enumerate(findings[:5]):
            # every clause the basis line names is cited (a title's years are then supported)
            marks = "".join(cite_ref(ctx, found, r) for r in f.get("references", [])[:3])
            line = _finding(lang, f) + marks
            if i == 0 or (i == 1 and f.get("severity") == "high"):
                d.say(line)
                d.say(say(lang, "compliance.basis", refs=_basis(ctx, f)))
                if i == 1:
                    continue
                d.say(
                    say(
                        lang,
                        "compliance.advice",
                        advice=f["recommendation_en"] if lang == "en" else f["recommendation_zh"],
                    )
                )
            else:
                d.findings.append(
                    line
                    + " "
                    + say(
                        lang,
                        "compliance.advice",
                        advice=f["recommendation_en"] if lang == "en" else f["recommendation_zh"],
                    )
                )
        if programs and any(f.get("id") == "one_claim_per_contract" for f in findings[:2]):
            _caps_met_anyway(ctx, regions[0], programs[0])
        # the region's own text beside a finding whose clauses are other regions'
        own_docs = set(ctx.kb.region_docs.get(regions[0], [])) if regions else set()
        own = [h for h in found.get("hits", []) if h["doc_id"] in own_docs]
        if own and not any(c.doc_id in {h["doc_id"] for h in own} for c in ctx.citer.citations):
            add_details(ctx, own, [], n=1, min_score=1.0)
    elif stated:
        d.verdict = "no_risk"
        d.say(say(lang, "compliance.none"))
        for f in infos[:2]:
            d.findings.append(_finding(lang, f) + "".join(cite_ref(ctx, found, r) for r in f.get("references", [])[:2]))
        # what the plan was checked against: the region's own clauses on it, as evidence
        own_docs = set(ctx.kb.region_docs.get(regions[0], [])) if regions else set()
        own = [h for h in found.get("hits", []) if h["doc_id"] in own_docs]
        if own:
            add_details(ctx, own, [], n=2, min_score=1.0)
    else:
        hits = law or found.get("hits", [])
        # "反垄断法里……是哪几条": the law named is where the answer is
        law_named = {doc for word, doc in LAW_DOCS.items() if word in ctx.ask.text.lower()}
        hits = [h for h in hits if h["doc_id"] in law_named] or hits
        prefer = [w for t in ctx.ask.topics for w in PREFER.get(t, [])]
        hit, sentence, score = best_evidence(ctx, hits, prefer)
        # a weak search is no answer, unless a sentence shares most of the question's words
        # ("反垄断法里……要承担什么法律责任": 第六十一条 says it in the same words)
        if hit is None or (found.get("weak") and not law and not regions and score < _STRONG_SENTENCE):
            d.verdict = "refused"
            d.say(say(lang, "common.not_found"))
            return
        say_best_clauses(ctx, hits, prefer, (hit, sentence, score))
        if str(hit.get("locator", "")).startswith("第"):  # "可以向哪个部门反映？依据是什么": this article
            d.legal_refs = [{"doc": hit["doc_id"], "clause": hit["locator"]}]
        add_details(ctx, found.get("hits", []) if law else hits, [], n=2, min_score=1.0)
        region_docs = set(ctx.kb.region_docs.get(regions[0], [])) if regions else set()
        if (
            "clawback" in ctx.ask.topics
            and hit["doc_id"] in region_docs
            and any("未见公开" in h["text"] for h in hits if h["doc_id"] in region_docs)
        ):
            d.verdict = "undetermined"  # whether paid support goes back: the region's text leaves it open
        if measure:
            d.verdict = "undetermined"
            d.say(say(lang, "compliance.measure_advice"))
    if ctx.ask.articles:  # "民法典545条怎么理解": the article itself belongs in the answer
        from assistant.answer.handlers.fact import article_lines

        article_lines(ctx)
    d.add_caveat(say(lang, "compliance.not_advice"))


# What a compliance question asks: what the law makes of an arrangement, whether the asker may
# do it, an offer made to the asker (lexicon/compliance_questions.yaml).
def _caps_met_anyway(ctx: AskContext, region: str, pid: str) -> None:
    """A contract split to get round a cap meets the program's caps all the same: they are
    stated, cited (郑州: 每家企业每年合计不超过100万)."""
    from assistant.answer.rules_text import program_refs, rule_lines

    info = ctx.session.call("program_info", program=pid, date=ctx.today.isoformat(), voucher=ctx.voucher)
    if not isinstance(info, dict) or "error" in info:
        return
    found = search(ctx, [region], references=program_refs(info), k=2)
    lines, _ = rule_lines(ctx, info, found, {"cap"})
    if lines:
        caps = ("; " if ctx.lang == "en" else "；").join(lines)
        ctx.draft.say(say(ctx.lang, "compliance.split_caps", name=ctx.kb.program_name(pid, ctx.lang), caps=caps))


def _checked_apart(ctx: AskContext) -> bool:
    """Whether another compliance ask of the message asks for the check ("有没有风险")."""
    return any(a is not ctx.ask and a.intent == "compliance" and _ASKS_LEAVE.search(a.text) for a in ctx.case.asks)


_ASKS_THE_LAW = patterns("compliance_questions.yaml", "asks_the_law")
_APPLY_AGAIN = patterns("asked.yaml", "apply_again")  # "还能再申请吗" after support received
_BOTH_ASKED = patterns("asked.yaml", "both_claim_asked")
_ASKS_LEAVE = patterns("compliance_questions.yaml", "asks_leave")
_ASKS_THE_CHECK = patterns("compliance_questions.yaml", "asks_the_check")
_ASKS_ARTICLE = patterns("compliance_questions.yaml", "asks_which_article")
_LAW_PROVIDES = patterns("compliance_questions.yaml", "asks_what_the_law_provides")
_RELAYED = patterns("compliance_questions.yaml", "relayed_enquiry")
_ISSUER_VOICE = patterns("compliance_questions.yaml", "issuer_voice")
_OFFER_TO_US = patterns("compliance_questions.yaml", "offer_to_us")
_LAW_ARTICLE = patterns("compliance_questions.yaml", "law_article_named")
_ASKS_VALIDITY = patterns("compliance_questions.yaml", "asks_validity")


def _open_stacking(ctx: AskContext, findings: list[dict[str, Any]]) -> OpenStacking | None:
    """A double-funding finding whose region's own clause does not reach the money named ("已经拿了
    经开区30%的支持，还能再申北京市的20%": Beijing bars other municipal money only)."""
    if not any(f.get("id") == "double_subsidy" for f in findings):
        return None
    return open_stacking(ctx.kb, ctx.ask.regions, ctx.ask.text)


def _say_stacking_open(ctx: AskContext, found: Any, stacking: OpenStacking) -> None:
    """What the region's no-double-funding clause bars, cited, and that the money named is not it."""
    c, program = stacking.condition, ctx.kb.programs[stacking.program]
    en = ctx.lang == "en"
    ctx.draft.programs = [stacking.program]
    ctx.draft.say(
        say(
            ctx.lang,
            "compliance.stacking_open",
            name=program.name_en if en else program.name,
            clause=c.label_en if en else c.label_zh,
            levels=sep(ctx.lang).join(level_label(level, ctx.lang) for level in stacking.levels),
            marks=cite_ref(ctx, found, c.reference.model_dump()),
        )
    )


def _an_article_asked_apart(ctx: AskContext) -> bool:
    """ "两个问题：1. ……反垄断法里总的规定是哪一条；2. 发券机关限定……对应哪一条": a point asking
    which article, in a message of several, whose own words state no arrangement, asks the law;
    the arrangement another point states is that point's."""
    from assistant.understand.phrases import read_group

    return (
        len(ctx.case.asks) > 1
        and "law_article" in ctx.ask.topics
        and bool(_ASKS_THE_LAW.search(ctx.ask.text))
        and not read_group(ctx.ask.text, "compliance")
        and not ctx.ask.leans_on
    )


def _judges_a_measure(ctx: AskContext) -> bool:
    """Whether the ask wants a ruling on a region's measure in force under competition law ("重庆的
    办法只支持用公共平台的企业 这算不算指定交易", "山东只补省内算力 是不是违反第九条"). The texts
    hold the prohibitions, not a ruling on the measure: whether it breaches them turns on its legal
    basis, the exceptions and the platform's openness, which the review body and the regulator
    decide. A drafter's own plan is advice (risk); "违反哪条", "向哪个部门反映" ask the law."""
    return bool(
        any(ctx.kb.region_docs.get(r) for r in ctx.ask.regions)
        and _LEGAL_CONCEPT.search(ctx.ask.text)
        and not _ARTICLE_OR_REMEDY.search(ctx.ask.text)
        and not _DRAFTS.search(ctx.case.text)
    )


_LEGAL_CONCEPT = patterns("compliance_questions.yaml", "legal_concepts")
_ARTICLE_OR_REMEDY = patterns("compliance_questions.yaml", "asks_article_or_remedy")
_DRAFTS = patterns("compliance_questions.yaml", "drafts_the_measure")

# Topics of a question about what a legal text requires (who reviews, when, what a review covers):
# answered from the text even in a message that also states a plan.
_ABOUT_THE_LAW = frozenset({"responsible", "review_scope", "stage"})
# Topics the national review rules answer wherever the measure is ("以政府名义印发呢")
_NATIONAL_RULES = frozenset({"report", "government_issued", *_ABOUT_THE_LAW})

# A sentence score (sentences.score_sentences) only a sentence using most of the question's
# rarer words reaches (第六十一条 on "……要承担什么法律责任" scores 12.9); with it no other dev
# case changed.
_STRONG_SENTENCE = 8.0
_CONCEPT_WORDS: dict[str, str] = lexicon.load_yaml("compliance_questions.yaml")["legal_concept_search"]


def _basis(ctx: AskContext, f: dict[str, Any]) -> str:
    """The clauses a finding rests on (four at most), by title and article (no internal ids)."""
    parts = [clause_name(ctx, r) for r in f.get("references", [])[:4]]
    return ("; " if ctx.lang == "en" else "、").join(dict.fromkeys(parts))


def clause_name(ctx: AskContext, ref: dict[str, str]) -> str:
    """A clause by its text's title and its article ("《公平竞争审查条例》第八条"); in English the
    article's number beside its label ("第一百四十六条 (Art. 146)"), which readers look for."""
    doc = ctx.kb.docs.get(ref["doc"])
    title = doc.title if doc else ref["doc"]
    section = re.fullmatch(r"([一二三四五六七八九十]+)、", ref["clause"])
    if section:  # "三、": a part of our own summary, numbered by us ("五、、" read as a typo)
        if ctx.lang == "en":  # (the numeral as the summary writes it: no figure the sources lack)
            return f"{title}, part {section.group(1)} (our numbering)"
        return f"《{title}》第{section.group(1)}部分（本库编号）"
    if ctx.lang != "en":
        return f"《{title}》{ref['clause']}"
    number = article_number(ref["clause"])
    return f"{title} {ref['clause']}" + (f" (Art. {number})" if number else "")


def _finding(lang: str, f: dict[str, Any]) -> str:
    title = f["title_en"] if lang == "en" else f["title_zh"]
    severity = say(lang, f"compliance.severity.{f['severity']}")
    explanation = f["explanation_en"] if lang == "en" else f["explanation_zh"]
    return say(lang, "compliance.finding", title=title, severity=severity, explanation=explanation)


__all__ = ["handle"]
