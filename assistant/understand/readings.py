"""Which reading of an ambiguous place name ("经开区", "南山", "朝阳") a message means.

Why its own module: the turn reader (facts.py) finds places; settling one that names several
places takes clues from the rest of the message (the program named after it, a voucher only one
reading's region issues, the same place named plainly beside it), a job with its own rules.
"""

from __future__ import annotations

import re

from assistant.understand import places as places_mod
from assistant.understand.case import Place


def settle_reading(text: str, end: int, place: Place, covered: frozenset[str], others: list[Place]) -> Place:
    """The one reading the message's own clues point to, else the place as it is (ambiguous)."""
    return named_beside(voucher_reading(text, program_reading(text, end, place, covered)), others)


def named_beside(place: Place, others: list[Place]) -> Place:
    """ "听说亦庄……经开区现行文件……": an ambiguous name one of whose readings the message also
    names plainly means that reading."""
    if not place.ambiguous:
        return place
    plain = {o.region for o in others if not o.ambiguous and o.region}
    hits = [r for r in _readings(place) if r is not None and r.region in plain]
    if not hits:  # "京 经开区": the city named beside the zone places it
        hits = [r for r in _readings(place) if r is not None and plain.intersection(r.chain[1:])]
    return hits[0].model_copy(update={"text": place.text}) if len(hits) == 1 else place


def program_reading(text: str, end: int, place: Place, covered: frozenset[str]) -> Place:
    """An ambiguous name used as a program's name ("经开区算力券") with one reading that has
    documents means that reading; as where the firm is ("经开区的公司") it stays ambiguous."""
    if not re.search(r"(开发区|经开区|高新区|新区)$", place.text) or not re.match(
        r"^(的)?(算力券|政策|券|算力补贴|补贴政策)", text[end : end + 6]
    ):
        return place
    from assistant.rules import load_programs

    with_rules = {p.region for p in load_programs().values()}
    hits = [r for r in _readings(place) if r is not None and places_mod.covered_region(r, covered) in with_rules]
    return hits[0].model_copy(update={"text": place.text}) if len(hits) == 1 else place


def voucher_reading(text: str, place: Place) -> Place:
    """An ambiguous name ("南山") in a message naming a voucher only one reading's region issues
    ("训力券": Shenzhen's), or what only its program is about ("做大模型训练"), means that reading."""
    if not place.ambiguous:
        return place
    from assistant import lexicon

    hits = []
    for reading in _readings(place):
        chain = [lexicon.region(code) for code in (reading.chain if reading else [])]
        names = [n for r in chain if r is not None for n in [*r.voucher_names, *r.reading_hints]]
        if reading is not None and any(re.search(re.escape(n), text, re.I) for n in names):
            hits.append(reading)
    return hits[0].model_copy(update={"text": place.text}) if len(hits) == 1 else place


def _readings(place: Place) -> list[Place | None]:
    """Each reading of an ambiguous name, resolved from its label ("北京经济技术开发区（亦庄）")."""
    return [places_mod.resolve_place(re.sub(r"[（(].*", "", label)) for label in place.candidates]


__all__ = ["named_beside", "program_reading", "settle_reading", "voucher_reading"]
