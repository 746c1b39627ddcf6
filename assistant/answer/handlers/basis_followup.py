"""A point that asks for the legal basis of what an earlier point of the same message found
("……这样申报合规吗？涉及民法典哪一条？", "是否违反公平竞争审查条例？是否还涉及反垄断法？"):
answered with the articles those findings rest on, not with a fresh search that finds a law's
preface or the program's rate."""

from __future__ import annotations

import re

from assistant.answer.evidence import AskContext, cite_ref, search
from assistant.answer.handlers.compliance import clause_name
from assistant.answer.messages import say
from assistant.lexicon import load_yaml, patterns
from assistant.understand.phrases import read_group

_ASKS_BASIS = patterns("asked.yaml", "basis_of_above")
_LAW_DOCS: dict[str, str] = load_yaml("evidence_words.yaml")["law_docs"]
# a point asking only for the basis says little else ("那涉及民法典哪一条？")
_FEW_OTHER_WORDS = 8


def answer(ctx: AskContext, earlier: list[dict[str, str]]) -> bool:
    """Say the basis of the earlier findings (of the law the point names, if it names one);
    False when the point asks something else or those findings do not rest on that law."""
    text = ctx.ask.text
    if not earlier or not _ASKS_BASIS.search(text) or read_group(text, "compliance"):
        return False
    low = text.lower()
    named = {doc for name, doc in _LAW_DOCS.items() if name in low}
    rest = _ASKS_BASIS.sub("", low)
    for name in _LAW_DOCS:
        rest = rest.replace(name, "")
    if len(re.findall(r"[\u4e00-\u9fff]|[a-z]+", rest)) > _FEW_OTHER_WORDS:
        return False  # "二是券只能用在区属国企建的智算中心……依据是什么": a point with its own arrangement
    refs = [r for r in earlier if not named or r["doc"] in named]
    if not refs:
        return False
    refs = list({(r["doc"], r["clause"]): r for r in refs}.values())[:4]
    found = search(ctx, ["national", *ctx.ask.regions], references=refs, k=4, include_national=True)
    parts = [clause_name(ctx, r) + cite_ref(ctx, found, r) for r in refs]
    ctx.draft.verdict = "answered"
    ctx.draft.say(say(ctx.lang, "compliance.basis_of_above", refs=("; " if ctx.lang == "en" else "、").join(parts)))
    return True


__all__ = ["answer"]
