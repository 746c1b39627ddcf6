"""What the index holds and what it shows: the manifest, its generations, the writer lock.

Why generations: a document is written under a new generation number while the manifest still
points readers at the previous one (or at none, for a new document); one atomic manifest write
then flips it. So a reader never sees half a document, a kill at any moment leaves either the
old version or the new one visible, and the next start finishes the write (re-embedding nothing
already stored: chunks are content-keyed in the embedding cache and present records are
skipped) or rolls it back. Superseded generations are listed as garbage in the same write and
deleted after it, again by the next start if a kill came first.

Manifest (version 3)::

    {"version": 3, "generation": <last number given out>,
     "documents": {doc_id: {"path", "hash", "gen", "chunks", "title",
                            "pending": {"gen", "hash", "path", "title", "chunks", "started"}?}},
     "garbage": [[doc_id, gen], ...]}

A document with a "gen" is visible at that generation; one with only "pending" is not visible
yet. A version-2 manifest (no generations) is read as generation 0 for every document, and its
records (stored without a generation) are generation 0: an old index keeps working as it is.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from assistant.settings import Settings, get_settings

MANIFEST_VERSION = 3
LEGACY_GEN = 0  # records and manifest entries written before generations existed


def record_id(chunk_id: str, gen: int) -> str:
    """The store's id of a chunk in a generation (the same chunk in two generations must coexist
    until the flip). Generation 0 records kept their bare chunk ids."""
    return chunk_id if gen == LEGACY_GEN else f"{chunk_id}@g{gen}"


def empty_manifest() -> dict[str, Any]:
    return {"version": MANIFEST_VERSION, "generation": 0, "documents": {}, "garbage": []}


def migrate(data: Any) -> dict[str, Any] | None:
    """A manifest of this or the previous version in today's form; None if unusable."""
    if not isinstance(data, dict) or not isinstance(data.get("documents"), dict):
        return None
    if data.get("version") == MANIFEST_VERSION:
        data.setdefault("garbage", [])
        data.setdefault("generation", 0)
        return data
    if data.get("version") != 2:
        return None
    out = empty_manifest()
    out["built_at"] = data.get("built_at")
    for doc_id, entry in data["documents"].items():
        if entry.get("pending"):
            # The old writer deleted the previous chunks before writing: nothing of this
            # document is whole. Its generation-0 records go; the file is written afresh.
            out["garbage"].append([doc_id, LEGACY_GEN])
            out["documents"][doc_id] = {
                "path": entry.get("path", ""),
                "title": entry.get("title", ""),
                "pending": {"gen": -1, "hash": "", "path": entry.get("path", ""), "chunks": 0, "started": ""},
            }
        else:
            out["documents"][doc_id] = {**entry, "gen": LEGACY_GEN}
    return out


def is_visible(entry: dict[str, Any]) -> bool:
    return isinstance(entry.get("gen"), int)


def visible_generations(manifest: dict[str, Any]) -> dict[str, int]:
    return {d: e["gen"] for d, e in manifest.get("documents", {}).items() if is_visible(e)}


def has_pending_work(manifest: dict[str, Any]) -> bool:
    return bool(manifest.get("garbage")) or any("pending" in e for e in manifest.get("documents", {}).values())


# ---------------------------------------------------------------- writer lock
_HELD = threading.local()


@contextmanager
def writer_lock(index_dir: Path, blocking: bool = True) -> Iterator[bool]:
    """One writer per index directory across processes (``flock``: the kernel releases it when a
    writer is killed, so a lock never outlives a crash). Re-entrant within a thread; yields
    False instead of waiting when ``blocking`` is False and another writer is at work."""
    index_dir.mkdir(parents=True, exist_ok=True)
    key = str(index_dir.resolve())
    held: dict[str, int] = getattr(_HELD, "held", None) or {}
    _HELD.held = held
    if held.get(key):
        held[key] += 1
        try:
            yield True
        finally:
            held[key] -= 1
        return
    fd = os.open(index_dir / ".writer.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        yield False
        return
    held[key] = 1
    try:
        yield True
    finally:
        held.pop(key, None)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def writer_active(index_dir: Path) -> bool:
    """True when some writer (this process's other threads included) holds the index now."""
    if getattr(_HELD, "held", {}).get(str(index_dir.resolve())):
        return True
    with writer_lock(index_dir, blocking=False) as got:
        return not got


# ---------------------------------------------------------------- manifest files
def manifest_path(settings: Settings) -> Path:
    suffix = f"-{settings.chroma_host}-{settings.chroma_port}" if settings.chroma_host else ""
    return settings.index_dir / f"manifest-{settings.embedder}{suffix}.json"


def sparse_path(settings: Settings) -> Path:
    """The persisted BM25 postings, beside the manifest they were built for."""
    path = manifest_path(settings)
    return path.with_name(path.name.replace("manifest-", "sparse-", 1)[: -len(".json")] + ".npz")


def read_manifest_file(path: Path) -> dict[str, Any] | None:
    try:
        return migrate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def write_manifest_file(path: Path, manifest: dict[str, Any]) -> None:
    """Atomic: the flip of a generation is this ``os.replace``."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(manifest, ensure_ascii=False, indent=1))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# ---------------------------------------------------------------- pending documents
class PendingDocument(BaseModel):
    """A document whose chunks are being written (or were, when a writer was killed); retrieval
    does not return it until the write completes."""

    doc_id: str
    path: str
    title: str
    started: str  # when the write began (local time, ISO)
    chunks_expected: int
    previous_version_visible: bool  # an earlier version is served until this one is complete
    state: Literal["indexing", "interrupted"]  # interrupted: finished or rolled back at next start


def pending_documents(
    settings: Settings | None = None, manifest: dict[str, Any] | None = None
) -> list[PendingDocument]:
    """Documents not (yet) visible in their latest version, for the Library to show as pending.

    Reads only the manifest (a local file, or the Chroma server's copy in server mode)."""
    settings = settings or get_settings()
    if manifest is None:
        if settings.chroma_host:
            from assistant.index import IndexStore

            manifest = IndexStore(settings).load_manifest()
        else:
            manifest = read_manifest_file(manifest_path(settings)) or empty_manifest()
    state: Literal["indexing", "interrupted"] = (
        "indexing" if settings.index_dir.exists() and writer_active(settings.index_dir) else "interrupted"
    )
    out = []
    for doc_id, entry in sorted(manifest.get("documents", {}).items()):
        pend = entry.get("pending")
        if not pend:
            continue
        out.append(
            PendingDocument(
                doc_id=doc_id,
                path=str(pend.get("path") or entry.get("path", "")),
                title=str(pend.get("title") or entry.get("title", "")),
                started=str(pend.get("started", "")),
                chunks_expected=int(pend.get("chunks", 0)),
                previous_version_visible=is_visible(entry),
                state=state,
            )
        )
    return out
