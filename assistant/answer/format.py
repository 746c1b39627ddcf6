"""Numbers and dates as users read them: yuan with the 万元 form beside it, percentages, dates.

Every amount an answer states goes through ``money`` so that the same value always reads the
same way (1,000,000元（100万元） / 1,000,000 yuan (100万元)); the guardrails recognise all of
these forms as one number.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except Exception:
        return None


def _plain(d: Decimal) -> str:
    d = d.normalize()
    if d == d.to_integral_value():
        return format(d.quantize(Decimal(1)), "f")
    return format(d, "f")


def money(value: Any, lang: str = "zh") -> str:
    """1000000 -> 1,000,000元（100万元） / 1,000,000 yuan (100万元)."""
    d = _dec(value)
    if d is None:
        return "—"
    if d == d.to_integral_value():
        y = f"{int(d):,}"
    else:
        y = f"{d.quantize(Decimal('0.01')):,}"
    w = _plain(d / Decimal(10000))
    if lang == "en":
        return f"{y} yuan ({w}万元)"
    return f"{y}元（{w}万元）"


_WAN_YI = re.compile(r"(?<![\d.,（(])(\d+(?:\.\d+)?)(万元|亿元)(?![）)])")


def yuanify(text: str) -> str:
    """'最高200万元' -> '最高2,000,000元（200万元）' in sentences taken from a clause (quotes stay verbatim)."""

    def repl(m: re.Match[str]) -> str:
        num, unit = m.group(1), m.group(2)
        value = Decimal(num) * (Decimal(10000) if unit == "万元" else Decimal(100000000))
        y = f"{int(value):,}" if value == value.to_integral_value() else f"{value.quantize(Decimal('0.01')):,}"
        return f"{y}元（{num}{unit}）"

    return _WAN_YI.sub(repl, text)


def percent(value: Any) -> str:
    d = _dec(value)
    if d is None:
        return "—"
    return _plain(d * 100) + "%"


def date_text(value: Any, lang: str = "zh") -> str:
    if not value:
        return ""
    try:
        d = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if lang == "en":
        return d.isoformat()
    return f"{d.year}年{d.month}月{d.day}日"


def shorten(text: str, limit: int = 90) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    # Never cut a number in half.
    m = re.search(r"[\d.,万亿元%]+$", cut)
    if m and m.start() > limit // 2:
        cut = cut[: m.start()]
    return cut.rstrip("，,、；; ") + "…"
