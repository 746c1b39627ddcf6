"""The audit record and feedback store: what is written, concurrent writers, CSV export, web
conversations. Every test taking ``records_target`` runs twice: on a SQLite file and on a
database of the PostgreSQL cluster the tests start (tests/conftest.py); WAL mode and opening a
file written by the previous SQLite-only store are SQLite's own."""

from __future__ import annotations

import csv
import io
import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest

from assistant.records import ANSWER_COLUMNS, FEEDBACK_COLUMNS, Records, csv_safe, rules_version

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
def records(records_target: str):
    store = Records(records_target)
    yield store
    store.close()


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
    records.add_feedback(None, 0, "没有具体回答的意见")
    rows = records.rows("feedback")
    assert [(r["answer_id"], r["rating"], r["comment"]) for r in rows] == [
        (rid, 1, ""),
        (rid, -1, "金额不对"),
        (None, 0, "没有具体回答的意见"),
    ]
    with pytest.raises(ValueError):
        records.add_feedback(rid, 5)
    with pytest.raises(ValueError, match="no answer"):  # feedback pointing nowhere, on both engines
        records.add_feedback(rid + 1000, 1)
    assert records.count("feedback") == 3


def test_reads_return_the_same_shapes_on_both_engines(records: Records):
    """Types and key order are what callers (CSV export, the web pages, the API) were written for."""
    assert records.rows("answers") == [] and records.answer(1) is None and records.count("answers") == 0
    ids = [records.log_answer(f"q{i}", {**RESPONSE, "refused": i == 2}) for i in range(4)]
    assert ids == sorted(ids) and len(set(ids)) == 4 and all(type(i) is int for i in ids)
    row = records.answer(ids[2])
    assert list(row) == list(ANSWER_COLUMNS)
    assert type(row["id"]) is int and row["refused"] == 1 and row["latency_ms"] == 12.5
    assert isinstance(row["ts"], str) and isinstance(row["citations"], str)
    assert [r["question"] for r in records.rows("answers", limit=2)] == ["q2", "q3"]  # the last two, in order
    assert [r["question"] for r in records.rows("answers", limit=10)] == ["q0", "q1", "q2", "q3"]
    fid = records.add_feedback(ids[0], 1)
    assert list(records.rows("feedback")[0]) == list(FEEDBACK_COLUMNS) and type(fid) is int
    assert records.log_answer("q", {"answer": "a"}) > ids[-1]  # latency and lists may be absent
    assert records.answer(ids[-1] + 1)["latency_ms"] is None
    with pytest.raises(ValueError):
        records.count("conversations")


def test_text_either_engine_would_refuse_is_kept_readable(records: Records):
    """PostgreSQL refuses NUL characters and neither driver encodes a lone surrogate; the record
    is still written, with U+FFFD in their place, instead of being lost."""
    rid = records.log_answer("北京\x00能补多少\ud800", {**RESPONSE, "answer": "回答\x00"}, history=["上文\udfff"])
    row = records.answer(rid)
    assert row["question"] == "北京\ufffd能补多少\ufffd" and row["answer"] == "回答\ufffd"
    assert "\ufffd" in row["history"]


def test_conversations_belong_to_their_browser_and_list_latest_first(records: Records):
    records.save_conversation("c1", "browser-a", "北京", {"history": ["北京算力券？"], "turn": 1})
    records.save_conversation("c2", "browser-a", "上海", {"history": [], "turn": 0})
    records.save_conversation("c3", "browser-b", "深圳", {"facts": {"sme": True}})
    assert [c["id"] for c in records.conversations("browser-a")] == ["c2", "c1"]
    records.save_conversation("c1", "browser-a", "北京（续）", {"history": ["北京算力券？", "上海呢？"], "turn": 2})
    listed = records.conversations("browser-a")
    assert [(c["id"], c["title"]) for c in listed] == [("c1", "北京（续）"), ("c2", "上海")]  # updated moves it up
    assert list(listed[0]) == ["id", "title", "updated"] and isinstance(listed[0]["updated"], str)
    assert records.conversations("browser-a", limit=1) == listed[:1]
    assert records.conversation("browser-a", "c1") == {"history": ["北京算力券？", "上海呢？"], "turn": 2}
    # Another browser can neither read, overwrite nor delete it.
    assert records.conversation("browser-b", "c1") is None
    records.save_conversation("c1", "browser-b", "hijack", {"x": 1})
    assert records.conversation("browser-a", "c1")["turn"] == 2 and records.conversation("browser-b", "c1") is None
    assert records.delete_conversation("browser-b", "c1") is False
    assert records.delete_conversation("browser-a", "c1") is True
    assert records.delete_conversation("browser-a", "c1") is False
    assert [c["id"] for c in records.conversations("browser-a")] == ["c2"]
    assert records.conversations("nobody") == [] and records.conversation("browser-b", "c3") == {"facts": {"sme": True}}
    assert records.count("answers") == 0 and records.rows("feedback") == []


