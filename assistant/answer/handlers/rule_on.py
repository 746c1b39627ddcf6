"""Whether a program's own text says anything on a matter: "训力券对关联交易有没有限制",
"杭州的算力券要求本地注册吗", "does the Beijing voucher restrict transfers?".

Why its own handler: such a question asks what the text says. Answered as a compliance check it
got a finding written around another region's clause; answered as eligibility it got "eligible"
because no condition of the program failed. The answer is the program's condition on the matter
(rules YAML), else the region's clause on it (corpus), else "the text does not say" with the
texts that do, cited as such. Matters and words: lexicon/rule_matters.yaml.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from assistant import lexicon
from assistant.answer.evidence import AskContext, add_details, best_evidence, cite_ref, fetch, from_the_text, search
from assistant.answer.messages import say, sep
from assistant.answer.sentences import ends_unpublished
from assistant.understand.case import Ask
from assistant.understand.topics import voucher_types


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    data: dict[str, Any] = lexicon.load_yaml("rule_matters.yaml")
    return data


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], dict[str, re.Pattern[str]]]:
    t = _table()
    matters = {name: re.compile(m["words"], re.I) for name, m in t["matters"].items()}
    asks_rule, legality, drafting = (
        re.compile("|".join(t[k]), re.I) for k in ("asks_rule", "asks_legality", "drafting")
    )
    return asks_rule, legality, drafting, matters


@lru_cache(maxsize=1)
def _asks_definition() -> re.Pattern[str]:
    return re.compile("|".join(_table()["asks_definition"]), re.I)


_DEFINITION_ITSELF = re.compile(
    r"(怎么|怎样|如何)(认定|界定|定义|判断|确定)|(认定|界定)(标准|口径|方法)|的(定义|范围)|\bdefinition\b|how is [^?]{0,30} defined",
    re.I,
)


def definition_asked(ask: Ask) -> bool:
    """Whether the ask asks if a party counts as what a rule names ("这种算不算关联方")."""
    return bool(_asks_definition().search(ask.text))


def matter_asked(ask: Ask, before: str = "") -> str | None:
    """The matter whose rule the ask asks about, or None when it asks something else (whether an
    arrangement is lawful, a rule an issuer drafts, a program's conditions in general). ``before``
    is the point of the message before it ("能不能转给子公司用？贵州的办法里有没有明确规定")."""
    asks_rule, legality, drafting, matters = _patterns()
    if ask.intent in ("calculation", "greeting", "off_topic") or not ask.regions:
        return None
    defines = definition_asked(ask) and any(m.get("undefined") for m in _table()["matters"].values())
    if not defines and (not asks_rule.search(ask.text) or legality.search(ask.text)):
        return None
    if drafting.search(ask.text):  # an issuer drafting its own rule: a review, not a lookup
        return None
    for text in (ask.text, ask.leans_on, before):
        named = [m for m, rx in matters.items() if rx.search(text or "")]
        beaten = {b for m in named for b in _table()["matters"][m].get("wins_over", [])}
        named = [m for m in named if m not in beaten]
        if len(named) == 1:
            return named[0]
    return None


def _conditions(ctx: AskContext, pid: str, facts: list[str]) -> tuple[str, list[Any]]:
    """The name of the scheme asked about and its conditions (in force on the ask's day) on
    ``facts``."""
    from assistant.rules import RulesInputError, get_scheme
    from assistant.rules.versions import select_version

    try:
        scheme = get_scheme(pid, _voucher_asked(ctx))
    except RulesInputError:
        return ctx.kb.program_name(pid, ctx.lang), []
    version, _others, _notices = select_version(scheme, ctx.today)
    name = scheme.name_en if ctx.lang == "en" and scheme.name_en else scheme.name
    return name, [c for c in scheme.conditions_for(version) if c.fact in facts]


def _voucher_asked(ctx: AskContext) -> str | None:
    """The voucher the ask is about: its own, else the one other voucher the message names
    ("这算不算关联方？还能申语料券吗"); None for the compute voucher."""
    if ctx.ask.voucher != "compute":
        return ctx.ask.voucher
    named = {k for k in voucher_types(ctx.case.text) if k != "compute"}
    return named.pop() if len(named) == 1 else None


def _broken(ctx: AskContext, cond: Any) -> bool:
    """Whether what the user said fails the condition (a related supplier where non-related is
    required); a fact not stated fails nothing."""
    if cond.fact == "supplier_related" and cond.op == "is_false":
        return any(p.supplier_related for p in ctx.case.purchases)
    if cond.fact == "registered_in":
        place = ctx.case.applicant.registered
        return bool(place and place.chain and cond.value not in place.chain)
    return False


def answer(ctx: AskContext, matter: str) -> None:
    """The program's rule on ``matter`` for the ask's first region: its condition (a risk when the
    user's own facts break it), else its clause, else "not said", with the texts that do say it
    cited as elsewhere. Never a finding built on another region's clause."""
    lang, d = ctx.lang, ctx.draft
    spec = _table()["matters"][matter]
    region = ctx.ask.regions[0]
    programs = ctx.kb.programs_for([region])
    pid = programs[0] if programs else None
    name = ctx.kb.program_name(pid, lang) if pid else ctx.kb.region_name(region, lang)
    issuer = ctx.kb.issuer_of(region, pid) or say(lang, "validity.the_issuer")
    label = spec["label_en" if lang == "en" else "label_zh"]
    d.regions = [region]
    if pid:
        name, conds = _conditions(ctx, pid, spec["facts"])
    else:
        conds = []
    if conds:
        cond = conds[0]
        ref = {"doc": cond.reference.doc, "clause": cond.reference.clause}
        mark = cite_ref(ctx, fetch(ctx, [ref]), ref)
        cond_label = cond.label_en if lang == "en" else cond.label_zh
        if spec.get("undefined") and definition_asked(ctx.ask):
            # "供应商持有我们5%的股份，算不算关联方": the rule, and that the text does not define it
            values = {"name": name, "label": cond_label, "clause": ref["clause"], "mark": mark, "issuer": issuer}
            d.say(say(lang, "rule_on.undefined", **values))
            # "关联方是怎么认定的" asks the definition itself: no text gives it; "这种算不算关联方"
            # asks whether a case counts: that cannot be told from the texts
            d.verdict = "not_published" if _DEFINITION_ITSELF.search(ctx.ask.text) else "undetermined"
            return
        d.say(
            say(lang, "rule_on.condition", name=name, matter=label, label=cond_label, clause=ref["clause"], mark=mark)
        )
        d.verdict = "answered"
        if _broken(ctx, cond):
            # a trait of the firm the rule bars ("要求在南京注册吗？我们注册在上海") is no risk taken:
            # the firm cannot apply; an arrangement that breaks it is a risk
            d.verdict = spec.get("broken_verdict", "risk")
            d.say(say(lang, "rule_on.broken", name=name, issuer=issuer))
        return
    found = search(ctx, [region], k=6, extra=spec["search"])
    on_matter = re.compile(spec["clause"])
    hits = [h for h in found.get("hits", []) if on_matter.search(h["text"])]
    asked_kinds: set[str] = {ctx.ask.voucher, *voucher_types(ctx.ask.text), _voucher_asked(ctx) or "compute"}
    # the region's own text before our notes, when its sentence is on the matter and the voucher asked
    hit, sentence, _score = best_evidence(ctx, [h for h in hits if h.get("kind") == "policy"], spec["search"].split())
    if hit is None or not on_matter.search(sentence) or _names_other_voucher(sentence, asked_kinds):
        hit, sentence, _score = best_evidence(ctx, hits, spec["search"].split())
    other_kind = bool(sentence) and _names_other_voucher(sentence, asked_kinds)
    if hit is not None and on_matter.search(sentence) and not other_kind:
        d.say(from_the_text(ctx, hit, sentence, limit=180))
        d.verdict = "not_published" if ends_unpublished(sentence) else "answered"
        if d.verdict == "answered":
            return
    else:
        d.verdict = "not_published"
        d.say(say(lang, "rule_on.silent", name=name, matter=label, issuer=issuer))
        own = [h for h in found.get("hits", []) if h is not hit]
        add_details(ctx, own, [], n=1, min_score=0.0)  # what the region's text was read for
        if hit is not None and other_kind:
            d.say(say(lang, "rule_on.other_voucher") + from_the_text(ctx, hit, sentence, limit=160))
    elsewhere = [r for r in spec["elsewhere"] if r["doc"] not in ctx.kb.region_docs.get(region, [])]
    if elsewhere:
        got = fetch(ctx, elsewhere)
        refs = sep(lang).join(f"《{_title(ctx, r)}》{r['clause']}{cite_ref(ctx, got, r)}" for r in elsewhere)
        d.info.append(say(lang, "rule_on.elsewhere", name=name, refs=refs))


def _title(ctx: AskContext, ref: dict[str, str]) -> str:
    doc = ctx.kb.docs.get(ref["doc"])
    return doc.title if doc is not None else ref["doc"]


def _names_other_voucher(sentence: str, asked: set[str]) -> bool:
    """Whether a sentence is about another voucher than the one asked about (语料券's
    non-related-seller rule when the 训力券 was asked about)."""
    named = set(voucher_types(sentence)) - {"compute"}
    return bool(named) and not named & asked


__all__ = ["answer", "matter_asked"]
