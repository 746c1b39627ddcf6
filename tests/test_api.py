"""The REST API's contract in one process (FastAPI's TestClient): text limits as in the UI, the
per-client rate limit, the optional API key, the audit record, the rules endpoints and the
OpenAPI docs. The answering itself is a stub here (the real assistant over a real server is in
tests/test_api_server.py), so these run in seconds."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient

from assistant.api import PREFIX, Gate, build_api
from assistant.models import Response
from assistant.settings import Settings


class StubAssistant:
    """Records what it was asked; answers with the arguments it got."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str], Any]] = []

    def ask(self, question: str, history: list[str] | None = None, facts: Any = None) -> Response:
        self.calls.append((question, list(history or []), facts))
        return Response(answer=f"答：{question}", intent="fact", latency_ms=1.0)

    def draft(self, enquiry: str) -> Response:
        self.calls.append((enquiry, [], None))
        return Response(answer=f"复函：{enquiry}", intent="draft:fact")


def make_client(tmp_path, stub: StubAssistant | None = None, **overrides: Any) -> tuple[TestClient, Settings]:
    from fastapi import FastAPI
    from starlette.routing import Mount

    fields: dict[str, Any] = {"records_db": tmp_path / "records.sqlite3", "rate_limit_per_minute": 1000}
    fields.update(overrides)
    settings = Settings(**fields)
    stub = stub or StubAssistant()
    root = FastAPI()
    root.router.routes.append(Mount(PREFIX, app=build_api(settings, assistant=lambda: stub)))
    return TestClient(root), settings


def _records(settings: Settings):
    from assistant.records import get_records

    return get_records(settings)


def test_ask_passes_history_and_facts_and_records_the_answer_once(tmp_path):
    stub = StubAssistant()
    client, settings = make_client(tmp_path, stub)
    history = [f"第{i}句" for i in range(25)]
    r = client.post(
        f"{PREFIX}/ask",
        json={"question": "  能拿多少？ ", "history": history, "facts": {"startup": True}, "session": "conv-1"},
    )
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["answer"] == "答：能拿多少？"
    assert {"answer", "citations", "tool_calls", "refused", "language", "intent", "missing_facts", "warnings"} <= set(
        data
    )
    # The last 20 earlier messages, as the UI sends them; facts as given.
    assert stub.calls == [("能拿多少？", history[-20:], {"startup": True})]
    rows = [row for row in _records(settings).rows("answers") if row["channel"] == "rest"]
    assert [row["id"] for row in rows] == [data["record_id"]]
    assert rows[0]["question"] == "能拿多少？" and rows[0]["session"] == "conv-1"


def test_draft_is_answered_and_recorded(tmp_path):
    client, settings = make_client(tmp_path)
    r = client.post(f"{PREFIX}/draft", json={"enquiry": "请问上海算力券比例？"})
    assert r.status_code == 200, r.text
    row = _records(settings).answer(r.json()["record_id"])
    assert row and row["channel"] == "rest-draft" and row["answer"].startswith("复函")


@pytest.mark.parametrize(
    "body, pattern",
    [
        ({"question": "   "}, "问题为空"),
        ({"question": "算" * 4001}, "问题过长"),
        ({"question": "北京？", "history": ["算" * 4001]}, "历史消息过长"),
        ({"question": "北京？", "facts": {f"f{i}": True for i in range(101)}}, "事实过多"),
        ({"question": "北京？", "unknown": 1}, "extra"),
        ({"question": 5}, "string"),
    ],
)
def test_ask_refuses_what_the_ui_refuses_naming_the_field(tmp_path, body, pattern):
    client, _ = make_client(tmp_path)
    r = client.post(f"{PREFIX}/ask", json=body)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert any(pattern in d["msg"] or pattern in d["type"] for d in detail), detail
    assert "input" not in detail[0]  # a 20 KB question is not echoed back


