"""Understanding a conversation: every message becomes a typed case file (``Case``).

``understand(message, history, today=...)`` reads the earlier user messages and the new one
turn by turn (facts.read_turn), merges them (state.merge), and lists the new message's
questions as asks, each classified from labelled examples (intent.IntentClassifier) with its
regions, voucher type, topics and year. A message that only adds facts ("合同是800万", "是",
"那上海呢") asks the previous questions again with what it changed. See docs/understanding.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.understand.case import (
    INTENTS,
    Applicant,
    Ask,
    Case,
    Clarification,
    ComplianceFacts,
    LineItem,
    Money,
    Note,
    Place,
    Purchase,
    Receipt,
)

_DEFAULT_CLASSIFIER: Any = None
_YEAR = re.compile(r"(20\d{2})\s*(年|年度)?")


def _classifier(given: Any) -> Any:
    global _DEFAULT_CLASSIFIER
    if given is not None:
        return given
    if _DEFAULT_CLASSIFIER is None:
        from assistant.understand.intent import IntentClassifier

        _DEFAULT_CLASSIFIER = IntentClassifier.load()
    return _DEFAULT_CLASSIFIER


def _covered_default() -> frozenset[str]:
    from assistant import lexicon

    return frozenset(lexicon.covered_regions())


def understand(
    message: str,
    history: Sequence[str] | Iterable[str] = (),
    *,
    today: dt.date | None = None,
    covered: Iterable[str] | None = None,
    classifier: Any = None,
    reply: tuple[str, bool] | None = None,
) -> Case:
    """The conversation's case file after ``message`` (``history``: earlier user messages, oldest
    first). ``reply`` is (fact, value) when the message answers a yes/no question the assistant
    asked about that fact."""
    from assistant.understand.facts import read_turn
    from assistant.understand.state import apply_answer, merge

    today = today or dt.date.today()
    cov = frozenset(covered) if covered is not None else _covered_default()
    clf = _classifier(classifier)
    case: Case | None = None
    previous_asks: list[Ask] = []
    for turn in [*[h for h in history if isinstance(h, str) and h.strip()], message]:
        cur = read_turn(turn, today, cov)
        cur.asks = _asks(cur, clf, today, previous_asks, cov)
        case = cur if case is None else merge(case, cur)
        if case.regions:
            case.asks = [a if a.regions else a.model_copy(update={"regions": list(case.regions)}) for a in case.asks]
        previous_asks = case.asks
    assert case is not None
    if reply is not None:
        case = apply_answer(case, *reply)
    _clarify(case)
    return case


def _asks(cur: Case, clf: Any, today: dt.date, previous: list[Ask], covered: frozenset[str]) -> list[Ask]:
    from assistant.understand import places as places_mod
    from assistant.understand.split import is_followup, split_asks
    from assistant.understand.topics import article_labels, topics, voucher_type

    text = cur.text
    parts = split_asks(text) if text.strip() else []
    followup = is_followup(text)
    if (not parts or followup) and previous:
        # Only facts, or "那上海呢": the earlier questions again, about what this turn named.
        regions = list(cur.regions)
        return [a.model_copy(update={"regions": regions or a.regions}) for a in previous]
    asks: list[Ask] = []
    for part in parts or [text]:
        scores = clf.classify(part)
        intent, confidence, unclear = clf.decide(scores)
        own = []
        for pm in places_mod.find_places(part):
            code = places_mod.covered_region(pm.place, covered)
            if code and code in cur.regions and code not in own:
                own.append(code)
        year_m = _YEAR.search(part)
        asks.append(
            Ask(
                text=part,
                intent=intent,
                confidence=0.0 if unclear else float(confidence),
                scores={k: round(float(v), 4) for k, v in scores},
                regions=own,
                voucher=voucher_type(part),
                topics=topics(part),
                year=int(year_m.group(1)) if year_m and 2015 <= int(year_m.group(1)) <= today.year + 5 else None,
                articles=article_labels(part),
            )
        )
    return asks


def _clarify(case: Case) -> None:
    """What must be asked back: an ambiguous place, a vague amount, another currency."""
    from assistant.answer.format import money as fmt

    clar: list[Clarification] = [c for c in case.clarifications if c.fact == "place"]
    if case.regions:
        clar = []  # the conversation settled where
    for p in case.purchases:
        if p.amount is not None and p.amount.currency != "CNY":
            clar.append(
                Clarification(
                    fact="currency",
                    question_zh="请提供人民币金额；其他币种的金额不作换算。",
                    question_en="Please give the amount in yuan (RMB); amounts in other currencies are not converted.",
                )
            )
        elif p.amount is not None and p.amount.confirm:
            clar.append(
                Clarification(
                    fact="amount",
                    question_zh=f"“{p.amount.text}”是按{fmt(p.amount.value)}理解的，对吗？",
                    question_en=f"I read “{p.amount.text}” as {fmt(p.amount.value, 'en')}; is that right?",
                )
            )
    case.clarifications = clar


__all__ = [
    "INTENTS",
    "Applicant",
    "Ask",
    "Case",
    "Clarification",
    "ComplianceFacts",
    "LineItem",
    "Money",
    "Note",
    "Place",
    "Purchase",
    "Receipt",
    "understand",
]
