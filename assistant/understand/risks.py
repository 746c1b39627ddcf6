"""Compliance facts stated in the user's own words, read by meaning rather than by keyword.

The patterns of ``lexicon/facts.yaml`` know the common words (返点, 转让, 虚高); a compliance
officer describes the same arrangement in many other ways ("对方每年私下退我们几个点", "let a
sister company use ours for a while"), and a missed fact turns a clear risk into a generic
answer. Each clause of an ask is embedded with the e5 model the intents already use and scored
by a softmax regression over the labelled examples of ``lexicon/risk_examples.yaml`` (labels
``fact`` or ``fact=value``, plus ``_none`` for everything that states no arrangement). A fact is
taken only when its label has most of the probability and clearly beats ``_none``: a missed
fact costs a generic answer, a false one accuses the user of something they did not describe.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from langchain_core.embeddings import Embeddings

from assistant.compliance import issuer_facts
from assistant.lexicon import pattern_table, patterns
from assistant.understand.case import ComplianceFacts
from assistant.understand.intent import MAX_EMBED_CHARS, Vectors, _normalise_rows, _softmax, fit_softmax

EXAMPLES_PATH = Path(__file__).resolve().parent.parent / "lexicon" / "risk_examples.yaml"
NONE = "_none"

# A fact is read when its label is the clause's best, has at least MIN_SCORE of the probability
# (about 18 labels share it), at least NONE_RATIO times _none's, and leads the runner-up by
# MIN_LEAD. Chosen on the development cases: ordinary clauses ("合同300万", "供应商是我们的子公司")
# have _none on top, and the stated arrangements won by more than these margins.
MIN_SCORE = 0.25
NONE_RATIO = 2.0
MIN_LEAD = 0.05
# When the message itself asks about risk ("这有什么风险", "能过公平竞争审查吗"), an arrangement it
# describes is what it asks about: a clause leading _none by this ratio is enough.
ASKED_NONE_RATIO = 1.3
RISK_ASKED = re.compile(
    r"风险|合规|违规|违法|违反|有没有问题|有问题吗|有什么问题|行不行得通|审查|追责|处罚|后果|就行了吧|没问题吧|没事吧|可以吧"
    r"|\b(risk|risks|risky|complian\w*|legal|illegal|allowed|permitted|penalt\w*)\b",
    re.I,
)
# Less regularised than the intents: few examples per label, and the labels are narrow.
RISK_C = 100.0
# Facts only an issuer (a body drafting or running a voucher measure) can state.
ISSUER_FACTS = issuer_facts()
_CLAUSE = re.compile(r"[，,。；;！!？?\n]+|\s{1,}(?=[\u4e00-\u9fff])")


def _label_value(label: str) -> tuple[str, Any]:
    """``fact=value`` -> (fact, value); a bare ``fact`` is a boolean fact that is true."""
    if "=" not in label:
        return label, True
    fact, value = label.split("=", 1)
    return fact, {"true": True, "false": False}.get(value, value)


def load_examples(path: Path = EXAMPLES_PATH) -> dict[str, list[str]]:
    """Label -> example texts; every label names a field of ``ComplianceFacts`` (or is _none)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[str, list[str]] = {}
    for label, texts in data.items():
        fact = _label_value(str(label))[0]
        if label != NONE and fact not in ComplianceFacts.model_fields:
            raise ValueError(f"{path}: {label!r} is not a compliance fact")
        out[str(label)] = [str(t).strip() for t in texts or [] if str(t).strip()]
    if not out.get(NONE):
        raise ValueError(f"{path}: examples of {NONE} are needed")
    return out


def clauses(text: str) -> list[str]:
    """The pieces a message states its arrangements in (and the whole, when it has several)."""
    parts = [p.strip() for p in _CLAUSE.split(text) if len(p.strip()) >= 4]
    return parts + [text.strip()] if len(parts) > 1 else [text.strip()]


