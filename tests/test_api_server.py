"""The REST API on real servers: ``serve --workers 2`` in a subprocess (the acceptance ``curl``
against ``ask --json``, concurrent requests each recorded once), over the embedded defaults and
over a Chroma server + PostgreSQL, and the single UI process, which serves the same routes
beside Gradio. Behaviour only; the throughput figures come from
evals/rest_load.py (evals/REPORT.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
import web_support

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "北京算力券每年最多补贴多少？"


def _env(settings) -> dict[str, str]:
    return {
        "ASSISTANT_INDEX_DIR": str(settings.index_dir),
        "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir),
        "ASSISTANT_LLM": "none",
    }


@pytest.fixture(scope="module")
def rest_load():
    return web_support.load_eval_module("rest_load")


@pytest.fixture(scope="module", params=["embedded", "chroma-server+postgresql"])
def topology(request, real_index_settings, tmp_path_factory):
    """Where the workers read the index and write the records: the embedded defaults (Chroma in
    index/, a SQLite file), or docs/deploy.md's topology, a Chroma server written once by an admin
    process and PostgreSQL, with the workers started --no-index."""
    env = _env(real_index_settings)
    if request.param == "embedded":
        yield env, ()
        return
    from assistant.index import build_index
    from assistant.settings import Settings

    cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.new_database()
    work = tmp_path_factory.mktemp("chroma-topology")
    index_dir = work / "index"
    index_dir.mkdir()
    cache = Path(real_index_settings.index_dir) / f"embeddings-{real_index_settings.embedder}.sqlite3"
    if cache.exists():
        web_support._copy_sqlite(cache, index_dir / cache.name)
    try:
        with web_support.chroma_server(work / "chroma-srv") as port:
            admin = Settings(
                corpus_dir=real_index_settings.corpus_dir,
                index_dir=index_dir,
                chroma_host="127.0.0.1",
                chroma_port=port,
                records_db=work / "admin-records.sqlite3",
            )
            build_index(settings=admin)  # the one writer of the shared index
            env.update(
                {
                    "ASSISTANT_INDEX_DIR": str(index_dir),
                    "ASSISTANT_CHROMA_HOST": "127.0.0.1",
                    "ASSISTANT_CHROMA_PORT": str(port),
                    "ASSISTANT_RECORDS_URL": url,
                }
            )
            yield env, ("--no-index",)
    finally:
        cluster.drop_database(url)


@pytest.fixture(scope="module")
def workers(rest_load, topology):
    env, args = topology
    server = rest_load.RestServer(2, env=env, extra_args=args)
    server.env = env
    yield server
    server.stop(keep_files=False)


def _records(server):
    from assistant.records import get_records
    from assistant.settings import Settings

    url = server.env.get("ASSISTANT_RECORDS_URL")
    return get_records(Settings(records_url=url) if url else Settings(records_db=server.records_db))


def _without_ids(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("latency_ms", "record_id")}


def test_serve_workers_runs_two_worker_processes(workers):
    assert len(workers.worker_pids()) == 2
    # Each worker embeds on one OpenMP thread (settings.serve_embed_threads): two threads per
    # query only competed with the other requests and worker (evals/REPORT.md, REST API).
    if "OMP_NUM_THREADS" not in os.environ:
        for pid in workers.worker_pids():
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            assert b"OMP_NUM_THREADS=1" in environ
    if workers.env.get("ASSISTANT_CHROMA_HOST"):  # the index is the server's: no local store was made
        assert not (Path(workers.env["ASSISTANT_INDEX_DIR"]) / "chroma").exists()


@pytest.mark.skipif(not shutil.which("curl"), reason="needs curl")
def test_curl_ask_returns_what_ask_json_prints(workers, tmp_path):
    out = subprocess.run(
        ["curl", "-s", "-X", "POST", f"{workers.url}/api/v1/ask", "-H", "content-type: application/json"]
        + ["-d", json.dumps({"question": QUESTION}, ensure_ascii=False)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    api = json.loads(out.stdout)
    # The CLI over the same index; its own audit record, so the workers' records hold only theirs.
    env = {**os.environ, **workers.env, "ASSISTANT_RECORDS_URL": "", "ASSISTANT_RECORDS_DB": str(tmp_path / "c.db")}
    cli = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--json", QUESTION],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr[-500:]
    expected = json.loads(cli.stdout)
    assert set(api) - {"record_id"} == set(expected)
    assert _without_ids(api) == _without_ids(expected)
    assert "200万" in api["answer"] and api["citations"]


def test_concurrent_requests_on_two_workers_are_each_recorded_once(workers, rest_load):
    load = rest_load._LOAD
    # Every turn of every conversation, sent with its own conversation's history (stateless).
    requests = []
    for conv in load.CONVERSATIONS:
        history: list[str] = []
        for turn in conv.turns:
            requests.append((turn.question, list(history), turn.expect))
            history.append(turn.question)
    records = _records(workers)
    before = {row["id"] for row in records.rows("answers")}
    results: list[tuple[str, list[str], tuple[str, ...], int, dict]] = []
    lock = threading.Lock()
    todo = list(enumerate(requests))

    def client() -> None:
        while True:
            with lock:
                if not todo:
                    return
                _, (question, history, expect) = todo.pop()
            status, data = rest_load.post_json(f"{workers.url}/api/v1/ask", {"question": question, "history": history})
            with lock:
                results.append((question, history, expect, status, data))

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)

    assert len(results) == len(requests)
    for question, _history, expect, status, data in results:
        assert status == 200, (question, data)
        assert load.check_response(data) is None, (question, data)
        assert data["intent"] != "error", (question, data["answer"])  # e.g. a lazy parser raced on a fresh worker
        assert all(e in data["answer"] for e in expect), (question, expect, data["answer"][:200])
    ids = [data["record_id"] for *_, data in results]
    assert None not in ids and len(set(ids)) == len(ids)
    new = [row for row in records.rows("answers") if row["id"] not in before]
    assert sorted(row["id"] for row in new) == sorted(ids)  # each answer recorded once, nothing else
    by_id = {row["id"]: row for row in new}
    for question, history, _expect, _status, data in results:
        row = by_id[data["record_id"]]
        assert row["channel"] == "rest" and row["question"] == question
        assert json.loads(row["history"]) == history and row["answer"] == data["answer"]


@pytest.fixture(scope="module")
def web(real_index_settings, tmp_path_factory):
    return web_support.shared_server(real_index_settings, tmp_path_factory)


def test_the_ui_process_serves_the_rest_api_beside_gradio(web, rest_load):
    from assistant.records import get_records

    base = web.url.rstrip("/")
    status, data = rest_load.post_json(f"{base}/api/v1/ask", {"question": QUESTION})
    assert status == 200, data
    direct = web.ctx.assistant().ask(QUESTION).as_json()
    assert data["answer"] == direct["answer"]
    row = get_records(web.settings).answer(data["record_id"])
    assert row and row["channel"] == "rest"
    with urllib.request.urlopen(f"{base}/api/v1/docs", timeout=30) as r:
        assert r.status == 200 and b"/api/v1/openapi.json" in r.read()
    with urllib.request.urlopen(f"{base}/", timeout=30) as r:  # the UI is still there
        assert r.status == 200


def test_a_ui_session_is_tied_to_its_process_so_the_ui_needs_sticky_sessions(web):
    """What README's deployment note claims: Gradio joins an event over one request and streams its
    result over another, and only the process that took the join knows the session; a second UI
    process answers "session not found". (The REST API has no such tie: see the workers tests.)"""
    import httpx

    other = web_support.start_server(web.settings)
    try:
        a, b = web.url.rstrip("/"), other.url.rstrip("/")
        config = httpx.get(f"{a}/config", timeout=30).json()
        fn = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "ask")
        join = {"data": [QUESTION, []], "fn_index": fn, "session_hash": "sticky-test-1"}
        r = httpx.post(f"{a}/gradio_api/queue/join", json={**join, "event_data": None, "trigger_id": None}, timeout=30)
        assert r.status_code == 200, r.text

        def events(base: str) -> list[dict]:
            out = []
            try:
                with httpx.stream(
                    "GET", f"{base}/gradio_api/queue/data", params={"session_hash": "sticky-test-1"}, timeout=60
                ) as s:
                    for line in s.iter_lines():
                        if line.startswith("data:"):
                            out.append(json.loads(line[5:]))
                            if out[-1].get("msg") in ("process_completed", "unexpected_error", "close_stream"):
                                break
            except httpx.RemoteProtocolError:  # the other process ends the stream abruptly
                pass
            return out

        elsewhere = events(b)
        assert elsewhere and elsewhere[0].get("session_not_found") is True, elsewhere
        here = events(a)
        done = [e for e in here if e.get("msg") == "process_completed"]
        assert done and "200万" in done[0]["output"]["data"][0]["answer"], here[-1:]
    finally:
        other.demo.close()