def test_settings_choose_the_engine(records_target: str, tmp_path: Path):
    """ASSISTANT_RECORDS_URL when set, else the SQLite file at ASSISTANT_RECORDS_DB."""
    from assistant.records import get_records
    from assistant.settings import Settings

    if "://" in records_target:
        settings = Settings(records_url=records_target, records_db=tmp_path / "unused.sqlite3")
        assert Records.open(settings).dialect == "postgresql" and Records.open(settings).path is None
        assert records_target not in repr(settings)  # the URL may carry a password
    else:
        settings = Settings(records_db=Path(records_target))
        assert Records.open(settings).dialect == "sqlite" and Records.open(settings).path == Path(records_target)
    store = get_records(settings)
    assert get_records(settings) is store  # one engine and pool per database in a process
    rid = store.log_answer("q", RESPONSE)
    assert Records(records_target).answer(rid)["question"] == "q"
    assert not (tmp_path / "unused.sqlite3").exists()


def _open_and_write(target: str, n: int) -> None:
    Records(target).log_answer(f"first-{n}", RESPONSE)


def test_workers_starting_together_create_the_schema_once(records_target: str):
    """Several workers opening an empty database at the same moment all start (the schema is
    created under a lock on PostgreSQL, with IF NOT EXISTS on both)."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_open_and_write, args=(records_target, n)) for n in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * 4
    assert sorted(r["question"] for r in Records(records_target).rows("answers")) == [f"first-{n}" for n in range(4)]


OLD_SCHEMA = """
CREATE TABLE answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, channel TEXT NOT NULL DEFAULT '',
    session TEXT NOT NULL DEFAULT '', question TEXT NOT NULL, history TEXT NOT NULL DEFAULT '[]',
    answer TEXT NOT NULL, citations TEXT NOT NULL DEFAULT '[]', tool_calls TEXT NOT NULL DEFAULT '[]',
    refused INTEGER NOT NULL DEFAULT 0, language TEXT NOT NULL DEFAULT '', warnings TEXT NOT NULL DEFAULT '[]',
    corpus_version TEXT NOT NULL DEFAULT '', rules_version TEXT NOT NULL DEFAULT '', latency_ms REAL
);
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL, answer_id INTEGER REFERENCES answers(id),
    session TEXT NOT NULL DEFAULT '', rating INTEGER NOT NULL, comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feedback_answer ON feedback(answer_id);
"""


def test_a_file_from_the_sqlite_only_store_keeps_working(tmp_path: Path):
    """A records file written before the SQLAlchemy layer (and before conversations existed, with
    an orphaned piece of feedback) opens as it is: old rows read back, new ids follow on."""
    path = tmp_path / "records.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(OLD_SCHEMA)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(
        "INSERT INTO answers (ts, question, answer, latency_ms) VALUES ('2025-01-02T03:04:05+08:00', '旧问题', '旧回答', 3)"
    )
    con.execute(
        "INSERT INTO feedback (ts, answer_id, rating, comment) VALUES ('2025-01-02T03:04:06+08:00', 1, 1, '好')"
    )
    con.execute("INSERT INTO feedback (ts, answer_id, rating) VALUES ('2025-01-02T03:04:07+08:00', 77, -1)")
    con.commit()
    con.close()

    store = Records(path)
    old = store.answer(1)
    assert old["question"] == "旧问题" and old["latency_ms"] == 3.0 and old["citations"] == "[]"
    assert [r["answer_id"] for r in store.rows("feedback")] == [1, 77]  # kept, though 77 points nowhere
    rid = store.log_answer("新问题", RESPONSE)
    assert rid == 2 and store.add_feedback(rid, 1) == 3
    store.save_conversation("c", "b", "t", {"turn": 1})  # the table added since is created
    assert store.conversations("b")[0]["id"] == "c"
    assert store.count("answers") == 2 and store.export_csv("feedback", io.StringIO()) == 3


def test_database_is_in_wal_mode(tmp_path: Path):
    records = Records(tmp_path / "sub" / "records.sqlite3")
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


def _process_writer(target: str, n: int) -> None:
    store = Records(target)
    for i in range(20):
        store.log_answer(f"p{n}-{i}", RESPONSE, channel="proc")


def test_concurrent_process_writers_lose_nothing(records_target: str):
    Records(records_target)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_process_writer, args=(records_target, n)) for n in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert Records(records_target).count("answers") == 80


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


def test_export_records_command(records_target: str, tmp_path: Path, monkeypatch, capsys):
    from assistant import cli
    from assistant.settings import get_settings

    if "://" in records_target:
        monkeypatch.setenv("ASSISTANT_RECORDS_URL", records_target)
        monkeypatch.setenv("ASSISTANT_RECORDS_DB", str(tmp_path / "unused.sqlite3"))
    else:
        monkeypatch.setenv("ASSISTANT_RECORDS_DB", records_target)
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    get_settings.cache_clear()
    try:
        store = Records(records_target)
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
        assert not (tmp_path / "unused.sqlite3").exists()  # the URL wins over the file
    finally:
        get_settings.cache_clear()
