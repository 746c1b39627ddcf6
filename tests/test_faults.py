"""Faults: a build killed midway, a damaged index directory, a shared Chroma server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.index import IndexCorruptError, IndexStore, build_index
from assistant.ingest import chunk_document, load_corpus
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def chroma_server(tmp_path):
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if chroma is None:
        pytest.fail("the chroma CLI is not installed with chromadb")
    port = _free_port()
    proc = subprocess.Popen(
        [chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(tmp_path / "srv")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    yield port
    proc.terminate()
    proc.wait(timeout=30)


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
