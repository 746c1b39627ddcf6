"""Data that crosses module boundaries: documents, chunks, hits, citations, responses.

Citations are data taken from retrieved chunks, never text a composer makes up, so
every answer can be traced back to a clause of a corpus document.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field


def date_number(day: dt.date | None, default: int = 0) -> int:
    """A date as the yyyymmdd integer Chroma can compare (``default`` when unknown)."""
    return int(day.strftime("%Y%m%d")) if day else default


class DocumentMeta(BaseModel):
    """Front matter of a corpus document (or its PDF/text sidecar)."""

    id: str
    title: str
    region: str = "national"  # canonical region code, e.g. beijing, beijing-etown, national
    region_name: str = ""  # as Chinese users write it, e.g. 北京市
    program: str | None = None  # rules program id this text belongs to, if any
    kind: str = "policy"  # policy | legal | guide | reference
    # What the text is: the issuer's own words (official), our summary of them, or our analysis.
    # Only official text is ever quoted in quotation marks.
    # A file that does not say (an upload without the field) is of unknown provenance: unverified.
    text: Literal["official", "summary", "analysis", "unverified"] = "unverified"
    numbering: Literal["official", "own"] = "own"  # clause numbers as the issuer's, or ours
    issuer: str = ""
    # the department that answers enquiries, when the text names one besides the issuer
    # (北京经开区: issued by the 管委会, answered by its 信息技术产业局)
    contact: str = ""
    doc_number: str | None = None
    issued: dt.date | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    status: str = "reported"  # in_force | expired | superseded | draft | reported
    superseded_by: str | None = None
    sources: list[str] = Field(default_factory=list)
    confidence: str = "S1"  # C2 | S1 | SA | U | X
    language: str = "zh"

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the text applies on ``day``; unknown bounds count as open."""
        if self.effective_from and day < self.effective_from:
            return False
        if self.effective_to and day > self.effective_to:
            return False
        return True


class Document(BaseModel):
    meta: DocumentMeta
    text: str
    path: str = ""
    content_hash: str = ""
    # For PDFs: the text of each page, so chunks can carry a page number.
    pages: list[str] | None = None


class Chunk(BaseModel):
    """A clause-sized piece of a document with where it sits in the legal structure."""

    chunk_id: str
    doc_id: str
    text: str
    locator: str  # e.g. 第三条, 三、(二), p.4 第二条
    heading_path: list[str] = Field(default_factory=list)
    page: int | None = None
    meta: DocumentMeta
    note: bool = False  # our own note (说明, how we read the sources), not a clause of the text

    @property
    def text_kind(self) -> str:
        """official | summary | analysis | note: what a citation of this chunk may claim to be."""
        return "note" if self.note else self.meta.text

    def metadata(self) -> dict[str, Any]:
        """Flat, Chroma-compatible metadata (no None values, dates as ISO strings)."""
        m = self.meta
        flat: dict[str, Any] = {
            "doc_id": self.doc_id,
            "title": m.title,
            "region": m.region,
            "region_name": m.region_name,
            "program": m.program or "",
            "kind": m.kind,
            "text_kind": self.text_kind,
            "numbering": m.numbering,
            "status": m.status,
            "confidence": m.confidence,
            "locator": self.locator,
            "heading_path": " > ".join(self.heading_path),
            "page": self.page if self.page is not None else -1,
            "issued": m.issued.isoformat() if m.issued else "",
            "effective_from": m.effective_from.isoformat() if m.effective_from else "",
            "effective_to": m.effective_to.isoformat() if m.effective_to else "",
            # Chroma compares numbers only, so dates are also stored as yyyymmdd integers;
            # an unknown start is 0 and an open end is 99991231.
            "effective_from_n": date_number(m.effective_from, 0),
            "effective_to_n": date_number(m.effective_to, 99991231),
        }
        return flat


class Hit(BaseModel):
    """A retrieved chunk with its fused score and the ranks that produced it."""

    chunk: Chunk
    score: float
    ranks: dict[str, int] = Field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.chunk.doc_id,
            "title": self.chunk.meta.title,
            "locator": self.chunk.locator,
            "text": self.chunk.text,
            "score": round(self.score, 6),
            "status": self.chunk.meta.status,
            "region": self.chunk.meta.region,
        }


