"""A level of government named relative to the place already spoken of ("省里的券呢" after a
Zhengzhou question is Henan's voucher; "市里的呢" from a firm in a district is its city's).

Why its own step: the words name no place, so the place finder cannot see them, and answering
the city again (or "which region?") ignores what was asked. The level maps each region to the
region containing it at that level; a containing region with no documents is a place with no
document, said so by name, never the city's answer instead. Words: lexicon/relative_levels.yaml.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant import lexicon

if TYPE_CHECKING:
    from assistant.understand.case import Case

_MUNICIPALITIES_KIND = "province"  # Beijing, Shanghai, Tianjin, Chongqing: a city at province level
# What follows or goes before a level whose money was received ("省里的算力券已经拿到了",
# "已经拿了省级算力券"), not a level asked about.
_RECEIVED = re.compile(r"[^，。？?]{0,6}?(已经|已)?(拿到|拿了|领了|领到|获得|申请到|享受了|批了|到账)")
_RECEIVED_BEFORE = re.compile(r"(拿到|拿了|领了|领到|获得了?|申请到|享受了|批了)[^，。？?]{0,3}$")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    return lexicon.pattern_table("relative_levels.yaml", "levels")


def levels_named(text: str) -> list[str]:
    """The levels the text names relative to a place, in the order named ("province", "city").
    A level word joined to a place's name ("河南省级", "北京市级") names that place, not a level
    relative to another."""
    from assistant.understand.places import find_places

    text = text or ""
    found = []
    spans: list[tuple[int, int]] | None = None
    for level, pattern in _patterns().items():
        for m in pattern.finditer(text):
            if spans is None:
                spans = [(p.start, p.end) for p in find_places(text)]
            received = _RECEIVED.match(text, m.end()) or _RECEIVED_BEFORE.search(text[: m.start()])
            if any(start <= m.start() <= end for start, end in spans) or received:
                continue  # "省里的算力券已经拿到了": money received at that level, not a level asked about
            found.append((m.start(), level))
            break
    return [level for _, level in sorted(found)]


def _at_level(code: str, level: str) -> str | None:
    """The region containing ``code`` at ``level`` (itself when it is that level); None when the
    place is above the level (a province asked about its city) or not in the lexicon."""
    chain = [lexicon.region(c) for c in lexicon.chain(code)]
    regions = [r for r in chain if r is not None]
    if not regions:
        return None
    if level == "province":
        top = regions[-1]
        return top.code if top.kind == "province" else None
    cities = [r for r in regions if r.kind == "city"]
    if cities:
        return cities[0].code
    top = regions[-1]
    return top.code if len(regions) > 1 and top.kind == _MUNICIPALITIES_KIND else None


def relative_regions(text: str, regions: list[str]) -> tuple[list[str], list[str]] | None:
    """(regions with documents, names of containing regions without) for the levels the text
    names, or None when it names none or none applies to the regions given."""
    levels = levels_named(text)
    if not levels or not regions:
        return None
    covered = set(lexicon.covered_regions())
    found: list[str] = []
    missing: list[str] = []
    for level in levels:
        for code in regions:
            target = _at_level(code, level)
            if target is None:
                continue
            region = lexicon.region(target)
            if target in covered and target not in found:
                found.append(target)
            elif target not in covered and region is not None and region.name_zh not in missing:
                missing.append(region.name_zh)
    if not found and not missing:
        return None
    return found, missing


def apply_levels(case: Case, text: str) -> Case:
    """The case with each ask that names a level (or follows one without a place of its own)
    about the region at that level. When no ask is left about the regions before, the case is
    about the new ones too, and a containing region with no documents is a place with none."""
    from assistant.understand.places import find_places

    if not levels_named(text):
        return case
    before = list(case.regions)
    own_level = any(levels_named(a.text) for a in case.asks)
    asks = []
    carried: list[str] | None = None
    missing: list[str] = []
    for ask in case.asks:
        if not own_level or levels_named(ask.text):
            got = relative_regions(text if not own_level else ask.text, ask.regions or before)
            if got is not None:
                carried = got[0]
                missing += [m for m in got[1] if m not in missing]
                ask = ask.model_copy(update={"regions": list(carried)})
        elif carried is not None and not find_places(ask.text):
            ask = ask.model_copy(update={"regions": list(carried)})
        asks.append(ask)
    if carried is None:
        return case
    update: dict[str, object] = {"asks": asks}
    if all(a.regions != before for a in asks):
        update["regions"] = list(dict.fromkeys(r for a in asks for r in a.regions))
        update["unknown_places"] = missing
    return case.model_copy(update=update)


__all__ = ["apply_levels", "levels_named", "relative_regions"]
