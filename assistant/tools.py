"""The assistant's tools: LangChain ``@tool`` functions over retrieval and the rules engine.

Tools: ``search_corpus``, ``calculate_voucher``, ``check_eligibility``, ``compare_programs``,
``check_compliance`` and ``program_info``. They take and return plain JSON-able data, so an
LLM agent can call them as well as the deterministic pipeline does, and every call with its
result is recorded as a ``ToolCall`` in the response (``ToolSession``).

Tools are built per loaded ``Assistant`` (``build_tools``) because the search tool needs the
loaded retriever; a ``ToolSession`` is per request, so concurrent requests never share a
record of calls.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from langchain_core.tools import BaseTool, tool

from assistant.models import Chunk, ToolCall

if TYPE_CHECKING:  # pragma: no cover
    from assistant.retrieval import Retriever

log = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def hit_json(chunk: Chunk, score: float | None = None) -> dict[str, Any]:
    m = chunk.meta
    out = {
        "chunk_id": chunk.chunk_id,
        "doc_id": chunk.doc_id,
        "title": m.title,
        "locator": chunk.locator,
        "region": m.region,
        "kind": m.kind,
        "text_kind": chunk.text_kind,
        "numbering": m.numbering,
        "status": m.status,
        "confidence": m.confidence,
        "effective_from": m.effective_from.isoformat() if m.effective_from else None,
        "effective_to": m.effective_to.isoformat() if m.effective_to else None,
        "text": chunk.text,
    }
    if score is not None:
        out["score"] = round(float(score), 6)
    return out


def _locator_matches(locator: str, clause: str) -> bool:
    if not clause:
        return False
    if locator == clause:
        return True
    # "二、（一）" cited as "二、" or the reverse; English summaries are never a clause.
    return locator.startswith(clause) or clause.startswith(locator) and len(locator) >= 2


class ClauseIndex:
    """Exact lookup of a clause by (doc_id, clause label), for references the rules cite."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.by_doc: dict[str, list[Chunk]] = {}
        for c in chunks:
            self.by_doc.setdefault(c.doc_id, []).append(c)

    def find(self, doc_id: str, clause: str) -> Chunk | None:
        chunks = self.by_doc.get(doc_id) or []
        for c in chunks:
            if c.locator == clause:
                return c
        for c in chunks:
            if _locator_matches(c.locator, clause):
                return c
        return None

    def first(self, doc_id: str, pattern: str) -> Chunk | None:
        import re

        for c in self.by_doc.get(doc_id) or []:
            if re.search(pattern, c.text):
                return c
        return None


