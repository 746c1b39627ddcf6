"""Faults: a build killed midway, a damaged index directory, a shared Chroma server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import web_support

from assistant.chunking import chunk_document
from assistant.index import IndexCorruptError, IndexStore, build_index
from assistant.ingest import load_corpus
from assistant.retrieval import Retriever

ROOT = Path(__file__).resolve().parent.parent


def _many_documents(corpus: Path, count: int) -> None:
    template = (ROOT / "tests" / "fixtures" / "corpus" / "demo-policy.md").read_text(encoding="utf-8")
    for i in range(count):
        text = template.replace("id: demo-policy", f"id: demo-{i:03d}").replace("150万元", f"{100 + i}万元")
        text = text.replace("示范市算力券试行办法", f"示范市第{i}号算力券试行办法")
        (corpus / f"demo-{i:03d}.md").write_text(text, encoding="utf-8")


def _expected_chunks(corpus: Path) -> dict[str, int]:
    return {d.meta.id: len(chunk_document(d)) for d in load_corpus(corpus).documents}


def _stored_chunks(store: IndexStore) -> dict[str, int]:
    counts: dict[str, int] = {}
    for chunk in store.all_chunks():
        counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
    return counts


def test_build_killed_midway_is_finished_by_the_next_run(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _many_documents(corpus, 40)
    index_dir = tmp_path / "index"
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_INDEX_DIR": str(index_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "index", "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    manifest = index_dir / "manifest-e5.json"
    deadline = time.time() + 120
    done = 0
    while time.time() < deadline and proc.poll() is None:
        try:
            done = sum(1 for v in json.loads(manifest.read_text())["documents"].values() if not v.get("pending"))
        except (OSError, ValueError, KeyError):
            done = 0
        if done >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the build finished before it could be killed; make the corpus larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 3 <= done < 40

    from assistant.settings import Settings

    settings = Settings(corpus_dir=corpus, index_dir=index_dir)
    report = build_index(settings=settings)
    assert not report.errors
    assert _stored_chunks(IndexStore(settings)) == _expected_chunks(corpus)  # none lost, none doubled


def test_damaged_index_gives_a_clear_message_and_rebuild_recovers(fixture_corpus, make_settings):
    settings = make_settings(fixture_corpus)
    build_index(settings=settings)
    from assistant.index import _forget_clients

    _forget_clients()
    db = settings.index_dir / "chroma" / "chroma.sqlite3"
    db.write_bytes(db.read_bytes()[:1000])  # truncated
    with pytest.raises(IndexCorruptError, match="index --rebuild"):
        store = IndexStore(settings)
        store.all_chunks()
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(fixture_corpus), "ASSISTANT_INDEX_DIR": str(settings.index_dir)}
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "index", "--rebuild", "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    _forget_clients()
    assert _stored_chunks(IndexStore(settings)) == _expected_chunks(fixture_corpus)


@pytest.fixture()
def chroma_server(tmp_path):
    with web_support.chroma_server(tmp_path / "srv") as port:
        yield port


def test_index_in_a_chroma_server_is_shared_by_two_processes(fixture_corpus, tmp_path, chroma_server):
    from assistant.settings import Settings

    settings = Settings(
        corpus_dir=fixture_corpus, index_dir=tmp_path / "local", chroma_host="127.0.0.1", chroma_port=chroma_server
    )
    report = build_index(settings=settings)
    assert sorted(report.added) == ["demo-notice", "demo-policy"]
    assert not (tmp_path / "local" / "chroma").exists(), "server mode must not write a local store"
    hits = Retriever(IndexStore(settings), settings).search("每家企业年度上限", k=3).hits
    assert hits[0].chunk.locator == "第四条"
    # A second process, its own index dir, reads the same server-side index.
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(fixture_corpus),
        "ASSISTANT_INDEX_DIR": str(tmp_path / "other"),
        "ASSISTANT_CHROMA_HOST": "127.0.0.1",
        "ASSISTANT_CHROMA_PORT": str(chroma_server),
    }
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "search", "模型券支持比例", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["doc_id"] == "demo-notice"


# ---------------------------------------------------------------- crash-safe, resumable writes
def _big_document(corpus: Path, clauses: int, doc_id: str = "big-doc", marker: str = "鲲鹏星") -> Path:
    """A document of ``clauses`` clauses (one chunk each); ``marker`` appears only in it."""
    import cn2an

    lines = [f"---\nid: {doc_id}\ntitle: {marker}大型测试文件\nregion: demo\nregion_name: 示范市\n---\n"]
    for n in range(1, clauses + 1):
        lines.append(
            f"第{cn2an.an2cn(n)}条 【{marker}条款{n}】 {marker}企业购买算力服务第{n}项，补贴比例为{n % 30 + 10}%，"
            f"每家企业年度补贴上限{n * 3}万元，由示范市数据局按季度审核兑付。\n"
        )
    path = corpus / f"{doc_id}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _records_of(store: IndexStore, doc_id: str) -> int:
    return len(store.collection.get(where={"doc_id": doc_id}, include=[])["ids"])


class _Killed(BaseException):
    """Stands for a kill: not an Exception, so nothing on the way catches it."""


def _interrupt_after(monkeypatch, store: IndexStore, batches: int) -> None:
    """The store's next writes stop dead after ``batches`` upserts, as a kill would."""
    real = store.collection.upsert
    calls = {"n": 0}

    def upsert(*args, **kwargs):
        if calls["n"] >= batches:
            raise _Killed()
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(store.collection, "upsert", upsert)