class Citation(BaseModel):
    doc_id: str
    title: str
    locator: str
    quote: str
    chunk_id: str = ""
    status: str = ""
    effective_from: str = ""
    effective_to: str = ""
    text: str = ""  # the whole clause, for citation panels
    text_kind: str = "summary"  # official | summary | analysis | unverified | note (see DocumentMeta.text)
    numbering: str = "own"  # official | own: whether the locator is the issuer's article number

    def heading(self, lang: str = "zh") -> str:
        """Where the quote comes from, saying what kind of text it is: only official text is an
        article of the policy; a summary, an analysis or a note of ours is labelled as ours."""
        from assistant.answer.messages import say

        locator = self.locator
        if self.numbering != "official" and self.text_kind != "official" and locator and locator != "说明":
            locator = say(lang, "sources.own_numbering", locator=locator)
        if self.text_kind == "note":
            return say(lang, "sources.note", title=self.title)
        key = {
            "official": "sources.official",
            "analysis": "sources.analysis",
            "unverified": "sources.unverified",
        }.get(self.text_kind, "sources.summary")
        return say(lang, key, title=self.title, locator=locator)

    def line(self, n: int, lang: str = "zh") -> str:
        """The numbered source line: quotation marks for official text only."""
        if self.text_kind == "official":
            quoted = f'"{self.quote}"' if lang == "en" else f"“{self.quote}”"
        else:
            quoted = self.quote
        colon = ": " if lang == "en" else "："
        return f"[{n}] {self.heading(lang)}{colon}{quoted}"

    @classmethod
    def from_chunk(cls, chunk: Chunk, quote: str | None = None) -> Citation:
        m = chunk.meta
        return cls(
            doc_id=chunk.doc_id,
            title=m.title,
            locator=chunk.locator,
            quote=quote if quote is not None else chunk.text[:120],
            chunk_id=chunk.chunk_id,
            status=m.status,
            effective_from=m.effective_from.isoformat() if m.effective_from else "",
            effective_to=m.effective_to.isoformat() if m.effective_to else "",
            text=chunk.text,
            text_kind=chunk.text_kind,
            numbering=m.numbering,
        )


class ToolCall(BaseModel):
    name: str
    input: dict[str, Any]
    output: Any


Verdict = Literal[
    "amount",  # an amount was computed (``amounts`` holds it)
    "eligible",  # every known condition is met
    "not_eligible",  # a condition fails (the reason is in the conclusion)
    "undetermined",  # facts are missing to decide (the questions say which)
    "not_published",  # the figure asked for is not in any published text
    "in_force",  # the program applies on the date asked about
    "ended",  # the program's period has ended (with the latest known statement on continuation)
    "risk",  # a compliance check found a risk
    "no_risk",  # a compliance check found nothing against the facts given
    "answered",  # a rule, process or legal question answered from the texts
    "clarify",  # a fact needed to answer is missing or ambiguous: a question back
    "refused",  # outside what the assistant covers, or no document for the place
]


class AskAmount(BaseModel):
    """One computed line: a program, the base, and the calculator's amount (yuan, exact)."""

    program: str
    version: str = ""
    version_status: str = ""  # official | reported | draft
    period_ended: bool = False  # computed under a version whose period has ended
    region: str = ""
    base: str = ""  # yuan, as the calculator returned it
    amount: str | None = None  # yuan with 2 decimals, None when no amount can be computed
    label: str = ""  # which purchase or claim the line is for, in the user's language


class AskAnswer(BaseModel):
    """The answer to one question of the message: what the user asked, what we concluded."""

    text: str  # the sub-question as the user wrote it
    intent: str
    verdict: Verdict
    conclusion: str  # one paragraph, built from structured results (never a retrieved sentence alone)
    amounts: list[AskAmount] = Field(default_factory=list)
    total: str | None = None  # the sum of the lines where a sum makes sense
    programs: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    citations: list[int] = Field(default_factory=list)  # 1-based indexes into Response.citations


class Response(BaseModel):
    """What ``Assistant.ask`` returns; the CLI prints it, the web app renders it."""

    answer: str
    citations: list[Citation] = Field(default_factory=list)
    tool_calls: list[ToolCall] = Field(default_factory=list)
    refused: bool = False
    language: str = "zh"
    intent: str = ""
    asks: list[AskAnswer] = Field(default_factory=list)
    missing_facts: list[dict[str, str]] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    latency_ms: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
