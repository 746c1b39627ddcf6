"""Traits of the applicant stated as a supposition belong to the ask that supposes them.

"请测算训力券最多可获多少；若该企业属于初创企业，又是多少？" asks twice about one firm: once as it
is, once as if it were a start-up. Read over the whole message, "初创企业" would make the firm a
start-up for both asks. A trait stated only after 若/如果/假如 (and nowhere else in the message)
is taken out of the turn's applicant and given to that ask alone (``Ask.own_applicant``, which
the answer's facts prefer for its ask).
"""

from __future__ import annotations

import re

from assistant.understand.case import Applicant, Case

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


def _stated(applicant: Applicant) -> dict[str, object]:
    """The traits a piece of text states (the kind of entity is left to the message as a whole)."""
    return {k: v for k, v in applicant.model_dump().items() if v is not None and k not in ("entity_type", "registered")}


__all__ = ["bind_suppositions"]
