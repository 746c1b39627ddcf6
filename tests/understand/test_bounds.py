"""Bounds on the work one message can cause: a pasted flood of amounts is read up to a limit and
the user is told, and what is embedded for intents is cut to what the model reads (a 16,000-
character ask took 12 s to embed before)."""

from __future__ import annotations

import datetime as dt

from assistant.understand import understand
from assistant.understand.amounts import MAX_AMOUNTS
from assistant.understand.intent import MAX_EMBED_CHARS


class _CountingClassifier:
    """Stands in for the e5 classifier and records what it was given to embed."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def classify(self, text: str) -> list[tuple[str, float]]:
        self.seen.append(text)
        return [("calculation", 0.9), ("fact", 0.05)]

    decide = staticmethod(__import__("assistant.understand.intent", fromlist=["decide"]).decide)


def test_a_flood_of_amounts_is_read_up_to_the_limit_and_said() -> None:
    message = "北京的公司，" + "另外一份合同100万，" * (MAX_AMOUNTS * 3) + "能补多少"
    case = understand(message, today=dt.date(2026, 11, 28), classifier=_CountingClassifier())
    assert len(case.purchases) == MAX_AMOUNTS
    assert any(n.code == "too_many_amounts" for n in case.notes)


def test_an_ordinary_message_is_not_cut() -> None:
    case = understand(
        "北京合同100万，另一份合同200万，能补多少", today=dt.date(2026, 11, 28), classifier=_CountingClassifier()
    )
    assert len(case.purchases) == 2
    assert not any(n.code == "too_many_amounts" for n in case.notes)


def test_the_classifier_embeds_at_most_what_the_model_reads() -> None:
    from assistant.understand.intent import IntentClassifier

    class Recorder:
        def __init__(self) -> None:
            self.lengths: list[int] = []

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            self.lengths += [len(t) for t in texts]
            return [[1.0, 0.0] for _ in texts]

    from assistant.understand.case import INTENTS

    rec = Recorder()
    examples = {intent: [intent] for intent in INTENTS}
    vectors = [[1.0, float(k)] for k in range(len(INTENTS))]
    clf = IntentClassifier(rec, examples, vectors, method="knn")  # type: ignore[arg-type]
    clf.classify("北" * 20000)
    assert max(rec.lengths) <= MAX_EMBED_CHARS


def test_a_flood_of_questions_is_answered_up_to_the_limit_and_said() -> None:
    """A pasted wall of 3,000 questions once kept the CLI busy for three minutes (one embedding and
    one answer per question): the first MAX_ASKS are answered and the user is told."""
    from assistant.understand.asks import MAX_ASKS

    clf = _CountingClassifier()
    case = understand("北京算力券每年最多补贴多少？" * 300, today=dt.date(2026, 11, 28), classifier=clf)
    assert len(case.asks) == MAX_ASKS
    assert any(n.code == "too_many_asks" for n in case.notes)
    assert len(clf.seen) < 4 * MAX_ASKS, "classification work stays bounded by the asks kept"
