"""Find the text of a clause in a corpus document, by its locator.

The text comes from the same chunker that feeds the index, so the clause a rule cites, the
clause the binding test checks and the clause an answer quotes are one and the same. A section
label such as ``一、`` also covers its sub-items (``一、（一）``, ``一、（二）``).
"""

from __future__ import annotations

from pathlib import Path

from assistant.chunking import chunk_document
from assistant.ingest import IngestError, load_file, split_front_matter
from assistant.models import Document, DocumentMeta


def _norm(label: str) -> str:
    return label.strip().replace("(", "（").replace(")", "）")


def _matches(locator: str, clause: str) -> bool:
    if locator == clause:
        return True
    return clause.endswith("、") and locator.startswith(clause)


def find_clause(text: str, clause: str) -> str | None:
    """The text of ``clause`` in a document's Markdown ``text``, or None if absent."""
    try:
        _meta, body = split_front_matter(text, Path("document.md"))
    except IngestError:
        body = text
    doc = Document(meta=DocumentMeta(id="document", title="document"), text=body)
    wanted = _norm(clause)
    if wanted.lower() == "english summary":
        wanted = "English summary"
    parts = [c.text for c in chunk_document(doc, max_chars=100_000) if _matches(c.locator, wanted)]
    return "\n".join(parts) if parts else None


def corpus_path(doc_id: str, corpus_dir: Path | None = None) -> Path:
    if corpus_dir is None:
        from assistant.settings import get_settings

        corpus_dir = get_settings().corpus_dir
    return Path(corpus_dir) / f"{doc_id}.md"


def clause_text(doc_id: str, clause: str, corpus_dir: Path | None = None) -> str | None:
    """The clause's text from ``corpus/<doc_id>.md``; None if the file or clause is missing."""
    path = corpus_path(doc_id, corpus_dir)
    if not path.exists():
        return None
    try:
        doc = load_file(path)
    except IngestError:
        return None
    return find_clause(doc.text, clause)
