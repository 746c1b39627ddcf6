"""The vector store and its records: a Chroma collection (on disk or on a Chroma server) whose
records carry their document's generation, and the manifest that says which one is visible.

Only ``assistant.index`` writes through it (under the writer lock); readers use
``visible_records``. Split from ``index`` so the build logic and the storage stay readable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.index_state import (
    LEGACY_GEN,
    empty_manifest,
    manifest_path,
    migrate,
    read_manifest_file,
    record_id,
    visible_generations,
    write_manifest_file,
    writer_lock,
)
from assistant.models import Chunk, DocumentMeta
from assistant.settings import Settings, get_settings


class IndexCorruptError(RuntimeError):
    """The index on disk cannot be read; the message says how to recover."""


def _client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    path = settings.index_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chroma raises assorted errors on damaged files
        raise IndexCorruptError(
            f"the index at {path} cannot be opened ({exc.__class__.__name__}: {exc}); "
            "recover with: python -m assistant index --rebuild"
        ) from exc


class IndexStore:
    """Owns the Chroma collection and the manifest; the only writer of the index.

    Records carry their document's generation (metadata ``gen``); only the generation the
    manifest names is visible (see ``index_state``)."""

    def __init__(self, settings: Settings | None = None) -> None:
        from assistant.embeddings import CachedEmbeddings, ChromaEmbeddingFunction, get_embedder

        self.settings = settings or get_settings()
        self.settings.index_dir.mkdir(parents=True, exist_ok=True)
        base = get_embedder(self.settings.embedder, self.settings.st_model_path)
        self.embedder = CachedEmbeddings(base, self.settings.index_dir / f"embeddings-{self.settings.embedder}.sqlite3")
        self.embedding_function = ChromaEmbeddingFunction(self.embedder, self.settings.embedder)
        self.client = _client(self.settings)
        self.collection_name = f"{self.settings.collection}-{self.settings.embedder}"
        try:
            self.collection = self.client.get_or_create_collection(
                name=self.collection_name,
                embedding_function=self.embedding_function,
                metadata={"hnsw:space": "cosine"},
            )
        except Exception as exc:
            raise IndexCorruptError(
                f"the index collection cannot be opened ({exc.__class__.__name__}: {exc}); "
                "recover with: python -m assistant index --rebuild"
            ) from exc

    # ---------------------------------------------------------- manifest
    @property
    def manifest_path(self) -> Path:
        return manifest_path(self.settings)

    def _manifest_collection(self):
        """In server mode the manifest lives in the server too: every reader, on any machine,
        must see the same flip."""
        return self.client.get_or_create_collection(
            name=f"{self.collection_name}-manifest", embedding_function=self.embedding_function
        )

    def load_manifest(self) -> dict[str, Any]:
        if self.settings.chroma_host:
            got = self._manifest_collection().get(ids=["manifest"], include=["documents"])
            if got["ids"] and got["documents"]:
                try:
                    found = migrate(json.loads(got["documents"][0] or ""))
                except ValueError:
                    found = None
                if found is not None:
                    return found
        return read_manifest_file(self.manifest_path) or empty_manifest()

    def manifest_exists(self) -> bool:
        if self.settings.chroma_host and self._manifest_collection().count():
            return True
        return self.manifest_path.exists()

    def save_manifest(self, manifest: dict[str, Any]) -> None:
        if self.settings.chroma_host:  # one upsert of one record: atomic for every reader
            text = json.dumps(manifest, ensure_ascii=False)
            self._manifest_collection().upsert(ids=["manifest"], documents=[text], embeddings=[[0.0]])
        write_manifest_file(self.manifest_path, manifest)

    # ---------------------------------------------------------- writes
    def write_generation(self, doc_id: str, gen: int, chunks: list[Chunk]) -> int:
        """Store a document's chunks under ``gen`` (invisible until the manifest flips to it).
        Records already stored by a killed run are skipped; returns how many were written."""
        written = 0
        for start in range(0, len(chunks), 64):
            batch = chunks[start : start + 64]
            ids = [record_id(c.chunk_id, gen) for c in batch]
            have = set(self.collection.get(ids=ids, include=[])["ids"])
            todo = [(rid, c) for rid, c in zip(ids, batch) if rid not in have]
            if not todo:
                continue
            self.collection.upsert(
                ids=[rid for rid, _ in todo],
                embeddings=self.embedder.embed_documents([embedding_text(c) for _, c in todo]),
                documents=[c.text for _, c in todo],
                metadatas=[{**c.metadata(), "gen": gen, "chunk_id": c.chunk_id} for _, c in todo],
            )
            written += len(todo)
        return written

    def write_document(self, doc_id: str, chunks: list[Chunk]) -> None:
        """Write and publish one document at once (for callers outside ``build_index``)."""
        with writer_lock(self.settings.index_dir):
            manifest = self.load_manifest()
            from assistant.index import _publish

            _publish(self, manifest, doc_id, "", "", doc_id, chunks, None)

    def delete_generation(self, doc_id: str, gen: int) -> None:
        got = self.collection.get(where={"doc_id": doc_id}, include=["metadatas"])
        ids = [rid for rid, meta in zip(got["ids"], got["metadatas"]) if (meta or {}).get("gen", LEGACY_GEN) == gen]
        for start in range(0, len(ids), 5000):
            self.collection.delete(ids=ids[start : start + 5000])

    def delete_document(self, doc_id: str) -> None:
        """Every record of a document, whatever its generation."""
        self.collection.delete(where={"doc_id": doc_id})

    def collect_garbage(self, manifest: dict[str, Any]) -> None:
        """Delete superseded generations, then forget them (a kill in between repeats this)."""
        if not manifest.get("garbage"):
            return
        for doc_id, gen in list(manifest["garbage"]):
            self.delete_generation(doc_id, gen)
        manifest["garbage"] = []
        self.save_manifest(manifest)

    # ---------------------------------------------------------- reads
    def count(self) -> int:
        """Records stored, visible or not."""
        return self.collection.count()

    def visible_records(self, manifest: dict[str, Any] | None = None) -> tuple[list[tuple[str, Chunk]], int]:
        """(record id, chunk) for every visible record, and how many stored records are hidden.

        A collection with no manifest at all (written by other tools) is shown whole."""
        strict = manifest is not None or self.manifest_exists()
        gens = visible_generations(manifest if manifest is not None else self.load_manifest())
        out: list[tuple[str, Chunk]] = []
        hidden = 0
        metas: dict[tuple, DocumentMeta] = {}
        total = self.collection.count()
        for offset in range(0, total, 5000):
            got = self.collection.get(include=["documents", "metadatas"], limit=5000, offset=offset)
            for rid, text, meta in zip(got["ids"], got["documents"], got["metadatas"]):
                meta = meta or {}
                if strict and gens.get(str(meta.get("doc_id"))) != meta.get("gen", LEGACY_GEN):
                    hidden += 1
                    continue
                out.append((rid, chunk_from_record(str(meta.get("chunk_id") or rid), text or "", meta, metas)))
        return out, hidden

    def all_chunks(self) -> list[Chunk]:
        """Every visible chunk, rebuilt from Chroma's documents and metadata."""
        return [c for _, c in self.visible_records()[0]]


