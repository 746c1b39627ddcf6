"""Several vouchers in one calculation: a firm that rents compute and buys model services asks
what each voucher pays. Purchases are grouped by the voucher that pays for them (what was bought,
or the voucher the ask names), each group is computed under its own scheme, and what the texts
say about holding several at once follows, quoted from the clause or marked as not stated."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.answer.evidence import AskContext, best_evidence, from_the_text, search
from assistant.answer.handlers.common import SCHEME_VOUCHERS
from assistant.answer.messages import say, sep
from assistant.answer.sentences import says_unpublished
from assistant.lexicon import load_yaml
from assistant.understand.case import Purchase

_SAME_COST = re.compile(r"同一(主体|项目|费用|合同|笔)|多项|same (firm|project|cost|contract)", re.I)
_STACKING_WORDS = re.compile(r"叠加|同时享受|就高|重复|兼得|不得同时|之外再|两者合计|stack|combin|same cost", re.I)


def purchase_groups(ctx: AskContext, purchases: list[Purchase]) -> list[tuple[str, list[Purchase]]]:
    """(voucher, purchases) in order of first mention. A purchase whose words name what it buys
    (模型服务, 语料) goes to that voucher; the others to the voucher the ask names when it names one
    ("上海的模型券 合同600万"), else to the compute voucher."""
    explicit = any(p.voucher in SCHEME_VOUCHERS for p in purchases)
    asked = ctx.ask.voucher if ctx.ask.voucher in SCHEME_VOUCHERS and not explicit else "compute"
    groups: dict[str, list[Purchase]] = {}
    for p in purchases:
        kind = p.voucher if p.voucher in SCHEME_VOUCHERS else asked
        groups.setdefault(kind, []).append(p)
    return list(groups.items())


def asked_groups(ctx: AskContext, groups: list[tuple[str, list[Purchase]]]) -> list[tuple[str, list[Purchase]]]:
    """The groups the question itself names by what was bought, when the purchases are of several
    kinds ("买了1500万语料 还租了600万算力 语料能补多少？算力呢": corpus, then compute); all
    of them when it names none."""
    from assistant.understand.money import find_money
    from assistant.understand.topics import kinds_named

    if len(groups) < 2:
        return groups
    own = [g for g in groups if g[0] == ctx.ask.voucher and g[0] != "compute"]
    told = [g for g in groups if any(p.amount and p.amount.text in ctx.ask.text for p in g[1])]
    if own and told == own:  # "分别能拿多少：1. 模型券……；2. 语料券……": each point asks its own voucher
        return own
    if ctx.ask.text not in ctx.case.text:  # a follow-up re-asks an earlier question
        return groups
    found = find_money(ctx.ask.text)
    named = kinds_named(ctx.ask.text[found[-1].end :] if found else ctx.ask.text)  # the question, after the figures
    return [g for g in groups if g[0] in named] or groups


def use_scheme(ctx: AskContext, region: str, pid: str, kind: str) -> bool:
    """Point every tool call of what follows at ``kind``'s scheme; False (and said) when the
    program issues no such voucher, so the compute voucher's rate is never used in its place."""
    ctx.voucher = None
    if kind not in SCHEME_VOUCHERS:
        return True
    info = ctx.session.call("program_info", program=pid, date=ctx.today.isoformat(), voucher=kind)
    if "error" in info:
        name, voucher = ctx.kb.region_name(region, ctx.lang), say(ctx.lang, f"vouchers.{kind}")
        ctx.draft.say(say(ctx.lang, "calc.no_such_voucher", region=name, voucher=voucher))
        return False
    ctx.voucher = kind
    return True


def stacking_clause(ctx: AskContext, region: str, kinds: Sequence[str]) -> tuple[Any, str] | None:
    """The region's clause on holding these vouchers together (hit, sentence), or None when no
    text says it."""
    words = load_yaml("evidence_words.yaml")
    found = search(ctx, [region], k=6, extra=words["search_extra"]["stacking"])
    hits = [h for h in found.get("hits", []) if _STACKING_WORDS.search(h["text"])]  # clauses on holding both
    hit, sentence, _score = best_evidence(ctx, hits, words["prefer"]["stacking"])
    names = [say("zh", f"vouchers.{k}") for k in kinds] + [say("en", f"vouchers.{k}") for k in kinds]
    about_these = any(n in sentence for n in names) or _SAME_COST.search(sentence)
    if hit is None or not _STACKING_WORDS.search(sentence) or not about_these:  # 智能券's rule is not ours
        return None
    return hit, sentence


def stacking_line(ctx: AskContext, kinds: Sequence[str], found: tuple[Any, str] | None) -> None:
    """Whether the vouchers may be held together: the clause that says so (``found``, from
    stacking_clause), or "not stated" — never an assumption either way."""
    lang = ctx.lang
    vouchers = sep(lang).join(say(lang, f"vouchers.{k}") for k in kinds)
    if found is None:
        ctx.draft.say(say(lang, "calc.stacking_not_stated", vouchers=vouchers))
        return
    ctx.draft.say(say(lang, "calc.stacking_intro", vouchers=vouchers) if kinds else say(lang, "calc.stacking_several"))
    prefer = load_yaml("evidence_words.yaml")["prefer"]["stacking"]
    ctx.draft.say(from_the_text(ctx, found[0], found[1], limit=160, prefer=prefer))
    if says_unpublished([found[1]]):  # "……与上海算力券的叠加规则未见公开": the text says it is not known
        ctx.draft.verdict = "not_published"
        ctx.draft.bounded_instead = True


def scheme_by_facts(ctx: AskContext, pid: str, facts: dict[str, Any]) -> str | None:
    """A scheme of the voucher asked about whose own conditions the stated facts all meet
    ("我们是北京市重点人工智能企业": Shijingshan's key-firm scheme, 300万 cap), or None (the
    program's default for that voucher)."""
    kind = ctx.voucher or "compute"
    for scheme in getattr(ctx.kb.programs.get(pid), "schemes", None) or []:
        own = [c.fact for c in scheme.conditions]
        if scheme.voucher == kind and own and all(facts.get(f) is True for f in own):
            return str(scheme.id)
    return None


def named_schemes(ctx: AskContext, pid: str) -> list[str | None]:
    """The program's schemes of the voucher asked about that the ask names, when it names more
    than one ("备案大模型和重点企业的上限分别是多少": None for the program's own, then each
    scheme's id); else [None], the program as the ask's facts choose it."""
    program = ctx.kb.programs.get(pid)
    kind = ctx.voucher or "compute"
    if program is None or kind != program.voucher:
        return [None]
    own: list[tuple[str | None, str]] = [(None, program.name)]
    own += [(str(s.id), s.name) for s in getattr(program, "schemes", None) or [] if s.voucher == kind]
    named = [sid for sid, name in own if any(w in ctx.ask.text for w in _name_words(name))]
    return named if len(named) > 1 else [None]


def _name_words(name: str) -> list[str]:
    """The words of a scheme's name that users say ("……：重点企业与伙伴计划成员" -> 重点企业,
    伙伴计划成员): what follows the program's name, split where it lists."""
    return [w for w in re.split(r"[与和及、，,（）()\s]", name.split("：")[-1]) if len(w) >= 3]


__all__ = [
    "asked_groups",
    "named_schemes",
    "purchase_groups",
    "scheme_by_facts",
    "stacking_clause",
    "stacking_line",
    "use_scheme",
]
