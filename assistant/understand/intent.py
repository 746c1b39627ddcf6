"""What each ask wants, learned from labelled examples instead of keyword lists.

The regular expressions of the first version matched words, so "深圳社保补贴怎么领" was a process
question about vouchers and "各地比例列个表" a fact question. Here every ask is embedded with the
e5 model the index already loads, and a small softmax (multinomial logistic) regression fitted at
load over the examples in ``assistant/lexicon/intents.yaml`` gives every intent a probability.
Adding a way users phrase something is adding a line to the YAML, not writing a pattern.

Why a linear model and not k-NN: on the held-out questions (tests/understand/intent_cases.yaml)
the linear model was right more often (see docs/understanding.md, "Intent classification");
similarity-weighted k-NN stays available as ``method="knn"`` for comparison.

Examples are embedded once and then read from the content-keyed SQLite cache beside the index
(``CachedEmbeddings``), so a warm start only reads vectors and fits the model (a few hundred
milliseconds); examples and asks are embedded the same way (e5 "passage: " prefix), which was
more accurate than the "query: " prefix for both.

The YAML also has ``_noise`` examples (keyboard mashes, stray characters): the model learns them
as one more class and their share is withheld from every intent, so gibberish gets a low top
score and ``decide`` calls it unclear instead of guessing "greeting".
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

import numpy as np
import yaml
from langchain_core.embeddings import Embeddings
from numpy.typing import NDArray

from assistant.understand.case import INTENTS, Intent

if TYPE_CHECKING:
    from assistant.understand.risks import RiskReader

EXAMPLES_PATH = Path(__file__).resolve().parent.parent / "lexicon" / "intents.yaml"
NOISE = "_noise"  # the pseudo-class of non-questions; never returned as an intent

# decide(): an ask is "unclear" (the caller asks back instead of guessing) when the best intent
# has less than UNCLEAR_MIN_SCORE of the probability, or the runner-up is within
# UNCLEAR_MIN_MARGIN of it. Chosen on the held-out questions: below 0.40 most answers were wrong,
# and a near tie is "do you want the amount or the conditions?" (figures in docs/understanding.md).
UNCLEAR_MIN_SCORE = 0.40
UNCLEAR_MIN_MARGIN = 0.10

# The linear model: L2-regularised softmax regression, fitted by accelerated gradient descent
# from zero weights (deterministic). C as in scikit-learn's LogisticRegression; 300 steps are
# enough (1,000 gave the same held-out accuracy) and keep the fit near 0.2 s on two cores.
LINEAR_C = 30.0
LINEAR_STEPS = 300
# k-NN: the k nearest examples vote with weight exp((similarity - best similarity) / temperature).
KNN_K = 7
KNN_TEMPERATURE = 0.02

# e5 reads at most 512 tokens and its cost grows with the square of the length: a 16,000-character
# ask took 12 s to embed. What an ask wants is in its first few hundred characters.
MAX_EMBED_CHARS = 600

Method = Literal["linear", "knn"]
Vectors = NDArray[np.float32]


def load_examples(path: Path = EXAMPLES_PATH) -> dict[str, list[str]]:
    """The labelled examples: intent (or ``_noise``) -> example texts, in file order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of intent -> examples")
    out: dict[str, list[str]] = {}
    for label, texts in data.items():
        if label not in INTENTS and label != NOISE:
            raise ValueError(f"{path}: unknown intent {label!r}")
        out[str(label)] = [str(t).strip() for t in texts or [] if str(t).strip()]
    missing = [i for i in INTENTS if not out.get(i)]
    if missing:
        raise ValueError(f"{path}: no examples for {', '.join(missing)}")
    return out


def _normalise_rows(matrix: NDArray[np.float32]) -> Vectors:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = (matrix / norms).astype(np.float32)
    return out


def _softmax(z: NDArray[np.float32]) -> NDArray[np.float32]:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: NDArray[np.float32] = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


