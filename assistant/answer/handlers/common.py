"""Pieces several handlers share: questions for missing facts, conditions checked, a program's
rules stated without an amount, a region with documents but nothing computable."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from assistant.answer.evidence import AskContext, Search, add_details, cite_ref, search
from assistant.answer.facts import rules_date
from assistant.answer.format import date_text
from assistant.answer.messages import say
from assistant.answer.rules_text import (
    conflict_caveat,
    named_tier_roles,
    other_version_tiers,
    program_refs,
    rule_lines,
    version_notes,
)
from assistant.answer.sentences import says_unpublished
from assistant.answer.validity import period_caveat


def ask_missing(ctx: AskContext, fact: str) -> None:
    """A question back for a fact the answer needs (region, amount, currency ...)."""
    ctx.draft.ask_for(fact, say(ctx.lang, f"questions.{fact}"))


def reasons_and_questions(
    ctx: AskContext, e0: dict[str, Any], found: Search, pid: str, *, show_missing: bool = False, max_questions: int = 5
) -> None:
    """The conditions the facts meet or fail (cited) and the questions for the ones not known."""
    lang = ctx.lang
    for r in e0.get("reasons", []):
        if r["status"] == "missing" and not show_missing:
            continue
        label = _condition_label(ctx, pid, r["condition"])
        mark = cite_ref(ctx, found, r.get("reference"))
        if r["status"] == "met":
            ctx.draft.reasons.append(say(lang, "conditions.met", label=label) + mark)
        elif r["status"] == "failed":
            key = "conditions.failed" if r.get("effect") == "require" else "conditions.caveat"
            ctx.draft.reasons.append(say(lang, key, label=label) + mark)
        else:
            ctx.draft.reasons.append(say(lang, "conditions.unknown", label=label) + mark)
    for m in e0.get("missing", [])[:max_questions]:
        ctx.draft.ask_for(m["fact"], m["question_en"] if lang == "en" else m["question_zh"])


def _condition_label(ctx: AskContext, pid: str, cond_id: str) -> str:
    """The words of a condition, looked up in the program and in its schemes (a corpus or model
    voucher's own conditions); a user never sees the condition's code."""
    p = ctx.kb.programs.get(pid)
    if p:
        for rules in [p, *p.schemes]:
            for c in [*rules.conditions, *(c for v in rules.versions for c in v.conditions)]:
                if c.id == cond_id:
                    return c.label_en if ctx.lang == "en" else c.label_zh
    return cond_id


def _program_and_clauses(
    ctx: AskContext, region: str, pid: str, on: dt.date | None = None, scheme: str | None = None
) -> tuple[dict[str, Any], Search] | None:
    """The program's rules on the ask's date (or ``on``) and the clauses they cite (None: no such
    program)."""
    on = on or rules_date(ctx.case, ctx.ask, ctx.today)
    info = ctx.session.call("program_info", program=pid, date=on.isoformat(), voucher=ctx.voucher, scheme=scheme)
    if "error" in info:
        return None
    return info, search(ctx, [region], references=program_refs(info), k=4)


def named_versions(ctx: AskContext, pid: str) -> list[dt.date]:
    """The start dates of the program's versions the ask names ("两者的上限有没有变化" after
    the 2024 and the 2025 measures), oldest first."""
    program = ctx.kb.programs.get(pid)
    if program is None:
        return []
    years = set(re.findall(r"(20\d{2})\s*年?版", ctx.ask.text))  # "2023年版是多少"
    by_name = [v for v in program.versions if any(n in ctx.ask.text for n in v.names) or v.id in years]
    if by_name:  # "2.0版的比例": that version, though both share one text
        return sorted(v.effective_from for v in by_name)
    return sorted(v.effective_from for v in program.versions if v.corpus_doc in ctx.ask.documents)


def cap_year_open(ctx: AskContext, region: str, pid: str) -> None:
    """ "2024年12月申领、2025年1月兑付的那一笔算哪一年的额度": the yearly cap, cited, and that the
    texts do not say which year a claim across two years counts in."""
    ctx.draft.programs.append(pid)
    rules_summary(ctx, region, pid)
    issuer = ctx.kb.issuer_of(region, pid) or say(ctx.lang, "validity.the_issuer")
    ctx.draft.say(say(ctx.lang, "fact.cap_year_open", name=ctx.kb.program_name(pid, ctx.lang), issuer=issuer))
    ctx.draft.verdict = "undetermined"


def rules_summary(ctx: AskContext, region: str, pid: str) -> None:
    """A program's rate and caps (no amount given), cited, with conflicts and validity: of each
    version the ask names, when it names one or more, else on the ask's date."""
    from assistant.answer.handlers.schemes import named_schemes

    dates: list[dt.date | None] = [*named_versions(ctx, pid)] or [None]
    for on in dates:
        for scheme in named_schemes(ctx, pid):  # "备案大模型和重点企业的上限分别是多少": each one's
            _rules_summary_on(ctx, region, pid, on, scheme)