def test_bodies_over_the_limit_are_refused_before_they_are_read(tmp_path):
    client, _ = make_client(tmp_path)
    r = client.post(f"{PREFIX}/ask", content=b"[" * (2 * 1024 * 1024), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_rate_limit_is_per_client_address_not_per_header(tmp_path):
    client, _ = make_client(tmp_path, rate_limit_per_minute=3)
    for _ in range(3):
        assert client.post(f"{PREFIX}/ask", json={"question": "北京？"}).status_code == 200
    r = client.post(f"{PREFIX}/ask", json={"question": "北京？"}, headers={"X-Forwarded-For": "203.0.113.9"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert "请求过于频繁" in r.json()["detail"]
    # The rules endpoints count towards the same budget.
    assert client.get(f"{PREFIX}/programs").status_code == 429


def test_api_key_when_configured(tmp_path):
    key = "k-3f9a7c"
    client, settings = make_client(tmp_path, api_key=key, admin_max_failures=3)
    assert key not in repr(settings)
    assert client.get(f"{PREFIX}/health").json() == {"status": "ok"}  # the load balancer's probe needs none
    assert client.post(f"{PREFIX}/ask", json={"question": "北京？"}).status_code == 401
    assert client.post(f"{PREFIX}/ask", json={"question": "北京？"}, headers={"X-API-Key": key}).status_code == 200
    r = client.get(f"{PREFIX}/programs", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200 and r.json()
    for _ in range(3):
        assert client.get(f"{PREFIX}/programs", headers={"X-API-Key": "guess"}).status_code == 401
    # Locked out after admin_max_failures wrong keys, even with the right one.
    assert client.get(f"{PREFIX}/programs", headers={"X-API-Key": key}).status_code == 429


def test_no_key_configured_means_open(tmp_path):
    client, _ = make_client(tmp_path)
    assert client.get(f"{PREFIX}/programs", headers={"X-API-Key": "anything"}).status_code == 200


def test_calc_check_and_programs_return_the_cli_json(tmp_path):
    from assistant.compliance import check_compliance, checks_performed
    from assistant.rules import calculate, list_schemes

    client, _ = make_client(tmp_path)
    r = client.post(f"{PREFIX}/calc", json={"program": "beijing-municipal", "amount": "5000000", "date": "2024-06-01"})
    assert r.status_code == 200, r.text
    assert r.json() == calculate("beijing-municipal", "5000000", on="2024-06-01").as_json()
    assert r.json()["amount"] == "1000000.00"

    r = client.post(f"{PREFIX}/calc", json={"program": "nowhere", "amount": 1})
    assert (
        r.status_code == 422 and r.json()["error"] == "unknown_program" and "beijing-municipal" in r.json()["valid_ids"]
    )
    r = client.post(f"{PREFIX}/calc", json={"program": "beijing-municipal", "amount": "-5"})
    assert r.status_code == 422 and r.json()["field"] == "amount"

    facts = {"voucher_action": "resale"}
    r = client.post(f"{PREFIX}/check", json={"facts": facts})
    assert r.status_code == 200, r.text
    expected = {"findings": [f.as_json() for f in check_compliance(dict(facts))], "checks": checks_performed()}
    assert r.json() == expected and r.json()["findings"]

    r = client.get(f"{PREFIX}/programs", params={"region": "shanghai"})
    assert r.status_code == 200
    assert r.json() == [s.as_json() for s in list_schemes(region="shanghai")] and r.json()


def test_openapi_documents_every_route_and_its_models(tmp_path):
    client, _ = make_client(tmp_path)
    spec = client.get(f"{PREFIX}/openapi.json").json()
    assert {"/ask", "/draft", "/calc", "/check", "/programs", "/health"} <= set(spec["paths"])
    assert spec["servers"] == [{"url": PREFIX}]  # "try it out" calls /api/v1/...
    schemas = spec["components"]["schemas"]
    assert {"AskRequest", "AnswerOut", "CalcRequest", "CheckRequest"} <= set(schemas)
    assert schemas["AskRequest"]["properties"]["question"]["maxLength"] == 4000
    docs = client.get(f"{PREFIX}/docs")
    assert docs.status_code == 200 and f"{PREFIX}/openapi.json" in docs.text


def test_gate_refuses_at_once_beyond_running_plus_waiting():
    gate = Gate(running=1, waiting=0)
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with gate.enter():
            entered.set()
            release.wait(30)

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert entered.wait(30)
        with pytest.raises(HTTPException) as exc:
            with gate.enter():
                pass
        assert exc.value.status_code == 503
    finally:
        release.set()
        t.join(30)
    with gate.enter():  # free again
        pass


def test_serve_workers_starts_the_rest_workers_and_no_index_skips_the_update(monkeypatch):
    import assistant.api
    import assistant.index
    from assistant.cli import main

    calls: list[Any] = []
    monkeypatch.setattr(assistant.index, "build_index", lambda **kw: calls.append("index"))
    monkeypatch.setattr(assistant.api, "run_workers", lambda host, port, n: calls.append((host, port, n)))
    assert main(["serve", "--workers", "3", "--no-index", "--host", "127.0.0.1", "--port", "9999"]) == 0
    assert calls == [("127.0.0.1", 9999, 3)]
