"""Helpers for the web tests: one app server per test session, on loopback, over a copy of
the real corpus with its own index (the repo's corpus/ and index/ are never touched).

The server runs in the test process, so the network guard in conftest.py also covers
everything the server does.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ADMIN_TOKEN = "test-admin-token-7f3a"
ARTIFACTS = ROOT / "tests" / "artifacts"

_LOCK = threading.Lock()
_SERVER: WebServer | None = None


@dataclass
class WebServer:
    url: str
    settings: Any
    demo: Any
    ctx: Any

    @property
    def corpus_dir(self) -> Path:
        return Path(self.settings.corpus_dir)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def chroma_server(path: Path) -> Iterator[int]:
    """A real Chroma server (the ``chroma`` CLI installed with chromadb) on a free loopback port,
    storing under ``path``; yields the port once it accepts connections."""
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if chroma is None:
        raise RuntimeError("the chroma CLI is not installed with chromadb")
    port = free_port()
    cmd = [chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"the Chroma server did not start on port {port}") from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def load_eval_module(name: str) -> Any:
    """A script of evals/ (not a package) as a module, e.g. ``rest_load`` for its ``RestServer``."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"cv_{name}", ROOT / "evals" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _copy_sqlite(src: Path, dst: Path) -> None:
    """Copy a (possibly WAL-mode, open) SQLite file consistently."""
    source = sqlite3.connect(str(src))
    target = sqlite3.connect(str(dst))
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def web_settings(base_settings, workdir: Path, **overrides):
    """Settings over a fresh copy of the corpus, reusing the session index's embedding cache."""
    from assistant.index import build_index
    from assistant.settings import Settings

    corpus = workdir / "corpus"
    if not corpus.exists():
        shutil.copytree(base_settings.corpus_dir, corpus)
    index_dir = workdir / "index"
    index_dir.mkdir(parents=True, exist_ok=True)
    cache_name = f"embeddings-{base_settings.embedder}.sqlite3"
    cache = Path(base_settings.index_dir) / cache_name
    if cache.exists() and not (index_dir / cache_name).exists():
        _copy_sqlite(cache, index_dir / cache_name)
    fields = dict(
        corpus_dir=corpus,
        index_dir=index_dir,
        records_db=workdir / "records.sqlite3",
        admin_token=ADMIN_TOKEN,
        rate_limit_per_minute=1000,
    )
    fields.update(overrides)
    settings = Settings(**fields)
    build_index(settings=settings)
    return settings


def start_server(settings) -> WebServer:
    from assistant.web.app import WebContext, build_app, launch

    ctx = WebContext(settings)
    ctx.assistant()
    demo = build_app(ctx=ctx)
    port = free_port()
    launch(demo, "127.0.0.1", port, settings, block=False, quiet=True)
    return WebServer(url=f"http://127.0.0.1:{port}/", settings=settings, demo=demo, ctx=ctx)


def shared_server(base_settings, tmp_path_factory) -> WebServer:
    """The session's app server (started on first use)."""
    global _SERVER
    with _LOCK:
        if _SERVER is None:
            workdir = tmp_path_factory.mktemp("web")
            _SERVER = start_server(web_settings(base_settings, workdir))
        return _SERVER


def make_chinese_pdf(path: Path, title: str, paragraphs: list[str]) -> Path:
    """A PDF with Chinese text (reportlab's built-in STSong-Light CID font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    y = height - 72
    c.setFont("STSong-Light", 16)
    c.drawString(72, y, title)
    y -= 36
    c.setFont("STSong-Light", 11)
    for para in paragraphs:
        line = ""
        for ch in para:  # wrap by width
            if pdfmetrics.stringWidth(line + ch, "STSong-Light", 11) > width - 144:
                c.drawString(72, y, line)
                y -= 18
                line = ""
            line += ch
        if line:
            c.drawString(72, y, line)
            y -= 24
    c.save()
    return path
