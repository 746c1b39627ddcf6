"""Hybrid retrieval: BM25 over jieba tokens fused with vector ranks (reciprocal rank fusion).

Keyword matching carries exact terms (200万, 第十条, 亦庄) that small multilingual
embedders blur; the vector leg carries paraphrase and English questions. Filters
(region, program, kind, in force on a date) apply to both legs before fusion, and a
"weak evidence" flag tells callers when nothing clearly relevant came back, so the
assistant can say the corpus does not answer instead of citing noise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.index_store import chunk_from_record
from assistant.models import Chunk, Hit, date_number
from assistant.query_text import (
    _AMBIGUOUS,
    _CJK_RUN,
    _PUNCT,
    _STOP,
    REGION_ALIASES,
    _jieba,
    expand_query,
    normalise_query,
    region_of,
    regions_in,
    tokenize,
    tokenizer_fingerprint,
)
from assistant.settings import Settings, get_settings
from assistant.sparse import SparseBM25, load_or_build

__all__ = [
    "REGION_ALIASES",
    "_AMBIGUOUS",
    "_CJK_RUN",
    "_PUNCT",
    "_STOP",
    "Retriever",
    "SearchResult",
    "SparseBM25",
    "_jieba",
    "expand_query",
    "normalise_query",
    "open_retriever",
    "region_of",
    "regions_in",
    "reset_retrievers",
    "tokenize",
    "tokenizer_fingerprint",
]


@dataclass
class SearchResult:
    hits: list[Hit]
    weak: bool
    query: str
    config: dict = field(default_factory=dict)


def _as_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


class Retriever:
    """Search over one index. Load once; ``search`` is thread-safe and read-only."""

    def __init__(self, store, settings: Settings | None = None, persist: bool = True) -> None:
        """Only what the manifest makes visible is loaded (never a half-written document). The
        BM25 postings come from the file saved with this set of records when there is one
        (``persist``), and are saved after they are built, so the next start only loads them."""
        from assistant.index_state import sparse_path
        from assistant.sparse import load_snapshot

        self.settings = settings or get_settings()
        self.store = store
        manifest = store.load_manifest() if store.manifest_exists() else None
        generation = _generation_key(manifest, self.settings) if manifest is not None else ""
        self.generation = generation  # which chunk set this retriever holds (assistant.live compares it)
        path = sparse_path(self.settings) if persist else None
        snapshot = load_snapshot(path, tokenizer_fingerprint(), generation)
        if snapshot is not None:
            # This generation was loaded before: its chunks and postings are in the file.
            bm25, ids, payload = snapshot
            cache: dict = {}
            records = [(rid, chunk_from_record(cid, text, meta, cache)) for rid, cid, text, meta in json.loads(payload)]
            order = list(range(len(records)))
            self.hidden = max(0, store.count() - len(records))
            self.sparse_info = {"source": "snapshot", "tokenised": 0}
        else:
            records, self.hidden = store.visible_records(manifest)
            bm25, order, self.sparse_info = load_or_build(
                path,
                [rid for rid, _ in records],
                lambda i: self._keyword_text(records[i][1]),
                tokenize,
                tokenizer_fingerprint(),
                generation,
                lambda order: json.dumps(
                    [
                        [records[i][0], records[i][1].chunk_id, records[i][1].text, records[i][1].metadata()]
                        for i in order
                    ],
                    ensure_ascii=False,
                ).encode(),
            )
        self._bm25 = bm25
        self.chunks: list[Chunk] = [records[i][1] for i in order]
        # Keyed by the store's record id: the vector leg answers in those, and a record of a
        # generation not loaded here (pending, superseded) is then simply not found.
        self.by_id = {records[i][0]: n for n, i in enumerate(order)}
        self._lock = threading.Lock()

    @staticmethod
    def _keyword_text(chunk: Chunk) -> str:
        return f"{chunk.meta.title} {chunk.meta.region_name} {' '.join(chunk.heading_path)} {chunk.text}"

    # ------------------------------------------------------------ filters
    def _where(
        self,
        regions: list[str] | None,
        as_of: dt.date | None,
        programs: list[str] | None,
        kinds: list[str] | None,
        doc_ids: list[str] | None,
    ) -> dict | None:
        clauses: list[dict] = []
        if regions:
            clauses.append({"region": {"$in": regions}})
        if programs:
            clauses.append({"program": {"$in": programs}})
        if kinds:
            clauses.append({"kind": {"$in": kinds}})
        if doc_ids:
            clauses.append({"doc_id": {"$in": doc_ids}})
        if as_of:
            n = date_number(as_of)
            clauses.append({"effective_from_n": {"$lte": n}})
            clauses.append({"effective_to_n": {"$gte": n}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    @staticmethod
    def _keep(chunk: Chunk, regions, as_of, programs, kinds, doc_ids) -> bool:
        m = chunk.meta
        if regions and m.region not in regions:
            return False
        if programs and (m.program or "") not in programs:
            return False
        if kinds and m.kind not in kinds:
            return False
        if doc_ids and chunk.doc_id not in doc_ids:
            return False
        if as_of and not m.in_force_on(as_of):
            return False
        return True

    # ------------------------------------------------------------ search
    def search(
        self,
        query: str,
        k: int | None = None,
        region: str | Iterable[str] | None = None,
        as_of: str | dt.date | None = None,
        program: str | Iterable[str] | None = None,
        kind: str | Iterable[str] | None = None,
        doc_ids: Iterable[str] | None = None,
        boost_regions: Iterable[str] | None = None,
        mode: str = "hybrid",
    ) -> SearchResult:
        """Top ``k`` chunks for ``query``; ``mode`` is hybrid, bm25 or vector (for evaluation)."""
        k = k or self.settings.top_k
        query = normalise_query(query.strip())
        if boost_regions is None:
            boost_regions = regions_in(query)
        expanded = expand_query(query)
        regions = self._regions(region)
        programs = [program] if isinstance(program, str) else (list(program) if program else None)
        kinds = [kind] if isinstance(kind, str) else (list(kind) if kind else None)
        doc_list = list(doc_ids) if doc_ids else None
        day = _as_date(as_of)
        config = {
            "k": k,
            "candidates": self.settings.candidates,
            "rrf_k": self.settings.rrf_k,
            "mode": mode,
            "embedder": self.settings.embedder,
            "region": regions,
            "as_of": day.isoformat() if day else None,
        }
        if not query or not self.chunks:
            return SearchResult(hits=[], weak=True, query=query, config=config)

        n = self.settings.candidates
        rank_lists: dict[str, list[int]] = {}
        bm25_top = 0.0
        if mode in ("hybrid", "bm25") and self._bm25 is not None:
            q_tokens = tokenize(expanded)
            scores = self._bm25.scores(q_tokens)
            order = []
            for i in self._bm25.top(scores, max(n * 4, 200)):
                if self._keep(self.chunks[i], regions, day, programs, kinds, doc_list):
                    order.append(int(i))
                    if len(order) == n:
                        break
            rank_lists["bm25"] = order
            bm25_top = float(scores[order[0]]) if order else 0.0
        vector_top = 0.0
        if mode in ("hybrid", "vector"):
            vec = self.store.embedder.embed_query(expanded)
            where = self._where(regions, day, programs, kinds, doc_list)
            with self._lock:
                # Hidden records (another generation) can take candidate places: ask for more.
                got = self.store.collection.query(
                    query_embeddings=[vec],
                    n_results=min(n + self.hidden, max(1, len(self.chunks) + self.hidden)),
                    where=where,
                    include=["distances"],
                )
            ids = got["ids"][0] if got["ids"] else []
            distances = got["distances"][0] if got.get("distances") else []
            found = [(self.by_id[c], d) for c, d in zip(ids, distances or [1.0] * len(ids)) if c in self.by_id]
            rank_lists["vector"] = [i for i, _ in found][:n]
            if found:
                vector_top = 1.0 - float(found[0][1])

        boosts = set(boost_regions or [])
        fused: dict[int, float] = {}
        ranks: dict[int, dict[str, int]] = {}
        for leg, order in rank_lists.items():
            for rank, idx in enumerate(order, 1):
                fused[idx] = fused.get(idx, 0.0) + 1.0 / (self.settings.rrf_k + rank)
                ranks.setdefault(idx, {})[leg] = rank
        if boosts:
            # A region the user named is a strong hint: lift its chunks by one RRF step.
            for idx in fused:
                if self.chunks[idx].meta.region in boosts:
                    fused[idx] += 1.0 / (self.settings.rrf_k + 1)
        best = sorted(fused, key=lambda i: -fused[i])[:k]
        hits = [Hit(chunk=self.chunks[i], score=fused[i], ranks=ranks.get(i, {})) for i in best]
        weak = self._is_weak(expanded, bm25_top, vector_top, mode)
        config.update({"bm25_top": round(bm25_top, 3), "vector_top": round(vector_top, 3)})
        return SearchResult(hits=hits, weak=weak, query=query, config=config)

    def _regions(self, region) -> list[str] | None:
        if not region:
            return None
        items = [region] if isinstance(region, str) else list(region)
        out: list[str] = []
        for item in items:
            code = region_of(item) or item
            if code not in out:
                out.append(code)
        return out

    def _is_weak(self, query: str, bm25_top: float, vector_top: float, mode: str) -> bool:
        """Nothing clearly relevant: few query terms matched and the vectors are far."""
        q_tokens = tokenize(query)
        if not q_tokens:
            return True
        domain = any(term in query for term in _DOMAIN_TERMS) or bool(regions_in(query))
        keyword_ok = bm25_top >= 4.0 + 0.4 * math.log1p(len(q_tokens))
        vector_ok = vector_top >= 0.86
        if mode == "bm25":
            return not keyword_ok
        if mode == "vector":
            return not vector_ok
        return not (domain and (keyword_ok or vector_ok))


_DOMAIN_TERMS = (
    "算力",
    "券",
    "补贴",
    "补助",
    "抵扣",
    "申领",
    "兑付",
    "合同",
    "结算",
    "租用",
    "大模型",
    "智算",
    "语料",
    "模型",
    "公平竞争",
    "民法典",
    "关联方",
    "转让",
    "注册",
    "资格",
    "条件",
    "比例",
    "上限",
    "封顶",
    "政策",
    "compute",
    "voucher",
    "subsid",
    "grant",
    "cap",
    "eligib",
    "contract",
    "rent",
    "gpu",
    "policy",
    "apply",
    "训力",
    "数据券",
    "算法券",
    "申报",
    "审查",
    "补",
    "GPU",
)


def _generation_key(manifest: dict, settings: Settings) -> str:
    """Which chunks are visible: each visible document's generation (records of a committed
    generation are never rewritten, so this names the chunk set exactly)."""
    from assistant.index_state import visible_generations

    gens = sorted(visible_generations(manifest).items())
    return hashlib.sha256(json.dumps([settings.collection, gens]).encode()).hexdigest()[:24]


def current_generation(store, settings: Settings) -> str:
    """The chunk set the index shows now (compare with ``Retriever.generation``)."""
    return _generation_key(store.load_manifest(), settings) if store.manifest_exists() else ""


_RETRIEVERS: dict[str, Retriever] = {}
_RETRIEVER_LOCK = threading.Lock()


class SharedIndexEmptyError(RuntimeError):
    """A Chroma server holds no index: its one writer (the admin process) has not built it."""


def open_retriever(settings: Settings | None = None, build_if_missing: bool = True, fresh: bool = False) -> Retriever:
    """The process-wide retriever for these settings (``fresh``: load the index's current
    generation again, replacing the one held).

    A local index is built on first use, and what a killed writer left pending is finished or
    rolled back (``recover_index``) first. An index on a Chroma server is only read here: it has
    one writer (``python -m assistant index`` on the admin machine), and a reader on another
    machine cannot see that writer's lock, so recovering would roll back a document the writer
    is still storing; pending documents are invisible to readers anyway."""
    from assistant.index import IndexStore, build_index, index_is_missing, recover_index

    settings = settings or get_settings()
    key = f"{settings.index_dir}|{settings.embedder}|{settings.chroma_host}|{settings.chroma_port}"
    with _RETRIEVER_LOCK:
        if fresh or key not in _RETRIEVERS:
            store = IndexStore(settings)
            if settings.chroma_host:
                if build_if_missing and store.count() == 0:
                    raise SharedIndexEmptyError(
                        f"the index on the Chroma server {settings.chroma_host}:{settings.chroma_port} is empty: "
                        "build it once from the admin machine with `python -m assistant index`"
                    )
            elif build_if_missing and (index_is_missing(settings) or store.count() == 0):
                build_index(settings=settings, store=store)
            elif build_if_missing:
                recover_index(settings, store)
            _RETRIEVERS[key] = Retriever(store, settings)
        return _RETRIEVERS[key]


def reset_retrievers() -> None:
    """Forget loaded retrievers (after the index changed underneath them)."""
    with _RETRIEVER_LOCK:
        _RETRIEVERS.clear()
