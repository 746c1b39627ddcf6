"""Feedback and the audit record of every answer, with CSV export: in a SQLite file by default,
in PostgreSQL when ``ASSISTANT_RECORDS_URL`` names one.

Each answer the app gives is stored with what it was based on: the question, the earlier
turns, the answer text, its citations and tool calls, and the corpus and rules versions,
so a reviewer can later see why the assistant said what it said. Feedback (thumbs up or
down, an optional comment) points at the answer it is about.

One records layer over SQLAlchemy Core, so the methods and what they return are the same on
both engines. SQLite (WAL mode, ``busy_timeout``) lets the threads and processes of one machine
share the file with nothing to set up; PostgreSQL lets workers on several machines share one
store. The tables and engine settings are in ``records_schema``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import threading
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, Engine, collate, delete, func, select
from sqlalchemy.exc import IntegrityError

from assistant.records_schema import (
    ANSWER_COLUMNS,
    COLUMNS,
    FEEDBACK_COLUMNS,
    TABLE_OBJECTS,
    TABLES,
    answers,
    conversations,
    create_schema,
    database_url,
    feedback,
    make_engine,
    sqlite_path,
)
from assistant.settings import Settings, get_settings

__all__ = [
    "ANSWER_COLUMNS",
    "COLUMNS",
    "FEEDBACK_COLUMNS",
    "TABLES",
    "Records",
    "corpus_version",
    "csv_safe",
    "get_records",
    "records_target",
    "rules_version",
]


def _now(timespec: str = "seconds") -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec=timespec)


def _text(value: Any) -> str:
    """Text either engine stores as given: PostgreSQL refuses NUL characters and neither driver
    encodes a lone surrogate, so those become U+FFFD instead of losing the whole record."""
    out = "" if value is None else str(value)
    if "\x00" in out:
        out = out.replace("\x00", "\ufffd")
    try:
        out.encode("utf-8")
    except UnicodeEncodeError:
        out = out.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return out


def _json(value: Any) -> str:
    return _text(json.dumps(value if value is not None else [], ensure_ascii=False, default=str))


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
    """The audit and feedback store at ``target``: a SQLite file path, or a database URL
    (``postgresql://user@host/db``, ``sqlite:///path``). Tables are created on first use."""

    def __init__(self, target: Path | str, settings: Settings | None = None) -> None:
        self.settings = settings
        url = database_url(target)
        self.url = url.render_as_string(hide_password=True)
        # The SQLite file (None on PostgreSQL); kept because callers and tests open it directly.
        self.path: Path | None = sqlite_path(url)
        self._engine = make_engine(url)
        self._pid = os.getpid()
        create_schema(self._engine)

    @classmethod
    def open(cls, settings: Settings | None = None) -> Records:
        settings = settings or get_settings()
        return cls(records_target(settings), settings=settings)

    @property
    def engine(self) -> Engine:
        """The engine, with pooled connections inherited over ``fork`` left to the parent:
        two processes on one connection would interleave their statements."""
        if self._pid != os.getpid():
            self._engine.dispose(close=False)
            self._pid = os.getpid()
        return self._engine

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

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
        latency = data.get("latency_ms")
        row = {
            "ts": _now(),
            "channel": _text(channel),
            "session": _text(session or ""),
            "question": _text(question or ""),
            "history": _json(history or []),
            "answer": _text(data.get("answer", "")),
            "citations": _json(data.get("citations")),
            "tool_calls": _json(data.get("tool_calls")),
            "refused": int(bool(data.get("refused"))),
            "language": _text(data.get("language", "")),
            "warnings": _json(data.get("warnings")),
            "corpus_version": corpus_version(self.settings),
            "rules_version": rules_version(),
            "latency_ms": None if latency is None else float(latency),
        }
        with self.engine.begin() as con:
            return _new_id(con.execute(answers.insert().values(**row)))

    def add_feedback(self, answer_id: int | None, rating: int, comment: str = "", *, session: str = "") -> int:
        """Thumbs up (rating 1) or down (-1) on an answer, with an optional comment. An answer id
        that is not in the store is refused (ValueError) on both engines: feedback that points
        nowhere cannot be reviewed."""
        if rating not in (1, -1, 0):
            raise ValueError("rating must be 1 (up), -1 (down) or 0 (comment only)")
        row = {
            "ts": _now(),
            "answer_id": None if answer_id is None else int(answer_id),
            "session": _text(session or ""),
            "rating": rating,
            "comment": _text((comment or "").strip()),
        }
        try:
            with self.engine.begin() as con:
                return _new_id(con.execute(feedback.insert().values(**row)))
        except IntegrityError as exc:
            raise ValueError(f"no answer with id {answer_id} to give feedback on") from exc

    # ------------------------------------------------------------------ reads
    def rows(self, table: str, limit: int | None = None) -> list[dict[str, Any]]:
        """Every row of ``table`` in id order (with ``limit``: the last ``limit`` rows)."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}; use one of {', '.join(TABLES)}")
        t = TABLE_OBJECTS[table]
        cols = [t.c[c] for c in COLUMNS[table]]
        if limit is None:
            query = select(*cols).order_by(t.c.id)
        else:
            last = select(*cols).order_by(t.c.id.desc()).limit(int(limit)).subquery()
            query = select(*[last.c[c] for c in COLUMNS[table]]).order_by(last.c.id)
        with self.engine.connect() as con:
            return [dict(r._mapping) for r in con.execute(query)]

    def answer(self, answer_id: int) -> dict[str, Any] | None:
        query = select(*[answers.c[c] for c in ANSWER_COLUMNS]).where(answers.c.id == int(answer_id))
        with self.engine.connect() as con:
            row = con.execute(query).first()
        return dict(row._mapping) if row else None

    def count(self, table: str) -> int:
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        with self.engine.connect() as con:
            return int(con.execute(select(func.count()).select_from(TABLE_OBJECTS[table])).scalar_one())

    # ------------------------------------------------------------------ conversations
    # A web user's conversations, keyed by a random id their browser keeps, so a reload or a
    # later visit reopens them. ``state`` is the page's own JSON (messages, earlier questions,
    # facts given); the audit record of each answer stays in ``answers`` regardless.
    def save_conversation(self, conv_id: str, browser: str, title: str, state: Mapping[str, Any]) -> None:
        """Insert or update; a conversation id owned by another browser is left untouched."""
        # Microseconds: two saves in one second still list in the order they were made.
        now = _now("microseconds")
        values = {
            "id": _text(conv_id),
            "browser": _text(browser),
            "title": _text(title),
            "created": now,
            "updated": now,
            "state": _text(json.dumps(dict(state), ensure_ascii=False, default=str)),
        }
        with self.engine.begin() as con:
            con.execute(_upsert_conversation(self.dialect, values))

    def conversations(self, browser: str, limit: int = 50) -> list[dict[str, Any]]:
        """The browser's conversations, latest first (id, title, updated)."""
        c = conversations.c
        # ISO timestamps sort by time only bytewise; a PostgreSQL database's own collation may
        # not be bytewise (en_US ignores punctuation), so the order names "C" there.
        updated = collate(c.updated, "C") if self.dialect == "postgresql" else c.updated
        query = (
            select(c.id, c.title, c.updated)
            .where(c.browser == browser)
            .order_by(updated.desc(), c.created.desc(), c.id.desc())
            .limit(int(limit))
        )
        with self.engine.connect() as con:
            return [dict(r._mapping) for r in con.execute(query)]

    def conversation(self, browser: str, conv_id: str) -> dict[str, Any] | None:
        """One conversation's saved state, only for the browser that owns it."""
        c = conversations.c
        with self.engine.connect() as con:
            state = con.execute(select(c.state).where(c.id == conv_id, c.browser == browser)).scalar_one_or_none()
        return json.loads(state) if state is not None else None

    def delete_conversation(self, browser: str, conv_id: str) -> bool:
        c = conversations.c
        with self.engine.begin() as con:
            result = con.execute(delete(conversations).where(c.id == conv_id, c.browser == browser))
            return result.rowcount > 0

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

    def close(self) -> None:
        """Close pooled connections (a PostgreSQL server counts them against max_connections)."""
        self._engine.dispose()


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None, "an INSERT of one row reports its key on both engines"
    return int(key[0])


def _upsert_conversation(dialect: str, values: dict[str, Any]) -> Any:
    """INSERT .. ON CONFLICT(id) DO UPDATE, only when the row is the same browser's: both engines
    have the statement, SQLAlchemy builds it per dialect."""
    from sqlalchemy.dialects import postgresql, sqlite

    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(conversations).values(**values)
    return stmt.on_conflict_do_update(
        index_elements=[conversations.c.id],
        set_={"title": stmt.excluded.title, "updated": stmt.excluded.updated, "state": stmt.excluded.state},
        where=conversations.c.browser == stmt.excluded.browser,
    )


def records_target(settings: Settings) -> str | Path:
    """Where ``settings`` keeps the records: ``records_url`` when set, else the SQLite file."""
    return settings.records_url or settings.records_db


_OPEN: dict[str, Records] = {}
_OPEN_LOCK = threading.Lock()


def get_records(settings: Settings | None = None) -> Records:
    """The process-wide store for ``settings`` (one engine and pool per database)."""
    settings = settings or get_settings()
    target = records_target(settings)
    key = str(target) if isinstance(target, str) else str(Path(target).resolve())
    with _OPEN_LOCK:
        if key not in _OPEN:
            _OPEN[key] = Records(target, settings=settings)
        return _OPEN[key]
