"""What a handler builds for one ask, and the citations shared by every ask of a response.

A handler fills an ``AskDraft``: the verdict and the sentences of its one-paragraph conclusion
(built from tool results), then the supporting pieces (calculation steps, conditions, a table,
findings, related rules as evidence), questions for missing facts and caveats. ``Citer`` numbers
cited clauses once per response, so the same clause is [2] wherever it is cited; a citation is
only ever made from a chunk record a search tool call returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.answer.format import shorten
from assistant.answer.sentences import best_sentence
from assistant.models import AskAmount, Citation, Verdict
from assistant.understand.case import Ask


@dataclass
class Citer:
    """Numbered citations for one response."""

    citations: list[Citation] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)

    def cite(self, hit: dict[str, Any] | None, prefer: Iterable[str] = (), terms: Iterable[str] = ()) -> str:
        """Cite a chunk record from a search tool result; returns the marker "[n]" ("" for no hit)."""
        if not hit:
            return ""
        cid = hit["chunk_id"]
        if cid not in self._index:
            quote = best_sentence(hit["text"], terms, prefer)
            self.citations.append(
                Citation(
                    doc_id=hit["doc_id"],
                    title=hit["title"],
                    locator=hit["locator"],
                    quote=shorten(quote, 100),
                    chunk_id=cid,
                    status=hit.get("status") or "",
                    effective_from=hit.get("effective_from") or "",
                    effective_to=hit.get("effective_to") or "",
                    text=hit["text"],
                    text_kind=hit.get("text_kind") or "summary",
                    numbering=hit.get("numbering") or "own",
                )
            )
            self._index[cid] = len(self.citations)
        return f"[{self._index[cid]}]"

    def number_of(self, chunk_id: str) -> int | None:
        return self._index.get(chunk_id)


@dataclass
class Question:
    fact: str
    text: str


@dataclass
class AskDraft:
    """One ask's answer while it is being built."""

    ask: Ask
    verdict: Verdict = "answered"
    conclusion: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    table: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # clause sentences (cited): "相关规定"
    info: list[str] = field(default_factory=list)  # our own words about the service, never a rule
    questions: list[Question] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    amounts: list[AskAmount] = field(default_factory=list)
    total: str | None = None
    programs: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    # "最多补多少" answered with the rate because no cap is published: the figure asked for is
    # not published, but the rule that bounds the amount is stated, so this is no refusal.
    bounded_instead: bool = False
    # The source sentences the conclusion states (before framing and citing): what a rule says,
    # read by checks on the answer ("does the clause admit the kind asked about") instead of
    # our own sentence around it.
    clauses_said: list[str] = field(default_factory=list)
    # The clauses the findings of a compliance check rest on ({doc, clause}): a later point asking
    # "涉及哪一条" is answered with them
    legal_refs: list[dict[str, str]] = field(default_factory=list)

    def say(self, text: str) -> None:
        if text and text not in self.conclusion:
            self.conclusion.append(text)

    def add_caveat(self, text: str) -> None:
        if text and text not in self.caveats:
            self.caveats.append(text)

    def ask_for(self, fact: str, text: str) -> None:
        if text and all(q.text != text for q in self.questions):
            self.questions.append(Question(fact, text))

    @property
    def refused(self) -> bool:
        """Whether this ask's answer declines: out of scope, or the figure asked for is not
        published and nothing that bounds it is stated instead."""
        return self.verdict == "refused" or (self.verdict == "not_published" and not self.bounded_instead)
