"""The intent classifier on held-out questions it was never trained on (intent_cases.yaml):
accuracy overall and per intent, off-topic questions that name a place or an amount, gibberish
flagged unclear, determinism, concurrency, and the cost of loading and of one ask."""

from __future__ import annotations

import re
import shutil
import statistics
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from assistant.understand.case import INTENTS
from assistant.understand.intent import (
    UNCLEAR_MIN_MARGIN,
    UNCLEAR_MIN_SCORE,
    IntentClassifier,
    decide,
    load_examples,
)

ROOT = Path(__file__).resolve().parents[2]
CASES = yaml.safe_load((Path(__file__).parent / "intent_cases.yaml").read_text(encoding="utf-8"))
HELD_OUT = [(q, intent) for intent in INTENTS for q in CASES[intent]]
# a place, an amount or a subsidy named in an off-topic question
LOOKS_LOCAL = re.compile(r"\d|万|钱|补贴|北京|上海|深圳|杭州|成都|郑州|武汉|贵州|天津|苏州|南京|青岛|Beijing|Shanghai")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repo's embedding cache when there is one (the examples are in it), else empty."""
    target = tmp_path_factory.mktemp("intent-cache")
    cache = ROOT / "index" / "embeddings-e5.sqlite3"
    if cache.exists():
        shutil.copy(cache, target / cache.name)
    return target


@pytest.fixture(scope="module")
def classifier(cache_dir: Path) -> IntentClassifier:
    from assistant.embeddings import get_embedder

    return IntentClassifier.load(get_embedder("e5"), cache_dir)


@pytest.fixture(scope="module")
def predictions(classifier: IntentClassifier) -> list[tuple[str, str, str, bool]]:
    """(question, expected, predicted, unclear) for every held-out question."""
    scores = classifier.classify_many([q for q, _ in HELD_OUT])
    return [(q, want, *_intent_and_flag(s)) for (q, want), s in zip(HELD_OUT, scores)]


def _intent_and_flag(scores: list[tuple[str, float]]) -> tuple[str, bool]:
    intent, _, unclear = decide(scores)
    return intent, unclear


def test_examples_per_intent() -> None:
    counts = {k: len(v) for k, v in load_examples().items()}
    for intent in INTENTS:
        assert counts[intent] >= (60 if intent in ("calculation", "eligibility", "fact", "off_topic") else 45), intent


def test_held_out_never_trained_on() -> None:
    examples = {t for texts in load_examples().values() for t in texts}
    held_out = {q for texts in CASES.values() for q in texts}
    assert not examples & held_out
    assert len(HELD_OUT) >= 120


def test_held_out_accuracy(predictions: list[tuple[str, str, str, bool]]) -> None:
    right = Counter(want for _, want, got, _ in predictions if got == want)
    total = Counter(want for _, want, _, _ in predictions)
    wrong = [(q, want, got) for q, want, got, _ in predictions if got != want]
    assert sum(right.values()) / len(predictions) >= 0.85, wrong
    for intent in INTENTS:
        assert right[intent] / total[intent] >= 0.75, (intent, wrong)


def test_off_topic_with_places_and_money(predictions: list[tuple[str, str, str, bool]]) -> None:
    """北京房价, 深圳社保补贴, 500万的房子: a region or an amount does not make it a voucher question."""
    local = [(q, got) for q, want, got, _ in predictions if want == "off_topic" and LOOKS_LOCAL.search(q)]
    assert len(local) >= 10
    missed = [(q, got) for q, got in local if got != "off_topic"]
    assert len(missed) <= len(local) // 10, missed


def test_gibberish_is_unclear(classifier: IntentClassifier) -> None:
    results = [(q, decide(classifier.classify(q))) for q in CASES["unclear"]]
    confident = [(q, intent, round(conf, 2)) for q, (intent, conf, unclear) in results if not unclear]
    assert len(confident) <= len(results) // 10, confident


def test_unclear_is_rare_on_real_questions(predictions: list[tuple[str, str, str, bool]]) -> None:
    assert sum(unclear for *_, unclear in predictions) / len(predictions) <= 0.15


def test_scores_cover_every_intent_best_first(classifier: IntentClassifier) -> None:
    scores = classifier.classify("北京能补多少")
    assert sorted(i for i, _ in scores) == sorted(INTENTS)
    values = [s for _, s in scores]
    assert values == sorted(values, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in values) and sum(values) <= 1.0 + 1e-3


def test_empty_message_is_unclear(classifier: IntentClassifier) -> None:
    scores = classifier.classify("   ")
    assert all(s == 0.0 for _, s in scores)
    assert decide(scores)[2]


def test_decide_thresholds() -> None:
    clear = [("calculation", 0.8), ("fact", 0.1)]
    assert decide(clear) == ("calculation", 0.8, False)
    low = [("fact", UNCLEAR_MIN_SCORE - 0.01), ("process", 0.05)]
    assert decide(low)[2]
    tie = [("calculation", 0.45), ("eligibility", 0.45 - UNCLEAR_MIN_MARGIN / 2)]
    assert decide(tie) == ("calculation", 0.45, True)
    assert decide({"process": 0.2, "validity": 0.7})[:2] == ("validity", 0.7)


def test_deterministic(classifier: IntentClassifier, cache_dir: Path) -> None:
    """Same question, same scores; a second load fits the same model."""
    from assistant.embeddings import get_embedder

    questions = [q for q, _ in HELD_OUT[::10]]
    first = classifier.classify_many(questions)
    assert classifier.classify_many(questions) == first
    assert IntentClassifier.load(get_embedder("e5"), cache_dir).classify_many(questions) == first


def test_concurrent_requests_get_their_own_answers(classifier: IntentClassifier) -> None:
    questions = [q for q, _ in HELD_OUT[::5]]
    expected = {q: classifier.classify(q) for q in questions}
    mismatches: list[str] = []

    def worker(part: list[str]) -> None:
        mismatches.extend(q for q in part if classifier.classify(q) != expected[q])

    threads = [threading.Thread(target=worker, args=(questions[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not mismatches


def test_load_and_ask_cost(classifier: IntentClassifier, cache_dir: Path) -> None:
    """Warm cache: loading reads vectors and fits in well under 2 s; an ask costs one embedding.
    Bounds are loose regression guards; the measured figures are in docs/understanding.md."""
    from assistant.embeddings import get_embedder

    embedder = get_embedder("e5")
    start = time.perf_counter()
    IntentClassifier.load(embedder, cache_dir)
    assert time.perf_counter() - start < 1.5
    questions = [q for q, _ in HELD_OUT[:40]]
    classifier.classify_many(questions[:5])
    timings = []
    for q in questions:
        t = time.perf_counter()
        classifier.classify(q)
        timings.append(time.perf_counter() - t)
    assert statistics.median(timings) < 0.05


def test_knn_method_also_works(cache_dir: Path) -> None:
    """The k-NN variant kept for comparison scores every intent and separates the easy cases."""
    from assistant.embeddings import get_embedder

    knn = IntentClassifier.load(get_embedder("e5"), cache_dir, method="knn")
    assert decide(knn.classify("你好"))[0] == "greeting"
    assert len(knn.classify("北京能补多少")) == len(INTENTS)