def build_tools(retriever: Retriever, clauses: ClauseIndex) -> dict[str, BaseTool]:
    """The tools bound to one loaded retriever, by name."""

    @tool
    def search_corpus(
        query: str,
        regions: list[str] | None = None,
        kinds: list[str] | None = None,
        doc_ids: list[str] | None = None,
        boost_regions: list[str] | None = None,
        k: int = 5,
        references: list[dict] | None = None,
        mode: str = "hybrid",
    ) -> dict:
        """Search the policy and legal corpus (hybrid BM25 + vectors). Optional filters: region
        codes (e.g. ["beijing"]), kinds (policy, legal, guide), document ids. ``references`` is a
        list of {doc, clause} pairs fetched exactly (the clauses a calculation cites); ``mode`` is
        hybrid (default), bm25 or vector. Returns the
        hits with document title, clause locator, status and the clause text."""
        hits: list[dict[str, Any]] = []
        weak = False
        config: dict[str, Any] = {}
        if query:
            result = retriever.search(
                query,
                k=k,
                region=regions or None,
                kind=kinds or None,
                doc_ids=doc_ids or None,
                boost_regions=boost_regions or None,
                mode=mode if mode in ("hybrid", "bm25", "vector") else "hybrid",
            )
            hits = [hit_json(h.chunk, h.score) for h in result.hits]
            weak = result.weak
            config = result.config
        exact = []
        for ref in references or []:
            chunk = clauses.find(str(ref.get("doc", "")), str(ref.get("clause", "")))
            if chunk is not None:
                exact.append(hit_json(chunk))
        return {"hits": hits, "references": exact, "weak": weak, "config": config}

    @tool
    def calculate_voucher(
        program: str,
        amount: str,
        date: str | None = None,
        compute_type: str | None = None,
        claimed_this_year: str | None = None,
        facts: dict | None = None,
        start: str | None = None,
        end: str | None = None,
        gross_amount: str | None = None,
        excluded: dict | None = None,
        voucher: str | None = None,
        scheme: str | None = None,
    ) -> dict:
        """Compute the voucher amount for one claim under a program (exact, in yuan), with the
        calculation steps and the clause behind each step. ``amount`` is the base in yuan
        (contract or settlement, compute only); ``gross_amount`` and ``excluded`` record what was
        taken out of the user's figure (storage, network ...). ``voucher``: model, corpus, ...
        for a program's other schemes (default its compute voucher); ``scheme``: one scheme by
        id where the program has two of one voucher (Shijingshan's key-firm scheme)."""
        from assistant.rules import RulesInputError, calculate

        try:
            calc = calculate(
                program,
                amount,
                on=date or None,
                compute_type=compute_type or None,
                claimed_this_year=claimed_this_year or "0",
                facts=facts or {},
                start=start or None,
                end=end or None,
                voucher=voucher or None,
                scheme=scheme or None,
            )
        except RulesInputError as exc:
            return {"error": exc.as_json()}
        return calc.as_json()

    @tool
    def check_eligibility(
        facts: dict,
        program: str | None = None,
        date: str | None = None,
        voucher: str | None = None,
        scheme: str | None = None,
    ) -> dict:
        """Check an enterprise's facts against a program's eligibility conditions (or every
        program's; ``voucher`` or ``scheme`` picks one of a program's schemes). Returns per program
        the status (eligible, not_eligible, undetermined), the reason for each condition with its
        clause, and the questions for missing facts."""
        from assistant.rules import RulesInputError
        from assistant.rules import check_eligibility as _check

        profile = dict(facts or {})
        if date:
            profile["date"] = date
        try:
            results = _check(profile, program or None, voucher=voucher or None, scheme=scheme or None)
        except RulesInputError as exc:
            return {"error": exc.as_json()}
        return {"results": [r.as_json() for r in results]}

    @tool
    def compare_programs(
        facts: dict | None = None,
        amount: str | None = None,
        programs: list[str] | None = None,
        date: str | None = None,
        compute_type: str | None = None,
        claimed_this_year: str | None = None,
    ) -> dict:
        """Compare programs for one enterprise: with an amount, each program's eligibility and
        voucher amount, ranked; without, each program's rate and caps with their clauses."""
        from assistant.rules import RulesInputError, compare

        if amount:
            try:
                result = compare(
                    dict(facts or {}),
                    amount=amount,
                    on=date or None,
                    compute_type=compute_type or None,
                    claimed_this_year=claimed_this_year or None,
                    programs=programs or None,
                )
            except RulesInputError as exc:
                return {"error": exc.as_json()}
            out = result.as_json()
            for row, r in zip(out["rows"], result.rows):
                if r.calculation is not None:
                    row["rate_percent"] = r.calculation.as_json().get("rate_percent")
                    row["references"] = [ref.model_dump() for ref in r.calculation.references]
            return out
        return {"programs": [_program_info(p, date) for p in (programs or [])]}

    @tool
    def program_info(
        program: str, date: str | None = None, voucher: str | None = None, scheme: str | None = None
    ) -> dict:
        """A program's published parameters (rates, caps, dates) in the version in force on the
        date, with each parameter's clause and status, and its other versions; ``voucher`` picks
        another of its schemes (model, corpus, ...), ``scheme`` one by id."""
        return _program_info(program, date, voucher, scheme)

    @tool
    def check_compliance(facts: dict) -> dict:
        """Check a described arrangement for compliance risks (related-party supplier, inflated
        price, double funding, split or sham contracts, transfer of vouchers, local-registration
        conditions). Returns findings with severity, legal basis and advice."""
        try:
            from assistant.compliance import check_compliance as _check
        except ImportError:  # pragma: no cover - the module ships with the rules engine
            return {"findings": [], "error": "compliance checks are not available"}
        try:
            result = _check(dict(facts or {}))
        except Exception as exc:  # a bad fact value is reported, never raised into the chat
            return {"findings": [], "error": f"{exc.__class__.__name__}: {exc}"}
        if hasattr(result, "as_json"):
            return _jsonable(result.as_json())
        if isinstance(result, list):
            return {"findings": [_jsonable(f.as_json() if hasattr(f, "as_json") else f) for f in result]}
        return _jsonable(result)

    return {
        t.name: t
        for t in (search_corpus, calculate_voucher, check_eligibility, compare_programs, program_info, check_compliance)
    }