def _rules_summary_on(ctx: AskContext, region: str, pid: str, on: dt.date | None, scheme: str | None = None) -> None:
    lang, d = ctx.lang, ctx.draft
    got = _program_and_clauses(ctx, region, pid, on, scheme)
    if got is None:
        return
    info, found = got
    topics = set(ctx.ask.topics)
    end = info["version"].get("effective_to")
    if ctx.ask.year and end and ctx.ask.year > int(end[:4]) and "period_ended" in info.get("notice_codes", []):
        d.verdict = "not_published"
        d.say(
            say(
                lang,
                "validity.year_not_published",
                name=ctx.kb.program_name(pid, lang),
                year=ctx.ask.year,
                end=date_text(end, lang),
            )
        )
        topics = topics or {"rate", "cap"}
    params = info["version"]["parameters"]
    caps = [params[r] for r in ("per_claim_cap", "annual_cap", "cumulative_cap") if r in params]
    if "cap" in topics and not any(p.get("value") for p in caps):
        topics = topics | {"rate"}  # no cap to state: the rate is what limits the amount
    lines, unpublished = rule_lines(ctx, info, found, topics)
    name = scheme_name(ctx, info, pid, scheme)
    vlabel = info["version"]["label_en"] if lang == "en" else info["version"]["label_zh"]
    if lines:
        d.say(say(lang, "rules.summary", name=name, version=vlabel or name, lines=" ".join(lines)))
    if (
        "cap" in set(ctx.ask.topics)
        and not any(p.get("value") for p in caps)
        and not named_tier_roles(ctx, info) & {"per_claim_cap", "annual_cap", "cumulative_cap"}  # "OPC每年最高"
    ):
        if not set(ctx.ask.topics) & {"rate", "domestic"}:
            d.verdict = "not_published"
            d.bounded_instead = bool(lines)
        if not caps:  # "比例和单个主体上限": the rate is stated, the missing cap said to be missing
            d.say(say(lang, "rules.no_cap", name=name))
    valued = [p for p in caps if p.get("value")]
    noted = _notes_on(ctx, info, found)
    if noted:
        d.say(noted)
        if d.verdict == "not_published" and not unpublished and not says_unpublished([noted]):
            d.verdict = "answered"  # the note answers what the figures did not ("补早补小": 100%)
    if (
        "cap" in topics
        and not set(ctx.ask.topics) & {"rate", "domestic"}
        and valued
        and all(p.get("single_source") for p in valued)
    ):
        # "单个企业最多能领多少" where only one news report gives a cap: no published figure, the
        # report is shown labelled (not a refusal)
        d.verdict = "not_published"
        d.bounded_instead = True
    if (
        "cap" in topics
        and valued
        and CAP_BASIS_ASKED.search(ctx.ask.text)
        and not any(p.get("basis_stated", True) for p in valued)
    ):
        # "2000万的上限是按企业按年度算还是按项目算": the text does not say (the note above says
        # which reading the calculator applies); the cap itself is stated, so this is no refusal
        d.verdict = "not_published"
        d.bounded_instead = True
    if unpublished and ("rate" in topics or ctx.ask.intent == "calculation"):
        d.verdict = "not_published"
        issuer = ctx.kb.issuer_of(region, pid)
        d.add_caveat(say(lang, "calc.ask_issuer_rate", issuer=issuer) if issuer else say(lang, "common.contact"))
    if "domestic" in topics:
        d.details.extend(other_version_tiers(ctx, info, found))
    conflict_caveat(ctx, info, found)
    version_notes(ctx, info, found)
    add_details(ctx, found.get("hits", []), [], n=1, min_score=1.0)
    period_caveat(ctx, pid, region, found, ctx.today)


