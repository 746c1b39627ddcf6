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


def test_bm25_postings_are_saved_with_the_index_and_loaded_at_start(fixture_corpus, make_settings, monkeypatch):
    import numpy as np

    from assistant.index_state import sparse_path

    settings = make_settings(fixture_corpus, embedder="hash")
    build_index(settings=settings)
    first = Retriever(IndexStore(settings), settings)
    assert first.sparse_info["source"] == "built" and sparse_path(settings).exists()
    second = Retriever(IndexStore(settings), settings)
    assert second.sparse_info == {"source": "snapshot", "tokenised": 0}  # no Chroma read, no tokenising
    assert [c.model_dump() for c in second.chunks] == [c.model_dump() for c in first.chunks]
    assert second.by_id == first.by_id
    plain = Retriever(IndexStore(settings), settings, persist=False)
    for query in ("年度上限是多少", "模型券支持比例", "示范市算力券"):
        ids = [h.chunk.chunk_id for h in second.search(query, k=5, mode="bm25").hits]
        assert ids == [h.chunk.chunk_id for h in plain.search(query, k=5, mode="bm25").hits]
        assert (
            second.search(query, mode="bm25").config["bm25_top"] == plain.search(query, mode="bm25").config["bm25_top"]
        )
    assert second._bm25.idf == plain._bm25.idf  # the answer layer's term weights too

    # The chunk set changes: the saved postings no longer match and are updated, tokenising only
    # the changed document's chunks.
    path = fixture_corpus / "demo-policy.md"
    path.write_text(path.read_text(encoding="utf-8").replace("150万元", "180万元"), encoding="utf-8")
    build_index(settings=settings)
    changed = sum(1 for c in IndexStore(settings).all_chunks() if c.doc_id == "demo-policy")
    updated = Retriever(IndexStore(settings), settings)
    assert updated.sparse_info == {"source": "updated", "tokenised": changed}
    rebuilt = Retriever(IndexStore(settings), settings, persist=False)
    for query in ("180万元", "年度上限是多少", "模型券支持比例"):
        scores = dict(zip((c.chunk_id for c in updated.chunks), updated._bm25.scores(tokenize(query)).tolist()))
        fresh = dict(zip((c.chunk_id for c in rebuilt.chunks), rebuilt._bm25.scores(tokenize(query)).tolist()))
        assert scores.keys() == fresh.keys()
        assert np.allclose([scores[k] for k in fresh], list(fresh.values()), rtol=1e-5)

    # Another tokenizer (a user-dictionary change, say) invalidates the file; so does damage.
    monkeypatch.setattr("assistant.retrieval.tokenizer_fingerprint", lambda: "another-tokenizer")
    assert Retriever(IndexStore(settings), settings).sparse_info["source"] == "built"
    monkeypatch.undo()
    sparse_path(settings).write_bytes(b"not an npz file")
    assert Retriever(IndexStore(settings), settings).sparse_info["source"] == "built"


def test_an_index_from_before_generations_is_read_and_migrated(fixture_corpus, make_settings):
    """Manifest version 2 and records without a generation (the on-disk format before this one)."""
    import json

    from assistant.chunking import chunking_fingerprint
    from assistant.index import chunk_document
    from assistant.index_store import embedding_text
    from assistant.ingest import content_hash, load_corpus

    settings = make_settings(fixture_corpus, embedder="hash")
    store = IndexStore(settings)
    documents = {}
    for doc in load_corpus(fixture_corpus).documents:
        chunks = chunk_document(doc, settings.chunk_max_chars)
        store.collection.upsert(
            ids=[c.chunk_id for c in chunks],
            embeddings=store.embedder.embed_documents([embedding_text(c) for c in chunks]),
            documents=[c.text for c in chunks],
            metadatas=[c.metadata() for c in chunks],
        )
        path = fixture_corpus / f"{doc.meta.id}.md"
        documents[doc.meta.id] = {
            "path": f"{doc.meta.id}.md",
            "hash": f"{content_hash(path)}:{chunking_fingerprint()}",
            "chunks": len(chunks),
            "title": doc.meta.title,
        }
    store.manifest_path.write_text(json.dumps({"version": 2, "documents": documents}), encoding="utf-8")
    total = store.count()
    assert len(Retriever(store, settings, persist=False).chunks) == total  # served as it is

    report = build_index(settings=settings)
    assert report.embedded == [] and sorted(report.unchanged) == ["demo-notice", "demo-policy"]
    path = fixture_corpus / "demo-policy.md"
    path.write_text(path.read_text(encoding="utf-8").replace("150万元", "180万元"), encoding="utf-8")
    report = build_index(settings=settings)
    assert report.updated == ["demo-policy"]
    store = IndexStore(settings)
    assert store.count() == total  # the generation-0 records of the changed document are gone
    texts = " ".join(c.text for c in store.all_chunks() if c.doc_id == "demo-policy")
    assert "180万元" in texts and "150万元" not in texts
    assert json.loads(store.manifest_path.read_text(encoding="utf-8"))["version"] == 3
