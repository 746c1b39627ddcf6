"""The search index: Chroma vectors on disk (or on a Chroma server) plus a manifest.

The manifest records each document's content hash and chunk ids, so a rebuild only
re-embeds what changed, drops what was deleted, and a build killed midway is finished
by the next run (a document is written as: delete its old chunks, add its new ones,
then record it; repeating that is harmless).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.ingest import IngestError, chunk_document, chunking_fingerprint, content_hash, corpus_files, load_file
from assistant.models import Chunk, DocumentMeta
from assistant.settings import Settings, get_settings

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 2


class IndexCorruptError(RuntimeError):
    """The index on disk cannot be read; the message says how to recover."""


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    chunks_written: int = 0
    total_chunks: int = 0
    seconds: float = 0.0

    @property
    def embedded(self) -> list[str]:
        return self.added + self.updated

    def summary(self) -> str:
        return (
            f"index: {len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged, {len(self.errors)} failed; "
            f"{self.chunks_written} chunks embedded, {self.total_chunks} in the index; {self.seconds:.1f}s"
        )


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
    """Owns the Chroma collection and the manifest; the only writer of the index."""

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
        suffix = f"-{self.settings.chroma_host}-{self.settings.chroma_port}" if self.settings.chroma_host else ""
        return self.settings.index_dir / f"manifest-{self.settings.embedder}{suffix}.json"

    def load_manifest(self) -> dict[str, Any]:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            if data.get("version") == MANIFEST_VERSION:
                return data
        except (OSError, ValueError):
            pass
        return {"version": MANIFEST_VERSION, "documents": {}}

    def save_manifest(self, manifest: dict[str, Any]) -> None:
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.manifest_path)

    # ---------------------------------------------------------- writes
    def write_document(self, doc_id: str, chunks: list[Chunk]) -> None:
        self.delete_document(doc_id)
        for start in range(0, len(chunks), 64):
            batch = chunks[start : start + 64]
            texts = [embedding_text(c) for c in batch]
            self.collection.upsert(
                ids=[c.chunk_id for c in batch],
                embeddings=self.embedder.embed_documents(texts),
                documents=[c.text for c in batch],
                metadatas=[c.metadata() for c in batch],
            )

    def delete_document(self, doc_id: str) -> None:
        self.collection.delete(where={"doc_id": doc_id})

    def count(self) -> int:
        return self.collection.count()

    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk, rebuilt from Chroma's documents and metadata."""
        out: list[Chunk] = []
        total = self.collection.count()
        for offset in range(0, total, 5000):
            got = self.collection.get(include=["documents", "metadatas"], limit=5000, offset=offset)
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"]):
                out.append(chunk_from_record(cid, text, meta))
        return out


def embedding_text(chunk: Chunk) -> str:
    """What the vector leg sees: the clause with its document title and headings."""
    heading = " ".join(chunk.heading_path)
    return f"{chunk.meta.title} {heading}\n{chunk.text}"


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    def _d(key: str):
        return meta.get(key) or None

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


