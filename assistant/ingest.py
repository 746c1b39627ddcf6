"""Turn files under corpus/ into documents, and documents into clause-sized chunks.

Legal text is cited by clause (第三条, 二、（一）), so the chunker follows the legal
structure instead of cutting fixed-size windows: a chunk never separates a clause's
number from its text, and each chunk carries its heading path and locator.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.models import Document, DocumentMeta

SUPPORTED_SUFFIXES = {".md", ".markdown", ".txt", ".pdf"}
SIDECAR_SUFFIX = ".meta.yaml"

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


class IngestError(Exception):
    """A file that cannot be indexed; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass
class LoadReport:
    documents: list[Document]
    errors: list[IngestError]


# ---------------------------------------------------------------- loading


def content_hash(path: Path) -> str:
    """Hash of the file and its sidecar, so editing either re-indexes the document."""
    h = hashlib.sha256(path.read_bytes())
    sidecar = sidecar_path(path)
    if sidecar.exists():
        h.update(sidecar.read_bytes())
    return h.hexdigest()


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX) if not path.name.endswith(SIDECAR_SUFFIX) else path


def _sidecar_candidates(path: Path) -> list[Path]:
    # Both `report.pdf.meta.yaml` and `report.meta.yaml` are accepted.
    return [path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(path.stem + SIDECAR_SUFFIX)]


def _parse_meta(raw: dict, path: Path) -> DocumentMeta:
    if not isinstance(raw, dict):
        raise IngestError(path, "front matter is not a mapping of keys to values")
    raw = {k: v for k, v in raw.items() if v is not None}
    raw.setdefault("id", slugify(path.stem))
    raw.setdefault("title", path.stem)
    raw["id"] = str(raw["id"])
    try:
        return DocumentMeta.model_validate(raw)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        raise IngestError(path, f"invalid front matter ({fields})") from None


def slugify(name: str) -> str:
    slug = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", name).strip("-").lower()
    return slug or "document"


