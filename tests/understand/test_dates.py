"""Dates, terms and percentages against the table in dates.yaml: relative dates against a fixed
today, a month without a year in the most recent such month, ends of years as their last day,
terms in months (never a month name), ratios as Decimal, and dates that do not exist reported."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.understand.dates import find_dates, find_terms, invalid_dates
from assistant.understand.percents import find_percents
from assistant.understand.text import normalise

TABLE: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "dates.yaml").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 11, 28)


def _ids(row: dict[str, Any]) -> str:
    return str(row["text"])[:20] or "empty"


@pytest.mark.parametrize("row", TABLE["dates"], ids=_ids)
def test_find_dates(row: dict[str, Any]) -> None:
    text = normalise(row["text"])
    found = find_dates(text, TODAY)
    want = row["dates"]
    assert len(found) == len(want), f"{row['text']}: found {[(m.text, str(m.value), m.precision) for m in found]}"
    for mention, expected in zip(found, want):
        assert text[mention.start : mention.end] == mention.text
        assert mention.value <= mention.last
        for key, value in expected.items():
            got = getattr(mention, key)
            assert got == value, f"{row['text']}: {key} = {got!r}, want {value!r}"


@pytest.mark.parametrize("row", TABLE["terms"], ids=_ids)
def test_find_terms(row: dict[str, Any]) -> None:
    text = normalise(row["text"])
    assert [t.months for t in find_terms(text)] == row["months"], row["text"]


@pytest.mark.parametrize("row", TABLE["percents"], ids=_ids)
def test_find_percents(row: dict[str, Any]) -> None:
    text = normalise(row["text"])
    assert [p.value for p in find_percents(text)] == [Decimal(v) for v in row["values"]], row["text"]


@pytest.mark.parametrize("row", TABLE["invalid"], ids=_ids)
def test_invalid_dates(row: dict[str, Any]) -> None:
    assert invalid_dates(normalise(row["text"]), TODAY) == row["dates"], row["text"]


def test_table_size() -> None:
    assert len(TABLE["dates"]) >= 40
    assert sum(1 for r in TABLE["dates"] if not r["dates"]) >= 8
