"""Whether a clause the answer rests on admits the kind of applicant a question names.

Why: "高校能否申请南京市算力券" is answered from the rule ("面向……在南京的高校和科研院所"), not by
checking a firm's facts nobody gave; the rule's sentence then says yes, and the verdict should say
it too (eligible), not merely "answered". The kinds and cues are data (lexicon/applicant_kinds.yaml).
"""

from __future__ import annotations

import re

from assistant import lexicon
from assistant.query_text import words as cut

_SENTENCE_END = re.compile(r"(?<=[。；;！!？?])|(?<=\.)\s+")


def _kinds() -> dict[str, re.Pattern[str]]:
    return lexicon.pattern_table("applicant_kinds.yaml", "kinds")


def kinds_named(text: str) -> list[str]:
    """The kinds of applicant ``text`` names."""
    return [kind for kind, pattern in _kinds().items() if pattern.search(text)]


def admits_kind_asked(question: str, clauses: list[str]) -> bool:
    """Whether ``question`` asks if a kind of applicant may apply and a sentence of the source
    ``clauses`` the answer states admits that kind (names it with an admitting cue and no bar)."""
    if not lexicon.patterns("applicant_kinds.yaml", "can_apply").search(question):
        return False
    asked = kinds_named(question)
    if not asked:
        return False
    admits = lexicon.patterns("applicant_kinds.yaml", "admits")
    bars = lexicon.patterns("applicant_kinds.yaml", "bars")
    for sentence in (part for clause in clauses for part in _SENTENCE_END.split(clause)):
        named = [k for k in asked if _kinds()[k].search(sentence)]
        if named and admits.search(sentence) and not bars.search(sentence):
            return True
    return False


def bars_what_is_asked(question: str, clauses: list[str]) -> bool:
    """Whether ``question`` asks if something may be claimed ("企业在省外购买的算力，能否申请省级
    算力券") and a clause the answer states puts that very thing outside the support ("购买省外算力
    不在支持范围"): a word of the question, not one every clause shares, inside the barring part."""
    if not lexicon.patterns("applicant_kinds.yaml", "can_apply").search(question):
        return False
    out = lexicon.patterns("applicant_kinds.yaml", "out_of_scope")
    common = set(lexicon.load_yaml("applicant_kinds.yaml")["common_words"])
    for sentence in (part for clause in clauses for part in re.split(r"[，,；;。]", clause)):
        if not out.search(sentence):
            continue
        words = {w for w in cut(out.sub(" ", sentence)) if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w)}
        if any(w in question for w in words - common):
            return True
    return False
