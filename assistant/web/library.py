"""The Library tab's data: list documents and chunks, add uploads, delete documents.

Reads go through the loaded retriever's index; writes put files into the corpus directory
and call the library's incremental ``build_index``, then ``reset_retrievers`` so the next
question sees the change. Callers check the admin token before calling a write.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.index_state import PendingDocument
from assistant.settings import Settings
from assistant.web.security import UPLOAD_SUFFIXES, UploadRejected, check_upload, sanitize_filename

UPLOAD_DIR = "uploads"
META_KEYS = (
    "id",
    "title",
    "region",
    "region_name",
    "kind",
    "issuer",
    "doc_number",
    "issued",
    "effective_from",
    "effective_to",
    "status",
    "confidence",
    "program",
    "language",
    "text",  # official | summary | analysis: only an official text is quoted in quotation marks
    "numbering",  # official | own
)
_WRITE_LOCK = threading.Lock()


@dataclass
class DocRow:
    doc_id: str
    title: str
    region: str
    status: str
    effective_from: str
    effective_to: str
    confidence: str
    chunks: int  # chunks retrieval serves now: 0 for a first version still being written
    path: str
    # A version not yet (fully) written: the admin must see it as pending, never as complete.
    pending: PendingDocument | None = None

    @property
    def index_state(self) -> str:
        return self.pending.state if self.pending else "complete"

    def as_list(self) -> list[Any]:
        return [
            self.doc_id,
            self.title,
            self.region,
            self.status,
            self.effective_from,
            self.effective_to,
            self.confidence,
            self.chunks,
            self.index_state,
            self.path,
        ]


DOC_HEADERS = [
    "文档ID Doc ID",
    "标题 Title",
    "地区 Region",
    "状态 Status",
    "生效 From",
    "失效 To",
    "可信度 Confidence",
    "分块数 Chunks",
    "索引 Indexing",
    "文件 File",
]
CHUNK_HEADERS = ["条款 Locator", "页 Page", "正文 Text"]


def _retriever(settings: Settings):
    from assistant.retrieval import open_retriever

    return open_retriever(settings)


def _manifest(settings: Settings) -> dict[str, Any]:
    store = _retriever(settings).store
    return store.load_manifest().get("documents", {})


def list_documents(settings: Settings) -> list[DocRow]:
    """Documents retrieval serves, and those being written (or left half-written by a killed
    writer): a pending first version is listed with no chunks, an update marks its document."""
    from assistant.index import pending_documents

    retriever = _retriever(settings)
    full = retriever.store.load_manifest()
    manifest = full.get("documents", {})
    rows: dict[str, DocRow] = {}
    for chunk in retriever.chunks:
        row = rows.get(chunk.doc_id)
        if row is None:
            m = chunk.meta
            rows[chunk.doc_id] = row = DocRow(
                doc_id=chunk.doc_id,
                title=m.title,
                region=m.region_name or m.region,
                status=m.status,
                effective_from=m.effective_from.isoformat() if m.effective_from else "",
                effective_to=m.effective_to.isoformat() if m.effective_to else "",
                confidence=m.confidence,
                chunks=0,
                path=str(manifest.get(chunk.doc_id, {}).get("path", "")),
            )
        row.chunks += 1
    for pend in pending_documents(settings, manifest=full):
        row = rows.get(pend.doc_id)
        if row is None:  # nothing of it is served yet
            row = rows[pend.doc_id] = DocRow(pend.doc_id, pend.title, "", "", "", "", "", 0, pend.path)
        row.pending = pend
    return sorted(rows.values(), key=lambda r: (r.pending is None, r.region, r.doc_id))


def document_chunks(settings: Settings, doc_id: str) -> list[list[Any]]:
    retriever = _retriever(settings)
    return [[c.locator, c.page if c.page is not None else "", c.text] for c in retriever.chunks if c.doc_id == doc_id]


def _meta_from_form(meta: dict[str, Any] | None, meta_yaml: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if meta_yaml and meta_yaml.strip():
        try:
            loaded = yaml.safe_load(meta_yaml)
        except yaml.YAMLError:
            raise UploadRejected("元数据不是有效的 YAML / the metadata is not valid YAML") from None
        if not isinstance(loaded, dict):
            raise UploadRejected("元数据应为键值对 / the metadata must be a mapping of keys to values")
        data.update(loaded)
    for k, v in (meta or {}).items():
        if v not in (None, ""):
            data[k] = v
    unknown = sorted(set(data) - set(META_KEYS) - {"sources"})
    if unknown:
        raise UploadRejected(f"未知的元数据字段 / unknown metadata fields: {', '.join(map(str, unknown))}")
    return {k: (str(v) if not isinstance(v, (list, bool, int, float)) else v) for k, v in data.items()}


def normalise_id(doc_id: str) -> str:
    """The form two ids are compared in: NFKC, case-folded, every dash-like character a hyphen,
    no surrounding or inner spaces, so "Beijing-Municipal-2023 " and "beijing‐municipal‐2023"
    are the same id."""
    text = unicodedata.normalize("NFKC", doc_id).casefold()
    text = re.sub(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d_]", "-", text)
    return re.sub(r"\s+", "", text)


def _refuse_lookalike(doc_id: str, title: str, rel: str, manifest: dict[str, Any]) -> None:
    """An upload may not take an indexed document's id (in any spelling) or its title: cited
    exactly like the real clause, it would pass for the official text."""
    wanted = normalise_id(doc_id)
    for other_id, entry in manifest.items():
        if entry.get("path") == rel:
            if other_id != doc_id:  # same file name, another id: it would silently replace that document
                raise UploadRejected(
                    f"文件名已被文档 {other_id} 使用 / the file name is already used by document {other_id!r}; "
                    "delete that document first or upload under another file name"
                )
            continue  # the same document again: an update
        if normalise_id(other_id) == wanted:
            raise UploadRejected(
                f"文档ID {doc_id} 已存在：与已有文档 {other_id}（{entry.get('path')}）相同或仅写法不同 / document id "
                f"{doc_id!r} already exists as {other_id!r} (the same id or a look-alike spelling); give another id"
            )
        if (
            title
            and entry.get("title")
            and unicodedata.normalize("NFKC", title).strip()
            == unicodedata.normalize("NFKC", str(entry["title"])).strip()
        ):
            raise UploadRejected(
                f"标题与已有文档 {other_id} 相同 / the title is that of an existing document ({other_id!r}); "
                "give the upload its own title (e.g. add 正式文本 or the version)"
            )


def _declares_status(path: Path) -> bool:
    """Whether a Markdown upload gives its own status in its front matter."""
    if path.suffix.lower() not in (".md", ".markdown"):
        return False
    head = path.read_bytes()[:8000].decode("utf-8", "ignore")
    match = re.match(r"\A---\s*\n(.*?)\n---", head, re.S)
    return bool(match and re.search(r"(?m)^status\s*:", match.group(1)))


def add_document(
    settings: Settings,
    upload_path: str | Path,
    original_name: str,
    meta: dict[str, Any] | None = None,
    meta_yaml: str | None = None,
    progress: bool = False,
) -> tuple[str, Any]:
    """Validate an upload, store it under corpus/uploads with its sidecar, re-index.

    Returns (stored file name, BuildReport). Raises ``UploadRejected`` with the reason.
    """
    from assistant.index import build_index
    from assistant.ingest import IngestError, load_file
    from assistant.retrieval import reset_retrievers

    check_upload(upload_path, UPLOAD_SUFFIXES, settings.max_upload_bytes, original_name)
    name = sanitize_filename(original_name)
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        raise UploadRejected("文件名无效 / invalid file name")
    if name.startswith((".", "_")) or name.lower() == "readme.md":
        # the indexer skips such names: accepting one would show ✓ for a file that is never indexed
        raise UploadRejected(
            f"文件名 {name} 不会被索引（以 . 或 _ 开头，或为 README.md），请改名后上传 / "
            f"a file named {name!r} would never be indexed; rename it and upload again"
        )
    fields = _meta_from_form(meta, meta_yaml)
    target_dir = (Path(settings.corpus_dir) / UPLOAD_DIR).resolve()
    target = (target_dir / name).resolve()
    if target.parent != target_dir:  # belt and braces: sanitize_filename already removed paths
        raise UploadRejected("文件名无效 / invalid file name")
    with _WRITE_LOCK:
        target_dir.mkdir(parents=True, exist_ok=True)
        sidecar = target.with_name(target.name + ".meta.yaml")
        # Parse a staged copy under its real name first: a file that cannot be indexed
        # never reaches the corpus.
        with tempfile.TemporaryDirectory(prefix="cv-upload-") as tmp:
            staged = Path(tmp) / name
            shutil.copyfile(upload_path, staged)
            staged_sidecar = staged.with_name(name + ".meta.yaml")
            if "status" not in fields and not _declares_status(staged):
                # Left unset by the admin: stays unset, not the model's default ("reported"),
                # which would present an unknown file as a press report.
                fields["status"] = ""
            if fields:
                staged_sidecar.write_text(yaml.safe_dump(fields, allow_unicode=True, sort_keys=False), encoding="utf-8")
            try:
                doc = load_file(staged, max_bytes=settings.max_upload_bytes)
            except IngestError as exc:
                raise UploadRejected(f"无法解析该文件 / the file cannot be indexed: {exc.reason}") from None
            manifest = _manifest(settings)
            rel = str(target.relative_to(Path(settings.corpus_dir).resolve()))
            _refuse_lookalike(doc.meta.id, doc.meta.title, rel, manifest)
            shutil.move(str(staged), target)
            if fields:
                shutil.move(str(staged_sidecar), sidecar)
            elif sidecar.exists():
                sidecar.unlink()
        store = _retriever(settings).store
        report = build_index(settings=settings, store=store, progress=progress)
        reset_retrievers()
    return name, report


def delete_document(settings: Settings, doc_id: str, progress: bool = False) -> Any:
    """Remove a document's file (and sidecar) from the corpus and from the index."""
    from assistant.index import build_index
    from assistant.retrieval import reset_retrievers

    with _WRITE_LOCK:
        entry = _manifest(settings).get(doc_id)
        if not entry:
            raise UploadRejected(f"没有该文档 / no such document: {doc_id}")
        corpus = Path(settings.corpus_dir).resolve()
        path = (corpus / entry["path"]).resolve()
        if corpus not in path.parents:
            raise UploadRejected("文档路径不在语料目录内 / document path is outside the corpus")
        for p in (path, path.with_name(path.name + ".meta.yaml"), path.with_name(path.stem + ".meta.yaml")):
            if p.exists():
                p.unlink()
        store = _retriever(settings).store
        report = build_index(settings=settings, store=store, progress=progress)
        reset_retrievers()
    return report
