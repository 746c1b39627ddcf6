"""The audit/feedback store under concurrent writers: several processes, each with several threads,
write answers and feedback to one store while another process's thread keeps exporting CSV.
Afterwards every record is there exactly once, each piece of feedback points at the answer it
was written for, the database is consistent, and the CSV export has them all. Both tests run on
a SQLite file (WAL) and on a database of the PostgreSQL cluster the tests start (conftest)."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import text

from assistant.records import Records

PROCESSES = 4
THREADS = 4
PER_THREAD = 25

RESPONSE = {
    "answer": "北京市人工智能算力券每家企业每年最高200万元[1]。",
    "citations": [{"doc_id": "beijing-municipal-2023", "locator": "第八条", "quote": "合计最高200万元"}],
    "tool_calls": [{"name": "calculate_voucher", "input": {"amount": "5000000"}, "output": {"amount": "1000000.00"}}],
    "refused": False,
    "language": "zh",
    "warnings": [],
    "latency_ms": 3.0,
}


def _token(proc: int, thread: int, i: int) -> str:
    return f"p{proc}-t{thread}-{i:03d}"


def _writer_process(path: str, proc: int, out: str) -> None:
    """One process: THREADS threads, each writing PER_THREAD answers, each followed by its feedback."""
    store = Records(path)
    written: list[tuple[str, int, int]] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def thread_body(t: int) -> None:
        start.wait()
        for i in range(PER_THREAD):
            tok = _token(proc, t, i)
            try:
                rid = store.log_answer(
                    f"问题 {tok} 北京能补多少？",
                    {**RESPONSE, "answer": f"回答 {tok}"},
                    history=[f"上文 {tok}"],
                    channel="concurrency",
                    session=f"s-{tok}",
                )
                fid = store.add_feedback(rid, 1 if i % 2 else -1, f"反馈 {tok}", session=f"s-{tok}")
            except Exception as exc:  # reported to the test, which fails on any
                with lock:
                    errors.append(f"{tok}: {exc.__class__.__name__}: {exc}")
                continue
            with lock:
                written.append((tok, rid, fid))

    threads = [threading.Thread(target=thread_body, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    Path(out).write_text(json.dumps({"written": written, "errors": errors}), encoding="utf-8")


def test_processes_and_threads_write_concurrently_and_nothing_is_lost(records_target: str, tmp_path: Path):
    store = Records(records_target)  # creates the schema (and switches SQLite to WAL) before the writers start

    # A reader exporting CSV over and over while the writers work: WAL (SQLite) and MVCC
    # (PostgreSQL) let it read a snapshot without blocking them, and it must never see an error.
    stop = threading.Event()
    reader_errors: list[str] = []
    exports = [0]

    def reader() -> None:
        while not stop.is_set():
            try:
                store.export_csv("answers", io.StringIO())
                store.export_csv("feedback", io.StringIO())
                exports[0] += 1
            except Exception as exc:
                reader_errors.append(f"{exc.__class__.__name__}: {exc}")
            time.sleep(0.01)

    reading = threading.Thread(target=reader)
    reading.start()
    ctx = multiprocessing.get_context("spawn")
    outs = [tmp_path / f"written-{p}.json" for p in range(PROCESSES)]
    procs = [ctx.Process(target=_writer_process, args=(records_target, p, str(outs[p]))) for p in range(PROCESSES)]
    try:
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
    finally:
        stop.set()
        reading.join(30)
        for p in procs:
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    assert not reader_errors, reader_errors[:3]
    assert exports[0] > 0

    written: list[tuple[str, int, int]] = []
    for out in outs:
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["errors"] == [], data["errors"][:3]
        written += [tuple(w) for w in data["written"]]
    total = PROCESSES * THREADS * PER_THREAD
    assert len(written) == total
    assert len({w[0] for w in written}) == total

    # In the database: every answer and every piece of feedback exactly once, linked correctly.
    assert store.count("answers") == total
    assert store.count("feedback") == total
    answers = {r["id"]: r for r in store.rows("answers")}
    feedback = {r["id"]: r for r in store.rows("feedback")}
    for tok, rid, fid in written:
        a, f = answers[rid], feedback[fid]
        assert a["question"] == f"问题 {tok} 北京能补多少？" and a["answer"] == f"回答 {tok}"
        assert json.loads(a["history"]) == [f"上文 {tok}"] and a["session"] == f"s-{tok}"
        assert f["answer_id"] == rid and f["comment"] == f"反馈 {tok}"
    assert Counter(a["question"] for a in answers.values()).most_common(1)[0][1] == 1
    with store.engine.connect() as con:  # no feedback row points at a missing answer
        orphans = con.execute(
            text("SELECT COUNT(*) FROM feedback f LEFT JOIN answers a ON a.id = f.answer_id WHERE a.id IS NULL")
        ).scalar_one()
        assert orphans == 0
    if store.path is not None:
        con = sqlite3.connect(store.path)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert con.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        finally:
            con.close()

    # The CSV export (the file a reviewer opens) has them all, once each.
    out_answers, out_feedback = tmp_path / "answers.csv", tmp_path / "feedback.csv"
    assert store.export_csv("answers", out_answers) == total
    assert store.export_csv("feedback", out_feedback) == total
    rows = list(csv.DictReader(io.StringIO(out_answers.read_text(encoding="utf-8-sig"))))
    fb_rows = list(csv.DictReader(io.StringIO(out_feedback.read_text(encoding="utf-8-sig"))))
    assert sorted(r["answer"] for r in rows) == sorted(f"回答 {w[0]}" for w in written)
    assert sorted((r["answer_id"], r["comment"]) for r in fb_rows) == sorted(
        (str(w[1]), f"反馈 {w[0]}") for w in written
    )


def _snapshot_reader(store: Records) -> Any:
    """A plain driver connection outside the store, for a transaction that reads one snapshot:
    SQLite's deferred transaction (WAL), PostgreSQL's REPEATABLE READ."""
    if store.path is not None:
        return sqlite3.connect(store.path, isolation_level=None)
    import psycopg

    con = psycopg.connect(store.engine.url.set(drivername="postgresql").render_as_string(False), autocommit=True)
    con.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    return con


def test_a_long_reader_does_not_block_writers(records_target: str):
    """A reader inside an open read transaction neither blocks a writer nor sees a torn state."""
    store = Records(records_target)
    store.log_answer("first", RESPONSE)
    reader = _snapshot_reader(store)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1
        t = time.perf_counter()
        for i in range(20):
            store.log_answer(f"during {i}", RESPONSE)
        assert time.perf_counter() - t < 10  # no busy wait on the reader's lock
        assert reader.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1  # its snapshot
        reader.execute("COMMIT")
        assert reader.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 21
    finally:
        reader.close()
