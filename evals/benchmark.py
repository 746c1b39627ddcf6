"""Knowledge-base benchmark: prints figures, asserts nothing (run: make bench).

1. full index build of corpus/ into a fresh directory with an empty embedding cache
   (time, chunks/s);
2. incremental re-index after one document changes (time; only that document embedded);
3. query latency p50/p95 over the evaluation questions on the real corpus;
4. the same on 10,000 synthetic chunks (corpus chunks replicated with varied text; their
   vectors are the originals plus small noise, so the figure is query cost at that scale,
   not embedding cost, which step 1 measures).
The baseline for query latency is BM25 alone in the same process, so the ratio
hybrid / bm25 shows what the vector leg and fusion cost.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.evaluation.retrieval import load_cases  # noqa: E402
from assistant.index import IndexStore, build_index  # noqa: E402
from assistant.retrieval import Retriever  # noqa: E402
from assistant.settings import PROJECT_ROOT, Settings  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def time_queries(retriever: Retriever, questions: list[str], mode: str, rounds: int = 3) -> list[float]:
    for q in questions[:5]:
        retriever.search(q, mode=mode)  # warm-up
    times = []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            retriever.search(q, k=5, mode=mode)
            times.append((time.perf_counter() - t) * 1000)
    return times


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    corpus = work / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus)
    settings = Settings(corpus_dir=corpus, index_dir=work / "index")

    t = time.perf_counter()
    report = build_index(settings=settings)
    build_s = time.perf_counter() - t
    print(f"full build: {len(report.added)} documents, {report.total_chunks} chunks in {build_s:.1f} s "
          f"({report.total_chunks / build_s:.1f} chunks/s, embedding cache empty)")

    target = sorted(corpus.glob("*.md"))[0]
    target.write_text(target.read_text(encoding="utf-8") + "\n第九十九条 【基准测试】 本条为基准测试追加的内容。\n",
                      encoding="utf-8")
    store = IndexStore(settings)
    t = time.perf_counter()
    inc = build_index(settings=settings, store=store)
    print(f"incremental re-index of one changed document ({target.name}): {time.perf_counter() - t:.2f} s; "
          f"re-embedded {inc.embedded}, unchanged {len(inc.unchanged)}")

    questions = [c.question for c in load_cases()]
    retriever = Retriever(store, settings)
    for mode in ("bm25", "hybrid"):
        times = time_queries(retriever, questions, mode)
        print(f"corpus ({len(retriever.chunks)} chunks) {mode:6s}: p50 {statistics.median(times):.1f} ms, "
              f"p95 {percentile(times, 0.95):.1f} ms over {len(times)} queries")

    # 10,000 synthetic chunks.
    big = Settings(corpus_dir=corpus, index_dir=work / "index-10k", collection="synthetic")
    big_store = IndexStore(big)
    base = store.collection.get(include=["documents", "metadatas", "embeddings"])
    rng = np.random.default_rng(7)
    n_target, i = 10_000, 0
    t = time.perf_counter()
    while i < n_target:
        ids, docs, metas, vecs = [], [], [], []
        for cid, text, meta, vec in zip(base["ids"], base["documents"], base["metadatas"], base["embeddings"]):
            if i >= n_target:
                break
            variant = f"（副本{i}）" + text
            v = np.asarray(vec, dtype=np.float32) + rng.normal(0, 0.02, len(vec)).astype(np.float32)
            ids.append(f"syn-{i}")
            docs.append(variant)
            metas.append({**meta, "doc_id": f"{meta['doc_id']}-syn{i // len(base['ids'])}"})
            vecs.append((v / np.linalg.norm(v)).tolist())
            i += 1
        for s in range(0, len(ids), 1000):
            big_store.collection.upsert(ids=ids[s:s + 1000], documents=docs[s:s + 1000],
                                        metadatas=metas[s:s + 1000], embeddings=vecs[s:s + 1000])
    print(f"synthetic index: {big_store.count()} chunks loaded in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    big_retriever = Retriever(big_store, big)
    print(f"retriever load over {len(big_retriever.chunks)} chunks (BM25 build): {time.perf_counter() - t:.1f} s")
    results = {}
    for mode in ("bm25", "hybrid"):
        times = time_queries(big_retriever, questions, mode, rounds=2)
        results[mode] = times
        print(f"10k chunks {mode:6s}: p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms "
              f"over {len(times)} queries")
    ratio = percentile(results["hybrid"], 0.95) / percentile(results["bm25"], 0.95)
    print(f"hybrid / bm25 p95 ratio at 10k chunks: {ratio:.2f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