# What a cap is counted per, asked for ("按年还是按项目", "按合同算还是按年算", "per year or per contract").
CAP_BASIS_ASKED = re.compile(
    r"按(企业|主体|年|年度|项目|合同|单笔|笔|次|单次|累计|兑付|到账|申领|申请|签约|结算)[^，。？?]{0,10}(还是|或者|或是)"
    r"|(每年|累计|按年)[^，。？?]{0,4}(还是|或者)|\bper (year|firm|company|contract|project)\b[^?]{0,30}\bor\b"
    r"|占(用)?[^，。？?]{0,8}(额度|上限)|(额度|上限)[^，。？?]{0,8}(跨年|清零|重新计算|累计|分开算)"  # "去年领的会不会占今年的额度"
    # "200万元上限是否按年计算", "Is the 10 million cap per year?": one reading asked to be confirmed
    r"|(上限|额度|封顶)[^，。？?]{0,6}(是否|是不是|是)按(年|年度|项目|合同|企业|主体|次|单笔)(计算|算|核定|计)?(吗|呢)?[？?。]?$"
    r"|\bis (the|that|this|it) [^?]{0,30}(cap|limit|ceiling)s? (counted |calculated |applied |set )?per (year|firm|company|contract|project|claim)\b",
    re.I,
)
_TAX = re.compile(r"含税|不含税|税前|税后|增值税|\btax", re.I)
_TAX_CHOICE = re.compile(
    r"(含税|税前|税后|不含税)[^，。？?]{0,8}(还是|或者?)|含不含税|是否含税|包不包括税|(including|incl\.?|with) (VAT|tax) or"
    # "含税106万 不含税100万 按哪个口径": both figures given, which one is the base
    r"|含税.{0,12}不含税.{0,12}(按|以|用)(哪个|哪一个|哪种|什么)",
    re.I,
)


def basis_summary(ctx: AskContext, region: str, pid: str) -> None:
    """Which figure a program computes on ("按合同额还是结算额", "含税还是不含税"), cited; the
    texts never say whether the base includes tax, and the answer says so."""
    lang, d = ctx.lang, ctx.draft
    got = _program_and_clauses(ctx, region, pid)
    if got is None:
        return
    info, found = got
    rate = info["version"]["parameters"].get("rate") or {}
    mark = cite_ref(ctx, found, rate.get("reference"), ["合同", "金额", "费用", "基数"])
    base = info["base_label_en"] if lang == "en" else info["base_label_zh"]
    d.say(say(lang, "rules.basis", name=scheme_name(ctx, info, pid), base=base, mark=mark))
    _items_asked(ctx, pid)
    if not _TAX_CHOICE.search(ctx.ask.text):  # with or without tax undecided: no figure of ours
        _your_base(ctx, pid, base)
    if _TAX.search(ctx.ask.text):
        issuer = ctx.kb.issuer_of(region, pid) or say(lang, "validity.the_issuer")
        d.say(say(lang, "rules.tax_unpublished", issuer=issuer))
        if _TAX_CHOICE.search(ctx.ask.text):  # "按含税还是不含税算": that is what no text says
            d.verdict = "not_published"
            d.bounded_instead = True  # the base itself is stated
    conflict_caveat(ctx, info, found)
    period_caveat(ctx, pid, region, found, ctx.today)


def _items_asked(ctx: AskContext, pid: str) -> None:
    """ "存储和技术支持费用能否计入基数": the lines the ask names, said to count or not by the
    program's own base (Langfang counts storage and technical support in; others count compute)."""
    from assistant.understand.phrases import non_compute_items_named

    program = ctx.kb.programs.get(pid)
    if program is None:
        return
    named = non_compute_items_named(ctx.ask.text)
    inside = [say(ctx.lang, f"items.{i}") for i in named if i in program.base_includes]
    outside = [say(ctx.lang, f"items.{i}") for i in named if i not in program.base_includes]
    joined = "、" if ctx.lang != "en" else ", "
    if inside:
        ctx.draft.say(say(ctx.lang, "rules.items_inside", items=joined.join(inside)))
    if outside and program.base_includes:  # a program that names what it counts: the rest is out
        ctx.draft.say(say(ctx.lang, "rules.items_outside", items=joined.join(outside)))


def _your_base(ctx: AskContext, pid: str, base_label: str) -> None:
    """ "按多少基数算" about a purchase stated: the figure its base comes to (the compute part,
    the settled or paid figure when the program pays on it), derived, not guessed."""
    from assistant.answer.facts import base_of
    from assistant.answer.format import money

    program = ctx.kb.programs.get(pid)
    basis = program.base_basis if program is not None else "contract"
    includes = program.base_includes if program is not None else []
    for p in [p for p in ctx.case.compute_purchases if p.amount is not None][:3]:
        value = base_of(p, basis, ctx.session, includes)  # Langfang counts storage and support in
        if value is None:
            continue
        excluded = "、".join(say(ctx.lang, f"items.{li.item}") for li in p.excluded if li.item not in includes)
        ctx.draft.say(
            say(
                ctx.lang,
                "rules.your_base" if not excluded else "rules.your_base_less",
                base=money(value, ctx.lang),
                label=base_label,
                excluded=excluded,
            )
        )


