"""split_asks and is_followup against the table in split.yaml: the questions of one message in
order, facts staying with their question, and messages that only make sense with the history."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.understand.followup import is_followup
from assistant.understand.split import split_asks

TABLE = yaml.safe_load((Path(__file__).parent / "split.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("row", TABLE["split"], ids=lambda r: r["text"][:24] or "empty")
def test_split_asks(row: dict) -> None:
    assert split_asks(row["text"]) == row["asks"]


@pytest.mark.parametrize("row", TABLE["followup"], ids=lambda r: r["text"][:24] or "empty")
def test_is_followup(row: dict) -> None:
    assert is_followup(row["text"]) is row["followup"]


def test_asks_are_slices_of_the_message() -> None:
    """Later finders look at the user's own words: every ask is found in the message as written,
    except one question over several vouchers ("模型券、语料券的比例"), asked once per voucher,
    and a request listing points ("请答复发布日期、支持对象和补贴比例"), asked once per point: such
    an ask is pieces of the message (the words before the list, one item, the words after)."""
    from assistant.understand.topics import voucher_mentions

    for row in TABLE["split"]:
        text = row["text"]
        for ask in split_asks(text):
            if ask in text:
                continue
            mentions = voucher_mentions(ask)
            if mentions:
                (start, end), *_ = mentions
                if ask[:start] in text and ask[start:end] in text and ask[end:] in text:
                    continue
            assert _pieces_of(ask, text), ask


def _pieces_of(ask: str, text: str) -> bool:
    """``ask`` is at most four consecutive-or-not slices of ``text`` (greedy, longest first)."""
    rest, pieces = ask, 0
    while rest and pieces < 4:
        n = next((k for k in range(len(rest), 0, -1) if rest[:k] in text), 0)
        if n == 0:
            return False
        rest, pieces = rest[n:], pieces + 1
    return not rest


def test_table_size() -> None:
    assert len(TABLE["split"]) >= 40
