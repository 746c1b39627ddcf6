"""Feedback and the audit record of every answer, in SQLite (WAL mode), with CSV export.

Each answer the app gives is stored with what it was based on: the question, the earlier
turns, the answer text, its citations and tool calls, and the corpus and rules versions,
so a reviewer can later see why the assistant said what it said. Feedback (thumbs up or
down, an optional comment) points at the answer it is about.

One short-lived connection per operation: SQLite in WAL mode lets readers and several
writers (threads or processes) share the file; ``busy_timeout`` makes writers queue.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.settings import Settings, get_settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT '',
    session TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    history TEXT NOT NULL DEFAULT '[]',
    answer TEXT NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]',
    tool_calls TEXT NOT NULL DEFAULT '[]',
    refused INTEGER NOT NULL DEFAULT 0,
    language TEXT NOT NULL DEFAULT '',
    warnings TEXT NOT NULL DEFAULT '[]',
    corpus_version TEXT NOT NULL DEFAULT '',
    rules_version TEXT NOT NULL DEFAULT '',
    latency_ms REAL
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,
    answer_id INTEGER REFERENCES answers(id),
    session TEXT NOT NULL DEFAULT '',
    rating INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS feedback_answer ON feedback(answer_id);
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    browser TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS conversations_browser ON conversations(browser, updated);
"""

TABLES = ("answers", "feedback")
ANSWER_COLUMNS = (
    "id",
    "ts",
    "channel",
    "session",
    "question",
    "history",
    "answer",
    "citations",
    "tool_calls",
    "refused",
    "language",
    "warnings",
    "corpus_version",
    "rules_version",
    "latency_ms",
)
FEEDBACK_COLUMNS = ("id", "ts", "answer_id", "session", "rating", "comment")
COLUMNS = {"answers": ANSWER_COLUMNS, "feedback": FEEDBACK_COLUMNS}


def _now() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value if value is not None else [], ensure_ascii=False, default=str)


def rules_version() -> str:
    """A fingerprint of the program files the calculator reads (changes when any rule changes)."""
    try:
        from assistant.rules.loader import PROGRAMS_DIR
    except ImportError:  # pragma: no cover - rules package absent
        return "none"
    return _dir_fingerprint(str(PROGRAMS_DIR), _dir_mtime(PROGRAMS_DIR))


def _dir_mtime(path: Path) -> float:
    try:
        return max((p.stat().st_mtime for p in Path(path).glob("*.yaml")), default=0.0)
    except OSError:
        return 0.0


@lru_cache(maxsize=8)
def _dir_fingerprint(path: str, _mtime: float) -> str:
    files = sorted(Path(path).glob("*.yaml"))
    if not files:
        return "none"
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def corpus_version(settings: Settings | None = None) -> str:
    try:
        from assistant.index import corpus_version as _cv
    except ImportError:  # pragma: no cover
        return "none"
    return _cv(settings)


