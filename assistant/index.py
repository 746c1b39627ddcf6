"""The search index: Chroma vectors on disk (or on a Chroma server) plus a manifest.

The manifest records each document's content hash and visible generation, so a rebuild only
re-embeds what changed and drops what was deleted. A document is written under a new
generation and published by one atomic manifest write, so readers never see half of it and a
build killed midway is finished (or rolled back) by the next start: see ``index_state``.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.chunking import chunk_document, chunking_fingerprint
from assistant.index_state import (
    MANIFEST_VERSION,
    PendingDocument,
    has_pending_work,
    is_visible,
    pending_documents,
    writer_lock,
)
from assistant.index_store import (
    IndexCorruptError,
    IndexStore,
    _client,
    _forget_clients,
    chunk_from_record,
    embedding_text,
)
from assistant.ingest import IngestError, content_hash, corpus_files, load_file
from assistant.models import Chunk
from assistant.settings import Settings, get_settings

__all__ = [
    "MANIFEST_VERSION",
    "chunk_from_record",
    "embedding_text",
    "BuildReport",
    "IndexCorruptError",
    "IndexStore",
    "PendingDocument",
    "build_index",
    "pending_documents",
    "recover_index",
    "reset_index",
]


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


def _publish(
    store: IndexStore,
    manifest: dict[str, Any],
    doc_id: str,
    rel: str,
    digest: str,
    title: str,
    chunks: list[Chunk],
    replaces: str | None,
) -> int:
    """Write a document under a pending generation, then make it visible with one manifest write.

    A pending write of the same content (a killed run) is resumed under its own generation;
    ``replaces`` (the id this file had before) disappears in the same flip."""
    known = manifest["documents"]
    entry = known.get(doc_id, {})
    pend = entry.get("pending")
    if pend and pend.get("hash") == digest and digest:
        gen = int(pend["gen"])
    else:
        if pend and pend.get("gen", -1) >= 0:
            manifest["garbage"].append([doc_id, pend["gen"]])
        manifest["generation"] = gen = int(manifest.get("generation", 0)) + 1
        started = time.strftime("%Y-%m-%dT%H:%M:%S")
        entry["pending"] = {
            "gen": gen,
            "hash": digest,
            "path": rel,
            "title": title,
            "chunks": len(chunks),
            "started": started,
        }
        if not is_visible(entry):
            entry.update(path=rel, title=title)
        known[doc_id] = entry
        store.save_manifest(manifest)
    written = store.write_generation(doc_id, gen, chunks)
    if is_visible(entry):
        manifest["garbage"].append([doc_id, entry["gen"]])
    if replaces and replaces != doc_id and replaces in known:
        old = known.pop(replaces)
        manifest["garbage"] += [
            [replaces, g]
            for g in (old.get("gen"), (old.get("pending") or {}).get("gen"))
            if isinstance(g, int) and g >= 0
        ]
    known[doc_id] = {"path": rel, "hash": digest, "gen": gen, "chunks": len(chunks), "title": title}
    store.save_manifest(manifest)  # the flip
    store.collect_garbage(manifest)
    return written


def _roll_back(manifest: dict[str, Any], doc_id: str) -> None:
    """Abandon a document's pending write: its visible version (if any) stays."""
    entry = manifest["documents"].get(doc_id)
    if not entry or "pending" not in entry:
        return
    pend = entry.pop("pending")
    if pend.get("gen", -1) >= 0:
        manifest["garbage"].append([doc_id, pend["gen"]])
    if not is_visible(entry):
        manifest["documents"].pop(doc_id)


def build_index(
    rebuild: bool = False,
    progress: bool = False,
    settings: Settings | None = None,
    store: IndexStore | None = None,
) -> BuildReport:
    """Bring the index in line with the corpus; only changed documents are re-embedded.

    Holds the writer lock throughout; a pending write left by a killed run is finished (or
    rolled back when its file is gone or no longer loads) on the way."""
    settings = settings or get_settings()
    with writer_lock(settings.index_dir):
        return _build(rebuild, progress, settings, store)


