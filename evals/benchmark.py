"""Knowledge-base benchmark: prints figures, asserts nothing (run: make bench).

1. full index build of corpus/ into a fresh directory with an empty embedding cache
   (time, chunks/s);
2. incremental re-index after one document changes (time; only that document embedded);
3. query latency p50/p95 over the evaluation questions on the real corpus;
4. the same on synthetic indexes (``--sizes 10000,50000``; corpus chunks replicated with varied
   text, vectors = the originals plus small noise, so the figure is query cost at that scale,
   not embedding cost, which step 1 measures), embedded and, with ``--server``, in a Chroma
   server started on loopback, with resident memory.
The baseline for query latency is BM25 alone in the same process, so the ratio
hybrid / bm25 shows what the vector leg and fusion cost.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
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


def _rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process in MB (this one by default), from /proc."""
    status = Path(f"/proc/{pid or os.getpid()}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


def _start_chroma(path: Path) -> tuple[subprocess.Popen, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    proc = subprocess.Popen(
        [chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    return proc, port


def synthetic_run(base: dict, size: int, mode: str, work: Path, corpus: Path, questions: list[str]) -> None:
    """Replicate the corpus chunks to ``size`` (vectors = originals + small noise), then time queries."""
    server = None
    overrides = {}
    if mode == "server":
        server, port = _start_chroma(work / f"chroma-server-{size}")
        overrides = {"chroma_host": "127.0.0.1", "chroma_port": port}
    big = Settings(
        corpus_dir=corpus, index_dir=work / f"index-{size}-{mode}", collection=f"synthetic{size}", **overrides
    )
    big_store = IndexStore(big)
    rng = np.random.default_rng(7)
    i = 0
    t = time.perf_counter()
    while i < size:
        ids, docs, metas, vecs = [], [], [], []
        for text, meta, vec in zip(base["documents"], base["metadatas"], base["embeddings"]):
            if i >= size:
                break
            v = np.asarray(vec, dtype=np.float32) + rng.normal(0, 0.02, len(vec)).astype(np.float32)
            ids.append(f"syn-{i}")
            docs.append(f"（副本{i}）" + text)
            metas.append({**meta, "doc_id": f"{meta['doc_id']}-syn{i // len(base['ids'])}"})
            vecs.append((v / np.linalg.norm(v)).tolist())
            i += 1
        for s in range(0, len(ids), 1000):
            big_store.collection.upsert(
                ids=ids[s : s + 1000],
                documents=docs[s : s + 1000],
                metadatas=metas[s : s + 1000],
                embeddings=vecs[s : s + 1000],
            )
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    retriever = Retriever(big_store, big)
    bm25_s = time.perf_counter() - t
    results = {}
    for leg in ("bm25", "hybrid"):
        results[leg] = time_queries(retriever, questions, leg, rounds=2)
    memory = f"client RSS {_rss_mb():.0f} MB"
    if server is not None:
        memory += f", server RSS {_rss_mb(server.pid):.0f} MB"
    print(
        f"{size} chunks, {mode}: loaded in {load_s:.1f} s; retriever (BM25) built in {bm25_s:.1f} s; "
        f"bm25 p50 {statistics.median(results['bm25']):.1f} / p95 {percentile(results['bm25'], 0.95):.1f} ms; "
        f"hybrid p50 {statistics.median(results['hybrid']):.1f} / p95 {percentile(results['hybrid'], 0.95):.1f} ms; "
        f"{memory}"
    )
    del retriever, big_store
    if server is not None:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated synthetic index sizes, e.g. 10000,50000")
    parser.add_argument("--server", action="store_true", help="also measure each size in a Chroma server (chroma run)")
    parser.add_argument(
        "--warm-cache",
        action="store_true",
        help="start from the repo's embedding cache (the build then measures chunking and writes only)",
    )
    args = parser.parse_args()
    args.sizes = [int(x) for x in args.sizes.split(",") if x]
    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    corpus = work / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus)
    settings = Settings(corpus_dir=corpus, index_dir=work / "index")
    cache = PROJECT_ROOT / "index" / "embeddings-e5.sqlite3"
    if args.warm_cache and cache.exists():
        settings.index_dir.mkdir(parents=True)
        shutil.copy(cache, settings.index_dir / cache.name)

    t = time.perf_counter()
    report = build_index(settings=settings)
    build_s = time.perf_counter() - t
    print(
        f"full build: {len(report.added)} documents, {report.total_chunks} chunks in {build_s:.1f} s "
        f"({report.total_chunks / build_s:.1f} chunks/s, embedding cache {'warm' if args.warm_cache else 'empty'})"
    )

    target = sorted(corpus.glob("*.md"))[0]
    target.write_text(
        target.read_text(encoding="utf-8") + "\n第九十九条 【基准测试】 本条为基准测试追加的内容。\n", encoding="utf-8"
    )
    store = IndexStore(settings)
    t = time.perf_counter()
    inc = build_index(settings=settings, store=store)
    print(
        f"incremental re-index of one changed document ({target.name}): {time.perf_counter() - t:.2f} s; "
        f"re-embedded {inc.embedded}, unchanged {len(inc.unchanged)}"
    )

    questions = [c.question for c in load_cases()]
    retriever = Retriever(store, settings)
    for mode in ("bm25", "hybrid"):
        times = time_queries(retriever, questions, mode)
        print(
            f"corpus ({len(retriever.chunks)} chunks) {mode:6s}: p50 {statistics.median(times):.1f} ms, "
            f"p95 {percentile(times, 0.95):.1f} ms over {len(times)} queries"
        )

    base = store.collection.get(include=["documents", "metadatas", "embeddings"])
    for size in args.sizes:
        for mode in ["embedded", "server"] if args.server else ["embedded"]:
            synthetic_run(base, size, mode, work, corpus, questions)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
