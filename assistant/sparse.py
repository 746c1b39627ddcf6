"""The BM25 keyword index, kept on disk beside the vectors so a start loads it instead of
re-tokenising every chunk.

Why: tokenising with jieba is what start-up spent its time on (72 s at 50,000 chunks). The
postings are stored term-major in flat numpy arrays (no pickle, so loading a file cannot run
code), and the file names the exact set of records it covers plus a fingerprint of the
tokenizer's inputs. Record ids carry the index generation, so any write to the index changes the
set: a mismatch rebuilds, re-tokenising only the records the previous file did not cover.

The file also keeps the chunks themselves (text and metadata, as JSON) under the key of the
index generation they came from (each visible document's generation, from the manifest): while
that key holds, a start reads neither Chroma's records nor tokenises anything. Records of a
committed generation are never rewritten, so the key names the chunk set exactly.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = 1


def _pack(strings: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Strings as one UTF-8 byte array plus offsets: any character survives, nothing is pickled."""
    encoded = [s.encode("utf-8") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def _unpack(blob: np.ndarray, offsets: np.ndarray) -> list[str]:
    raw = blob.tobytes()
    bounds = offsets.tolist()
    return [raw[a:b].decode("utf-8") for a, b in zip(bounds, bounds[1:])]


class SparseBM25:
    """Okapi BM25 over an inverted index (Lucene's idf, always positive).

    Scoring touches only the postings of the query terms, so a query over 50,000 chunks
    costs about what it costs over 500.
    """

    def __init__(self, documents: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        vocab: dict[str, int] = {}
        doc_idx, term_idx, tf = _count(documents, vocab, first=0)
        lengths = np.array([len(d) for d in documents], dtype=np.float32)
        self._setup(list(vocab), *_term_major(len(vocab), doc_idx, term_idx, tf), lengths, k1, b)

    @classmethod
    def from_arrays(
        cls,
        vocab: list[str],
        indptr: np.ndarray,
        docs: np.ndarray,
        tf: np.ndarray,
        lengths: np.ndarray,
        k1: float = 1.5,
        b: float = 0.75,
    ) -> SparseBM25:
        self = cls.__new__(cls)
        self._setup(vocab, indptr, docs, tf, lengths, k1, b)
        return self

    def _setup(self, vocab, indptr, docs, tf, lengths, k1: float, b: float) -> None:
        self.vocab: list[str] = vocab
        self._term_ids = {t: i for i, t in enumerate(vocab)}
        self.indptr, self.docs, self.tf = indptr, docs, tf
        self.lengths = lengths.astype(np.float32)
        self.n = len(lengths)
        self.k1, self.b = k1, b
        avg = float(self.lengths.mean()) if self.n else 1.0
        self._norm = k1 * (1 - b + b * self.lengths / max(avg, 1e-9))

    @cached_property
    def idf(self) -> dict[str, float]:
        """Every term's weight (the answer layer picks evidence sentences with it)."""
        df = np.diff(self.indptr).astype(np.float64)
        weights = np.log1p((self.n - df + 0.5) / (df + 0.5))
        return dict(zip(self.vocab, weights.tolist()))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for t in query_tokens:
            tid = self._term_ids.get(t)
            if tid is None:
                continue
            start, end = int(self.indptr[tid]), int(self.indptr[tid + 1])
            if start == end:
                continue
            docs, tf = self.docs[start:end], self.tf[start:end]
            idf = math.log(1 + (self.n - (end - start) + 0.5) / ((end - start) + 0.5))
            out[docs] += idf * tf * (self.k1 + 1) / (tf + self._norm[docs])
        return out

    def top(self, scores: np.ndarray, n: int) -> np.ndarray:
        positive = np.flatnonzero(scores > 0)
        if len(positive) > n:
            positive = positive[np.argpartition(-scores[positive], n)[:n]]
        return positive[np.argsort(-scores[positive], kind="stable")]

    # ------------------------------------------------------------ updates
    def rebuilt(self, keep: np.ndarray, new_documents: list[list[str]]) -> SparseBM25:
        """A new index: old document ``i`` becomes ``keep[i]`` (or is dropped when -1); the new
        documents follow, numbered from ``keep.max() + 1``. Only the new ones were tokenised."""
        entry_terms = np.repeat(np.arange(len(self.vocab), dtype=np.int64), np.diff(self.indptr))
        moved = keep[self.docs]
        alive = moved >= 0
        first = int(keep.max()) + 1 if len(keep) and keep.max() >= 0 else 0
        vocab = dict(self._term_ids)
        new_docs, new_terms, new_tf = _count(new_documents, vocab, first=first)
        lengths = np.zeros(first + len(new_documents), dtype=np.float32)
        lengths[keep[keep >= 0]] = self.lengths[keep >= 0]
        lengths[first:] = [len(d) for d in new_documents]
        doc_idx = np.concatenate([moved[alive], new_docs])
        term_idx = np.concatenate([entry_terms[alive], new_terms])
        tf = np.concatenate([self.tf[alive], new_tf])
        # Drop terms no document uses any more, so the vocabulary does not grow with churn.
        counts = np.bincount(term_idx, minlength=len(vocab))
        used = counts > 0
        renumber = np.cumsum(used) - 1
        words = [w for w, u in zip(vocab, used.tolist()) if u]
        return SparseBM25.from_arrays(
            words, *_term_major(len(words), doc_idx, renumber[term_idx], tf), lengths, self.k1, self.b
        )

    # ------------------------------------------------------------ persistence
    def save(
        self, path: Path, record_ids: Sequence[str], fingerprint: str, generation: str = "", chunks: bytes = b""
    ) -> None:
        """Write atomically (a reader never sees half a file; concurrent writers do not clash)."""
        vocab_blob, vocab_offsets = _pack(self.vocab)
        ids_blob, ids_offsets = _pack(record_ids)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            np.savez(
                fh,
                format=np.array(FORMAT),
                fingerprint=np.frombuffer(fingerprint.encode(), dtype=np.uint8),
                vocab=vocab_blob,
                vocab_offsets=vocab_offsets,
                ids=ids_blob,
                ids_offsets=ids_offsets,
                indptr=self.indptr,
                docs=self.docs,
                tf=self.tf,
                lengths=self.lengths,
                params=np.array([self.k1, self.b]),
                generation=np.frombuffer(generation.encode(), dtype=np.uint8),
                chunks=np.frombuffer(chunks, dtype=np.uint8),
            )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, generation: str | None = None) -> tuple[SparseBM25, list[str], str, bytes] | None:
        """(index, record ids in document order, tokenizer fingerprint, chunks JSON), or None if
        unreadable or, when ``generation`` is given, saved for another one."""
        try:
            with np.load(path, allow_pickle=False) as data:
                if int(data["format"]) != FORMAT:
                    return None
                if generation is not None and data["generation"].tobytes().decode() != generation:
                    return None
                k1, b = (float(x) for x in data["params"])
                bm25 = cls.from_arrays(
                    _unpack(data["vocab"], data["vocab_offsets"]),
                    data["indptr"],
                    data["docs"],
                    data["tf"],
                    data["lengths"],
                    k1,
                    b,
                )
                ids = _unpack(data["ids"], data["ids_offsets"])
                chunks = data["chunks"].tobytes() if generation is not None else b""
                return bm25, ids, data["fingerprint"].tobytes().decode(), chunks
        except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError):
            return None


