"""Shared fixtures. Every test runs with the network guard on: a connection to anything
but loopback fails the test, which proves no code path reaches a model hub or CDN."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

_blocked: list[str] = []


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "") or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _audit(event: str, args: tuple) -> None:
    if event in ("socket.connect", "socket.sendto"):  # sendto: UDP sends no connect first
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
            if not _is_loopback(str(address[0])):
                _blocked.append(f"{address}")
                raise ConnectionRefusedError(f"network guard: {event} to {address} blocked in tests")
    elif event == "socket.getaddrinfo":
        host = args[0]
        if isinstance(host, bytes):
            host = host.decode(errors="replace")
        if host is not None and not _is_loopback(str(host)) and str(host) not in ("127.0.0.1", "::1"):
            _blocked.append(f"dns:{host}")
            raise socket.gaierror(f"network guard: name lookup of {host} blocked in tests")


sys.addaudithook(_audit)

# Child processes (the CLI subprocess tests) get the same guard through tests/netguard's
# sitecustomize, and write what they tried to a log this session reads at the end.
_CHILD_LOG = Path(
    os.environ.setdefault("CV_NETGUARD_LOG", str(Path(tempfile.gettempdir()) / f"cv-netguard-{os.getpid()}.log"))
)
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT / "tests" / "netguard"), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
)


def pytest_sessionfinish(session, exitstatus):
    """Attempts made outside a test's own body (while a module or session fixture was set up,
    or in a child process) fail the run too."""
    children = _CHILD_LOG.read_text(encoding="utf-8").splitlines() if _CHILD_LOG.exists() else []
    if _blocked or children:
        session.exitstatus = 1
        print(f"\nnetwork guard: code tried to reach the network: {_blocked + children}", file=sys.stderr)


@pytest.fixture(autouse=True)
def _no_network_attempts():
    """Fail any test during which code tried to reach a non-loopback address."""
    before = len(_blocked)
    yield
    attempts = _blocked[before:]
    assert not attempts, f"code tried to reach the network: {attempts}"


@pytest.fixture()
def fixture_corpus(tmp_path: Path) -> Path:
    """A writable copy of the small test corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", target)
    return target


@pytest.fixture()
def make_settings(tmp_path: Path):
    from assistant.settings import Settings

    def _make(corpus_dir: Path, **overrides):
        return Settings(
            corpus_dir=corpus_dir, index_dir=tmp_path / "index", records_db=tmp_path / "records.sqlite3", **overrides
        )

    return _make


@pytest.fixture()
def amounts_of():
    """The amounts a response computed, over all its asks, as Decimals: ``amounts_of(response)``."""
    from decimal import Decimal

    def amounts(response) -> set[Decimal]:
        return {Decimal(a.amount) for ask in response.asks for a in ask.amounts if a.amount is not None}

    return amounts


@pytest.fixture(scope="session")
def real_index_settings(tmp_path_factory):
    """Settings over the real corpus with an index built once per test session."""
    from assistant.index import build_index
    from assistant.settings import Settings

    index_dir = tmp_path_factory.mktemp("real-index")
    # Reuse the content-keyed embedding cache of the repo's own index when present.
    cache = ROOT / "index" / "embeddings-e5.sqlite3"
    if cache.exists():
        shutil.copy(cache, index_dir / cache.name)
    settings = Settings(corpus_dir=ROOT / "corpus", index_dir=index_dir, records_db=index_dir / "records.sqlite3")
    build_index(settings=settings)
    return settings


# ---------------------------------------------------------------- records on PostgreSQL
# The records tests run on a SQLite file and on a real PostgreSQL server: a throwaway cluster
# that initdb makes in a temporary directory and pg_ctl starts on loopback for this session.
# PostgreSQL refuses to run as root, so as root the cluster belongs to an unprivileged user.


def _postgres_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/N/bin."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    versions = sorted(
        (d for d in Path("/usr/lib/postgresql").glob("*/bin") if d.parent.name.isdigit()),
        key=lambda d: int(d.parent.name),
        reverse=True,
    )
    return next((d for d in versions if (d / "initdb").exists() and (d / "pg_ctl").exists()), None)


def _postgres_user() -> str | None:
    """Who runs the cluster: this user unless root; as root Debian's postgres, nobody, or a new one."""
    import pwd
    import subprocess

    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            pass
    subprocess.run(["useradd", "--system", "--no-create-home", "cv-postgres"], check=True)
    return "cv-postgres"


class PostgresCluster:
    """A running throwaway cluster; ``new_database()`` gives each test an empty database."""

    def __init__(self, bin_dir: Path, user: str | None, root: Path) -> None:
        self.bin_dir, self.user, self.root = bin_dir, user, root
        self.data, self.log = root / "data", root / "server.log"
        self.port = 0
        self._databases: list[str] = []

    def _run(self, *args: str) -> None:
        import subprocess

        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run([*prefix, *args], cwd=self.root, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        import subprocess

        self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "cv", "--no-locale", "-E", "UTF8"
        )
        for _attempt in range(3):  # the free port found may be taken before the server binds it
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.port = s.getsockname()[1]
            options = (
                f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.root}"
                " -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            try:
                self._run(
                    str(self.bin_dir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                )
                return
            except subprocess.CalledProcessError:
                continue
        raise RuntimeError(f"PostgreSQL did not start: {self.log.read_text(errors='replace')[-2000:]}")

    def stop(self) -> None:
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://cv@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="cv", dbname="postgres", autocommit=True) as con:
            con.execute(sql)

    def new_database(self) -> str:
        import uuid

        name = f"records_{uuid.uuid4().hex[:12]}"
        self._admin(f"CREATE DATABASE {name}")
        self._databases.append(name)
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a test's database, ending the connections its pools still hold."""
        name = url.rsplit("/", 1)[1]
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def postgres_cluster():
    """A PostgreSQL server on 127.0.0.1 for this test session, gone afterwards. Skipped only where
    the server binaries are missing (apt-get install postgresql); on CI that is a failure."""
    bin_dir = _postgres_bin()
    if bin_dir is None:
        reason = "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql"
        if os.environ.get("CI"):
            pytest.fail(reason + " (.ci/run installs it, so CI must not skip)")
        pytest.skip(reason)
    user = _postgres_user()
    root = Path(tempfile.mkdtemp(prefix="cv-postgres-"))
    if user:
        shutil.chown(root, user=user)
    cluster = PostgresCluster(bin_dir, user, root)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def records_target(request, tmp_path: Path):
    """Where a records test keeps its store: a new SQLite file, or a new database on the session's
    PostgreSQL cluster (a URL). The same test runs against both."""
    if request.param == "sqlite":
        yield str(tmp_path / "records.sqlite3")
        return
    cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.new_database()
    yield url
    cluster.drop_database(url)


# The day the users' case writers pinned in evals/users-dev-12.yaml and users-dev-13.yaml: answers
# that depend on "today" (periods, years) are asserted as of that day.
CASE_DAY = "2026-11-30"


@pytest.fixture(scope="module")
def ask_pinned(real_index_settings):
    """The real assistant over the real corpus, asked as of CASE_DAY: ``ask_pinned(question,
    history=())`` returns the Response."""
    import datetime as dt

    from assistant.assistant import Assistant
    from assistant.evaluation.users import pinned_today

    assistant = Assistant.load(real_index_settings, llm=None)
    day = dt.date.fromisoformat(CASE_DAY)

    def ask(question, history=()):
        with pinned_today(day):
            return assistant.ask(question, list(history))

    return ask