def _one_blas_thread() -> AbstractContextManager[object]:
    """OpenBLAS on one thread while fitting. These matrices are small: with its default two
    threads on this two-core machine, the fit took 4-6 s whenever another process was busy
    (0.07 s on one thread)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - installed with scikit-learn
        return nullcontext()
    return cast(AbstractContextManager[object], threadpool_limits(limits=1, user_api="blas"))


def _largest_singular_value_squared(x: NDArray[np.float32], rounds: int = 30) -> float:
    """Power iteration from a fixed start (deterministic; an SVD of the whole matrix costs more)."""
    v = np.ones(x.shape[1], dtype=np.float32) / np.float32(np.sqrt(x.shape[1]))
    value = 0.0
    for _ in range(rounds):
        w = x.T @ (x @ v)
        value = float(np.linalg.norm(w))
        if value == 0.0:
            break
        v = (w / np.float32(value)).astype(np.float32)
    return value


def fit_softmax(
    x: Vectors, y: NDArray[np.int64], classes: int, c: float = LINEAR_C, steps: int = LINEAR_STEPS
) -> Vectors:
    """Weights (with a bias row last) of an L2-regularised softmax regression.

    Nesterov-accelerated gradient descent with the step from the Lipschitz bound of the loss:
    no solver dependency (importing scikit-learn alone costs more than the fit), and the same
    weights for the same examples every time."""
    with _one_blas_thread():
        n, d = x.shape
        xb = np.hstack([x, np.ones((n, 1), dtype=np.float32)])
        target = np.eye(classes, dtype=np.float32)[y]
        lam = np.float32(1.0 / (c * n))
        # 1.05: the power iteration approaches the largest singular value from below
        step = np.float32(1.0 / (0.5 * 1.05 * _largest_singular_value_squared(xb) / n + float(lam)))
        w = np.zeros((d + 1, classes), dtype=np.float32)
        v = w.copy()
        t = 1.0
        for _ in range(steps):
            grad = xb.T @ (_softmax(xb @ v) - target) / np.float32(n)
            grad[:-1] += lam * v[:-1]
            w_next = v - step * grad
            t_next = (1.0 + (1.0 + 4.0 * t * t) ** 0.5) / 2.0
            v = w_next + np.float32((t - 1.0) / t_next) * (w_next - w)
            w, t = w_next, t_next
    out: Vectors = w.astype(np.float32)
    return out


def decide(scores: Sequence[tuple[Intent, float]] | Mapping[str, float]) -> tuple[Intent, float, bool]:
    """The ask's intent, its confidence and whether it is unclear (the caller asks, not guesses).

    Unclear: the top score is below ``UNCLEAR_MIN_SCORE`` or the second is within
    ``UNCLEAR_MIN_MARGIN`` of it. The intent returned for an unclear ask is still the best guess,
    for the logs and for the clarifying question ("the amount or the conditions?")."""
    pairs = list(scores.items()) if isinstance(scores, Mapping) else list(scores)
    ranked = sorted(((cast(Intent, i), float(s)) for i, s in pairs), key=lambda p: -p[1])
    if not ranked:
        return "off_topic", 0.0, True
    best, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    unclear = top < UNCLEAR_MIN_SCORE or top - second < UNCLEAR_MIN_MARGIN
    return best, top, unclear


class IntentClassifier:
    """Scores every intent for an ask. Immutable after construction, so one instance serves
    concurrent requests; the embedding call is serialised by a lock (the e5 model is one
    native session)."""

    def __init__(
        self, embedder: Embeddings, examples: Mapping[str, Sequence[str]], vectors: Vectors, method: Method = "linear"
    ) -> None:
        """``vectors``: one row per example, in the order of ``examples`` (label by label)."""
        self._embedder = embedder
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self.method: Method = method
        self.labels: tuple[str, ...] = tuple(examples)
        self.counts: dict[str, int] = {label: len(texts) for label, texts in examples.items()}
        self._y = np.asarray([i for i, label in enumerate(self.labels) for _ in examples[label]], dtype=np.int64)
        if len(self._y) != len(vectors):
            raise ValueError("one vector per example expected")
        self._x = _normalise_rows(np.asarray(vectors, dtype=np.float32))
        self._intent_columns = [self.labels.index(i) for i in INTENTS]
        self._weights = fit_softmax(self._x, self._y, len(self.labels)) if method == "linear" else None
        self.example_embedder: Embeddings | None = None  # the caching embedder of load(), for other readers
        self._risks: RiskReader | None = None

    @classmethod
    def load(
        cls,
        embedder: Embeddings | None = None,
        cache_dir: Path | None = None,
        *,
        examples_path: Path = EXAMPLES_PATH,
        method: Method = "linear",
    ) -> IntentClassifier:
        """The classifier over the YAML examples.

        Default embedder: e5 (``get_embedder("e5")``, shared with the index) with its vectors
        cached in ``cache_dir`` (default: the index directory), in the same content-keyed file
        the index uses, so a warm start embeds nothing. A given ``embedder`` is used as it is
        unless ``cache_dir`` is also given."""
        from assistant.embeddings import CachedEmbeddings, RecentEmbeddings, get_embedder

        if embedder is None:
            from assistant.settings import get_settings

            embedder = get_embedder("e5")
            cache_dir = cache_dir or get_settings().index_dir
        ask_embedder = RecentEmbeddings(embedder.inner if isinstance(embedder, CachedEmbeddings) else embedder)
        if cache_dir is not None and not isinstance(embedder, CachedEmbeddings):
            name = getattr(embedder, "name", embedder.__class__.__name__)
            embedder = CachedEmbeddings(embedder, Path(cache_dir) / f"embeddings-{name}.sqlite3")
        examples = load_examples(examples_path)
        texts = [t for label in examples for t in examples[label]]
        vectors = np.asarray(embedder.embed_documents(texts), dtype=np.float32)
        clf = cls(ask_embedder, examples, vectors, method=method)
        clf.example_embedder = embedder
        return clf

    def risk_reader(self) -> RiskReader:
        """The reader of compliance facts stated in words, sharing this classifier's model and
        cache (built on first use: most conversations never need it)."""
        from assistant.understand.risks import RiskReader

        with self._build_lock:
            if self._risks is None:
                self._risks = RiskReader.build(self._embedder, self.example_embedder, self._lock)
            return self._risks

    def _embed(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            vectors = self._embedder.embed_documents([t[:MAX_EMBED_CHARS] for t in texts])
        return _normalise_rows(np.asarray(vectors, dtype=np.float32))

    def _label_scores(self, x: Vectors) -> NDArray[np.float32]:
        """One row per ask: a score per label (noise included); rows sum to one."""
        if self._weights is not None:
            return _softmax(np.hstack([x, np.ones((len(x), 1), dtype=np.float32)]) @ self._weights)
        sims = x @ self._x.T
        out = np.zeros((len(x), len(self.labels)), dtype=np.float32)
        for row, s in enumerate(sims):
            nearest = np.argsort(-s, kind="stable")[:KNN_K]
            weights = np.exp((s[nearest] - s[nearest].max()) / KNN_TEMPERATURE)
            out[row] = np.bincount(self._y[nearest], weights=weights, minlength=len(self.labels)) / weights.sum()
        return out

    def classify_many(self, texts: Sequence[str]) -> list[list[tuple[Intent, float]]]:
        """``classify`` for several asks with one embedding call."""
        cleaned = [t.strip() for t in texts]
        results: list[list[tuple[Intent, float]]] = [[(i, 0.0) for i in INTENTS] for _ in cleaned]
        todo = [k for k, t in enumerate(cleaned) if t]
        if todo:
            scores = self._label_scores(self._embed([cleaned[k] for k in todo]))[:, self._intent_columns]
            for k, row in zip(todo, scores):
                pairs = [(intent, round(float(s), 4)) for intent, s in zip(INTENTS, row)]
                results[k] = sorted(pairs, key=lambda p: -p[1])
        return results

    def classify(self, text: str) -> list[tuple[Intent, float]]:
        """Every intent with its score, best first. Scores are probabilities; the share of the
        noise class is withheld, so they sum to less than one for a message that is no question
        (an empty message scores zero everywhere)."""
        return self.classify_many([text])[0]

    decide = staticmethod(decide)


__all__ = [
    "EXAMPLES_PATH",
    "UNCLEAR_MIN_MARGIN",
    "UNCLEAR_MIN_SCORE",
    "IntentClassifier",
    "decide",
    "fit_softmax",
    "load_examples",
]