def test_a_document_interrupted_midway_is_never_visible_and_the_next_start_finishes_it(
    fixture_corpus, make_settings, monkeypatch
):
    from assistant.index import pending_documents, recover_index

    settings = make_settings(fixture_corpus, embedder="hash")
    build_index(settings=settings)
    _big_document(fixture_corpus, 200)
    store = IndexStore(settings)
    _interrupt_after(monkeypatch, store, 2)
    with pytest.raises(_Killed):
        build_index(settings=settings, store=store)
    monkeypatch.undo()

    fresh = IndexStore(settings)
    assert _records_of(fresh, "big-doc") == 128  # two batches reached the store...
    retriever = Retriever(fresh, settings, persist=False)
    assert "big-doc" not in {c.doc_id for c in retriever.chunks}  # ...and none is served
    assert all(h.chunk.doc_id != "big-doc" for h in retriever.search("鲲鹏星企业购买算力服务", k=10).hits)
    [pending] = pending_documents(settings)
    assert (pending.doc_id, pending.state, pending.chunks_expected) == ("big-doc", "interrupted", 200)
    assert not pending.previous_version_visible

    report = recover_index(settings, fresh)
    assert report is not None and report.added == ["big-doc"]
    assert report.chunks_written == 200 - 128  # only what was missing
    assert pending_documents(settings) == []
    store = IndexStore(settings)
    assert _stored_chunks(store) == _expected_chunks(fixture_corpus)
    assert store.count() == sum(_expected_chunks(fixture_corpus).values())  # no leftovers
    hits = Retriever(store, settings, persist=False).search("鲲鹏星企业购买算力服务", k=5).hits
    assert hits and hits[0].chunk.doc_id == "big-doc"
    assert recover_index(settings, store) is None  # nothing left to do


def test_an_interrupted_update_keeps_serving_the_whole_previous_version(fixture_corpus, make_settings, monkeypatch):
    from assistant.index import pending_documents

    settings = make_settings(fixture_corpus, embedder="hash")
    _big_document(fixture_corpus, 150)
    build_index(settings=settings)
    before = sorted(c.text for c in IndexStore(settings).all_chunks() if c.doc_id == "big-doc")
    path = fixture_corpus / "big-doc.md"
    path.write_text(path.read_text(encoding="utf-8").replace("按季度审核", "按月审核"), encoding="utf-8")
    store = IndexStore(settings)
    _interrupt_after(monkeypatch, store, 1)
    with pytest.raises(_Killed):
        build_index(settings=settings, store=store)
    monkeypatch.undo()

    fresh = IndexStore(settings)
    assert _records_of(fresh, "big-doc") == 150 + 64  # old version whole, new one partly written
    served = sorted(c.text for c in Retriever(fresh, settings, persist=False).chunks if c.doc_id == "big-doc")
    assert served == before  # the old version, whole, and nothing of the new one
    [pending] = pending_documents(settings)
    assert pending.previous_version_visible and pending.state == "interrupted"

    from assistant.retrieval import open_retriever, reset_retrievers

    reset_retrievers()
    retriever = open_retriever(settings)  # any start (Assistant, Knowledge, CLI) recovers first
    texts = [c.text for c in retriever.chunks if c.doc_id == "big-doc"]
    assert len(texts) == 150 and all("按月审核" in t for t in texts)
    assert IndexStore(settings).count() == sum(_expected_chunks(fixture_corpus).values())
    assert pending_documents(settings) == []
    reset_retrievers()


