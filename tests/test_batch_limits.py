"""The helpdesk's batch CSV is bounded by rows, by total characters and, per row, by the /draft
enquiry limit: one call used to draft up to 500 enquiries, each truncated without a word. A
batch over a limit is refused whole, with the limit named in Chinese, before anything is drafted."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assistant.web import exports
from assistant.web.security import MAX_ENQUIRY_CHARS


def _csv(path: Path, enquiries: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "enquiry"])
        writer.writerows([[f"q{n}", text] for n, text in enumerate(enquiries, 1)])
    return path


def test_rows_chars_and_row_length_are_each_limited(tmp_path):
    ok = _csv(tmp_path / "ok.csv", ["北京最多补多少？", "上海呢？", "深圳呢？"])
    assert [r["id"] for r in exports.read_enquiries(ok, max_rows=3, max_chars=16)] == ["q1", "q2", "q3"]

    with pytest.raises(exports.BatchInputError, match=r"CSV 有 3 条咨询，一次最多处理 2 条，整批未处理"):
        exports.read_enquiries(ok, max_rows=2, max_chars=1000)
    with pytest.raises(exports.BatchInputError, match=r"咨询共 16 字，一次最多处理 15 字，整批未处理"):
        exports.read_enquiries(ok, max_rows=10, max_chars=15)

    long_row = _csv(tmp_path / "long.csv", ["北京最多补多少？", "算" * (MAX_ENQUIRY_CHARS + 1)])
    with pytest.raises(
        exports.BatchInputError, match=rf"第 2 条咨询（编号 q2）.*超过每条 {MAX_ENQUIRY_CHARS} 字的上限"
    ):
        exports.read_enquiries(long_row, max_rows=10, max_chars=10**9)
    # Exactly at the per-row limit is accepted.
    at_limit = _csv(tmp_path / "at.csv", ["算" * MAX_ENQUIRY_CHARS])
    assert len(exports.read_enquiries(at_limit, max_rows=1, max_chars=MAX_ENQUIRY_CHARS)[0]["enquiry"]) == (
        MAX_ENQUIRY_CHARS
    )


def test_a_cell_beyond_the_csv_modules_field_limit_is_a_clear_error(tmp_path):
    """The csv module raises its own error past 128 KB in one cell; it must not reach the user as a crash."""
    huge = _csv(tmp_path / "huge.csv", ["算" * 200_000])
    with pytest.raises(exports.BatchInputError, match=rf"每条咨询最多 {MAX_ENQUIRY_CHARS} 字"):
        exports.read_enquiries(huge, max_rows=10, max_chars=10**9)


def test_the_limits_come_from_the_settings(tmp_path, monkeypatch):
    from assistant.settings import get_settings

    monkeypatch.setenv("ASSISTANT_BATCH_MAX_ROWS", "2")
    get_settings.cache_clear()
    try:
        with pytest.raises(exports.BatchInputError, match="一次最多处理 2 条"):
            exports.read_enquiries(_csv(tmp_path / "three.csv", ["甲？", "乙？", "丙？"]))
    finally:
        get_settings.cache_clear()


class _CountingAssistant:
    def __init__(self) -> None:
        self.drafted: list[str] = []

    def draft(self, text: str):
        from assistant.models import Response

        self.drafted.append(text)
        return Response(answer=f"答复：{text}", language="zh")


@pytest.fixture()
def batch(fixture_corpus, make_settings):
    """The Helpdesk tab's batch handler, from the app itself, over settings with small limits."""
    from assistant.web.app import WebContext, build_app

    ctx = WebContext(make_settings(fixture_corpus, embedder="hash", batch_max_rows=3, batch_max_chars=30))
    stub = _CountingAssistant()
    ctx.assistant = lambda: stub  # type: ignore[method-assign]
    demo = build_app(ctx=ctx)
    run = next(f.fn for f in demo.fns.values() if f.name == "run_batch")
    return run, stub


def test_the_helpdesk_refuses_an_oversized_batch_before_drafting_any_of_it(batch, tmp_path):
    run, stub = batch
    status, out = run(str(_csv(tmp_path / "four.csv", ["甲？", "乙？", "丙？", "丁？"])), None)
    assert out is None and stub.drafted == []
    assert status.startswith("⚠") and "一次最多处理 3 条" in status and "整批未处理" in status

    status, out = run(str(_csv(tmp_path / "wordy.csv", ["北京算力券每年最多补贴多少？" * 3])), None)
    assert out is None and stub.drafted == []
    assert "一次最多处理 30 字" in status

    status, out = run(str(_csv(tmp_path / "fine.csv", ["北京最多补多少？", "上海呢？"])), None)
    assert stub.drafted == ["北京最多补多少？", "上海呢？"]
    assert "完成 2 条" in status
    with open(out, encoding="utf-8") as fh:
        assert [r["draft"] for r in csv.DictReader(fh)] == ["答复：北京最多补多少？", "答复：上海呢？"]