def _build(rebuild: bool, progress: bool, settings: Settings, store: IndexStore | None) -> BuildReport:
    started = time.perf_counter()
    if rebuild:
        reset_index(settings)
        store = None
    store = store or IndexStore(settings)
    manifest = store.load_manifest()
    store.collect_garbage(manifest)
    known: dict[str, Any] = manifest["documents"]
    report = BuildReport()

    files = corpus_files(settings.corpus_dir)
    by_path = {entry.get("path"): doc_id for doc_id, entry in known.items()}
    seen_ids: set[str] = set()
    todo = []
    for path in files:
        rel = _rel(path, settings.corpus_dir)
        old_id = by_path.get(rel)
        try:
            digest = f"{content_hash(path)}:{chunking_fingerprint()}"
        except OSError as exc:
            report.errors.append(IngestError(path, f"cannot read file ({exc})"))
            _keep_previous(manifest, old_id, seen_ids)
            continue
        if old_id and known[old_id].get("hash") == digest and "pending" not in known[old_id]:
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
            _keep_previous(manifest, old_id, seen_ids)  # a file that broke keeps its previous chunks
            continue
        doc_id = doc.meta.id
        if doc_id in seen_ids:
            report.errors.append(IngestError(path, f"duplicate document id {doc_id!r}"))
            continue
        chunks = chunk_document(doc, settings.chunk_max_chars)
        if not chunks:
            report.errors.append(IngestError(path, "no clause text found"))
            _keep_previous(manifest, old_id, seen_ids)
            continue
        was_visible = is_visible(known.get(old_id or doc_id, {}))
        if old_id and old_id != doc_id:
            _roll_back(manifest, old_id)
        report.chunks_written += _publish(store, manifest, doc_id, rel, digest, doc.meta.title, chunks, old_id)
        seen_ids.add(doc_id)
        (report.updated if was_visible else report.added).append(doc_id)

    for doc_id in list(known):
        if doc_id not in seen_ids:
            entry = known.pop(doc_id)
            for gen in (entry.get("gen"), (entry.get("pending") or {}).get("gen")):
                if isinstance(gen, int) and gen >= 0:
                    manifest["garbage"].append([doc_id, gen])
            if is_visible(entry):
                report.removed.append(doc_id)
    manifest["built_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    store.save_manifest(manifest)
    store.collect_garbage(manifest)
    report.total_chunks = store.count()
    report.seconds = time.perf_counter() - started
    return report


def _keep_previous(manifest: dict[str, Any], old_id: str | None, seen_ids: set[str]) -> None:
    """A file that cannot be read now: its visible version stays, its pending write is dropped."""
    if old_id:
        _roll_back(manifest, old_id)
        if old_id in manifest["documents"]:
            seen_ids.add(old_id)


def recover_index(settings: Settings | None = None, store: IndexStore | None = None) -> BuildReport | None:
    """Finish or roll back what a killed writer left (pending documents, superseded generations).

    Called when the index is opened (``open_retriever``: every Assistant, Knowledge and CLI start;
    ``serve`` runs a full ``build_index``). Returns None when there was nothing to do or when a
    live writer holds the index (its work is not abandoned; readers do not see it meanwhile)."""
    settings = settings or get_settings()
    store = store or IndexStore(settings)
    if not has_pending_work(store.load_manifest()):
        return None
    with writer_lock(settings.index_dir, blocking=False) as got:
        if not got or not has_pending_work(store.load_manifest()):
            return None
        return _build(False, False, settings, store)


def corpus_version(settings: Settings | None = None) -> str:
    """A short fingerprint of what is indexed, recorded with every answer."""
    import hashlib

    settings = settings or get_settings()
    path = settings.index_dir / f"manifest-{settings.embedder}.json"
    try:
        docs = json.loads(path.read_text(encoding="utf-8")).get("documents", {})
    except (OSError, ValueError):
        return "none"
    joined = "|".join(f"{k}:{v.get('hash', '')}" for k, v in sorted(docs.items()) if "hash" in v)
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
        existing = {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}
        for drop in (name, f"{name}-manifest"):
            if drop in existing:
                client.delete_collection(drop)
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
    for p in [
        *settings.index_dir.glob(pattern),
        *settings.index_dir.glob(pattern.replace("manifest-", "sparse-", 1)[:-5] + ".npz"),
    ]:
        p.unlink()
    from assistant.retrieval import reset_retrievers

    reset_retrievers()


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(root).resolve()))
    except ValueError:
        return str(path)
