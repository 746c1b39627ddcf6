"""The audit record and feedback store: what is written, WAL mode, concurrent writers, CSV export."""

from __future__ import annotations

import csv
import io
import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest

from assistant.records import Records, csv_safe, rules_version

RESPONSE = {
    "answer": "北京市人工智能算力券每家企业每年最高200万元[1]。",
    "citations": [
        {
            "doc_id": "beijing-municipal-2023",
            "title": "北京市人工智能算力券实施方案",
            "locator": "第八条",
            "quote": "合计最高200万元",
        }
    ],
    "tool_calls": [
        {
            "name": "calculate_voucher",
            "input": {"program": "beijing-municipal", "amount": "15000000"},
            "output": {"amount": "2000000.00"},
        }
    ],
    "refused": False,
    "language": "zh",
    "warnings": [],
    "latency_ms": 12.5,
}


@pytest.fixture()
def records(tmp_path: Path) -> Records:
    return Records(tmp_path / "sub" / "records.sqlite3")


def test_answer_is_recorded_with_versions(records: Records):
    rid = records.log_answer("北京每年最多补贴多少？", RESPONSE, history=["我们在北京"], channel="chat", session="s1")
    row = records.answer(rid)
    assert row["question"] == "北京每年最多补贴多少？"
    assert row["answer"] == RESPONSE["answer"]
    assert "beijing-municipal-2023" in row["citations"] and "第八条" in row["citations"]
    assert "calculate_voucher" in row["tool_calls"]
    assert '"我们在北京"' in row["history"]
    assert row["channel"] == "chat" and row["session"] == "s1" and row["refused"] == 0
    assert row["ts"] and row["corpus_version"] and row["rules_version"]
    assert row["rules_version"] == rules_version() != "none"


def test_response_objects_are_accepted(records: Records):
    from assistant.models import Citation, Response

    resp = Response(answer="ok", citations=[Citation(doc_id="d", title="t", locator="第一条", quote="q")])
    rid = records.log_answer("q", resp)
    assert '"doc_id": "d"' in records.answer(rid)["citations"]


def test_feedback_points_at_its_answer(records: Records):
    rid = records.log_answer("q", RESPONSE)
    records.add_feedback(rid, 1)
    records.add_feedback(rid, -1, "  金额不对  ", session="s2")
    rows = records.rows("feedback")
    assert [(r["answer_id"], r["rating"], r["comment"]) for r in rows] == [(rid, 1, ""), (rid, -1, "金额不对")]
    with pytest.raises(ValueError):
        records.add_feedback(rid, 5)


def test_database_is_in_wal_mode(records: Records):
    con = sqlite3.connect(records.path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    finally:
        con.close()


def test_concurrent_thread_writers_lose_nothing(records: Records):
    def write(n: int) -> None:
        for i in range(25):
            rid = records.log_answer(f"q{n}-{i}", RESPONSE, channel="load")
            records.add_feedback(rid, 1 if i % 2 else -1)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert records.count("answers") == 200
    assert records.count("feedback") == 200
    assert len({r["question"] for r in records.rows("answers")}) == 200


def _process_writer(path: str, n: int) -> None:
    store = Records(path)
    for i in range(20):
        store.log_answer(f"p{n}-{i}", RESPONSE, channel="proc")


def test_concurrent_process_writers_lose_nothing(tmp_path: Path):
    path = tmp_path / "shared.sqlite3"
    Records(path)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_process_writer, args=(str(path), n)) for n in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert Records(path).count("answers") == 80


def test_csv_export_round_trips_chinese_and_neutralises_formulas(records: Records, tmp_path: Path):
    rid = records.log_answer('=HYPERLINK("http://x")', RESPONSE)
    records.add_feedback(rid, -1, "+1 有问题")
    out = tmp_path / "answers.csv"
    assert records.export_csv("answers", out) == 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so spreadsheets read the Chinese correctly
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["question"].startswith("'=")
    assert rows[0]["answer"] == RESPONSE["answer"]
    buf = io.StringIO()
    records.export_csv("feedback", buf)
    fb = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert fb[0]["comment"] == "'+1 有问题" and fb[0]["answer_id"] == str(rid)
    with pytest.raises(ValueError):
        records.rows("sqlite_master")


def test_csv_safe():
    assert csv_safe("-2+3") == "'-2+3"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("北京") == "北京"
    assert csv_safe(None) == ""
    assert csv_safe(12) == "12"


def test_export_records_command(tmp_path: Path, monkeypatch, capsys):
    from assistant import cli
    from assistant.settings import get_settings

    db = tmp_path / "records.sqlite3"
    monkeypatch.setenv("ASSISTANT_RECORDS_DB", str(db))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    get_settings.cache_clear()
    try:
        store = Records(db)
        rid = store.log_answer("上海能补多少？", RESPONSE, channel="api")
        store.add_feedback(rid, 1, "很好")
        out_dir = tmp_path / "export"
        assert cli.main(["export-records", "--out", str(out_dir)]) == 0
        answers = list(csv.DictReader(io.StringIO((out_dir / "answers.csv").read_text(encoding="utf-8-sig"))))
        feedback = list(csv.DictReader(io.StringIO((out_dir / "feedback.csv").read_text(encoding="utf-8-sig"))))
        assert answers[0]["question"] == "上海能补多少？" and answers[0]["channel"] == "api"
        assert feedback[0]["comment"] == "很好"
        capsys.readouterr()
        assert cli.main(["export-records", "--table", "feedback", "--out", "-"]) == 0
        assert "很好" in capsys.readouterr().out
        single = tmp_path / "one.csv"
        assert cli.main(["export-records", "--table", "answers", "--out", str(single)]) == 0
        assert "上海能补多少？" in single.read_text(encoding="utf-8-sig")
    finally:
        get_settings.cache_clear()
