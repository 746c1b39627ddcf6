"""Traits of the applicant stated as a supposition belong to the ask that supposes them.

"请测算训力券最多可获多少；若该企业属于初创企业，又是多少？" asks twice about one firm: once as it
is, once as if it were a start-up. Read over the whole message, "初创企业" would make the firm a
start-up for both asks. A trait stated only after 若/如果/假如 (and nowhere else in the message)
is taken out of the turn's applicant and given to that ask alone (``Ask.own_applicant``, which
the answer's facts prefer for its ask).

Facts about the contract work the same way when a message asks several questions: "（1）合同300万
能补多少？（2）如合同已签但尚未付款，能否申请？" supposes an unpaid contract for the second question
only (``Ask.supposed_purchase``), so the first is not told it fails the paid-in-full condition.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.lexicon import patterns
from assistant.understand.case import Applicant, Case, Purchase

_SUPPOSE = re.compile(
    r"(若|如果|假如|假设|要是|倘若)[^，。？?]{0,8}(是|属于|为|算|按)"
    r"|(?<![\u4e00-\u9fff])(不)?(是|算|属于)[^，。？?]{1,10}的话"  # "不算初创的话又是多少"
    r"|\bif (we|it|they|the (firm|company|applicant)) (are|is|were|was|counts? as|qualif)",
    re.I,
)


def bind_suppositions(turn: Case) -> None:
    """Move traits stated only as a supposition from ``turn.applicant`` to their ask."""
    from assistant.understand.facts import applicant_stated

    for i, ask in enumerate(turn.asks):
        m = _SUPPOSE.search(ask.text)
        if m is None:
            continue
        supposed = _stated(applicant_stated(ask.text[m.start() :]))
        if not supposed:
            continue
        elsewhere = _stated(applicant_stated(turn.text.replace(ask.text, " ")))
        for name in supposed:
            if name not in elsewhere:
                setattr(turn.applicant, name, None)
        own = ask.own_applicant.model_copy() if ask.own_applicant is not None else Applicant()
        for name, value in supposed.items():
            setattr(own, name, value)
        turn.asks[i] = ask.model_copy(update={"own_applicant": own})


def bind_purchase_suppositions(turn: Case) -> None:
    """Give each ask the purchase facts it supposes (``Ask.supposed_purchase``); when the message
    asks several questions, those facts also leave the turn's purchases unless told elsewhere."""
    for i, ask in enumerate(turn.asks):
        supposed = _purchase_supposed(ask.text)
        if not supposed:
            continue
        if len(turn.asks) > 1:  # one question: the contract told is the one it supposes about
            elsewhere = _purchase_words(turn.text.replace(ask.text, " "))
            for p in turn.purchases:
                for name in supposed:
                    if name not in elsewhere:
                        setattr(p, name, None)
            turn.purchases = [p for p in turn.purchases if p != Purchase()]  # made of the supposition
        # "……剩下40万月底付。付清以后最多能拿多少？": read with the supposition, even alone
        turn.asks[i] = ask.model_copy(update={"supposed_purchase": Purchase(**supposed)})


def _purchase_supposed(text: str) -> dict[str, Any]:
    """The purchase facts a question supposes: those after a word of supposition, or all its facts
    when it asks whether such a purchase may apply (no amount of its own, no "we")."""
    from assistant.understand.money import find_money

    m = patterns("facts.yaml", "purchase_supposed").search(text)
    if m is not None:
        return _purchase_words(text[m.start() :])
    if (
        patterns("facts.yaml", "purchase_kind_asked").search(text)
        and not patterns("facts.yaml", "first_person").search(text)
        and not find_money(text)
    ):
        return _purchase_words(text)
    return {}


def _purchase_words(text: str) -> dict[str, Any]:
    from assistant.understand.phrases import read_group

    return {k: v for k, v in read_group(text, "purchase").items() if k in _SUPPOSABLE}


# Facts of a contract a question can suppose (its amount, dates and place are read elsewhere).
_SUPPOSABLE = frozenset(
    {
        "domestic",
        "supplier_related",
        "already_claimed",
        "paid",
        "purpose",
        "self_built",
        "certified_supplier",
        "via_platform",
    }
)


def _stated(applicant: Applicant) -> dict[str, object]:
    """The traits a piece of text states (the kind of entity is left to the message as a whole)."""
    return {k: v for k, v in applicant.model_dump().items() if v is not None and k not in ("entity_type", "registered")}


__all__ = ["bind_purchase_suppositions", "bind_suppositions"]
