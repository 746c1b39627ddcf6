"""Percentages in a message: 30% -> 0.3, 百分之二十 -> 0.2, 20-30% -> both ends.

Its own module because dates.py had grown to the size limit; a rate the user states is read the
same way wherever it is used (the case's rate, a figure someone told them, a clause's figures)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from assistant.understand.dates import _DIGIT, _small
from assistant.understand.mentions import PercentMention

_PERCENT = re.compile(
    r"(?:(?P<a>\d+(?:\.\d+)?)\s*(?:-|~|～|到|至)\s*)?(?P<n>\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)"
    r"|百分之(?P<cn>[零〇一二两三四五六七八九十百]+(?:点[零〇一二两三四五六七八九]+)?)",
    re.I,
)


def find_percents(text: str) -> list[PercentMention]:
    """Percentages as ratios, in order: 30% -> 0.3, 百分之二十 -> 0.2, 20-30% -> 0.2 and 0.3.
    Above 100% is not a rate (增长了200%)."""
    out: list[PercentMention] = []
    for m in _PERCENT.finditer(text):
        values: list[tuple[int, int, Decimal]] = []
        try:
            if m["cn"]:
                whole, _, frac = m["cn"].partition("点")
                number = Decimal(_small(whole) if whole != "一百" else 100)
                if frac:
                    number += Decimal("0." + "".join(str(_DIGIT[c]) for c in frac))
                values.append((m.start(), m.end(), number))
            else:
                if m["a"]:
                    values.append((m.start("a"), m.end("a"), Decimal(m["a"])))
                values.append((m.start("n") if m["a"] else m.start(), m.end(), Decimal(m["n"])))
        except (InvalidOperation, KeyError):
            continue
        for start, end, number in values:
            if 0 < number <= 100:
                out.append(PercentMention(start=start, end=end, text=text[start:end], value=number / 100))
    return out


__all__ = ["find_percents"]
