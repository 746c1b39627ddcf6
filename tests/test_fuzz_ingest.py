"""Hostile input to ingestion: every file either loads or is refused with a clear error.

About 2,000 generated files per run (random bytes, mutated real PDFs, broken front matter,
huge lines, wrong encodings). A crash is any exception other than IngestError; a hang is a
file that takes more than 10 seconds.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.chunking import chunk_document
from assistant.ingest import IngestError, load_file

FUZZ = settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextmanager
def time_limit(seconds: int):
    def _raise(signum, frame):
        raise TimeoutError(f"ingestion hung for more than {seconds}s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def ingest_or_refuse(path: Path) -> None:
    with time_limit(10):
        try:
            doc = load_file(path, max_bytes=2_000_000)
        except IngestError as exc:
            assert exc.path == str(path)
            assert exc.reason.strip(), "an error must say why"
            return
        chunks = chunk_document(doc)
        assert all(c.locator for c in chunks)


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    path = tmp_path_factory.mktemp("seed") / "seed.pdf"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 12)
    for i, line in enumerate(["第一条 算力券按合同金额的20%支持。", "第二条 每家企业每年最高200万元。"]):
        c.drawString(60, 800 - 20 * i, line)
    c.showPage()
    c.save()
    return path.read_bytes()


@FUZZ
@given(data=st.binary(min_size=0, max_size=4096), suffix=st.sampled_from([".pdf", ".md", ".txt"]))
def test_random_bytes(tmp_path, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    ingest_or_refuse(path)


@FUZZ
@given(
    cuts=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=12),
    truncate=st.one_of(st.none(), st.integers(0, 10_000)),
)
def test_mutated_pdfs(tmp_path, seed_pdf, cuts, truncate):
    data = bytearray(seed_pdf)
    for position, value in cuts:
        data[position % len(data)] = value
    if truncate is not None:
        data = data[: truncate % len(data)]
    path = tmp_path / "mutated.pdf"
    path.write_bytes(bytes(data))
    ingest_or_refuse(path)


front_matter_values = st.one_of(
    st.text(max_size=40),
    st.integers(),
    st.none(),
    st.lists(st.text(max_size=10), max_size=3),
    st.sampled_from(["2024-02-30", "not-a-date", "[unclosed", "{a: b", "- x\n- y", ":::", "2024-13-01", "&anchor"]),
)


@FUZZ
@given(
    meta=st.dictionaries(
        st.sampled_from(
            [
                "id",
                "title",
                "region",
                "status",
                "issued",
                "effective_from",
                "effective_to",
                "sources",
                "confidence",
                "junk",
            ]
        ),
        front_matter_values,
        max_size=6,
    ),
    raw=st.text(max_size=200),
    close=st.booleans(),
    body=st.text(max_size=500),
)
def test_broken_front_matter(tmp_path, meta, raw, close, body):
    lines = [f"{k}: {v}" for k, v in meta.items()] + [raw]
    text = "---\n" + "\n".join(lines) + ("\n---\n" if close else "\n") + body
    path = tmp_path / "broken.md"
    path.write_bytes(text.encode("utf-8", errors="replace"))
    ingest_or_refuse(path)


@FUZZ
@given(
    kind=st.sampled_from(["huge-line", "gbk", "utf16", "latin1", "nul", "labels"]),
    text=st.text(min_size=1, max_size=300),
    repeat=st.integers(1, 2000),
)
def test_odd_text_files(tmp_path, kind, text, repeat):
    path = tmp_path / "odd.txt"
    if kind == "huge-line":
        data = ("第一条 " + text * repeat).encode("utf-8", errors="replace")[:1_500_000]
    elif kind == "gbk":
        data = ("第一条 " + text).encode("gb18030", errors="replace")
    elif kind == "utf16":
        data = ("第一条 " + text).encode("utf-16")
    elif kind == "latin1":
        data = text.encode("latin-1", errors="replace") + bytes([0xE9, 0xFF, 0xFE])
    elif kind == "nul":
        data = b"\x00" + text.encode("utf-8", errors="replace")
    else:
        data = "\n".join(f"第{c}条 {text}" for c in "一二三四五六七八九十" * min(repeat, 50)).encode("utf-8", "replace")
    path.write_bytes(data)
    ingest_or_refuse(path)
