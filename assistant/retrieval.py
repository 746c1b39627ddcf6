"""Hybrid retrieval: BM25 over jieba tokens fused with vector ranks (reciprocal rank fusion).

Keyword matching carries exact terms (200万, 第十条, 亦庄) that small multilingual
embedders blur; the vector leg carries paraphrase and English questions. Filters
(region, program, kind, in force on a date) apply to both legs before fusion, and a
"weak evidence" flag tells callers when nothing clearly relevant came back, so the
assistant can say the corpus does not answer instead of citing noise.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.models import Chunk, Hit, date_number
from assistant.settings import Settings, get_settings


def _region_aliases() -> dict[str, list[str]]:
    """Only regions with documents are keys (a code retrieval cannot filter on is no use here);
    see ``lexicon.aliases_by_region`` for what each one collects."""
    from assistant import lexicon

    return lexicon.aliases_by_region(lexicon.corpus_regions())


# Canonical region codes and the ways users write them (from the lexicon). Longest aliases match first.
REGION_ALIASES: dict[str, list[str]] = _region_aliases()
# Single-character abbreviations (京, 沪, 黔) are too ambiguous inside running text.
_AMBIGUOUS = {a for aliases in REGION_ALIASES.values() for a in aliases if len(a) == 1}


@lru_cache(maxsize=1)
def _alias_patterns() -> list[tuple[str, str, re.Pattern[str] | None]]:
    """(alias, code, whole-word pattern for Latin aliases), longest alias first."""
    pairs = sorted(
        ((a.lower(), code) for code, aliases in REGION_ALIASES.items() for a in aliases if a not in _AMBIGUOUS),
        key=lambda p: -len(p[0]),
    )
    return [
        (a, code, re.compile(rf"(?<![a-z0-9]){re.escape(a)}(?![a-z0-9])") if a.isascii() else None) for a, code in pairs
    ]


_STOP = set("的了吗呢吧啊呀么是在和与及或就都也还要会能可以我们你们他们这那个些有没多少什么怎么哪如何请问一下")
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def normalise_query(text: str) -> str:
    """Typos of the domain's words and traditional characters fixed (``lexicon/typos.yaml``, the
    table understanding reads), so 算力卷 in a query meets 算力券 in a clause."""
    from assistant.understand.text import fix_typos, simplify

    return fix_typos(simplify(text))


@lru_cache(maxsize=1)
def _glossary() -> list[tuple[str, list[str]]]:
    import yaml

    data = yaml.safe_load((Path(__file__).parent / "data" / "glossary.yaml").read_text(encoding="utf-8"))
    pairs = [(k.lower(), [str(t) for t in v]) for section in data.values() for k, v in section.items()]
    return sorted(pairs, key=lambda p: -len(p[0]))


def expand_query(text: str) -> str:
    """Append the policy-text words for English or colloquial terms in the query.

    Small multilingual embedders match English questions to Chinese clauses poorly and
    BM25 cannot match them at all; a domain glossary bridges both legs.
    """
    lowered = text.lower()
    extra: list[str] = []
    for term, words in _glossary():
        if term.isascii():
            found = re.search(rf"(?<![a-z]){re.escape(term)}(?![a-z])", lowered)
        else:
            found = term in lowered
        if found:
            lowered = lowered.replace(term, " ")
            extra.extend(w for w in words if w not in extra and w not in text)
    for code in regions_in(text):
        names = [a for a in REGION_ALIASES.get(code, []) if _CJK_RUN.fullmatch(a)]
        if names and names[0] not in text:
            extra.append(names[0])
    return f"{text} {' '.join(extra)}" if extra else text


def region_of(text: str) -> str | None:
    """The canonical region code named in ``text`` (or a code passed as is)."""
    found = regions_in(text)
    return found[0] if found else None


def regions_in(text: str) -> list[str]:
    """Every region named in ``text``, in order of first mention, most specific first."""
    if not text:
        return []
    lowered = text.lower().strip()
    if lowered in REGION_ALIASES:
        return [lowered]
    hits: list[tuple[int, str]] = []
    masked = lowered
    for alias, code, word in _alias_patterns():
        found = word.search(masked) if word is not None else None
        pos = found.start() if found else (masked.find(alias) if word is None else -1)
        if pos >= 0:
            hits.append((pos, code))
            masked = masked[:pos] + "\x00" * len(alias) + masked[pos + len(alias) :]
            while word is None and (pos := masked.find(alias)) >= 0:  # later mentions of the same name
                masked = masked[:pos] + "\x00" * len(alias) + masked[pos + len(alias) :]
    if not hits and lowered in {a for a in _AMBIGUOUS}:
        return [code for code, aliases in REGION_ALIASES.items() if lowered in aliases]
    seen: list[str] = []
    for _, code in sorted(hits):
        if code not in seen:
            seen.append(code)
    return seen


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.load_userdict(str(Path(__file__).parent / "data" / "user_dict.txt"))
    for _code, aliases in REGION_ALIASES.items():
        for alias in aliases:
            if _CJK_RUN.fullmatch(alias) and len(alias) > 1:
                jieba.add_word(alias, freq=2000)
    return jieba


def tokenize(text: str) -> list[str]:
    """jieba search-mode words plus CJK character bigrams, lower-cased, stopwords dropped.

    Bigrams keep recall when jieba segments a query differently from the clause.
    """
    jieba = _jieba()
    text = normalise_query(text).lower()
    tokens = [t.strip() for t in jieba.lcut_for_search(text)]
    tokens = [t for t in tokens if t and not _PUNCT.match(t) and not (len(t) == 1 and t in _STOP)]
    for run in _CJK_RUN.findall(text):
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


class SparseBM25:
    """Okapi BM25 over an inverted index (Lucene's idf, always positive).

    Scoring touches only the postings of the query terms, so a query over 10,000 chunks
    costs about what it costs over 500.
    """

    def __init__(self, documents: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        import numpy as np

        self._np = np
        self.n = len(documents)
        lengths = np.array([len(d) for d in documents], dtype=np.float32)
        avg = float(lengths.mean()) if self.n else 1.0
        self._norm = k1 * (1 - b + b * lengths / max(avg, 1e-9))
        self.k1 = k1
        postings: dict[str, dict[int, int]] = {}
        for i, tokens in enumerate(documents):
            for t in tokens:
                bucket = postings.setdefault(t, {})
                bucket[i] = bucket.get(i, 0) + 1
        self._postings = {
            t: (np.fromiter(d.keys(), dtype=np.int64), np.fromiter(d.values(), dtype=np.float32))
            for t, d in postings.items()
        }

    def scores(self, query_tokens: list[str]):
        np = self._np
        out = np.zeros(self.n, dtype=np.float32)
        for t in query_tokens:
            found = self._postings.get(t)
            if found is None:
                continue
            docs, tf = found
            idf = math.log(1 + (self.n - len(docs) + 0.5) / (len(docs) + 0.5))
            out[docs] += idf * tf * (self.k1 + 1) / (tf + self._norm[docs])
        return out

    def top(self, scores, n: int):
        np = self._np
        positive = np.flatnonzero(scores > 0)
        if len(positive) > n:
            positive = positive[np.argpartition(-scores[positive], n)[:n]]
        return positive[np.argsort(-scores[positive], kind="stable")]


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

    def __init__(self, store, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.store = store
        self.chunks: list[Chunk] = store.all_chunks()
        self.by_id = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        corpus_tokens = [tokenize(self._keyword_text(c)) for c in self.chunks]
        self._bm25 = SparseBM25(corpus_tokens) if corpus_tokens else None
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
                got = self.store.collection.query(
                    query_embeddings=[vec],
                    n_results=min(n, max(1, len(self.chunks))),
                    where=where,
                    include=["distances"],
                )
            ids = got["ids"][0] if got["ids"] else []
            distances = got["distances"][0] if got.get("distances") else []
            rank_lists["vector"] = [self.by_id[c] for c in ids if c in self.by_id]
            if distances:
                vector_top = 1.0 - float(distances[0])

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


_RETRIEVERS: dict[str, Retriever] = {}
_RETRIEVER_LOCK = threading.Lock()


def open_retriever(settings: Settings | None = None, build_if_missing: bool = True) -> Retriever:
    """The process-wide retriever for these settings; builds the index on first use."""
    from assistant.index import IndexStore, build_index, index_is_missing

    settings = settings or get_settings()
    key = f"{settings.index_dir}|{settings.embedder}|{settings.chroma_host}|{settings.chroma_port}"
    with _RETRIEVER_LOCK:
        if key not in _RETRIEVERS:
            store = IndexStore(settings)
            if build_if_missing and (index_is_missing(settings) or store.count() == 0):
                build_index(settings=settings, store=store)
            _RETRIEVERS[key] = Retriever(store, settings)
        return _RETRIEVERS[key]


def reset_retrievers() -> None:
    """Forget loaded retrievers (after the index changed underneath them)."""
    with _RETRIEVER_LOCK:
        _RETRIEVERS.clear()
