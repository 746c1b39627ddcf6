"""The REST API on real servers: ``serve --workers 2`` in a subprocess (the acceptance ``curl``
against ``ask --json``, concurrent requests each recorded once) and the single UI process, which
serves the same routes beside Gradio. Behaviour only; the throughput figures come from
evals/rest_load.py (evals/REPORT.md)."""

from __future__ import annotations

import importlib.util
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


def _rest_load():
    spec = importlib.util.spec_from_file_location("cv_rest_load", ROOT / "evals" / "rest_load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _env(settings) -> dict[str, str]:
    return {
        "ASSISTANT_INDEX_DIR": str(settings.index_dir),
        "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir),
        "ASSISTANT_LLM": "none",
    }


@pytest.fixture(scope="module")
def rest_load():
    return _rest_load()


@pytest.fixture(scope="module")
def workers(rest_load, real_index_settings):
    server = rest_load.RestServer(2, env=_env(real_index_settings))
    yield server
    server.stop(keep_files=False)


def _records(path: Path):
    from assistant.records import get_records
    from assistant.settings import Settings

    return get_records(Settings(records_db=path))


def _without_ids(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("latency_ms", "record_id")}


def test_serve_workers_runs_two_worker_processes(workers):
    assert len(workers.worker_pids()) == 2


@pytest.mark.skipif(not shutil.which("curl"), reason="needs curl")
def test_curl_ask_returns_what_ask_json_prints(workers, real_index_settings, tmp_path):
    out = subprocess.run(
        ["curl", "-s", "-X", "POST", f"{workers.url}/api/v1/ask", "-H", "content-type: application/json"]
        + ["-d", json.dumps({"question": QUESTION}, ensure_ascii=False)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    api = json.loads(out.stdout)
    env = {**os.environ, **_env(real_index_settings), "ASSISTANT_RECORDS_DB": str(tmp_path / "cli.sqlite3")}
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
    load = rest_load._load_module()
    # Every turn of every conversation, sent with its own conversation's history (stateless).
    requests = []
    for conv in load.CONVERSATIONS:
        history: list[str] = []
        for turn in conv.turns:
            requests.append((turn.question, list(history), turn.expect))
            history.append(turn.question)
    records = _records(workers.records_db)
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