def _read_sidecar(path: Path) -> dict:
    for candidate in _sidecar_candidates(path):
        if candidate.exists():
            try:
                data = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError, ValueError, TypeError, OverflowError, RecursionError) as exc:
                raise IngestError(candidate, f"metadata file is not valid YAML: {exc.__class__.__name__}") from None
            if not isinstance(data, dict):
                raise IngestError(candidate, "metadata file is not a mapping")
            return data
    return {}


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise IngestError(path, "binary content, not text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError(path, "text is neither UTF-8 nor GB18030")


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    match = re.match(r"^---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", text, re.DOTALL)
    if not match:
        raise IngestError(path, "front matter opened with --- but never closed")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        # PyYAML raises plain ValueError for impossible dates such as 2024-02-30.
        raise IngestError(path, f"front matter is not valid YAML ({exc.__class__.__name__}: {exc})") from None
    if not isinstance(meta, dict):
        raise IngestError(path, "front matter is not a mapping of keys to values")
    return meta, text[match.end() :]


def join_wrapped_cjk(text: str) -> str:
    """PDF extraction breaks lines inside Chinese words; rejoin lines between two CJK chars."""
    return re.sub(rf"(?<=[{_CJK}，、；：])[ \t]*\n[ \t]*(?=[{_CJK}])", "", text)


def garbled_share(text: str) -> float:
    """Share of replacement / private-use / control characters among the visible ones."""
    # "(cid:123)" is how extractors spell glyphs they could not map to characters.
    cid_marks = len(re.findall(r"\(cid:\d+\)", text))
    text = re.sub(r"\(cid:\d+\)", "\ufffd", text)
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 0.0
    bad = sum(
        1
        for c in visible
        if c in "\ufffd\u25a0\u25a1" or 0xE000 <= ord(c) <= 0xF8FF or unicodedata.category(c) in ("Cc", "Co", "Cs")
    )
    return max(bad, cid_marks) / len(visible)


@dataclass(frozen=True)
class PdfLimits:
    """Bounds on one PDF's extraction: a 10 KB file whose pages all reference one heavy page can
    extract to tens of millions of characters, so pages, characters and wall time are capped and
    the work runs in a child process that is killed at the time limit."""

    max_pages: int = 2000
    max_chars: int = 3_000_000
    timeout_s: float = 60.0
    # Memory the extracting child may add to what it inherited (the hostile-file run's worst
    # was 334 MB in all): past it, allocation fails and the file is refused, not the machine.
    max_extra_mb: int = 768


# The anonymous compliance upload (a contract) gets tighter bounds than an admin's document.
CONTRACT_PDF_LIMITS = PdfLimits(max_pages=100, max_chars=300_000, timeout_s=15.0)


def _extract_pages(path: Path, data: bytes, limits: PdfLimits) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            if not reader.decrypt(""):
                raise IngestError(path, "PDF is encrypted with a password")
        except IngestError:
            raise
        except Exception:
            raise IngestError(path, "PDF is encrypted and cannot be opened") from None
    count = len(reader.pages)
    if count > limits.max_pages:
        raise IngestError(path, f"PDF has {count} pages, over the {limits.max_pages}-page limit")
    pages: list[str] = []
    total = 0
    for page in reader.pages:
        text = join_wrapped_cjk(page.extract_text() or "")
        total += len(text)
        if total > limits.max_chars:
            raise IngestError(path, f"PDF text runs past the {limits.max_chars:,}-character limit")
        pages.append(text)
    return pages


def _cap_memory(extra_mb: int) -> None:
    """Cap the child's address space at what it inherited plus ``extra_mb`` (Linux; elsewhere
    only the time limit applies). Counted from the inherited size because a fork starts with
    the parent's whole mapping (the model, the index)."""
    import resource

    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return
    vm_kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmSize:")), 0)
    if vm_kb:
        limit = (vm_kb + extra_mb * 1024) * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _extract_worker(conn: Any, path: Path, data: bytes, limits: PdfLimits) -> None:
    try:
        _cap_memory(limits.max_extra_mb)
        conn.send(("ok", _extract_pages(path, data, limits)))
    except IngestError as exc:
        conn.send(("error", exc.reason))
    except MemoryError:
        conn.send(("error", f"PDF text extraction needed more than the {limits.max_extra_mb} MB memory limit"))
    except BaseException as exc:  # pypdf raises many internal types on hostile input
        conn.send(("error", f"not a readable PDF ({exc.__class__.__name__})"))
    finally:
        conn.close()


def _bounded_pages(path: Path, data: bytes, limits: PdfLimits) -> list[str]:
    """Extract in a forked child with a wall-time limit, so a hostile file cannot hold the
    server (other users keep being answered) and is killed, not waited for."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_extract_worker, args=(send, path, data, limits), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(limits.timeout_s):
            raise IngestError(path, f"PDF text extraction took longer than the {limits.timeout_s:g}-second limit")
        try:
            status, payload = receive.recv()
        except EOFError:
            raise IngestError(path, "PDF extraction failed (the extracting process ended)") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receive.close()
    if status != "ok":
        raise IngestError(path, str(payload))
    return list(payload)


def _load_pdf(path: Path, data: bytes, limits: PdfLimits | None = None) -> tuple[str, list[str]]:
    from pypdf.errors import PdfReadError

    try:
        pages = _bounded_pages(path, data, limits or PdfLimits())
    except IngestError:
        raise
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
        AssertionError,
        ZeroDivisionError,
        NotImplementedError,
    ) as exc:
        raise IngestError(path, f"not a readable PDF ({exc.__class__.__name__})") from None
    except Exception as exc:  # pypdf raises many internal types on hostile input
        raise IngestError(path, f"not a readable PDF ({exc.__class__.__name__})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise IngestError(path, "PDF has no extractable text (scanned image?); OCR it first")
    if garbled_share(text) > 0.2:
        raise IngestError(path, "PDF text extracts as garbled characters (unsupported font encoding)")
    return text, pages


def load_file(path: Path, max_bytes: int | None = None, pdf_limits: PdfLimits | None = None) -> Document:
    """Load one corpus file. Raises IngestError with a reason a user can act on."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(path, f"unsupported file type {suffix or '(none)'}; use .md, .txt or .pdf")
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise IngestError(path, f"file is {size} bytes, over the {max_bytes}-byte limit")
        if size == 0:
            raise IngestError(path, "file is empty")
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read file ({exc.strerror or exc.__class__.__name__})") from None

    pages: list[str] | None = None
    if suffix == ".pdf":
        text, pages = _load_pdf(path, data, pdf_limits)
        raw_meta = _read_sidecar(path)
    else:
        text = _decode(path, data)
        raw_meta, text = split_front_matter(text, path)
        raw_meta = {**_read_sidecar(path), **raw_meta}
        if garbled_share(text) > 0.2:
            raise IngestError(path, "text is mostly unreadable characters")
    if not text.strip():
        raise IngestError(path, "no text after the front matter")
    if "title" not in raw_meta:
        first = next((ln.strip("# ").strip() for ln in text.splitlines() if ln.strip()), "")
        if first:
            raw_meta["title"] = first[:80]
    if isinstance(raw_meta.get("title"), str):
        raw_meta["title"] = strip_hidden(raw_meta["title"]).strip()  # a title is shown in every citation
    meta = _parse_meta(raw_meta, path)
    return Document(meta=meta, text=strip_hidden(text), path=str(path), content_hash=content_hash(path), pages=pages)


_REMOTE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<\s*(img|iframe|link|object|embed|video|audio|source)\b[^>]*>", re.I)


def strip_hidden(text: str) -> str:
    """Zero-width and bidi control characters can hide instructions in a document; images and
    embedding tags would make readers' browsers fetch from another host when a quote is shown.
    (Other markup, such as a script tag, stays as text: every view escapes it.)"""
    text = re.sub(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]", "", text)
    return _REMOTE.sub("", text)


def corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(
        p
        for p in Path(corpus_dir).rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not p.name.endswith(SIDECAR_SUFFIX)
        and not p.name.startswith((".", "_"))
        and p.name.lower() != "readme.md"
    )


def load_corpus(corpus_dir: Path, max_bytes: int | None = None, paths: Iterable[Path] | None = None) -> LoadReport:
    """Load every file; a bad file becomes an error entry and the rest still load."""
    documents: list[Document] = []
    errors: list[IngestError] = []
    seen: dict[str, str] = {}
    for path in paths if paths is not None else corpus_files(corpus_dir):
        try:
            doc = load_file(path, max_bytes=max_bytes)
        except IngestError as exc:
            errors.append(exc)
            continue
        if doc.meta.id in seen:
            errors.append(IngestError(path, f"duplicate document id {doc.meta.id!r} (also in {seen[doc.meta.id]})"))
            continue
        seen[doc.meta.id] = str(path)
        documents.append(doc)
    return LoadReport(documents=documents, errors=errors)


# ---------------------------------------------------------------- chunking
