"""What the finders return: a mention is a span of the (normalised) message and what it means.

Spans let facts.py look at the words around each mention (注册在 before a place, 其中存储 before an
amount, 签 after a date) instead of re-reading the message.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assistant.understand.case import Money, Place

Precision = Literal["day", "month", "year", "vague", "span"]


class _Mention(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: int  # offset of the first character in the text the finder was given
    end: int  # offset after the last character
    text: str  # text[start:end]


class PlaceMention(_Mention):
    place: Place


class MoneyMention(_Mention):
    money: Money


class DateMention(_Mention):
    value: dt.date  # the first day the words can mean (去年7月 -> 2025-07-01)
    last: dt.date  # the last day (去年7月 -> 2025-07-31); == value for a day
    precision: Precision


class TermMention(_Mention):
    months: int  # a contract or service term: 一年期 -> 12, 18个月 -> 18


class PercentMention(_Mention):
    value: Decimal  # a ratio: 30% -> 0.3


__all__ = ["DateMention", "MoneyMention", "PercentMention", "PlaceMention", "Precision", "TermMention"]