def embedding_text(chunk: Chunk) -> str:
    """What the vector leg sees: the clause with its document title and headings."""
    heading = " ".join(chunk.heading_path)
    return f"{chunk.meta.title} {heading}\n{chunk.text}"


def chunk_from_record(
    chunk_id: str, text: str, meta: dict[str, Any], cache: dict[tuple, DocumentMeta] | None = None
) -> Chunk:
    """A chunk from a stored record. ``cache`` shares one DocumentMeta between a document's
    chunks: validating it once per document instead of once per chunk matters at 50,000."""

    def _d(key: str):
        return meta.get(key) or None

    key = tuple(meta.get(k) for k in _DOC_KEYS)
    doc_meta = cache.get(key) if cache is not None else None
    if doc_meta is None:
        doc_meta = DocumentMeta(
            id=meta["doc_id"],
            title=meta.get("title", ""),
            region=meta.get("region", "national"),
            region_name=meta.get("region_name", ""),
            program=meta.get("program") or None,
            kind=meta.get("kind", "policy"),
            # An index built before text kinds existed reads as our summary with our numbering: the
            # cautious reading (never quoted as official text).
            text=meta.get("text_kind")
            if meta.get("text_kind") in ("official", "summary", "analysis", "unverified")
            else "summary",
            numbering=meta.get("numbering") if meta.get("numbering") in ("official", "own") else "own",
            status=meta.get("status", "reported"),
            confidence=meta.get("confidence", "S1"),
            issued=_d("issued"),
            effective_from=_d("effective_from"),
            effective_to=_d("effective_to"),
        )
        if cache is not None:
            cache[key] = doc_meta
    page = meta.get("page", -1)
    return Chunk(
        chunk_id=chunk_id,
        doc_id=meta["doc_id"],
        text=text,
        locator=meta.get("locator", ""),
        heading_path=[h for h in str(meta.get("heading_path", "")).split(" > ") if h],
        page=None if page in (-1, None) else int(page),
        meta=doc_meta,
        note=meta.get("text_kind") == "note",
    )


_DOC_KEYS = (
    "doc_id", "gen", "title", "region", "region_name", "program", "kind", "text_kind", "numbering",
    "status", "confidence", "issued", "effective_from", "effective_to",
)  # fmt: skip


def _forget_clients() -> None:
    """Chroma caches one system per path; drop it so a re-created directory is reopened."""
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:
        pass
