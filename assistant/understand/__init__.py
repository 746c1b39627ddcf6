"""Understanding a conversation: every message becomes a typed case file (``Case``).

``understand(message, history, today=...)`` reads the earlier user messages and the new one
turn by turn (facts.read_turn), merges them (state.merge), and lists the new message's
questions as asks, each classified from labelled examples (intent.IntentClassifier) with its
regions, voucher type, topics and year. A message that only adds facts ("合同是800万", "是",
"那上海呢") asks the previous questions again with what it changed. See docs/understanding.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.understand.asks import asks_in_force, computations_requested, read_asks
from assistant.understand.binding import bind_purchases
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
from assistant.understand.documents import DocRef

_DEFAULT_CLASSIFIER: Any = None


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
    documents: Iterable[DocRef] = (),
) -> Case:
    """The conversation's case file after ``message`` (``history``: earlier user messages, oldest
    first). ``reply`` is (fact, value) when the message answers a yes/no question the assistant
    asked about that fact. ``documents``: the indexed documents, so that one named by its number
    or title tells where the question is about."""
    from assistant.understand.documents import named_documents
    from assistant.understand.facts import read_turn
    from assistant.understand.levels import apply_levels
    from assistant.understand.state import apply_answer, merge
    from assistant.understand.suppositions import bind_purchase_suppositions, bind_suppositions

    today = today or dt.date.today()
    documents = tuple(documents)
    cov = frozenset(covered) if covered is not None else _covered_default()
    clf = _classifier(classifier)
    case: Case | None = None
    last_turn: Case | None = None
    previous_asks: list[Ask] = []
    earlier_turns = [h for h in history if isinstance(h, str) and h.strip()]
    for turn in [*earlier_turns, message]:
        cur = read_turn(turn, today, cov)
        if documents and not cur.regions:  # "企业问京技管发〔2024〕29号是否仍然有效", "经开区" ambiguous alone
            cur.regions = [d.region for d in named_documents(cur.text, documents) if d.region in cov][:1]
        elif documents:  # "郑政文〔2024〕62号……已获河南省级算力券的企业……": the city's text, not the province
            cur.regions = _text_region_over_its_parents(cur.regions, named_documents(cur.text, documents), cov)
        cur.asks = read_asks(cur, clf, today, previous_asks, cov)
        bind_suppositions(cur)  # "若该企业属于初创企业，又是多少": that ask's supposition only
        bind_purchase_suppositions(cur)  # "（2）如合同尚未付款，能否申请": that point's contract only
        case = cur if case is None else merge(case, cur, last_turn)
        case.asks = computations_requested(case.asks, case)
        case = apply_levels(case, cur.text)  # "省里的券呢" after a Zhengzhou question: Henan's
        last_turn = cur
        if case.regions:
            case.asks = [a if a.regions else a.model_copy(update={"regions": list(case.regions)}) for a in case.asks]
        case.asks = bind_purchases(case.asks, case, cur.text)
        if case.asks and all(a.intent not in ("greeting", "off_topic") for a in case.asks):
            previous_asks = case.asks
    assert case is not None
    if documents:
        earlier = earlier_turns[-1] if earlier_turns else ""
        case.asks = [_with_documents(a, case, documents, earlier) for a in case.asks]
    if reply is not None:
        case = apply_answer(case, *reply)
    _clarify(case)
    return case


def _text_region_over_its_parents(regions: list[str], named: list[DocRef], covered: frozenset[str]) -> list[str]:
    """The region of the text a message names when every region it names otherwise only
    contains that one (the province of a city's document)."""
    from assistant import lexicon

    own = next((d.region for d in named if d.region in covered), None)
    if own is None or own in regions or not all(r in lexicon.chain(own)[1:] for r in regions):
        return regions
    return [own]


def _with_documents(ask: Ask, case: Case, documents: Iterable[DocRef], earlier: str = "") -> Ask:
    """The ask with the documents it names; a year that names a document ("2023年的措施现在还
    能申请吗") is not the date asked about."""
    from assistant.understand.documents import asked_documents, names_a_document_year

    named = asked_documents(ask.text, case.text, documents, ask.regions or case.regions, earlier)
    if not named:
        return ask
    year = None if ask.year is not None and names_a_document_year(ask.text, ask.year) else ask.year
    return ask.model_copy(update={"documents": [d.doc_id for d in named], "year": year})


def _clarify(case: Case) -> None:
    """What must be asked back: an ambiguous place, a vague amount, another currency."""
    from assistant.answer.format import money as fmt

    clar: list[Clarification] = [c for c in case.clarifications if c.fact == "place"]
    if case.regions:
        clar = []  # the conversation settled where
    elif (
        not clar
        and not case.unknown_places
        and any(a.intent in ("calculation", "eligibility", "validity", "process") for a in case.asks)
    ):
        clar.append(
            Clarification(
                fact="region",
                question_zh="贵单位在哪个地区申请（注册地或算力使用地）？",
                question_en="Which region are you applying in (where you are registered or use the compute)?",
            )
        )
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
    "asks_in_force",
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
