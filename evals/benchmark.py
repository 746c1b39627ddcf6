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

``--startup`` measures only start-up at each synthetic size: the retriever's start without saved
BM25 postings (tokenise every chunk, then save them), with them (load), and after one document
of 10 chunks was added (the saved postings are updated: only the new chunks are tokenised).
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
    load_s = _fill_synthetic(big_store, base, size)
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


def _fill_synthetic(store: IndexStore, base: dict, size: int) -> float:
    """Replicate the corpus chunks into ``store`` up to ``size`` records; returns seconds."""
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
            doc_id = f"{meta['doc_id']}-syn{i // len(base['ids'])}"
            metas.append({**meta, "doc_id": doc_id, "gen": 0, "chunk_id": f"syn-{i}"})
            vecs.append((v / np.linalg.norm(v)).tolist())
            i += 1
        for s in range(0, len(ids), 1000):
            store.collection.upsert(
                ids=ids[s : s + 1000],
                documents=docs[s : s + 1000],
                metadatas=metas[s : s + 1000],
                embeddings=vecs[s : s + 1000],
            )
    return time.perf_counter() - t


def startup_run(base: dict, size: int, work: Path, corpus: Path) -> None:
    """Retriever start-up at ``size`` chunks before and after persisting the BM25 postings."""
    from assistant.index_state import sparse_path

    big = Settings(corpus_dir=corpus, index_dir=work / f"startup-{size}", collection=f"startup{size}")
    store = IndexStore(big)
    load_s = _fill_synthetic(store, base, size)
    # A manifest as a build writes it (every synthetic document visible at generation 0), so
    # the start goes the way a real index's does.
    counts: dict[str, int] = {}
    for offset in range(0, size, 5000):
        for meta in store.collection.get(include=["metadatas"], limit=5000, offset=offset)["metadatas"]:
            counts[meta["doc_id"]] = counts.get(meta["doc_id"], 0) + 1
    manifest = store.load_manifest()
    manifest["documents"] = {
        d: {"path": f"{d}.md", "hash": "synthetic", "gen": 0, "chunks": n} for d, n in counts.items()
    }
    store.save_manifest(manifest)
    t = time.perf_counter()
    store.visible_records()
    records_s = time.perf_counter() - t
    t = time.perf_counter()
    before = Retriever(store, big)  # no saved postings yet: tokenise everything, then save
    before_s = time.perf_counter() - t
    assert before.sparse_info["source"] == "built"
    size_mb = sparse_path(big).stat().st_size / 1e6
    t = time.perf_counter()
    after = Retriever(store, big)
    after_s = time.perf_counter() - t
    assert after.sparse_info["source"] == "snapshot"
    probe = ["北京算力券每年最多补贴多少", "上海算力券补贴比例", "亦庄国产算力"]
    same = all(
        [h.chunk.chunk_id for h in before.search(q, k=10, mode="bm25").hits]
        == [h.chunk.chunk_id for h in after.search(q, k=10, mode="bm25").hits]
        for q in probe
    )
    del before, after
    extra = {k: v[:10] for k, v in base.items() if k in ("documents", "metadatas", "embeddings")}
    store.collection.upsert(
        ids=[f"extra-{i}" for i in range(10)],
        documents=extra["documents"],
        metadatas=[
            {**m, "doc_id": "extra-doc", "gen": 0, "chunk_id": f"extra-{i}"} for i, m in enumerate(extra["metadatas"])
        ],
        embeddings=[list(v) for v in extra["embeddings"]],
    )
    manifest["documents"]["extra-doc"] = {"path": "extra-doc.md", "hash": "synthetic", "gen": 0, "chunks": 10}
    store.save_manifest(manifest)
    t = time.perf_counter()
    updated = Retriever(store, big)
    updated_s = time.perf_counter() - t
    print(
        f"start-up at {size} chunks (loaded into Chroma in {load_s:.1f} s): "
        f"without saved postings {before_s:.1f} s, with them {after_s:.1f} s "
        f"(ratio {before_s / after_s:.1f}x; reading the chunks from Chroma instead of the saved file "
        f"would take {records_s:.1f} s); "
        f"after adding one 10-chunk document {updated_s:.1f} s ({updated.sparse_info['tokenised']} chunks tokenised); "
        f"postings file {size_mb:.0f} MB; same BM25 top 10 as before persisting: {same}"
    )
    del updated, store


def recovery_run(work: Path, clauses: int = 600, kill_at: int = 192) -> None:
    """Issue 13's fault: ``index`` killed (SIGKILL) after ``kill_at`` of a ``clauses``-chunk
    document's chunks were stored; then what a reader sees, and how long the next start takes
    to finish the document (model already loaded, as in a restarted server's first step)."""
    import signal

    import cn2an

    from assistant.index import pending_documents, recover_index

    corpus = work / "recovery-corpus"
    shutil.copytree(PROJECT_ROOT / "tests" / "fixtures" / "corpus", corpus)
    settings = Settings(corpus_dir=corpus, index_dir=work / "recovery-index")
    build_index(settings=settings)
    body = "\n".join(
        f"第{cn2an.an2cn(n)}条 【条款{n}】 企业购买算力服务第{n}项，补贴比例为{n % 30 + 10}%，年度上限{n * 3}万元。"
        for n in range(1, clauses + 1)
    )
    (corpus / "upload.md").write_text(f"---\nid: upload\ntitle: 大型上传文件\n---\n{body}\n", encoding="utf-8")
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_INDEX_DIR": str(settings.index_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "index", "--quiet"], cwd=PROJECT_ROOT, env=env)
    store = IndexStore(settings)
    base = store.count()
    while proc.poll() is None and store.count() < base + kill_at:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored = store.count() - base
    seen = sum(1 for c in Retriever(IndexStore(settings), settings, persist=False).chunks if c.doc_id == "upload")
    pending = [(p.doc_id, p.state) for p in pending_documents(settings)]
    t = time.perf_counter()
    report = recover_index(settings, IndexStore(settings))
    took = time.perf_counter() - t
    served = sum(1 for c in Retriever(IndexStore(settings), settings, persist=False).chunks if c.doc_id == "upload")
    print(
        f"kill -9 after {stored}/{clauses} chunks stored: served before restart {seen}, pending {pending}; "
        f"recovery {took:.1f} s, {report.chunks_written if report else 0} chunks embedded; served after {served}"
    )


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
    parser.add_argument(
        "--startup",
        action="store_true",
        help="only start-up with and without saved BM25 postings at each size (use with --warm-cache)",
    )
    parser.add_argument("--recovery", action="store_true", help="only the kill -9 mid-upload recovery measurement")
    args = parser.parse_args()
    args.sizes = [int(x) for x in args.sizes.split(",") if x]
    if args.recovery:
        work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
        recovery_run(work)
        shutil.rmtree(work, ignore_errors=True)
        return
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

    if args.startup:
        base = IndexStore(settings).collection.get(include=["documents", "metadatas", "embeddings"])
        for size in args.sizes:
            startup_run(base, size, work, corpus)
        shutil.rmtree(work, ignore_errors=True)
        return

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