def _program_info(
    program_id: str, date: str | None, voucher: str | None = None, scheme: str | None = None
) -> dict[str, Any]:
    from assistant.rules import RulesInputError, get_scheme
    from assistant.rules.eligibility import today
    from assistant.rules.values import parse_date, percent, plain, wan, yuan
    from assistant.rules.versions import select_version

    try:
        program = get_scheme(program_id, voucher or None, scheme or None)
        on = parse_date(date, "date") if date else today()
    except RulesInputError as exc:
        return {"error": exc.as_json()}
    version, _others, notices = select_version(program, on)

    def _param(p) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": p.name,
            "unit": p.unit,
            "status": p.status,
            "label_zh": p.label_zh,
            "label_en": p.label_en,
            "upper_bound": p.upper_bound,
            "basis_stated": p.basis_stated,
            "single_source": p.single_source,
            "reference": p.reference.model_dump() if p.reference else None,
        }
        if p.value is None:
            d["value"] = None
        elif p.unit == "ratio":
            d["value"] = plain(p.value)
            d["percent"] = percent(p.value)
        elif p.unit == "yuan":
            d["value"] = yuan(p.value)
            d["wan"] = wan(p.value)
        elif p.unit == "date":
            d["value"] = p.value.isoformat()
        else:
            d["value"] = p.value
        if p.note:
            d["note_en"], d["note_zh"] = p.note.en, p.note.zh
        return d

    def _version(v) -> dict[str, Any]:
        return {
            "id": v.id,
            "label_zh": v.label_zh,
            "label_en": v.label_en,
            "corpus_doc": v.corpus_doc,
            "effective_from": v.effective_from.isoformat(),
            "effective_to": v.effective_to.isoformat() if v.effective_to else None,
            "status": v.status,
            "confidence": v.confidence,
            "parameters": {name: _param(p) for name, p in v.parameters.items()},
            "tiers": [
                {"id": t.id, "when": _jsonable(t.when), "use": t.use, "label_zh": t.label_zh, "label_en": t.label_en}
                for t in v.tiers
            ],
            "notes_zh": [n.zh for n in v.notes],
            "notes_en": [n.en for n in v.notes],
            "alternatives": v.alternatives,
            "reference": v.reference.model_dump() if v.reference else None,
        }

    return {
        "program": program.id,
        "name": program.name,
        "name_en": program.name_en,
        "region": program.region,
        "corpus_doc": program.corpus_doc,
        "date": on.isoformat(),
        "base_label_zh": program.base_label_zh,
        "base_label_en": program.base_label_en,
        "version": _version(version),
        "other_versions": [_version(v) for v in program.versions if v.id != version.id],
        "notices_zh": [n.zh for n in notices],
        "notices_en": [n.en for n in notices],
        "notice_codes": [n.code for n in notices],
    }


class ToolSession:
    """One request's tool calls: each call is run and recorded with its input and output."""

    def __init__(self, tools: dict[str, BaseTool]) -> None:
        self.tools = tools
        self.calls: list[ToolCall] = []
        self.timings: list[tuple[str, float]] = []

    def call(self, name: str, **kwargs: Any) -> Any:
        args = {k: _jsonable(v) for k, v in kwargs.items() if v is not None}
        started = time.perf_counter()
        try:
            output = self.tools[name].invoke(args)
        except Exception as exc:  # a tool must never break the chat; the failure is recorded
            log.exception("tool %s failed", name)
            output = {"error": {"error": "tool_failed", "message": f"{exc.__class__.__name__}: {exc}"}}
        self.timings.append((name, time.perf_counter() - started))
        self.calls.append(ToolCall(name=name, input=args, output=output))
        return output

    def record(self, name: str, inputs: dict[str, Any], output: Any) -> Any:
        """Record data the answer takes from somewhere other than a tool (a document's metadata),
        so the guardrails see it as evidence like any tool result."""
        self.calls.append(ToolCall(name=name, input=_jsonable(inputs), output=_jsonable(output)))
        return output

    def derive(self, what: str, inputs: dict[str, Any], result: Any) -> Any:
        """Record arithmetic the answer does on tool results or the user's figures (a total, a
        monthly figure times the term, a contract less its storage part), so every number in an
        answer still traces to a recorded call the guardrails check against."""
        self.calls.append(
            ToolCall(name="arithmetic", input={"what": what, **_jsonable(inputs)}, output={"result": _jsonable(result)})
        )
        return result

    def retrieved_chunk_ids(self) -> set[str]:
        ids: set[str] = set()
        for c in self.calls:
            if c.name == "search_corpus" and isinstance(c.output, dict):
                for h in c.output.get("hits", []) + c.output.get("references", []):
                    ids.add(h["chunk_id"])
        return ids


__all__ = ["build_tools", "ToolSession", "ClauseIndex", "hit_json"]
