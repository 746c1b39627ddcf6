"""Exact values: parsing user input into Decimal / date, rounding, formatting.

Money and ratios are ``decimal.Decimal`` everywhere; a float never touches an amount.
Every parser takes the name of the field it parses, so errors name the field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from assistant.rules.errors import RulesInputError

TEN_THOUSAND = Decimal(10000)  # 1 万元
HUNDRED_MILLION = Decimal(100000000)  # 1 亿元
MAX_AMOUNT = Decimal("1e12")  # anything above 1万亿 yuan is treated as a typo
FEN = Decimal("0.01")

ROUNDING_MODES = {"ROUND_DOWN": ROUND_DOWN, "ROUND_HALF_UP": ROUND_HALF_UP}

_MONEY_SUFFIX = re.compile(
    r"^(?P<num>[+-]?[0-9][0-9,，]*(?:\.[0-9]+)?|[+-]?\.[0-9]+)\s*(?P<unit>亿元|亿|万元|万|元|yuan|rmb|cny)?$", re.I
)


def _to_decimal(value: Any, field: str) -> Decimal:
    if isinstance(value, bool):
        raise RulesInputError(field, f"expected a number, got a boolean ({value!r})")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        # Floats are accepted only through their shortest repr, never their binary value.
        d = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace("\u3000", "")
        m = _MONEY_SUFFIX.match(text)
        if not m:
            raise RulesInputError(field, f"not a number: {value!r}")
        try:
            d = Decimal(m.group("num").replace(",", "").replace("，", ""))
        except InvalidOperation:  # pragma: no cover - regex already guards this
            raise RulesInputError(field, f"not a number: {value!r}") from None
        unit = (m.group("unit") or "").lower()
        if unit.startswith("亿"):
            d *= HUNDRED_MILLION
        elif unit.startswith("万"):
            d *= TEN_THOUSAND
    elif value is None:
        raise RulesInputError(field, "a value is required")
    else:
        raise RulesInputError(field, f"expected a number, got {type(value).__name__}")
    if not d.is_finite():
        raise RulesInputError(field, f"not a finite number: {value!r}")
    return d


def parse_money(value: Any, field: str, *, allow_zero: bool = False) -> Decimal:
    """Yuan amount from str ("1500000", "1,500,000", "150万", "1.5亿"), int or Decimal."""
    d = _to_decimal(value, field)
    if d < 0:
        raise RulesInputError(field, f"must not be negative (got {value!r})")
    if d == 0 and not allow_zero:
        raise RulesInputError(field, "must be greater than zero")
    if d > MAX_AMOUNT:
        raise RulesInputError(field, f"{value!r} yuan is above 1e12 yuan (1万亿元); check the unit")
    if d != d.quantize(FEN, rounding=ROUND_DOWN):
        raise RulesInputError(field, f"{value!r} has more precision than a fen (0.01 yuan)")
    return d


def parse_ratio(value: Any, field: str) -> Decimal:
    """A ratio in (0, 1]: accepts 0.3, "0.3", "30%"."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        d = _to_decimal(value.strip()[:-1], field) / Decimal(100)
    else:
        d = _to_decimal(value, field)
    if d <= 0 or d > 1:
        raise RulesInputError(field, f"a ratio must be above 0 and at most 1 (100%); got {value!r}")
    return d


def parse_date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError as exc:
                raise RulesInputError(field, f"impossible date {value!r} ({exc})") from None
    raise RulesInputError(field, f"not a date (use YYYY-MM-DD): {value!r}")


def parse_int(value: Any, field: str, *, minimum: int | None = None) -> int:
    if isinstance(value, bool):
        raise RulesInputError(field, f"expected a whole number, got {value!r}")
    try:
        d = _to_decimal(value, field)
    except RulesInputError:
        raise RulesInputError(field, f"expected a whole number, got {value!r}") from None
    if d != d.to_integral_value():
        raise RulesInputError(field, f"expected a whole number, got {value!r}")
    n = int(d)
    if minimum is not None and n < minimum:
        raise RulesInputError(field, f"must be at least {minimum} (got {value!r})")
    return n


_TRUE = {"true", "yes", "y", "1", "是", "有", "对"}
_FALSE = {"false", "no", "n", "0", "否", "无", "没有", "不是"}


def parse_bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        t = value.strip().lower()
        if t in _TRUE:
            return True
        if t in _FALSE:
            return False
    raise RulesInputError(field, f"expected yes/no (true/false), got {value!r}")


def quantize(amount: Decimal, unit: str, places: int, mode: str) -> Decimal:
    """Round ``amount`` (yuan) in ``unit`` (yuan or wan) to ``places`` decimals; returns yuan."""
    q = Decimal(1).scaleb(-places)
    rounding = ROUNDING_MODES[mode]
    if unit == "wan":
        return ((amount / TEN_THOUSAND).quantize(q, rounding=rounding) * TEN_THOUSAND).quantize(FEN)
    return amount.quantize(q, rounding=rounding).quantize(FEN)


def plain(d: Decimal) -> str:
    """Decimal without trailing zeros or exponent: 200, 2.5102, 0.3."""
    if d == d.to_integral_value():
        return format(d.quantize(Decimal(1)), "f")
    return format(d.normalize(), "f")


def yuan(d: Decimal) -> str:
    """Yuan to the fen, as a string: "2000000.00"."""
    return format(d.quantize(FEN), "f")


def wan(d: Decimal) -> str:
    """Amount in 万元 without trailing zeros: 2000000 -> "200", 25102 -> "2.5102"."""
    return plain(d / TEN_THOUSAND)


def percent(ratio: Decimal) -> str:
    return plain(ratio * 100) + "%"


def money_label(d: Decimal) -> str:
    """Human form used in messages: 2000000 -> "2000000.00元 (200万元)"."""
    return f"{yuan(d)}元 ({wan(d)}万元)"