def _count(documents: list[list[str]], vocab: dict[str, int], first: int) -> tuple[np.ndarray, ...]:
    """(document index, term id, term frequency) per distinct term of each document."""
    docs: list[int] = []
    terms: list[int] = []
    freqs: list[int] = []
    for i, tokens in enumerate(documents, first):
        for token, count in Counter(tokens).items():
            tid = vocab.get(token)
            if tid is None:
                tid = vocab[token] = len(vocab)
            docs.append(i)
            terms.append(tid)
            freqs.append(count)
    return (
        np.array(docs, dtype=np.int32),
        np.array(terms, dtype=np.int64),
        np.array(freqs, dtype=np.float32),
    )


def _term_major(
    n_terms: int, doc_idx: np.ndarray, term_idx: np.ndarray, tf: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.lexsort((doc_idx, term_idx))
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(np.bincount(term_idx, minlength=n_terms), out=indptr[1:])
    return indptr, doc_idx[order].astype(np.int32), tf[order].astype(np.float32)


def load_or_build(
    path: Path | None,
    record_ids: list[str],
    text_of: Callable[[int], str],
    tokenize: Callable[[str], list[str]],
    fingerprint: str,
    generation: str = "",
    chunks_json: Callable[[list[int]], bytes] | None = None,
) -> tuple[SparseBM25 | None, list[int], dict[str, Any]]:
    """The BM25 index over ``record_ids`` and the order of its documents (positions in
    ``record_ids``); loads the saved file when it covers exactly these records, updates it when
    it covers some, builds it otherwise, and saves what it built (with ``chunks_json`` of the
    documents in order, under ``generation``). ``info`` says which happened."""
    info: dict[str, Any] = {"source": "built", "tokenised": len(record_ids)}
    if not record_ids:
        return None, [], info
    position = {r: i for i, r in enumerate(record_ids)}
    saved = SparseBM25.load(path) if path is not None and path.exists() else None
    if saved is not None and saved[2] == fingerprint:
        bm25, saved_ids, _, _ = saved
        if len(saved_ids) == len(record_ids) and all(r in position for r in saved_ids):
            info.update(source="loaded", tokenised=0)
            return bm25, [position[r] for r in saved_ids], info
        kept = [r for r in saved_ids if r in position]
        keep = np.full(len(saved_ids), -1, dtype=np.int64)
        new_number = {r: i for i, r in enumerate(kept)}
        for i, r in enumerate(saved_ids):
            keep[i] = new_number.get(r, -1)
        known = set(kept)
        fresh = [i for i, r in enumerate(record_ids) if r not in known]
        bm25 = saved[0].rebuilt(keep, [tokenize(text_of(i)) for i in fresh])
        order = [position[r] for r in kept] + fresh
        info.update(source="updated", tokenised=len(fresh))
    else:
        order = list(range(len(record_ids)))
        bm25 = SparseBM25([tokenize(text_of(i)) for i in order])
    if path is not None:
        try:
            payload = chunks_json(order) if chunks_json is not None and generation else b""
            bm25.save(path, [record_ids[i] for i in order], fingerprint, generation if payload else "", payload)
        except OSError as exc:  # a read-only index directory still serves; it just starts slower
            info["save_error"] = str(exc)
    return bm25, order, info


def load_snapshot(path: Path | None, fingerprint: str, generation: str) -> tuple[SparseBM25, list[str], bytes] | None:
    """The saved index with its chunks when it was saved for this generation and tokenizer."""
    if path is None or not generation or not path.exists():
        return None
    saved = SparseBM25.load(path, generation)
    if saved is None or saved[2] != fingerprint or not saved[3]:
        return None
    return saved[0], saved[1], saved[3]
