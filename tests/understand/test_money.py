"""Amounts of money against the table in money.yaml: every form users write (两百来万, 30个w,
0.8个亿, RMB 2m, $1 million) to Decimal yuan with its range, currency and period; numbers that
are not money (articles, months, cards, phone numbers, percentages) are never amounts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.understand.money import find_money
from assistant.understand.text import normalise

TABLE: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "money.yaml").read_text(encoding="utf-8"))


def _same(got: Any, want: Any) -> bool:
    if isinstance(got, Decimal) or (want is not None and isinstance(want, (int, float)) and got is not None):
        return got is not None and Decimal(str(got)) == Decimal(str(want))
    if isinstance(want, str) and isinstance(got, Decimal):
        return got == Decimal(want)
    return bool(got == want)


@pytest.mark.parametrize("row", TABLE["find"], ids=lambda r: r["text"][:20] or "empty")
def test_find_money(row: dict[str, Any]) -> None:
    text = normalise(row["text"])
    found = find_money(text)
    want = row["amounts"]
    assert len(found) == len(want), f"{row['text']}: found {[(m.text, str(m.money.value)) for m in found]}"
    for mention, expected in zip(found, want):
        assert text[mention.start : mention.end] == mention.text
        money = mention.money
        assert isinstance(money.value, Decimal)
        assert money.value == money.value.quantize(Decimal("0.01"))
        for key, value in expected.items():
            got = getattr(money, key) if key != "text" else mention.text
            if key in ("value", "high") and value is not None:
                assert got is not None and Decimal(str(got)) == Decimal(str(value)), f"{row['text']}: {key} {got}"
            else:
                assert got == value, f"{row['text']}: {key} = {got!r}, want {value!r}"


def test_table_size() -> None:
    assert len(TABLE["find"]) >= 40
    assert sum(1 for r in TABLE["find"] if not r["amounts"]) >= 10
