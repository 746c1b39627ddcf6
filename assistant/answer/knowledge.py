"""What the answer layer knows once loaded: documents, programs, clauses, tools, region names.

Built once per process from the retriever's chunks, the corpus front matter and the program
files; read-only afterwards, so concurrent requests share it without locks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.models import Chunk
from assistant.rules.model import Program
from assistant.tools import ClauseIndex, build_tools

if TYPE_CHECKING:  # pragma: no cover
    from langchain_core.tools import BaseTool

    from assistant.retrieval import Retriever


@dataclass(frozen=True)
class DocInfo:
    doc_id: str
    title: str
    region: str
    program: str | None
    kind: str
    status: str
    confidence: str
    issuer: str
    contact: str
    doc_number: str | None
    issued: dt.date | None
    effective_from: dt.date | None
    effective_to: dt.date | None
    superseded_by: str | None = None  # the document that replaced it, when the source names one


def _issuer_name(raw: str) -> str:
    m = re.search(r"[（(](?:政策制定单位|组织实施单位|发文单位)[：:]\s*([^）)]+)[）)]", raw or "")
    return (m.group(1) if m else raw or "").strip()


def _front_matter(corpus_dir: Path) -> dict[str, dict[str, Any]]:
    """The corpus documents' front matter by id (issuer and document number are not in chunks)."""
    import yaml

    out: dict[str, dict[str, Any]] = {}
    for path in sorted(list(corpus_dir.glob("*.md")) + list(corpus_dir.glob("*.meta.yaml"))):
        try:
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".md":
                m = re.match(r"^---[ \t]*\r?\n(.*?)\r?\n---", text, re.DOTALL)
                meta = yaml.safe_load(m.group(1)) if m else {}
            else:
                meta = yaml.safe_load(text)
        except Exception:  # a broken file is the index's business; here it only loses its issuer
            continue
        if isinstance(meta, dict) and meta.get("id"):
            out[str(meta["id"])] = meta
    return out


class Knowledge:
    """Documents, programs, clauses and tools for one loaded retriever."""

    def __init__(self, retriever: Retriever, corpus_dir: Path) -> None:
        from assistant.rules import load_programs

        self.retriever = retriever
        self.programs: dict[str, Program] = load_programs()
        self.clauses = ClauseIndex(retriever.chunks)
        # Documents the rules-as-code were reviewed against (their versions' texts and every
        # clause a parameter cites); anything else, an upload above all, is not a rule.
        self.reviewed_docs: set[str] = {
            doc
            for p in self.programs.values()
            for v in p.versions
            for doc in [v.corpus_doc, *(prm.reference.doc for prm in v.parameters.values() if prm.reference)]
        }
        # The issuers' own texts per program (an admin adds them through the library): quoted
        # verbatim in preference to our summary of the same program.
        self.official: dict[str, list[Chunk]] = {}
        for chunk in retriever.chunks:
            if chunk.meta.text == "official" and not chunk.note and chunk.meta.program:
                self.official.setdefault(chunk.meta.program, []).append(chunk)
        self.tools: dict[str, BaseTool] = build_tools(retriever, self.clauses)
        front = _front_matter(corpus_dir)
        self.docs: dict[str, DocInfo] = {}
        for c in retriever.chunks:
            if c.doc_id in self.docs:
                continue
            m, fm = c.meta, front.get(c.doc_id, {})
            self.docs[c.doc_id] = DocInfo(
                doc_id=c.doc_id,
                title=m.title,
                region=m.region,
                program=m.program,
                kind=m.kind,
                status=m.status,
                confidence=m.confidence,
                issuer=_issuer_name(str(fm.get("issuer") or m.issuer or "")),
                contact=str(fm.get("contact") or ""),
                doc_number=str(fm["doc_number"]) if fm.get("doc_number") else m.doc_number,
                issued=m.issued,
                effective_from=m.effective_from,
                effective_to=m.effective_to,
                superseded_by=str(fm["superseded_by"]) if fm.get("superseded_by") else None,
            )
        from assistant.understand.documents import DocRef

        # What the understanding needs to recognise a document named by number or title.
        self.doc_refs: tuple[DocRef, ...] = tuple(
            DocRef(
                doc_id=d.doc_id,
                region=d.region,
                title=d.title,
                doc_number=d.doc_number,
                issued_year=d.issued.year if d.issued else None,
            )
            for d in self.docs.values()
        )
        self.region_docs: dict[str, list[str]] = {}
        for d in self.docs.values():
            self.region_docs.setdefault(d.region, []).append(d.doc_id)
        self.covered = frozenset(r for r in self.region_docs if r != "national")
        self.region_programs: dict[str, list[str]] = {}
        for p in self.programs.values():
            self.region_programs.setdefault(p.region, []).append(p.id)

    # ------------------------------------------------------------ names
    def region_name(self, code: str, lang: str) -> str:
        from assistant import lexicon

        entry = lexicon.region(code) if hasattr(lexicon, "region") else None
        if entry is None:
            from assistant.rules.regions import NAMES

            return NAMES.get(code, code)
        return entry.name_en if lang == "en" else entry.name_zh

    def program_name(self, pid: str, lang: str) -> str:
        p = self.programs.get(pid)
        if p is None:
            return pid
        return (p.name_en or p.name) if lang == "en" else p.name

    def policy_docs(self, region: str) -> list[DocInfo]:
        return [self.docs[x] for x in self.region_docs.get(region, []) if self.docs[x].kind == "policy"]

    def programs_for(self, regions: list[str]) -> list[str]:
        out: list[str] = []
        for r in regions:
            out.extend(p for p in self.region_programs.get(r, []) if p not in out)
        return out

    def doc_of(self, program: str | None = None, region: str | None = None) -> DocInfo | None:
        if program and program in self.programs:
            doc = self.docs.get(self.programs[program].corpus_doc)
            if doc is not None:
                return doc
        docs = self.policy_docs(region) if region else []
        return docs[0] if docs else None

    def current_doc(self, program: str, on: dt.date) -> DocInfo | None:
        """The document of the program's version in force on ``on`` (else its latest)."""
        from assistant.rules.versions import select_version

        p = self.programs.get(program)
        if p is None:
            return None
        version, _others, _notices = select_version(p, on)
        return self.docs.get(version.corpus_doc)

    def issuer_of(self, region: str | None = None, program: str | None = None) -> str:
        doc = self.doc_of(program, region)
        return doc.issuer if doc and doc.issuer else ""

    def contact_of(self, region: str | None = None, program: str | None = None) -> str:
        """Whom to ask: the department the text names for enquiries, else its issuer."""
        doc = self.doc_of(program, region)
        return (doc.contact or doc.issuer) if doc else ""


__all__ = ["DocInfo", "Knowledge"]
