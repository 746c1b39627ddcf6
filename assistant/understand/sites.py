"""Where each purchase's compute is, when one message places them apart.

"今年在本地智算中心的算力费9000万，另外在合肥用了1000万": the case has one compute place (合肥),
but it belongs to the second purchase only; the first is local. A program whose condition is
local compute then tests each contract on its own site instead of failing both.
"""

from __future__ import annotations

import re

from assistant.understand.case import Case, Place, Purchase
from assistant.understand.clauses import Clause
from assistant.understand.phrases import first_match, tables


def place_purchases(pcs: list[tuple[Clause, Purchase]], case: Case, asked: list[tuple[int, Place]]) -> None:
    """Set ``Purchase.compute_at`` from its own clause: the compute place named there, or the
    firm's own place where the clause says the compute is local. Only for several purchases (one
    purchase takes the case's compute place as it is)."""
    at, home = case.compute_at, case.applicant.registered
    if len(pcs) < 2 or at is None or not at.region:
        return
    local = tables()["compute_cues"]["local"]
    # "本地" is where the firm is; where it is not said, the one place asked about ("芜湖的……")
    places = {p.region for _, p in asked if p.region}
    own = home.region if home is not None and home.region else (places.pop() if len(places) == 1 else None)
    for clause, purchase in pcs:
        if at.text in clause.text:
            purchase.compute_at = at.region
        elif own and first_match(clause.text, local):
            purchase.compute_at = own  # "在本地智算中心的算力费9000万"
        else:
            purchase.compute_at = site_named(clause.text, case)  # "其中100万用的是合肥那边的算力"


def site_named(text: str, case: Case) -> str | None:
    """A place of the message named in ``text`` as where compute is used (a buying verb before
    it, or a compute centre after it); the case keeps only one such place, the last."""
    cues = tables()["compute_cues"]
    for place in case.places:
        at = text.find(place.text)
        if not place.region or at < 0:
            continue
        after = text[at + len(place.text) :]
        there = re.search(r"(在|到|去)\s*$", text[:at]) and first_match(after, cues["there_after_at"])
        if there or first_match(text[:at], cues["verb_before"]) or first_match(after, cues["after"]):
            return place.region
    return None


def compute_elsewhere_in(text: str) -> bool:
    """Whether ``text`` says the compute is outside the region asked about ("使用外地智算中心的
    算力费用能否一并申请"), without naming where."""
    return first_match(text, tables()["compute_cues"]["elsewhere"]) is not None


def compute_local_in(text: str) -> bool:
    """Whether ``text`` says the compute is local ("使用本地智算中心算力"), without naming where."""
    return first_match(text, tables()["compute_cues"]["local"]) is not None


__all__ = ["compute_elsewhere_in", "compute_local_in", "place_purchases", "site_named"]
