"""Whether a program's no-double-funding clause reaches the other public money a message names.

Beijing's clause bars other *municipal* compute subsidies and Yangzhou's other *Yangzhou* funds;
money of another level (a district's support, a province's special fund) is not what they speak
of, so "can the same contract also take the district's money" is a question the texts leave
open, not a breach of a rule written for other money. Which levels a clause covers is program
data (`covers` on the condition); the level of the money named is read with
lexicon/funding_levels.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant import lexicon
from assistant.answer.knowledge import Knowledge
from assistant.rules.model import Condition

_NO_DOUBLE_FUNDING = "other_municipal_subsidy"


@dataclass(frozen=True)
class OpenStacking:
    """A no-double-funding clause and the levels of money named that it does not cover."""

    program: str
    condition: Condition
    levels: list[str]


def levels_named(text: str) -> list[str]:
    """The levels of public money ``text`` names, in the order of the lexicon."""
    return [level for level, rx in _levels().items() if rx.search(text)]


def level_label(level: str, lang: str) -> str:
    return str(lexicon.load_yaml("funding_levels.yaml")["labels"][level]["en" if lang == "en" else "zh"])


def open_stacking(kb: Knowledge, regions: list[str], text: str) -> OpenStacking | None:
    """The first program of ``regions`` (or the places above them) whose no-double-funding clause
    leaves out a level of money ``text`` names; None when every level named is covered."""
    named = levels_named(text)
    if not named:
        return None
    places = list(dict.fromkeys(code for r in regions for code in lexicon.chain(r)))
    for pid in kb.programs_for(places):
        for c in kb.programs[pid].conditions:
            if c.fact == _NO_DOUBLE_FUNDING and c.covers is not None:
                outside = [level for level in named if level not in c.covers]
                return OpenStacking(pid, c, outside) if outside else None
    return None


def _levels() -> dict[str, re.Pattern[str]]:
    return lexicon.pattern_table("funding_levels.yaml", "levels")


__all__ = ["OpenStacking", "level_label", "levels_named", "open_stacking"]
