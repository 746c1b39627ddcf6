"""The Library tab shows a document whose chunks are not all written as pending (处理中), never
as complete: a killed upload left 192 of 600 chunks listed like any other document before.

Runs the app's own page-load handler (what the browser receives when the tab is opened) over a
small corpus with the hash embedder; the live-writer case is in tests/test_browser.py."""

from __future__ import annotations

import pytest
from test_faults import _big_document, _interrupt_after, _Killed

from assistant.index import IndexStore, build_index

INDEX_COLUMN = 8  # 索引 Indexing


def _library_on_load(settings):
    """The table and picker updates the app sends on page load."""
    from assistant.web.app import WebContext, build_app

    demo = build_app(ctx=WebContext(settings))
    on_load = next(f.fn for f in demo.fns.values() if f.name == "on_load")
    table, picks, *_ = on_load()
    return table, picks


def _interrupted_write(settings, monkeypatch) -> None:
    """A write killed after its first batch, under a server whose retriever is already open (a
    retriever opened afterwards finishes the write first: then there is nothing pending to show)."""
    from assistant.web import library

    library.list_documents(settings)
    store = IndexStore(settings)
    _interrupt_after(monkeypatch, store, 1)
    with pytest.raises(_Killed):
        build_index(settings=settings, store=store)
    monkeypatch.undo()


def test_a_document_left_half_written_is_listed_as_pending_not_complete(fixture_corpus, make_settings, monkeypatch):
    from assistant.web import library

    settings = make_settings(fixture_corpus, embedder="hash")
    build_index(settings=settings)
    _big_document(fixture_corpus, 150)
    _interrupted_write(settings, monkeypatch)

    rows = {r.doc_id: r for r in library.list_documents(settings)}
    big = rows["big-doc"]  # listed although retrieval serves none of it
    assert big.pending is not None and big.index_state == "interrupted"
    assert big.chunks == 0 and big.pending.chunks_expected == 150
    assert all(r.pending is None for d, r in rows.items() if d != "big-doc")

    table, picks = _library_on_load(settings)
    by_id = {row[0]: row for row in table["value"]}
    cell = by_id["big-doc"][INDEX_COLUMN]
    assert cell.startswith("处理中") and "150" in cell and "不参与检索" in cell
    assert "完成" not in cell
    assert table["value"][0][0] == "big-doc"  # pending first, where the admin looks
    assert "1 篇处理中" in table["label"]
    assert all(by_id[d][INDEX_COLUMN] == "已完成" for d in by_id if d != "big-doc")
    assert ("big-doc · 鲲鹏星大型测试文件（处理中）", "big-doc") in picks["choices"]
    # No internal code reaches the page.
    assert not {"interrupted", "indexing", "complete"} & {str(c) for row in table["value"] for c in row}


def test_an_interrupted_update_is_pending_while_the_previous_version_is_served(
    fixture_corpus, make_settings, monkeypatch
):
    from assistant.web import library

    settings = make_settings(fixture_corpus, embedder="hash")
    path = _big_document(fixture_corpus, 90)
    build_index(settings=settings)
    path.write_text(path.read_text(encoding="utf-8") + "\n第九十一条 新增条款。\n", encoding="utf-8")
    _interrupted_write(settings, monkeypatch)

    big = next(r for r in library.list_documents(settings) if r.doc_id == "big-doc")
    assert big.chunks == 90 and big.pending is not None and big.pending.previous_version_visible
    table, _ = _library_on_load(settings)
    cell = next(row for row in table["value"] if row[0] == "big-doc")[INDEX_COLUMN]
    assert cell.startswith("处理中") and "上一版本" in cell