def _notes_on(ctx: AskContext, info: dict[str, Any], found: Search) -> str:
    """The rules' own note that speaks to what the ask names ("补早补小", "市区两级"), cited."""
    from assistant.answer.evidence import terms
    from assistant.answer.rules_text import replace_doc_refs

    words = [t for t in terms(ctx) if len(t) >= 2 and not t.isascii()]
    notes = info["version"].get("notes_en" if ctx.lang == "en" else "notes_zh", [])
    notes_zh = info["version"].get("notes_zh", [])
    for note, zh in zip(notes, notes_zh, strict=False):
        if sum(1 for w in words if w in zh) >= 2:
            return replace_doc_refs(ctx, note, found)
    return ""


def no_program(ctx: AskContext, region: str) -> None:
    """A region whose documents give nothing computable: say so and quote what they do say."""
    lang, d = ctx.lang, ctx.draft
    name = ctx.kb.region_name(region, lang)
    found = search(ctx, [region], k=3)
    hits = found.get("hits", [])
    d.say(say(lang, "calc.no_program", region=name))
    d.verdict = "not_published"
    add_details(ctx, hits, ["比例", "补贴", "%"], n=2)
    issuer = ctx.kb.issuer_of(region, None)
    d.add_caveat(say(lang, "calc.ask_issuer_rate", issuer=issuer) if issuer else say(lang, "common.contact"))


def confirm(ctx: AskContext, region: str | None, pid: str | None) -> None:
    issuer = ctx.kb.issuer_of(region, pid) or say(ctx.lang, "validity.the_issuer")
    ctx.draft.add_caveat(say(ctx.lang, "common.confirm", issuer=issuer))


def single_source_caveat(ctx: AskContext, pid: str | None) -> None:
    doc = ctx.kb.doc_of(pid, None)
    if doc is not None and doc.confidence == "S1":
        ctx.draft.add_caveat(say(ctx.lang, "common.single_source"))


def registered_elsewhere(ctx: AskContext, region: str, pid: str) -> None:
    """A firm registered in another region asking about this one: when the program's rules have
    no registration condition (so the eligibility check cannot say no), say what is not known."""
    reg = ctx.case.applicant.registered
    if reg is None or not reg.chain or region in reg.chain:
        return
    program = ctx.kb.programs[pid]
    conditions = [*program.conditions, *(c for v in program.versions for c in v.conditions)]
    if any(c.fact == "registered_in" for c in conditions) or program.open_to_outside_applicants:
        return  # the conditions already decide it (and say so)
    ctx.draft.add_caveat(
        say(
            ctx.lang,
            "calc.registered_elsewhere",
            place=reg.text,
            region=ctx.kb.region_name(region, ctx.lang),
            name=ctx.kb.program_name(pid, ctx.lang),
        )
    )


__all__ = [
    "ask_missing",
    "confirm",
    "no_program",
    "reasons_and_questions",
    "registered_elsewhere",
    "rules_summary",
    "single_source_caveat",
]


SCHEME_VOUCHERS = (
    "model",
    "corpus",
    "data",
    "labelling",
    "award",
    "city_district",
    "provider",
)  # 智能券 is Hangzhou's name for compute


def uses_scheme(ctx: AskContext, pid: str) -> bool:
    """Whether the program issues the voucher the ask names ("上海的模型券") as a scheme of its
    own; if so, every tool call of this ask uses it (``ctx.voucher``), so its rules come from the
    calculator's data like the compute voucher's, never the compute voucher's figures instead."""
    if ctx.ask.voucher not in SCHEME_VOUCHERS:
        return False
    info = ctx.session.call("program_info", program=pid, date=ctx.today.isoformat(), voucher=ctx.ask.voucher)
    if "error" in info:
        return False
    ctx.voucher = ctx.ask.voucher
    return True


def scheme_name(ctx: AskContext, info: dict[str, Any], pid: str, scheme: str | None = None) -> str:
    """The name users know: the scheme's own ("上海市模型券") when the ask is about one, or when
    the user's traits chose it (``scheme``: Shijingshan's key-firm scheme)."""
    if (ctx.voucher or scheme) and "error" not in info:
        return str(info.get("name_en" if ctx.lang == "en" else "name") or ctx.kb.program_name(pid, ctx.lang))
    return ctx.kb.program_name(pid, ctx.lang)
