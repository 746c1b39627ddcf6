"""The records tables and the engine they live on: a SQLite file by default, PostgreSQL when
``ASSISTANT_RECORDS_URL`` says so. Split from ``records`` so the store's methods read as what
they record, and the per-engine details (pragmas, URL forms, creating the schema while other
workers start) stay in one place.

The tables are declared once with SQLAlchemy Core and created with ``IF NOT EXISTS``, so a
SQLite file written by earlier versions (same tables, same columns) opens as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.schema import CreateIndex, CreateTable

metadata = MetaData()

# BIGINT keys on PostgreSQL (an audit log outlives 2^31 rows); on SQLite an INTEGER primary key
# is the 64-bit rowid, and AUTOINCREMENT keeps ids of deleted rows from being handed out again,
# as the original schema did.
_Id = BigInteger().with_variant(Integer(), "sqlite")

answers = Table(
    "answers",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("ts", Text, nullable=False),
    Column("channel", Text, nullable=False, server_default=""),
    Column("session", Text, nullable=False, server_default=""),
    Column("question", Text, nullable=False),
    Column("history", Text, nullable=False, server_default="[]"),
    Column("answer", Text, nullable=False),
    Column("citations", Text, nullable=False, server_default="[]"),
    Column("tool_calls", Text, nullable=False, server_default="[]"),
    Column("refused", Integer, nullable=False, server_default=text("0")),
    Column("language", Text, nullable=False, server_default=""),
    Column("warnings", Text, nullable=False, server_default="[]"),
    Column("corpus_version", Text, nullable=False, server_default=""),
    Column("rules_version", Text, nullable=False, server_default=""),
    Column("latency_ms", Float),
    sqlite_autoincrement=True,
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("ts", Text, nullable=False),
    Column("answer_id", _Id, ForeignKey("answers.id")),
    Column("session", Text, nullable=False, server_default=""),
    Column("rating", Integer, nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    sqlite_autoincrement=True,
)
Index("feedback_answer", feedback.c.answer_id)

# A web user's conversations, keyed by a random id their browser keeps; ``state`` is the page's
# own JSON. Text rather than JSONB so both engines hand back the same string.
conversations = Table(
    "conversations",
    metadata,
    Column("id", Text, primary_key=True),
    Column("browser", Text, nullable=False),
    Column("title", Text, nullable=False, server_default=""),
    Column("created", Text, nullable=False),
    Column("updated", Text, nullable=False),
    Column("state", Text, nullable=False, server_default="{}"),
)
Index("conversations_browser", conversations.c.browser, conversations.c.updated)

TABLES = ("answers", "feedback")
ANSWER_COLUMNS = tuple(c.name for c in answers.columns)
FEEDBACK_COLUMNS = tuple(c.name for c in feedback.columns)
COLUMNS = {"answers": ANSWER_COLUMNS, "feedback": FEEDBACK_COLUMNS}
TABLE_OBJECTS = {"answers": answers, "feedback": feedback}

# Any constant works: it only has to be the same in every process creating the schema.
_SCHEMA_LOCK = 0x43565245  # "CVRE"


def is_url(target: Path | str) -> bool:
    """A records target is a database URL when it names a scheme; anything else is a file path."""
    return isinstance(target, str) and "://" in target


def database_url(target: Path | str) -> URL:
    """The SQLAlchemy URL for a file path or a URL. ``postgresql://`` (and Heroku-style
    ``postgres://``) get the psycopg 3 driver, the one installed; SQLAlchemy's default for a bare
    ``postgresql://`` would be psycopg2."""
    if not is_url(target):
        return URL.create("sqlite+pysqlite", database=str(Path(target)))
    url = make_url(str(target))
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    elif url.drivername == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
    return url


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL (None for other engines or an in-memory database)."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def make_engine(url: URL) -> Engine:
    """An engine with each backend's settings for many short writes from threads and processes."""
    if url.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30.0, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_con: Any, _record: Any) -> None:
            # busy_timeout: writers from other processes queue instead of failing at once;
            # foreign_keys: feedback must point at an answer, as PostgreSQL enforces too.
            cur = dbapi_con.cursor()
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    # pre_ping: a worker whose pooled connection died with a server restart reconnects
    # instead of failing one request.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def create_schema(engine: Engine) -> None:
    """Create what is missing, in one transaction. On PostgreSQL an advisory lock makes workers
    starting together take turns: concurrent ``CREATE TABLE IF NOT EXISTS`` can still collide
    there. SQLite switches the file to WAL, so readers and writers of other processes share it."""
    if sqlite_path(engine.url) is not None:
        with engine.connect() as con:  # outside a transaction: SQLite refuses the switch inside one
            con.exec_driver_sql("PRAGMA journal_mode=WAL")
    with engine.begin() as con:
        if engine.dialect.name == "postgresql":
            con.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        for table in metadata.sorted_tables:
            con.execute(CreateTable(table, if_not_exists=True))
            for index in sorted(table.indexes, key=lambda i: str(i.name)):
                con.execute(CreateIndex(index, if_not_exists=True))
