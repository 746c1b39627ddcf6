"""The assistant: ``Assistant.load()`` once, then ``ask(question, history)`` and ``draft(enquiry)``.

    message + earlier turns -> understand (typed Case: applicant, purchases, receipts, regions,
    compliance facts, asks) -> for each ask, its handler calls the tools (recorded) -> one
    conclusion per ask, evidence, caveats -> guardrails -> optional LLM rephrase (verified again)

Thread safety: the loaded knowledge and classifier are read-only; each request gets its own
tool session and citations, so one ``Assistant`` serves concurrent web requests.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

from assistant.answer.draft import AskDraft
from assistant.answer.knowledge import Knowledge
from assistant.answer.letter import helpdesk_letter
from assistant.answer.messages import say
from assistant.answer.orchestrate import answer_case
from assistant.answer.render import ask_answers, render
from assistant.guardrails import evidence_texts, strip_unsupported, unsupported_numbers, verify
from assistant.models import Response
from assistant.settings import Settings, get_settings
from assistant.tools import ToolSession
from assistant.understand import Case, understand

log = logging.getLogger(__name__)


class Assistant:
    """Loads the retriever, the rules and the intent classifier once; answers and drafts."""

    def __init__(
        self, retriever: Any, settings: Settings | None = None, llm: Any = None, classifier: Any = None
    ) -> None:
        self.settings = settings or get_settings()
        self.retriever = retriever
        self.kb = Knowledge(retriever, self.settings.corpus_dir)
        self.llm = llm
        self.classifier = classifier
        self._set_idf(getattr(retriever, "_bm25", None))

    @classmethod
    def load(cls, settings: Settings | None = None, llm: Any = "auto", fresh_index: bool = False) -> Assistant:
        """Open the index (building it if missing; ``fresh_index``: its current generation, not
        the one this process already holds), the programs, the intent classifier and, if
        configured, the LLM."""
        from assistant.retrieval import open_retriever
        from assistant.understand.intent import IntentClassifier

        settings = settings or get_settings()
        retriever = open_retriever(settings, fresh=fresh_index)
        if llm == "auto":
            llm = None
            if settings.llm != "none":
                from assistant.llm import make_phraser

                llm = make_phraser(settings)
        embedder = getattr(getattr(retriever, "store", None), "embedder", None)
        classifier = IntentClassifier.load(embedder=embedder, cache_dir=settings.index_dir)
        classifier.risk_reader()  # fitted now, from cached vectors, not inside someone's first answer
        return cls(retriever, settings, llm=llm, classifier=classifier)

    @staticmethod
    def _set_idf(bm25: Any) -> None:
        """Corpus-wide term weights (from the BM25 index) for picking evidence sentences."""
        import math

        from assistant.answer.sentences import set_idf

        postings, n = getattr(bm25, "_postings", None), getattr(bm25, "n", 0)
        if isinstance(getattr(bm25, "idf", None), dict):
            set_idf(bm25.idf)
        elif isinstance(postings, dict) and n:
            set_idf({t: math.log(1 + (n - len(p[0]) + 0.5) / (len(p[0]) + 0.5)) for t, p in postings.items()})

    def today(self) -> dt.date:
        from assistant.rules.eligibility import today

        return today()

    def understand(
        self, question: str, history: Iterable[str] | None = None, facts: Mapping[str, Any] | None = None
    ) -> Case:
        case = understand(
            question,
            list(history or []),
            today=self.today(),
            covered=self.kb.covered,
            classifier=self.classifier,
            documents=self.kb.doc_refs,
        )
        return with_facts(case, facts)

    # ------------------------------------------------------------ public API
    def ask(
        self, question: str, history: Iterable[str] | None = None, facts: Mapping[str, Any] | None = None
    ) -> Response:
        """Answer ``question`` after the earlier user messages ``history``. ``facts`` are answers
        the user gave in a form rather than in words (the web app's quick replies: fact name ->
        yes/no or a choice code); they are applied to the conversation's case as stated, so a
        button press is never re-read as text."""
        started = time.perf_counter()
        session = ToolSession(self.kb.tools)
        try:
            case = self.understand(question, history, facts)
            drafts, citer, caveats = answer_case(self.kb, case, session, self.today())
        except Exception:  # never leave the user without an answer; the failure is logged
            log.exception("answering failed for %r", question)
            return self._error(question, started)
        text = render(drafts, citer.citations, case.language, caveats)
        return self._finish(text, drafts, citer.citations, case, session, started)

    def draft(self, enquiry: str) -> Response:
        """A formal reply to an enquiry (公文 tone in Chinese, formal English otherwise)."""
        started = time.perf_counter()
        session = ToolSession(self.kb.tools)
        try:
            case = self.understand(enquiry, [])
            drafts, citer, caveats = answer_case(self.kb, case, session, self.today())
        except Exception:
            log.exception("drafting failed for %r", enquiry)
            return self._error(enquiry, started)
        if all(d.refused for d in drafts):
            text = render(drafts, citer.citations, case.language, caveats)
        else:
            region = next((r for d in drafts for r in d.regions), None)
            program = next((p for d in drafts for p in d.programs), None)
            issuer = self.kb.issuer_of(region, program)
            text = helpdesk_letter(drafts, citer.citations, caveats, issuer, case.language, self.today())
        resp = self._finish(text, drafts, citer.citations, case, session, started, letter=True)
        resp.intent = "draft:" + resp.intent
        return resp

    # ------------------------------------------------------------ finishing
    def _finish(
        self,
        text: str,
        drafts: list[AskDraft],
        citations: list[Any],
        case: Case,
        session: ToolSession,
        started: float,
        letter: bool = False,
    ) -> Response:
        report = verify(text, citations, session.calls, case.injected)
        if letter and report.unsupported_numbers:  # the letter's date is today's
            report.unsupported_numbers = unsupported_numbers(
                text, [*evidence_texts(session.calls, citations), self.today().isoformat()]
            )
            report.ok = not (
                report.unsupported_numbers or report.bad_citations or report.bad_markers or report.injected_amounts
            )
        warnings: list[str] = []
        if not report.ok:
            log.warning("guardrail failure on the deterministic answer to %r: %s", case.text, report.problems())
            warnings.extend(report.problems())
            text = strip_unsupported(text, report.unsupported_numbers + report.injected_amounts)
        refused = all(d.refused for d in drafts)
        if self.llm is not None and not letter and not refused:
            text = self._phrase(text, citations, case, session, warnings) or text
        missing = [{"fact": q.fact, "question": q.text} for d in drafts for q in d.questions]
        return Response(
            answer=text,
            citations=citations,
            tool_calls=session.calls,
            refused=refused,
            language=case.language,
            intent=drafts[0].ask.intent if drafts else "",
            asks=ask_answers(drafts, case.language),
            missing_facts=list({m["fact"] + m["question"]: m for m in missing}.values()),
            warnings=warnings,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    def _phrase(
        self, text: str, citations: list[Any], case: Case, session: ToolSession, warnings: list[str]
    ) -> str | None:
        """LLM rephrasing; its output must pass the same guardrails or the deterministic text stays."""
        try:
            candidate = self.llm.rephrase(question=case.text, answer=text, citations=citations, language=case.language)
        except Exception as exc:
            log.warning("LLM phrasing failed (%s: %s); returning the deterministic answer", exc.__class__.__name__, exc)
            warnings.append(f"llm_failed: {exc.__class__.__name__}")
            return None
        if not candidate or not candidate.strip():
            warnings.append("llm_empty")
            return None
        report = verify(candidate, citations, session.calls, case.injected)
        if not report.ok:
            log.warning("LLM draft rejected by the guardrails: %s", report.problems())
            warnings.append("llm_rejected: " + "; ".join(report.problems()))
            return None
        return str(candidate).strip()

    def _error(self, question: str, started: float) -> Response:
        from assistant.understand.text import detect_language

        lang = detect_language(question)
        return Response(
            answer=say(lang, "common.error") + "\n" + say(lang, "common.contact"),
            refused=True,
            language=lang,
            intent="error",
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
        )


def with_facts(case: Case, facts: Mapping[str, Any] | None) -> Case:
    """The case with facts the user set directly: yes/no facts through the same path as a spoken
    yes or no, choice facts of the applicant when the value is one the case accepts; anything
    else is left out rather than guessed."""
    from pydantic import ValidationError

    from assistant.understand.state import apply_answer

    for fact, value in (facts or {}).items():
        if isinstance(value, bool):
            case = apply_answer(case, fact, value)
        elif isinstance(value, str) and fact in type(case.applicant).model_fields:
            try:
                applicant = type(case.applicant).model_validate({**case.applicant.model_dump(), fact: value})
            except ValidationError:
                continue
            case = case.model_copy(update={"applicant": applicant})
    return case


_INSTANCE: Assistant | None = None
_INSTANCE_LOCK = threading.Lock()


def get_assistant() -> Assistant:
    """One loaded assistant per process (the web app and the CLI share it)."""
    global _INSTANCE
    with _INSTANCE_LOCK:
        if _INSTANCE is None:
            _INSTANCE = Assistant.load()
        return _INSTANCE


__all__ = ["Assistant", "get_assistant"]
