"""A running server answers from the index's new generation without a restart (issue 14): the
admin process rebuilds the index, in this machine's index directory or on a shared Chroma
server, and a server that loaded the old generation picks up the new one by itself. A reader of
a shared index never writes it."""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from pathlib import Path

import pytest
import web_support

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "石景山区算力券的申报截止日期是哪天？"
NEW_DOC = """---
id: shijingshan-pilot-test
title: 石景山区人工智能算力券试点办法（测试）
region: beijing-shijingshan
region_name: 北京市石景山区
kind: policy
issued: 2026-01-01
effective_from: 2026-01-01
status: in_force
---
# 石景山区人工智能算力券试点办法（测试）

第一条 为支持石景山区人工智能企业发展，设立石景山区算力券试点。

第三条 对在石景山区注册的企业，按智能算力合同金额的15%给予算力券支持，单个企业每年最高80万元。

第五条 本办法申报截止日期为2026年12月31日，逾期不予受理。
"""


def _workdir(real_index_settings, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the real corpus and an index directory holding the session's embedding cache."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(real_index_settings.corpus_dir, corpus)
    index_dir.mkdir()
    cache = Path(real_index_settings.index_dir) / f"embeddings-{real_index_settings.embedder}.sqlite3"
    web_support._copy_sqlite(cache, index_dir / cache.name)
    return corpus, index_dir


def _cited(resp) -> list[str]:
    return [c.doc_id for c in resp.citations]


def test_a_server_answers_from_the_new_generation_another_process_built(real_index_settings, tmp_path):
    from assistant.index import build_index
    from assistant.live import LiveAssistant
    from assistant.settings import Settings

    corpus, index_dir = _workdir(real_index_settings, tmp_path)
    settings = Settings(
        corpus_dir=corpus, index_dir=index_dir, records_db=tmp_path / "records.sqlite3", index_check_s=0.05
    )
    build_index(settings=settings)
    live = LiveAssistant(settings)
    before = live.get()
    assert "shijingshan-pilot-test" not in _cited(before.ask(QUESTION))
    time.sleep(0.1)
    assert live.get() is before and live.reloads == 0, "nothing changed: nothing is reloaded"

    (corpus / "shijingshan-pilot-test.md").write_text(NEW_DOC, encoding="utf-8")
    build_index(settings=settings)  # the admin's build (same directory, as `python -m assistant index`)
    time.sleep(0.1)
    assert live.get() is before, "the caller is answered at once by the loaded generation"
    deadline = time.monotonic() + 60
    while live.reloads == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
        live.get()
    after = live.get()
    assert after is not before
    resp = after.ask(QUESTION)
    assert "shijingshan-pilot-test" in _cited(resp)
    assert "2026年12月31日" in resp.answer


def test_a_reader_of_an_empty_shared_index_says_who_builds_it(tmp_path):
    from assistant.retrieval import SharedIndexEmptyError, open_retriever
    from assistant.settings import Settings

    with web_support.chroma_server(tmp_path / "srv") as port:
        settings = Settings(
            corpus_dir=ROOT / "tests" / "fixtures" / "corpus",
            index_dir=tmp_path / "reader",
            chroma_host="127.0.0.1",
            chroma_port=port,
        )
        with pytest.raises(SharedIndexEmptyError, match="python -m assistant index"):
            open_retriever(settings)
        from chromadb import HttpClient

        # The reader built nothing on the server (only the admin writes a shared index).
        assert all(c.count() == 0 for c in HttpClient(host="127.0.0.1", port=port).list_collections())


def _ask(url: str, question: str) -> dict:
    req = urllib.request.Request(
        f"{url}/api/v1/ask",
        data=json.dumps({"question": question}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def test_workers_on_a_chroma_server_pick_up_the_admins_new_generation(real_index_settings, tmp_path):
    """docs/deploy.md's topology: the admin process writes the Chroma server, the workers were
    started --no-index with their own (empty) index directory, as on another machine."""
    from assistant.index import build_index
    from assistant.settings import Settings

    rest_load = web_support.load_eval_module("rest_load")
    corpus, index_dir = _workdir(real_index_settings, tmp_path)
    with web_support.chroma_server(tmp_path / "srv") as port:
        admin = Settings(corpus_dir=corpus, index_dir=index_dir, chroma_host="127.0.0.1", chroma_port=port)
        build_index(settings=admin)
        reader_dir = tmp_path / "worker-index"
        reader_dir.mkdir()
        env = {
            "ASSISTANT_CORPUS_DIR": str(corpus),
            "ASSISTANT_INDEX_DIR": str(reader_dir),
            "ASSISTANT_CHROMA_HOST": "127.0.0.1",
            "ASSISTANT_CHROMA_PORT": str(port),
            "ASSISTANT_INDEX_CHECK_S": "0.5",
            "ASSISTANT_LLM": "none",
        }
        server = rest_load.RestServer(1, env=env, extra_args=("--no-index",))
        try:
            pid = server.proc.pid
            assert "shijingshan-pilot-test" not in [c["doc_id"] for c in _ask(server.url, QUESTION)["citations"]]

            (corpus / "shijingshan-pilot-test.md").write_text(NEW_DOC, encoding="utf-8")
            build_index(settings=admin)
            deadline, cited = time.monotonic() + 90, []
            while time.monotonic() < deadline:
                data = _ask(server.url, QUESTION)
                cited = [c["doc_id"] for c in data["citations"]]
                if "shijingshan-pilot-test" in cited:
                    break
                time.sleep(0.5)
            assert "shijingshan-pilot-test" in cited, cited
            assert "2026年12月31日" in data["answer"]
            assert server.proc.poll() is None and server.proc.pid == pid, "the same process answered: no restart"
        finally:
            server.stop(keep_files=False)


def test_a_failed_reload_is_tried_again_at_the_next_check(tmp_path, monkeypatch):
    """The manifest changed but loading the new generation failed: the old assistant keeps
    answering, and the next check tries again instead of taking the change as seen."""
    import types

    import assistant.retrieval as retrieval
    from assistant.index_state import manifest_path
    from assistant.live import LiveAssistant
    from assistant.settings import Settings

    settings = Settings(index_dir=tmp_path, index_check_s=0.01)
    manifest_path(settings).write_text("{}", encoding="utf-8")
    visible = {"gen": "g1"}
    monkeypatch.setattr(retrieval, "current_generation", lambda store, s: visible["gen"])
    attempts: list[bool] = []

    def loader(_settings, fresh):
        attempts.append(fresh)
        if fresh and len(attempts) == 2:
            raise RuntimeError("the Chroma server went away mid-load")
        return types.SimpleNamespace(retriever=types.SimpleNamespace(generation=visible["gen"], store=None))

    live = LiveAssistant(settings, loader=loader)
    assert live.get().retriever.generation == "g1"
    visible["gen"] = "g2"
    manifest_path(settings).write_text('{"generation": 2}', encoding="utf-8")  # a writer replaced it
    deadline = time.monotonic() + 10
    while live.reloads == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
        live.get()
    assert attempts == [False, True, True], "the failed load was retried"
    assert live.get().retriever.generation == "g2"
