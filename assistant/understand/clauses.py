"""Clauses: the unit facts are read in. A mention belongs to the clause it sits in, and the words
of that clause say what it is. Users on a phone separate clauses with spaces, so a space between
two Chinese characters ends a clause too."""

from __future__ import annotations

import re
from dataclasses import dataclass

# An ASCII comma that parts clauses: one between digits groups thousands ("1,350万") and stays in its figure.
COMMA_BREAK = r"(?<!\d),|(?<=\d),(?!\d{3}(?!\d))"
_CLAUSE_BREAK = re.compile(r"[，。;；！!？?\n]|" + COMMA_BREAK + r"|(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


@dataclass
class Clause:
    start: int
    end: int
    text: str


def clauses(text: str) -> list[Clause]:
    out, start = [], 0
    for m in _CLAUSE_BREAK.finditer(text):
        out.append(Clause(start, m.end(), text[start : m.end()]))
        start = m.end()
    if start < len(text):
        out.append(Clause(start, len(text), text[start:]))
    return out or [Clause(0, 0, "")]


def clause_at(cls: list[Clause], pos: int, end: int | None = None) -> Clause:
    """The clause at ``pos``; with ``end``, the clauses a span runs across as one ("深圳 南山的企业":
    a space between Chinese words breaks a clause, not a place)."""
    first = next((c for c in cls if c.start <= pos < c.end), cls[-1])
    last = first if end is None or end <= first.end else clause_at(cls, end - 1)
    if last is first or last.start < first.start:
        return first
    text = first.text + "".join(c.text for c in cls if first.end <= c.start and c.end <= last.end)
    return Clause(first.start, last.end, text)


__all__ = ["COMMA_BREAK", "Clause", "clause_at", "clauses"]