class RiskReader:
    """Reads compliance facts from text. Immutable after construction; embedding is serialised
    (one native e5 session), as in ``IntentClassifier``."""

    def __init__(
        self,
        embedder: Embeddings,
        examples: Mapping[str, Sequence[str]],
        vectors: Vectors,
        lock: threading.Lock | None = None,
    ) -> None:
        """``lock``: the one guarding ``embedder`` elsewhere (the intent classifier's), if shared."""
        self._embedder = embedder
        self._lock = lock or threading.Lock()
        self.labels: tuple[str, ...] = tuple(examples)
        y = np.asarray([i for i, label in enumerate(self.labels) for _ in examples[label]], dtype=np.int64)
        x = _normalise_rows(np.asarray(vectors, dtype=np.float32))
        self._weights = fit_softmax(x, y, len(self.labels), c=RISK_C)
        self._none = self.labels.index(NONE)

    @classmethod
    def build(
        cls,
        ask_embedder: Embeddings,
        example_embedder: Embeddings | None = None,
        lock: threading.Lock | None = None,
    ) -> RiskReader:
        """``example_embedder``: the caching embedder the intent examples use, so a warm start
        reads the examples' vectors instead of computing them."""
        examples = load_examples()
        texts = [t for label in examples for t in examples[label]]
        with lock or threading.Lock():
            vectors = np.asarray((example_embedder or ask_embedder).embed_documents(texts), dtype=np.float32)
        return cls(ask_embedder, examples, vectors, lock)

    def scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Per text, every label's probability."""
        if not texts:
            return []
        with self._lock:
            raw = self._embedder.embed_documents([t[:MAX_EMBED_CHARS] for t in texts])
        x = _normalise_rows(np.asarray(raw, dtype=np.float32))
        probs = _softmax(np.hstack([x, np.ones((len(x), 1), dtype=np.float32)]) @ self._weights)
        return [{label: float(p) for label, p in zip(self.labels, row)} for row in probs]

    def read(self, text: str, message: str = "") -> dict[str, Any]:
        """The compliance facts ``text`` states, by meaning, clause by clause (the whole message
        only when no clause states one); ``role`` is issuer when only an issuer could have stated
        them (``message``: the whole message a point of it comes from)."""
        pieces = clauses(text)
        ratio = ASKED_NONE_RATIO if RISK_ASKED.search(text) else NONE_RATIO
        found = self._read(pieces[:-1] if len(pieces) > 1 else pieces, ratio)
        if not found and len(pieces) > 1:  # an arrangement spread over several clauses
            found = self._read(pieces[-1:], ratio)
        for fact in [f for f in found if f in _vetoes()]:
            if _vetoes()[fact].search(text):
                del found[fact]  # "提前解约 供应商会退我们一部分钱" is a refund, not a kickback
        if found and set(found) <= ISSUER_FACTS:
            if not patterns("compliance_questions.yaml", "issuer_voice").search(
                message or text
            ):  # the point's message says who speaks
                return {}  # a buyer's plan read as a measure's terms: nothing an issuer stated
            found["role"] = "issuer"
        return found

    def _read(self, pieces: Sequence[str], none_ratio: float = NONE_RATIO) -> dict[str, Any]:
        found: dict[str, Any] = {}
        best: dict[str, float] = {}
        for row in self.scores(pieces):
            ranked = sorted(row, key=lambda k: -row[k])
            label, top, second = ranked[0], row[ranked[0]], row[ranked[1]]
            if label == NONE or top < MIN_SCORE or top < none_ratio * row[NONE] or top - second < MIN_LEAD:
                continue
            fact, value = _label_value(label)
            if top > best.get(fact, 0.0):
                found[fact], best[fact] = value, top
        return found


def _vetoes() -> dict[str, re.Pattern[str]]:
    """Fact -> the words that undo it when the meaning-based reading finds it."""
    return pattern_table("compliance_questions.yaml", "meaning_vetoes")


__all__ = ["EXAMPLES_PATH", "ISSUER_FACTS", "RiskReader", "clauses", "load_examples"]
