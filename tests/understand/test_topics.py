"""topics, voucher_type and article_labels against the table in topics.yaml, and the article labels
against the labels the corpus actually uses."""

from __future__ import annotations

import re
from pathlib import Path

import cn2an
import pytest
import yaml

from assistant.understand.topics import article_labels, topic_names, topics, voucher_type

TABLE = yaml.safe_load((Path(__file__).parent / "topics.yaml").read_text(encoding="utf-8"))
CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.mark.parametrize("row", TABLE["topics"], ids=lambda r: r["text"][:24])
def test_topics(row: dict) -> None:
    found = topics(row["text"])
    assert set(row["has"]) <= set(found), found
    assert not set(row.get("not", [])) & set(found), found


@pytest.mark.parametrize("row", TABLE["vouchers"], ids=lambda r: r["text"][:24])
def test_voucher_type(row: dict) -> None:
    assert voucher_type(row["text"]) == row["voucher"]


@pytest.mark.parametrize("row", TABLE["articles"], ids=lambda r: r["text"][:24])
def test_article_labels(row: dict) -> None:
    assert article_labels(row["text"]) == row["labels"]


def test_every_topic_is_tested() -> None:
    tested = {t for row in TABLE["topics"] for t in row["has"]}
    assert tested == set(topic_names())


@pytest.mark.parametrize("doc", ["civil-code-excerpts.md", "fair-competition-review-regulation.md"])
def test_labels_match_the_corpus(doc: str) -> None:
    """Every article label in the corpus reads back as itself, and its number in digits gives it too."""
    labels = sorted(set(re.findall(r"^(第[一二三四五六七八九十百千零]+条) ", (CORPUS / doc).read_text("utf-8"), re.M)))
    assert labels
    for label in labels:
        assert article_labels(label) == [label]
        number = int(cn2an.cn2an(label[1:-1], "smart"))
        assert article_labels(f"第{number}条") == [label]
        assert article_labels(f"Article {number}") == [label]
