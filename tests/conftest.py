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
