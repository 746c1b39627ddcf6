"""The index on disk: incremental updates, persistence, bad files, filters."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.index import IndexStore, build_index
from assistant.retrieval import Retriever, tokenize


def _doc_ids(store: IndexStore) -> set[str]:
    return {c.doc_id for c in store.all_chunks()}


def test_first_build_then_nothing_to_do(fixture_corpus, make_settings):
    settings = make_settings(fixture_corpus)
    first = build_index(settings=settings)
    assert sorted(first.added) == ["demo-notice", "demo-policy"]
    assert first.total_chunks == first.chunks_written > 0
    second = build_index(settings=settings)
    assert second.embedded == [] and sorted(second.unchanged) == ["demo-notice", "demo-policy"]
    assert second.total_chunks == first.total_chunks


def test_changing_one_file_re_embeds_only_that_file(fixture_corpus, make_settings):
    settings = make_settings(fixture_corpus)
    build_index(settings=settings)
    before = {c.chunk_id for c in IndexStore(settings).all_chunks() if c.doc_id == "demo-notice"}
    path = fixture_corpus / "demo-policy.md"
    path.write_text(path.read_text(encoding="utf-8").replace("150万元", "180万元"), encoding="utf-8")
    report = build_index(settings=settings)
    assert report.updated == ["demo-policy"] and report.added == [] and report.unchanged == ["demo-notice"]
    store = IndexStore(settings)
    texts = " ".join(c.text for c in store.all_chunks() if c.doc_id == "demo-policy")
    assert "180万元" in texts and "150万元" not in texts
    after = {c.chunk_id for c in store.all_chunks() if c.doc_id == "demo-notice"}
    assert before == after


def test_deleting_a_file_removes_its_chunks(fixture_corpus, make_settings):
    settings = make_settings(fixture_corpus)
    build_index(settings=settings)
    (fixture_corpus / "demo-notice.md").unlink()
    report = build_index(settings=settings)
    assert report.removed == ["demo-notice"]
    assert _doc_ids(IndexStore(settings)) == {"demo-policy"}


def test_index_persists_across_reopen(fixture_corpus, make_settings):
    settings = make_settings(fixture_corpus)
    built = build_index(settings=settings)
    import assistant.retrieval as retrieval

    retrieval.reset_retrievers()
    reopened = IndexStore(settings)  # a new client over the same directory
    assert reopened.count() == built.total_chunks
    hits = Retriever(reopened, settings).search("年度上限是多少", k=3).hits
    assert hits and hits[0].chunk.doc_id == "demo-policy"


def test_corrupt_pdf_in_batch_is_named_and_the_rest_is_indexed(fixture_corpus, make_settings):
    settings = make_settings(fixture_corpus)
    build_index(settings=settings)
    (fixture_corpus / "scan.pdf").write_bytes(b"%PDF-1.5\n%garbage\x00\x01\x02")
    (fixture_corpus / "extra.md").write_text(
        "---\nid: extra\ntitle: 补充说明\n---\n第一条 新增的补充条款。\n", encoding="utf-8"
    )
    report = build_index(settings=settings)
    assert [e.path.endswith("scan.pdf") for e in report.errors] == [True]
    assert report.added == ["extra"]
    assert _doc_ids(IndexStore(settings)) == {"demo-policy", "demo-notice", "extra"}


def test_a_file_that_breaks_keeps_its_previous_chunks(fixture_corpus, make_settings):
    settings = make_settings(fixture_corpus)
    build_index(settings=settings)
    (fixture_corpus / "demo-notice.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    report = build_index(settings=settings)
    assert report.errors and "demo-notice.md" in report.errors[0].path
    assert "demo-notice" in _doc_ids(IndexStore(settings))


def test_rebuild_starts_clean(fixture_corpus, make_settings):
    settings = make_settings(fixture_corpus)
    build_index(settings=settings)
    report = build_index(settings=settings, rebuild=True)
    assert sorted(report.added) == ["demo-notice", "demo-policy"]
    assert report.total_chunks == report.chunks_written


def test_filters_by_region_and_date(fixture_corpus, make_settings):
    settings = make_settings(fixture_corpus)
    build_index(settings=settings)
    retriever = Retriever(IndexStore(settings), settings)
    only_sample = retriever.search("支持比例", k=10, region="sample").hits
    assert only_sample and {h.chunk.doc_id for h in only_sample} == {"demo-notice"}
    # demo-policy ran 2024-02-01..2025-01-31; demo-notice from 2025-03-01 on.
    in_2024 = retriever.search("支持比例", k=10, as_of=dt.date(2024, 6, 1)).hits
    assert {h.chunk.doc_id for h in in_2024} == {"demo-policy"}
    in_2025 = retriever.search("支持比例", k=10, as_of="2025-06-01").hits
    assert {h.chunk.doc_id for h in in_2025} == {"demo-notice"}


def test_chinese_query_gets_keyword_scores(fixture_corpus, make_settings):
    settings = make_settings(fixture_corpus)
    build_index(settings=settings)
    retriever = Retriever(IndexStore(settings), settings)
    assert len(tokenize("算力券年度上限")) >= 2
    result = retriever.search("年度上限", k=3, mode="bm25")
    assert result.hits and result.hits[0].chunk.locator == "第四条"
    assert result.config["bm25_top"] > 0


def test_scores_and_weak_evidence(fixture_corpus, make_settings):
    settings = make_settings(fixture_corpus)
    build_index(settings=settings)
    retriever = Retriever(IndexStore(settings), settings)
    good = retriever.search("示范市算力券每年最高补贴多少", k=3)
    assert not good.weak and good.hits[0].score > 0
    assert retriever.search("明天上海会下雨吗", k=3).weak


@pytest.mark.parametrize("embedder", ["minilm", "hash"])
def test_other_embedders_build_and_search(fixture_corpus, make_settings, embedder):
    settings = make_settings(fixture_corpus, embedder=embedder)
    report = build_index(settings=settings)
    assert report.total_chunks > 0
    hits = Retriever(IndexStore(settings), settings).search("model voucher ratio", k=3, mode="vector").hits
    assert len(hits) == 3