def csv_safe(value: Any) -> str:
    """A cell that spreadsheets will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


class Records:
    """The audit and feedback store at ``path`` (created on first use)."""

    def __init__(self, path: Path | str, settings: Settings | None = None) -> None:
        self.path = Path(path)
        self.settings = settings
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(SCHEMA)

    @classmethod
    def open(cls, settings: Settings | None = None) -> Records:
        settings = settings or get_settings()
        return cls(settings.records_db, settings=settings)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            con.execute("PRAGMA busy_timeout=30000")
            con.execute("PRAGMA synchronous=NORMAL")
            yield con
        finally:
            con.close()

    # ------------------------------------------------------------------ writes
    def log_answer(
        self,
        question: str,
        response: Mapping[str, Any] | Any,
        *,
        history: list[str] | None = None,
        channel: str = "",
        session: str = "",
    ) -> int:
        """Store one answer (a ``Response`` or its ``as_json()`` dict); returns its record id."""
        data = response.as_json() if hasattr(response, "as_json") else dict(response)
        row = (
            _now(),
            channel,
            session or "",
            question or "",
            _json(history or []),
            str(data.get("answer", "")),
            _json(data.get("citations")),
            _json(data.get("tool_calls")),
            int(bool(data.get("refused"))),
            str(data.get("language", "")),
            _json(data.get("warnings")),
            corpus_version(self.settings),
            rules_version(),
            data.get("latency_ms"),
        )
        with self._connect() as con:
            cur = con.execute(
                "INSERT INTO answers (ts, channel, session, question, history, answer, citations, tool_calls,"
                " refused, language, warnings, corpus_version, rules_version, latency_ms)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                row,
            )
            return int(cur.lastrowid)

    def add_feedback(self, answer_id: int | None, rating: int, comment: str = "", *, session: str = "") -> int:
        """Thumbs up (rating 1) or down (-1) on an answer, with an optional comment."""
        if rating not in (1, -1, 0):
            raise ValueError("rating must be 1 (up), -1 (down) or 0 (comment only)")
        with self._connect() as con:
            cur = con.execute(
                "INSERT INTO feedback (ts, answer_id, session, rating, comment) VALUES (?,?,?,?,?)",
                (_now(), answer_id, session or "", rating, (comment or "").strip()),
            )
            return int(cur.lastrowid)

    # ------------------------------------------------------------------ reads
    def rows(self, table: str, limit: int | None = None) -> list[dict[str, Any]]:
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}; use one of {', '.join(TABLES)}")
        sql = f"SELECT {', '.join(COLUMNS[table])} FROM {table} ORDER BY id"
        params: tuple = ()
        if limit is not None:
            sql = f"SELECT * FROM ({sql} DESC LIMIT ?) ORDER BY id"
            params = (int(limit),)
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute(sql, params)]

    def answer(self, answer_id: int) -> dict[str, Any] | None:
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            row = con.execute(f"SELECT {', '.join(ANSWER_COLUMNS)} FROM answers WHERE id = ?", (answer_id,)).fetchone()
        return dict(row) if row else None

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        with self._connect() as con:
            return int(con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    # ------------------------------------------------------------------ conversations
    # A web user's conversations, keyed by a random id their browser keeps, so a reload or a
    # later visit reopens them. ``state`` is the page's own JSON (messages, earlier questions,
    # facts given); the audit record of each answer stays in ``answers`` regardless.
    def save_conversation(self, conv_id: str, browser: str, title: str, state: Mapping[str, Any]) -> None:
        now = _now()
        with self._connect() as con:
            con.execute(
                "INSERT INTO conversations (id, browser, title, created, updated, state) VALUES (?,?,?,?,?,?)"
                " ON CONFLICT(id) DO UPDATE SET title = excluded.title, updated = excluded.updated,"
                " state = excluded.state WHERE conversations.browser = excluded.browser",
                (conv_id, browser, title, now, now, json.dumps(dict(state), ensure_ascii=False, default=str)),
            )

    def conversations(self, browser: str, limit: int = 50) -> list[dict[str, Any]]:
        """The browser's conversations, latest first (id, title, updated)."""
        with self._connect() as con:
            con.row_factory = sqlite3.Row
            rows = con.execute(
                "SELECT id, title, updated FROM conversations WHERE browser = ? ORDER BY updated DESC, rowid DESC"
                " LIMIT ?",
                (browser, int(limit)),
            )
            return [dict(r) for r in rows]

    def conversation(self, browser: str, conv_id: str) -> dict[str, Any] | None:
        """One conversation's saved state, only for the browser that owns it."""
        with self._connect() as con:
            row = con.execute(
                "SELECT state FROM conversations WHERE id = ? AND browser = ?", (conv_id, browser)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def delete_conversation(self, browser: str, conv_id: str) -> bool:
        with self._connect() as con:
            cur = con.execute("DELETE FROM conversations WHERE id = ? AND browser = ?", (conv_id, browser))
            return cur.rowcount > 0

    # ------------------------------------------------------------------ export
    def export_csv(self, table: str, out: Path | str | io.TextIOBase) -> int:
        """Write ``table`` as CSV (UTF-8 with BOM when writing a file, for spreadsheets); returns rows."""
        rows = self.rows(table)
        if isinstance(out, (str, Path)):
            path = Path(out)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                return self._write_csv(table, rows, fh)
        return self._write_csv(table, rows, out)

    @staticmethod
    def _write_csv(table: str, rows: list[dict[str, Any]], fh) -> int:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS[table])
        for row in rows:
            writer.writerow([csv_safe(row.get(c)) for c in COLUMNS[table]])
        return len(rows)


_OPEN: dict[str, Records] = {}
_OPEN_LOCK = threading.Lock()


def get_records(settings: Settings | None = None) -> Records:
    """The process-wide store for ``settings.records_db``."""
    settings = settings or get_settings()
    key = str(Path(settings.records_db).resolve())
    with _OPEN_LOCK:
        if key not in _OPEN:
            _OPEN[key] = Records(settings.records_db, settings=settings)
        return _OPEN[key]