def build_index(
    rebuild: bool = False,
    progress: bool = False,
    settings: Settings | None = None,
    store: IndexStore | None = None,
) -> BuildReport:
    """Bring the index in line with the corpus; only changed documents are re-embedded."""
    settings = settings or get_settings()
    started = time.perf_counter()
    if rebuild:
        reset_index(settings)
        store = None
    store = store or IndexStore(settings)
    manifest = store.load_manifest()
    known: dict[str, Any] = manifest["documents"]
    report = BuildReport()

    files = corpus_files(settings.corpus_dir)
    by_path = {entry["path"]: doc_id for doc_id, entry in known.items()}
    seen_ids: set[str] = set()
    todo = []
    for path in files:
        rel = _rel(path, settings.corpus_dir)
        try:
            digest = f"{content_hash(path)}:{chunking_fingerprint()}"
        except OSError as exc:
            report.errors.append(IngestError(path, f"cannot read file ({exc})"))
            if rel in by_path:
                seen_ids.add(by_path[rel])  # keep what was indexed before
            continue
        old_id = by_path.get(rel)
        if old_id and known[old_id]["hash"] == digest and not known[old_id].get("pending"):
            seen_ids.add(old_id)
            report.unchanged.append(old_id)
            continue
        todo.append((path, rel, digest, old_id))

    iterator = todo
    if progress and todo:
        from tqdm import tqdm

        iterator = tqdm(todo, desc="indexing", unit="doc")
    for path, rel, digest, old_id in iterator:
        try:
            doc = load_file(path, max_bytes=settings.max_file_bytes)
        except IngestError as exc:
            report.errors.append(exc)
            if old_id:
                seen_ids.add(old_id)  # a file that broke keeps its previous chunks
            continue
        doc_id = doc.meta.id
        if doc_id in seen_ids:
            report.errors.append(IngestError(path, f"duplicate document id {doc_id!r}"))
            continue
        chunks = chunk_document(doc, settings.chunk_max_chars)
        if not chunks:
            report.errors.append(IngestError(path, "no clause text found"))
            if old_id:
                seen_ids.add(old_id)
            continue
        if old_id and old_id != doc_id:
            store.delete_document(old_id)
            known.pop(old_id, None)
        # Mark pending first: a crash between here and the final save is redone next run.
        known[doc_id] = {"path": rel, "hash": digest, "pending": True, "chunks": 0}
        store.save_manifest(manifest)
        store.write_document(doc_id, chunks)
        known[doc_id] = {"path": rel, "hash": digest, "chunks": len(chunks), "title": doc.meta.title}
        store.save_manifest(manifest)
        seen_ids.add(doc_id)
        (report.updated if old_id else report.added).append(doc_id)
        report.chunks_written += len(chunks)

    for doc_id in list(known):
        if doc_id not in seen_ids:
            store.delete_document(doc_id)
            known.pop(doc_id)
            report.removed.append(doc_id)
    manifest["built_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    store.save_manifest(manifest)
    report.total_chunks = store.count()
    report.seconds = time.perf_counter() - started
    return report


def corpus_version(settings: Settings | None = None) -> str:
    """A short fingerprint of what is indexed, recorded with every answer."""
    import hashlib

    settings = settings or get_settings()
    path = settings.index_dir / f"manifest-{settings.embedder}.json"
    try:
        docs = json.loads(path.read_text(encoding="utf-8")).get("documents", {})
    except (OSError, ValueError):
        return "none"
    joined = "|".join(f"{k}:{v.get('hash', '')}" for k, v in sorted(docs.items()))
    return hashlib.sha256(joined.encode()).hexdigest()[:12]


def index_is_missing(settings: Settings | None = None) -> bool:
    settings = settings or get_settings()
    if settings.chroma_host:
        return False
    manifest = settings.index_dir / f"manifest-{settings.embedder}.json"
    return not manifest.exists() or not (settings.index_dir / "chroma").exists()


def reset_index(settings: Settings | None = None) -> None:
    """Drop the vectors and the manifest (the embedding cache is kept: it is content-keyed).

    The collection is deleted through the client, which also works for a Chroma server and
    for clients other code in this process still holds; a directory too damaged to open
    is removed from disk instead.
    """
    settings = settings or get_settings()
    name = f"{settings.collection}-{settings.embedder}"
    try:
        client = _client(settings)
        if name in {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}:
            client.delete_collection(name)
    except Exception:
        if settings.chroma_host:
            raise
        _forget_clients()
        shutil.rmtree(settings.index_dir / "chroma", ignore_errors=True)
    pattern = (
        f"manifest-{settings.embedder}-{settings.chroma_host}-*.json"
        if settings.chroma_host
        else f"manifest-{settings.embedder}.json"
    )
    for p in settings.index_dir.glob(pattern):
        p.unlink()
    from assistant.retrieval import reset_retrievers

    reset_retrievers()


def _forget_clients() -> None:
    """Chroma caches one system per path; drop it so a re-created directory is reopened."""
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:
        pass


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(root).resolve()))
    except ValueError:
        return str(path)