def test_an_interrupted_document_whose_file_is_gone_is_rolled_back(fixture_corpus, make_settings, monkeypatch):
    from assistant.index import pending_documents, recover_index

    settings = make_settings(fixture_corpus, embedder="hash")
    build_index(settings=settings)
    path = _big_document(fixture_corpus, 100)
    store = IndexStore(settings)
    _interrupt_after(monkeypatch, store, 1)
    with pytest.raises(_Killed):
        build_index(settings=settings, store=store)
    monkeypatch.undo()
    path.unlink()
    report = recover_index(settings, IndexStore(settings))
    assert report is not None and report.added == [] and report.removed == []
    store = IndexStore(settings)
    assert _records_of(store, "big-doc") == 0 and pending_documents(settings) == []
    assert _stored_chunks(store) == _expected_chunks(fixture_corpus)


def test_a_live_writer_is_not_interrupted_by_a_starting_reader(fixture_corpus, make_settings):
    """A pending document with a writer at work is shown as indexing and left to that writer."""
    from assistant.index import pending_documents, recover_index
    from assistant.index_state import writer_active, writer_lock

    settings = make_settings(fixture_corpus, embedder="hash")
    build_index(settings=settings)
    store = IndexStore(settings)
    manifest = store.load_manifest()
    manifest["documents"]["ghost"] = {"path": "ghost.md", "title": "写入中", "pending": {"gen": 99, "hash": "x"}}
    store.save_manifest(manifest)
    # Another process holds the writer lock (flock is per open file, so a second open in this
    # process behaves like another process).
    import fcntl

    fd = os.open(settings.index_dir / ".writer.lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert writer_active(settings.index_dir)
        assert [p.state for p in pending_documents(settings)] == ["indexing"]
        assert recover_index(settings, store) is None
        assert "ghost" in store.load_manifest()["documents"]
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    with writer_lock(settings.index_dir, blocking=False) as got:
        assert got
    assert [p.state for p in pending_documents(settings)] == ["interrupted"]
    assert recover_index(settings, store) is not None  # the file is not there: rolled back
    assert pending_documents(settings) == []


def test_kill_9_while_a_large_upload_is_indexed_then_restart(tmp_path):
    """The issue's scenario with a real SIGKILL: the partial document is never returned, and the
    next start completes it with no manual step, embedding only the chunks that were missing."""
    from assistant.index import pending_documents
    from assistant.settings import Settings

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "tests" / "fixtures" / "corpus", corpus)
    index_dir = tmp_path / "index"
    settings = Settings(corpus_dir=corpus, index_dir=index_dir)
    build_index(settings=settings)
    base = IndexStore(settings).count()
    _big_document(corpus, 240)
    env = {**os.environ, "ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_INDEX_DIR": str(index_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "index", "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    watcher = IndexStore(settings)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None and watcher.count() < base + 64:
        time.sleep(0.05)
    assert proc.poll() is None, "the build finished before it could be killed; make the document larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _records_of(watcher, "big-doc")
    assert 0 < partial < 240

    # Before any restart: a reader never serves the partial document; the Library sees it pending.
    assert "big-doc" not in {c.doc_id for c in Retriever(IndexStore(settings), settings, persist=False).chunks}
    assert [(p.doc_id, p.state) for p in pending_documents(settings)] == [("big-doc", "interrupted")]

    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "search", "鲲鹏星条款7 补贴比例", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    recovery = time.perf_counter() - started
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["doc_id"] == "big-doc"
    _forget_clients_for_test()
    store = IndexStore(settings)
    assert _stored_chunks(store) == _expected_chunks(corpus)  # none lost, none doubled
    assert store.count() == sum(_expected_chunks(corpus).values())
    assert pending_documents(settings) == []
    print(f"kill -9 after {partial}/240 chunks; restart with recovery and one search: {recovery:.1f} s")


def _forget_clients_for_test() -> None:
    from assistant.index_store import _forget_clients

    _forget_clients()
