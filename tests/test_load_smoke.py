"""A bounded load run in CI: 6 concurrent chat sessions for 15 s against the session's app server
(tests/web_support.py; rate limit raised there), through ``gradio_client`` as evals/load.py does.

Behaviour, not timing: no request fails, every response is a well-formed JSON answer, each
session's follow-ups are answered in the context of its own conversation (the calculator's
inputs come from that session's turns), and every answer is in the audit record. The full-size
figures (20 sessions x 60 s, several concurrency settings) are in evals/REPORT.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import web_support

pytest.importorskip("gradio_client")

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 6
SECONDS = 15.0


@pytest.fixture(scope="module")
def load():
    return web_support.load_eval_module("load")


@pytest.fixture(scope="module")
def web(real_index_settings, tmp_path_factory):
    return web_support.shared_server(real_index_settings, tmp_path_factory)


def test_concurrent_sessions_get_well_formed_answers_and_no_errors(load, web):
    from assistant.records import get_records

    records = get_records(web.settings)
    before = records.count("answers")
    result = load.run_load(web.url, sessions=SESSIONS, seconds=SECONDS, timeout=60, keep_responses=True, seed=11)

    assert result.error_count == 0, f"{dict(result.errors)}: {result.error_examples}"
    assert result.ok >= SESSIONS, "every session should get at least one answer in 15 s"
    assert len(result.responses) == result.ok
    seen_categories = set(result.by_category)
    assert len(seen_categories) >= 4, seen_categories
    sessions_answered = {r["session"] for r in result.responses}
    assert sessions_answered == set(range(SESSIONS))

    for r in result.responses:
        data = r["data"]
        assert load.check_response(data) is None, (r["question"], data)
        # Well-formed JSON: the dict survives a round trip unchanged.
        assert json.loads(json.dumps(data, ensure_ascii=False)) == data
        assert data["answer"].strip() and "Traceback" not in data["answer"]
        for c in data["citations"]:
            assert c["doc_id"] and c["locator"], c

    # Multi-turn under load: a follow-up computed with the facts of its own conversation.
    follow_ups = [r for r in result.responses if r["question"] == "向非关联方租用智能算力，合同额500万元，能拿多少？"]
    for r in follow_ups:
        assert r["history"] == ["我们是北京注册的软件企业。"]
        assert "100万" in r["data"]["answer"]

    # Every answer reached the audit record (channel "api"), none twice.
    assert records.count("answers") - before == result.ok
    rows = records.rows("answers", limit=result.ok)
    assert all(row["channel"] == "api" for row in rows)
